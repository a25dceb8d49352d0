"""The rules a person's fields follow, each written once.

Every path that writes a person reads its values through these functions: the profile form and
the API (both through `services.person_update`, the form's fields also calling them so that a
hand-made POST meets the same rule) and the CSV importer. Each function takes the value as a path
has it (a string from a form or a CSV cell, a number or a list from JSON), returns it cleaned, or
raises `ValidationError` with the one message that every path shows beside the field.

Time zones are read in any letter case and stored by their canonical IANA name: HR exports write
`asia/jakarta` as often as `Asia/Jakarta`, the importer has taken both since its first version,
and the name means one zone whatever its case; refusing it would break files that import today.
An Indonesian abbreviation (WIB, WITA, WIT) or a near miss is refused with the zone to write.

E-mail addresses follow `balik.core.email_address` (Django's rule), and the single-line rule
for names follows `balik.core.text`; both are already one rule for the whole site.
"""

import datetime
import difflib
import functools
import re
import zoneinfo
from collections.abc import Sized
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from balik.core.text import long_text_problem, single_line_problem, visible
from balik.people.languages import ISO_639_1
from balik.people.models import (
    BIRTH_YEAR_MIN,
    SENIORITY_MAX,
    SENIORITY_MIN,
    birth_year_max,
    latest_hire_date,
)

MAX_LANGUAGES = 12
MAX_SKILLS_PER_DIRECTION = 30
BIO_MAX_LENGTH = 2000
# The single-line fields of a person, and their lengths (the columns of `Person`).
TEXT_LIMITS = {"full_name": 200, "job_title": 200, "department": 120}
INDONESIAN_ZONE_WORDS = {"wib": "Asia/Jakarta", "wita": "Asia/Makassar", "wit": "Asia/Jayapura"}

_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,6}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LIST_SEPARATORS = re.compile(r"[;,\s]+")
_SHOWN_MAX = 64


def _shown(value: str) -> str:
    """A value quoted back in a message: control characters visible, long values cut."""
    value = visible(value)
    return value if len(value) <= _SHOWN_MAX else value[: _SHOWN_MAX - 1] + "…"


def whole_number(value: Any) -> int | None:
    """An int, or a string of digits (a sign allowed); never a bool, a float or anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value.strip()):
        return int(value.strip())
    return None


def single_line(field: str, value: Any) -> str:
    """A name, a job title or a department: trimmed, within its length, on one line."""
    text = "" if value is None else str(value).strip()
    if field == "full_name" and not text:
        raise ValidationError(_("Enter the person's full name."), code="required")
    limit = TEXT_LIMITS[field]
    if len(text) > limit:
        raise ValidationError(
            _("Use at most %(limit)d characters (this has %(count)d).")
            % {"limit": limit, "count": len(text)},
            code="max_length",
        )
    problem = single_line_problem(text)
    if problem:
        raise ValidationError(problem, code="control_character")
    return text


def bio(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > BIO_MAX_LENGTH:
        raise ValidationError(
            _("Keep the bio to %(limit)d characters (this has %(count)d).")
            % {"limit": BIO_MAX_LENGTH, "count": len(text)},
            code="max_length",
        )
    problem = long_text_problem(text)
    if problem:
        raise ValidationError(problem, code="control_character")
    return text


def seniority_level(value: Any) -> int:
    number = whole_number(value)
    if number is None or not SENIORITY_MIN <= number <= SENIORITY_MAX:
        raise ValidationError(
            _(
                "The seniority level must be a whole number from %(min)d (entry level) "
                "to %(max)d (top executive)."
            )
            % {"min": SENIORITY_MIN, "max": SENIORITY_MAX},
            code="seniority",
        )
    return number


def birth_year(value: Any, *, latest: int | None = None) -> int | None:
    """None for an empty value; `latest` lets an import compute the bound once."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    high = birth_year_max() if latest is None else latest
    year = whole_number(value)
    if year is None or not BIRTH_YEAR_MIN <= year <= high:
        raise ValidationError(
            _("Give a birth year between %(low)d and %(high)d, or leave it empty.")
            % {"low": BIRTH_YEAR_MIN, "high": high},
            code="birth_year",
        )
    return year


def hire_date(value: Any, *, latest: datetime.date | None = None) -> datetime.date | None:
    """A date up to a year ahead (see `latest_hire_date`); None for an empty value."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        value = _iso_date(value.strip())
    if not isinstance(value, datetime.date):
        raise ValidationError(
            _("Give the hire date as YYYY-MM-DD, e.g. 2021-03-15."), code="invalid_date"
        )
    latest = latest_hire_date() if latest is None else latest
    if value > latest:
        raise ValidationError(
            _(
                "The hire date can be at most a year ahead (%(latest)s), for someone who has "
                "not started yet. Check the year."
            )
            % {"latest": latest.isoformat()},
            code="hire_date_ahead",
        )
    return value


@functools.lru_cache(maxsize=65_536)
def _iso_date(value: str) -> datetime.date | None:
    """A real date written YYYY-MM-DD, or None. A file repeats its dates: each is read once."""
    if not _ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def languages(value: Any) -> list[str]:
    """Two-letter ISO 639-1 codes, from a list or a text separated by commas, semicolons or
    spaces; lower-cased, each once, at most `MAX_LANGUAGES`. Every wrong code is named."""
    if value is None:
        return []
    if isinstance(value, str):
        value = _LIST_SEPARATORS.split(value)
    if not isinstance(value, list | tuple):
        raise ValidationError(
            _("Give the languages as a list of two-letter codes, e.g. id, en."), code="invalid"
        )
    problems: list[str] = []
    codes: list[str] = []
    for item in value:
        code = str(item).strip().lower()
        if not code:
            continue
        if code not in ISO_639_1:
            problems.append(
                _("“%(code)s” is not a two-letter language code (ISO 639-1), e.g. id, en, jv.")
                % {"code": _shown(str(item).strip()[:20])}
            )
        elif code not in codes:
            codes.append(code)
    if len(codes) > MAX_LANGUAGES:
        problems.append(_("List at most %(count)d languages.") % {"count": MAX_LANGUAGES})
    if problems:
        raise ValidationError(problems)
    return codes


@functools.cache
def valid_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


@functools.cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in valid_time_zones()}


def time_zone(value: Any) -> str:
    """The canonical IANA name of the zone written in any letter case."""
    text = "" if value is None else str(value).strip()
    zones = _zones_by_folded_name()
    name = zones.get(text.casefold())
    if name is not None:
        return name
    if text.casefold() in INDONESIAN_ZONE_WORDS:
        suggestion = INDONESIAN_ZONE_WORDS[text.casefold()]
    else:
        close = difflib.get_close_matches(text.casefold(), zones, n=1, cutoff=0.8)
        suggestion = zones[close[0]] if close else ""
    if suggestion:
        message = _("“%(value)s” is not an IANA time zone; write %(suggestion)s instead.") % {
            "value": _shown(text),
            "suggestion": suggestion,
        }
    else:
        message = _(
            "“%(value)s” is not an IANA time zone. Write e.g. Asia/Jakarta (WIB), "
            "Asia/Makassar (WITA) or Asia/Jayapura (WIT)."
        ) % {"value": _shown(text)}
    raise ValidationError(message, code="time_zone")


def skill_count(chosen: Sized) -> None:
    """At most `MAX_SKILLS_PER_DIRECTION` skills to teach, and as many to learn."""
    if len(chosen) > MAX_SKILLS_PER_DIRECTION:
        raise ValidationError(
            _("List at most %(count)d skills; pick the ones that matter most.")
            % {"count": MAX_SKILLS_PER_DIRECTION},
            code="too_many_skills",
        )
