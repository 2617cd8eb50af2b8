"""What curators look at and decide: flags, the duplicate queue, submissions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce

from calendar_app.models.content import Content, ContentQuerySet
from calendar_app.models.meetups import Meetup
from calendar_app.models.newsletters import Newsletter, Sighting
from calendar_app.models.places import Place
from calendar_app.rules import (
    Attendance,
    FlagKind,
)


class FlagQuerySet(ContentQuerySet):
    def open(self) -> FlagQuerySet:
        return self.filter(resolved=False)

    def with_context_raw(self) -> FlagQuerySet:
        """Annotate `context_raw`: the newsletter lines behind a flag that has no text of its
        own (a place flag: an entry of its newsletter at that place; a meetup flag: the
        meetup's latest sighting), in the same query."""
        at_place = Sighting.objects.filter(
            newsletter=models.OuterRef("newsletter"),
            meetup__meetupplace__place=models.OuterRef("place"),
        ).order_by("line")
        of_place = Sighting.objects.filter(
            meetup__meetupplace__place=models.OuterRef("place")
        ).order_by("-newsletter__date", "line")
        of_meetup = Sighting.objects.filter(meetup=models.OuterRef("meetup")).order_by(
            "-newsletter__date", "line"
        )
        return self.annotate(
            context_raw=Coalesce(
                models.Subquery(at_place.values("raw")[:1]),
                models.Subquery(of_place.values("raw")[:1]),
                models.Subquery(of_meetup.values("raw")[:1]),
                models.Value(""),
                output_field=models.TextField(),
            )
        )


class Flag(Content):
    """Something a curator should look at; unparsed lines live here with their raw text."""

    kind = models.CharField(max_length=40, choices=FlagKind.choices, db_index=True)
    message = models.TextField(blank=True)
    newsletter = models.ForeignKey(
        Newsletter, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    line = models.PositiveIntegerField(null=True, blank=True)
    raw = models.TextField(blank=True)
    sighting = models.ForeignKey(
        Sighting, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    meetup = models.ForeignKey(
        Meetup, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    resolved = models.BooleanField(default=False, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = FlagQuerySet.as_manager()  # type: ignore[misc]  # Content's, narrowed

    class Meta:
        ordering = ["resolved", "kind", "-created"]
        constraints = [
            # Every unreadable entry line is kept exactly once.
            models.UniqueConstraint(
                fields=["newsletter", "line"],
                condition=Q(kind=FlagKind.UNPARSED),
                name="flag_one_unparsed_per_line",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.message[:80]}"

    @property
    def raw_lines(self) -> str:
        """The text the flag is about: its own raw text, else its sighting's newsletter lines."""
        if self.raw:
            return self.raw
        if self.sighting_id and self.sighting is not None:
            return self.sighting.raw
        return getattr(self, "context_raw", "") or ""


class DuplicateStatus(models.TextChoices):
    OPEN = "open", "Open"
    MERGED = "merged", "Merged"
    NOT_DUPLICATE = "not_duplicate", "Not a duplicate"


class DuplicateCandidateQuerySet(models.QuerySet):
    def open(self) -> DuplicateCandidateQuerySet:
        return self.filter(status=DuplicateStatus.OPEN)


class DuplicateCandidate(models.Model):
    """Two meetups matching did not join but that look alike, for a curator to decide.

    The pair is stored in id order (first < second) and never deleted, so a pair a curator
    called "not a duplicate" is remembered and never proposed again.
    """

    first = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Meetup, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    score = models.FloatField(default=0, help_text="How alike (0-100).")
    status = models.CharField(
        max_length=20,
        choices=DuplicateStatus.choices,
        default=DuplicateStatus.OPEN,
        db_index=True,
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-score", "first__start_date"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="duplicate_pair_unique"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_pair_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.first_id} / #{self.second_id}: {self.reason}"


class SubmissionKind(models.TextChoices):
    EVENT = "event", "An event"
    CALENDAR = "calendar", "A calendar to follow"


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for a curator"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class SubmissionQuerySet(models.QuerySet):
    def pending(self) -> SubmissionQuerySet:
        return self.filter(status=SubmissionStatus.PENDING)


class Submission(models.Model):
    """An event or a calendar proposed through the public form; never public by itself."""

    # What an organiser fills in (the contract of /submit/, docs/ARCHITECTURE.md).
    FORM_FIELDS = (
        "kind",
        "title",
        "start_date",
        "start_time",
        "end_date",
        "end_time",
        "timezone",
        "url",
        "location",
        "attendance",
        "group_name",
        "group_url",
        "calendar_url",
        "email",
    )

    kind = models.CharField(max_length=10, choices=SubmissionKind.choices)
    title = models.CharField(max_length=300, blank=True)
    start_date = models.DateField(null=True, blank=True)
    start_time = models.TimeField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    timezone = models.CharField(max_length=64, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    location = models.CharField(max_length=300, blank=True)
    attendance = models.CharField(
        max_length=20, choices=Attendance.choices, default=Attendance.IN_PERSON
    )
    group_name = models.CharField(max_length=300, blank=True)
    group_url = models.URLField(max_length=1000, blank=True)
    calendar_url = models.URLField(max_length=1000, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    status = models.CharField(
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.PENDING,
        db_index=True,
    )
    note = models.TextField(blank=True, help_text="The curator's note (why rejected, ...).")
    meetup = models.ForeignKey(
        Meetup, null=True, blank=True, on_delete=models.SET_NULL, related_name="submissions"
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-created"]

    def __str__(self) -> str:
        if self.kind == SubmissionKind.CALENDAR:
            return f"Calendar: {self.calendar_url}"
        return f"{self.start_date} {self.title}"
