"""Every change to a person's profile, skills and availability, with the rules that guard them.

Each service checks that the actor may edit the person, validates everything first (collecting
every field error into one `ValidationFailed`), then writes in one transaction.
"""

import datetime
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import PermissionRefused, ValidationFailed
from balik.people import rules
from balik.people.models import (
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    AvailabilitySlot,
    Person,
    PersonSkill,
    Skill,
    SkillDirection,
)
from balik.people.selectors import DAY_MINUTES, merge_ranges
from balik.people.skill_lookup import MatchKind, SkillResolver

MAX_LANGUAGES = rules.MAX_LANGUAGES
BIO_MAX_LENGTH = rules.BIO_MAX_LENGTH
MAX_SKILLS_PER_DIRECTION = rules.MAX_SKILLS_PER_DIRECTION
SLOT_MINUTES = 30

# Fields a person may change on their own profile, and the ones that come from HR.
SELF_SERVICE_FIELDS = frozenset(
    {"full_name", "job_title", "department", "birth_year", "languages", "timezone", "bio"}
)
HR_FIELDS = frozenset({"manager", "seniority_level", "hire_date"})
UPDATABLE_FIELDS = SELF_SERVICE_FIELDS | HR_FIELDS
TEXT_LIMITS = rules.TEXT_LIMITS

VALID_LEVELS = frozenset(str(level) for level in range(SKILL_LEVEL_MIN, SKILL_LEVEL_MAX + 1))
SKILL_FIELD = {SkillDirection.TEACH: "can_teach", SkillDirection.LEARN: "wants_to_learn"}


valid_time_zones = rules.valid_time_zones


def can_edit_person(user: User, person: Person) -> bool:
    """Org admins edit anyone; everyone else only themself."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_org_admin) or person.user_id == user.pk


def _require_editor(actor: User, person: Person) -> None:
    if not can_edit_person(actor, person):
        raise PermissionRefused(_("You can only edit your own profile."))


# --- the profile ------------------------------------------------------------------------------


def manager_chain_error(*, person: Person, manager: Person | None) -> str | None:
    """Why `manager` cannot manage `person` (a cycle), or None. Walks up the manager chain."""
    if manager is None:
        return None
    if person.pk is not None and manager.pk == person.pk:
        return _("A person cannot be their own manager.")
    seen: set[int] = set()
    current_id: int | None = manager.pk
    while current_id is not None and current_id not in seen:
        if person.pk is not None and current_id == person.pk:
            return _(
                "%(manager)s reports (directly or further down) to %(person)s, so %(person)s "
                "cannot report to them: that would make a loop. Change %(manager)s's manager first."
            ) % {"manager": manager.full_name, "person": person.full_name}
        seen.add(current_id)
        current_id = (
            Person.objects.filter(pk=current_id).values_list("manager_id", flat=True).first()
        )
    return None


def _clean_manager(person: Person, value: Any, errors: dict[str, list[str]]) -> Person | None:
    if value is None or value == "":
        return None
    if isinstance(value, Person):
        manager: Person | None = value
    else:
        manager_id = _whole_number(value)
        if manager_id is None:
            errors["manager"] = [_("Give the manager as a person's id.")]
            return None
        manager = Person.objects.filter(pk=manager_id).first()
        if manager is None:
            errors["manager"] = [
                _("There is nobody with id %(id)s in the directory.") % {"id": manager_id}
            ]
            return None
    problem = manager_chain_error(person=person, manager=manager)
    if problem:
        errors["manager"] = [problem]
        return None
    return manager


def _whole_number(value: Any) -> int | None:
    """An int, or a string of digits; never a bool, a float or anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


# The rule each profile field follows (balik.people.rules, shared with the CSV importer).
_FIELD_RULES: dict[str, Callable[[Any], Any]] = {
    "full_name": functools.partial(rules.single_line, "full_name"),
    "job_title": functools.partial(rules.single_line, "job_title"),
    "department": functools.partial(rules.single_line, "department"),
    "seniority_level": rules.seniority_level,
    "hire_date": rules.hire_date,
    "birth_year": rules.birth_year,
    "languages": rules.languages,
    "timezone": rules.time_zone,
    "bio": rules.bio,
}


def _current_value(person: Person, field: str) -> Any:
    return person.manager_id if field == "manager" else getattr(person, field)


def _same_hr_value(person: Person, field: str, value: Any) -> bool:
    """True when a non-admin sends back the value HR already set (e.g. a form round trip)."""
    current = _current_value(person, field)
    if field == "manager":
        given = value.pk if isinstance(value, Person) else value
        return str(given or "") == str(current or "")
    if field == "hire_date" and isinstance(value, str) and current is not None:
        return value == current.isoformat()
    return value == current or str(value) == str(current)


def _validate_profile(
    *, person: Person, actor: User, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    changes: dict[str, Any] = {}
    for field in sorted(set(data) - UPDATABLE_FIELDS):
        errors[field] = [_("This field cannot be changed here.")]
    for field in sorted(HR_FIELDS & set(data)):
        if not actor.is_org_admin and not _same_hr_value(person, field, data[field]):
            errors[field] = [
                _("Your %(field)s comes from HR; ask an organisation admin to change it.")
                % {"field": str(Person._meta.get_field(field).verbose_name)}
            ]
    for field, value in data.items():
        if field in errors:
            continue
        if field == "manager":
            cleaned: Any = _clean_manager(person, value, errors)
            if field not in errors:
                changes[field] = cleaned
            continue
        try:
            changes[field] = _FIELD_RULES[field](value)
        except ValidationError as refusal:
            errors[field] = list(refusal.messages)
    return changes, errors


@transaction.atomic
def person_update(*, person: Person, actor: User, data: Mapping[str, Any]) -> Person:
    """Change the given profile fields (only those present in `data`).

    `manager` may be a Person, a person's id or None; manager, seniority level and hire date come
    from HR, so only org admins may change them.
    """
    _require_editor(actor, person)
    changes, errors = _validate_profile(person=person, actor=actor, data=data)
    if errors:
        raise ValidationFailed(errors)
    changed_fields = [
        field
        for field, value in changes.items()
        if (value.pk if field == "manager" and value else value) != _current_value(person, field)
    ]
    if not changed_fields:
        return person
    for field in changed_fields:
        setattr(person, field, changes[field])
    person.save(update_fields=[*changed_fields, "updated_at"])
    if "full_name" in changed_fields and person.user.full_name != person.full_name:
        person.user.full_name = person.full_name
        person.user.save(update_fields=["full_name"])
    return person


# --- availability -----------------------------------------------------------------------------


def _parse_clock(value: Any) -> int | None:
    """Minutes since midnight for a time or an "HH:MM" string; "24:00" is the end of the day."""
    if isinstance(value, datetime.time):
        return value.hour * 60 + value.minute if not value.second else None
    text = str(value).strip()
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    total = int(hours) * 60 + int(minutes)
    if int(minutes) >= 60 or total > DAY_MINUTES:
        return None
    return total


def minutes_to_time(minutes: int) -> datetime.time:
    """The stored form: midnight at the end of a day is 00:00."""
    minutes %= DAY_MINUTES
    return datetime.time(minutes // 60, minutes % 60)


def clean_availability(slots: Iterable[Sequence[Any]]) -> list[tuple[int, int, int]]:
    """Validate (weekday, start, end) items into merged minute ranges, or raise ValidationFailed."""
    problems: list[str] = []
    ranges: list[tuple[int, int, int]] = []
    for number, slot in enumerate(slots, start=1):
        try:
            weekday, start_value, end_value = slot
        except (TypeError, ValueError):
            problems.append(_("Range %(n)d: give a day, a start and an end.") % {"n": number})
            continue
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            problems.append(
                _("Range %(n)d: the day must be 0 (Monday) to 6 (Sunday).") % {"n": number}
            )
            continue
        start, end = _parse_clock(start_value), _parse_clock(end_value)
        if start is None or end is None:
            problems.append(_("Range %(n)d: give times as HH:MM, e.g. 09:30.") % {"n": number})
            continue
        if end == 0:
            end = DAY_MINUTES  # 00:00 as an end means midnight
        if start == DAY_MINUTES:
            problems.append(_("Range %(n)d: a range cannot start at 24:00.") % {"n": number})
            continue
        if start % SLOT_MINUTES or end % SLOT_MINUTES:
            problems.append(
                _("Range %(n)d: times must fall on the hour or half hour (e.g. 09:00, 09:30).")
                % {"n": number}
            )
            continue
        if start >= end:
            problems.append(
                _(
                    "Range %(n)d: it must end after it starts; split a range that runs past "
                    "midnight into two days."
                )
                % {"n": number}
            )
            continue
        ranges.append((weekday, start, end))
    if problems:
        raise ValidationFailed({"availability": problems})
    return merge_ranges(ranges)


@transaction.atomic
def person_set_availability(
    *, person: Person, actor: User, slots: Iterable[Sequence[Any]]
) -> list[AvailabilitySlot]:
    """Replace the person's weekly availability with `slots`: (weekday, start, end) items.

    Times are wall-clock in the person's own zone, on 30-minute boundaries; an end of 00:00 or
    "24:00" means midnight. Overlapping and touching ranges are merged.
    """
    _require_editor(actor, person)
    ranges = clean_availability(list(slots))
    AvailabilitySlot.objects.filter(person=person).delete()
    return AvailabilitySlot.objects.bulk_create(
        AvailabilitySlot(
            person=person,
            weekday=weekday,
            start_time=minutes_to_time(start),
            end_time=minutes_to_time(end),
        )
        for weekday, start, end in ranges
    )


# --- skills -----------------------------------------------------------------------------------


def _item_parts(item: Any) -> tuple[Any, Any]:
    if isinstance(item, Mapping):
        return item.get("skill"), item.get("level")
    skill, level = item
    return skill, level


@transaction.atomic
def person_set_skills(
    *, person: Person, actor: User, direction: str, items: Iterable[Any]
) -> list[PersonSkill]:
    """Replace what the person can teach (or wants to learn) with `items`.

    Each item is (skill, level) or {"skill": ..., "level": ...}; a skill is a Skill or its slug,
    name in either language, or an alias. Levels are 1-3; a skill may appear once.
    """
    _require_editor(actor, person)
    if direction not in SkillDirection.values:
        raise ValidationFailed({"direction": [_("Choose “teach” or “learn”.")]})
    field = SKILL_FIELD[SkillDirection(direction)]
    problems: list[str] = []
    parsed: list[tuple[Any, Any]] = []
    for number, item in enumerate(items, start=1):
        try:
            parsed.append(_item_parts(item))
        except (TypeError, ValueError):
            problems.append(_("Item %(n)d: give a skill and a level.") % {"n": number})
    # The importer's resolver: slug, either name or an alias, ignoring case and accents.
    needs_lookup = any(not isinstance(skill, Skill) for skill, _level in parsed)
    resolver = SkillResolver() if needs_lookup else None
    chosen: list[tuple[Skill, int]] = []
    seen: set[int] = set()
    for number, (skill_value, level) in enumerate(parsed, start=1):
        skill: Skill | None = None
        if isinstance(skill_value, Skill):
            skill = skill_value
        elif resolver is not None:
            written = str(skill_value or "").strip()[:80]
            match = resolver.resolve(written)
            if match.kind == MatchKind.EXACT:
                skill = match.skill
            elif match.kind == MatchKind.CLOSE:
                problems.append(
                    _("Item %(n)d: there is no skill called “%(skill)s”; did you mean “%(close)s”?")
                    % {
                        "n": number,
                        "skill": written,
                        "close": match.skill.name if match.skill else "",
                    }
                )
                continue
        if skill is None:
            problems.append(
                _("Item %(n)d: there is no skill called “%(skill)s”.")
                % {"n": number, "skill": str(skill_value or "")[:80]}
            )
            continue
        if isinstance(level, bool) or str(level).strip() not in VALID_LEVELS:
            problems.append(
                _("Item %(n)d (%(skill)s): the level must be 1 (basic), 2 (good) or 3 (expert).")
                % {"n": number, "skill": skill.name}
            )
            continue
        if skill.pk in seen:
            problems.append(
                _("Item %(n)d: %(skill)s is listed twice; keep one.")
                % {"n": number, "skill": skill.name}
            )
            continue
        seen.add(skill.pk)
        chosen.append((skill, int(str(level).strip())))
    try:
        rules.skill_count(chosen)
    except ValidationError as refusal:
        problems.extend(refusal.messages)
    if problems:
        raise ValidationFailed({field: problems})
    PersonSkill.objects.filter(person=person, direction=direction).delete()
    return PersonSkill.objects.bulk_create(
        PersonSkill(person=person, skill=skill, direction=direction, level=level)
        for skill, level in chosen
    )


# --- all at once (the API's PATCH) ------------------------------------------------------------


@transaction.atomic
def person_update_profile(
    *,
    person: Person,
    actor: User,
    data: Mapping[str, Any],
    availability: Iterable[Sequence[Any]] | None = None,
    can_teach: Iterable[Any] | None = None,
    wants_to_learn: Iterable[Any] | None = None,
) -> Person:
    """Profile fields, availability and skills in one transaction: all applied, or none.

    Every error from every part is reported together; a part given as None is left alone.
    """
    _require_editor(actor, person)
    errors: dict[str, list[str]] = {}
    steps = [
        lambda: person_update(person=person, actor=actor, data=data),
        None
        if availability is None
        else lambda: person_set_availability(person=person, actor=actor, slots=availability),
        None
        if can_teach is None
        else lambda: person_set_skills(
            person=person, actor=actor, direction=SkillDirection.TEACH, items=can_teach
        ),
        None
        if wants_to_learn is None
        else lambda: person_set_skills(
            person=person, actor=actor, direction=SkillDirection.LEARN, items=wants_to_learn
        ),
    ]
    for step in steps:
        if step is None:
            continue
        try:
            step()
        except ValidationFailed as error:
            errors.update(error.errors)
    if errors:
        raise ValidationFailed(errors)
    return person
