"""/feeds/new.atom: newly listed upcoming meetups, newest first, with the list's filters."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client, query: str = "") -> list[ET.Element]:
    response = client.get("/feeds/new.atom" + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_newest_upcoming_first(client, sample):
    found = entries(client)
    ids = [entry.find(f"{ATOM}id").text for entry in found]
    upcoming = [sample.berlin, sample.conference, sample.online, sample.tricky]
    assert ids == [f"urn:uuid:{m.uid}" for m in sorted(upcoming, key=lambda m: -m.pk)]
    link = found[0].find(f"{ATOM}link").get("href")
    assert link.endswith(f"/events/{upcoming[-1].pk}/")


def test_filters_apply_and_invalid_ones_are_404(client, sample):
    found = entries(client, "?attendance=virtual")
    assert [e.find(f"{ATOM}id").text for e in found] == [f"urn:uuid:{sample.online.uid}"]
    assert client.get("/feeds/new.atom?region=atlantis").status_code == 404
