"""Online, consistent backups of the embedded SQLite database, and restoring them.

SQLite's backup API copies a consistent snapshot while the store keeps serving (WAL mode:
readers and the writer go on). PostgreSQL has its own tools; the commands say which.
The search index is derived data: it is rebuilt after a restore, never backed up.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

PG_GUIDANCE = (
    "This store runs on PostgreSQL: back it up with its own tools, e.g.\n"
    "  pg_dump --format=custom --file=emploistore.dump <database>\n"
    "and restore with\n"
    "  pg_restore --clean --if-exists --dbname=<database> emploistore.dump\n"
    "then run `emploistore reindex`."
)
CHECKED_TABLES = ("user_account", "listing", "review", "favourite", "launch_event")


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass
class BackupReport:
    path: Path
    pages: int
    counts: dict[str, int]


def sqlite_path(database_uri: str) -> Path:
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            PG_GUIDANCE
            if url.get_backend_name() == "postgresql"
            else f"backups of {url.get_backend_name()} databases are not supported"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("the database is in memory: there is nothing to back up")
    return Path(url.database)


def _check(connection: sqlite3.Connection, label: str) -> dict[str, int]:
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{label} is damaged: {result}")
    tables = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
    }
    if not {"listing", "user_account"} <= tables:
        raise BackupError(f"{label} is not an Emploi Store database")
    return {
        table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608 - fixed names
        for table in CHECKED_TABLES
        if table in tables
    }


def backup(database_uri: str, target: Path) -> BackupReport:
    """Copy a consistent snapshot of the live database to ``target`` (a new file)."""
    source_path = sqlite_path(database_uri)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    destination = sqlite3.connect(partial)
    try:
        source.execute("PRAGMA busy_timeout=30000")
        source.backup(destination, pages=1024)
        destination.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        counts = _check(destination, "the backup")
        pages = destination.execute("PRAGMA page_count").fetchone()[0]
    finally:
        destination.close()
        source.close()
    partial.rename(target)  # a backup file exists only once it is complete and checked
    return BackupReport(path=target, pages=pages, counts=counts)


def restore(database_uri: str, source_file: Path) -> BackupReport:
    """Replace the live database's content with a backup, in one transaction."""
    target_path = sqlite_path(database_uri)
    if not source_file.is_file():
        raise BackupError(f"{source_file} does not exist")
    source = sqlite3.connect(f"file:{source_file}?mode=ro", uri=True)
    try:
        counts = _check(source, str(source_file))
        destination = sqlite3.connect(target_path, timeout=30)
        try:
            destination.execute("PRAGMA busy_timeout=30000")
            source.backup(destination)
            _check(destination, "the restored database")
        finally:
            destination.close()
    finally:
        source.close()
    return BackupReport(path=target_path, pages=0, counts=counts)
