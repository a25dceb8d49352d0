"""The worker killed with SIGKILL again and again while it sends: every message still arrives,
and each kill costs at most one duplicate (the message in flight), recognisable by its
Message-ID. Against a real SMTP server (aiosmtpd) and a real `balik worker` process."""

import json
import random
import signal
import time

from tests.notifications.worker_process import (
    environment,
    run_python,
    smtp_server,  # noqa: F401 (fixture)
    start_worker,
    wait_until,
    worker_database,  # noqa: F401 (fixture)
)

NOTICES = 300
KILLS = 8

FILL = """
from balik.accounts.models import User
from balik.notifications.services import notify
INVITE = "BEGIN:VCALENDAR\\r\\nVERSION:2.0\\r\\nMETHOD:REQUEST\\r\\nEND:VCALENDAR\\r\\n"
users = User.objects.bulk_create(
    [User(email=f"p{n}@example.id", full_name=f"P {n}") for n in range(%(count)d)]
)
def invite():
    return "invite.ics", INVITE, "text/calendar; method=REQUEST"
for n, user in enumerate(users):
    attach = invite if n %% 3 == 0 else None
    notify(
        user, "session_booked", dedupe_key=f"kill-{n}",
        render=lambda: ("Booked", "Hi"), url="/", attach=attach,
    )
"""

STATE = """
import json
from balik.notifications.models import Notification
print(json.dumps({
    "statuses": sorted(set(Notification.objects.values_list("email_status", flat=True))),
    "message_ids": list(Notification.objects.values_list("message_id", flat=True)),
}))
"""


def test_killing_the_worker_while_it_sends_loses_nothing_and_duplicates_at_most_one_per_kill(
    worker_database,  # noqa: F811 (fixture)
    smtp_server,  # noqa: F811 (fixture)
):
    env = environment(
        worker_database,
        smtp_server.port,
        BALIK_EMAIL_LEASE_SECONDS="2",
        BALIK_TASK_TIMEOUT_SECONDS="5",
    )
    run_python(env, FILL % {"count": NOTICES})
    rng = random.Random(11)
    kills = 0
    while kills < KILLS:
        before = smtp_server.total()
        worker = start_worker(env, "--interval", "0.2")
        # kill it while it is sending: after its first message of this run, at a random moment
        if not wait_until(lambda before=before: smtp_server.total() > before, timeout=20):
            worker.kill()
            worker.wait()
            break  # nothing left to send
        time.sleep(rng.uniform(0, 0.15))
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
    assert kills == KILLS, "the outbox emptied before the worker was killed often enough"
    worker = start_worker(env, "--interval", "0.2")
    try:
        assert wait_until(
            lambda: json.loads(run_python(env, STATE))["statuses"] == ["sent"], timeout=40, step=1
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=20)
    state = json.loads(run_python(env, STATE))
    received = smtp_server.by_message_id
    # every message arrived, under the Message-ID its row keeps
    assert set(received) == set(state["message_ids"])
    assert len(smtp_server.by_recipient) == NOTICES
    duplicates = sum(received.values()) - NOTICES
    print(
        f"kill loop: {NOTICES} messages, {kills} SIGKILLs, {sum(received.values())} e-mails "
        f"received, {duplicates} duplicates, at most {max(received.values())} copies of one"
    )
    assert duplicates <= kills
    assert max(received.values()) <= 2
    assert smtp_server.with_invite >= NOTICES // 3
