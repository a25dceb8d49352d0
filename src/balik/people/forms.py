"""Forms for the people pages. They parse input; the rules live in services."""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from balik.core.widgets import QuickSelect
from balik.people import rules, services
from balik.people.models import (
    SENIORITY_MAX,
    SENIORITY_MIN,
    Generation,
    Person,
    Skill,
    SkillDirection,
    SkillLevel,
)
from balik.people.selectors import DirectoryFilters, format_clock, skills_by_category, week_strip

INDONESIAN_ZONES = [
    ("Asia/Jakarta", gettext_lazy("Asia/Jakarta (WIB, western Indonesia)")),
    ("Asia/Makassar", gettext_lazy("Asia/Makassar (WITA, central Indonesia)")),
    ("Asia/Jayapura", gettext_lazy("Asia/Jayapura (WIT, eastern Indonesia)")),
]
SLOT_MINUTES = services.SLOT_MINUTES
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES


def skill_choices(skills: Iterable[Skill], blank: str) -> list[tuple[str, Any]]:
    """Select choices grouped by category; the value is the skill's slug."""
    choices: list[tuple[str, Any]] = [("", blank)]
    for _value, label, group in skills_by_category(skills):
        choices.append((label, [(skill.slug, skill.name) for skill in group]))
    return choices


def time_zone_choices() -> list[tuple[str, Any]]:
    indonesian = {zone for zone, _label in INDONESIAN_ZONES}
    others = sorted(services.valid_time_zones() - indonesian)
    return [
        (pgettext_lazy("time zones", "Indonesia"), INDONESIAN_ZONES),
        (pgettext_lazy("time zones", "All time zones"), [(zone, zone) for zone in others]),
    ]


class DirectoryFilterForm(forms.Form):
    """The directory's GET filters. Invalid values are reported and left out of the search."""

    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=gettext_lazy("Name, email or job title."),
    )
    department = forms.ChoiceField(
        widget=QuickSelect, label=gettext_lazy("Department"), required=False
    )
    skill = forms.ChoiceField(widget=QuickSelect, label=gettext_lazy("Skill"), required=False)
    direction = forms.ChoiceField(
        widget=QuickSelect,
        label=pgettext_lazy("directory filter", "Who"),
        required=False,
        choices=[
            ("", gettext_lazy("Teaches or learns it")),
            (SkillDirection.TEACH.value, gettext_lazy("Can teach it")),
            (SkillDirection.LEARN.value, gettext_lazy("Wants to learn it")),
        ],
    )
    seniority_min = forms.IntegerField(
        label=gettext_lazy("From"),
        required=False,
        min_value=SENIORITY_MIN,
        max_value=SENIORITY_MAX,
    )
    seniority_max = forms.IntegerField(
        label=gettext_lazy("To"), required=False, min_value=SENIORITY_MIN, max_value=SENIORITY_MAX
    )
    generation = forms.ChoiceField(
        widget=QuickSelect,
        label=gettext_lazy("Generation"),
        required=False,
        choices=[("", gettext_lazy("Any generation")), *Generation.choices],
    )

    def __init__(
        self, *args: Any, departments: Sequence[str], skills: Sequence[Skill], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.skills_by_slug = {skill.slug: skill for skill in skills}
        self.fields["department"].choices = [
            ("", _("All departments")),
            *((name, name) for name in departments),
        ]
        self.fields["skill"].choices = skill_choices(skills, _("Any skill"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        low, high = cleaned.get("seniority_min"), cleaned.get("seniority_max")
        if low is not None and high is not None and low > high:
            self.add_error("seniority_max", _("The upper bound must not be below the lower bound."))
        return cleaned

    def filters(self) -> DirectoryFilters:
        """The valid filters (call after `is_valid()`; invalid fields are simply left out)."""
        if not self.is_bound:
            return DirectoryFilters()
        data = getattr(self, "cleaned_data", {})
        skill = self.skills_by_slug.get(data.get("skill") or "")
        return DirectoryFilters(
            q=(data.get("q") or "").strip(),
            department=data.get("department") or "",
            skill=skill,
            direction=(data.get("direction") or "") if skill else "",
            seniority_min=data.get("seniority_min"),
            seniority_max=data.get("seniority_max"),
            generation=data.get("generation") or "",
        )


class RuleCheckedChoiceField(forms.ChoiceField):
    """A select whose value the service checks by the person-field rule (`people.rules`), so
    that a value the list does not offer (a zone in another letter case, a hand-made POST) gets
    the rule's verdict and message, as in the API and the importer, not the select's own."""

    def valid_value(self, value: Any) -> bool:
        return True


class PersonAboutForm(forms.Form):
    """The "About" section. Manager, seniority and hire date come from HR: admins only."""

    # Lengths and the required name are checked by the service's rule (`people.rules`); the
    # widgets only tell the browser.
    full_name = forms.CharField(
        label=gettext_lazy("Full name"),
        required=False,
        widget=forms.TextInput(
            attrs={"maxlength": rules.TEXT_LIMITS["full_name"], "required": True}
        ),
    )
    job_title = forms.CharField(
        label=gettext_lazy("Job title"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": rules.TEXT_LIMITS["job_title"]}),
    )
    department = forms.CharField(
        label=gettext_lazy("Department"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": rules.TEXT_LIMITS["department"]}),
    )
    manager = forms.EmailField(
        label=gettext_lazy("Manager's email"),
        required=False,
        help_text=gettext_lazy("Leave empty for someone at the top of the organisation."),
    )
    seniority_level = RuleCheckedChoiceField(
        widget=QuickSelect,
        label=gettext_lazy("Seniority level"),
        choices=[(level, str(level)) for level in range(SENIORITY_MIN, SENIORITY_MAX + 1)],
        help_text=gettext_lazy("1 = entry level, 10 = top executive."),
    )
    hire_date = forms.DateField(
        label=gettext_lazy("Hire date"),
        required=False,
        help_text=gettext_lazy("Up to a year ahead for someone who has not started yet."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    birth_year = forms.IntegerField(
        label=gettext_lazy("Birth year"),
        required=False,
        help_text=gettext_lazy(
            "Optional. Never shown to anyone; only your generation band (e.g. Millennial) is."
        ),
    )
    forget_birth_year = forms.BooleanField(
        label=gettext_lazy("Remove the birth year"), required=False
    )
    languages = forms.CharField(
        label=gettext_lazy("Languages you speak"),
        required=False,
        max_length=200,
        help_text=gettext_lazy("Two-letter codes separated by commas, e.g. id, en, jv."),
    )
    timezone = RuleCheckedChoiceField(widget=QuickSelect, label=gettext_lazy("Time zone"))
    bio = forms.CharField(
        label=gettext_lazy("Bio"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": services.BIO_MAX_LENGTH}),
        help_text=gettext_lazy(
            "A few sentences: what you do, what you enjoy sharing, what you are curious about."
        ),
    )

    def __init__(self, *args: Any, person: Person, can_edit_hr_fields: bool, **kwargs: Any):
        kwargs.setdefault(
            "initial",
            {
                "full_name": person.full_name,
                "job_title": person.job_title,
                "department": person.department,
                "manager": person.manager.user.email if person.manager else "",
                "seniority_level": person.seniority_level,
                "hire_date": person.hire_date,
                "languages": ", ".join(person.languages or []),
                "timezone": person.timezone,
                "bio": person.bio,
            },
        )
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["timezone"].choices = time_zone_choices()
        # a birth year is written, never read back: the field says only which band is stored
        if person.birth_year is None:
            del self.fields["forget_birth_year"]
        else:
            self.fields["birth_year"].help_text = _(
                "Stored as %(band)s; the year itself is never shown. Type a year only to "
                "correct it; leave it empty to keep it."
            ) % {"band": person.generation_label}
        if not can_edit_hr_fields:
            for name in services.HR_FIELDS:
                del self.fields[name]

    def clean_manager(self) -> Person | None:
        email = self.cleaned_data.get("manager")
        if not email:
            return None
        manager = Person.objects.select_related("user").filter(user__email__iexact=email).first()
        if manager is None:
            raise forms.ValidationError(
                _("Nobody in the directory has the email address %(email)s.") % {"email": email}
            )
        return manager

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.fields}
        if data.pop("forget_birth_year", False):
            data["birth_year"] = None
        elif data.get("birth_year") is None:
            data.pop("birth_year", None)  # left empty: the stored year stays
        return data


class SkillRowForm(forms.Form):
    skill = forms.ChoiceField(widget=QuickSelect, label=gettext_lazy("Skill"), required=False)
    level = forms.TypedChoiceField(
        widget=QuickSelect,
        label=gettext_lazy("Level"),
        coerce=int,
        choices=SkillLevel.choices,
        initial=SkillLevel.GOOD,
    )

    def __init__(self, *args: Any, choices: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = choices


class BaseSkillFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            slug = form.cleaned_data.get("skill")
            if not slug:
                continue
            if slug in seen:
                form.add_error("skill", _("This skill is already listed above; keep one row."))
            seen.add(slug)

    def items(self, skills_by_slug: dict[str, Skill]) -> list[tuple[Skill, int]]:
        rows = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            slug = form.cleaned_data.get("skill")
            if slug:
                rows.append((skills_by_slug[slug], form.cleaned_data["level"]))
        return rows


SkillFormSet = forms.formset_factory(
    SkillRowForm,
    formset=BaseSkillFormSet,
    extra=3,
    can_delete=True,
    max_num=services.MAX_SKILLS_PER_DIRECTION,
    validate_max=True,
)


def skill_formset(
    direction: str,
    *,
    data: Any = None,
    current: Iterable[Any] = (),
    choices: list[tuple[str, Any]],
) -> BaseSkillFormSet:
    initial = [{"skill": item.skill.slug, "level": item.level} for item in current]
    return SkillFormSet(
        data,
        initial=None if data is not None else initial,
        prefix=direction,
        form_kwargs={"choices": choices},
    )


# --- the weekly availability grid -------------------------------------------------------------


def cell_value(weekday: int, minutes: int) -> str:
    return f"{weekday}-{minutes // 60:02d}:{minutes % 60:02d}"


def parse_cells(values: Iterable[str]) -> tuple[set[tuple[int, int]], list[str]]:
    """Checked grid cells ("0-09:00") as (weekday, minutes) pairs, and the values not understood."""
    cells: set[tuple[int, int]] = set()
    bad: list[str] = []
    for value in values:
        day, _sep, clock = value.partition("-")
        hours, colon, minutes = clock.partition(":")
        if not (day.isdigit() and hours.isdigit() and minutes.isdigit() and colon):
            bad.append(value)
            continue
        total = int(hours) * 60 + int(minutes)
        if not 0 <= int(day) <= 6 or int(minutes) >= 60 or not 0 <= total < 24 * 60:
            bad.append(value)
            continue
        cells.add((int(day), total))
    return cells, bad


def cells_to_slots(cells: Iterable[tuple[int, int]]) -> list[tuple[int, str, str]]:
    """Each checked half hour as a (weekday, "HH:MM", "HH:MM") range; the service merges them."""
    slots = []
    for weekday, start in sorted(cells):
        end = start + SLOT_MINUTES
        slots.append(
            (
                weekday,
                f"{start // 60:02d}:{start % 60:02d}",
                f"{end // 60:02d}:{end % 60:02d}" if end < 24 * 60 else "24:00",
            )
        )
    return slots


def ranges_to_cells(ranges: Iterable[tuple[int, int, int]]) -> set[tuple[int, int]]:
    """Stored (weekday, start, end) minute ranges as the half-hour cells they cover."""
    cells: set[tuple[int, int]] = set()
    for weekday, start, end in ranges:
        first = start - start % SLOT_MINUTES
        for minutes in range(first, end, SLOT_MINUTES):
            cells.add((weekday, minutes))
    return cells


def availability_grid(checked: set[tuple[int, int]]) -> dict[str, Any]:
    """Rows of seven cells for the grid editor: 48 half hours from 00:00 to 23:30."""
    days = [(day["weekday"], day["name"], day["short"]) for day in week_strip([])]
    rows = []
    for index in range(SLOTS_PER_DAY):
        start = index * SLOT_MINUTES
        start_label, end_label = format_clock(start), format_clock(start + SLOT_MINUTES)
        rows.append(
            {
                "label": start_label,
                "on_the_hour": start % 60 == 0,
                "cells": [
                    {
                        "value": cell_value(weekday, start),
                        "checked": (weekday, start) in checked,
                        "label": _("%(day)s %(start)s–%(end)s")  # noqa: RUF001 (a range wants an en dash)
                        % {"day": day_name, "start": start_label, "end": end_label},
                    }
                    for weekday, day_name, _short in days
                ],
            }
        )
    return {"days": days, "rows": rows}
