"""The draft page: what is new, changed or cancelled since the last issue, a preview, a diff."""

from __future__ import annotations

from datetime import date

import pytest

from calendar_app.rendering.export_twir import draft_twir
from calendar_app.services.ingest import ingest_paths
from tests.services.test_twir_draft import JAN_17, squash
from tests.twir.helpers import SAMPLES

pytestmark = pytest.mark.django_db


def test_the_draft_marks_new_changed_and_cancelled_and_warns(curator_client):
    from django.urls import reverse

    from calendar_app.models import Flag, Meetup
    from calendar_app.services.curation import meetup_set_status
    from tests.factories import make_group, make_meetup

    ingest_paths([str(SAMPLES / JAN_17)])
    window = (date(2024, 1, 24), date(2024, 2, 21))
    in_window = Meetup.objects.overlapping(*window).order_by("start_date", "pk")
    renamed, cancelled, flagged = in_window[0], in_window[1], in_window[2]
    old_line = renamed.sightings.get().raw
    renamed.title = "Renamed by a curator"
    renamed.save()
    meetup_set_status(meetups=[cancelled], status="cancelled", user=None)
    Flag.objects.create(kind="geocode_fuzzy", message="check", meetup=flagged)
    fresh = make_meetup(
        "Brand new <script>alert(1)</script>",
        start=date(2024, 2, 1),
        links=[],
        groups=[make_group("Rust Nowhere")],
    )

    draft = draft_twir(start=window[0], end=window[1])

    states = {entry.meetup.pk: entry for entry in draft.entries}
    assert states[fresh.pk].state == "new"
    assert states[renamed.pk].state == "changed"
    assert any(c.startswith("title:") for c in states[renamed.pk].changes)
    assert states[flagged.pk].state == "as published"
    assert squash(old_line) not in squash(draft.markdown)
    assert "[**Renamed by a curator**]" in draft.markdown
    assert cancelled in draft.cancelled
    assert squash(cancelled.sightings.get().raw) not in squash(draft.markdown)
    warnings = {(m.pk, w) for m, w in draft.warnings}
    assert (flagged.pk, "1 open flag(s)") in warnings and (fresh.pk, "no link") in warnings
    assert (fresh.pk, "organiser Rust Nowhere never listed in an issue") in warnings
    assert not any(w.startswith("organiser") for pk, w in warnings if pk != fresh.pk)
    assert draft.previous.date == date(2024, 1, 17)
    assert "+* 2024-02-01 | Berlin, DE" in draft.diff
    assert any(
        line.startswith("-") and "Renamed" not in line for line in draft.diff.splitlines()[2:]
    )

    page = curator_client.get(
        reverse("admin:calendar_app_meetup_draft_twir"),
        {"start": "2024-01-24", "end": "2024-02-21"},
    ).content.decode()
    assert 'id="draft-preview"' in page and "<h3>Virtual</h3>" in page
    assert "<script>alert(1)</script>" not in page
    assert "Renamed by a curator" in page and "cancelled" in page and "no link" in page
    assert 'class="add"' in page
