"""`balik worker` stops when asked: SIGTERM or SIGINT, while it sends or while it sleeps, ends
it within EMAIL_TIMEOUT and a few seconds, with code 0, the message in hand finished."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.notifications.worker_process import (
    SOURCE,
    environment,
    free_port,
    run_python,
    smtp_server,  # noqa: F401 (fixture)
    start_worker,
    wait_until,
    worker_database,  # noqa: F401 (fixture)
)

EMAIL_TIMEOUT = 5
REPOSITORY = SOURCE.parent
BOUND = EMAIL_TIMEOUT + 5

FILL = """
from balik.accounts.models import User
from balik.notifications.services import notify
users = User.objects.bulk_create(
    [User(email=f"stop{n}@example.id", full_name="P") for n in range(400)]
)
for n, user in enumerate(users):
    notify(user, "nudge", dedupe_key=f"stop-{n}", render=lambda: ("A nudge", "Meet soon"), url="/")
"""

STATE = """
import json
from collections import Counter
from balik.notifications.models import Notification
print(json.dumps(Counter(Notification.objects.values_list("email_status", flat=True))))
"""


def stopped_within(worker, bound: float) -> float:
    started = time.monotonic()
    worker.wait(timeout=bound)
    return time.monotonic() - started


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_busy_worker_finishes_the_message_in_hand_and_stops(
    worker_database,  # noqa: F811 (fixture)
    smtp_server,  # noqa: F811 (fixture)
    signum,
):
    env = environment(worker_database, smtp_server.port, EMAIL_TIMEOUT=str(EMAIL_TIMEOUT))
    run_python(env, FILL)
    worker = start_worker(env, "--interval", "0.2")
    assert wait_until(lambda: smtp_server.total() >= 5, timeout=30)
    worker.send_signal(signum)
    assert stopped_within(worker, BOUND) < BOUND
    assert worker.returncode == 0, worker.stderr.read()
    statuses = json.loads(run_python(env, STATE))
    assert "sending" not in statuses  # the message in hand was finished and recorded
    assert 0 < statuses["sent"] < 400  # it stopped between messages, not after all of them
    assert statuses["sent"] == smtp_server.total()


def test_a_sleeping_worker_stops_at_once(worker_database):  # noqa: F811 (fixture)
    env = environment(worker_database)
    worker = start_worker(env, "--interval", "600")
    assert worker.stdout.readline().startswith("balik worker: started")
    time.sleep(1)  # one round done, asleep for ten minutes
    assert worker.poll() is None
    worker.send_signal(signal.SIGTERM)
    assert stopped_within(worker, 3) < 3
    assert worker.returncode == 0, worker.stderr.read()


# `make run` with a stand-in virtualenv: its `balik` is this Python on this source, and its
# `demo` does nothing (loading the demo organisation takes about a minute). Everything else is
# the Makefile's own: the migration, then the line that starts the worker beside the server.
STAND_IN_BALIK = """#!/bin/sh
[ "$1" = demo ] && exit 0
exec %(python)s -m balik "$@"
"""


def processes_in_group(group: int) -> dict[int, str]:
    """pid -> command line of every live process in the process group."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # it ended while we looked
        state, process_group = fields[0], int(fields[2])
        if process_group == group and state != "Z":
            found[int(entry.name)] = command
    return found


def test_ctrl_c_on_make_run_stops_the_server_and_the_busy_worker(
    worker_database,  # noqa: F811 (fixture)
    smtp_server,  # noqa: F811 (fixture)
    tmp_path,
):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    balik = venv / "bin" / "balik"
    balik.write_text(STAND_IN_BALIK % {"python": sys.executable})
    balik.chmod(0o755)
    (venv / ".installed").touch()  # newer than pyproject.toml: make installs nothing
    port = free_port()
    env = environment(
        worker_database,
        smtp_server.port,
        EMAIL_TIMEOUT=str(EMAIL_TIMEOUT),
        BALIK_DATA_DIR=str(tmp_path),
        HOME=str(tmp_path),  # gunicorn's control socket goes there
    )
    run_python(env, FILL)
    log = tmp_path / "make-run.log"
    with log.open("w") as output:
        make = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                shutil.which("make") or "/usr/bin/make",
                "-C",
                str(REPOSITORY),
                "run",
                f"VENV={venv}",
                f"PORT={port}",
            ],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's foreground job
        )
    try:
        assert wait_until(
            lambda: (
                "balik worker: started" in log.read_text() and "Listening at" in log.read_text()
            ),
            timeout=90,
            step=0.2,
        ), log.read_text()
        assert wait_until(lambda: smtp_server.total() >= 5, timeout=30)  # busy sending
        running = processes_in_group(make.pid)
        assert any("balik worker" in command for command in running.values()), running
        assert any("balik serve" in command for command in running.values()), running
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        assert wait_until(lambda: not processes_in_group(make.pid), timeout=BOUND, step=0.1), (
            processes_in_group(make.pid),
            log.read_text(),
        )
        make.wait(timeout=5)
        statuses = json.loads(run_python(env, STATE))
        assert "sending" not in statuses  # the worker finished the message in hand
        assert 0 < statuses["sent"] < 400
    finally:
        if processes_in_group(make.pid):
            os.killpg(make.pid, signal.SIGKILL)
        make.wait(timeout=5)
