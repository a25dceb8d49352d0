"""`balik worker` stops when asked: SIGTERM or SIGINT, while it sends or while it sleeps, ends
it within EMAIL_TIMEOUT and a few seconds, with code 0, the message in hand finished."""

import json
import signal
import time

import pytest

from tests.notifications.worker_process import (
    environment,
    run_python,
    smtp_server,  # noqa: F401 (fixture)
    start_worker,
    wait_until,
    worker_database,  # noqa: F401 (fixture)
)

EMAIL_TIMEOUT = 5
BOUND = EMAIL_TIMEOUT + 5

FILL = """
from balik.accounts.models import User
from balik.notifications.services import notify
users = User.objects.bulk_create(
    [User(email=f"stop{n}@example.id", full_name="P") for n in range(400)]
)
for n, user in enumerate(users):
    notify(user, "nudge", f"stop-{n}", lambda: ("A nudge", "Meet soon"), "/")
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
