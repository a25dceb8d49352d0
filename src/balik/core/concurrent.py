"""Running a page's independent queries at once, on a second database connection.

A page such as programme health spends most of its time waiting for a few large aggregates.
PostgreSQL serves each connection on its own core, so two halves of the page's queries, one
on the request's connection and one here, take about as long as the larger half.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from django.db import connection, connections
from django.utils import timezone, translation

T = TypeVar("T")

# A few threads: pages asking at the same time do not wait for each other's queries.
_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="balik-alongside")


def alongside(work: Callable[[], T]) -> Future[T]:
    """Start `work` on another connection and return its future; the caller goes on with its
    own queries and asks for `.result()` when it needs it.

    Inside a transaction (a caller's atomic block, every non-transactional test) another
    connection could not see the uncommitted rows, so the work then runs here and now."""
    if connection.in_atomic_block:
        done: Future[T] = Future()
        done.set_result(work())
        return done
    zone = timezone.get_current_timezone()
    language = translation.get_language()

    def run() -> T:
        try:
            with timezone.override(zone), translation.override(language):
                return work()
        finally:
            # A connection kept in an idle thread would outlive its database (a dropped test
            # database, a restarted server); opening one on loopback costs a few milliseconds.
            connections.close_all()

    return _POOL.submit(run)
