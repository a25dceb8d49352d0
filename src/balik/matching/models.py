"""The Django side of matching: runs and their proposals, the manager's locks and forbids,
and the requests of self-match programmes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balik.people.models import Person
from balik.programs.models import Program


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Ready to review")
    FAILED = "failed", _("Failed")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer run")


# A programme has at most one run in these states at a time (a constraint holds it).
LIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class MatchRun(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=40, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # the last sign of life from whoever runs it: a live run silent for longer than
    # BALIK_MATCH_RUN_TIMEOUT_MINUTES is taken for dead (its worker was killed)
    heartbeat_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    participants = models.PositiveIntegerField(default=0)
    objective = models.FloatField(null=True, blank=True)
    upper_bound = models.FloatField(null=True, blank=True)
    proven_optimal = models.BooleanField(default=False)
    solver = models.CharField(max_length=80, blank=True)
    seconds = models.FloatField(null=True, blank=True)
    candidates = models.PositiveBigIntegerField(default=0)
    unmatched = models.JSONField(default=list, blank=True)
    # proposed pairs that publishing left out, as [{"mentor", "mentee", "code"}]
    skipped = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        constraints = [
            models.UniqueConstraint(
                fields=["program"],
                condition=Q(status__in=LIVE_RUN_STATUSES),
                name="one_live_run_per_program",
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} run {self.pk} ({self.status})"

    @property
    def in_progress(self) -> bool:
        return self.status in LIVE_RUN_STATUSES


class ProposedPair(models.Model):
    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="pairs")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    locked = models.BooleanField(default=False)
    broken_rules = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "mentor", "mentee"], name="one_proposal_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentor_id} -> {self.mentee_id} ({self.score:.3f})"


class PairRuleAction(models.TextChoices):
    LOCK = "lock", _("Locked")
    FORBID = "forbid", _("Forbidden")


class PairRule(models.Model):
    """A manager's decision about one pair, kept across re-runs: always pair them, or never.

    A lock on a pair the engine did not propose is a manual pair; the rules it breaks were shown
    to the manager and confirmed, and are recorded here.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pair_rules")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=6, choices=PairRuleAction.choices)
    broken_rules = models.JSONField(default=list, blank=True)
    manual = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentor", "mentee"], name="one_rule_per_pair"
            ),
            models.CheckConstraint(condition=~Q(mentor=models.F("mentee")), name="rule_two_people"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.mentor_id} -> {self.mentee_id}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the mentor")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MatchRequest(models.Model):
    """In a self-match programme, a mentee asks one mentor; the mentor accepts or declines."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_requests")
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    message = models.TextField(_("message"), blank=True)
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status="pending"),
                name="one_pending_request_per_mentee",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee_id} asks {self.mentor_id} ({self.status})"
