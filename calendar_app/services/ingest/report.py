"""What an ingest did: the `--json` output of `ingest_twir`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

_COUNTS = (
    "files",
    "newsletters",
    "entries",
    "sightings",
    "flagged",
    "meetups_created",
    "meetups_updated",
    "meetups_withdrawn",
    "skipped_unchanged",
)


@dataclass
class IngestReport:
    files: int = 0
    newsletters: int = 0
    entries: int = 0
    sightings: int = 0
    flagged: int = 0
    meetups_created: int = 0
    meetups_updated: int = 0
    meetups_withdrawn: int = 0  # hidden: a re-read left nothing holding them
    meetups_total: int = 0
    skipped_unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.warnings += other.warnings

    def as_dict(self) -> dict:
        return asdict(self)


assert set(_COUNTS) < {f.name for f in fields(IngestReport)}
