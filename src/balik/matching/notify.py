"""E-mails about matching: new pairs, mentor requests and answers, declined matches; each in
the reader's own language. Each message is sent on its own: one that cannot be sent (a refused
address) is logged and never stops the others, nor the change that caused them."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from balik.core.mail import send_each
from balik.core.text import one_line
from balik.matching.explain import Explainer
from balik.mentorships.models import Mentorship


def send_match_emails(mentorship_ids: list[int]) -> int:
    mentorships = list(
        Mentorship.objects.filter(pk__in=mentorship_ids)
        .select_related("program", "mentor__user", "mentee__user", "mentor", "mentee")
        .order_by("pk")
    )
    messages = []
    for mentorship in mentorships:
        for me, partner, role in (
            (mentorship.mentor, mentorship.mentee, "mentor"),
            (mentorship.mentee, mentorship.mentor, "mentee"),
        ):
            language = (me.user.preferred_language if me.user else "") or settings.LANGUAGE_CODE
            with translation.override(language):
                explainer = Explainer(mentorship.reasons)
                context = {
                    "me": me,
                    "partner": partner,
                    "role": role,
                    "program": mentorship.program,
                    "reasons": [explainer.render(fact) for fact in mentorship.reasons],
                    "url": settings.BALIK_SITE_URL
                    + reverse("mentorships:detail", args=[mentorship.pk]),
                }
                subject = render_to_string("matching/email/matched_subject.txt", context)
                body = render_to_string("matching/email/matched.txt", context)
            messages.append(EmailMessage(one_line(subject), body, to=[me.email]))
    return send_each(messages)


def _send(
    recipients: list[tuple[str, str]], subject_template: str, body_template: str, context: dict
) -> int:
    """One e-mail per (address, language), rendered in that language."""
    messages = []
    for address, language in recipients:
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = render_to_string(subject_template, context)
            body = render_to_string(body_template, context)
        messages.append(EmailMessage(one_line(subject), body, to=[address]))
    return send_each(messages)


def _language(person) -> str:
    return (person.user.preferred_language if person.user else "") or settings.LANGUAGE_CODE


def _request_email(request_id: int, *, to_mentor: bool, template: str) -> int:
    from balik.matching.models import MatchRequest

    match_request = (
        MatchRequest.objects.select_related("program", "mentor__user", "mentee__user")
        .filter(pk=request_id)
        .first()
    )
    if match_request is None:
        return 0
    person = match_request.mentor if to_mentor else match_request.mentee
    url = settings.BALIK_SITE_URL + reverse("programs:detail", args=[match_request.program.slug])
    return _send(
        [(person.email, _language(person))],
        f"matching/email/{template}_subject.txt",
        f"matching/email/{template}.txt",
        {"request": match_request, "url": url},
    )


def send_request_email(request_id: int) -> int:
    """Tell a mentor that a mentee asked for them (self-match programmes)."""
    return _request_email(request_id, to_mentor=True, template="requested")


def send_answer_email(request_id: int) -> int:
    """Tell a mentee whether their mentor accepted."""
    return _request_email(request_id, to_mentor=False, template="answered")


def send_decline_email(mentorship_id: int) -> int:
    """Tell the programme's managers that a match was declined, and why."""
    mentorship = (
        Mentorship.objects.select_related("program", "mentor", "mentee", "declined_by")
        .filter(pk=mentorship_id)
        .first()
    )
    if mentorship is None:
        return 0
    url = settings.BALIK_SITE_URL + reverse("programs:matching", args=[mentorship.program.slug])
    managers = mentorship.program.managers.filter(is_active=True)
    return _send(
        [(user.email, user.preferred_language) for user in managers],
        "matching/email/declined_subject.txt",
        "matching/email/declined.txt",
        {"mentorship": mentorship, "url": url},
    )
