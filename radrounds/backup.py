"""Backups of a one-machine site: the SQLite database and the media folder.

The database is copied with SQLite's online backup API in a single step, so the copy
is one consistent snapshot (every transaction committed before it started, nothing
half-written) while the site keeps reading and writing: in WAL mode readers do not
block writers, and the backup is a reader. Media files are only ever added under new
random names, so copying the folder after the database snapshot is enough.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

DATABASE_FILE = "db.sqlite3"
MEDIA_FOLDER = "media"
MANIFEST_FILE = "backup.json"


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message for the operator."""


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    tables: int
    media_files: int


def sqlite_copy(source: Path, target: Path, *, timeout: float = 30.0) -> None:
    """Copy the SQLite database ``source`` to ``target`` as one consistent snapshot."""
    if not source.exists():
        raise BackupError(f"There is no database at {source}.")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=timeout)
    dst = sqlite3.connect(target)
    try:
        # pages=-1: the whole database in one step, under one read transaction.
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        result = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"The copy of {source} failed its integrity check: {result}")
    finally:
        dst.close()
        src.close()


def _table_count(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return connection.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
        ).fetchone()[0]


def backup_create(*, database: Path, media_root: Path, backup_dir: Path) -> BackupResult:
    """Write ``<backup_dir>/<UTC timestamp>/`` with the database, the media and a manifest.

    The folder appears under its final name only when complete, so a backup that was
    interrupted never looks like a good one.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    backup_dir.mkdir(parents=True, exist_ok=True)
    final = backup_dir / stamp
    suffix = 1
    while final.exists():
        suffix += 1
        final = backup_dir / f"{stamp}-{suffix}"
    partial = backup_dir / f".partial-{final.name}"
    partial.mkdir()
    try:
        sqlite_copy(database, partial / DATABASE_FILE)
        media_files = 0
        if media_root.exists():
            shutil.copytree(media_root, partial / MEDIA_FOLDER)
            media_files = sum(1 for p in (partial / MEDIA_FOLDER).rglob("*") if p.is_file())
        else:
            (partial / MEDIA_FOLDER).mkdir()
        tables = _table_count(partial / DATABASE_FILE)
        manifest = {
            "created_at": datetime.now(UTC).isoformat(),
            "database": str(database),
            "tables": tables,
            "media_files": media_files,
        }
        (partial / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupResult(folder=final, tables=tables, media_files=media_files)


def backup_restore(*, source: Path, database: Path, media_root: Path) -> Path | None:
    """Put the backup in ``source`` back: the database, then the media folder.

    The database is written through SQLite's backup API into the live file (so its
    WAL is handled correctly). The current media folder is kept beside the restored
    one as ``<media>.before-restore-<timestamp>``; returns that path (or None).
    """
    backup_db = source / DATABASE_FILE
    if not (source / MANIFEST_FILE).exists() or not backup_db.exists():
        raise BackupError(f"{source} is not a radRounds backup (no {MANIFEST_FILE} or database).")
    check = sqlite3.connect(f"file:{backup_db}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"The database in {source} is damaged; not restoring it.")
    finally:
        check.close()

    database.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{backup_db}?mode=ro", uri=True)
    dst = sqlite3.connect(database, timeout=30)
    try:
        src.backup(dst, pages=-1)
    finally:
        dst.close()
        src.close()

    kept = None
    backup_media = source / MEDIA_FOLDER
    if backup_media.exists():
        if media_root.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            kept = media_root.with_name(f"{media_root.name}.before-restore-{stamp}")
            media_root.rename(kept)
        shutil.copytree(backup_media, media_root)
    return kept
