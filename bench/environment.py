"""A throw-away database for a benchmark: a temporary SQLite file, or a PostgreSQL database
created from DATABASE_URL and dropped afterwards."""

from __future__ import annotations

import os
import resource
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlparse


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _postgres_admin(url: str) -> tuple[Any, str]:
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    return psycopg.connect(admin_url, autocommit=True), name


def create_postgres_database(url: str) -> None:
    from psycopg import sql

    connection, name = _postgres_admin(url)
    with connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists:
            raise SystemExit(f"database {name} exists; name a new one, the bench drops it after")
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_postgres_database(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    connection, name = _postgres_admin(url)
    with connection:
        # FORCE: connections of threads that ran queries alongside a request are still open
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def bench_database(
    *, create_postgres: bool, extra_env: dict[str, str] | None = None
) -> Iterator[str]:
    """Point Django at a fresh database, set it up, and clean it away at the end."""
    temporary_dir = None
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url:
        temporary_dir = tempfile.mkdtemp(prefix="balik-bench-")
        database_url = f"sqlite:///{temporary_dir}/bench.sqlite3"
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "balik.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    os.environ.setdefault("BALIK_DATA_DIR", temporary_dir or tempfile.gettempdir())
    for key, value in (extra_env or {}).items():
        os.environ.setdefault(key, value)
    create = create_postgres and database_url.startswith(("postgres", "postgresql"))
    if create:
        create_postgres_database(database_url)
    try:
        import django

        django.setup()
        yield database_url
    finally:
        if create:
            drop_postgres_database(database_url)
        if temporary_dir:
            shutil.rmtree(temporary_dir, ignore_errors=True)


@contextmanager
def counting_queries() -> Iterator[dict[str, int]]:
    from django.db import connection

    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter
