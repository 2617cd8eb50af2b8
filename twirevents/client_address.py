"""Who is asking: the one rule for the client's address (login throttling, the submission
limit, logs).

Without a proxy it is REMOTE_ADDR. With `BEHIND_PROXY=1` (deploy/: gunicorn on loopback,
nginx in front, which overwrites X-Real-IP with the address it sees), X-Real-IP is taken,
but only from a request whose REMOTE_ADDR is one of `TRUSTED_PROXIES` (loopback by
default): anyone else reaching gunicorn directly could choose the header. A header that is
not one address is ignored.
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"


def _address(value: str | None) -> str | None:
    """`value` as a canonical IP address, or None when it is not exactly one."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The address of the client behind this request (see the module's doc)."""
    peer = _address(request.META.get("REMOTE_ADDR")) or UNKNOWN
    if getattr(settings, "BEHIND_PROXY", False) and peer in settings.TRUSTED_PROXIES:
        forwarded = _address(request.META.get("HTTP_X_REAL_IP"))
        if forwarded:
            return forwarded
    return peer


class ClientAddressFilter(logging.Filter):
    """Adds `client` (the rule above) to every log record that carries a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.client = client_address(request) if isinstance(request, HttpRequest) else "-"
        return True
