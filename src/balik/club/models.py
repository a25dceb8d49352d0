"""The Mentorship Club: anyone offers topics from their open hours, members book one 1-on-1
session within the allowance their organisation grants, prepare it the flipped way, and rate it.

A booked Club session is a real `mentorships.Session` of a hidden Club programme (one mentorship
per mentor and mentee), so invites, reminders, the agenda and its deadline, the learning log,
session feedback and the no-double-booking guarantee (`BookedTime`) all apply unchanged.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from balik.core.fields import SingleLineCharField
from balik.mentorships.models import Session
from balik.people.models import SENIORITY_MAX, SENIORITY_MIN, Person, Skill


def _in_language(english: str, indonesian: str) -> str:
    if (get_language() or "en").startswith("id"):
        return indonesian or english
    return english or indonesian


class OfferingFormat(models.TextChoices):
    VIDEO = "video", _("Video call")
    IN_PERSON = "in_person", _("In person")
    CHAT = "chat", _("Chat")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    SENIORITY = "seniority", _("A seniority range")
    DEPARTMENTS = "departments", _("Some departments")


SESSION_LENGTHS = (30, 45, 60)


class OfferingQuerySet(models.QuerySet["Offering"]):
    def open(self) -> "OfferingQuerySet":
        """Offerings that can be booked: active, from a mentor who has not paused."""
        return self.filter(active=True).exclude(mentor__club_settings__paused=True)


class Offering(models.Model):
    """A topic a person offers: a skill from the taxonomy, how and for how long, and who may
    book it. A junior may offer what they know to seniors: reverse mentoring on demand."""

    mentor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="club_offerings")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="club_offerings")
    title_en = SingleLineCharField(_("title in English"), max_length=160, blank=True)
    title_id = SingleLineCharField(_("title in Indonesian"), max_length=160, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    description_id = models.TextField(_("description in Indonesian"), blank=True)
    format = models.CharField(
        _("format"), max_length=10, choices=OfferingFormat.choices, default=OfferingFormat.VIDEO
    )
    minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), choices=[(m, m) for m in SESSION_LENGTHS], default=45
    )
    audience = models.CharField(
        _("who may book"), max_length=12, choices=Audience.choices, default=Audience.EVERYONE
    )
    seniority_min = models.PositiveSmallIntegerField(
        _("lowest seniority"),
        default=SENIORITY_MIN,
        validators=[MinValueValidator(SENIORITY_MIN), MaxValueValidator(SENIORITY_MAX)],
    )
    seniority_max = models.PositiveSmallIntegerField(
        _("highest seniority"),
        default=SENIORITY_MAX,
        validators=[MinValueValidator(SENIORITY_MIN), MaxValueValidator(SENIORITY_MAX)],
    )
    departments = models.JSONField(_("departments"), default=list, blank=True)
    active = models.BooleanField(_("open for booking"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__in=SESSION_LENGTHS), name="club_offering_length"
            ),
            models.CheckConstraint(
                condition=Q(seniority_min__lte=models.F("seniority_max")),
                name="club_offering_seniority_range",
            ),
            models.CheckConstraint(
                condition=~Q(title_en="") | ~Q(title_id=""), name="club_offering_has_a_title"
            ),
        ]
        indexes = [models.Index(fields=["skill", "active"]), models.Index(fields=["mentor"])]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return _in_language(self.title_en, self.title_id)

    @property
    def description(self) -> str:
        return _in_language(self.description_en, self.description_id)

    def admits(self, person: Person) -> bool:
        """Whether `person` is in this offering's audience (the mentor never books themself)."""
        if person.pk == self.mentor_id:
            return False
        if self.audience == Audience.SENIORITY:
            return self.seniority_min <= person.seniority_level <= self.seniority_max
        if self.audience == Audience.DEPARTMENTS:
            return person.department in self.departments
        return True


class MentorSettings(models.Model):
    """A mentor's Club settings; a person without a row has the defaults."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="club_settings")
    monthly_limit = models.PositiveSmallIntegerField(
        _("sessions a month at most"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(40)],
    )
    paused = models.BooleanField(_("paused: take no new bookings"), default=False)
    auto_accept = models.BooleanField(_("accept requests at once"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_limit__gte=1, monthly_limit__lte=40),
                name="club_monthly_limit_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"club settings of {self.person_id}"


DEFAULT_MONTHLY_LIMIT = 4


class BlockedDate(models.Model):
    """A day (in the mentor's own zone) when their open hours are closed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="club_blocked_dates")
    date = models.DateField(_("date"))

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["person", "date"], name="club_blocked_date_once")
        ]

    def __str__(self) -> str:
        return f"{self.person_id} away on {self.date}"


class Package(models.Model):
    """An allowance the organisation grants: `sessions` bookings per `period_months` months."""

    name = SingleLineCharField(_("name"), max_length=80, unique=True)
    sessions = models.PositiveSmallIntegerField(
        _("sessions per period"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    period_months = models.PositiveSmallIntegerField(
        _("period (months)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__gte=1) & Q(period_months__gte=1, period_months__lte=12),
                name="club_package_sensible",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PackageGrant(models.Model):
    """A package given to one person, to a department, or (neither) to everyone by default.
    A person's package is their own grant, else their department's, else the default; the
    largest allowance wins where several grants of one level apply."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="grants")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="club_grants"
    )
    department = SingleLineCharField(_("department"), max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(department=""),
                name="club_grant_one_target",
            ),
            models.UniqueConstraint(
                fields=["package", "person", "department"],
                name="club_grant_once",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        target = self.person_id or self.department or "everyone"
        return f"{self.package} for {target}"


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", _("Waiting for the mentor")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# The states in which a booking holds its time, a place in the mentor's month and a credit.
HOLDING = (BookingStatus.REQUESTED, BookingStatus.ACCEPTED)


class Booking(models.Model):
    """A mentee's request for one session of an offering at one free time, with the
    preparation the flipped way asks for; accepted, it becomes a booked `Session`."""

    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="bookings")
    # copied from the offering: the limits, the locks and the slot checks read it without a join
    mentor = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="club_mentor_bookings"
    )
    mentee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="club_bookings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.REQUESTED
    )
    learn = models.TextField(_("what I want to learn"))
    research = models.TextField(_("the research I did"), blank=True)
    questions = models.TextField(_("my key questions"))
    challenge = models.TextField(_("a challenge for the mentor"), blank=True)
    session = models.OneToOneField(
        Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="club_booking"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    extended = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason"), blank=True)
    cancelled_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancel_reason = models.TextField(_("reason"), blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # whether the booking counts against the mentee's package; a cancellation in time, a
    # decline or an expiry gives the credit back
    credit_used = models.BooleanField(default=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="club_booking_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(mentor=models.F("mentee")), name="club_booking_two_people"
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "status", "starts_at"]),
            models.Index(fields=["mentee", "credit_used", "created_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"booking {self.pk} of {self.offering_id} by {self.mentee_id} ({self.status})"

    @property
    def holds_time(self) -> bool:
        return self.status in HOLDING


class Outcome(models.TextChoices):
    HELD = "held", _("Held")
    MENTOR_ABSENT = "mentor_absent", _("The mentor did not come")
    MENTEE_ABSENT = "mentee_absent", _("The mentee did not come")


class AttendanceRecord(models.Model):
    """What each side says happened; both may record, each once (and may correct it)."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="attendance")
    recorder = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=14, choices=Outcome.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["booking", "recorder"], name="club_attendance_once_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recorder_id} on {self.booking_id}: {self.outcome}"


class MissKind(models.TextChoices):
    NO_SHOW = "no_show", _("Did not come")
    LATE_CANCEL = "late_cancel", _("Cancelled less than 24 hours ahead")


class Miss(models.Model):
    """A no-show or a late cancellation by one person: private, seen by them and managers."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="club_misses")
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="misses")
    kind = models.CharField(max_length=12, choices=MissKind.choices)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "booking"], name="club_one_miss_per_booking")
        ]
        indexes = [models.Index(fields=["person", "at"])]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} on {self.booking_id}"


class BookingPause(models.Model):
    """Two misses within 30 days pause a person's booking until a programme manager, after a
    talk with them, lifts it. Only they and managers see it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="club_pauses")
    reason = models.TextField()
    started_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(lifted_at__isnull=True),
                name="club_one_open_pause",
            )
        ]

    def __str__(self) -> str:
        return f"booking paused for {self.person_id}"


class SearchMiss(models.Model):
    """A Club search that found nobody: what was asked and with which filters, never who
    asked. Managers read them as demand without supply: where to recruit mentors."""

    text = SingleLineCharField(_("search"), max_length=120, blank=True)
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("language"), max_length=12, blank=True)
    # the other filters: time in common, free within days, lowest rating
    filters = models.JSONField(default=dict, blank=True)
    searched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-searched_at"]
        indexes = [models.Index(fields=["searched_at"])]

    def __str__(self) -> str:
        return f"search for {self.text or self.skill_id} found nobody"
