"""`balik worker` as a real process against a database it shares with the test, and a local
SMTP server that counts what it receives: for tests that kill or stop the worker."""

import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email import message_from_bytes
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

SOURCE = Path(__file__).resolve().parents[2] / "src"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class CountingHandler:
    """Counts each message received by its Message-ID and by its recipient."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.by_message_id: Counter[str] = Counter()
        self.by_recipient: Counter[str] = Counter()
        self.with_invite = 0

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.content)
        with self.lock:
            self.by_message_id[message["Message-ID"]] += 1
            for address in envelope.rcpt_tos:
                self.by_recipient[address] += 1
            if any(part.get_content_type() == "text/calendar" for part in message.walk()):
                self.with_invite += 1
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.by_message_id.values())


@pytest.fixture
def smtp_server():
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def worker_database(transactional_db, tmp_path) -> str:
    """A DATABASE_URL the worker process and the test both use: the test database itself on
    PostgreSQL (rows committed by a transactional test), a migrated file on SQLite (the test
    database there lives in memory).

    `transactional_db` is asked for by name, not looked up inside: pytest-django creates the
    test database only for the tests that name a database fixture or marker, so a file whose
    tests asked for it at run time alone would hand the worker the development database."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
        return (
            f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    subprocess.run(
        [sys.executable, "-m", "balik", "migrate", "-v0"],
        env=environment(url),
        check=True,
        timeout=120,
    )
    return url


def environment(database_url: str, smtp_port: int | None = None, **extra: str) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(SOURCE)),
        "PYTHONPATH": str(SOURCE),
        "SECRET_KEY": "worker-test",
        "DATABASE_URL": database_url,
        "EMAIL_TIMEOUT": "5",
        "BALIK_LOG_LEVEL": "ERROR",
    }
    if smtp_port is not None:
        env["EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    env.update(extra)
    return env


def run_python(env: dict[str, str], code: str) -> str:
    """Run `code` with Django set up against the worker's database; returns its stdout."""
    setup = "import django, os\nos.environ['DJANGO_SETTINGS_MODULE'] = 'balik.settings'\n"
    setup += "django.setup()\n"
    result = subprocess.run(  # noqa: S603 (this Python, the test's own code)
        [sys.executable, "-c", setup + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def start_worker(env: dict[str, str], *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (this Python, fixed arguments)
        [sys.executable, "-m", "balik", "worker", *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition, timeout: float, step: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()
