"""The invitation a person receives when a manager enrols them: what the programme is, in plain
words, what their role asks of them, its dates, and how to sign in (a one-time link to choose a
first password for someone imported without one; the sign-in page for everyone else).

Written through the outbox in the recipient's language, in the enrolment's transaction.
"""

from collections.abc import Iterable

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balik.accounts.first_sign_in import (
    FIRST_SIGN_IN_LINK_DAYS,
    first_sign_in_url,
    needs_first_password,
    sign_in_url,
)
from balik.notifications.models import Kind
from balik.notifications.services import Outgoing, notify_many
from balik.programs.models import Enrolment, EnrolmentRole, Program, ProgramKind

KIND_IN_PLAIN_WORDS = {
    ProgramKind.FLIPPED: gettext_lazy(
        "It is a flipped mentoring programme: the mentee leads each session, prepares the "
        "agenda and brings the questions; the mentor listens, adds perspective and helps the "
        "mentee think things through."
    ),
    ProgramKind.REVERSE: gettext_lazy(
        "It is a reverse mentoring programme: a younger colleague mentors a more senior one, "
        "above all on technology and digital ways of working, and the senior shares experience "
        "back, so both learn."
    ),
    ProgramKind.CLASSIC: gettext_lazy(
        "It is a classic mentoring programme: an experienced colleague guides a less "
        "experienced one."
    ),
    ProgramKind.PEER: gettext_lazy(
        "It is a peer mentoring programme: colleagues at a similar level mentor each other."
    ),
}

ROLE_ASKS = {
    (ProgramKind.FLIPPED, EnrolmentRole.MENTEE): gettext_lazy(
        "As a mentee you lead: before each session you write the agenda, research your "
        "questions and bring a challenge to discuss."
    ),
    (ProgramKind.FLIPPED, EnrolmentRole.MENTOR): gettext_lazy(
        "As a mentor you facilitate: read your mentee's agenda before each session, ask "
        "questions back and share your perspective, rather than give answers."
    ),
    (ProgramKind.REVERSE, EnrolmentRole.MENTOR): gettext_lazy(
        "As a mentor you share how you use technology, social media and digital tools, and you "
        "learn about strategy and leadership in return."
    ),
    (ProgramKind.REVERSE, EnrolmentRole.MENTEE): gettext_lazy(
        "As a mentee you learn about technology and digital trends from a younger colleague, "
        "and share your experience of the business in return."
    ),
    (ProgramKind.CLASSIC, EnrolmentRole.MENTOR): gettext_lazy(
        "As a mentor you guide your mentee, lead the sessions and share your experience."
    ),
    (ProgramKind.CLASSIC, EnrolmentRole.MENTEE): gettext_lazy(
        "As a mentee you bring your goals and questions, and put what you learn into practice."
    ),
}
BOTH_ROLES_ASK = gettext_lazy(
    "You both mentor and are mentored: share what you know, and ask about what you want to learn."
)


def role_asks(program: Program, role: str) -> str:
    if role == EnrolmentRole.BOTH:
        return str(BOTH_ROLES_ASK)
    return str(ROLE_ASKS.get((program.kind, role), ""))


def programme_dates(program: Program) -> str:
    if program.start_date and program.end_date:
        return _("It runs from %(start)s to %(end)s.") % {
            "start": date_format(program.start_date),
            "end": date_format(program.end_date),
        }
    if program.start_date:
        return _("It starts on %(start)s.") % {"start": date_format(program.start_date)}
    return _("Its dates are not set yet; you will hear when it starts.")


ROLE_PHRASES = {
    EnrolmentRole.MENTOR: gettext_lazy("as a mentor"),
    EnrolmentRole.MENTEE: gettext_lazy("as a mentee"),
    EnrolmentRole.BOTH: gettext_lazy("as both mentor and mentee"),
}


def invitation_text(
    enrolment: Enrolment, *, program: Program, manager_name: str, first_sign_in: bool
) -> tuple[str, str]:
    """(title, body) of one invitation, in the active language."""
    person, user = enrolment.person, enrolment.person.user
    program_path = reverse("programs:detail", args=[program.slug])
    title = _("You are invited to %(programme)s") % {"programme": program.name}
    if manager_name:
        enrolled = _("%(manager)s enrolled you in %(programme)s %(as_role)s.") % {
            "manager": manager_name,
            "programme": program.name,
            "as_role": ROLE_PHRASES[enrolment.role],
        }
    else:
        enrolled = _("You were enrolled in %(programme)s %(as_role)s.") % {
            "programme": program.name,
            "as_role": ROLE_PHRASES[enrolment.role],
        }
    if first_sign_in:
        how = _(
            "To sign in for the first time, choose your password with this link. It works once, "
            "for %(days)d days:\n%(link)s\n\nAfter that, sign in with your e-mail address "
            "(%(email)s) and that password."
        ) % {"days": FIRST_SIGN_IN_LINK_DAYS, "link": first_sign_in_url(user), "email": user.email}
    else:
        how = _(
            "Sign in with your e-mail address (%(email)s) and your password to see the "
            "programme and answer its questions:\n%(link)s"
        ) % {"email": user.email, "link": sign_in_url(program_path)}
    paragraphs = [
        _("Hello %(name)s,") % {"name": person.full_name},
        enrolled,
        str(KIND_IN_PLAIN_WORDS.get(program.kind, "")),
        role_asks(program, enrolment.role),
        programme_dates(program),
        how,
    ]
    return title, "\n\n".join(part for part in paragraphs if part)


def invitations_send(
    enrolments: Iterable[Enrolment], *, program: Program, manager_name: str = ""
) -> int:
    """Write one invitation per enrolment (each person's user loaded with it); once each."""
    outgoing = []
    for enrolment in enrolments:
        user = enrolment.person.user
        first = needs_first_password(user)

        def render(enrolment: Enrolment = enrolment, first: bool = first) -> tuple[str, str]:
            return invitation_text(
                enrolment, program=program, manager_name=manager_name, first_sign_in=first
            )

        outgoing.append(
            Outgoing(
                user=user,
                kind=Kind.FIRST_SIGN_IN if first else Kind.INVITATION,
                dedupe_key=f"invitation:{program.pk}:{enrolment.pk}",
                render=render,
                url="" if first else reverse("programs:detail", args=[program.slug]),
            )
        )
    return notify_many(outgoing)
