"""Run callables at the same moment, for the tests of races: one thread each, released together
by a barrier, each closing its own database connection when done.

On PostgreSQL a later writer waits for the row lock and then sees the winner's work. SQLite's
in-memory test database refuses a second writer outright ("database is locked"), and so it may
refuse the test client's session save after a page: both count as REFUSED_BY_THE_DATABASE,
which a test accepts on SQLite only. Any other error is counted as "crashed: ...", so that a
test names it instead of losing it in a thread.
"""

import threading
from collections.abc import Callable, Sequence

from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import OperationalError, connection

from balik.core.errors import BalikError

REFUSED_BY_THE_DATABASE = "refused_by_the_database"


def at_once_told(
    calls: Sequence[Callable[[], object]], *, done: str | None = None
) -> list[tuple[str, str]]:
    """Run the calls at the same moment. Each outcome is (what the call returned, or `done`
    when given, ""), (a refusal's code, its message), (REFUSED_BY_THE_DATABASE, "") or
    ("crashed: <error>", "")."""
    outcomes: list[tuple[str, str]] = []
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            returned = call()
            outcomes.append((done if done is not None else str(returned), ""))
        except BalikError as refused:
            outcomes.append((refused.code, str(refused)))
        except (OperationalError, SessionInterrupted):
            outcomes.append((REFUSED_BY_THE_DATABASE, ""))
        except Exception as error:
            outcomes.append((f"crashed: {type(error).__name__}: {error}", ""))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == len(calls), outcomes
    return outcomes


def at_once(calls: Sequence[Callable[[], object]], *, done: str | None = None) -> list[str]:
    """The outcomes of `at_once_told` without the refusals' messages."""
    return [outcome for outcome, _message in at_once_told(calls, done=done)]
