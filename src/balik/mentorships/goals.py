"""The pair's goals and their progress; who owns a goal depends on the programme's kind."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import ValidationFailed
from balik.mentorships.access import clean_text, lock_active, require_active, require_member
from balik.mentorships.models import Goal, GoalStatus, GoalUpdate, Mentorship
from balik.people.models import Person
from balik.programs.models import ProgramKind


def goal_owners(mentorship: Mentorship) -> list[Person]:
    """Flipped and classic: the mentee owns the goals; reverse and peer: both people do."""
    if mentorship.program.kind in (ProgramKind.REVERSE, ProgramKind.PEER):
        return [mentorship.mentor, mentorship.mentee]
    return [mentorship.mentee]


def goal_add(
    user: User,
    mentorship: Mentorship,
    *,
    title: str,
    measure: str,
    target: str,
    due_date: date | None,
    owner_id: int | None = None,
) -> Goal:
    _side, person = require_member(user, mentorship)
    require_active(mentorship)
    errors: dict[str, list[str]] = {}
    title = clean_text(title, field="title", errors=errors, required=True, single_line=True)
    measure = clean_text(measure, field="measure", errors=errors, required=True, single_line=True)
    target = clean_text(target, field="target", errors=errors, required=True, single_line=True)
    for name, value, limit in (
        ("title", title, 200),
        ("measure", measure, 300),
        ("target", target, 200),
    ):
        if len(value) > limit:
            errors[name] = [_("Use at most %(n)d characters.") % {"n": limit}]
    if due_date is None:
        errors["due_date"] = [_("Give a due date.")]
    elif due_date < timezone.localdate():
        errors["due_date"] = [_("The due date is in the past.")]
    owners = {p.pk: p for p in goal_owners(mentorship)}
    owner = owners.get(owner_id or person.pk) or (
        next(iter(owners.values())) if owner_id is None else None
    )
    if owner is None:
        errors["owner"] = [
            _("In this programme the goal belongs to: %(names)s.")
            % {"names": ", ".join(p.full_name for p in owners.values())}
        ]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        lock_active(mentorship)
        return Goal.objects.create(
            mentorship=mentorship,
            title=title,
            measure=measure,
            target=target,
            due_date=due_date,
            owner=owner,
        )


def goal_update(user: User, goal: Goal, *, value: str, note: str, status: str) -> GoalUpdate:
    _side, person = require_member(user, goal.mentorship)
    require_active(goal.mentorship)
    errors: dict[str, list[str]] = {}
    value = clean_text(value, field="value", errors=errors, single_line=True)
    note = clean_text(note, field="note", errors=errors)
    if len(value) > 200:
        errors["value"] = [_("Use at most 200 characters.")]
    if status not in GoalStatus.values:
        errors["status"] = [_("Choose on track, at risk, done or dropped.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        lock_active(goal.mentorship)
        goal.status = (
            Goal.objects.select_for_update().values_list("status", flat=True).get(pk=goal.pk)
        )
        if not value and not note and status == goal.status:
            raise ValidationFailed({"note": [_("Give the progress, a note, or a new status.")]})
        update = GoalUpdate.objects.create(
            goal=goal, author=person, value=value, note=note, status=status
        )
        goal.status = status
        goal.save(update_fields=["status"])
    return update
