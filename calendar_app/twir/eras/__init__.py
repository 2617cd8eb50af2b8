"""The older layouts of the events section (2014 - February 2022), one module per era.

`select.history` is the grammar registered in `twir.grammars.GRAMMARS`: it picks the
era by the issue's date, and the era's reader checks the line's shape.
"""
