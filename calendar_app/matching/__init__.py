"""Matching, pure Python: which meetup each sighting belongs to, as a function of values."""
