"""What the apps above programmes add to a programme's page.

Mentorships and matching sit above this app and it never imports them: each registers, from its
`AppConfig.ready`, a function that reads its own part of the page (the viewer's mentorships,
mentor requests, the count of active pairs) for the programme and the viewer's person.
"""

from collections.abc import Callable
from typing import Any

from balik.people.models import Person
from balik.programs.models import Program

PageContext = Callable[[Program, Person | None], dict[str, Any]]

# What the page shows when no app above adds its part.
EMPTY_PAGE = {
    "active_pairs": 0,
    "my_mentorships": [],
    "pending_for_me": [],
    "my_request": None,
    # the status of the latest matching run ("" when none): the manager's checklist reads it
    "latest_run": "",
}

_page_parts: dict[str, PageContext] = {}


def add_page_part(name: str, part: PageContext) -> None:
    """Register (once per name, so a second `ready` replaces rather than repeats) a part."""
    _page_parts[name] = part


def page_context(program: Program, person: Person | None) -> dict[str, Any]:
    context = dict(EMPTY_PAGE)
    for part in _page_parts.values():
        context.update(part(program, person))
    return context
