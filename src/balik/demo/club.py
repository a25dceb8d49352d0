"""The demo organisation's Mentorship Club, alive on first start: 52 mentors from data to
digital marketing (juniors offering TikTok, AI tools and social media to seniors among them),
their topics in English and Indonesian, open hours from their weekly availability, packages
granted by default and by department, six months of held sessions rated by both sides, a few
no-shows (one person's booking paused, waiting for the talk that lifts it), and upcoming
bookings made through the Club's own services.

The history is written in bulk, consistent with what the services write for a held session
(an accepted `Booking` with its `Session` held, the agenda from the preparation, both sides'
attendance and `SessionFeedback`), so that loading stays fast. Idempotent: a Club that has
bookings already is left as it is; packages and grants are found by name.
"""

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import override

from balik.club.models import (
    AttendanceRecord,
    Audience,
    Booking,
    BookingPause,
    BookingStatus,
    MentorSettings,
    Miss,
    MissKind,
    Offering,
    OfferingFormat,
    Outcome,
    Package,
    PackageGrant,
    SearchMiss,
)
from balik.club.services import (
    ANSWER_WITHIN,
    Preparation,
    booking_accept,
    booking_create,
    club_program,
    open_slots,
)
from balik.core.errors import BalikError
from balik.feedback.models import SessionFeedback
from balik.mentorships.models import (
    Agenda,
    Attendance,
    Mentorship,
    MentorshipOrigin,
    Session,
    SessionStatus,
    Side,
)
from balik.people.models import AvailabilitySlot, Person, PersonSkill, SkillDirection

DEMO_DOMAIN = "nusantara.example"
SEED = 20261203
JUNIOR_MENTORS = 30
SENIOR_MENTORS = 22
WEEKS = 30
DIGITAL = ("digital_social", "data_ai", "technology")

# name, sessions, months; who gets it (None: everyone by default; a department; a login)
PACKAGES = (
    ("Starter", 2, 1, [None]),
    ("Growth", 4, 1, ["Marketing", "Data & Analytics"]),
    ("Bootcamp", 8, 2, [f"mentee@{DEMO_DOMAIN}"]),
)

TITLES = {
    "digital_social": (
        ("{en} for busy leaders", "{id} untuk pemimpin yang sibuk"),
        ("Getting started with {en}", "Mulai dengan {id}"),
    ),
    "data_ai": (
        ("{en} in everyday work", "{id} dalam pekerjaan sehari-hari"),
        ("{en}: one practical hour", "{id}: satu jam praktik"),
    ),
    "technology": (("{en} without the jargon", "{id} tanpa istilah rumit"),),
    "leadership_strategy": (("{en}: lessons from the field", "{id}: pelajaran dari lapangan"),),
}
ANY_TITLE = (("Talk through {en}", "Diskusi tentang {id}"),)
DESCRIPTION_EN = (
    "Bring one real question from your work. We look at it together and you leave with one "
    "thing to try this week."
)
DESCRIPTION_ID = (
    "Bawa satu pertanyaan nyata dari pekerjaan Anda. Kita bahas bersama dan Anda pulang dengan "
    "satu hal untuk dicoba minggu ini."
)
PREPARATIONS = (
    Preparation(
        learn="How to plan a month of content for our brand",
        questions="Which formats work for B2B? How often should we post?",
        research="Looked at our last 30 posts and two competitors' accounts",
        challenge="Tell me what is wrong with my draft calendar",
    ),
    Preparation(
        learn="Menggunakan asisten AI untuk menyusun laporan mingguan",
        questions="Apa yang aman dibagikan ke alat AI? Bagaimana memeriksa hasilnya?",
        research="Mencoba dua alat AI dengan laporan bulan lalu",
        challenge="Periksa prompt saya dan perbaiki",
    ),
    Preparation(
        learn="Reading a dashboard and asking the right question of it",
        questions="Which three numbers should I look at every Monday?",
        research="Went through the sales dashboard and wrote down what confused me",
    ),
    Preparation(
        learn="Memimpin rapat tim yang lebih singkat dan jelas",
        questions="Bagaimana menutup rapat dengan keputusan?",
        research="Mencatat durasi lima rapat terakhir",
        challenge="Beri saya satu kebiasaan untuk dicoba",
    ),
)
MENTEE_COMMENTS = (
    "Very practical, I tried it the next day.",
    "Sangat membantu, penjelasannya jelas.",
    "Great examples from our own accounts.",
    "Saya jadi berani mencoba TikTok untuk tim.",
    "",
    "",
)
MENTOR_COMMENTS = ("Well prepared questions.", "Persiapannya bagus sekali.", "", "")
# searches that found nobody: where the Club should recruit mentors
SEARCH_MISSES = (
    ("Mandarin for business", "", 4),
    ("Negotiation", "id", 6),
    ("Public speaking", "", 9),
    ("Excel macros", "en", 5),
    ("Personal branding on LinkedIn", "", 3),
)


@dataclass(frozen=True)
class ClubSummary:
    mentors: int
    offerings: int
    held: int
    upcoming: int


def _pick_mentors(people: list[Person], rng: random.Random) -> list[Person]:
    teaches: dict[int, list[PersonSkill]] = defaultdict(list)
    for person_skill in PersonSkill.objects.filter(direction=SkillDirection.TEACH).select_related(
        "skill"
    ):
        teaches[person_skill.person_id].append(person_skill)
    by_email = {p.email: p for p in people}
    demo_mentor = by_email.get(f"mentor@{DEMO_DOMAIN}")
    logins = {f"{role}@{DEMO_DOMAIN}" for role in ("mentee", "admin", "pm")}
    juniors = [
        p
        for p in people
        if p.seniority_level <= 3
        and p.email not in logins
        and p != demo_mentor
        and any(s.skill.category in DIGITAL for s in teaches[p.pk])
    ]
    seniors = [
        p for p in people if p.seniority_level >= 4 and p.email not in logins and teaches[p.pk]
    ]
    chosen = rng.sample(juniors, min(JUNIOR_MENTORS - 1, len(juniors)))
    if demo_mentor is not None:
        chosen.insert(0, demo_mentor)
    chosen += rng.sample(seniors, min(SENIOR_MENTORS, len(seniors)))
    for person in chosen:
        person.demo_teaches = teaches[person.pk]
    return chosen


def _offerings(mentors: list[Person], rng: random.Random) -> list[Offering]:
    made = []
    for mentor in mentors:
        skills = sorted(mentor.demo_teaches, key=lambda s: (-s.level if s.level else 0, s.pk))
        if mentor.seniority_level <= 3:
            skills = [s for s in skills if s.skill.category in DIGITAL] or skills
        for person_skill in skills[: rng.choice((1, 2, 2))]:
            skill = person_skill.skill
            title_en, title_id = rng.choice(TITLES.get(skill.category, ANY_TITLE))
            reverse = mentor.seniority_level <= 3 and rng.random() < 0.4
            made.append(
                Offering(
                    mentor=mentor,
                    skill=skill,
                    title_en=title_en.format(en=skill.name_en),
                    title_id=title_id.format(id=skill.name_id),
                    description_en=DESCRIPTION_EN,
                    description_id=DESCRIPTION_ID,
                    format=rng.choice(
                        (OfferingFormat.VIDEO, OfferingFormat.VIDEO, OfferingFormat.IN_PERSON)
                    ),
                    minutes=rng.choice((30, 45, 60, 60)),
                    # reverse mentoring on demand: a junior's digital topic for seniors only
                    audience=Audience.SENIORITY if reverse else Audience.EVERYONE,
                    seniority_min=6 if reverse else 1,
                )
            )
    return Offering.objects.bulk_create(made)


def _packages() -> None:
    people = {
        p.email: p
        for p in Person.objects.filter(user__email__endswith=f"@{DEMO_DOMAIN}").select_related(
            "user"
        )
    }
    for name, sessions, months, targets in PACKAGES:
        package, _created = Package.objects.get_or_create(
            name=name, defaults={"sessions": sessions, "period_months": months}
        )
        for target in targets:
            if target is None:
                PackageGrant.objects.get_or_create(package=package, person=None, department="")
            elif "@" in target:
                if target in people:
                    PackageGrant.objects.get_or_create(
                        package=package, person=people[target], department=""
                    )
            else:
                PackageGrant.objects.get_or_create(package=package, person=None, department=target)


class _Calendar:
    """Who is taken when, places used in each mentor's month and credits in each mentee's."""

    def __init__(self) -> None:
        self.taken: set[tuple[int, datetime]] = set()
        self.mentor_month: dict[tuple[int, int, int], int] = defaultdict(int)
        self.mentee_month: dict[tuple[int, int, int], int] = defaultdict(int)

    def free(self, mentor: Person, mentee: Person, start: datetime, limit: int) -> bool:
        month = start.astimezone(ZoneInfo(mentor.timezone))
        return (
            (mentor.pk, start) not in self.taken
            and (mentee.pk, start) not in self.taken
            and self.mentor_month[(mentor.pk, month.year, month.month)] < limit
            and self.mentee_month[(mentee.pk, start.year, start.month)] < self.allowance(start)
        )

    def allowance(self, start: datetime) -> int:
        # the Starter package's two a month; one in the current month, so a credit is left
        today = timezone.now()
        return 1 if (start.year, start.month) == (today.year, today.month) else 2

    def take(self, mentor: Person, mentee: Person, start: datetime) -> None:
        month = start.astimezone(ZoneInfo(mentor.timezone))
        self.taken |= {(mentor.pk, start), (mentee.pk, start)}
        self.mentor_month[(mentor.pk, month.year, month.month)] += 1
        self.mentee_month[(mentee.pk, start.year, start.month)] += 1


def _history(
    offerings: list[Offering],
    people: list[Person],
    limits: dict[int, int],
    auto: dict[int, bool],
    rng: random.Random,
) -> int:
    """Seven months of held sessions, about one a week for each mentor."""
    program = club_program()
    now = timezone.now()
    weekly: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for person_id, weekday, start, end in AvailabilitySlot.objects.values_list(
        "person_id", "weekday", "start_time", "end_time"
    ):
        first = start.hour + (1 if start.minute else 0)
        last = 24 if end.hour == 0 else end.hour  # a whole hour fits before `last`
        if first < last:
            weekly[person_id].append((weekday, first, last))
    calendar = _Calendar()
    pairs: dict[tuple[int, int], Mentorship] = {}
    plans = []
    by_mentor: dict[int, list[Offering]] = defaultdict(list)
    for offering in offerings:
        by_mentor[offering.mentor_id].append(offering)
    for week in range(WEEKS, 0, -1):
        for mentor_offerings in by_mentor.values():
            offering = rng.choice(mentor_offerings)
            mentor = offering.mentor
            ranges = weekly.get(mentor.pk)
            if not ranges or rng.random() < 0.04:
                continue
            weekday, first_hour, last_hour = rng.choice(ranges)
            zone = ZoneInfo(mentor.timezone)
            monday = (now - timedelta(weeks=week)).astimezone(zone).date()
            monday -= timedelta(days=monday.weekday())
            day = monday + timedelta(days=weekday)
            start = datetime(
                day.year, day.month, day.day, rng.randrange(first_hour, last_hour), tzinfo=zone
            ).astimezone(ZoneInfo("UTC"))
            if start + timedelta(hours=2) > now:
                continue
            for _try in range(12):
                mentee = rng.choice(people)
                if offering.admits(mentee) and calendar.free(
                    mentor, mentee, start, limits[mentor.pk]
                ):
                    break
            else:
                continue
            calendar.take(mentor, mentee, start)
            if (mentor.pk, mentee.pk) not in pairs:
                pairs[(mentor.pk, mentee.pk)] = Mentorship(
                    program=program,
                    mentor=mentor,
                    mentee=mentee,
                    origin=MentorshipOrigin.REQUESTED,
                    created_at=start - timedelta(days=3),
                )
            plans.append((offering, mentor, mentee, start))
    Mentorship.objects.bulk_create(pairs.values())
    sessions, bookings, agendas, feedback, records, misses = [], [], [], [], [], []
    for offering, mentor, mentee, start in plans:
        end = start + timedelta(minutes=offering.minutes)
        created = start - timedelta(days=rng.choice((2, 3, 5, 7)), hours=rng.randint(0, 8))
        answered = created + (
            timedelta(0) if auto[mentor.pk] else timedelta(hours=rng.choice((1, 3, 6, 20, 30)))
        )
        roll = rng.random()
        outcome = (
            Outcome.MENTEE_ABSENT
            if roll < 0.025
            else Outcome.MENTOR_ABSENT
            if roll < 0.035
            else Outcome.HELD
        )
        session = Session(
            mentorship=pairs[(mentor.pk, mentee.pk)],
            status=SessionStatus.HELD,
            attendance={
                Outcome.HELD: Attendance.HELD,
                Outcome.MENTEE_ABSENT: Attendance.MENTEE_ABSENT,
                Outcome.MENTOR_ABSENT: Attendance.MENTOR_ABSENT,
            }[outcome],
            starts_at=start,
            ends_at=end,
            zone=mentee.timezone,
            leader=Side.MENTEE,
            location=str(OfferingFormat(offering.format).label),
            proposed_by=mentee,
            uid=f"{uuid.UUID(int=rng.getrandbits(128))}@balik",
        )
        preparation = rng.choice(PREPARATIONS)
        sessions.append(session)
        bookings.append(
            Booking(
                offering=offering,
                mentor=mentor,
                mentee=mentee,
                starts_at=start,
                ends_at=end,
                status=BookingStatus.ACCEPTED,
                learn=preparation.learn,
                research=preparation.research,
                questions=preparation.questions,
                challenge=preparation.challenge,
                session=session,
                created_at=created,
                expires_at=min(created + ANSWER_WITHIN, start),
                answered_at=answered,
            )
        )
        agendas.append(
            Agenda(
                session=session,
                author=mentee,
                topics=offering.title_en or offering.title_id,
                objectives=preparation.learn,
                research=preparation.research,
                key_questions=preparation.questions,
                challenges=preparation.challenge,
                submitted_at=created,
            )
        )
        if outcome != Outcome.HELD:
            absent = mentee if outcome == Outcome.MENTEE_ABSENT else mentor
            misses.append((absent, len(bookings) - 1, start))
            records.append((len(bookings) - 1, mentor if absent == mentee else mentee, outcome))
            continue
        records += [(len(bookings) - 1, mentor, outcome), (len(bookings) - 1, mentee, outcome)]
        rated = start + timedelta(hours=rng.randint(1, 48))
        if rng.random() < 0.95:
            feedback.append(
                SessionFeedback(
                    session=session,
                    mentorship=session.mentorship,
                    author=mentee,
                    rating=rng.choices((5, 4, 3), weights=(76, 20, 4))[0],
                    usefulness=rng.choice((4, 5, 5)),
                    preparation=rng.choice((4, 4, 5)),
                    psychological_safety=rng.choice((4, 5, 5, 5)),
                    comment=rng.choice(MENTEE_COMMENTS),
                    created_at=rated,
                )
            )
        if rng.random() < 0.8:
            feedback.append(
                SessionFeedback(
                    session=session,
                    mentorship=session.mentorship,
                    author=mentor,
                    rating=rng.choices((5, 4), weights=(70, 30))[0],
                    usefulness=rng.choice((4, 5)),
                    preparation=rng.choice((3, 4, 5, 5)),
                    psychological_safety=rng.choice((4, 5, 5)),
                    comment=rng.choice(MENTOR_COMMENTS),
                    created_at=rated,
                )
            )
    Session.objects.bulk_create(sessions)
    for booking in bookings:
        booking.session_id = booking.session.pk
    Booking.objects.bulk_create(bookings)
    for agenda in agendas:
        agenda.session_id = agenda.session.pk
    Agenda.objects.bulk_create(agendas)
    for item in feedback:
        item.session_id = item.session.pk
        item.mentorship_id = item.mentorship.pk
    SessionFeedback.objects.bulk_create(feedback)
    AttendanceRecord.objects.bulk_create(
        AttendanceRecord(
            booking=bookings[index],
            recorder=recorder,
            outcome=outcome,
            recorded_at=bookings[index].ends_at + timedelta(hours=1),
        )
        for index, recorder, outcome in records
    )
    Miss.objects.bulk_create(
        Miss(person=person, booking=bookings[index], kind=MissKind.NO_SHOW, at=at)
        for person, index, at in misses
    )
    return len(sessions)


def _pause_one(people: list[Person], rng: random.Random) -> None:
    """One colleague missed two sessions this month: their booking waits for the talk with the
    programme manager (the way back a manager opens on the Club's packages page)."""
    recent = list(
        Booking.objects.filter(
            status=BookingStatus.ACCEPTED,
            starts_at__gte=timezone.now() - timedelta(days=25),
            starts_at__lt=timezone.now(),
        )
        .exclude(mentee__user__email=f"mentee@{DEMO_DOMAIN}")
        .exclude(misses__isnull=False)
        .select_related("mentee")
        .order_by("starts_at")[:1]
    )
    if not recent:
        return
    person = recent[0].mentee
    others = list(
        Booking.objects.filter(mentee=person, starts_at__lt=recent[0].starts_at)
        .exclude(misses__isnull=False)
        .order_by("-starts_at")[:1]
    )
    for booking in [*recent, *others][:2]:
        booking.misses.create(person=person, kind=MissKind.NO_SHOW, at=timezone.now())
        Session.objects.filter(pk=booking.session_id).update(attendance=Attendance.MENTEE_ABSENT)
        SessionFeedback.objects.filter(session_id=booking.session_id).delete()
        AttendanceRecord.objects.filter(booking=booking).delete()
        AttendanceRecord.objects.create(
            booking=booking, recorder=booking.mentor, outcome=Outcome.MENTEE_ABSENT
        )
    BookingPause.objects.create(
        person=person,
        reason=(
            "Two Club sessions were missed or cancelled late within 30 days. Mentors give "
            "their time, so new bookings wait until you have talked with your programme "
            "manager, who can take the pause off."
        ),
    )


def _upcoming(offerings: list[Offering], people: list[Person], rng: random.Random) -> int:
    """Bookings of the next two weeks, made through the Club's services: the demo mentor has
    requests to answer, the demo mentee an accepted session and a waiting request."""
    by_email = {p.email: p for p in people}
    demo_mentor = by_email.get(f"mentor@{DEMO_DOMAIN}")
    demo_mentee = by_email.get(f"mentee@{DEMO_DOMAIN}")
    now = timezone.now()
    plans: list[tuple[Person, Offering, bool]] = []
    theirs = [o for o in offerings if demo_mentor is not None and o.mentor_id == demo_mentor.pk]
    seniors = [p for p in people if p.seniority_level >= 6 and p not in (demo_mentor, demo_mentee)]
    for offering in theirs[:1]:
        plans += [(mentee, offering, False) for mentee in rng.sample(seniors, 2)]
    if demo_mentee is not None:
        others = [
            o
            for o in offerings
            if o.admits(demo_mentee) and o.mentor_id != getattr(demo_mentor, "pk", 0)
        ]
        plans += [(demo_mentee, o, i == 0) for i, o in enumerate(rng.sample(others, 2))]
    booked = 0
    for mentee, offering, accept in plans:
        starts = open_slots(
            offering.mentor,
            for_person=mentee,
            start=now + timedelta(days=2),
            end=now + timedelta(days=12),
            minutes=offering.minutes,
            count=20,
        )
        for start in starts[rng.randrange(len(starts)) :] if starts else []:
            try:
                booking = booking_create(
                    mentee.user, offering, starts_at=start, preparation=rng.choice(PREPARATIONS)
                )
            except BalikError:
                continue
            if accept and booking.status == BookingStatus.REQUESTED:
                booking_accept(offering.mentor.user, booking)
            booked += 1
            break
    return booked


def load_demo_club() -> ClubSummary | None:
    """Fill the demo organisation's Club (once; a Club with bookings is left as it is)."""
    people = list(Person.objects.select_related("user").order_by("pk"))
    if not people:
        return None
    with transaction.atomic(), override("en"):
        _packages()
        if Booking.objects.exists():
            return ClubSummary(
                mentors=Offering.objects.open().values("mentor_id").distinct().count(),
                offerings=Offering.objects.count(),
                held=Session.objects.filter(
                    mentorship__program=club_program(), status=SessionStatus.HELD
                ).count(),
                upcoming=Booking.objects.filter(
                    status__in=(BookingStatus.REQUESTED, BookingStatus.ACCEPTED),
                    starts_at__gt=timezone.now(),
                ).count(),
            )
        rng = random.Random(SEED)
        mentors = _pick_mentors(people, rng)
        limits, auto = {}, {}
        settings = []
        for mentor in mentors:
            limits[mentor.pk] = rng.choice((6, 8, 8, 10))
            auto[mentor.pk] = mentor.email != f"mentor@{DEMO_DOMAIN}" and rng.random() < 0.5
            settings.append(
                MentorSettings(
                    person=mentor, monthly_limit=limits[mentor.pk], auto_accept=auto[mentor.pk]
                )
            )
        MentorSettings.objects.bulk_create(settings, ignore_conflicts=True)
        offerings = _offerings(mentors, rng)
        for offering in offerings:
            offering.mentor = next(m for m in mentors if m.pk == offering.mentor_id)
        held = _history(offerings, people, limits, auto, rng)
        _pause_one(people, rng)
        upcoming = _upcoming(offerings, people, rng)
        SearchMiss.objects.bulk_create(
            SearchMiss(
                text=query,
                language=language,
                searched_at=timezone.now() - timedelta(days=rng.randint(0, 40), hours=n),
            )
            for query, language, times in SEARCH_MISSES
            for n in range(times)
        )
        _topic_misses(offerings, rng)
    return ClubSummary(mentors=len(mentors), offerings=len(offerings), held=held, upcoming=upcoming)


def _topic_misses(offerings: list[Offering], rng: random.Random) -> None:
    """Topic searches that found nobody: the skills most people want to learn that nobody
    offers yet, so the health page shows where to recruit mentors."""
    offered = {o.skill_id for o in offerings}
    wanted = (
        PersonSkill.objects.filter(direction=SkillDirection.LEARN)
        .exclude(skill_id__in=offered)
        .values_list("skill_id")
        .annotate(n=Count("person_id"))
        .order_by("-n", "skill_id")
        .values_list("skill_id", flat=True)[:4]
    )
    now = timezone.now()
    SearchMiss.objects.bulk_create(
        SearchMiss(skill_id=skill_id, searched_at=now - timedelta(days=rng.randint(0, 60)))
        for rank, skill_id in enumerate(wanted)
        for _n in range(8 - rank)
    )
