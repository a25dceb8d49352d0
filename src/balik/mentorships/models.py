"""A mentorship: two people paired in a programme, from publishing until it closes.

In reverse mentoring the junior holds the mentor role; in peer mentoring both teach, and
`mentor` is simply the first of the pair.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from balik.core.bilingual import BilingualTextField
from balik.core.fields import SingleLineCharField
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


class Side(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")


class MeetingFormat(models.TextChoices):
    FORMAL = "formal", _("Formal")
    CASUAL = "casual", _("Casual")


class Agreement(models.Model):
    """What both people agree at the start; any change asks both to confirm again."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="agreement"
    )
    goals = models.TextField(_("what we want to achieve"), blank=True)
    mentor_expectations = models.TextField(_("what the mentor can expect"), blank=True)
    mentee_expectations = models.TextField(_("what the mentee can expect"), blank=True)
    cadence_days = models.PositiveSmallIntegerField(_("days between sessions"), default=14)
    format = models.CharField(
        _("format"), max_length=8, choices=MeetingFormat.choices, default=MeetingFormat.CASUAL
    )
    meeting_place = SingleLineCharField(
        _("where we meet (a place or a video-call link)"), max_length=300, blank=True
    )
    # drafted from defaults (balik.mentorships.agreements), read in the reader's language
    # until the pair edits them
    confidentiality = BilingualTextField(_("confidentiality"), blank=True)
    ground_rules = BilingualTextField(_("ground rules"), blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"agreement of {self.mentorship_id}"

    @property
    def confirmed(self) -> bool:
        return bool(self.mentor_confirmed_at and self.mentee_confirmed_at)


class GoalStatus(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Goal(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    title = SingleLineCharField(_("goal"), max_length=200)
    measure = SingleLineCharField(_("how success is measured"), max_length=300)
    target = SingleLineCharField(_("target value or outcome"), max_length=200)
    due_date = models.DateField(_("due date"))
    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=8, choices=GoalStatus.choices, default=GoalStatus.ON_TRACK
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalUpdate(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    value = SingleLineCharField(_("progress"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=8, choices=GoalStatus.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.value} ({self.status})"


class SessionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    BOOKED = "booked", _("Booked")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Attendance(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    HELD = "held", _("Held")
    MENTOR_ABSENT = "mentor_absent", _("No-show by the mentor")
    MENTEE_ABSENT = "mentee_absent", _("No-show by the mentee")
    BOTH_ABSENT = "both_absent", _("No-show by both")


class Session(models.Model):
    """A meeting of the pair. Times are UTC; `zone` is the organiser's, used in invites."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.PROPOSED
    )
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    zone = models.CharField(max_length=64, default="Asia/Jakarta")
    leader = models.CharField(_("who leads"), max_length=6, choices=Side.choices)
    location = SingleLineCharField(_("where"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    series_key = models.CharField(max_length=40, blank=True, db_index=True)
    repeat = models.PositiveSmallIntegerField(
        _("sessions in the series"), default=1, help_text=_("Booked at the same local time.")
    )
    # A booked series is one recurring event in calendars: its sessions share the series' UID
    # (from `series_key`), each known by the start the series planned for it (RECURRENCE-ID)
    # even after it moved; `series_every_days` is the cadence the series was booked with.
    occurrence_start = models.DateTimeField(null=True, blank=True, editable=False)
    series_every_days = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    uid = models.CharField(max_length=80, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    attendance = models.CharField(
        max_length=14, choices=Attendance.choices, default=Attendance.UNKNOWN, blank=True
    )
    cancel_reason = BilingualTextField(blank=True)
    cancelled_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When the agenda was submitted, copied from it as it is saved, so that the preparation
    # figures of a programme read sessions alone instead of joining every agenda.
    agenda_submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        # with the mentorship, counting a programme's sessions by date reads the index alone
        indexes = [models.Index(fields=["status", "starts_at", "mentorship"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"session {self.pk} of {self.mentorship_id} ({self.status})"

    @property
    def in_series(self) -> bool:
        return bool(self.series_key) and self.occurrence_start is not None

    @property
    def series_uid(self) -> str:
        return f"series-{self.series_key}@balik"


class BookedTime(models.Model):
    """The time a booked session takes from one of its two people: one row per person per
    booked session, written in the transaction that books, moves or cancels it.

    A person can be mentor in one pair and mentee in another, so no constraint on `Session`
    sees all of one person's sessions; this table does. On PostgreSQL an exclusion constraint
    (`booked_time_no_overlap`, added by migration 0009 because SQLite has none) refuses two
    overlapping rows of one person: the last line of defence behind the services' row locks.
    """

    # no index of their own: the unique (session, person) and the (person, starts_at) indexes
    # serve both (and on PostgreSQL the exclusion constraint's GiST index)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", db_index=False)
    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="booked_times", db_index=False
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_booked_time_each"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="booked_time_ends_after_start"
            ),
        ]
        indexes = [models.Index(fields=["person", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.person_id} in session {self.session_id} from {self.starts_at:%Y-%m-%d %H:%M}"


class SessionOption(models.Model):
    """A time one side proposed; the other accepts one, or proposes others."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="options")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "starts_at"], name="one_option_per_time")
        ]

    def __str__(self) -> str:
        return f"{self.session_id} @ {self.starts_at:%Y-%m-%d %H:%M}"


class Agenda(models.Model):
    """The leading side's preparation; a session without one by the deadline is flagged."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="agenda")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    topics = models.TextField(_("topics"), blank=True)
    research = models.TextField(_("research done (notes and links)"), blank=True)
    key_questions = models.TextField(_("key questions"), blank=True)
    challenges = models.TextField(_("challenges for the other side"), blank=True)
    objectives = models.TextField(_("what I want to learn in this session"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"agenda of session {self.session_id}"


class AgendaResponse(models.Model):
    """The facilitating side's answer: perspective and resources, not a new agenda."""

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="response")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    perspective = models.TextField(_("perspective"), blank=True)
    resources = models.TextField(_("resources"), blank=True)
    follow_up_questions = models.TextField(_("follow-up questions"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"response to session {self.session_id}"


class Note(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="notes")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("note"))
    private = models.BooleanField(_("only I can see it"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class ActionItem(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="actions")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    title = SingleLineCharField(_("action"), max_length=200)
    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    due_date = models.DateField(_("due date"))
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["done_at", "due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class LearningEntry(models.Model):
    """After a session, each person records what they taught and what they learned."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="learning")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    taught = models.TextField(_("what I taught"), blank=True)
    learned = models.TextField(_("what I learned"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "author"], name="one_learning_entry_each")
        ]

    def __str__(self) -> str:
        return f"learning of {self.author_id} in {self.session_id}"


class Reflection(models.Model):
    """Closing a mentorship: each person's final reflection."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reflection = models.TextField(_("looking back"))
    goals_outcome = models.TextField(_("what came of our goals"), blank=True)
    match_again = models.BooleanField(_("match me again in a next round"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "author"], name="one_reflection_each")
        ]

    def __str__(self) -> str:
        return f"reflection of {self.author_id} on {self.mentorship_id}"
