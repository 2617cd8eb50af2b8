"""The one guard on where a calendar that came from the public may be fetched from.

A calendar URL typed into the public form is fetched by the server, every few hours,
whatever its DNS says by then and wherever its redirects lead. So the same check runs
when the form is sent (`url_is_inside`) and at every connection of every fetch and
redirect (`public_addresses`, called by the fetcher's transport just before it connects,
which then connects to the very address checked): nothing private, loopback, link-local,
multicast, unspecified or reserved, including the IPv6 forms that carry an IPv4 address
(mapped ``::ffff:a.b.c.d``, compatible ``::a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4
``2002::/16``, Teredo ``2001::/32``).

Trusted sources (the operator's and the curators') are not checked; the setting
``TRUSTED_SOURCE_HOSTS`` names hosts (``host`` or ``host:port``) that even a public
source may reach, for a calendar server on the site's own network.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # local-use NAT64: never public
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
_COMPATIBLE = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible form


class InsideAddress(Exception):
    """A host that is, or resolves to, an address inside (or does not resolve)."""


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address stands for, in every form that carries one."""
    value = int(address)
    found = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address in _COMPATIBLE and value > 1:  # :: and ::1 are themselves
        found.append(ipaddress.IPv4Address(value & 0xFFFFFFFF))
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(value & 0xFFFFFFFF))
    if address in _SIX_TO_FOUR:
        found.append(ipaddress.IPv4Address((value >> 80) & 0xFFFFFFFF))
    if address in _TEREDO:
        server, client = address.teredo or (None, None)
        found += [a for a in (server, client) if a is not None]
    return found


def is_inside(address: Address) -> bool:
    """Whether a server must not connect to `address` for a public calendar."""
    if isinstance(address, ipaddress.IPv6Address) and (
        address.ipv4_mapped is not None or address in _NAT64
    ):  # a way to reach an IPv4 address (DNS64 gives these): judged by that address
        return is_inside(_embedded_ipv4(address)[0])
    if (
        not address.is_global
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_private
    ):
        return True
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL or address.is_site_local:
            return True
        return any(is_inside(inner) for inner in _embedded_ipv4(address))
    return False


def _address(text: str) -> Address:
    return ipaddress.ip_address(text.split("%", 1)[0])  # a zone id (fe80::1%eth0) goes


def trusted_host(host: str, port: int | None) -> bool:
    """Whether the setting TRUSTED_SOURCE_HOSTS names this host (or host:port)."""
    trusted = getattr(settings, "TRUSTED_SOURCE_HOSTS", ())
    names = {str(name).lower().strip("[]") for name in trusted}
    host = host.lower().strip("[]")
    return host in names or f"{host}:{port}" in names


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses to connect to for `host`, every one of them checked as public;
    InsideAddress if any is inside or the name does not resolve (a name that resolves
    to one public and one private address is refused: either may be used)."""
    host = host.strip("[]")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError) as exc:
        raise InsideAddress(f"cannot resolve {host}: {exc}") from exc
    addresses: list[str] = []
    for info in infos:
        text = str(info[4][0])
        try:
            address = _address(text)
        except ValueError as exc:
            raise InsideAddress(f"{host} resolves to no IP address ({text!r})") from exc
        if is_inside(address):
            raise InsideAddress(f"{host} is a private or local address ({address})")
        if str(address) not in addresses:
            addresses.append(str(address))
    if not addresses:
        raise InsideAddress(f"cannot resolve {host}")
    return addresses


def url_is_inside(url: str) -> bool:
    """The form's check: whether fetching `url` would reach an address inside (an
    unresolvable host counts as inside: it cannot be fetched either)."""
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return True
    host = parts.hostname or ""
    if not host:
        return True
    if trusted_host(host, port):
        return False
    try:
        public_addresses(host, port)
    except InsideAddress:
        return True
    return False
