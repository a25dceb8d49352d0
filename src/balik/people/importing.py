"""The people CSV importer: parse, validate everything, then write everything or nothing.

The contract lives in DESIGN.md ("People CSV"). The shape of an import:

1. read the bytes (UTF-8 with an optional BOM, comma or semicolon; a web upload is first held
   to BALIK_IMPORT_MAX_BYTES by `check_upload_size`);
2. validate every row and every column, collecting *all* problems (no write yet);
3. look the people up in the directory (one query on PostgreSQL, one per 900 emails on
   SQLite, never one per row), check managers exist and that the management graph stays free
   of loops;
4. work out what changes per person (create / update / unchanged);
5. unless it is a dry run or anything was wrong: write, in one transaction, many rows per
   statement (COPY on PostgreSQL, where new people get ids reserved from the sequence and go
   in at once; elsewhere a management level at a time, managers first).

A 100,000-person file is the size this is built for (bench/import_people.py): each distinct
cell value (a skill list, a date, a language list) is read once per file, and Python's cycle
collector rests while the rows are built.

Columns absent from the file leave existing values alone; an empty cell in a present column
clears the value (job title, department, manager, hire date, birth year, languages, skills).
`seniority_level` and `timezone` always hold a value, so an empty cell there keeps the current
value (a new person gets the default: level 1, Asia/Jakarta).
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import functools
import gc
import io
import itertools
import json
import logging
import operator
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, OperationalError, connections, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from balik.accounts.models import User
from balik.core.email_address import is_email_address
from balik.core.errors import BalikError, NotFound
from balik.core.text import one_line, single_line_problem, visible
from balik.people import rules
from balik.people.models import (
    SENIORITY_MIN,
    SKILL_LEVEL_MAX,
    SKILL_LEVEL_MIN,
    PeopleImport,
    Person,
    PersonSkill,
    SkillDirection,
    birth_year_max,
    latest_hire_date,
)
from balik.people.skill_lookup import NAME_MAX_LENGTH, MatchKind, SkillMatch, SkillResolver

logger = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("email", "full_name")
OPTIONAL_COLUMNS = (
    "job_title",
    "department",
    "manager_email",
    "seniority_level",
    "hire_date",
    "birth_year",
    "languages",
    "timezone",
    "can_teach",
    "wants_to_learn",
)
KNOWN_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
SKILL_COLUMNS = {"can_teach": SkillDirection.TEACH, "wants_to_learn": SkillDirection.LEARN}
PERSON_FIELDS = (
    "full_name",
    "job_title",
    "department",
    "seniority_level",
    "hire_date",
    "birth_year",
    "languages",
    "timezone",
)
PERSON_DEFAULTS: dict[str, Any] = {
    "job_title": "",
    "department": "",
    "seniority_level": SENIORITY_MIN,
    "hire_date": None,
    "birth_year": None,
    "languages": [],
    "timezone": "Asia/Jakarta",
}
EMAIL_MAX_LENGTH = User._meta.get_field("email").max_length or 254
QUERY_CHUNK = 900  # below SQLite's 999 bound parameters per statement
PREVIEW_ROWS = 200
SHOWN_VALUE_MAX = 200


Action = Literal["create", "update", "unchanged"]
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,6}")


# --- What an import reports -------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem (or, in `warnings`, a remark): where, what was there, why and how to mend it.

    `line` is the physical line in the file (the header is line 1); 0 means the whole file.
    """

    line: int
    column: str
    value: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


RowWarning = RowError


@dataclass(frozen=True)
class RowPreview:
    line: int
    email: str
    full_name: str
    action: Action
    changes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changes": list(self.changes)}


@dataclass
class ImportReport:
    """What an import did, or (dry run, or any error) would have done. Nothing is half-written."""

    ok: bool = True
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    rows: list[RowPreview] = field(default_factory=list)
    dry_run: bool = True
    applied: bool = False  # True once the rows were written

    def as_json(self) -> dict[str, Any]:
        """The command line contract (DESIGN.md), plus the warnings."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.as_dict() for error in self.errors],
            "warnings": [warning.as_dict() for warning in self.warnings],
        }

    def as_summary(self, max_rows: int = PREVIEW_ROWS) -> dict[str, Any]:
        """What `PeopleImport.summary` keeps for the preview page."""
        return {
            **self.as_json(),
            "ok": self.ok,
            "dry_run": self.dry_run,
            "applied": self.applied,
            "total_rows": len(self.rows),
            "rows": [row.as_dict() for row in self.rows[:max_rows]],
        }


class UnreadableFile(BalikError):
    """The bytes cannot be read as a people CSV at all (too large, not UTF-8, binary)."""

    code = "unreadable_file"

    def __init__(self, error: RowError):
        super().__init__(error.reason)
        self.error = error


# --- Reading the file -------------------------------------------------------------------------


def check_upload_size(size: int, *, command: str = "balik import-people") -> None:
    """`UnreadableFile` when a file sent through the web is over BALIK_IMPORT_MAX_BYTES.

    Only uploads are limited (they pass through a web worker's memory); the command line reads
    files of any size, and the message points there.
    """
    limit = settings.BALIK_IMPORT_MAX_BYTES
    if size > limit:
        shown_size, shown_limit = _sizes_that_differ(size, limit)
        raise UnreadableFile(
            RowError(
                0,
                "",
                "",
                _(
                    "The file is %(size)s; the limit is %(limit)s for an upload. Split it into "
                    "smaller files and upload them one after another, or ask an administrator "
                    "to import it on the server with “%(command)s”, which reads files of any "
                    "size."
                )
                % {
                    "size": shown_size,
                    "limit": shown_limit,
                    "command": command,
                },
            )
        )


def _sizes_that_differ(size: int, limit: int) -> tuple[str, str]:
    """The two sizes, rounded as people read them ("10.5 MB") unless that rounds a file just
    over the limit to the limit itself ("the file is 10.0 MB; the limit is 10.0 MB"): then in
    bytes."""
    shown = filesizeformat(size), filesizeformat(limit)
    if shown[0] != shown[1]:
        return shown
    return _bytes(size), _bytes(limit)


def _bytes(size: int) -> str:
    number = formats.number_format(size, force_grouping=True)
    return ngettext("%(number)s byte", "%(number)s bytes", size) % {"number": number}


def decode_people_csv(content: bytes) -> str:
    """The file as text, or `UnreadableFile` naming the problem (checked before any parsing)."""
    has_bom = content.startswith(codecs.BOM_UTF8)
    body = content[len(codecs.BOM_UTF8) :] if has_bom else content
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + (len(codecs.BOM_UTF8) if has_bom else 0)
        line = content[:offset].count(b"\n") + 1
        bad_bytes = content[offset : offset + min(error.end - error.start, 4)]
        raise UnreadableFile(
            RowError(
                line,
                "",
                " ".join(f"0x{byte:02X}" for byte in bad_bytes),
                _(
                    "The file is not UTF-8: byte %(offset)d (line %(line)d) cannot be read. "
                    "In your spreadsheet choose “Save as… CSV UTF-8” and upload it again."
                )
                % {"offset": offset, "line": line},
            )
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise UnreadableFile(
            RowError(
                line,
                "",
                "",
                _(
                    "The file contains a NUL character on line %(line)d, so it is not a CSV text "
                    "file (perhaps an .xlsx workbook). Save it as “CSV UTF-8” and upload it again."
                )
                % {"line": line},
            )
        )
    return text


def normalise_column_name(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().casefold())


def sniff_delimiter(text: str) -> str:
    """Semicolons when the header has more of them: Excel writes them where a comma is the
    decimal mark, as in Indonesia."""
    for line in text.splitlines():
        if line.strip():
            return ";" if line.count(";") > line.count(",") else ","
    return ","


def csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, cells) per CSV record; a quoted value may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_line = 0
    for cells in reader:
        first_line = previous_line + 1
        previous_line = reader.line_num
        yield first_line, cells


def _shown(value: str) -> str:
    """The value as a report shows it: control characters made visible, long values cut."""
    value = visible(value)
    return value if len(value) <= SHOWN_VALUE_MAX else value[: SHOWN_VALUE_MAX - 1] + "…"


# --- Validating rows --------------------------------------------------------------------------


@dataclass
class _SkillEntry:
    match: SkillMatch
    level: int
    # An existing skill's id, or ("new", key) for a skill the import would create.
    ref: int | tuple[str, str] = field(init=False)

    def __post_init__(self) -> None:
        skill = self.match.skill
        self.ref = skill.pk if skill is not None else ("new", self.match.key)


@dataclass
class _Row:
    line: int
    email: str
    full_name: str
    values: dict[str, Any]  # person fields given in the file (full_name always)
    manager_email: str | None  # None: column absent; "": no manager
    skills: dict[str, list[_SkillEntry]]  # by direction, only for the columns present


@dataclass
class _Existing:
    user_id: int
    user_full_name: str
    person_id: int | None
    values: dict[str, Any]
    manager_email: str | None
    manager_id: int | None


class _RowValidator:
    def __init__(self, *, columns: list[str], delimiter: str, resolver: SkillResolver | None):
        self.columns = columns
        self.delimiter = delimiter
        self.resolver = resolver
        self.errors: list[RowError] = []
        self.warnings: list[RowWarning] = []
        self.today = timezone.localdate()
        self.latest_hire_date = latest_hire_date(self.today)
        self.birth_year_max = birth_year_max()
        self.manager_emails: dict[str, bool] = {}  # a manager manages many: check each once
        self.skill_entries: dict[str, tuple[_SkillEntry, str]] = {}  # by entry as written
        self.skill_cells: dict[str, list[_SkillEntry]] = {}  # good cells, shared by their rows
        self.language_cells: dict[str, tuple[str, ...]] = {}

    def error(self, line: int, column: str, value: str, reason: str) -> None:
        self.errors.append(RowError(line, column, _shown(value), reason))

    def row(self, line: int, cells: list[str]) -> _Row | None:
        extra = cells[len(self.columns) :]
        if extra and not any(cell.strip() for cell in extra):
            cells = cells[: len(self.columns)]  # trailing empty cells from a spreadsheet
        if len(cells) != len(self.columns):
            self.error(
                line,
                "",
                "",
                _(
                    "This line has %(found)d values but the header has %(expected)d columns. "
                    "Put values that contain “%(delimiter)s” in double quotes."
                )
                % {"found": len(cells), "expected": len(self.columns), "delimiter": self.delimiter},
            )
            return None
        raw = dict(zip(self.columns, map(str.strip, cells), strict=True))
        raw.pop("", None)
        email = self._email(line, raw["email"])
        full_name = self._text(line, "full_name", raw["full_name"])
        values: dict[str, Any] = {"full_name": full_name}
        for column in ("job_title", "department"):
            if column in raw:
                values[column] = self._text(line, column, raw[column])
        if raw.get("seniority_level"):
            values["seniority_level"] = self._seniority(line, raw["seniority_level"])
        if "hire_date" in raw:
            values["hire_date"] = self._hire_date(line, raw["hire_date"])
        if "birth_year" in raw:
            values["birth_year"] = self._birth_year(line, raw["birth_year"])
        if "languages" in raw:
            values["languages"] = self._languages(line, raw["languages"])
        if raw.get("timezone"):
            values["timezone"] = self._timezone(line, raw["timezone"])
        manager_email = None
        if "manager_email" in raw:
            manager_email = self._manager_email(line, raw["manager_email"], email)
        skills = {
            direction: self._skills(line, column, raw[column])
            for column, direction in SKILL_COLUMNS.items()
            if column in raw
        }
        return _Row(
            line=line,
            email=email,
            full_name=full_name,
            values=values,
            manager_email=manager_email,
            skills=skills,
        )

    def _is_manager_email(self, value: str) -> bool:
        known = self.manager_emails.get(value)
        if known is None:
            known = self.manager_emails[value] = _is_email(value)
        return known

    def _email(self, line: int, value: str) -> str:
        if not value:
            self.error(
                line,
                "email",
                value,
                _(
                    "The email is empty. Every person needs an email address: it is how Balik "
                    "recognises them on the next import."
                ),
            )
            return ""
        email = value.lower()
        if not _is_email(email):
            self.error(
                line,
                "email",
                value,
                _("“%(value)s” is not a valid email address. Write it like name@company.co.id.")
                % {"value": _shown(value)},
            )
            return ""
        return email

    def _ruled(self, line: int, column: str, value: str, rule: Callable[[str], Any]) -> Any:
        """The value read by its rule in `people.rules`; None (and an error per message)."""
        try:
            return rule(value)
        except ValidationError as refusal:
            for message in refusal.messages:
                self.error(line, column, value, message)
            return None

    def _text(self, line: int, column: str, value: str) -> str:
        self._ruled(line, column, value, functools.partial(rules.single_line, column))
        return value

    def _seniority(self, line: int, value: str) -> int | None:
        return self._ruled(line, "seniority_level", value, rules.seniority_level)

    def _hire_date(self, line: int, value: str) -> date | None:
        hired = self._ruled(
            line,
            "hire_date",
            value,
            functools.partial(rules.hire_date, latest=self.latest_hire_date),
        )
        if hired is not None and hired > self.today:
            self.warnings.append(
                RowError(
                    line,
                    "hire_date",
                    value,
                    _(
                        "This person starts on %(value)s, in the future: they are imported now, "
                        "so that they can be matched (an onboarding buddy, say) before their "
                        "first day. Check the date if they have already started."
                    )
                    % {"value": value},
                )
            )
        return hired

    def _birth_year(self, line: int, value: str) -> int | None:
        return self._ruled(
            line,
            "birth_year",
            value,
            functools.partial(rules.birth_year, latest=self.birth_year_max),
        )

    def _languages(self, line: int, value: str) -> list[str]:
        known = self.language_cells.get(value)
        if known is not None:
            return list(known)
        codes = self._ruled(line, "languages", value, rules.languages)
        if codes is None:
            return []
        self.language_cells[value] = tuple(codes)  # a file repeats a few language lists
        return codes

    def _timezone(self, line: int, value: str) -> str | None:
        return self._ruled(line, "timezone", value, rules.time_zone)

    def _manager_email(self, line: int, value: str, email: str) -> str:
        if not value:
            return ""
        manager = value.lower()
        if not self._is_manager_email(manager):
            self.error(
                line,
                "manager_email",
                value,
                _(
                    "The manager email “%(value)s” is not a valid email address. Write the "
                    "manager's email, or leave the cell empty."
                )
                % {"value": _shown(value)},
            )
            return ""
        if manager == email:
            self.error(
                line,
                "manager_email",
                value,
                _(
                    "A person cannot be their own manager. Write their manager's email, or leave "
                    "the cell empty."
                ),
            )
            return ""
        return manager

    def _skills(self, line: int, column: str, value: str) -> list[_SkillEntry]:
        known_cell = self.skill_cells.get(value)
        if known_cell is not None:
            return known_cell
        errors_before = len(self.errors)
        entries: list[_SkillEntry] = []
        seen: dict[int | tuple[str, str], str] = {}
        for part in value.split(";"):
            entry = part.strip()
            if not entry:
                continue
            # A company's file repeats a few hundred entries ("tiktok:3") across all its rows:
            # each is parsed and resolved once. Only good entries are kept; a bad one is
            # reported on every row it is on.
            known = self.skill_entries.get(entry)
            if known is None:
                known = self._skill_entry(line, column, value, entry)
                if known is None:
                    continue
                self.skill_entries[entry] = known
            skill_entry, name = known
            if skill_entry.ref in seen:
                self.error(
                    line,
                    column,
                    value,
                    _(
                        "“%(skill)s” is listed twice in this cell (also as “%(other)s”). Keep it "
                        "once, with one level."
                    )
                    % {"skill": _shown(name), "other": _shown(seen[skill_entry.ref])},
                )
                continue
            seen[skill_entry.ref] = name
            entries.append(skill_entry)
        if len(self.errors) == errors_before:
            self._ruled(line, column, value, lambda _value: rules.skill_count(entries))
        if len(self.errors) == errors_before:  # a good cell reads the same on every row
            self.skill_cells[value] = entries
        return entries

    def _skill_entry(
        self, line: int, column: str, value: str, entry: str
    ) -> tuple[_SkillEntry, str] | None:
        """One `skill:level` entry, resolved, and the name as written; None (and an error)."""
        assert self.resolver is not None
        name, colon, level_text = entry.rpartition(":")
        name = name.strip()
        level = _whole_number(level_text.strip())
        problem = _skill_entry_problem(entry, name, written_level=bool(colon), level=level)
        if not problem:
            match = self.resolver.resolve(name)
            if match.key and level is not None:  # (level is set where there is no problem)
                return _SkillEntry(match=match, level=level), name
            problem = _no_skill_name(entry)
        self.error(line, column, value, problem)
        return None


def _is_email(value: str) -> bool:
    return len(value) <= EMAIL_MAX_LENGTH and is_email_address(value)


def _no_skill_name(entry: str) -> str:
    return _("“%(entry)s” has no skill name. Write skill:level, e.g. “Social media:2”.") % {
        "entry": _shown(entry)
    }


def _skill_entry_problem(entry: str, name: str, *, written_level: bool, level: int | None) -> str:
    """What is wrong with a `skill:level` entry as written, before its name is looked up."""
    if not written_level:
        return _(
            "“%(entry)s” has no level. Write skill:level, level 1-3, e.g. “Social media:2”."
        ) % {"entry": _shown(entry)}
    if not name:
        return _no_skill_name(entry)
    if level is None or not SKILL_LEVEL_MIN <= level <= SKILL_LEVEL_MAX:
        return _(
            "The level of “%(skill)s” must be 1, 2 or 3 (basic, good, expert). "
            "Write skill:level, level 1-3."
        ) % {"skill": _shown(name)}
    if problem := single_line_problem(name):
        return problem
    if len(name) > NAME_MAX_LENGTH:
        return _("The skill name “%(skill)s” is longer than %(limit)d characters. Shorten it.") % {
            "skill": _shown(name),
            "limit": NAME_MAX_LENGTH,
        }
    return ""


def _whole_number(value: str) -> int | None:
    return int(value) if _WHOLE_NUMBER.fullmatch(value) else None


def _chunks(items: Sequence[Any], size: int = QUERY_CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- The plan: everything validated and compared, nothing written -----------------------------


@dataclass
class _Plan:
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowWarning] = field(default_factory=list)
    rows: list[_Row] = field(default_factory=list)  # valid first occurrences, in file order
    existing: dict[str, _Existing] = field(default_factory=dict)
    directory_ids: dict[str, int] = field(default_factory=dict)  # managers outside the file
    existing_skills: dict[int, dict[str, dict[int, int]]] = field(default_factory=dict)
    previews: dict[str, RowPreview] = field(default_factory=dict)
    resolver: SkillResolver | None = None
    new_skill_names: dict[str, str] = field(default_factory=dict)  # key -> name as written

    def report(self, *, dry_run: bool) -> ImportReport:
        errors = sorted(self.errors, key=_position)
        warnings = sorted(self.warnings, key=_position)
        if errors:
            return ImportReport(
                ok=False, errors=errors, warnings=warnings, dry_run=dry_run, applied=False
            )
        previews = sorted(self.previews.values(), key=lambda preview: preview.line)
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for preview in previews:
            counts[preview.action] += 1
        return ImportReport(
            ok=True,
            created=counts["create"],
            updated=counts["update"],
            unchanged=counts["unchanged"],
            warnings=warnings,
            rows=previews,
            dry_run=dry_run,
        )


def _position(error: RowError) -> tuple[int, int, str]:
    order = KNOWN_COLUMNS.index(error.column) if error.column in KNOWN_COLUMNS else -1
    return (error.line, order, error.reason)


def _plan_import(content: bytes) -> _Plan:
    plan = _Plan()
    try:
        text = decode_people_csv(content)
    except UnreadableFile as unreadable:
        plan.errors.append(unreadable.error)
        return plan
    if not text.strip():
        plan.errors.append(_empty_file_error())
        return plan
    delimiter = sniff_delimiter(text)
    try:
        records = [(line, cells) for line, cells in csv_records(text, delimiter)]
    except csv.Error as error:
        plan.errors.append(
            RowError(
                0,
                "",
                "",
                _(
                    "The file cannot be read as CSV (%(detail)s). Check for a quote that is "
                    "opened but never closed."
                )
                % {"detail": error},
            )
        )
        return plan
    records = [(line, cells) for line, cells in records if "".join(cells).strip()]
    if not records:
        plan.errors.append(_empty_file_error())
        return plan
    header_line, header = records[0]
    columns = _read_header(plan, header_line, header)
    if plan.errors:
        return plan
    body = records[1:]
    if not body:
        plan.errors.append(
            RowError(
                header_line,
                "",
                "",
                _("The file has a header but no people. Add one row per person below the header."),
            )
        )
        return plan
    if any(column in SKILL_COLUMNS for column in columns):
        plan.resolver = SkillResolver()
    validator = _RowValidator(columns=columns, delimiter=delimiter, resolver=plan.resolver)
    first_line_of: dict[str, int] = {}
    for line, cells in body:
        row = validator.row(line, cells)
        if row is None or not row.email:
            continue
        if row.email in first_line_of:
            validator.error(
                line,
                "email",
                row.email,
                _(
                    "The email %(email)s also appears on line %(first)d. Each person must appear "
                    "once: remove or merge one of the two rows."
                )
                % {"email": row.email, "first": first_line_of[row.email]},
            )
            continue
        first_line_of[row.email] = line
        plan.rows.append(row)
    plan.errors.extend(validator.errors)
    plan.warnings.extend(validator.warnings)
    _skill_warnings(plan)
    _load_existing(plan)
    _check_managers(plan, has_manager_column="manager_email" in columns)
    if not plan.errors:
        _compare(plan)
    return plan


def _empty_file_error() -> RowError:
    return RowError(
        0,
        "",
        "",
        _(
            "The file is empty. Export the people with a header row (email, full_name, …) "
            "and one row per person."
        ),
    )


def _read_header(plan: _Plan, line: int, header: list[str]) -> list[str]:
    columns = [normalise_column_name(name) for name in header]
    seen: set[str] = set()
    for original, column in zip(header, columns, strict=True):
        if not column:
            continue
        if column in seen:
            plan.errors.append(
                RowError(
                    line,
                    column,
                    _shown(original),
                    _("The column “%(column)s” appears twice in the header. Keep one.")
                    % {"column": column},
                )
            )
        seen.add(column)
        if column not in KNOWN_COLUMNS:
            plan.warnings.append(
                RowError(
                    line,
                    column,
                    _shown(original),
                    _(
                        "Balik does not know the column “%(column)s” and will ignore it. "
                        "Known columns: %(columns)s."
                    )
                    % {"column": _shown(column), "columns": ", ".join(KNOWN_COLUMNS)},
                )
            )
    for required in REQUIRED_COLUMNS:
        if required not in seen:
            plan.errors.append(
                RowError(
                    line,
                    required,
                    "",
                    _(
                        "The required column “%(column)s” is missing. Add it to the header row "
                        "(the columns are: %(columns)s)."
                    )
                    % {"column": required, "columns": ", ".join(KNOWN_COLUMNS)},
                )
            )
    # Unknown columns are read under an empty name and dropped.
    return [column if column in KNOWN_COLUMNS else "" for column in columns]


def _skill_warnings(plan: _Plan) -> None:
    reported: set[str] = set()
    for row in plan.rows:
        for direction, entries in row.skills.items():
            column = "can_teach" if direction == SkillDirection.TEACH else "wants_to_learn"
            for entry in entries:
                match = entry.match
                if match.kind == MatchKind.EXACT or match.key in reported:
                    continue
                reported.add(match.key)
                if match.kind == MatchKind.CLOSE:
                    reason = _(
                        "“%(written)s” was taken to mean the skill “%(skill)s”. If that is "
                        "wrong, correct the name in the file."
                    ) % {"written": match.text, "skill": match.matched_name}
                else:
                    plan.new_skill_names[match.key] = match.text
                    reason = _(
                        "“%(written)s” is not in the skill list yet; it will be added as a new "
                        "uncategorised skill. Check the spelling, or ask an admin to categorise "
                        "it afterwards."
                    ) % {"written": match.text}
                plan.warnings.append(RowError(row.line, column, _shown(match.text), reason))


def _load_existing(plan: _Plan) -> None:
    """The people in the file who are already in the directory, and their skills.

    Read as plain rows (Django's per-row machinery was most of an unchanged re-import of
    100,000 people): on PostgreSQL one query for all emails, elsewhere one per 900.
    """
    database = connections[DEFAULT_DB_ALIAS]
    quote = database.ops.quote_name
    user_meta, person_meta = User._meta, Person._meta
    users, people = quote(user_meta.db_table), quote(person_meta.db_table)

    def column(meta: Any, name: str) -> str:
        return quote(meta.get_field(name).column)

    user_id, email = column(user_meta, "id"), column(user_meta, "email")
    person_id, person_user = column(person_meta, "id"), column(person_meta, "user")
    manager = column(person_meta, "manager")
    person_columns = ", ".join(f"p.{column(person_meta, name)}" for name in PERSON_FIELDS)
    select = (
        f"SELECT u.{user_id}, u.{email}, u.{column(user_meta, 'full_name')}, "  # noqa: S608
        f"p.{person_id}, p.{manager}, mu.{email}, {person_columns} "
        f"FROM {users} u LEFT JOIN {people} p ON p.{person_user} = u.{user_id} "
        f"LEFT JOIN {people} m ON m.{person_id} = p.{manager} "
        f"LEFT JOIN {users} mu ON mu.{user_id} = m.{person_user}"
    )
    convert = _person_value_converters()
    found = _select_in(select, f"u.{email}", [row.email for row in plan.rows])
    for (
        found_user,
        found_email,
        user_full_name,
        found_person,
        manager_id,
        manager_email,
        *values,
    ) in found:
        plan.existing[found_email] = _Existing(
            user_id=found_user,
            user_full_name=user_full_name,
            person_id=found_person,
            values={
                name: convert[name](value) if name in convert and value is not None else value
                for name, value in zip(PERSON_FIELDS, values, strict=True)
            },
            manager_email=manager_email,
            manager_id=manager_id,
        )
    if plan.resolver is None:
        return
    skill_meta = PersonSkill._meta
    skill_columns = ", ".join(
        column(skill_meta, name) for name in ("person", "direction", "skill", "level")
    )
    person_ids = [item.person_id for item in plan.existing.values() if item.person_id]
    for owner, direction, skill, level in _select_in(
        f"SELECT {skill_columns} FROM {quote(skill_meta.db_table)}",  # noqa: S608
        column(skill_meta, "person"),
        person_ids,
    ):
        plan.existing_skills.setdefault(owner, {}).setdefault(direction, {})[skill] = level


def _select_in(select: str, key: str, keys: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of `select` whose `key` is one of `keys`: one query with an array on PostgreSQL,
    one per QUERY_CHUNK keys elsewhere. Only names from model metadata are in the SQL text."""
    if not keys:
        return []
    database = connections[DEFAULT_DB_ALIAS]
    rows: list[tuple[Any, ...]] = []
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            cursor.execute(f"{select} WHERE {key} = ANY(%s)", [list(keys)])
            return cursor.fetchall()
        for chunk in _chunks(keys):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"{select} WHERE {key} IN ({marks})", list(chunk))
            rows.extend(cursor.fetchall())
    return rows


def _person_value_converters() -> dict[str, Any]:
    """Plain rows hold dates as text on SQLite and JSON as text everywhere: what Django's
    field converters would make of them, remembered per distinct text."""

    @functools.cache
    def as_date(value: Any) -> date:
        return value if isinstance(value, date) else date.fromisoformat(str(value))

    @functools.cache
    def languages_text(value: str) -> tuple[str, ...]:
        return tuple(json.loads(value))

    def as_languages(value: Any) -> list[str]:
        return list(languages_text(value)) if isinstance(value, str) else list(value)

    return {"hire_date": as_date, "languages": as_languages}


def _check_managers(plan: _Plan, *, has_manager_column: bool) -> None:
    """Every manager exists (in the file or the directory) and nobody ends up managing themself."""
    if not has_manager_column:
        return  # nobody's manager changes, and the directory has no loops
    in_file = {row.email: row for row in plan.rows}
    parent: dict[str, str | None] = {}
    for row in plan.rows:
        if row.manager_email is not None:
            parent[row.email] = row.manager_email or None
        else:
            existing = plan.existing.get(row.email)
            parent[row.email] = existing.manager_email if existing else None
    # Walk up through the directory for managers outside the file, a level at a time.
    unknown: set[str] = set()
    pending = sorted({p for p in parent.values() if p and p not in parent})
    while pending:
        found: set[str] = set()
        for chunk in _chunks(pending):
            for email, person_id, manager_email in Person.objects.filter(
                user__email__in=chunk
            ).values_list("user__email", "id", "manager__user__email"):
                parent[email] = manager_email
                plan.directory_ids[email] = person_id
                found.add(email)
        unknown.update(set(pending) - found)
        pending = sorted(
            {p for email in found if (p := parent[email]) and p not in parent and p not in unknown}
        )
    for row in plan.rows:
        if row.manager_email and row.manager_email in unknown:
            plan.errors.append(
                RowError(
                    row.line,
                    "manager_email",
                    row.manager_email,
                    _(
                        "The manager %(manager)s is not in the file or the directory. Add a row "
                        "for them, correct the email, or leave the cell empty."
                    )
                    % {"manager": row.manager_email},
                )
            )
    for loop in _loops(parent, start_nodes=list(in_file)):
        for index, email in enumerate(loop):
            row = in_file.get(email)
            if row is None:
                continue
            turned = loop[index:] + loop[:index] + [email]
            manager = parent[email] or ""
            plan.errors.append(
                RowError(
                    row.line,
                    "manager_email",
                    manager,
                    _(
                        "The manager %(manager)s closes a management loop: %(loop)s. Give one "
                        "of these people a different manager."
                    )
                    % {"manager": manager, "loop": " → ".join(turned)},
                )
            )


def _loops(parent: dict[str, str | None], *, start_nodes: Iterable[str]) -> list[list[str]]:
    """Every cycle reachable from the start nodes in a graph where each node has one parent."""
    visiting, done = 1, 2
    state: dict[str, int] = {}
    loops: list[list[str]] = []
    for start in start_nodes:
        path: list[str] = []
        position: dict[str, int] = {}
        node: str | None = start
        while node is not None and node not in state:
            state[node] = visiting
            position[node] = len(path)
            path.append(node)
            node = parent.get(node)
        if node is not None and state.get(node) == visiting:
            loops.append(path[position[node] :])
        for member in path:
            state[member] = done
    return loops


def _compare(plan: _Plan) -> None:
    """Decide per row: create, update (which fields) or unchanged."""
    for row in plan.rows:
        existing = plan.existing.get(row.email)
        if existing is None or existing.person_id is None:
            plan.previews[row.email] = RowPreview(row.line, row.email, row.full_name, "create")
            continue
        changes = [
            name
            for name, value in row.values.items()
            if value != existing.values[name]
            or (name == "full_name" and value != existing.user_full_name)
        ]
        if row.manager_email is not None and (row.manager_email or None) != existing.manager_email:
            changes.append("manager_email")
        for column, direction in SKILL_COLUMNS.items():
            if direction in row.skills:
                wanted = {entry.ref: entry.level for entry in row.skills[direction]}
                current = plan.existing_skills.get(existing.person_id, {}).get(direction, {})
                if wanted != current:
                    changes.append(column)
        action: Action = "update" if changes else "unchanged"
        plan.previews[row.email] = RowPreview(
            row.line, row.email, row.full_name, action, tuple(changes)
        )


# --- Writing ----------------------------------------------------------------------------------


def _apply(plan: _Plan) -> None:
    now = timezone.now()
    new_skills = (
        plan.resolver.create_new(plan.new_skill_names.values())
        if plan.resolver and plan.new_skill_names
        else {}
    )

    def skill_id(entry: _SkillEntry) -> int:
        if isinstance(entry.ref, int):
            return entry.ref
        return new_skills[entry.match.key].pk

    creating = [row for row in plan.rows if plan.previews[row.email].action == "create"]
    updating = [row for row in plan.rows if plan.previews[row.email].action == "update"]

    # Accounts: new people get a user that cannot sign in until they set a password.
    new_accounts = [row for row in creating if row.email not in plan.existing]
    _insert(
        User,
        (
            {
                "email": row.email,
                "full_name": row.full_name,
                "password": UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20),
                "date_joined": now,
            }
            for row in new_accounts
        ),
    )
    user_ids = {email: existing.user_id for email, existing in plan.existing.items()}
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    email_column = quote(User._meta.get_field("email").column)
    user_ids.update(
        _select_in(
            f"SELECT {email_column}, {quote(User._meta.pk.column)} "  # noqa: S608
            f"FROM {quote(User._meta.db_table)}",
            email_column,
            [row.email for row in new_accounts],
        )
    )
    _update(
        User,
        ["full_name"],
        [
            {"pk": plan.existing[row.email].user_id, "full_name": row.full_name}
            for row in plan.rows
            if row.email in plan.existing
            and plan.existing[row.email].user_full_name != row.full_name
        ],
    )

    person_ids = dict(plan.directory_ids)
    person_ids.update(
        {email: item.person_id for email, item in plan.existing.items() if item.person_id}
    )

    def new_person(row: _Row) -> dict[str, Any]:
        return {
            **PERSON_DEFAULTS,
            **row.values,
            "user_id": user_ids[row.email],
            "manager_id": person_ids[row.manager_email] if row.manager_email else None,
            "updated_at": now,
        }

    # On PostgreSQL every new person's id is known before the write, so all of them go in
    # one COPY, managers or not (foreign keys are checked at commit).
    reserved = _reserve_ids(Person, len(creating))
    if reserved is not None:
        person_ids.update(zip([row.email for row in creating], reserved, strict=True))
        _insert(
            Person,
            ({"id": person_ids[row.email], **new_person(row)} for row in creating),
            with_pk=True,
        )
    # Elsewhere a management level at a time: everyone's manager exists (and has an id)
    # before they do, so new people never need a second UPDATE for their manager.
    waiting = creating if reserved is None else []
    while waiting:
        ready = [row for row in waiting if not row.manager_email or row.manager_email in person_ids]
        if not ready:  # cannot happen: loops were refused before any write
            raise RuntimeError("management loop among new people")
        _insert(Person, [new_person(row) for row in ready])
        email_of = {user_ids[row.email]: row.email for row in ready}
        for chunk in _chunks(list(email_of)):
            for user_id, person_id in Person.objects.filter(user_id__in=chunk).values_list(
                "user_id", "id"
            ):
                person_ids[email_of[user_id]] = person_id
        waiting = [row for row in waiting if row.email not in person_ids]

    # People already in the directory: only the fields that changed, grouped by which changed.
    by_fields: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in updating:
        changes = plan.previews[row.email].changes
        values: dict[str, Any] = {
            name: row.values[name] for name in changes if name in PERSON_FIELDS
        }
        if "manager_email" in changes:
            values["manager_id"] = person_ids[row.manager_email] if row.manager_email else None
        if values:
            by_fields.setdefault(tuple(values), []).append(
                {**values, "pk": person_ids[row.email], "updated_at": now}
            )
    for fields, rows in by_fields.items():
        _update(Person, [*fields, "updated_at"], rows)

    # Skills: a present column replaces that direction's skills for the people it changes.
    for column, direction in SKILL_COLUMNS.items():
        replaced = [
            row
            for row in plan.rows
            if direction in row.skills
            and (
                plan.previews[row.email].action == "create"
                or column in plan.previews[row.email].changes
            )
        ]
        stale = [
            person_ids[row.email] for row in replaced if plan.previews[row.email].action == "update"
        ]
        for chunk in _chunks(stale):
            PersonSkill.objects.filter(person_id__in=chunk, direction=direction).delete()
        _insert_tuples(
            PersonSkill,
            ("person", "skill", "direction", "level"),
            (
                (person_ids[row.email], skill_id(entry), direction, entry.level)
                for row in replaced
                for entry in row.skills[direction]
            ),
        )


# Django's bulk_create and bulk_update compile an expression per value: about half a millisecond
# a row, which was most of a 10,000-person import. These two write many rows per statement
# (a multi-row VALUES), with every value adapted by its field as Django would, as a parameter.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _adapter(model_field: Any, database: Any) -> Any:
    """None for values the driver takes as they are; else the field's adaptation, memoised
    (an import repeats the same few dates, time stamps and language lists many times)."""
    if model_field.get_internal_type() in _PLAIN_TYPES:
        return None
    adapted: dict[Any, Any] = {}

    def adapt(value: Any) -> Any:
        key = (type(value), tuple(value) if isinstance(value, list) else value)
        try:
            return adapted[key]
        except KeyError:
            result = adapted[key] = model_field.get_db_prep_save(value, database)
            return result
        except TypeError:  # unhashable
            return model_field.get_db_prep_save(value, database)

    return adapt


def _adapt(adapters: list[Any], values: list[Any]) -> tuple[Any, ...]:
    for index, adapt in enumerate(adapters):
        if adapt is not None:
            values[index] = adapt(values[index])
    return tuple(values)


def _adapted_rows(
    adapters: list[Any], values_of: Any, defaults: dict[str, Any], rows: Iterable[dict[str, Any]]
) -> Iterator[tuple[Any, ...]]:
    """Each row's values in field order (defaults filled in), adapted where a field needs it;
    made one at a time, so that PostgreSQL stores one part of a COPY while the next is made."""
    adapting = [(index, adapt) for index, adapt in enumerate(adapters) if adapt is not None]
    for row in rows:
        values = values_of({**defaults, **row})
        if adapting:
            values = list(values)
            for index, adapt in adapting:
                values[index] = adapt(values[index])
            values = tuple(values)
        yield values


def _rows_per_statement(database: Any, values_per_row: int) -> int:
    limit = database.features.max_query_params or 30_000  # SQLite: 999
    return max(1, min(1000, limit // values_per_row))


def _copy(cursor: Any, table: str, columns: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """PostgreSQL's COPY: the fastest way in. A statement per row, even in one multi-row VALUES,
    makes the server parse and plan text that holds every value. COPY goes to the driver's own
    cursor, so its errors are wrapped here as Django wraps every other query's: a unique
    violation from a concurrent import is then the IntegrityError `run_import` answers."""
    with (
        cursor.db.wrap_database_errors,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _reserve_ids(model: Any, count: int) -> list[int] | None:
    """`count` new primary keys from the table's sequence (PostgreSQL), or None elsewhere."""
    database = connections[DEFAULT_DB_ALIAS]
    if database.vendor != "postgresql":
        return None
    if not count:
        return []
    meta = model._meta
    with database.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [database.ops.quote_name(meta.db_table), meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _insert(model: Any, rows: Iterable[dict[str, Any]], *, with_pk: bool = False) -> None:
    """INSERT rows (dicts by attribute name; missing ones take the field's default). With
    `with_pk` the rows carry their primary key (reserved by `_reserve_ids`)."""
    meta = model._meta
    fields = [field for field in meta.concrete_fields if with_pk or not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    adapters = [_adapter(field, connections[DEFAULT_DB_ALIAS]) for field in fields]
    _write_rows(
        model, fields, _adapted_rows(adapters, operator.itemgetter(*defaults), defaults, rows)
    )


def _insert_tuples(model: Any, names: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """INSERT rows given as tuples in the order of `names` (attribute names, every concrete
    field but the automatic primary key): for the many small rows of PersonSkill."""
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    assert {field.attname for field in fields} == {
        field.attname for field in meta.concrete_fields if not field.primary_key
    }
    database = connections[DEFAULT_DB_ALIAS]
    adapters = [_adapter(field, database) for field in fields]
    if any(adapters):
        rows = (_adapt(adapters, list(row)) for row in rows)
    _write_rows(model, fields, rows)


def _write_rows(model: Any, fields: list[Any], parameters: Iterable[tuple[Any, ...]]) -> None:
    rows = iter(parameters)
    first = next(rows, None)
    if first is None:
        return
    parameters = itertools.chain([first], rows)
    database = connections[DEFAULT_DB_ALIAS]
    quote = database.ops.quote_name
    # Only names from the model's metadata go into SQL text; every value is a parameter.
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            _copy(cursor, table, columns, parameters)
            return
        one_row = "({})".format(", ".join(["%s"] * len(fields)))
        for chunk in _chunks(list(parameters), _rows_per_statement(database, len(fields))):
            values = ", ".join([one_row] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {values}",  # noqa: S608
                [value for row in chunk for value in row],
            )


def _update(model: Any, names: list[str], rows: list[dict[str, Any]]) -> None:
    """UPDATE the named fields of rows (dicts with "pk" and the values by field name).

    The new values are joined in as a table (UPDATE ... FROM): on PostgreSQL a temporary table
    filled by COPY, elsewhere a VALUES list (SQLite has UPDATE ... FROM since 3.33).
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    database = connections[DEFAULT_DB_ALIAS]
    adapters = [_adapter(field, database) for field in fields]
    quote = database.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    aliases = [f"v{index}" for index in range(len(fields))]
    parameters = [(row["pk"], *_adapt(adapters, [row[name] for name in names])) for row in rows]
    with database.cursor() as cursor:
        if database.vendor == "postgresql":
            incoming = quote(f"balik_import_{secrets.token_hex(6)}")
            column_types = ", ".join(
                f"{alias} {field.db_type(database)}"
                for alias, field in zip(aliases, fields, strict=True)
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {incoming} (pk {meta.pk.rel_db_type(database)}, "
                f"{column_types}) ON COMMIT DROP"
            )
            _copy(cursor, incoming, ", ".join(["pk", *aliases]), parameters)
            batches = [("", [])]
        else:
            incoming = "incoming"
            one_row = "({})".format(", ".join(["%s"] * (len(fields) + 1)))
            batches = [
                (
                    f"WITH incoming (pk, {', '.join(aliases)}) AS "
                    f"(VALUES {', '.join([one_row] * len(chunk))}) ",
                    [value for row in chunk for value in row],
                )
                for chunk in _chunks(parameters, _rows_per_statement(database, len(aliases) + 1))
            ]
        assignments = ", ".join(
            f"{quote(field.column)} = {incoming}.{alias}"
            for field, alias in zip(fields, aliases, strict=True)
        )
        for values, batch_parameters in batches:
            cursor.execute(
                f"{values}UPDATE {table} SET {assignments} "  # noqa: S608
                f"FROM {incoming} WHERE {table}.{pk} = {incoming}.pk",
                batch_parameters,
            )
        if database.vendor == "postgresql":
            cursor.execute(f"DROP TABLE {incoming}")


# --- Public entry points ----------------------------------------------------------------------


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while an import builds its millions of rows, cells and
    dicts: none of them forms a cycle (reference counting frees them), yet each full collection
    walks them all, a second or two of a 100,000-person import. On again afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def run_import(
    *, content: bytes, actor: User | None, dry_run: bool, file_name: str = ""
) -> ImportReport:
    """Validate a people CSV and, unless `dry_run` or anything is wrong, write all of it.

    Validation completes before the first write, inside the same transaction; a file with any
    error writes nothing (not even new skills). The report says what was (or would be) done.
    """
    if dry_run:
        with _no_cycle_collection():
            return _plan_import(content).report(dry_run=True)
    try:
        with _no_cycle_collection(), transaction.atomic():
            plan = _plan_import(content)
            report = plan.report(dry_run=False)
            if report.errors:
                return report
            _apply(plan)
    except (IntegrityError, OperationalError) as error:
        logger.warning("People import %r failed while writing: %s", file_name, error)
        return ImportReport(
            ok=False,
            dry_run=False,
            errors=[
                RowError(
                    0,
                    "",
                    "",
                    _(
                        "The directory changed while the file was being imported, so nothing "
                        "was written. Import the file again."
                    ),
                )
            ],
        )
    report.applied = True
    logger.info(
        "People import %r by %s: %d created, %d updated, %d unchanged",
        file_name,
        actor.email if actor else "the command line",
        report.created,
        report.updated,
        report.unchanged,
    )
    return report


def people_import_create(
    *, content: bytes, file_name: str, actor: User
) -> tuple[PeopleImport | None, ImportReport]:
    """Dry-run an uploaded file and keep it for the preview.

    A file that cannot be read at all (too large, not UTF-8) is not kept: the import is None.
    """
    file_name = one_line(file_name)[:255] or "people.csv"  # the browser's word: shown and logged
    try:
        check_upload_size(len(content))
        text = decode_people_csv(content)
    except UnreadableFile as unreadable:
        return None, ImportReport(ok=False, errors=[unreadable.error])
    report = run_import(content=content, actor=actor, dry_run=True, file_name=file_name)
    with transaction.atomic():
        people_import = PeopleImport.objects.create(
            uploaded_by=actor,
            file_name=file_name,
            content=text,
            summary=report.as_summary(),
        )
    return people_import, report


def people_import_apply(*, import_id: int, actor: User) -> ImportReport:
    """Apply a previewed upload: validated again against today's directory, once only."""
    with transaction.atomic():
        people_import = PeopleImport.objects.select_for_update().filter(pk=import_id).first()
        if people_import is None:
            raise NotFound(_("No such import."))
        if people_import.applied_at is not None:
            raise BalikError(
                _("This file was already imported. To import it again, upload it again."),
                code="already_applied",
            )
        report = run_import(
            content=people_import.content.encode("utf-8"),
            actor=actor,
            dry_run=False,
            file_name=people_import.file_name,
        )
        people_import.summary = report.as_summary()
        if report.applied:
            people_import.applied_at = timezone.now()
        people_import.save(update_fields=["summary", "applied_at"])
    return report
