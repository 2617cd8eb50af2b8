"""What waits for the curators, for the admin's front page."""

from __future__ import annotations

from django import template

from calendar_app.models import DuplicateCandidate, Flag, Submission

register = template.Library()


@register.simple_tag
def curation_waiting() -> dict[str, int]:
    """Open flags, open duplicate pairs, submissions waiting for a decision."""
    return {
        "flags": Flag.objects.open().count(),
        "duplicates": DuplicateCandidate.objects.open().count(),
        "submissions": Submission.objects.pending().count(),
    }
