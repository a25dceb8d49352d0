"""Find a skill from what people type: a slug, a name in either language, an alias, or a near miss.

`SkillResolver` reads every skill once (one query) and answers from memory, so an import of
10,000 rows costs no query per skill cell. Names that match nothing are reported as new; the
importer creates them, uncategorised, with `SkillResolver.create_new`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.text import slugify

from balik.people.models import Skill, SkillCategory

CLOSE_SPELLING_RATIO = 0.85
SLUG_MAX_LENGTH = Skill._meta.get_field("slug").max_length or 80
NAME_MAX_LENGTH = Skill._meta.get_field("name_en").max_length or 120

_SEPARATORS = re.compile(r"[\s\-_/]+")
# "+" and "#" are kept so that C++ and C# stay different skills.
_PUNCTUATION = re.compile(r"[^\w\s+#]")


def normalise_skill_name(text: str) -> str:
    """Casefolded; accents and punctuation dropped; spaces, hyphens, underscores -> one space."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(char for char in folded if not unicodedata.combining(char))
    spaced = _SEPARATORS.sub(" ", without_accents)
    return _SEPARATORS.sub(" ", _PUNCTUATION.sub("", spaced)).strip()


class MatchKind(StrEnum):
    EXACT = "exact"  # slug, a name or an alias, ignoring case, accents and punctuation
    CLOSE = "close"  # a near spelling of one of those
    NEW = "new"  # nothing like it yet


@dataclass(frozen=True)
class SkillMatch:
    text: str  # what was written, stripped
    key: str  # the normalised form: new skills with the same key are one skill
    kind: MatchKind
    skill: Skill | None  # None when kind is NEW
    matched_name: str = ""  # for CLOSE: the name it was taken for


class SkillResolver:
    """Built once per import from all skills; resolves names without further queries."""

    def __init__(self, skills: Iterable[Skill] | None = None):
        if skills is None:
            skills = Skill.objects.only("id", "slug", "name_en", "name_id", "aliases", "category")
        ordered = sorted(skills, key=lambda skill: skill.slug)
        self.slugs: set[str] = {skill.slug for skill in ordered}
        self._by_key: dict[str, Skill] = {}
        self._display: dict[str, str] = {}
        # Earlier passes win when two skills share a normalised name: slug, then English name,
        # then Indonesian name, then aliases; within a pass the slug order decides.
        for names_of in (
            lambda skill: [skill.slug],
            lambda skill: [skill.name_en],
            lambda skill: [skill.name_id],
            lambda skill: [str(alias) for alias in (skill.aliases or [])],
        ):
            for skill in ordered:
                for name in names_of(skill):
                    key = normalise_skill_name(name)
                    if key and key not in self._by_key:
                        self._by_key[key] = skill
                        self._display[key] = name
        self._sorted_keys = sorted(self._by_key)
        self._cache: dict[str, SkillMatch] = {}  # by normalised key
        self._by_text: dict[str, SkillMatch] = {}  # by the text as written

    def resolve(self, text: str) -> SkillMatch:
        known = self._by_text.get(text)
        if known is None:
            known = self._by_text[text] = self._resolve(text)
        return known

    def _resolve(self, text: str) -> SkillMatch:
        text = " ".join(text.split())
        key = normalise_skill_name(text)
        cached = self._cache.get(key)
        if cached is not None:
            return cached if cached.text == text else _with_text(cached, text)
        skill = self._by_key.get(key)
        if skill is not None:
            match = SkillMatch(text=text, key=key, kind=MatchKind.EXACT, skill=skill)
        else:
            close_key = self._closest_key(key)
            if close_key is None:
                match = SkillMatch(text=text, key=key, kind=MatchKind.NEW, skill=None)
            else:
                match = SkillMatch(
                    text=text,
                    key=key,
                    kind=MatchKind.CLOSE,
                    skill=self._by_key[close_key],
                    matched_name=self._display[close_key],
                )
        self._cache[key] = match
        return match

    def _closest_key(self, key: str) -> str | None:
        if not key:
            return None
        best_key, best_ratio = None, CLOSE_SPELLING_RATIO
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(key)
        # Keys are sorted, and only a strictly better ratio replaces the best: ties go to the
        # alphabetically first name, so the answer never depends on the database's row order.
        for candidate in self._sorted_keys:
            matcher.set_seq1(candidate)
            if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                continue
            ratio = matcher.ratio()
            if ratio > best_ratio or (ratio == best_ratio and best_key is None):
                best_key, best_ratio = candidate, ratio
        return best_key

    def unique_slug(self, name: str) -> str:
        base = slugify(name)[: SLUG_MAX_LENGTH - 6].strip("-") or "skill"
        slug, counter = base, 2
        while slug in self.slugs:
            slug = f"{base}-{counter}"
            counter += 1
        self.slugs.add(slug)
        return slug

    def create_new(self, names: Iterable[str]) -> dict[str, Skill]:
        """Create one uncategorised skill per distinct new name; returns them by normalised key.

        Call inside the import's transaction. Names that already resolve are skipped.
        """
        to_create: dict[str, Skill] = {}
        for raw_name in names:
            name = " ".join(raw_name.split())[:NAME_MAX_LENGTH]
            key = normalise_skill_name(name)
            if not key or key in to_create or key in self._by_key:
                continue
            to_create[key] = Skill(
                slug=self.unique_slug(name),
                name_en=name,
                name_id=name,
                category=SkillCategory.UNCATEGORISED,
                aliases=[],
            )
        if not to_create:
            return {}
        Skill.objects.bulk_create(to_create.values(), batch_size=500)
        missing_ids = [skill.slug for skill in to_create.values() if skill.pk is None]
        if missing_ids:  # databases that cannot return ids from a bulk insert
            ids = dict(Skill.objects.filter(slug__in=missing_ids).values_list("slug", "id"))
            for skill in to_create.values():
                if skill.pk is None:
                    skill.pk = ids[skill.slug]
        for key, skill in to_create.items():
            self._by_key[key] = skill
            self._display[key] = skill.name_en
            self._cache.pop(key, None)
        self._by_text.clear()
        self._sorted_keys = sorted(self._by_key)
        return to_create


def _with_text(match: SkillMatch, text: str) -> SkillMatch:
    return SkillMatch(
        text=text,
        key=match.key,
        kind=match.kind,
        skill=match.skill,
        matched_name=match.matched_name,
    )
