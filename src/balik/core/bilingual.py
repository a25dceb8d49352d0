"""Texts the system writes into the database, shown in the reader's language.

A programme copies its template's guides, suggested goals and agenda prompts; a pair's
agreement starts from default ground rules; a session cancelled by the system records why. Each
is stored as one string, in whatever language was active when it was written. Each of those
texts is registered here (`register`), lazily translated; a field declared with
`BilingualTextField` or `BilingualListField` hands back a registered text, found in any
language, in the language active when the row is read (the request's, or the recipient's under
`translation.override`). A text someone edited is no longer a registered text: it is theirs
and shown as they wrote it.

Migrations see a plain TextField or JSONField: this is how a value is read, not schema.
"""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise

_registered: list[Promise] = []
_by_text: dict[str, Promise] | None = None


def register(*texts: Promise | Iterable[Promise]) -> None:
    """Make these lazily translated texts recognisable in every language when read back."""
    global _by_text
    for text in texts:
        if isinstance(text, Promise):
            _registered.append(text)
        else:
            _registered.extend(text)
    _by_text = None


def _lookup() -> dict[str, Promise]:
    global _by_text
    if _by_text is None:
        found: dict[str, Promise] = {}
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                for text in _registered:
                    found.setdefault(_key(str(text)), text)
        _by_text = found
    return _by_text


def language_of(person: Any) -> str:
    """The language a person reads: theirs, else the organisation's default."""
    return getattr(person, "preferred_language", "") or settings.BALIK_DEFAULT_LANGUAGE


def _key(text: str) -> str:
    return " ".join(text.split())


def in_reader_language(text: str) -> str:
    """`text` in the active language when it is a registered text (in any language), else
    `text` as it is."""
    if not text or not isinstance(text, str):
        return text
    known = _lookup().get(_key(text))
    return text if known is None else str(known)


class BilingualTextField(models.TextField):
    """A TextField whose registered texts read back in the active language."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return in_reader_language(value) if isinstance(value, str) else value

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.TextField", args, kwargs


class BilingualListField(models.JSONField):
    """A JSONField holding a list of texts, each registered one read back in the active
    language."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        value = super().from_db_value(value, expression, connection)
        if isinstance(value, list):
            return [in_reader_language(item) if isinstance(item, str) else item for item in value]
        return value

    def deconstruct(self) -> tuple[str, str, list[Any], dict[str, Any]]:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs
