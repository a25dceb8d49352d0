"""Notes (shared or private), action items and the two-way learning log."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import ValidationFailed
from balik.mentorships.access import clean_text, lock_active, require_active, require_member
from balik.mentorships.models import (
    ActionItem,
    LearningEntry,
    Mentorship,
    Note,
    Session,
    SessionStatus,
)


def note_add(
    user: User,
    mentorship: Mentorship,
    *,
    body: str,
    private: bool,
    session: Session | None = None,
) -> Note:
    _side, person = require_member(user, mentorship)
    errors: dict[str, list[str]] = {}
    body = clean_text(body, field="body", errors=errors, required=True)
    if session is not None and session.mentorship_id != mentorship.pk:
        errors["session"] = [_("That session belongs to another mentorship.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        return Note.objects.create(
            mentorship=mentorship, session=session, author=person, body=body, private=private
        )


def action_add(
    user: User,
    mentorship: Mentorship,
    *,
    title: str,
    owner_id: int | None,
    due_date: date | None,
    session: Session | None = None,
) -> ActionItem:
    _side, person = require_member(user, mentorship)
    require_active(mentorship)
    errors: dict[str, list[str]] = {}
    title = clean_text(title, field="title", errors=errors, required=True, single_line=True)
    if len(title) > 200:
        errors["title"] = [_("Use at most 200 characters.")]
    owner = {mentorship.mentor_id: mentorship.mentor, mentorship.mentee_id: mentorship.mentee}.get(
        owner_id or person.pk
    )
    if owner is None:
        errors["owner"] = [_("The owner is one of the two of you.")]
    if due_date is None:
        errors["due_date"] = [_("Give a due date.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        lock_active(mentorship)
        return ActionItem.objects.create(
            mentorship=mentorship, session=session, title=title, owner=owner, due_date=due_date
        )


def action_complete(user: User, item: ActionItem, *, done: bool = True) -> ActionItem:
    require_member(user, item.mentorship)
    require_active(item.mentorship)
    with transaction.atomic():
        lock_active(item.mentorship)
        ActionItem.objects.select_for_update().filter(pk=item.pk).first()
        item.done_at = timezone.now() if done else None
        item.save(update_fields=["done_at"])
    return item


def learning_record(user: User, session: Session, *, taught: str, learned: str) -> LearningEntry:
    """What I taught and what I learned in this session: the two-way log."""
    _side, person = require_member(user, session.mentorship)
    errors: dict[str, list[str]] = {}
    taught = clean_text(taught, field="taught", errors=errors)
    learned = clean_text(learned, field="learned", errors=errors)
    if not taught and not learned:
        errors["learned"] = [_("Write what you taught, what you learned, or both.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        # the session's time and status, as they stand under its lock
        starts_at, status = (
            Session.objects.select_for_update()
            .values_list("starts_at", "status")
            .get(pk=session.pk)
        )
        if starts_at is None or starts_at > timezone.now():
            errors["session"] = [_("Record the learning once the session has taken place.")]
        if status == SessionStatus.CANCELLED:
            errors["session"] = [_("This session was cancelled.")]
        if errors:
            raise ValidationFailed(errors)
        entry, _created = LearningEntry.objects.update_or_create(
            session=session, author=person, defaults={"taught": taught, "learned": learned}
        )
    return entry
