"""The one guard on addresses a calendar from the public may reach (form and fetch)."""

from __future__ import annotations

import ipaddress

import pytest

from calendar_app.services.public_address import (
    InsideAddress,
    is_inside,
    public_addresses,
    url_is_inside,
)


@pytest.mark.parametrize(
    "text",
    [
        "127.0.0.1",
        "127.8.9.10",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.251",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:10.0.0.1",
        "::127.0.0.1",  # IPv4-compatible
        "::a9fe:a9fe",  # compatible 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b:1::1",  # local-use NAT64
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    ],
)
def test_inside_addresses_in_every_form(text):
    assert is_inside(ipaddress.ip_address(text))


@pytest.mark.parametrize("text", ["93.184.216.34", "2606:2800:220:1::1", "64:ff9b::5db8:d822"])
def test_public_addresses_pass(text):
    assert not is_inside(ipaddress.ip_address(text))


def test_names_are_resolved_and_refused_when_inside_or_unknown():
    with pytest.raises(InsideAddress, match="127.0.0.1"):
        public_addresses("127.0.0.1", 80)
    with pytest.raises(InsideAddress, match="private or local"):
        public_addresses("localhost", 80)
    with pytest.raises(InsideAddress, match="cannot resolve"):
        public_addresses("no-such-host.invalid", 80)
    assert public_addresses("93.184.216.34", 443) == ["93.184.216.34"]


def test_the_form_check_uses_the_same_guard_and_the_trusted_hosts(settings):
    assert url_is_inside("http://[64:ff9b::7f00:1]:8000/cal.ics")
    assert url_is_inside("http://[fe80::1%25eth0]/cal.ics")
    assert url_is_inside("http://localhost:99999/cal.ics")  # no such port: refused
    assert not url_is_inside("https://93.184.216.34/cal.ics")
    settings.TRUSTED_SOURCE_HOSTS = ["calendar.internal:8080"]
    assert not url_is_inside("http://calendar.internal:8080/cal.ics")
    assert url_is_inside("http://calendar.internal:8081/cal.ics")
