"""Programmes and who takes part in them.

A programme carries everything the matching engine and the workspace need: its kind, its
cadence, its hard rules and weights, and the guides each side reads. Enrolment is one row per
person and programme; the role says which side they take (in reverse mentoring the junior is
the mentor).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balik.core.bilingual import BilingualListField, BilingualTextField
from balik.core.fields import SingleLineCharField
from balik.people.models import Person, Skill


class ProgramKind(models.TextChoices):
    FLIPPED = "flipped", _("Flipped mentoring")
    REVERSE = "reverse", _("Reverse mentoring")
    CLASSIC = "classic", _("Classic mentoring")
    PEER = "peer", _("Peer mentoring")


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ENROLLING = "enrolling", _("Enrolling")
    MATCHING = "matching", _("Matching")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


# Which status may follow which: a programme moves forward, and may step back from matching
# to enrolling (to let latecomers in) or from active to matching (to match the ones left).
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    ProgramStatus.DRAFT: (ProgramStatus.ENROLLING, ProgramStatus.CLOSED),
    ProgramStatus.ENROLLING: (ProgramStatus.MATCHING, ProgramStatus.CLOSED),
    ProgramStatus.MATCHING: (ProgramStatus.ENROLLING, ProgramStatus.ACTIVE, ProgramStatus.CLOSED),
    ProgramStatus.ACTIVE: (ProgramStatus.MATCHING, ProgramStatus.CLOSED),
    ProgramStatus.CLOSED: (),
}


class FormatPreference(models.TextChoices):
    FORMAL = "formal", _("Formal")
    CASUAL = "casual", _("Casual")
    EITHER = "either", _("Either")


# The Mentorship Club's sessions live in one hidden programme marked by this template, so that
# they get the programmes' invites, reminders, agendas, learning log and feedback; programme
# lists leave it out (`balik.club` owns it).
CLUB_TEMPLATE = "club"


def new_enrolment_token() -> str:
    return secrets.token_urlsafe(18)


class Program(models.Model):
    name = SingleLineCharField(_("name"), max_length=160)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ProgramKind.choices)
    template = models.CharField(_("template"), max_length=60, blank=True)
    description = BilingualTextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    cadence_days = models.PositiveSmallIntegerField(
        _("days between sessions"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=60,
        validators=[MinValueValidator(15), MaxValueValidator(480)],
    )
    format_preference = models.CharField(
        _("format"), max_length=8, choices=FormatPreference.choices, default=FormatPreference.EITHER
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="managed_programs", blank=True
    )

    # matching settings
    seniority_gap = models.PositiveSmallIntegerField(
        _("seniority gap"), default=1, validators=[MaxValueValidator(9)]
    )
    manager_chain_depth = models.PositiveSmallIntegerField(
        _("management levels kept apart"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(20)],
        help_text=_("Empty: the whole management chain. 0: the rule is off."),
    )
    require_different_department = models.BooleanField(_("different departments"), default=False)
    min_score = models.FloatField(
        _("minimum score"), default=0.15, validators=[MinValueValidator(0), MaxValueValidator(1)]
    )
    weights = models.JSONField(_("score weights"), default=dict, blank=True)
    self_match = models.BooleanField(
        _("mentees choose their mentor"),
        default=False,
        help_text=_("Each mentee sees their five best mentors and asks one."),
    )
    default_capacity = models.PositiveSmallIntegerField(
        _("default mentor capacity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    preparation_hours = models.PositiveSmallIntegerField(
        _("agenda due (hours before a session)"), default=24, validators=[MaxValueValidator(168)]
    )

    # guides
    # a template's texts, copied when the programme is created, read in the reader's language
    # until a manager edits them (balik.core.bilingual)
    mentor_guide = BilingualTextField(_("guide for mentors"), blank=True)
    mentee_guide = BilingualTextField(_("guide for mentees"), blank=True)
    suggested_goals = BilingualListField(_("suggested goals"), default=list, blank=True)
    agenda_prompts = BilingualListField(_("agenda prompts"), default=list, blank=True)

    enrolment_open = models.BooleanField(_("self-enrolment link open"), default=False)
    enrolment_token = models.CharField(max_length=40, default=new_enrolment_token, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(min_score__gte=0) & Q(min_score__lte=1), name="program_min_score_0_1"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def allows_both_roles(self) -> bool:
        return self.kind in (ProgramKind.PEER, ProgramKind.CLASSIC)

    @property
    def is_peer(self) -> bool:
        return self.kind == ProgramKind.PEER

    @property
    def is_club(self) -> bool:
        return self.template == CLUB_TEMPLATE

    @property
    def mentee_leads(self) -> bool:
        return self.kind == ProgramKind.FLIPPED

    def next_statuses(self) -> tuple[str, ...]:
        return STATUS_MOVES[self.status]

    @property
    def enrolment_changeable(self) -> bool:
        """People may enrol and withdraw until the programme is matched."""
        return self.status in (ProgramStatus.DRAFT, ProgramStatus.ENROLLING)


class EnrolmentRole(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    BOTH = "both", _("Both")


class EnrolmentStatus(models.TextChoices):
    ACTIVE = "active", _("Enrolled")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Enrolment(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="enrolments")
    role = models.CharField(_("role"), max_length=6, choices=EnrolmentRole.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ACTIVE
    )
    goals = models.TextField(_("goals"), blank=True)
    give_skills = models.ManyToManyField(Skill, related_name="+", blank=True)
    get_skills = models.ManyToManyField(Skill, related_name="+", blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("mentor capacity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    avoid = models.ManyToManyField(Person, related_name="+", blank=True)
    prefer = models.ManyToManyField(Person, related_name="+", blank=True)
    readiness = models.JSONField(_("readiness"), default=dict, blank=True)
    enrolled_at = models.DateTimeField(default=timezone.now)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["enrolled_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["program", "person"], name="one_enrolment_per_program"),
        ]
        indexes = [models.Index(fields=["program", "status", "role"])]

    def __str__(self) -> str:
        return f"{self.person} in {self.program} ({self.role})"

    @property
    def mentors(self) -> bool:
        return self.role in (EnrolmentRole.MENTOR, EnrolmentRole.BOTH)

    @property
    def mentored(self) -> bool:
        return self.role in (EnrolmentRole.MENTEE, EnrolmentRole.BOTH)
