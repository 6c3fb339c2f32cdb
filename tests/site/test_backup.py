"""Backups of a running SQLite site restore with every committed row."""

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from radrounds.backup import BackupError, backup_create, backup_restore


def _database(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")


class Writers:
    """Threads inserting rows as fast as they can, each remembering what it committed."""

    def __init__(self, path: Path, count: int = 3):
        self.path = path
        self.committed: list[set[int]] = [set() for _ in range(count)]
        self.stop = threading.Event()
        self.errors: list[Exception] = []
        self.threads = [threading.Thread(target=self._write, args=(n,)) for n in range(count)]

    def _write(self, n: int) -> None:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            i = 0
            while not self.stop.is_set():
                i += 1
                row_id = n * 10_000_000 + i
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT INTO note (id, body) VALUES (?, ?)", (row_id, "x" * 200))
                db.execute("COMMIT")
                self.committed[n].add(row_id)
        except Exception as error:  # noqa: BLE001 - asserted by the test
            self.errors.append(error)
        finally:
            db.close()

    def snapshot(self) -> set[int]:
        return set().union(*[set(c) for c in self.committed])

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join()


def _ids(path: Path) -> set[int]:
    with sqlite3.connect(path) as db:
        return {row[0] for row in db.execute("SELECT id FROM note")}


def test_a_backup_taken_under_write_load_restores_every_committed_row(tmp_path):
    live = tmp_path / "live.sqlite3"
    _database(live)
    media = tmp_path / "media"
    (media / "avatars").mkdir(parents=True)
    (media / "avatars" / "a-256.webp").write_bytes(b"picture")

    with Writers(live) as writers:
        while len(writers.snapshot()) < 300:  # let the load build up
            time.sleep(0.01)
        committed_before = writers.snapshot()
        result = backup_create(database=live, media_root=media, backup_dir=tmp_path / "backups")
        committed_after = writers.snapshot()
        while len(writers.snapshot()) < len(committed_after) + 300:  # keep writing after it
            time.sleep(0.01)
    assert writers.errors == []

    restored = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    backup_restore(source=result.folder, database=restored, media_root=restored_media)

    rows = _ids(restored)
    assert committed_before <= rows  # every row committed before the backup began
    assert rows <= writers.snapshot()  # and nothing that was never committed
    assert len(rows) < len(writers.snapshot())  # a snapshot: later writes are not in it
    assert (restored_media / "avatars" / "a-256.webp").read_bytes() == b"picture"
    assert result.media_files == 1


def test_restoring_replaces_the_live_database_and_keeps_the_old_media(tmp_path):
    live = tmp_path / "live.sqlite3"
    _database(live)
    with sqlite3.connect(live) as db:
        db.execute("INSERT INTO note VALUES (1, 'kept')")
    media = tmp_path / "media"
    media.mkdir()
    backup = backup_create(database=live, media_root=media, backup_dir=tmp_path / "b").folder
    with sqlite3.connect(live) as db:
        db.execute("INSERT INTO note VALUES (2, 'after the backup')")
    (media / "new.webp").write_bytes(b"new")

    kept = backup_restore(source=backup, database=live, media_root=media)

    assert _ids(live) == {1}
    assert not (media / "new.webp").exists()
    assert (kept / "new.webp").read_bytes() == b"new"


def test_restoring_from_a_folder_that_is_not_a_backup_is_refused(tmp_path):
    live = tmp_path / "live.sqlite3"
    _database(live)

    with pytest.raises(BackupError, match="not a radRounds backup"):
        backup_restore(source=tmp_path, database=live, media_root=tmp_path / "m")


@pytest.mark.django_db
def test_the_backup_command_writes_a_timestamped_folder(tmp_path, settings, capsys):
    if connection.vendor != "sqlite":
        with pytest.raises(CommandError, match="pg_dump"):
            call_command("backup", to=str(tmp_path))
        return

    call_command("backup", to=str(tmp_path))

    folders = [p for p in tmp_path.iterdir() if not p.name.startswith(".")]
    assert len(folders) == 1
    assert {p.name for p in folders[0].iterdir()} == {"db.sqlite3", "media", "backup.json"}
    assert "Backup written to" in capsys.readouterr().out


def test_the_restore_command_refuses_a_wrong_folder_with_a_clear_error(tmp_path, db):
    if connection.vendor != "sqlite":
        pytest.skip("restore is for SQLite")
    with pytest.raises(CommandError, match="not a radRounds backup"):
        call_command("restore", str(tmp_path), no_input=True)
