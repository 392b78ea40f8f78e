"""One project file: the single writer, pooled readers, backups and after-commit listeners, and the
project's settings and counters; the domain stores (tasks, completions, folders...) build on it.

Writes take one lock and one connection, so "database is locked" cannot happen inside the
app; each write is committed with synchronous=FULL and checkpointed into the main file
before it returns, so a copy of the .lsdesk file made right after a 2xx holds that write.
Reads use a pool of connections and see the last committed state (WAL). Only SQL runs under
the lock: after-commit listeners hear which tasks a write changed once it is released.
"""

import json
import logging
import queue
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

from lsdesk import settings as defaults
from lsdesk.store.common import now
from lsdesk.store.schema import ProjectFileError, migrate

log = logging.getLogger("lsdesk")

# While changed tasks are tracked, these temporary triggers (on the writer's connection only: the
# file keeps no trace of them) note every task whose completions or data change, by any write at all.
_TRACK_CHANGED_TASKS = (
    "CREATE TEMP TABLE IF NOT EXISTS changed_tasks (task_id INTEGER PRIMARY KEY)",
    "CREATE TEMP TRIGGER IF NOT EXISTS changed_task_completion_added AFTER INSERT ON main.completions "
    "BEGIN INSERT OR IGNORE INTO changed_tasks VALUES (NEW.task_id); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS changed_task_completion_changed AFTER UPDATE ON main.completions "
    "BEGIN INSERT OR IGNORE INTO changed_tasks VALUES (NEW.task_id), (OLD.task_id); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS changed_task_completion_deleted AFTER DELETE ON main.completions "
    "BEGIN INSERT OR IGNORE INTO changed_tasks VALUES (OLD.task_id); END",
    "CREATE TEMP TRIGGER IF NOT EXISTS changed_task_data AFTER UPDATE OF data ON main.tasks WHEN NEW.completions > 0 "
    "BEGIN INSERT OR IGNORE INTO changed_tasks VALUES (NEW.id); END",
)
_STOP_TRACKING_CHANGED_TASKS = (
    "DROP TRIGGER IF EXISTS temp.changed_task_completion_added",
    "DROP TRIGGER IF EXISTS temp.changed_task_completion_changed",
    "DROP TRIGGER IF EXISTS temp.changed_task_completion_deleted",
    "DROP TRIGGER IF EXISTS temp.changed_task_data",
    "DROP TABLE IF EXISTS temp.changed_tasks",
)

SETTINGS_DEFAULTS = {
    "title": defaults.DEFAULT_PROJECT_TITLE,
    "description": "",
    "label_config": None,
    "label_config_updated": False,
    "instruction": "",
    "sampling": defaults.DEFAULT_SAMPLING,
    "allow_delete_completions": True,
    "task_columns": None,  # the task browser's columns, None for its default
    "show_skip": True,
}


class ProjectFile:
    """A project file opened for the app. Thread-safe; close() when done."""

    def __init__(self, path, create=False):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise ProjectFileError(f"{self.path} does not exist")
        if create and self.path.exists():
            raise ProjectFileError(f"{self.path} already exists")
        self._lock = threading.Lock()
        self._readers = queue.SimpleQueue()
        self._commit_listeners = []
        self._tracking_changed_tasks = False
        try:
            self._writer = self._connect()
        except sqlite3.Error as error:
            raise ProjectFileError(f"{self.path} is not an lsdesk project file or cannot be read ({error})") from None
        try:
            self.backup_path = migrate(self.path, self._writer)
            self._writer.execute("PRAGMA journal_mode = WAL")
            self._on_open()
            # Also a file cut short while it was being created, or an empty file opened as a project.
            if create or "uuid" not in self.settings():
                self._initialise_settings()
        except BaseException:
            self._writer.close()
            raise

    def _on_open(self):
        """What a store built on this one prepares on the writer once the file is migrated."""

    # -- connections -------------------------------------------------------------------

    def _connect(self):
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {defaults.BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA journal_size_limit = 67108864")
        return conn

    @contextmanager
    def _read(self):
        """A connection holding one read snapshot for the duration of the block."""
        try:
            conn = self._readers.get_nowait()
        except queue.Empty:
            conn = self._connect()
            conn.execute("PRAGMA query_only = 1")
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")
            self._readers.put(conn)

    @contextmanager
    def _write(self):
        """The one writer: a transaction that is durable in the main file once the block ends.

        Then, with the lock released and before the block returns, each after-commit listener is
        called with the ids of the tasks the write changed (while they are tracked).
        """
        with self._lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            _busy, wal_frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if copied < wal_frames:
                # A reader held an older snapshot; wait for it so the main file is whole.
                conn.execute("PRAGMA wal_checkpoint(FULL)")
            changed = self._take_changed_tasks(conn)
        for listener in self._commit_listeners:
            try:
                listener(changed)
            except Exception:  # the write is committed: a failing listener must not fail it
                log.exception("an after-commit listener of %s failed", self.path)

    def add_commit_listener(self, listener):
        """Call `listener(changed task ids)` after every write, outside the write lock."""
        with self._lock:
            self._commit_listeners = [*self._commit_listeners, listener]

    def _track_changed_tasks(self, conn, on):
        """Start or stop noting the tasks each write changes, for the after-commit listeners."""
        for statement in _TRACK_CHANGED_TASKS if on else _STOP_TRACKING_CHANGED_TASKS:
            conn.execute(statement)
        self._tracking_changed_tasks = on

    def _take_changed_tasks(self, conn):
        """The tasks noted since the last commit, in id order, forgotten here (the lock is held)."""
        if not self._tracking_changed_tasks:
            return []
        ids = [row[0] for row in conn.execute("SELECT task_id FROM temp.changed_tasks ORDER BY task_id")]
        if ids:
            conn.execute("DELETE FROM temp.changed_tasks")
        return ids

    def save_copy(self, target):
        """Write a consistent copy of the project to `target` with SQLite's backup API.

        The copy is taken under the write lock, so it holds every acknowledged write and
        none half-done; it goes to a temporary file first, so a failed copy leaves no file.
        """
        target = Path(target)
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        copy = sqlite3.connect(partial)
        try:
            with self._lock:
                self._writer.backup(copy)
            copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            copy.close()
        partial.replace(target)
        return target

    def close(self):
        with self._lock:
            self._writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self._writer.close()
            while True:
                try:
                    self._readers.get_nowait().close()
                except queue.Empty:
                    break

    # -- settings and counts -----------------------------------------------------------

    def _initialise_settings(self):
        with self._write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                [("uuid", json.dumps(str(uuid.uuid4()))), ("created_at", json.dumps(now()))],
            )

    def settings(self):
        with self._read() as conn:
            stored = {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM settings")}
        return {**SETTINGS_DEFAULTS, **stored}

    def update_settings(self, changes):
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [(key, json.dumps(value)) for key, value in changes.items()],
            )

    def counts(self):
        with self._read() as conn:
            counts = dict(conn.execute("SELECT name, value FROM counters"))
        counts["unlabeled_tasks"] = counts["tasks"] - counts["completed_tasks"]
        return counts
