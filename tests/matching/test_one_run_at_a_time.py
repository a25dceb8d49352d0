"""One matching run at a time per programme: simultaneous starts start one run and refuse the
others clearly, the database refuses a second live run, and a run whose worker died stops
blocking the programme after a bounded time."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from balik.accounts.services import api_token_create
from balik.core.errors import BalikError
from balik.matching import runs, services
from balik.matching.models import MatchRun, RunStatus
from tests.concurrency import REFUSED_BY_THE_DATABASE, at_once
from tests.programs.builders import enrolling_program, reverse_population

pytestmark = pytest.mark.django_db

STARTS = 4


@pytest.fixture
def programme(program_manager):
    program = enrolling_program(program_manager, kind="reverse")
    reverse_population(program, 3, manager_user=program_manager.user)
    return program


@pytest.fixture
def runs_stay_queued(monkeypatch):
    """The worker never picks the run up, so a second start meets a live run."""
    monkeypatch.setattr(services, "execute_run", lambda run: run)


def assert_one_started(program, outcomes: list[str]) -> None:
    refusals = {"run_in_progress"}
    if connection.vendor == "sqlite":
        # the in-memory test database may refuse every writer that meets another one
        refusals.add(REFUSED_BY_THE_DATABASE)
        # (possibly after the run was created, when the request writes something else)
        assert MatchRun.objects.filter(program=program).count() <= 1
        assert outcomes.count("started") <= 1, outcomes
    else:
        assert MatchRun.objects.filter(program=program).count() == 1
        assert outcomes.count("started") == 1, outcomes
    assert set(outcomes) - {"started"} <= refusals, outcomes


@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_start_one_run(program_manager, programme, runs_stay_queued):
    def start() -> str:
        services.run_start(program_manager.user, programme)
        return "started"

    assert_one_started(programme, at_once([start] * STARTS))


@pytest.mark.django_db(transaction=True)
def test_simultaneous_api_starts_start_one_run_and_refuse_with_409(
    program_manager, programme, runs_stay_queued
):
    secret = api_token_create(user=program_manager.user, name="script").secret

    def start() -> str:
        response = Client().post(
            f"/api/v1/programs/{programme.slug}/matching",
            data="{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )
        if response.status_code == 201:
            return "started"
        assert response.status_code == 409, response.content
        body = response.json()
        assert body["message"]
        return body["code"]

    assert_one_started(programme, at_once([start] * STARTS))


@pytest.mark.django_db(transaction=True)
def test_simultaneous_page_starts_start_one_run_and_tell_the_others(
    program_manager, programme, runs_stay_queued
):
    # signed in beforehand: SQLite's in-memory database may refuse a session written in a race
    clients = [Client() for _ in range(STARTS)]
    for client in clients:
        client.force_login(program_manager.user)

    def start() -> str:
        client = clients.pop()
        response = client.post(reverse("programs:matching-run", args=[programme.slug]))
        assert response.status_code == 302
        shown = [str(m) for m in response.wsgi_request._messages]
        if any("already running" in m for m in shown):
            return "run_in_progress"
        return "started"

    assert_one_started(programme, at_once([start] * STARTS))


def test_a_start_while_a_run_is_live_names_that_run(program_manager, programme, runs_stay_queued):
    live = services.run_start(program_manager.user, programme)
    with pytest.raises(BalikError) as refused:
        services.run_start(program_manager.user, programme)
    assert refused.value.code == "run_in_progress"
    assert f"#{live.pk}" in str(refused.value.message)


def test_the_database_refuses_a_second_live_run(programme):
    MatchRun.objects.create(program=programme, status=RunStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRun.objects.create(program=programme, status=RunStatus.QUEUED)
    MatchRun.objects.create(program=programme, status=RunStatus.DONE)


def test_the_constraints_refusal_reads_like_the_services(
    program_manager, programme, runs_stay_queued, monkeypatch
):
    """Should the lock ever be bypassed, the constraint's error is the same clear refusal."""
    services.run_start(program_manager.user, programme)
    monkeypatch.setattr(services, "_live_run", lambda program: None)
    with pytest.raises(BalikError) as refused:
        services.run_start(program_manager.user, programme)
    assert refused.value.code == "run_in_progress"
    assert MatchRun.objects.filter(program=programme).count() == 1


def test_a_run_whose_worker_died_stops_blocking_after_the_timeout(
    program_manager, programme, runs_stay_queued, settings
):
    settings.BALIK_MATCH_RUN_TIMEOUT_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        dead = services.run_start(program_manager.user, programme)
        runs._set_stage(dead, "solve", 35)
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        with pytest.raises(BalikError) as refused:
            services.run_start(program_manager.user, programme)
        assert refused.value.code == "run_in_progress"
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        fresh = services.run_start(program_manager.user, programme)
    dead.refresh_from_db()
    assert dead.status == RunStatus.FAILED
    assert "worker stopped" in dead.error
    assert fresh.pk != dead.pk and fresh.status == RunStatus.QUEUED


def test_progress_keeps_a_slow_run_alive(program_manager, programme, runs_stay_queued, settings):
    settings.BALIK_MATCH_RUN_TIMEOUT_MINUTES = 15
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        slow = services.run_start(program_manager.user, programme)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        runs._set_stage(slow, "solve", 35)
    with (
        time_machine.travel(start + timedelta(minutes=20), tick=False),
        pytest.raises(BalikError),
    ):
        services.run_start(program_manager.user, programme)
    slow.refresh_from_db()
    assert slow.status == RunStatus.QUEUED


def test_a_run_declared_dead_does_not_overwrite_its_successor(program_manager, programme):
    """A worker that was only slow, not dead, finds its run failed and stores nothing."""
    run = services.run_start(program_manager.user, programme, in_request=True)
    assert run.status == RunStatus.DONE
    late = MatchRun.objects.create(program=programme, status=RunStatus.FAILED, error="stopped")
    late.status = RunStatus.RUNNING  # what the slow worker still believes
    services.execute_run(late)
    late.refresh_from_db()
    assert late.status == RunStatus.FAILED
    assert late.pairs.count() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_json_refusal_shape_for_a_live_run(client, program_manager, programme, runs_stay_queued):
    live = services.run_start(program_manager.user, programme)
    secret = api_token_create(user=program_manager.user, name="script").secret
    response = client.post(
        f"/api/v1/programs/{programme.slug}/matching",
        data=json.dumps({}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "run_in_progress"
    assert response.json()["run_id"] == live.pk


def test_a_run_declared_dead_while_solving_stores_nothing(program_manager, programme, monkeypatch):
    solve = services.engine.match

    def declared_dead_meanwhile(match_input):
        MatchRun.objects.filter(program=programme).update(status=RunStatus.FAILED, error="stopped")
        return solve(match_input)

    monkeypatch.setattr(services.engine, "match", declared_dead_meanwhile)
    run = services.run_start(program_manager.user, programme, in_request=True)
    assert run.status == RunStatus.FAILED
    assert run.error == "stopped"
    assert run.pairs.count() == 0
