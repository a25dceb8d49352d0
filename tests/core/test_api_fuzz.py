"""Schemathesis against the running API, as a participant and as a programme manager, on the
demo organisation: every phase (examples, coverage, fuzzing, stateful) and every check.

A short, seeded run is part of `make test`. For a longer one:
`BALIK_FUZZ_EXAMPLES=50 .venv/bin/python -m pytest tests/core/test_api_fuzz.py -s`
(the totals per token are printed with `-s`).

Every check must hold but one: `positive_data_acceptance` assumes the schema states every
rule, and some rules JSON Schema cannot state (a range's lower bound not above its upper one, a
skill or e-mail that must exist, a time that must be in the future or among those proposed).
Such a request gets a 422 that names the field at fault, and that is what this test demands.
"""

import collections
import io
import json
import os
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
import schemathesis
from django.core.management import call_command
from django.utils import timezone
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema

from balik.accounts.models import ApiToken, User, hash_token

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("BALIK_FUZZ_EXAMPLES", "3"))
SEED = int(os.environ.get("BALIK_FUZZ_SEED", "20260101"))
# The short run leaves out the coverage phase (a thousand boundary cases per token, a minute
# each); tests/core/test_api_answers.py checks those boundaries directly. The long run adds it.
PHASES = os.environ.get("BALIK_FUZZ_PHASES", "examples,fuzzing,stateful").split(",")
ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
# Revoking the very token the run uses would turn every later answer into a 401: this one
# operation is fuzzed last, on its own.
REVOKE = ("DELETE", "/api/v1/tokens/{token_id}")
SEMANTIC_REFUSAL = "positive_data_acceptance"


@dataclass
class Tally:
    operations: set[str] = field(default_factory=set)
    cases: int = 0
    statuses: collections.Counter = field(default_factory=collections.Counter)
    failures: list[str] = field(default_factory=list)
    semantic_refusals: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.statuses.items() if status >= 500)

    @property
    def undocumented(self) -> int:
        return sum(1 for failure in self.failures if failure.startswith("status_code_conformance"))

    def summary(self, who: str) -> str:
        return (
            f"{who}: {len(self.operations)} operations, {self.cases} test cases, "
            f"{self.server_errors} server errors, {self.undocumented} undocumented statuses, "
            f"{len(self.failures)} failed checks, {self.semantic_refusals} semantic 422s "
            f"(statuses {dict(sorted(self.statuses.items()))})"
        )


def names_a_field(response) -> bool:
    """A 422 for a rule the schema cannot state must say which field broke it."""
    if response is None or response.status_code != 422:
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return bool(body.get("errors")) and bool(body.get("message"))


def run(schema, tally: Tally) -> None:
    for event in from_schema(schema).execute():
        if isinstance(event, events.NonFatalError | events.FatalError):
            tally.errors.append(str(getattr(event, "info", event)))
        if not isinstance(event, events.ScenarioFinished) or event.status == Status.SKIP:
            continue
        recorder = event.recorder
        if recorder.label != "Stateful tests":
            tally.operations.add(recorder.label)
        tally.cases += len(recorder.cases)
        for interaction in recorder.interactions.values():
            if interaction.response is not None:
                tally.statuses[interaction.response.status_code] += 1
        for case_id, checks in recorder.checks.items():
            for check in checks:
                if check.status != Status.FAILURE:
                    continue
                interaction = recorder.interactions.get(case_id)
                response = interaction.response if interaction else None
                if check.name == SEMANTIC_REFUSAL and names_a_field(response):
                    tally.semantic_refusals += 1
                    continue
                title = check.failure_info.failure.title if check.failure_info else ""
                status = response.status_code if response is not None else "no answer"
                body = response.content[:300] if response is not None else b""
                sent = (
                    f"{interaction.request.method} {interaction.request.uri} "
                    f"{(interaction.request.body or b'')[:300]!r}"
                    if interaction
                    else ""
                )
                tally.failures.append(
                    f"{check.name}: {recorder.label} [{status}] {title} {body!r} <- {sent}"
                )


def fuzz(base_url: str, secret: str) -> Tally:
    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            # no findings carried over from an earlier run: each run stands on its own seed
            "cache": {"enabled": False},
            "headers": {"Authorization": f"Bearer {secret}"},
            "workers": 1,
            "checks": {"enabled": True},
            "generation": {
                "max-examples": EXAMPLES,
                "mode": "all",
                "deterministic": True,
                # strings with NUL in them too: PostgreSQL cannot store one, and the API must
                # refuse it with a 422 naming the field (core.middleware), never a 500
                "allow-x00": True,
            },
            "phases": {phase: {"enabled": phase in PHASES} for phase in ALL_PHASES},
        }
    )
    schema = schemathesis.openapi.from_url(f"{base_url}/api/openapi.json", config=config)
    tally = Tally()
    method, path = REVOKE
    run(schema.exclude(method=method, path=path), tally)
    # on its own it has no links to follow, so no stateful phase
    schema.config.phases.stateful.enabled = False
    run(schema.include(method=method, path=path), tally)
    return tally


def token_for(email: str, pk: int) -> str:
    """A token with an id far from the small ones the fuzzer tries first."""
    secret = f"blk_fuzz_{pk}_" + "x" * 30
    ApiToken.objects.create(
        pk=pk,
        user=User.objects.get(email=email),
        name="fuzz",
        token_hash=hash_token(secret),
        display_prefix=secret[:10],
        expires_at=timezone.now() + timedelta(days=1),
    )
    return secret


@pytest.fixture
def demo(settings):
    settings.AXES_ENABLED = False
    call_command("demo", stdout=io.StringIO())


@pytest.mark.parametrize(
    "who, email",
    [("participant", "mentor@nusantara.example"), ("manager", "pm@nusantara.example")],
)
def test_schemathesis_finds_no_server_error_and_no_undocumented_answer(
    demo, live_server, who, email, capsys
):
    tally = fuzz(live_server.url, token_for(email, pk=987_000 + len(who)))
    with capsys.disabled():
        print("\n" + tally.summary(who))
    assert tally.errors == []
    print("\n".join(tally.failures))
    assert len(tally.operations) >= 34
    assert tally.server_errors == 0
    assert tally.failures == []
