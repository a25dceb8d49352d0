"""The shipped skill taxonomy (`data/skills.json`): loaded by migration 0002 and by `balik demo`.

Kept free of model imports at module level so that the data migration can pass its historical
`Skill` model in.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SKILLS_FILE = Path(__file__).resolve().parent / "data" / "skills.json"
SEEDED_FIELDS = ("name_en", "name_id", "category", "aliases")


@cache
def _load_taxonomy_file(path: Path) -> tuple[dict[str, Any], ...]:
    with path.open(encoding="utf-8") as taxonomy_file:
        return tuple(json.load(taxonomy_file))


def skill_taxonomy() -> list[dict[str, Any]]:
    """The shipped skills, each {slug, name_en, name_id, category, aliases}."""
    return [
        dict(entry, aliases=list(entry["aliases"])) for entry in _load_taxonomy_file(SKILLS_FILE)
    ]


def seed_skills(skill_model: Any = None) -> int:
    """Create or refresh every shipped skill by slug; returns how many the taxonomy holds.

    Skills that people or imports added are left alone. `skill_model` is the historical model
    inside a migration; by default the current `Skill`.
    """
    if skill_model is None:
        from balik.people.models import Skill

        skill_model = Skill

    taxonomy = skill_taxonomy()
    for entry in taxonomy:
        skill_model.objects.update_or_create(
            slug=entry["slug"], defaults={field: entry[field] for field in SEEDED_FIELDS}
        )
    return len(taxonomy)
