"""A mentorship: two people paired in a programme, from publishing until it closes.

In reverse mentoring the junior holds the mentor role; in peer mentoring both teach, and
`mentor` is simply the first of the pair.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balik.people.models import Person
from balik.programs.models import Program


class MentorshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Closed")


class MentorshipOrigin(models.TextChoices):
    MATCHED = "matched", _("Matched by the programme")
    MANUAL = "manual", _("Paired by the manager")
    REQUESTED = "requested", _("Chosen by the mentee")


class Mentorship(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentoring")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentored_by")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=MentorshipStatus.choices,
        default=MentorshipStatus.ACTIVE,
    )
    origin = models.CharField(
        max_length=10, choices=MentorshipOrigin.choices, default=MentorshipOrigin.MATCHED
    )
    score = models.FloatField(null=True, blank=True)
    components = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentor", "mentee"],
                condition=Q(status="active"),
                name="one_active_mentorship_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="mentorship_two_people"
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["mentee", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee} ({self.program})"

    def member_ids(self) -> tuple[int, int]:
        return (self.mentor_id, self.mentee_id)

    @property
    def is_active(self) -> bool:
        return self.status == MentorshipStatus.ACTIVE
