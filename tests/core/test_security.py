import os
import subprocess
import sys

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def run_balik(*args: str, env: dict[str, str], cwd) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own entry point, fixed arguments)
        [sys.executable, "-m", "balik", *args],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"], **env},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_the_deploy_check_reports_nothing_with_production_settings(tmp_path):
    result = run_balik(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "SECRET_KEY": "k" * 20 + "-production-like-secret-0123456789-abcdefgh",
            "ALLOWED_HOSTS": "balik.example.id",
        },
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_complains_when_debug_is_on(tmp_path):
    result = run_balik(
        "check", "--deploy", "--fail-level", "WARNING", env={"BALIK_DEBUG": "1"}, cwd=tmp_path
    )
    assert result.returncode != 0
    assert "DEBUG" in result.stderr + result.stdout


def test_a_missing_secret_key_is_generated_once_and_kept(tmp_path):
    run_balik("check", env={}, cwd=tmp_path)
    first = (tmp_path / ".balik_secret_key").read_text()
    run_balik("check", env={}, cwd=tmp_path)
    assert (tmp_path / ".balik_secret_key").read_text() == first
    assert len(first) >= 50


def test_a_bad_boolean_setting_fails_loudly(tmp_path):
    result = run_balik("check", env={"BALIK_DEBUG": "maybe"}, cwd=tmp_path)
    assert result.returncode != 0
    assert "BALIK_DEBUG" in result.stderr


def test_every_page_sends_a_strict_content_security_policy(client, participant):
    client.force_login(participant.user)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_email_url_sets_up_smtp():
    from balik.settings import email_settings_from_url

    settings = email_settings_from_url("smtp://mailer%40x.id:p%40ss@smtp.x.id:587?tls=1")
    assert settings["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert settings["EMAIL_HOST"] == "smtp.x.id"
    assert settings["EMAIL_PORT"] == 587
    assert settings["EMAIL_HOST_USER"] == "mailer@x.id"
    assert settings["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert settings["EMAIL_USE_TLS"] is True


def test_an_unknown_email_url_scheme_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    from balik.settings import email_settings_from_url

    with pytest.raises(ImproperlyConfigured):
        email_settings_from_url("carrierpigeon://x")


def test_the_health_check_answers(client):
    assert client.get("/healthz").json() == {"status": "ok"}
