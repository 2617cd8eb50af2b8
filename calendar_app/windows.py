"""Every window length, named by what it is for: one home, pure Python (no Django).

The readers (twir/, calendars/) and the site (feeds, admin, pages) import them from here;
`calendar_app.rules` re-exports the site's. Two windows of one length are still two rules.
"""

from __future__ import annotations

from datetime import timedelta

# A newsletter's "Upcoming Events" cover four weeks from its date: the window the reader
# assumes when an issue announces none, and what a draft of the next issue (admin,
# `export_events --format twir`) covers by default.
NEWSLETTER_WINDOW = timedelta(days=28)

# Feeds (and `export_events --format ics`) keep this much of the past, so calendar
# clients see cancellations and recent events.
FEED_PAST_WINDOW = timedelta(days=30)

# However a feed is asked for (`include_past`, an old `start`), it reaches no further back
# than this, and holds at most FEED_MAX_EVENTS meetups (the upcoming ones first, soonest
# first, then the past, newest first): one uncached render stays bounded in time and bytes
# whatever the size of the archive.
FEED_MAX_PAST = timedelta(days=365)
FEED_MAX_EVENTS = 3000

# A calendar feed's occurrences are read this far back (recent changes, cancellations)
# and ahead (what the site lists).
CALENDAR_READ_PAST = timedelta(days=30)
CALENDAR_READ_AHEAD = timedelta(days=365)

# The event list's "Next 30 days" chip.
NEXT_DAYS_CHIP = timedelta(days=30)
