"""Reading the database for the site.

The one FilterSet and the selectors behind pages, feeds and exports.
"""
