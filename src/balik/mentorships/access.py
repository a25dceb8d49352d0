"""Who is who in a mentorship, shared by every writer: the two people act, a manager of the
programme sees dates and states but never texts; and the text rules every field follows."""

from typing import Any

from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import BalikError, PermissionRefused
from balik.core.text import long_text_problem, single_line_problem
from balik.mentorships.models import Mentorship, MentorshipStatus, Side
from balik.people.models import Person
from balik.programs.services import can_manage

MANAGER = "manager"
MAX_TEXT = 5000


def person_of(user: User) -> Person | None:
    return Person.objects.filter(user=user).first() if user.is_authenticated else None


def side_of(user: User, mentorship: Mentorship) -> str | None:
    """ "mentor", "mentee", "manager" (sees dates and states, never texts) or None."""
    if user.is_authenticated:
        if mentorship.mentor.user_id == user.pk:
            return Side.MENTOR
        if mentorship.mentee.user_id == user.pk:
            return Side.MENTEE
        if can_manage(user, mentorship.program):
            return MANAGER
    return None


def require_member(user: User, mentorship: Mentorship) -> tuple[str, Person]:
    side = side_of(user, mentorship)
    if side not in (Side.MENTOR, Side.MENTEE):
        raise PermissionRefused(_("Only the two people in this mentorship can do that."))
    person = mentorship.mentor if side == Side.MENTOR else mentorship.mentee
    return side, person


def require_active(mentorship: Mentorship) -> None:
    if mentorship.status != MentorshipStatus.ACTIVE:
        raise BalikError(_("This mentorship is no longer active."), code="not_active")


def lock_active(mentorship: Mentorship) -> None:
    """Inside a transaction: lock the mentorship's row and check, under the lock, that it is
    still active (closing or declining it waits, or this write does)."""
    status = (
        Mentorship.objects.select_for_update()
        .filter(pk=mentorship.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != MentorshipStatus.ACTIVE:
        raise BalikError(_("This mentorship is no longer active."), code="not_active")


def partner_of(mentorship: Mentorship, *, person: Person) -> Person:
    return mentorship.mentee if person.pk == mentorship.mentor_id else mentorship.mentor


def clean_text(
    value: Any,
    *,
    field: str,
    errors: dict[str, list[str]],
    required: bool = False,
    single_line: bool = False,
) -> str:
    """The trimmed text; its problems added to `errors`. A single-line field (a title, a place)
    holds no control character; a long text keeps its line breaks (see `balik.core.text`)."""
    text = (value or "").strip() if isinstance(value, str | type(None)) else str(value)
    if required and not text:
        errors.setdefault(field, []).append(_("This field is required."))
    if len(text) > MAX_TEXT:
        errors.setdefault(field, []).append(_("Use at most %(n)d characters.") % {"n": MAX_TEXT})
    problem = single_line_problem(text) if single_line else long_text_problem(text)
    if problem:
        errors.setdefault(field, []).append(problem)
    return text
