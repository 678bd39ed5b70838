"""SQLite's write-ahead log checkpointed off the request path.

In WAL mode SQLite copies the log back into the database ("checkpoints") inside whichever
commit finds the log over 1,000 pages. Every search and record page commits its audit entries,
so that copy landed in someone's request: at 1M records it tripled a 25-entry audit write at
p95 (7.7 -> 18.9 ms). A long-running server process therefore turns the automatic checkpoint off
on its own connections and checkpoints from one background thread instead, every second,
PASSIVE (it never waits for, or blocks, readers and writers). Other processes (management
commands, the loader, tests) keep SQLite's default. Nothing changes on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from django.db import connections
from django.db.backends.signals import connection_created

CHECKPOINT_SECONDS = 1.0

_started = threading.Event()
_lock = threading.Lock()


def database_file(alias: str = "default") -> str | None:
    """The SQLite database file behind `alias`, or None (PostgreSQL, or in memory)."""
    settings_dict = connections[alias].settings_dict
    if settings_dict["ENGINE"] != "django.db.backends.sqlite3":
        return None
    name = str(settings_dict["NAME"] or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        return None
    return name


def checkpoint(path: str) -> tuple[int, int, int]:
    """One PASSIVE checkpoint of the database at `path`: (busy, frames in the log, frames
    copied back), as `PRAGMA wal_checkpoint` reports them."""
    db = sqlite3.connect(path, timeout=20)
    try:
        busy, log, copied = db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(log), int(copied)
    finally:
        db.close()


def checkpoint_in_background(alias: str = "default", interval: float = CHECKPOINT_SECONDS) -> bool:
    """For a server process on a SQLite file: its connections stop checkpointing on commit and
    a daemon thread checkpoints every `interval` seconds. Returns whether it is running (it
    starts once per process; never on PostgreSQL or an in-memory database)."""
    path = database_file(alias)
    if path is None:
        return False
    with _lock:
        if _started.is_set():
            return True
        connection_created.connect(_no_checkpoint_on_commit, dispatch_uid="vigil-sqlite-wal")
        connections[alias].close()  # the next use opens a connection without it
        threading.Thread(
            target=checkpoint_loop, args=(path, interval), name="sqlite-checkpoint", daemon=True
        ).start()
        _started.set()
    return True


def _no_checkpoint_on_commit(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint=0")


def checkpoint_loop(path: str, interval: float, stop: threading.Event | None = None) -> None:
    """Checkpoint `path` every `interval` seconds until `stop` is set (a server's never is)."""
    stop = stop or threading.Event()
    while not stop.wait(interval):
        try:
            checkpoint(path)
        except sqlite3.Error:
            continue  # busy or briefly locked: the next round catches up
