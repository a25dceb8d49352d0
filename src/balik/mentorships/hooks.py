"""What the apps above mentorships add to its workspace page.

Matching creates mentorships and feedback rates their sessions, so both sit above this app and
it never imports them. They plug in here from their `AppConfig.ready`: a workspace action (the
feedback form posts `feedback`) and the sentences that explain why a pair was matched.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from balik.mentorships.forms import WorkspaceForm
from balik.mentorships.models import Mentorship

# Reads the valid form, calls the service, returns the success message.
Run = Callable[[HttpRequest, Mentorship, Any], str]


@dataclass(frozen=True)
class WorkspaceAction:
    """One form action of the workspace page: `form` reads the POST, `run` calls the service
    with the form's cleaned data and returns the success message; the page opens again at
    `section`, done, or with the refused form shown again in its place."""

    section: str
    form: type[WorkspaceForm]
    run: Run


# Turns the reason facts stored on a mentorship into sentences in the active language.
ReasonRenderer = Callable[[Sequence[Any]], list[str]]

workspace_actions: dict[str, WorkspaceAction] = {}
_reason_renderers: list[ReasonRenderer] = []


def add_workspace_action(name: str, run: Run, *, form: type[WorkspaceForm], section: str) -> None:
    workspace_actions[name] = WorkspaceAction(section=section, form=form, run=run)


def workspace_form(name: str) -> type[WorkspaceForm] | None:
    """The form another app added to the page under `name`."""
    action = workspace_actions.get(name)
    return action.form if action else None


def set_reason_renderer(renderer: ReasonRenderer) -> None:
    _reason_renderers[:] = [renderer]


def reason_sentences(facts: Sequence[Any]) -> list[str]:
    """The reasons as sentences, or none when no app explains them."""
    return _reason_renderers[0](facts) if _reason_renderers else []


# Sessions another app owns. The Club books its sessions as mentorship sessions but keeps its
# own rules for them (credits, misses, pauses): its guard refuses the generic session writes of
# this app's pages and API for them, pointing to where the owner's rules apply. The owner's
# services call the session services directly and are not guarded.
SessionGuard = Callable[[Mentorship, Any, str], None]
_session_guards: list[SessionGuard] = []


def add_session_guard(guard: SessionGuard) -> None:
    """`guard(mentorship, session_or_none, action)` raises a refusal for what it owns."""
    if guard not in _session_guards:
        _session_guards.append(guard)


def check_session_write(mentorship: Mentorship, session: Any, action: str) -> None:
    """Before a page or the API proposes, accepts, moves, cancels or records attendance."""
    for guard in _session_guards:
        guard(mentorship, session, action)
