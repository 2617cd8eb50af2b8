"""Proposals from the public form: stored as they came, waiting for a curator."""

from __future__ import annotations

from typing import Any

from calendar_app.models import Submission, SubmissionStatus


def submission_create(*, values: dict[str, Any]) -> Submission:
    """Keep a proposal; it is public only once a curator accepts it (curation.py)."""
    submission = Submission(**values)
    submission.status = SubmissionStatus.PENDING
    submission.full_clean(exclude=["meetup", "decided_by"])
    submission.save()
    return submission
