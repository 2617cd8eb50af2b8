"""Opt-in geocoder (``GEOCODER=nominatim``): OpenStreetMap's Nominatim through geopy.

Nominatim's usage policy: a real User-Agent, at most one request per second for the
whole application, and every answer cached. The rate limit is geopy's RateLimiter;
the cache is the Place row (its ``raw`` field keeps the answer) plus an in-process
memo here. Credit OpenStreetMap on the site when this backend is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter

from calendar_app.geocoding import countries as c
from calendar_app.geocoding.base import (
    ADMIN1_MISMATCH,
    CORRECTED,
    COUNTRY_CORRECTED,
    GEOCODE_FAILED,
    NOT_A_PLACE,
    NOT_FOUND,
    RESOLVED,
    GeoResult,
    MemoGeocoder,
)
from calendar_app.geocoding.offline import readings
from calendar_app.geocoding.text import clean, has_link, strip_attendance
from calendar_app.geocoding.timezones import timezone_at

# geopy rejects these (its docs' examples); we say so before it does.
_SAMPLE_AGENTS = {"my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here"}
_CITY_KEYS = ("city", "town", "village", "municipality", "hamlet", "suburb", "city_district")

Transport = Callable[..., Any]  # geopy's ``Nominatim.geocode`` or a fake in tests


class NominatimGeocoder(MemoGeocoder):
    """Geocodes with Nominatim, one request per second at most; answers kept in ``raw``."""

    name = "nominatim"

    def __init__(
        self,
        user_agent: str,
        url: str | None = None,
        transport: Transport | None = None,
        *,
        min_delay_seconds: float = 1.0,
        error_wait_seconds: float = 5.0,
        timeout: float = 10.0,
    ):
        if not user_agent or not user_agent.strip() or user_agent.strip() in _SAMPLE_AGENTS:
            raise ValueError(
                "Nominatim needs a real User-Agent: set NOMINATIM_USER_AGENT "
                "(e.g. 'twirevents/1.0 (you@example.org)')"
            )
        self.user_agent = user_agent.strip()
        self.url = url or ""
        if transport is None:
            from geopy.geocoders import Nominatim

            options: dict[str, Any] = {}
            if url:
                parts = urlsplit(url if "://" in url else f"https://{url}")
                options["domain"] = (parts.netloc + parts.path).rstrip("/")
                options["scheme"] = parts.scheme
            client = Nominatim(user_agent=self.user_agent, timeout=timeout, **options)
            transport = client.geocode
        self.rate_limiter = RateLimiter(
            transport,
            min_delay_seconds=min_delay_seconds,
            max_retries=2,
            error_wait_seconds=error_wait_seconds,
            swallow_exceptions=False,
        )
        super().__init__()
        self.requests = 0  # HTTP requests made (a text may need two)

    def _keep(self, result: GeoResult) -> bool:
        return not result.raw.get("error")  # a failed request is tried again next time

    def _query(self, query: str, cc: str) -> Any:
        self.requests += 1
        kwargs: dict[str, Any] = {"exactly_one": True, "addressdetails": True, "language": "en"}
        if cc:
            kwargs["country_codes"] = cc.lower()
        return self.rate_limiter(query, **kwargs)

    def _resolve(self, text: str) -> GeoResult:
        written = clean(text)
        inner = strip_attendance(written)
        if has_link(written):
            return self._fail(f"{written!r} is a link, not a place")
        if c.names_no_place(inner):
            return GeoResult(status=NOT_A_PLACE, geocoder=self.name)
        # One query per reading ("Boulder, CO": Colombia, then Colorado), then the
        # city without its subdivision, which may be wrong ("Charlottesville, NC").
        queries: list[tuple[str, str, str]] = []
        for reading in readings(inner)[:3]:
            queries.append(
                (
                    ", ".join(p for p in (reading.city, reading.subdivision) if p),
                    reading.country,
                    reading.subdivision,
                )
            )
        for reading in readings(inner)[:3]:
            if reading.subdivision:
                queries.append((reading.city, reading.country, reading.subdivision))
        queries = list(dict.fromkeys(queries)) or [(inner, "", "")]
        try:
            for query, cc, sub in queries:
                location = self._query(query, cc)
                if location is not None:
                    return self._result(location, written, sub, cc)
        except GeopyError as exc:
            return self._fail(f"Nominatim failed for {written!r}: {exc}", raw={"error": str(exc)})
        return self._fail(f"{written!r} not found by Nominatim")

    def _fail(self, message: str, raw: dict | None = None) -> GeoResult:
        return GeoResult(
            status=NOT_FOUND,
            geocoder=self.name,
            raw=raw or {},
            problems=[(GEOCODE_FAILED, message)],
        )

    def _result(self, location: Any, written: str, sub: str, cc: str) -> GeoResult:
        raw = dict(getattr(location, "raw", {}) or {})
        address = raw.get("address") or {}
        found_cc = str(address.get("country_code", "")).upper()
        admin1 = ""
        for level in ("ISO3166-2-lvl4", "ISO3166-2-lvl3", "ISO3166-2-lvl5"):
            if address.get(level):
                admin1 = str(address[level]).partition("-")[2]
                break
        city = next((address[k] for k in _CITY_KEYS if address.get(k)), "")
        lat, lon = float(location.latitude), float(location.longitude)
        result = GeoResult(
            status=RESOLVED,
            city=city,
            admin1=admin1,
            country=found_cc,
            latitude=lat,
            longitude=lon,
            timezone=timezone_at(lat, lon),
            geocoder=self.name,
            raw=raw,
        )
        where = ", ".join(p for p in (city, admin1, found_cc) if p)
        if cc and found_cc and found_cc != cc:
            result.status = CORRECTED
            result.problems.append(
                (COUNTRY_CORRECTED, f"{written!r}: found in {found_cc}, not {cc} ({where})")
            )
        wanted = c.iso_subdivision(found_cc or cc, sub) if sub else ""
        if sub and admin1 and wanted != admin1:
            result.status = CORRECTED
            result.problems.append(
                (
                    ADMIN1_MISMATCH,
                    f"{written!r}: {city or 'it'} is in {admin1}, not {sub} ({where})",
                )
            )
        return result
