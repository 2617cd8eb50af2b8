"""Public pages and the JSON API come from the shared cache under the data version; every
kind of write (a model save, an admin edit, an ingest, a merge) makes them fresh again, and
a client holding the ETag gets a 304 without a query."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from calendar_app.models import Meetup
from calendar_app.models import content as versions
from calendar_app.services.ingest import ingest_newsletter
from calendar_app.services.merge import merge_meetups
from calendar_app.web.page_cache import page_key
from tests.factories import make_meetup

PAGES = ["/", "/events/", "/events/?region=europe", "/groups/", "/api/events.json"]


@pytest.mark.parametrize("path", PAGES)
def test_second_request_and_revalidation_need_no_query(client, db, path, django_assert_num_queries):
    make_meetup("Cached meetup")
    first = client.get(path)
    assert first.status_code == 200
    etag = first["ETag"]
    with django_assert_num_queries(0):
        again = client.get(path)
    assert again.content == first.content
    assert again["ETag"] == etag
    with django_assert_num_queries(0):
        revalidated = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 304
    assert revalidated["ETag"] == etag
    with django_assert_num_queries(0):  # what nginx's gzip makes of it
        weak = client.get(path, HTTP_IF_NONE_MATCH=f"W/{etag}")
    assert weak.status_code == 304
    assert "Content-Security-Policy" in again  # headers of middleware still added


def test_meetup_page_is_cached_and_a_save_refreshes_it(client, db):
    meetup = make_meetup("Before")
    path = f"/events/{meetup.pk}/"
    assert "Before" in client.get(path).content.decode()
    etag = client.get(path)["ETag"]
    meetup.title = "After the edit"
    meetup.save()
    fresh = client.get(path, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200
    assert "After the edit" in fresh.content.decode()
    # Browsers keep the page but must ask again: a max-age would show the old title after it.
    assert fresh["Cache-Control"] == "public, no-cache"


def test_a_model_save_refreshes_the_list_and_the_admin_stays_uncached(client, db):
    """A save (what the admin's forms do) bumps the version, and so does a bare
    QuerySet.update (every content model's QuerySet: tests/production/test_invalidation.py)."""
    meetup = make_meetup("Listed title")
    assert "Listed title" in client.get("/events/").content.decode()
    admin = User.objects.create_superuser("boss", password="x" * 20)
    client.force_login(admin)
    change = client.get(f"/admin/calendar_app/meetup/{meetup.pk}/change/")
    assert change.status_code == 200
    assert "private" in change["Cache-Control"]  # never kept by nginx or a proxy
    Meetup.objects.filter(pk=meetup.pk).update(title="Renamed quietly")  # no signal
    assert "Renamed quietly" in client.get("/events/").content.decode()
    meetup.refresh_from_db()
    meetup.title = "Renamed by a curator"
    meetup.save()  # as the admin form does
    client.logout()
    assert "Renamed by a curator" in client.get("/events/").content.decode()


def test_ingest_refreshes_the_pages(client, db):
    before = client.get("/api/events.json").json()
    assert before["count"] == 0
    day = date.today()
    text = (
        "Title: This Week in Rust 600\nNumber: 600\nDate: "
        f"{day.isoformat()}\n\n## Upcoming Events\n\n### Europe\n\n"
        f"* {day.isoformat()} | Berlin, DE | [Rust Berlin](https://www.meetup.com/rust-berlin/)\n"
        "    * [**Cache test night**](https://www.meetup.com/rust-berlin/events/999/)\n"
    )
    ingest_newsletter(text=text, source="tests/cache.md")
    after = client.get("/api/events.json").json()
    assert after["count"] == 1
    assert after["events"][0]["title"] == "Cache test night"


def test_merge_refreshes_the_pages(client, db):
    one, two = make_meetup("First copy"), make_meetup("Second copy")
    assert client.get("/api/events.json").json()["count"] == 2
    merge_meetups(survivor=one, others=[two])
    assert client.get("/api/events.json").json()["count"] == 1


def test_bumped_at_each_write_and_once_more_at_commit(
    db, monkeypatch, django_capture_on_commit_callbacks
):
    bumps: list[str] = []
    monkeypatch.setattr(versions, "data_version_bump", lambda: bumps.append("bump"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            Meetup.objects.create(
                title="One", start_date=date(2030, 1, 1), end_date=date(2030, 1, 1)
            )
            Meetup.objects.create(
                title="Two", start_date=date(2030, 1, 2), end_date=date(2030, 1, 2)
            )
            assert bumps == ["bump", "bump"]
    assert bumps == ["bump", "bump", "bump"]  # one more, after the commit
    assert len(callbacks) == 1


def test_a_version_change_is_a_new_key(db, rf):
    request = rf.get("/events/")
    key = page_key(request)
    versions.data_version_bump()
    assert page_key(request) != key


def test_gzip_variant_compressed_once_and_revalidated(client, db):
    import gzip

    make_meetup("Compressed meetup")
    plain = client.get("/events/")
    packed = client.get("/events/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in plain["Vary"]
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] == plain["ETag"][:-1] + '-gzip"'  # another representation
    # nginx revalidating its plain copy for a gzip client must not get a 304 for it
    mixed = client.get("/events/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"])
    assert mixed.status_code == 200 and mixed["Content-Encoding"] == "gzip"
    again = client.get("/events/", HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304
