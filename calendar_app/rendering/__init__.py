"""Writing meetups out: iCalendar, JSON, the newsletter section, schema.org data."""
