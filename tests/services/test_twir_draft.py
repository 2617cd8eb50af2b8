"""The weekly draft: what the editors published comes back exactly as they wrote it."""

from __future__ import annotations

from datetime import date

import pytest

from calendar_app.models import Newsletter, Sighting
from calendar_app.rendering.export_twir import draft_twir
from calendar_app.services.ingest import ingest_paths
from tests.twir.helpers import SAMPLES

pytestmark = pytest.mark.django_db


def squash(text: str) -> str:
    return " ".join(text.split())


JAN_17 = "2024-01-17-this-week-in-rust.md"
JAN_24 = "2024-01-24-this-week-in-rust.md"
JAN_31 = "000_a7224cf5cd8a9145.txt"  # issue 532, with its encoding damage


@pytest.mark.parametrize(
    "before, issue, day",
    [([JAN_17], JAN_24, "2024-01-24"), ([JAN_17, JAN_24], JAN_31, "2024-01-31")],
)
def test_carried_over_entries_come_back_byte_for_byte(before, issue, day):
    ingest_paths([str(SAMPLES / name) for name in before])
    known = set(Sighting.objects.values_list("meetup_id", flat=True))
    ingest_paths([str(SAMPLES / issue)])
    published = Newsletter.objects.get(date=date.fromisoformat(day))
    carried = [s for s in published.sightings.all() if s.meetup_id in known]
    # Draft from the issues before it only: the issue's own sightings are set aside.
    published.sightings.all().delete()

    draft = draft_twir(start=published.window_start, end=published.window_end)

    text = squash(draft.markdown)
    missing = [s.raw for s in carried if squash(s.raw) not in text]
    assert len(carried) > 20
    assert not missing
