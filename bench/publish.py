"""Time to publish a matching run, and what it leaves in the outbox.

    python -m bench.publish [--pairs 480] [--json] [--create-database]

Fills one reverse-mentoring programme with `--pairs` mentors and as many mentees (each with an
account), and a finished matching run pairing them with the reasons a run stores (people and
skills named by key); then publishes it as the web page does
(`run_publish`) against a local SMTP server (aiosmtpd) on a free loopback port, and prints the
seconds the publish took, the outbox rows it wrote and the e-mails the server received during
it. Then it delivers the outbox as the worker does, one message at a time, and prints how long
that took and how many e-mails arrived in all.

DATABASE_URL picks the database (a temporary SQLite file by default; with --create-database a
fresh PostgreSQL database that is dropped afterwards).
"""

from __future__ import annotations

import argparse
import json
import socket
import sys
import threading
import time
from typing import Any

from bench.environment import bench_database, max_rss_mb

BATCH = 2000


class CountingSMTP:
    """Counts the messages a local SMTP server accepts."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        with self.lock:
            self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fill(pairs: int) -> tuple[Any, Any]:
    """(the manager, the finished run) of a programme with `pairs` proposed pairs."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from balik.accounts.models import User
    from balik.matching.models import MatchRun, ProposedPair, RunStatus
    from balik.people.models import Person, Skill
    from balik.programs.models import Enrolment, Program

    password = make_password(None)
    manager = User.objects.create(
        email="bench-manager@example.id", full_name="Bench Manager", password=password
    )
    users = User.objects.bulk_create(
        [
            User(email=f"bench{n}@example.id", full_name=f"Bench Person {n}", password=password)
            for n in range(2 * pairs)
        ],
        batch_size=BATCH,
    )
    people = Person.objects.bulk_create(
        [
            Person(
                user=user,
                full_name=user.full_name,
                department="Digital" if n % 2 == 0 else "Finance",
                seniority_level=2 if n % 2 == 0 else 8,
                languages=["id", "en"],
            )
            for n, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    content, strategy = Skill.objects.bulk_create(
        [
            Skill(slug="bench-content", name_en="Short video", name_id="Video pendek"),
            Skill(slug="bench-strategy", name_en="Strategy", name_id="Strategi"),
        ]
    )
    program = Program.objects.create(
        name="Bench publish", slug="bench-publish", kind="reverse", status="matching"
    )
    program.managers.add(manager)
    Enrolment.objects.bulk_create(
        [
            Enrolment(program=program, person=person, role="mentor" if n % 2 == 0 else "mentee")
            for n, person in enumerate(people)
        ],
        batch_size=BATCH,
    )
    run = MatchRun.objects.create(
        program=program,
        status=RunStatus.DONE,
        started_by=manager,
        finished_at=timezone.now(),
        participants=2 * pairs,
    )
    ProposedPair.objects.bulk_create(
        [
            ProposedPair(
                run=run,
                mentor=people[2 * k],
                mentee=people[2 * k + 1],
                score=0.8,
                components={"skill": 0.9, "availability": 0.7},
                reasons=reasons(people[2 * k].pk, people[2 * k + 1].pk, content.pk, strategy.pk),
            )
            for k in range(pairs)
        ],
        batch_size=BATCH,
    )
    return manager, run


def reasons(mentor: int, mentee: int, skill: int, back: int) -> list[dict[str, Any]]:
    """Reasons as a run stores them: people and skills by primary key."""
    return [
        {
            "code": "teaches_skill",
            "teacher": mentor,
            "learner": mentee,
            "skill": skill,
            "level": 3,
            "priority": 1,
        },
        {"code": "teaches_back", "teacher": mentee, "skill": back, "level": 3},
        {"code": "hours_in_common", "hours": 3.0},
        {"code": "different_departments"},
    ]


def outbox_rows() -> int:
    from balik.notifications.models import Notification

    return Notification.objects.count()


def deliver_all() -> float:
    """Seconds for workers' rounds to send every due e-mail."""
    from balik.notifications.services import emails_deliver

    started = time.perf_counter()
    while emails_deliver():
        pass
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=480)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--create-database", action="store_true")
    options = parser.parse_args(argv)
    if options.pairs < 1:
        parser.error("--pairs must be at least 1")
    from aiosmtpd.controller import Controller

    counter = CountingSMTP()
    server = Controller(counter, hostname="127.0.0.1", port=free_port())
    server.start()
    try:
        with bench_database(
            create_postgres=options.create_database,
            extra_env={"EMAIL_URL": f"smtp://127.0.0.1:{server.port}", "BALIK_HTTPS": "0"},
        ) as database_url:
            from django.core.management import call_command

            from balik.matching.services import run_publish

            call_command("migrate", verbosity=0)
            manager, run = fill(options.pairs)
            started = time.perf_counter()
            created = run_publish(manager, run).created
            published = time.perf_counter() - started
            during_publish = counter.received
            result = {
                "database": database_url.split(":", 1)[0],
                "pairs": options.pairs,
                "mentorships": len(created),
                "publish_seconds": round(published, 2),
                "outbox_rows": outbox_rows(),
                "emails_during_publish": during_publish,
                "deliver_seconds": round(deliver_all(), 2),
                "emails_received": counter.received,
                "max_rss_mb": round(max_rss_mb(), 1),
            }
    finally:
        server.stop()
    if options.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>22}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
