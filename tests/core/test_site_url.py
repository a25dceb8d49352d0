"""Links sent to people point at BALIK_SITE_URL, not at whatever host a request came in by."""

import os
import re
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from balik.notifications.services import emails_deliver
from tests.programs.builders import enrolling_program

pytestmark = pytest.mark.django_db

SITE = "https://balik.example.id"
REPOSITORY = Path(__file__).resolve().parents[2]


@override_settings(BALIK_SITE_URL=SITE, ALLOWED_HOSTS=["intranet-alias.local", "testserver"])
def test_the_password_reset_link_uses_the_site_url(client, participant):
    client.post(
        reverse("password_reset"),
        {"email": participant.user.email},
        HTTP_HOST="intranet-alias.local",
    )
    emails_deliver()
    [message] = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    assert link.startswith(f"{SITE}/accounts/password/reset/")
    assert "intranet-alias.local" not in message.body


@override_settings(BALIK_SITE_URL=SITE, ALLOWED_HOSTS=["intranet-alias.local", "testserver"])
def test_the_self_enrolment_link_to_share_uses_the_site_url(client, program_manager):
    program = enrolling_program(program_manager, kind="peer", open_link=True)
    client.force_login(program_manager.user)
    page = client.get(
        reverse("programs:detail", args=[program.slug]), HTTP_HOST="intranet-alias.local"
    )
    assert page.context["join_url"] == f"{SITE}/programs/join/{program.enrolment_token}/"


def test_make_run_points_links_at_the_address_it_serves(tmp_path):
    """`make run HOST=… PORT=…` gives the server and the worker the same BALIK_SITE_URL."""
    fake_balik = tmp_path / "balik"
    record = tmp_path / "calls.txt"
    # `serve` waits (a little) for the worker `make run` starts in the background to report.
    fake_balik.write_text(
        "#!/bin/sh\n"
        f'echo "$1 $BALIK_SITE_URL" >> {record}\n'
        'if [ "$1" = serve ]; then\n'
        f"  for _ in $(seq 100); do grep -q '^worker ' {record} && break; sleep 0.05; done\n"
        "fi\n"
    )
    fake_balik.chmod(0o755)
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: nothing is installed
    result = subprocess.run(  # noqa: S603 (make, fixed arguments)
        [  # noqa: S607 (make from PATH, as the README says)
            "make",
            "--no-print-directory",
            "-C",
            str(REPOSITORY),
            "run",
            "HOST=10.1.2.3",
            "PORT=8123",
            f"BALIK={fake_balik}",
            f"STAMP={stamp}",
            f"VENV={tmp_path / 'venv'}",
            "PYTHON=false",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": os.environ["PATH"]},
    )
    assert result.returncode == 0, result.stderr
    calls = dict(line.split(" ", 1) for line in record.read_text().splitlines())
    assert calls["serve"] == "http://10.1.2.3:8123"
    assert calls["worker"] == "http://10.1.2.3:8123"
