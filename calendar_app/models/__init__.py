"""The data model: newsletters, the meetups they list, and what curators say about them.

One module per domain: `meetups` (a meetup, its organisers, places, links, series),
`newsletters` (an issue and its entry lines), `groups` (organisers and the pages and names
they were listed under), `places`, `sources` (followed calendars and their events),
`curation` (flags, the duplicate queue, submissions) and `common` (regions, status, URLs).
Every name is importable from here, as before the split.
"""

from calendar_app.models.common import (
    Region,
    Status,
    region_label,
    url_for,
)
from calendar_app.models.curation import (
    DuplicateCandidate,
    DuplicateCandidateQuerySet,
    DuplicateStatus,
    Flag,
    FlagQuerySet,
    Submission,
    SubmissionKind,
    SubmissionQuerySet,
    SubmissionStatus,
)
from calendar_app.models.groups import (
    Group,
    GroupAlias,
    GroupListing,
)
from calendar_app.models.meetups import (
    Meetup,
    MeetupGroup,
    MeetupLink,
    MeetupPlace,
    MeetupQuerySet,
    Series,
)
from calendar_app.models.newsletters import (
    Newsletter,
    Sighting,
)
from calendar_app.models.places import (
    Place,
    PlaceStatus,
    normalise_country_code,
)
from calendar_app.models.sources import (
    Source,
    SourceEvent,
    SourceKind,
    SourceQuerySet,
)
from calendar_app.rules import (
    Attendance,
    FlagKind,
    event_timezone,
    location_text,
    zone_or_none,
)

__all__ = [
    "Attendance",
    "DuplicateCandidate",
    "DuplicateCandidateQuerySet",
    "DuplicateStatus",
    "Flag",
    "FlagKind",
    "FlagQuerySet",
    "Group",
    "GroupAlias",
    "GroupListing",
    "Meetup",
    "MeetupGroup",
    "MeetupLink",
    "MeetupPlace",
    "MeetupQuerySet",
    "Newsletter",
    "Place",
    "PlaceStatus",
    "Region",
    "Series",
    "Sighting",
    "Source",
    "SourceEvent",
    "SourceKind",
    "SourceQuerySet",
    "Status",
    "Submission",
    "SubmissionKind",
    "SubmissionQuerySet",
    "SubmissionStatus",
    "event_timezone",
    "location_text",
    "normalise_country_code",
    "region_label",
    "url_for",
    "zone_or_none",
]
