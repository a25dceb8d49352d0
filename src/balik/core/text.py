"""What a text may hold: one rule, used by every path that writes one (services, forms, the
API, the CSV importers and, through `SingleLineCharField`, the Django admin).

A single-line value (a name, a job title, a department, a programme's name, a goal, a token's
name) holds no control character at all: no line break, carriage return or tab, no NUL, no other
C0 or C1 control, no DEL, no Unicode line or paragraph separator. Such values end up in e-mail
subjects, calendar lines and CSV cells, where a line break starts a new header or record: one
name with "\\nBcc: ..." in it once stopped every e-mail.

A long text (a bio, goals, an agenda, a note) keeps its line breaks and tabs but no other control
character: NUL cannot even be stored in PostgreSQL, and the rest are invisible garbage.

`one_line` is for the other direction: putting a text already stored (perhaps before this rule
existed) into a header, whatever it holds.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# C0 controls (tab, line feed and carriage return among them), DEL, C1 controls (NEL among
# them), and the Unicode line and paragraph separators.
_NOT_IN_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The same without tab, line feed, carriage return and the Unicode separators.
_NOT_IN_LONG_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_HEADER_BREAKERS = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _describe(character: str) -> str:
    if character in _LINE_BREAKS:
        return _("Keep this on one line: remove the line break.")
    if character == "\t":
        return _("Keep this on one line: replace the tab with a space.")
    return _("Remove the invisible control character %(code)s.") % {"code": _code(character)}


def _code(character: str) -> str:
    return f"U+{ord(character):04X}"


def single_line_problem(value: str) -> str | None:
    """Why `value` cannot be a single-line field (translated, saying how to mend it), or None."""
    found = _NOT_IN_ONE_LINE.search(value)
    return None if found is None else _describe(found.group())


def long_text_problem(value: str) -> str | None:
    """Why `value` cannot be a long text, or None: line breaks and tabs are welcome there."""
    found = _NOT_IN_LONG_TEXT.search(value)
    if found is None:
        return None
    return _("Remove the invisible control character %(code)s; line breaks are fine here.") % {
        "code": _code(found.group())
    }


def validate_single_line(value: str) -> None:
    """The rule as a Django validator, for model and form fields."""
    problem = single_line_problem(str(value))
    if problem:
        raise ValidationError(problem, code="control_character")


def one_line(value: str) -> str:
    """`value` made safe for a header or a subject: each run of whitespace and control
    characters becomes one space, and the ends are trimmed."""
    return _HEADER_BREAKERS.sub(" ", value).strip()


def visible(value: str) -> str:
    """`value` with its control characters written as escapes (\\n, \\t, \\x00, \\u2028), so a
    report shows what is wrong instead of breaking its own lines; other characters unchanged."""
    return _NOT_IN_ONE_LINE.sub(lambda found: _escape(found.group()), value)


def _escape(character: str) -> str:
    if character in _ESCAPES:
        return _ESCAPES[character]
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
