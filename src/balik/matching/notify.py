"""E-mail both people of each new mentorship, each in their own language."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

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
            messages.append(EmailMessage(" ".join(subject.split()), body, to=[me.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
