"""The demo organisation's programmes: a reverse programme ready to match, and a flipped one in
which mentees choose their mentor. Idempotent: programmes are found by slug, enrolments updated.
"""

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import override

from balik.people.models import Person
from balik.programs import services
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
    from balik.programs.catalog import readiness_questions

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
                program = services.create_program(
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
            if program.enrolment_changeable:
                for role, group in (
                    (EnrolmentRole.MENTOR, mentors),
                    (EnrolmentRole.MENTEE, mentees),
                ):
                    for person in group:
                        if Enrolment.objects.filter(program=program, person=person).exists():
                            continue
                        enrolment = services.save_enrolment(
                            None,
                            program,
                            person,
                            services.EnrolmentData(
                                role=role,
                                goals=rng.choice(GOALS[role]),
                                capacity=(rng.choice((1, 2, 2, 3)) if role == "mentor" else None),
                            ),
                        )
                        enrolment.readiness = _readiness(spec.kind, role, rng)
                        enrolment.save(update_fields=["readiness"])
            created.append(program)
    return created
