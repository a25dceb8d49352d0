"""Queries run alongside the request: on another connection, in the caller's language and time
zone, and inline wherever another connection could not see the caller's rows."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation

from balik.core.concurrent import alongside


def _where_and_what() -> tuple[str, str, str, int]:
    return (
        threading.current_thread().name,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_user_model().objects.filter(email="seen@example.id").count(),
    )


@pytest.mark.django_db(transaction=True)
def test_the_work_runs_on_another_thread_in_the_callers_language_and_zone():
    get_user_model().objects.create_user(email="seen@example.id", password="x" * 12)
    with translation.override("id"), timezone.override("Asia/Jayapura"):
        thread, language, zone, seen = alongside(_where_and_what).result()
    assert thread.startswith("balik-alongside")
    assert (language, zone, seen) == ("id", "Asia/Jayapura", 1)


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_work_runs_inline_and_sees_uncommitted_rows():
    with transaction.atomic():
        get_user_model().objects.create_user(email="seen@example.id", password="x" * 12)
        thread, _language, _zone, seen = alongside(_where_and_what).result()
    assert thread == threading.current_thread().name
    assert seen == 1
