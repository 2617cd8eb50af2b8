"""The plain INSERT/UPDATE helpers of ingest store what Django's own save would."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from calendar_app.models import Group, Meetup, Newsletter, Place, Sighting
from calendar_app.services.history import history_rows
from calendar_app.services.sql.bulk import (
    insert_objects,
    insert_returning,
    insert_rows,
    update_objects,
)

pytestmark = pytest.mark.django_db


def test_inserted_meetups_get_their_ids_and_every_value():
    meetups = [
        Meetup(
            title=f"Rust {n}",
            start_date=date(2026, 1, n),
            end_date=date(2026, 1, n),
            region="europe",
            locked_fields=["title"],
        )
        for n in (1, 2)
    ]
    insert_objects(meetups, key="uid")
    for meetup in meetups:
        stored = Meetup.objects.get(pk=meetup.pk)
        assert (stored.uid, stored.title, stored.start_date, stored.region) == (
            meetup.uid,
            meetup.title,
            meetup.start_date,
            "europe",
        )
        assert stored.locked_fields == ["title"] and stored.merge_record == {}
        assert stored.created is not None and not meetup._state.adding


def test_inserts_of_many_statements_give_every_meetup_its_own_id():
    meetups = [
        Meetup(title=f"Rust {n}", start_date=date(2026, 1, 1), end_date=date(2026, 1, 1))
        for n in range(130)
    ]  # SQLite takes 62 meetups per statement
    insert_objects(meetups, key="uid")
    stored = dict(Meetup.objects.values_list("pk", "title"))
    assert len(stored) == 130
    assert all(stored[meetup.pk] == meetup.title for meetup in meetups)


def test_rows_inserted_without_instances_get_their_defaults_and_ids_in_order():
    """What `Meetup()` would give each: its own UUID, `created`, the other defaults."""
    rows = [
        {"title": f"Rust {n}", "start_date": date(2026, 1, 1), "end_date": date(2026, 1, 1)}
        for n in range(130)
    ]
    ids = insert_returning(Meetup, rows, key="uid")
    stored = Meetup.objects.in_bulk(ids)
    assert [stored[pk].title for pk in ids] == [row["title"] for row in rows]
    assert len({m.uid for m in stored.values()}) == 130
    first = stored[ids[0]]
    assert (first.status, first.sequence, first.locked_fields, first.merge_record) == (
        "published",
        0,
        [],
        {},
    )
    assert first.created is not None and first.updated is not None


@pytest.mark.parametrize("model", [Group, Place])
def test_history_rows_are_those_simple_history_writes(model):
    def made(n: int):
        if model is Group:
            return Group.objects.create(
                name=f"Rust {n}", slug=f"rust-{n}", url="https://r.example/"
            )
        return Place.objects.create(text=f"town {n}, de", written=f"Town {n}, DE", country="DE")

    ours, theirs = made(1), made(2)
    model.history.all().delete()
    history_rows(model=model, objs=[ours], reason="why")
    model.history.bulk_history_create([theirs], default_change_reason="why")
    skip = {"_state", "history_id", "history_date", "id", "name", "slug", "text", "written"}
    mine, reference = (
        {k: v for k, v in vars(model.history.get(id=obj.pk)).items() if k not in skip}
        for obj in (ours, theirs)
    )
    assert mine == reference
    assert mine["history_type"] == "+" and mine["history_change_reason"] == "why"


def test_update_changes_only_the_named_fields():
    meetup = Meetup.objects.create(
        title="Old", start_date=date(2026, 1, 1), end_date=date(2026, 1, 1)
    )
    meetup.title, meetup.region = "New", "asia"
    update_objects([meetup], ["title"])
    meetup.refresh_from_db()
    assert (meetup.title, meetup.region) == ("New", "")


def test_values_of_other_types_still_go_through_django():
    """A datetime given for a date column is stored as its date, a dict as JSON."""
    newsletter = Newsletter.objects.create(key="1", date=date(2026, 1, 1))
    meetup = Meetup.objects.create(
        title="M", start_date=date(2026, 1, 1), end_date=date(2026, 1, 1)
    )
    insert_rows(
        Sighting,
        [
            {
                "newsletter": newsletter.pk,
                "line": 3,
                "section": "Europe",
                "raw": "* line",
                "parsed": {"a": [1, "ü"]},
                "meetup": meetup.pk,
            }
        ],
    )
    late = datetime(2026, 2, 3, 23, tzinfo=UTC)
    update_objects([Newsletter(pk=newsletter.pk, date=late)], ["date"])
    assert Sighting.objects.get().parsed == {"a": [1, "ü"]}
    assert Newsletter.objects.get().date == date(2026, 2, 3)


def test_a_bulk_session_puts_the_collector_back_even_after_an_error():
    import gc

    from calendar_app.services.sql.bulk import bulk_session

    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk_session():
        assert gc.get_threshold()[0] >= 20_000
        raise RuntimeError("a newsletter failed")
    assert gc.get_threshold() == before
