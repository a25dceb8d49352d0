"""The leading side's agenda and the other side's answer; the agenda's submission time is
copied onto its session for the health sums."""

from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from balik.accounts.models import User
from balik.core.errors import BalikError, PermissionRefused, ValidationFailed
from balik.mentorships.access import clean_text, partner_of, require_active, require_member
from balik.mentorships.models import Agenda, AgendaResponse, Session
from balik.mentorships.notices import write_session_notice
from balik.mentorships.selectors import leader_person
from balik.mentorships.sessions import LIVE_SESSION
from balik.mentorships.signals import deleted_on_its_own, sessions_changed


def agenda_copy_times(sessions: QuerySet[Session]) -> int:
    """Copy each session's agenda submission time onto the session (None without one)."""
    submitted = Agenda.objects.filter(session=OuterRef("pk")).values("submitted_at")[:1]
    return sessions.update(agenda_submitted_at=Subquery(submitted))


def agenda_changed(sender: object, instance: Agenda, **kwargs: Any) -> None:
    sessions = Session.objects.filter(pk=instance.session_id)
    agenda_copy_times(sessions)
    if "origin" not in kwargs or deleted_on_its_own(kwargs["origin"]):
        sessions_changed.send(
            sender=Agenda, mentorship_ids=list(sessions.values_list("mentorship_id", flat=True))
        )


AGENDA_FIELDS = ("topics", "research", "key_questions", "challenges", "objectives")


class DraftKept(ValidationFailed):
    """An agenda submitted with a field missing: kept as a draft, the missing fields named."""

    code = "agenda_incomplete"


AGENDA_REQUIRED = ("topics", "key_questions", "objectives")


def agenda_save(user: User, session: Session, *, submit: bool = False, **fields: str) -> Agenda:
    """The leading side writes the agenda; submitting sends it to the other side.

    Submitted with a required field empty, the agenda is kept as a draft (nothing typed is
    lost) and `DraftKept` names the fields to fill in."""
    _side, person = require_member(user, session.mentorship)
    require_active(session.mentorship)
    if person.pk != leader_person(session).pk:
        raise PermissionRefused(_("The leading side writes the agenda; you answer it."))
    errors: dict[str, list[str]] = {}
    clean = {
        name: clean_text(fields.get(name, ""), field=name, errors=errors) for name in AGENDA_FIELDS
    }
    unknown = set(fields) - set(AGENDA_FIELDS)
    for name in unknown:
        errors[name] = [_("Unknown field.")]
    if errors:
        raise ValidationFailed(errors)
    missing = [name for name in AGENDA_REQUIRED if not clean[name]] if submit else []
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        if locked.status not in LIVE_SESSION:
            raise BalikError(
                _("This session is %(status)s.") % {"status": locked.get_status_display()},
                code="closed",
            )
        agenda, _created = Agenda.objects.select_for_update().get_or_create(
            session=session, defaults={"author": person}
        )
        for name, value in clean.items():
            setattr(agenda, name, value)
        first_submit = submit and not missing and agenda.submitted_at is None
        if first_submit:
            agenda.submitted_at = timezone.now()
        agenda.save()
        if first_submit:
            write_session_notice(
                session,
                "agenda_submitted",
                partner_of(session.mentorship, person=person),
                invite=False,
            )
    if missing:
        labels = agenda_labels()
        raise DraftKept(
            {
                **{name: [_("Fill this in before submitting.")] for name in missing},
                "agenda": [
                    _("Your agenda is saved as a draft. To submit it, fill in: %(fields)s.")
                    % {"fields": ", ".join(str(labels[name]) for name in missing)}
                ],
            }
        )
    return agenda


def agenda_labels() -> dict[str, str]:
    return {
        "topics": _("Topics"),
        "research": _("Research done (notes and links)"),
        "key_questions": _("Key questions"),
        "challenges": _("Challenges for the other side"),
        "objectives": _("What I want to learn in this session"),
    }


def agenda_answer(user: User, session: Session, **fields: str) -> AgendaResponse:
    """The facilitating side answers: perspective, resources, follow-up questions."""
    _side, person = require_member(user, session.mentorship)
    require_active(session.mentorship)
    if person.pk == leader_person(session).pk:
        raise PermissionRefused(_("The facilitating side answers the agenda."))
    errors: dict[str, list[str]] = {}
    clean = {
        name: clean_text(fields.get(name, ""), field=name, errors=errors)
        for name in ("perspective", "resources", "follow_up_questions")
    }
    if not any(clean.values()):
        errors["perspective"] = [_("Write at least one of perspective, resources or questions.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        response, _created = AgendaResponse.objects.update_or_create(
            session=session, defaults={"author": person, **clean}
        )
    return response
