"""Notices about matching: new pairs, mentor requests and answers, declined matches; each
written to the outbox (inbox and e-mail) in the reader's own language, in the transaction of
the change it is about. The worker e-mails them (balik.notifications.services)."""

import uuid

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language

from balik.accounts.models import User
from balik.matching.explain import Explainer
from balik.matching.models import MatchRequest, RequestStatus
from balik.mentorships.models import Mentorship, MentorshipStatus
from balik.notifications.models import Kind
from balik.notifications.services import Outgoing, notify_many


def _rendering(subject_template: str, body_template: str, context):
    """(title, body) from the templates, rendered when called (in the reader's language)."""

    def render() -> tuple[str, str]:
        values = context() if callable(context) else context
        return (
            render_to_string(subject_template, values),
            render_to_string(body_template, values),
        )

    return render


def write_match_notices(mentorship_ids: list[int]) -> int:
    """Both people of each new pair: who they were matched with and why. One bulk write.

    The names in the reasons are looked up once per language for every pair (an `Explainer`
    over all their facts), not once per notice."""
    mentorships = list(
        Mentorship.objects.filter(pk__in=mentorship_ids)
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("pk")
    )
    every_fact = [fact for mentorship in mentorships for fact in mentorship.reasons]
    explainers: dict[str, Explainer] = {}

    def explainer() -> Explainer:
        language = get_language() or settings.LANGUAGE_CODE
        if language not in explainers:
            explainers[language] = Explainer(every_fact)
        return explainers[language]

    outgoing = []
    for mentorship in mentorships:
        url = reverse("mentorships:detail", args=[mentorship.pk])
        for me, partner, role in (
            (mentorship.mentor, mentorship.mentee, "mentor"),
            (mentorship.mentee, mentorship.mentor, "mentee"),
        ):

            def context(me=me, partner=partner, role=role, mentorship=mentorship, url=url):
                names = explainer()
                return {
                    "me": me,
                    "partner": partner,
                    "role": role,
                    "program": mentorship.program,
                    "reasons": [names.render(fact) for fact in mentorship.reasons],
                    "url": settings.BALIK_SITE_URL + url,
                    # imported people have an account but no password until they choose one
                    "password_url": (
                        ""
                        if me.user.has_usable_password()
                        else settings.BALIK_SITE_URL + reverse("password_reset")
                    ),
                }

            outgoing.append(
                Outgoing(
                    me.user,
                    Kind.MATCHED,
                    f"matched:{mentorship.pk}:{me.pk}",
                    _rendering(
                        "matching/email/matched_subject.txt", "matching/email/matched.txt", context
                    ),
                    url,
                )
            )
    return notify_many(outgoing)


def match_notice_previews(program, mentor, mentee, reasons: list[dict]) -> list[dict]:
    """The notice each side of one proposed pair would get, in every language of the site,
    rendered by the same templates as the real notices (for the manager's preview)."""
    url = settings.BALIK_SITE_URL + reverse("mentorships:list")
    previews = []
    for language, language_name in settings.LANGUAGES:
        with translation.override(language):
            names = Explainer(reasons)
            for me, partner, role in ((mentor, mentee, "mentor"), (mentee, mentor, "mentee")):
                subject, body = _rendering(
                    "matching/email/matched_subject.txt",
                    "matching/email/matched.txt",
                    {
                        "me": me,
                        "partner": partner,
                        "role": role,
                        "program": program,
                        "reasons": [names.render(fact) for fact in reasons],
                        "url": url,
                        "password_url": "",
                    },
                )()
                previews.append(
                    {
                        "language": language,
                        "language_name": str(language_name),
                        "role": role,
                        "to": me,
                        "subject": subject.strip(),
                        "body": body.strip(),
                    }
                )
    return previews


def _request_notice(match_request: MatchRequest, *, to_mentor: bool, template: str) -> int:
    person = match_request.mentor if to_mentor else match_request.mentee
    # straight to where the reader acts: the mentor to the answer form on the programme page,
    # an accepted mentee to the new mentorship
    url = reverse("programs:detail", args=[match_request.program.slug])
    paired = (
        None
        if to_mentor or match_request.status != RequestStatus.ACCEPTED
        else Mentorship.objects.filter(
            program=match_request.program,
            mentor=match_request.mentor,
            mentee=match_request.mentee,
            status=MentorshipStatus.ACTIVE,
        ).first()
    )
    if to_mentor:
        url += "#me-heading"
    elif paired is not None:
        url = reverse("mentorships:detail", args=[paired.pk])
    kind = Kind.MATCH_REQUESTED if to_mentor else Kind.REQUEST_ANSWERED
    return notify_many(
        [
            Outgoing(
                person.user,
                kind,
                f"{kind}:{match_request.pk}:{match_request.status}",
                _rendering(
                    f"matching/email/{template}_subject.txt",
                    f"matching/email/{template}.txt",
                    {"request": match_request, "url": settings.BALIK_SITE_URL + url},
                ),
                url,
            )
        ]
    )


def write_request_notice(match_request: MatchRequest) -> int:
    """Tell a mentor that a mentee asked for them (self-match programmes)."""
    return _request_notice(match_request, to_mentor=True, template="requested")


def write_answer_notice(match_request: MatchRequest) -> int:
    """Tell a mentee whether their mentor accepted."""
    return _request_notice(match_request, to_mentor=False, template="answered")


def write_decline_notices(mentorship: Mentorship) -> int:
    """Tell the programme's managers that a match was declined, and why."""
    url = reverse("programs:matching", args=[mentorship.program.slug])
    managers: list[User] = list(mentorship.program.managers.filter(is_active=True))
    context = {"mentorship": mentorship, "url": settings.BALIK_SITE_URL + url}
    key = uuid.uuid4().hex[:12]
    return notify_many(
        Outgoing(
            manager,
            Kind.MATCH_DECLINED,
            f"match_declined:{mentorship.pk}:{manager.pk}:{key}",
            _rendering(
                "matching/email/declined_subject.txt", "matching/email/declined.txt", context
            ),
            url,
        )
        for manager in managers
    )
