"""Every change to a person's profile, skills and availability, with the rules that guard them.

Each service checks that the actor may edit the person, validates everything first (collecting
every field error into one `ValidationFailed`), then writes in one transaction.
"""

import datetime
import functools
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import PermissionRefused, ValidationFailed
from balik.core.text import long_text_problem, single_line_problem
from balik.people.languages import ISO_639_1
from balik.people.models import (
    BIRTH_YEAR_MIN,
    SENIORITY_MAX,
    SENIORITY_MIN,
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    AvailabilitySlot,
    Person,
    PersonSkill,
    Skill,
    SkillDirection,
    birth_year_max,
    latest_hire_date,
)
from balik.people.selectors import DAY_MINUTES, merge_ranges
from balik.people.skill_lookup import MatchKind, SkillResolver

MAX_LANGUAGES = 12
BIO_MAX_LENGTH = 2000
MAX_SKILLS_PER_DIRECTION = 30
SLOT_MINUTES = 30

# Fields a person may change on their own profile, and the ones that come from HR.
SELF_SERVICE_FIELDS = frozenset(
    {"full_name", "job_title", "department", "birth_year", "languages", "timezone", "bio"}
)
HR_FIELDS = frozenset({"manager", "seniority_level", "hire_date"})
UPDATABLE_FIELDS = SELF_SERVICE_FIELDS | HR_FIELDS
TEXT_LIMITS = {"full_name": 200, "job_title": 200, "department": 120}

VALID_LEVELS = frozenset(str(level) for level in range(SKILL_LEVEL_MIN, SKILL_LEVEL_MAX + 1))
SKILL_FIELD = {SkillDirection.TEACH: "can_teach", SkillDirection.LEARN: "wants_to_learn"}


@functools.cache
def valid_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


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


def _clean_text(field: str, value: Any, errors: dict[str, list[str]]) -> str | None:
    text = "" if value is None else str(value).strip()
    if field == "full_name" and not text:
        errors[field] = [_("Enter the person's full name.")]
        return None
    limit = TEXT_LIMITS[field]
    if len(text) > limit:
        errors[field] = [
            _("Use at most %(limit)d characters (this has %(count)d).")
            % {"limit": limit, "count": len(text)}
        ]
        return None
    problem = single_line_problem(text)
    if problem:
        errors[field] = [problem]
        return None
    return text


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


def _clean_int(
    field: str, value: Any, low: int, high: int, errors: dict[str, list[str]], message: str
) -> int | None:
    number = _whole_number(value)
    if number is None or not low <= number <= high:
        errors[field] = [message]
        return None
    return number


def _clean_hire_date(value: Any, errors: dict[str, list[str]]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            errors["hire_date"] = [_("Give the hire date as YYYY-MM-DD, e.g. 2021-03-15.")]
            return None
    if not isinstance(value, datetime.date):
        errors["hire_date"] = [_("Give the hire date as YYYY-MM-DD, e.g. 2021-03-15.")]
        return None
    latest = latest_hire_date()
    if value > latest:
        errors["hire_date"] = [
            _(
                "The hire date can be at most a year ahead (%(latest)s), for someone who has "
                "not started yet. Check the year."
            )
            % {"latest": latest.isoformat()}
        ]
        return None
    return value


def _clean_languages(value: Any, errors: dict[str, list[str]]) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",")]
    if not isinstance(value, list | tuple):
        errors["languages"] = [_("Give the languages as a list of two-letter codes, e.g. id, en.")]
        return None
    codes: list[str] = []
    for item in value:
        code = str(item).strip().lower()
        if not code:
            continue
        if code not in ISO_639_1:
            errors.setdefault("languages", []).append(
                _("“%(code)s” is not a two-letter language code (ISO 639-1), e.g. id, en, jv.")
                % {"code": str(item).strip()[:20]}
            )
            continue
        if code not in codes:
            codes.append(code)
    if len(codes) > MAX_LANGUAGES:
        errors.setdefault("languages", []).append(
            _("List at most %(count)d languages.") % {"count": MAX_LANGUAGES}
        )
    return None if "languages" in errors else codes


def _clean_timezone(value: Any, errors: dict[str, list[str]]) -> str | None:
    name = "" if value is None else str(value).strip()
    if name not in valid_time_zones():
        errors["timezone"] = [
            _("“%(zone)s” is not a time zone; use an IANA name such as Asia/Jakarta.")
            % {"zone": name[:64]}
        ]
        return None
    return name


def _clean_bio(value: Any, errors: dict[str, list[str]]) -> str | None:
    text = "" if value is None else str(value).strip()
    if len(text) > BIO_MAX_LENGTH:
        errors["bio"] = [
            _("Keep the bio to %(limit)d characters (this has %(count)d).")
            % {"limit": BIO_MAX_LENGTH, "count": len(text)}
        ]
        return None
    problem = long_text_problem(text)
    if problem:
        errors["bio"] = [problem]
        return None
    return text


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
        if field in TEXT_LIMITS:
            cleaned: Any = _clean_text(field, value, errors)
        elif field == "manager":
            cleaned = _clean_manager(person, value, errors)
        elif field == "seniority_level":
            cleaned = _clean_int(
                field,
                value,
                SENIORITY_MIN,
                SENIORITY_MAX,
                errors,
                _("Seniority is a whole number from %(low)d (entry level) to %(high)d.")
                % {"low": SENIORITY_MIN, "high": SENIORITY_MAX},
            )
        elif field == "hire_date":
            cleaned = _clean_hire_date(value, errors)
        elif field == "birth_year":
            cleaned = (
                None
                if value in (None, "")
                else _clean_int(
                    field,
                    value,
                    BIRTH_YEAR_MIN,
                    birth_year_max(),
                    errors,
                    _("Give a birth year between %(low)d and %(high)d, or leave it empty.")
                    % {"low": BIRTH_YEAR_MIN, "high": birth_year_max()},
                )
            )
        elif field == "languages":
            cleaned = _clean_languages(value, errors)
        elif field == "timezone":
            cleaned = _clean_timezone(value, errors)
        else:  # bio
            cleaned = _clean_bio(value, errors)
        if field not in errors:
            changes[field] = cleaned
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
    if len(chosen) > MAX_SKILLS_PER_DIRECTION:
        problems.append(
            _("List at most %(count)d skills; pick the ones that matter most.")
            % {"count": MAX_SKILLS_PER_DIRECTION}
        )
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
