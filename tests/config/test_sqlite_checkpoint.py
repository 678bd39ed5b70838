"""SQLite's log checkpointed by a background thread, not inside a request's commit."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from vigil.config.sqlite import checkpoint, checkpoint_in_background, checkpoint_loop, database_file


def _wal_database(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")  # as a server's connections are set
    db.execute("CREATE TABLE entry (id INTEGER PRIMARY KEY, body TEXT)")
    return db


def _write(db: sqlite3.Connection, rows: int) -> None:
    for n in range(rows):
        db.execute("INSERT INTO entry (body) VALUES (?)", ("x" * 500 + str(n),))


def test_commits_leave_the_log_to_the_checkpoint(tmp_path: Path) -> None:
    db = _wal_database(tmp_path / "a.sqlite3")
    _write(db, 200)
    busy, log, copied = checkpoint(str(tmp_path / "a.sqlite3"))
    assert busy == 0 and log > 0 and copied == log
    assert db.execute("SELECT count(*) FROM entry").fetchone() == (200,)


def test_the_background_loop_copies_the_log_back_while_writes_go_on(tmp_path: Path) -> None:
    path = str(tmp_path / "b.sqlite3")
    db = _wal_database(Path(path))
    stop = threading.Event()
    thread = threading.Thread(target=checkpoint_loop, args=(path, 0.05, stop), daemon=True)
    thread.start()
    try:
        before = Path(path).stat().st_size
        _write(db, 300)  # ~150 KB, in the log: this connection never checkpoints
        deadline = time.monotonic() + 5
        while Path(path).stat().st_size < before + 150_000 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert Path(path).stat().st_size >= before + 150_000  # copied back into the database
        _write(db, 10)  # writers are never blocked by it
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()
    assert db.execute("SELECT count(*) FROM entry").fetchone() == (310,)


@pytest.mark.django_db
def test_not_for_an_in_memory_database_or_postgresql() -> None:
    assert database_file() is None
    assert checkpoint_in_background() is False
