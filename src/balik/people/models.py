"""People: the directory, the skill taxonomy, and what each person can teach and wants to learn."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from balik.core.fields import SingleLineCharField

SENIORITY_MIN, SENIORITY_MAX = 1, 10
SKILL_LEVEL_MIN, SKILL_LEVEL_MAX = 1, 3
BIRTH_YEAR_MIN = 1930


class Generation(models.TextChoices):
    """Generation bands: a birth year is never shown, only the band it falls in."""

    GEN_Z = "gen_z", _("Gen Z")
    MILLENNIAL = "millennial", _("Millennial")
    GEN_X = "gen_x", _("Gen X")
    BOOMER = "boomer", _("Boomer")


# Inclusive birth-year ranges per band (Pew Research's boundaries); Boomer includes anyone older.
GENERATION_YEARS: dict[str, tuple[int, int]] = {
    Generation.GEN_Z: (1997, 2100),
    Generation.MILLENNIAL: (1981, 1996),
    Generation.GEN_X: (1965, 1980),
    Generation.BOOMER: (BIRTH_YEAR_MIN, 1964),
}


def generation_for(birth_year: int | None) -> str | None:
    if birth_year is None:
        return None
    for band, (first, last) in GENERATION_YEARS.items():
        if first <= birth_year <= last:
            return band
    return None


def birth_year_max() -> int:
    """Nobody younger than 14 works here; keeps typos like 2099 out."""
    return timezone.localdate().year - 14


def latest_hire_date(today: datetime.date | None = None) -> datetime.date:
    """The last hire date Balik takes: a year from today (28 February from a 29 February).

    HR exports carry people who start within the coming months, and an onboarding buddy meets
    them before their first day; a date further ahead is a typo of the year. The importer, the
    profile form and the API all check against this one date.
    """
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + 1)
    except ValueError:  # 29 February
        return today.replace(year=today.year + 1, day=28)


class SkillCategory(models.TextChoices):
    DIGITAL_SOCIAL = "digital_social", _("Digital & social media")
    DATA_AI = "data_ai", _("Data & AI")
    TECHNOLOGY = "technology", _("Technology")
    LEADERSHIP_STRATEGY = "leadership_strategy", _("Leadership & strategy")
    INCLUSION_DIVERSITY = "inclusion_diversity", _("Inclusion & diversity")
    COMMUNICATION = "communication", _("Communication")
    BUSINESS = "business", _("Business")
    UNCATEGORISED = "uncategorised", _("Uncategorised")


class SkillLevel(models.IntegerChoices):
    BASIC = 1, pgettext_lazy("skill level", "Basic")
    GOOD = 2, pgettext_lazy("skill level", "Good")
    EXPERT = 3, pgettext_lazy("skill level", "Expert")


class Skill(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name_en = SingleLineCharField(_("English name"), max_length=120)
    name_id = SingleLineCharField(_("Indonesian name"), max_length=120)
    category = models.CharField(
        _("category"),
        max_length=32,
        choices=SkillCategory.choices,
        default=SkillCategory.UNCATEGORISED,
    )
    aliases = models.JSONField(
        _("aliases"), default=list, blank=True, help_text=_("Other names people use for it.")
    )

    class Meta:
        verbose_name = _("skill")
        verbose_name_plural = _("skills")
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_id if (get_language() or "en").startswith("id") else self.name_en


class PersonQuerySet(models.QuerySet["Person"]):
    def search(self, text: str) -> "PersonQuerySet":
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(full_name__icontains=text)
            | Q(user__email__icontains=text)
            | Q(job_title__icontains=text)
        )

    def in_generation(self, band: str) -> "PersonQuerySet":
        first, last = GENERATION_YEARS[band]
        return self.filter(birth_year__gte=first, birth_year__lte=last)

    def with_skill(self, skill: Skill, direction: str | None = None) -> "PersonQuerySet":
        lookup = Q(skills__skill=skill)
        if direction:
            lookup &= Q(skills__direction=direction)
        return self.filter(lookup).distinct()


class Person(models.Model):
    """A colleague in the directory. Every person has a user account (possibly never used)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    full_name = SingleLineCharField(_("full name"), max_length=200, db_index=True)
    job_title = SingleLineCharField(_("job title"), max_length=200, blank=True)
    department = SingleLineCharField(_("department"), max_length=120, blank=True, db_index=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    seniority_level = models.PositiveSmallIntegerField(
        _("seniority level"),
        default=SENIORITY_MIN,
        validators=[MinValueValidator(SENIORITY_MIN), MaxValueValidator(SENIORITY_MAX)],
        help_text=_("1 = entry level, 10 = top executive."),
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        help_text=_("Never shown; only the generation band is."),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default="Asia/Jakarta")
    bio = models.TextField(_("bio"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seniority_level__gte=SENIORITY_MIN)
                & Q(seniority_level__lte=SENIORITY_MAX),
                name="person_seniority_in_range",
            ),
            models.CheckConstraint(
                condition=~Q(manager=models.F("id")), name="person_not_own_manager"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def generation(self) -> str | None:
        return generation_for(self.birth_year)

    @property
    def generation_label(self) -> str:
        band = self.generation
        return str(Generation(band).label) if band else ""

    @property
    def has_started(self) -> bool:
        """False for someone whose hire date is still ahead (a future starter from HR)."""
        return self.hire_date is None or self.hire_date <= timezone.localdate()

    @property
    def years_of_service(self) -> int | None:
        """Whole years since the hire date; None when unknown or not started yet."""
        if not self.hire_date or not self.has_started:
            return None
        today = timezone.localdate()
        return (
            today.year
            - self.hire_date.year
            - ((today.month, today.day) < (self.hire_date.month, self.hire_date.day))
        )


class SkillDirection(models.TextChoices):
    TEACH = "teach", _("Can teach")
    LEARN = "learn", _("Wants to learn")


class PersonSkill(models.Model):
    # No index of their own: the unique (person, skill, direction) and the (skill, direction)
    # index below start with these columns. Two fewer indexes to keep up halve what a
    # 100,000-person import spends writing these rows.
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="skills", db_index=False
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="holders", db_index=False
    )
    direction = models.CharField(max_length=8, choices=SkillDirection.choices)
    level = models.PositiveSmallIntegerField(
        _("level"),
        choices=SkillLevel.choices,
        validators=[MinValueValidator(SKILL_LEVEL_MIN), MaxValueValidator(SKILL_LEVEL_MAX)],
    )

    class Meta:
        verbose_name = _("person skill")
        verbose_name_plural = _("person skills")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "skill", "direction"], name="person_skill_once_per_direction"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=SKILL_LEVEL_MIN) & Q(level__lte=SKILL_LEVEL_MAX),
                name="person_skill_level_in_range",
            ),
        ]
        indexes = [models.Index(fields=["skill", "direction"])]

    def __str__(self) -> str:
        return f"{self.person} {self.direction} {self.skill} ({self.level})"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilitySlot(models.Model):
    """A weekly time range in the person's own time zone (wall-clock, converted when matching)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="availability")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=models.F("end_time")) | Q(end_time="00:00"),
                name="availability_starts_before_it_ends",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="availability_weekday_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def minutes(self) -> int:
        start = self.start_time.hour * 60 + self.start_time.minute
        end = self.end_time.hour * 60 + self.end_time.minute or 24 * 60
        return end - start


class PeopleImport(models.Model):
    """An uploaded people CSV: previewed first (dry run), applied on confirmation, kept as a log."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file_name = SingleLineCharField(max_length=255)
    content = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
