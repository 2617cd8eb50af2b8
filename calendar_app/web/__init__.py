"""Serving: public pages, feeds and API views, their URLs and HTTP caching."""
