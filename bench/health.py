"""Server time and queries of the programme health page on a large programme.

    python -m bench.health [--participants 10000] [--requests 20] [--json] [--create-database]
                           [--filters "side=mentor&generation=millennial"]

Fills one programme with N participants, N/2 mentorships, 12 sessions per mentorship (60,000
for N = 10,000), two feedback rows for most held sessions (about 100,000), start and end
self-assessments and evaluations, then requests /programs/<slug>/health/ through Django's test
client and prints p50/p95 server time and the query count. The bulk fill skips the signals that
keep the page's sums, so it sums them itself, each pair's rhythm as of 20 days before: every
pair then has a session the page must read as pending, a harder case than a live programme's.
DATABASE_URL picks the database (a temporary SQLite file by default; with --create-database a
fresh PostgreSQL database that is dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

from bench.environment import bench_database, counting_queries, max_rss_mb

BATCH = 5000
RHYTHM_AGE_DAYS = 20


def fill(participants: int, seed: int = 7) -> tuple[str, int, int, int]:
    """Create the programme and its data in bulk: (slug, manager id, sessions, feedback rows)."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Q
    from django.utils import timezone

    from balik.accounts.models import User
    from balik.feedback.models import Answer, ProgramEvaluation, Question, SessionFeedback
    from balik.insights.rhythm import refresh_rhythms
    from balik.insights.tallies import refresh_competency_tallies, refresh_feedback_tallies
    from balik.mentorships.agendas import agenda_copy_times
    from balik.mentorships.models import Agenda, Mentorship, Session
    from balik.mentorships.sessions import booked_times_record
    from balik.people.models import Person
    from balik.programs.models import Enrolment, Program

    rng = random.Random(seed)
    now = timezone.now()
    password = make_password(None)
    users = User.objects.bulk_create(
        [
            User(email=f"bench{i}@example.id", full_name=f"Bench Person {i}", password=password)
            for i in range(participants + 1)
        ],
        batch_size=BATCH,
    )
    manager = users[-1]
    User.objects.filter(pk=manager.pk).update(is_org_admin=True)
    departments = ["Marketing", "Finance", "Technology", "Operations", "People", "Sales"]
    people = Person.objects.bulk_create(
        [
            Person(
                user=user,
                full_name=user.full_name,
                department=departments[i % len(departments)],
                seniority_level=2 if i % 2 == 0 else 8,
                birth_year=1965 + i % 40,
                languages=["id", "en"],
            )
            for i, user in enumerate(users[:-1])
        ],
        batch_size=BATCH,
    )
    program = Program.objects.create(
        name="Bench reverse programme", slug="bench-health", kind="reverse", status="active"
    )
    program.managers.add(manager)
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                program=program,
                person=person,
                role="mentor" if i % 2 == 0 else "mentee",
                enrolled_at=now - timedelta(days=rng.randint(60, 120)),
            )
            for i, person in enumerate(people)
        ],
        batch_size=BATCH,
    )
    mentorships = Mentorship.objects.bulk_create(
        [
            Mentorship(
                program=program,
                mentor=people[2 * k],
                mentee=people[2 * k + 1],
                created_at=now - timedelta(days=180),
            )
            for k in range(participants // 2)
        ],
        batch_size=BATCH,
    )
    sessions = []
    for mentorship in mentorships:
        for n in range(12):
            start = now - timedelta(days=170 - 14 * n, hours=rng.randint(0, 8))
            held = start < now
            sessions.append(
                Session(
                    mentorship=mentorship,
                    status="held" if held else "booked",
                    attendance="held" if held else "",
                    starts_at=start,
                    ends_at=start + timedelta(hours=1),
                    leader="mentor",
                    proposed_by_id=mentorship.mentee_id,
                    uid=f"bench-{mentorship.pk}-{n}@balik",
                )
            )
    sessions = Session.objects.bulk_create(sessions, batch_size=BATCH)
    booked_times_record(sessions)  # the booked ones' times, as booking through the app writes
    Agenda.objects.bulk_create(
        [
            Agenda(
                session=s,
                author_id=s.mentorship.mentor_id,
                topics="t",
                submitted_at=s.starts_at - timedelta(hours=rng.choice((2, 30, 48))),
            )
            for s in sessions
            if rng.random() < 0.8
        ],
        batch_size=BATCH,
    )
    agenda_copy_times(Session.objects.filter(mentorship__program=program))
    feedback = []
    for s in sessions:
        if s.status != "held":
            continue
        for author in (s.mentorship.mentor_id, s.mentorship.mentee_id):
            if len(feedback) < participants * 10 and rng.random() < 0.95:
                feedback.append(
                    SessionFeedback(
                        session=s,
                        mentorship=s.mentorship,
                        author_id=author,
                        rating=rng.randint(3, 5),
                        usefulness=rng.randint(2, 5),
                        preparation=rng.randint(2, 5),
                        psychological_safety=rng.randint(3, 5),
                        comment=rng.choice(("", "", "Helpful", "Sangat bermanfaat")),
                    )
                )
    SessionFeedback.objects.bulk_create(feedback, batch_size=BATCH)
    refresh_feedback_tallies(Q(mentorship__program=program))
    # Bulk writes skip the signals that keep the health page's sums. The rhythms are summed as
    # of 20 days ago, so that every pair's latest session is read as pending, the way a pair
    # looks when nothing of theirs was written since it was booked.
    refresh_rhythms(
        Mentorship.objects.filter(program=program), now=now - timedelta(days=RHYTHM_AGE_DAYS)
    )
    questions = list(Question.objects.filter(program__isnull=True, kind="reverse"))
    answers = []
    for i, person in enumerate(people):
        side = "mentor" if i % 2 == 0 else "mentee"
        for question in questions:
            if question.audience != side:
                continue
            before = rng.randint(1, 4)
            answers.append(
                Answer(
                    program=program, person=person, question=question, phase="start", value=before
                )
            )
            answers.append(
                Answer(
                    program=program,
                    person=person,
                    question=question,
                    phase="end",
                    value=min(5, before + rng.choice((0, 1, 1, 2))),
                )
            )
    Answer.objects.bulk_create(answers, batch_size=BATCH)
    refresh_competency_tallies(Q(program=program))
    ProgramEvaluation.objects.bulk_create(
        [
            ProgramEvaluation(
                program=program,
                person=person,
                satisfaction=rng.randint(3, 5),
                recommend=rng.randint(5, 10),
            )
            for person in people[: participants // 2]
        ],
        batch_size=BATCH,
    )
    return program.slug, manager.pk, len(sessions), len(feedback)


def settle_statistics() -> None:
    """Vacuum and refresh the planner's statistics, as autovacuum does within a minute of a bulk
    load in production; without them PostgreSQL plans for tables it still believes empty, and
    scans the dead rows the agenda-time update left behind."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def measure(slug: str, manager_id: int, requests: int, filters: str = "") -> dict[str, Any]:
    from django.db import transaction
    from django.test import Client

    from balik.accounts.models import User
    from balik.core.memory import freeze_loaded_objects

    client = Client()
    client.force_login(User.objects.get(pk=manager_id))
    url = f"/programs/{slug}/health/" + (f"?{filters}" if filters else "")
    freeze_loaded_objects()  # as `balik serve` does in each worker
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    # inside a transaction the page runs every query on this connection, where they are counted
    with transaction.atomic(), counting_queries() as counter:
        client.get(url)
    timings, cpu = [], []
    for _ in range(requests):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    timings.sort()
    return {
        "queries": counter["queries"],
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        # the server process's own CPU time (its threads included, the database's not): a
        # figure that other work on the machine does not inflate as it does the wall time
        "python_cpu_p50_ms": round(statistics.median(cpu), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--create-database", action="store_true")
    parser.add_argument(
        "--filters",
        default="",
        help="the page's filters as a query string, e.g. side=mentor&department=Finance: a "
        "filtered page also works out which of its anonymous figures it may show",
    )
    options = parser.parse_args(argv)
    if options.participants < 10 or options.requests < 1:
        parser.error("--participants must be at least 10 and --requests at least 1")
    with bench_database(
        create_postgres=options.create_database,
        extra_env={"BALIK_TESTING": "1", "ALLOWED_HOSTS": "testserver", "BALIK_HTTPS": "0"},
    ) as database_url:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        slug, manager_id, sessions, feedback = fill(options.participants)
        filled = time.perf_counter() - started
        settle_statistics()
        result = {
            "database": database_url.split(":", 1)[0],
            "participants": options.participants,
            "mentorships": options.participants // 2,
            "sessions": sessions,
            "feedback": feedback,
            "fill_seconds": round(filled, 1),
            "filters": options.filters,
            **measure(slug, manager_id, options.requests, options.filters),
            "max_rss_mb": round(max_rss_mb(), 1),
        }
    if options.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>14}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
