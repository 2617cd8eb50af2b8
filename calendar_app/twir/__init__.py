"""Pure-Python reading of This Week in Rust newsletters (no Django here)."""

from calendar_app.twir.parse import parse_newsletter
from calendar_app.twir.repair import repair_text
from calendar_app.twir.urls import canonical_url, is_event_specific, is_safe_url

__all__ = ["canonical_url", "is_event_specific", "is_safe_url", "parse_newsletter", "repair_text"]
