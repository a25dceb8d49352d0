"""The pair's agreement: drafted from the programme when the pair is made, changed by either
side and confirmed by the other, under the agreement's row lock."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balik.accounts.models import User
from balik.core.errors import ValidationFailed
from balik.mentorships.access import clean_text, require_active, require_member
from balik.mentorships.models import Agreement, MeetingFormat, Mentorship, Side
from balik.programs.models import ProgramKind

# The defaults a new agreement starts from; read back in each reader's language until the pair
# edits them (registered with balik.core.bilingual by the app's ready()).
GROUND_RULES = {
    ProgramKind.REVERSE: gettext_lazy(
        "The junior colleague speaks freely and the senior listens first. What is said here "
        "stays here. We both teach and both learn."
    ),
    ProgramKind.FLIPPED: gettext_lazy(
        "The mentee leads every session and submits the agenda before the deadline. The "
        "mentor facilitates and does not take over. What is said here stays here."
    ),
    ProgramKind.PEER: gettext_lazy("We take turns to lead. What is said here stays here."),
}
DEFAULT_GROUND_RULES = gettext_lazy(
    "We come prepared, keep our appointments, and what is said here stays here."
)
DEFAULT_CONFIDENTIALITY = gettext_lazy(
    "What we share stays between us unless we both agree otherwise. The programme "
    "manager sees dates, attendance and goal status, never our notes."
)
DEFAULT_TEXTS = (*GROUND_RULES.values(), DEFAULT_GROUND_RULES, DEFAULT_CONFIDENTIALITY)


def default_ground_rules(mentorship: Mentorship) -> str:
    return str(GROUND_RULES.get(mentorship.program.kind, DEFAULT_GROUND_RULES))


def _agreement_defaults(mentorship: Mentorship) -> dict[str, Any]:
    program = mentorship.program
    return {
        "cadence_days": program.cadence_days,
        "format": (
            program.format_preference
            if program.format_preference in MeetingFormat.values
            else MeetingFormat.CASUAL
        ),
        "ground_rules": default_ground_rules(mentorship),
        "confidentiality": str(DEFAULT_CONFIDENTIALITY),
    }


def agreements_start(mentorships: Iterable[Mentorship]) -> None:
    """Draft each new pair's agreement from the programme's settings when the pair is made, so
    that opening the mentorship page only reads."""
    Agreement.objects.bulk_create(
        [Agreement(mentorship=m, **_agreement_defaults(m)) for m in mentorships],
        ignore_conflicts=True,
    )


def agreement_for(mentorship: Mentorship) -> Agreement:
    """The pair's agreement; drafted here for a pair made some other way (the admin, a test)."""
    agreement, _created = Agreement.objects.get_or_create(
        mentorship=mentorship, defaults=_agreement_defaults(mentorship)
    )
    return agreement


AGREEMENT_FIELDS = (
    "goals",
    "mentor_expectations",
    "mentee_expectations",
    "cadence_days",
    "format",
    "meeting_place",
    "confidentiality",
    "ground_rules",
)


def agreement_update(user: User, mentorship: Mentorship, **changes: Any) -> Agreement:
    """Change the agreement; the other side must confirm it again."""
    side, _person = require_member(user, mentorship)
    require_active(mentorship)
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - set(AGREEMENT_FIELDS)
    if unknown:
        raise ValidationFailed({name: [_("Unknown field.")] for name in sorted(unknown)})
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "cadence_days":
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 90:
                errors[name] = [_("Give a whole number of days from 1 to 90.")]
            clean[name] = value
        elif name == "format":
            if value not in MeetingFormat.values:
                errors[name] = [_("Choose formal or casual.")]
            clean[name] = value
        elif name == "meeting_place":
            text = clean_text(value, field=name, errors=errors, single_line=True)
            if len(text) > 300:
                errors[name] = [_("Use at most 300 characters.")]
            clean[name] = text
        else:
            clean[name] = clean_text(value, field=name, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        agreement = _locked_agreement(mentorship)
        for name, value in clean.items():
            setattr(agreement, name, value)
        now = timezone.now()
        if side == Side.MENTOR:
            agreement.mentor_confirmed_at, agreement.mentee_confirmed_at = now, None
        else:
            agreement.mentee_confirmed_at, agreement.mentor_confirmed_at = now, None
        agreement.save()
    return agreement


def agreement_confirm(user: User, mentorship: Mentorship) -> Agreement:
    """One side's confirmation, written alone: a change the other side saves at the same
    moment is not overwritten with the values read before it."""
    side, _person = require_member(user, mentorship)
    require_active(mentorship)
    confirmed = "mentor_confirmed_at" if side == Side.MENTOR else "mentee_confirmed_at"
    with transaction.atomic():
        agreement = _locked_agreement(mentorship)
        setattr(agreement, confirmed, timezone.now())
        agreement.save(update_fields=[confirmed, "updated_at"])
    return agreement


def _locked_agreement(mentorship: Mentorship) -> Agreement:
    """The pair's agreement, locked until the transaction ends: its two people may save or
    confirm it at the same moment."""
    return Agreement.objects.select_for_update().get(pk=agreement_for(mentorship).pk)
