"""The SQLite file holds everyone's profiles and feedback: only its owner may read it."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler

from balik.settings import sqlite_database


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask(django_db_blocker):
    """The usual umask, which leaves new files readable by everyone on the machine; and leave
    to open connections of our own, to files of our own, outside the test database."""
    previous = os.umask(0o022)
    with django_db_blocker.unblock():
        yield
    os.umask(previous)


def connection_to(path: Path, **options: object):
    settings_dict = sqlite_database(path)
    settings_dict["OPTIONS"] = {**settings_dict["OPTIONS"], **options}
    return ConnectionHandler({"default": settings_dict})["default"]


def test_migrate_creates_a_database_only_its_owner_can_read(tmp_path, open_umask):
    database = tmp_path / "fresh.sqlite3"
    result = subprocess.run(
        [sys.executable, "-m", "balik", "migrate", "--noinput"],
        capture_output=True,
        text=True,
        env={
            "PATH": os.environ["PATH"],
            "DATABASE_URL": f"sqlite:///{database}",
            "SECRET_KEY": "x" * 50,
        },
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert mode_of(database) == 0o600


def test_the_write_ahead_log_and_shared_memory_files_are_private(tmp_path, open_umask):
    database = tmp_path / "wal.sqlite3"
    connection = connection_to(database)
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x INTEGER)")
            cursor.execute("INSERT INTO t VALUES (1)")
        journals = [Path(f"{database}-wal"), Path(f"{database}-shm")]
        assert all(path.exists() for path in journals)
        assert {path.name: mode_of(path) for path in [database, *journals]} == {
            path.name: 0o600 for path in [database, *journals]
        }
    finally:
        connection.close()


def test_the_rollback_journal_is_private(tmp_path, open_umask):
    database = tmp_path / "journal.sqlite3"
    connection = connection_to(database, init_command="PRAGMA journal_mode=DELETE;")
    try:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x INTEGER)")
        connection.set_autocommit(False)
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO t VALUES (1)")
            journal = Path(f"{database}-journal")
            assert journal.exists()
            assert mode_of(journal) == 0o600
        connection.rollback()
    finally:
        connection.close()


def test_an_existing_readable_database_is_made_private(tmp_path, open_umask):
    database = tmp_path / "old.sqlite3"
    database.touch()
    database.chmod(0o644)
    connection = connection_to(database)
    try:
        connection.ensure_connection()
        assert mode_of(database) == 0o600
    finally:
        connection.close()
