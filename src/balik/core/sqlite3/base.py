"""The SQLite file holds every profile, note and feedback answer: nobody else on the machine may
read it. SQLite gives its -wal, -shm and -journal files the mode of the database file, so the
database is created 0600 before SQLite opens it, and an older install's files are narrowed."""

import os
import stat
from pathlib import Path

from django.db.backends.sqlite3 import base

PRIVATE = 0o600
JOURNAL_SUFFIXES = ("", "-wal", "-shm", "-journal")


def database_path(name: object) -> Path | None:
    """The file behind a connection's NAME; None for an in-memory database."""
    text = str(name)
    if not text or text == ":memory:" or text.startswith("file:"):
        return None
    return Path(text)


def make_private(path: Path) -> None:
    """Create the database file owner-only if it is missing, and narrow it and its journals."""
    if not path.exists() and path.parent.is_dir():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, PRIVATE))
    for suffix in JOURNAL_SUFFIXES:
        file = Path(f"{path}{suffix}")
        try:
            if stat.S_IMODE(file.stat().st_mode) & 0o077:
                file.chmod(PRIVATE)
        except FileNotFoundError:
            continue


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        path = database_path(conn_params.get("database"))
        if path is not None:
            make_private(path)
        return super().get_new_connection(conn_params)
