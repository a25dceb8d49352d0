"""The demo organisation's programmes: a reverse programme ready to match, and a flipped one in
which mentees choose their mentor. Idempotent: programmes are found by slug, enrolments updated.
"""

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from balik.feedback.models import Answer, ProgramEvaluation, Question, SessionFeedback
from balik.feedback.question_seed import seed_questions
from balik.matching.services import run_publish, run_start
from balik.mentorships.agreements import agreement_for
from balik.mentorships.models import (
    Agenda,
    AgendaResponse,
    Goal,
    LearningEntry,
    Mentorship,
    Session,
    SessionStatus,
)
from balik.mentorships.sessions import booked_times_record
from balik.people.models import Person
from balik.programs import services
from balik.programs.catalog import readiness_questions
from balik.programs.models import Enrolment, EnrolmentRole, Program, ProgramStatus

DEMO_DOMAIN = "nusantara.example"
SEED = 20261123


@dataclass(frozen=True)
class DemoProgramme:
    slug: str
    name: str
    kind: str
    template: str
    self_match: bool
    mentors: int
    mentees: int


DEMO_PROGRAMMES = (
    DemoProgramme(
        slug="social-media-2026",
        name="Social Media Training 2026",
        kind="reverse",
        template="social-media-training",
        self_match=False,
        mentors=20,
        mentees=24,
    ),
    DemoProgramme(
        slug="flipped-growth-cohort-1",
        name="Flipped Growth: Cohort 1",
        kind="flipped",
        template="flipped-growth",
        self_match=True,
        mentors=25,
        mentees=40,
    ),
)

GOALS = {
    "mentor": (
        "Saya ingin berbagi cara membuat konten TikTok dan Instagram yang menarik",
        "Help a leader use AI tools and data dashboards in daily work",
        "Berbagi tren media sosial dan engagement dengan pimpinan",
        "Share what I know about digital marketing and learn about strategy",
    ),
    "mentee": (
        "Memahami strategi konten media sosial untuk brand kita",
        "Learn how younger colleagues use AI and social media at work",
        "Belajar analitik data dan engagement digital",
        "Understand digital marketing trends and lead the change in my team",
    ),
}


def _readiness(kind: str, role: str, rng: random.Random) -> dict[str, int]:
    return {
        key: (rng.randint(2, 8) if answer == "hours" else rng.randint(3, 5))
        for key, _question, answer in readiness_questions(kind, role)
    }


def load_demo_programmes() -> list[Program]:
    """Create (or refresh) the demo programmes with their managers and participants."""
    user_model = get_user_model()
    managers = list(
        user_model.objects.filter(email__in=[f"pm@{DEMO_DOMAIN}", f"admin@{DEMO_DOMAIN}"])
    )
    people = list(Person.objects.select_related("user").order_by("pk"))
    if not people:
        return []
    by_email = {p.email: p for p in people}
    demo_mentor = by_email.get(f"mentor@{DEMO_DOMAIN}")
    demo_mentee = by_email.get(f"mentee@{DEMO_DOMAIN}")
    created = []
    with transaction.atomic(), override("en"):
        for spec in DEMO_PROGRAMMES:
            rng = random.Random(f"{SEED}-{spec.slug}")
            program = Program.objects.filter(slug=spec.slug).first()
            if program is None:
                program = services.program_create(
                    None, name=spec.name, kind=spec.kind, template=spec.template, slug=spec.slug
                )
            if program.status == ProgramStatus.DRAFT:
                program.status = ProgramStatus.ENROLLING
            program.self_match = spec.self_match
            program.enrolment_open = True
            program.default_capacity = 2 if spec.kind == "flipped" else 1
            today = timezone.localdate()
            program.start_date = program.start_date or today
            program.end_date = program.end_date or today.replace(year=today.year + 1)
            program.save()
            program.managers.add(*managers)
            if spec.kind == "reverse":
                juniors = [p for p in people if p.seniority_level <= 3]
                seniors = [p for p in people if p.seniority_level >= 7]
            else:
                juniors = [p for p in people if p.seniority_level >= 6]
                seniors = [p for p in people if p.seniority_level <= 4]
            mentors = rng.sample(juniors, min(spec.mentors, len(juniors)))
            mentees = rng.sample(
                [p for p in seniors if p not in mentors], min(spec.mentees, len(seniors))
            )
            if spec.kind == "reverse":
                for person, pool in ((demo_mentor, mentors), (demo_mentee, mentees)):
                    if person is not None and person not in pool:
                        pool[-1] = person
            elif demo_mentor is not None and demo_mentor not in mentees + mentors:
                # the README's tour: the junior who mentors a director in reverse mentoring is
                # a mentee here, and chooses a mentor (the role belongs to the relationship)
                mentees[-1] = demo_mentor
            if program.enrolment_changeable:
                for role, group in (
                    (EnrolmentRole.MENTOR, mentors),
                    (EnrolmentRole.MENTEE, mentees),
                ):
                    for person in group:
                        if Enrolment.objects.filter(program=program, person=person).exists():
                            continue
                        enrolment = services.enrolment_save(
                            None,
                            program,
                            person=person,
                            data=services.EnrolmentData(
                                role=role,
                                goals=rng.choice(GOALS[role]),
                                capacity=(rng.choice((1, 2, 2, 3)) if role == "mentor" else None),
                            ),
                        )
                        enrolment.readiness = _readiness(spec.kind, role, rng)
                        enrolment.save(update_fields=["readiness"])
            created.append(program)
    return created


PILOT = DemoProgramme(
    slug="reverse-pilot-2026",
    name="Reverse Mentoring Pilot 2026",
    kind="reverse",
    template="reverse-leadership",
    self_match=False,
    mentors=14,
    mentees=14,
)


def load_running_programme() -> Program | None:
    """An active reverse programme, matched and published, with a lived-in mentorship for
    each demo participant: an agreement, a goal, a held session with its agenda, answer and
    learning log, and the next session booked with its agenda in draft."""
    from datetime import timedelta

    if Program.objects.filter(slug=PILOT.slug, mentorships__isnull=False).exists():
        return Program.objects.get(slug=PILOT.slug)
    people = list(Person.objects.select_related("user").order_by("pk"))
    if not people:
        return None
    rng = random.Random(f"{SEED}-{PILOT.slug}")
    with transaction.atomic(), override("en"):
        program = Program.objects.filter(slug=PILOT.slug).first() or services.program_create(
            None, name=PILOT.name, kind=PILOT.kind, template=PILOT.template, slug=PILOT.slug
        )
        program.status = ProgramStatus.ENROLLING
        program.managers.add(
            *get_user_model().objects.filter(
                email__in=[f"pm@{DEMO_DOMAIN}", f"admin@{DEMO_DOMAIN}"]
            )
        )
        program.start_date = timezone.localdate() - timedelta(days=84)
        program.end_date = program.start_date.replace(year=program.start_date.year + 1)
        program.require_different_department = False
        program.manager_chain_depth = 0
        program.save()
        by_email = {p.email: p for p in people}
        demo_mentor = by_email.get(f"mentor@{DEMO_DOMAIN}")
        demo_mentee = by_email.get(f"mentee@{DEMO_DOMAIN}")
        juniors = [p for p in people if p.seniority_level <= 3 and p != demo_mentor]
        seniors = [p for p in people if p.seniority_level >= 7 and p != demo_mentee]
        mentors = [demo_mentor, *rng.sample(juniors, PILOT.mentors - 1)]
        mentees = [demo_mentee, *rng.sample(seniors, PILOT.mentees - 1)]
        for role, group in ((EnrolmentRole.MENTOR, mentors), (EnrolmentRole.MENTEE, mentees)):
            for person in group:
                if person is not None:
                    services.enrolment_save(
                        None,
                        program,
                        person=person,
                        data=services.EnrolmentData(role=role, goals=rng.choice(GOALS[role])),
                    )
        run = run_start(None, program, in_request=True)
        run_publish(None, run, notify=False)
        # the pilot started twelve weeks ago: its pairs have been running since then
        Mentorship.objects.filter(program=program).update(
            created_at=timezone.now() - timedelta(days=84)
        )
        from datetime import datetime, time
        from zoneinfo import ZoneInfo

        today = timezone.localdate()
        jakarta = ZoneInfo("Asia/Jakarta")
        now = timezone.now()

        def at_ten(days: int) -> datetime:
            """10:00 in Jakarta, `days` from today: demo sessions at an office hour."""
            return datetime.combine(today + timedelta(days=days), time(10), tzinfo=jakarta)

        for mentorship in Mentorship.objects.filter(program=program).filter(
            models_q(demo_mentor, demo_mentee)
        ):
            agreement = agreement_for(mentorship)
            agreement.goals = "Pak/Bu learns to use social media and AI tools with confidence."
            agreement.meeting_place = "https://meet.example/balik-demo"
            agreement.mentor_confirmed_at = agreement.mentee_confirmed_at = now - timedelta(days=40)
            agreement.save()
            Goal.objects.create(
                mentorship=mentorship,
                title="Post weekly on LinkedIn",
                measure="posts published",
                target="8 posts",
                due_date=timezone.localdate() + timedelta(days=60),
                owner=mentorship.mentee,
            )
            held = Session.objects.create(
                mentorship=mentorship,
                status=SessionStatus.HELD,
                attendance="held",
                starts_at=at_ten(-14),
                ends_at=at_ten(-14) + timedelta(hours=1),
                zone=mentorship.mentor.timezone,
                leader="mentor",
                proposed_by=mentorship.mentee,
                uid=f"demo-held-{mentorship.pk}@balik",
            )
            Agenda.objects.create(
                session=held,
                author=mentorship.mentor,
                topics="How our customers use Instagram and TikTok",
                research="Our last 30 posts and their engagement",
                key_questions="Which formats should a director try first?",
                challenges="Post one story before the next session",
                objectives="A first posting routine",
                submitted_at=held.starts_at - timedelta(days=2),
            )
            AgendaResponse.objects.create(
                session=held,
                author=mentorship.mentee,
                perspective="Our customers are older than TikTok's average user.",
                resources="The brand guidelines, 2026 edition",
            )
            LearningEntry.objects.create(
                session=held,
                author=mentorship.mentor,
                taught="Stories, reels and what engagement rate means",
                learned="How the board decides on marketing budgets",
            )
            LearningEntry.objects.create(
                session=held,
                author=mentorship.mentee,
                taught="How the board decides on marketing budgets",
                learned="Stories, reels and engagement rate",
            )
            upcoming = Session.objects.create(
                mentorship=mentorship,
                status=SessionStatus.BOOKED,
                starts_at=at_ten(3),
                ends_at=at_ten(3) + timedelta(hours=1),
                zone=mentorship.mentor.timezone,
                leader="mentor",
                proposed_by=mentorship.mentee,
                uid=f"demo-next-{mentorship.pk}@balik",
            )
            booked_times_record([upcoming])
            Agenda.objects.create(
                session=upcoming,
                author=mentorship.mentor,
                topics="Using an AI assistant to draft posts",
            )
        _lived_in_pairs(program, rng, at_ten)
        program.status = ProgramStatus.ACTIVE
        program.save(update_fields=["status"])
    return program


def _lived_in_pairs(program: Program, rng: random.Random, at_ten) -> None:
    """Every other pair of the pilot: fortnightly sessions so far (some without an agenda, a
    few no-shows), feedback from both sides, learning logs, goals, and start and end
    self-assessments, so that the health page has something true to say on first start."""
    from datetime import timedelta

    seed_questions()
    questions = list(Question.objects.filter(program__isnull=True, kind__in=["", "reverse"]))
    comments = (
        "Saya belajar banyak tentang TikTok.",
        "Very open conversation, I felt heard.",
        "Agenda kurang siap minggu ini.",
        "Great practical examples.",
        "",
    )
    for index, mentorship in enumerate(
        Mentorship.objects.filter(program=program).exclude(sessions__isnull=False)
    ):
        struggling = index % 5 == 4  # a few pairs drift: the health page flags them
        days = (-56, -42, -28) if not struggling else (-70,)
        for n, day in enumerate(days):
            start = at_ten(day)
            no_show = struggling or (n == 1 and index % 7 == 3)
            session = Session.objects.create(
                mentorship=mentorship,
                status=SessionStatus.HELD,
                attendance="mentee_absent" if no_show else "held",
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                zone=mentorship.mentor.timezone,
                leader="mentor",
                proposed_by=mentorship.mentee,
                uid=f"demo-{mentorship.pk}-{n}@balik",
            )
            if rng.random() < 0.8:
                Agenda.objects.create(
                    session=session,
                    author=mentorship.mentor,
                    topics="Social media for leaders",
                    key_questions="What should we try first?",
                    objectives="One new habit",
                    submitted_at=start - timedelta(hours=rng.choice((30, 48, 20))),
                )
            if no_show:
                continue
            for author, taught, learned in (
                (mentorship.mentor, "Short video formats", "How budgets are decided"),
                (mentorship.mentee, "How budgets are decided", "Short video formats"),
            ):
                LearningEntry.objects.create(
                    session=session, author=author, taught=taught, learned=learned
                )
                SessionFeedback.objects.create(
                    session=session,
                    author=author,
                    rating=rng.choice((4, 5, 5)),
                    usefulness=rng.choice((3, 4, 5)),
                    preparation=rng.choice((3, 4, 4, 5)),
                    psychological_safety=rng.choice((4, 5, 5)),
                    comment=rng.choice(comments),
                )
        Goal.objects.create(
            mentorship=mentorship,
            title="Use an AI assistant every week",
            measure="weeks with use",
            target="8 of 10",
            due_date=timezone.localdate() + timedelta(days=30 if not struggling else -5),
            owner=mentorship.mentee,
        )
        for person, side in ((mentorship.mentor, "mentor"), (mentorship.mentee, "mentee")):
            for question in questions:
                if question.audience != side:
                    continue
                before = rng.randint(1, 3)
                Answer.objects.create(
                    program=program, person=person, question=question, phase="start", value=before
                )
                Answer.objects.create(
                    program=program,
                    person=person,
                    question=question,
                    phase="end",
                    value=min(5, before + rng.choice((0, 1, 1, 2))),
                )
            ProgramEvaluation.objects.create(
                program=program,
                person=person,
                satisfaction=rng.choice((4, 5, 5, 5)),
                recommend=rng.choice((8, 9, 10, 10)),
            )


def models_q(*people: Person | None):
    from django.db.models import Q

    query = Q(pk__in=[])
    for person in people:
        if person is not None:
            query |= Q(mentor=person) | Q(mentee=person)
    return query
