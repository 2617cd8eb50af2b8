"""Plain SQL helpers for the writers' hot paths."""
