"""One project file: every SQL statement the API needs, behind a single writer and pooled readers.

Writes take one lock and one connection, so "database is locked" cannot happen inside the
app; each write is committed with synchronous=FULL and checkpointed into the main file
before it returns, so a copy of the .lsdesk file made right after a 2xx holds that write.
Reads use a pool of connections and see the last committed state (WAL). Only SQL runs under
the lock: after-commit listeners hear which tasks a write changed once it is released.
"""

import gc
import json
import logging
import queue
import random
import sqlite3
import threading
import uuid
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime
from pathlib import Path

from lsdesk import settings as defaults
from lsdesk.store.common import (batches as _batches, bump as _bump, compact_json,
                                 insert_prediction_rows as _insert_prediction_rows, mean_score as _mean_score, now,
                                 prediction_row as _prediction_row)
from lsdesk.store.exports import ExportStore
from lsdesk.store.folders import MediaStore, record_source_file
from lsdesk.store.ml import ModelStore
from lsdesk.store.review import (ReviewStore, all_completions_deleted, completions_added_between,
                                 completions_changed, conflict_settled, keep_one_ground_truth)
from lsdesk.store.schema import ProjectFileError, migrate

_compact = compact_json

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
}

# Result types whose labels Label Studio 0.8 ignores when checking a new config (§4.3).
_UNCHECKED_RESULT_TYPES = {"relation", "rating", "pairwise"}

# Keys of a completion the server owns; a client's copies of them are dropped.
_SERVER_COMPLETION_KEYS = {"id", "created_at", "updated_at", "was_cancelled", "skipped"}

_LAST_SHOWN_SECOND = 253_402_128_000  # 9999-12-30 00:00 UTC
_TASK_COLUMNS = "id, data, meta, completions, cancelled, completed_at"
_COMPLETION_COLUMNS = "id, task_id, body, was_cancelled, created_at, updated_at"
_PREDICTION_COLUMNS = "id, task_id, body, created_at"



@dataclass(frozen=True)
class _Segment:
    """A run of tasks in one sort order, read through one index: which tasks, how many, in what order."""

    where: str
    size: str  # the counts() entry that holds how many tasks the segment has
    index: str
    columns: tuple  # the sort key, all in one direction
    descending: bool = False
    # The counters that change when this segment's order may have changed.
    changes: tuple = ("task_changes", "label_changes")

    def order_by(self, reverse=False):
        direction = " DESC" if self.descending != reverse else ""
        return ", ".join(column + direction for column in self.columns)

    def seeks(self, key):
        """(condition, parameters) for the tasks at or after a sort key, as index seeks in order.

        SQLite seeks on only the first column of a row-value comparison, so "(a, b) >= (x, y)"
        becomes "a = x AND b >= y", then "a > x": each one seek into the index.
        """
        strict, inclusive = ("<", "<=") if self.descending else (">", ">=")
        last = len(self.columns) - 1
        return [(" AND ".join([f"{column} = ?" for column in self.columns[:depth]]
                              + [f"{self.columns[depth]} {inclusive if depth == last else strict} ?"]),
                 key[:depth + 1])
                for depth in range(last, -1, -1)]


# Each order of GET /api/tasks is a list of segments: labeled tasks in the order asked
# for, then the unlabeled ones by id (Label Studio puts tasks without completions last).
# Ties in has_cancelled_completions are broken by completed_at then id in the same
# direction, so one index serves both directions.
_UNLABELED = _Segment("completions = 0", "unlabeled_tasks", "tasks_unlabeled", ("id",))


def _labeled(index, columns, descending):
    return [_Segment("completions > 0", "completed_tasks", index, columns, descending), _UNLABELED]


_ORDERS = {
    "id": [_Segment("1", "tasks", "sqlite_autoindex", ("id",), changes=("task_changes",))],
    "-id": [_Segment("1", "tasks", "sqlite_autoindex", ("id",), descending=True, changes=("task_changes",))],
    "completed_at": _labeled("tasks_by_completed_at", ("completed_at", "id"), False),
    "-completed_at": _labeled("tasks_by_completed_at", ("completed_at", "id"), True),
    "has_cancelled_completions": _labeled("tasks_by_cancelled", ("cancelled", "completed_at", "id"), False),
    "-has_cancelled_completions": _labeled("tasks_by_cancelled", ("cancelled", "completed_at", "id"), True),
}
# A deep page starts from a mark: the sort key of every PAGE_MARK_STEP-th task of a
# segment, found in one scan and kept until tasks or completions change. Then any page
# is a few index seeks plus fewer than PAGE_MARK_STEP steps, at any project size.
PAGE_MARK_STEP = 1024
TASK_ORDERS = tuple(_ORDERS)


@lru_cache(maxsize=4096)
def format_completed_at(seconds):
    """Label Studio 0.8 shows completed_at in the server's local time."""
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


class ProjectStore(ModelStore, MediaStore, ReviewStore, ExportStore):
    """A project file opened for the app. Thread-safe; close() when done."""

    def __init__(self, path, create=False):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise ProjectFileError(f"{self.path} does not exist")
        if create and self.path.exists():
            raise ProjectFileError(f"{self.path} already exists")
        self._lock = threading.Lock()
        self._readers = queue.SimpleQueue()
        self._page_marks = {}
        self._commit_listeners = []
        self._tracking_changed_tasks = False
        try:
            self._writer = self._connect()
        except sqlite3.Error as error:
            raise ProjectFileError(f"{self.path} is not an lsdesk project file or cannot be read ({error})") from None
        try:
            self.backup_path = migrate(self.path, self._writer)
            self._writer.execute("PRAGMA journal_mode = WAL")
            self._open_media()
            # Also a file cut short while it was being created, or an empty file opened as a project.
            if create or "uuid" not in self.settings():
                self._initialise_settings()
        except BaseException:
            self._writer.close()
            raise

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

    def data_keys_in_every_task(self):
        """The data keys all tasks share, or None when there are no tasks."""
        with self._read() as conn:
            return _data_keys_in_every_task(conn)

    def result_schema(self):
        """(from_name, to_name, type, label or None) for everything stored completions use."""
        with self._read() as conn:
            return _result_schema(conn)

    def save_label_config(self, xml, problems_with):
        """Save a label config unless `problems_with(data keys in every task, result schema)` lists any.

        Both are read in the transaction that saves, so no import or completion can slip in between
        the check and the save. Returns the problems; the config was saved when there are none.
        """
        with self._write() as conn:
            problems = problems_with(_data_keys_in_every_task(conn), _result_schema(conn))
            if not problems:
                conn.executemany(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [("label_config", json.dumps(xml)), ("label_config_updated", "true")])
        return problems

    # -- reading tasks -----------------------------------------------------------------

    def task(self, task_id):
        with self._read() as conn:
            tasks = _load_tasks(conn, [task_id])
        return tasks[0] if tasks else None

    def task_exists(self, task_id):
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone() is not None

    def tasks_page(self, page, page_size, order="id"):
        """One page (1-based) of tasks in one of TASK_ORDERS, without scanning the table."""
        offset = (page - 1) * page_size
        with self._read() as conn:
            counts = dict(conn.execute("SELECT name, value FROM counters"))
            counts["unlabeled_tasks"] = counts["tasks"] - counts["completed_tasks"]
            ids = []
            for segment in _ORDERS[order]:
                size = counts[segment.size]
                version = tuple(counts[name] for name in segment.changes)
                ids += self._segment_ids(conn, segment, size, offset, page_size - len(ids), version)
                offset = max(0, offset - size)
            return _load_tasks(conn, ids)

    def _segment_ids(self, conn, segment, size, offset, limit, version):
        """Ids at [offset, offset+limit) of a segment: a short scan from its nearer end, or from a mark."""
        count = min(limit, size - offset)
        if count <= 0:
            return []
        index = "" if segment.index == "sqlite_autoindex" else f" INDEXED BY {segment.index}"
        select = f"SELECT id FROM tasks{index} WHERE {segment.where}"
        if offset < PAGE_MARK_STEP:
            rows = conn.execute(f"{select} ORDER BY {segment.order_by()} LIMIT ? OFFSET ?", (count, offset))
            return [row[0] for row in rows]
        from_end = size - offset - count
        if from_end < PAGE_MARK_STEP:
            rows = conn.execute(f"{select} ORDER BY {segment.order_by(reverse=True)} LIMIT ? OFFSET ?",
                                (count, from_end)).fetchall()
            return [row[0] for row in reversed(rows)]
        if segment.where == "1":
            low, high = conn.execute("SELECT (SELECT min(id) FROM tasks), (SELECT max(id) FROM tasks)").fetchone()
            if high - low + 1 == size:
                # No task was ever deleted in between: a page of ids is arithmetic.
                first = high - offset if segment.descending else low + offset
                return list(range(first, first - count, -1) if segment.descending else range(first, first + count))
        mark, key = self._page_mark(conn, segment, offset, version)
        skip = offset - mark
        ids = []
        for condition, parameters in segment.seeks(key):
            rows = conn.execute(f"{select} AND {condition} ORDER BY {segment.order_by()} LIMIT ?",
                                (*parameters, skip + count - len(ids)))
            ids += [row[0] for row in rows]
            if len(ids) >= skip + count:
                break
        return ids[skip:skip + count]

    def _page_mark(self, conn, segment, offset, version):
        """(position, sort key) of the nearest mark at or before `offset`, rebuilding stale marks."""
        cached = self._page_marks.get(segment)
        if cached is None or cached[0] != version:
            columns = ", ".join(segment.columns)
            keys = conn.execute(
                f"SELECT {columns} FROM (SELECT {columns}, row_number() OVER (ORDER BY {segment.order_by()}) - 1 "
                f"AS position FROM tasks WHERE {segment.where}) WHERE position % {PAGE_MARK_STEP} = 0").fetchall()
            cached = self._page_marks[segment] = (version, keys)
        number = offset // PAGE_MARK_STEP
        return number * PAGE_MARK_STEP, cached[1][number]

    def iter_tasks(self, chunk=1000, selection=None):
        """Every task (or those of an export's TaskSelection) in id order, read in short snapshots so
        writers are never held up."""
        where = selection.where() if selection else "1"
        last = 0
        while True:
            with self._read() as conn:
                ids = [row[0] for row in conn.execute(
                    f"SELECT id FROM tasks WHERE {where} AND id > ? ORDER BY id LIMIT ?", (last, chunk))]
                tasks = _load_tasks(conn, ids)
            if not tasks:
                return
            yield from tasks
            last = ids[-1]

    def iter_labeled_task_texts(self, chunk=2000, selection=None):
        """JSON text of every task that has completions (or of an export's TaskSelection), in id order, as
        the JSON export holds it.

        Built from the stored JSON without decoding it, so exporting runs at the speed of reading.
        """
        where = selection.where() if selection else "completions > 0"
        last = 0
        while True:
            with self._read() as conn:
                ids = [row[0] for row in conn.execute(
                    f"SELECT id FROM tasks WHERE {where} AND id > ? ORDER BY id LIMIT ?", (last, chunk))]
                texts = _task_texts(conn, ids, listed=False)
            if not texts:
                return
            yield from texts
            last = ids[-1]

    def completed_task_ids(self):
        with self._read() as conn:
            return [row[0] for row in conn.execute(
                "SELECT id FROM tasks WHERE completions > 0 ORDER BY id")]

    def next_task_id(self, sampling):
        """The task to label next, or None when every task has a completion."""
        with self._read() as conn:
            if sampling.startswith("prediction-score-"):
                direction = "" if sampling == "prediction-score-min" else " DESC"
                row = conn.execute(
                    "SELECT id FROM tasks INDEXED BY tasks_unlabeled_by_score "
                    "WHERE completions = 0 AND score IS NOT NULL "
                    f"ORDER BY score{direction}, id{direction} LIMIT 1").fetchone()
                if row:
                    return row[0]
            first = "SELECT id FROM tasks INDEXED BY tasks_unlabeled WHERE completions = 0"
            if sampling == "uniform":
                # Two sub-selects: SQLite finds min and max by one index seek each only
                # when a query asks for one of them.
                low, high = conn.execute(
                    "SELECT (SELECT min(id) FROM tasks INDEXED BY tasks_unlabeled WHERE completions = 0), "
                    "(SELECT max(id) FROM tasks INDEXED BY tasks_unlabeled WHERE completions = 0)").fetchone()
                if low is None:
                    return None
                # Uniform over the id range of unlabeled tasks: a task right after a run
                # of labeled ones is a little likelier, which a labeler cannot notice and
                # which keeps this one index look-up at any project size.
                start = random.randint(low, high)
                row = conn.execute(f"{first} AND id >= ? ORDER BY id LIMIT 1", (start,)).fetchone()
                return row[0]
            row = conn.execute(f"{first} ORDER BY id LIMIT 1").fetchone()
            return row[0] if row else None

    # -- writing tasks -----------------------------------------------------------------

    def import_tasks(self, tasks):
        """Store validated tasks ({"data", "meta", "completions", "predictions"}) in one transaction.

        `tasks` may be a generator; if it raises, nothing is stored. Each task row is written
        with its completion counters already known, so nothing is updated afterwards.
        """
        started = now()
        encode = _compact
        with self._write() as conn, _cyclic_gc_paused():
            first_id = task_id = _next_id(conn, "tasks")
            insert = _task_insert(_uuid_prefix())
            rows, completion_rows, prediction_rows = [], [], []
            key_sets, tally = Counter(), Counter()
            labeled = completion_count = prediction_count = 0
            for task in tasks:
                if "upload" in task:
                    _store_upload(conn, task["upload"], started)
                if "source_file" in task:
                    record_source_file(conn, task_id, task["source_file"])
                data, meta = task["data"], task.get("meta")
                key_sets[tuple(data) if type(data) is dict else ()] += 1
                completions, cancelled, completed_at, score = 0, 0, None, None
                if task.get("completions"):
                    for completion in task["completions"]:
                        row = _completion_row(task_id, completion, started)
                        completion_rows.append(row)
                        _tally_labels(completion["result"], tally, +1)
                        cancelled += row[3]
                        completed_at = max(completed_at or row[4], row[4])
                    completions = len(task["completions"])
                    completion_count += completions
                    labeled += 1
                if task.get("predictions"):
                    added = [_prediction_row(task_id, p, started) for p in task["predictions"]]
                    prediction_rows += added
                    prediction_count += len(added)
                    score = _mean_score(row[3] for row in added)
                rows.append((task_id, encode(data), None if meta is None else encode(meta), started,
                             completions, cancelled, completed_at, score))
                task_id += 1
                if len(rows) >= defaults.IMPORT_BATCH:
                    _flush_import(conn, insert, rows, completion_rows, prediction_rows)
            _flush_import(conn, insert, rows, completion_rows, prediction_rows)
            task_count = task_id - first_id
            _add_key_sets(conn, key_sets)
            _save_tally(conn, tally)
            _bump(conn, tasks=task_count, completed_tasks=labeled, completions=completion_count,
                  predictions=prediction_count, task_changes=1, label_changes=int(labeled > 0))
            if labeled:
                completions_added_between(conn, first_id, task_id - 1)
        return {
            "task_count": task_count,
            "completion_count": completion_count,
            "prediction_count": prediction_count,
            "first_id": first_id,
            "last_id": task_id - 1,
        }

    def upload(self, name):
        """(mime type, size, sha256) of an uploaded file, or None."""
        with self._read() as conn:
            return conn.execute(
                "SELECT mime, size, uploads.sha256 FROM uploads JOIN blobs USING (sha256) WHERE name = ?",
                (name,)).fetchone()

    def read_upload(self, name, start=0, length=None):
        """Yield the bytes of an uploaded file from `start`, `length` of them (all when None)."""
        found = self.upload(name)
        if found is not None:
            yield from self.read_blob(found[2], start, length)

    def replace_task(self, task_id, task):
        """Overwrite a task's data and meta, and its completions/predictions when given."""
        stamp = now()
        with self._write() as conn:
            old = conn.execute("SELECT data FROM tasks WHERE id = ?", (task_id,)).fetchone()
            if old is None:
                return None
            _add_key_sets(conn, Counter({_key_set(json.loads(old[0])): -1, _key_set(task["data"]): 1}))
            conn.execute(
                "UPDATE tasks SET data = ?, meta = ?, updated_at = ? WHERE id = ?",
                (_compact(task["data"]), None if task.get("meta") is None else _compact(task["meta"]),
                 stamp, task_id))
            if "completions" in task:
                was_labeled = _delete_completions_of(conn, task_id)
                tally = Counter()
                for completion in task["completions"]:
                    _tally_labels(completion["result"], tally, +1)
                _save_tally(conn, tally)
                _insert_completion_rows(conn, [_completion_row(task_id, c, stamp) for c in task["completions"]])
                now_labeled = _refresh_task(conn, task_id, stamp)
                _bump(conn, completed_tasks=now_labeled - was_labeled, completions=len(task["completions"]),
                      label_changes=1)
                completions_changed(conn, task_id)
            if "predictions" in task:
                removed = conn.execute("DELETE FROM predictions WHERE task_id = ?", (task_id,)).rowcount
                added = [_prediction_row(task_id, p, stamp) for p in task["predictions"]]
                _insert_prediction_rows(conn, added)
                conn.execute("UPDATE tasks SET score = ? WHERE id = ?",
                             (_mean_score(row[3] for row in added), task_id))
                _bump(conn, predictions=len(added) - removed)
        return self.task(task_id)

    def delete_task(self, task_id):
        with self._write() as conn:
            row = conn.execute("SELECT data FROM tasks WHERE id = ?", (task_id,)).fetchone()
            if row is None:
                return False
            was_labeled = _delete_completions_of(conn, task_id)
            removed = conn.execute("DELETE FROM predictions WHERE task_id = ?", (task_id,)).rowcount
            conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,))
            conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))
            _add_key_sets(conn, Counter({_key_set(json.loads(row[0])): -1}))
            _bump(conn, tasks=-1, completed_tasks=-was_labeled, predictions=-removed, task_changes=1)
            completions_changed(conn, task_id)
        return True

    def delete_all_tasks(self):
        with self._write() as conn:
            for table in ("tasks", "completions", "predictions", "drafts", "data_key_sets", "result_labels"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("UPDATE counters SET value = 0 WHERE name NOT LIKE '%_changes'")
            _bump(conn, task_changes=1, label_changes=1)
            all_completions_deleted(conn)

    # -- drafts: the labeling page's unsaved work ---------------------------------------

    def draft(self, task_id):
        with self._read() as conn:
            row = conn.execute("SELECT body, updated_at FROM drafts WHERE task_id = ?", (task_id,)).fetchone()
        return None if row is None else {**json.loads(row[0]), "updated_at": row[1]}

    def save_draft(self, task_id, draft):
        """Keep a task's unsaved result; False when the task does not exist."""
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone():
                return False
            conn.execute(
                "INSERT INTO drafts (task_id, body, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (task_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                (task_id, _compact(draft), now()))
        return True

    def delete_draft(self, task_id):
        with self._write() as conn:
            return conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,)).rowcount > 0

    # -- completions -------------------------------------------------------------------

    def add_completion(self, task_id, completion, cancelled, completed_by):
        """Store a new completion; returns its id, or None when the task does not exist."""
        stamp = now()
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone():
                return None
            was_labeled = _is_labeled(conn, task_id)
            completion = {**completion, "was_cancelled": cancelled}
            if completed_by:
                completion.setdefault("completed_by", completed_by)
                completion["updated_by"] = completed_by
            row = _completion_row(task_id, completion, stamp, imported=False)
            (completion_id,) = _insert_completion_rows(conn, [row])
            conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,))
            _save_tally(conn, _tally_labels(completion["result"], Counter(), +1))
            _refresh_task(conn, task_id, stamp)
            _bump(conn, completions=1, completed_tasks=1 - was_labeled, label_changes=1)
            if completion.get("ground_truth") is True:
                keep_one_ground_truth(conn, task_id, completion_id)
            completions_changed(conn, task_id)
            return completion_id

    def update_completion(self, task_id, completion_id, changes, cancelled=None, updated_by=None):
        """Merge `changes` into a completion, recording who saved it (`updated_by`, as Label Studio 1.x;
        `completed_by` stays the author); returns it, or None when there is no such completion."""
        stamp = now()
        with self._write() as conn:
            row = conn.execute(
                "SELECT body, was_cancelled FROM completions WHERE id = ? AND task_id = ?",
                (completion_id, task_id)).fetchone()
            if row is None:
                return None
            body = json.loads(row[0])
            tally = _tally_labels(body["result"], Counter(), -1)
            body.update((k, v) for k, v in changes.items() if k not in _SERVER_COMPLETION_KEYS)
            if updated_by:
                body["updated_by"] = updated_by
            _save_tally(conn, _tally_labels(body["result"], tally, +1))
            conn.execute(
                "UPDATE completions SET body = ?, was_cancelled = ?, updated_at = ? WHERE id = ?",
                (_compact(body), row[1] if cancelled is None else int(cancelled), stamp, completion_id))
            conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,))
            _refresh_task(conn, task_id, stamp)
            _bump(conn, label_changes=1)
            if changes.get("ground_truth") is True:
                keep_one_ground_truth(conn, task_id, completion_id)
            conflict_settled(conn, completion_id)
            completions_changed(conn, task_id)
            return json.loads(_completion_text(conn.execute(
                f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE id = ?", (completion_id,)).fetchone()))

    def resolve_conflict(self, task_id, completion_id, version_id=None):
        """Settle a completion both copies of a merge edited: keep its edit (version_id None) or take back
        that older version, the current edit becoming a version in turn. Returns the completion, or None
        when there is no such completion or version."""
        stamp = now()
        with self._write() as conn:
            current = conn.execute("SELECT body, was_cancelled, updated_at FROM completions WHERE id = ? AND task_id = ?",
                                   (completion_id, task_id)).fetchone()
            if current is None:
                return None
            if version_id is not None:
                chosen = conn.execute("SELECT body, was_cancelled FROM completion_versions WHERE id = ? AND completion_id = ?",
                                      (version_id, completion_id)).fetchone()
                if chosen is None:
                    return None
                conn.execute("INSERT INTO completion_versions (completion_id, task_id, body, was_cancelled, updated_at) "
                             "VALUES (?, ?, ?, ?, ?)", (completion_id, task_id, *current))
                conn.execute("DELETE FROM completion_versions WHERE id = ?", (version_id,))
                # Choosing is the latest word on it: a later merge keeps this edit over the copies' older ones.
                conn.execute("UPDATE completions SET body = ?, was_cancelled = ?, updated_at = ? WHERE id = ?",
                             (*chosen, stamp, completion_id))
                tally = _tally_labels(json.loads(current[0])["result"], Counter(), -1)
                _save_tally(conn, _tally_labels(json.loads(chosen[0])["result"], tally, +1))
                _refresh_task(conn, task_id, stamp)
                _bump(conn, label_changes=1)
            conflict_settled(conn, completion_id)
            completions_changed(conn, task_id)
            return json.loads(_completion_text(conn.execute(
                f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE id = ?", (completion_id,)).fetchone()))

    def delete_completion(self, task_id, completion_id):
        stamp = now()
        with self._write() as conn:
            row = conn.execute("SELECT body FROM completions WHERE id = ? AND task_id = ?",
                               (completion_id, task_id)).fetchone()
            if row is None:
                return False
            _save_tally(conn, _tally_labels(json.loads(row[0])["result"], Counter(), -1))
            conn.execute("DELETE FROM completions WHERE id = ?", (completion_id,))
            still_labeled = _refresh_task(conn, task_id, stamp)
            _bump(conn, completions=-1, completed_tasks=still_labeled - 1, label_changes=1)
            completions_changed(conn, task_id)
        return True

    def delete_task_completions(self, task_id):
        """Delete every completion of a task; False when the task does not exist."""
        stamp = now()
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone():
                return False
            was_labeled = _delete_completions_of(conn, task_id)
            _refresh_task(conn, task_id, stamp)
            _bump(conn, completed_tasks=-was_labeled, label_changes=1)
            completions_changed(conn, task_id)
        return True

    def delete_all_completions(self):
        stamp = now()
        with self._write() as conn:
            conn.execute("DELETE FROM completions")
            conn.execute("DELETE FROM result_labels")
            conn.execute(
                "UPDATE tasks SET completions = 0, cancelled = 0, completed_at = NULL, updated_at = ? "
                "WHERE completions > 0", (stamp,))
            conn.execute("UPDATE counters SET value = 0 WHERE name IN ('completions', 'completed_tasks')")
            _bump(conn, label_changes=1)
            all_completions_deleted(conn)


# -- helpers that run inside a read or write transaction ---------------------------------


def _data_keys_in_every_task(conn):
    key_sets = [json.loads(keys) for (keys,) in conn.execute("SELECT keys FROM data_key_sets")]
    if not key_sets:
        return None
    return set.intersection(*(set(keys) for keys in key_sets))


def _result_schema(conn):
    rows = conn.execute("SELECT from_name, to_name, type, label FROM result_labels").fetchall()
    return [(f, t, kind, label or None) for f, t, kind, label in rows]


@contextmanager
def _cyclic_gc_paused():
    """Imports allocate millions of short-lived objects without cycles; the cyclic collector
    would walk them again and again (about half the import time) for nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _next_id(conn, table):
    """The id SQLite's AUTOINCREMENT will hand out next (we hold the write lock)."""
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    highest = conn.execute(f"SELECT max(id) FROM {table}").fetchone()[0]
    return max(row[0] if row else 0, highest or 0) + 1


def _uuid_prefix():
    """Random first 20 hex digits shared by one import; the task id makes each uuid unique."""
    hex_digits = uuid.uuid4().hex
    return f"{hex_digits[:8]}-{hex_digits[8:12]}-4{hex_digits[13:16]}-a{hex_digits[17:20]}-"


def _store_upload(conn, upload, stamp):
    """Keep an uploaded file in the project; the same bytes are stored once under any names."""
    conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, ?)",
                 (upload.sha256, len(upload.data), upload.data))
    conn.execute("INSERT OR IGNORE INTO uploads (name, sha256, mime, created_at) VALUES (?, ?, ?, ?)",
                 (upload.name, upload.sha256, upload.mime, stamp))


def _task_insert(uuid_prefix):
    """INSERT for rows (id, data, meta, timestamp, completions, cancelled, completed_at, score);
    SQLite formats each uuid from the prefix and the id."""
    return (
        "INSERT INTO tasks (id, uuid, data, meta, created_at, updated_at, completions, cancelled, "
        f"completed_at, score) VALUES (?1, '{uuid_prefix}' || printf('%012x', ?1), ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8)"
    )


def _key_set(data):
    return tuple(data) if isinstance(data, dict) else ()


def _add_key_sets(conn, key_sets):
    """Keep a histogram of tasks' data key sets, so "keys every task has" is exact and cheap."""
    merged = Counter()
    for keys, count in key_sets.items():
        merged[_compact(sorted(keys))] += count
    conn.executemany(
        "INSERT INTO data_key_sets (keys, tasks) VALUES (?, ?) "
        "ON CONFLICT (keys) DO UPDATE SET tasks = tasks + excluded.tasks",
        list(merged.items()))
    conn.execute("DELETE FROM data_key_sets WHERE tasks <= 0")


def _is_labeled(conn, task_id):
    return conn.execute("SELECT completions > 0 FROM tasks WHERE id = ?", (task_id,)).fetchone()[0]


def _timestamp(value, fallback):
    """Unix seconds from an imported completion's int or ISO-8601 timestamp, if it can be shown as a date."""
    seconds = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str):
        try:
            seconds = datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except (ValueError, OverflowError, OSError):
            pass
    # Between 1970 and the year 9999 in any time zone: what every platform's local time can show.
    if seconds is None or not 0 <= seconds < _LAST_SHOWN_SECOND:
        return fallback
    return int(seconds)


def _completion_row(task_id, completion, stamp, imported=True):
    """(uuid, task_id, body, was_cancelled, created_at, updated_at) of a completion to insert.

    The body is what the client sent minus what the server owns; an imported completion
    keeps its own timestamps.
    """
    body = {k: v for k, v in completion.items() if k not in _SERVER_COMPLETION_KEYS}
    body.setdefault("lead_time", 0)
    cancelled = bool(completion.get("was_cancelled") or completion.get("skipped"))
    created = _timestamp(completion.get("created_at"), stamp) if imported else stamp
    updated = _timestamp(completion.get("updated_at"), created) if imported else stamp
    return (str(uuid.uuid4()), task_id, _compact(body), int(cancelled), created, updated)


def _insert_completion_rows(conn, rows):
    """Insert completion rows; returns their new ids."""
    return [conn.execute(
        "INSERT INTO completions (uuid, task_id, body, was_cancelled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", row).fetchone()[0] for row in rows]


def _flush_import(conn, insert, rows, completion_rows, prediction_rows):
    """Write one batch of an import and empty the lists for the next."""
    conn.executemany(insert, rows)
    conn.executemany(
        "INSERT INTO completions (uuid, task_id, body, was_cancelled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", completion_rows)
    _insert_prediction_rows(conn, prediction_rows)
    for batch in (rows, completion_rows, prediction_rows):
        batch.clear()


def _delete_completions_of(conn, task_id):
    """Delete a task's completions (keeping the label tally right); returns 1 if it had any."""
    tally = Counter()
    for (body,) in conn.execute("SELECT body FROM completions WHERE task_id = ?", (task_id,)).fetchall():
        _tally_labels(json.loads(body)["result"], tally, -1)
    _save_tally(conn, tally)
    removed = conn.execute("DELETE FROM completions WHERE task_id = ?", (task_id,)).rowcount
    _bump(conn, completions=-removed)
    return int(removed > 0)


def _refresh_task(conn, task_id, stamp):
    """Recompute a task's completion columns; returns 1 if it is labeled now."""
    conn.execute(
        "UPDATE tasks SET "
        "completions = (SELECT count(*) FROM completions WHERE task_id = tasks.id), "
        "cancelled = (SELECT count(*) FROM completions WHERE task_id = tasks.id AND was_cancelled), "
        "completed_at = (SELECT max(created_at) FROM completions WHERE task_id = tasks.id), "
        "updated_at = ? WHERE id = ?", (stamp, task_id))
    return _is_labeled(conn, task_id)


def _tally_labels(result, tally, sign):
    """Count a completion's results into `tally`, the record a new config is checked against."""
    for item in result:
        if not isinstance(item, dict) or item.get("type") in _UNCHECKED_RESULT_TYPES:
            continue
        from_name, to_name, kind = item.get("from_name"), item.get("to_name"), item.get("type")
        if not all(isinstance(v, str) for v in (from_name, to_name, kind)):
            continue
        value = item.get("value")
        labels = value.get(kind) if isinstance(value, dict) else None
        labels = [label for label in labels if isinstance(label, str)] if isinstance(labels, list) else []
        for label in labels or [""]:
            tally[(from_name, to_name, kind, label)] += sign
    return tally


def _save_tally(conn, tally):
    changes = [(*key, uses) for key, uses in tally.items() if uses]
    if not changes:
        return
    conn.executemany(
        "INSERT INTO result_labels (from_name, to_name, type, label, uses) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET uses = uses + excluded.uses", changes)
    conn.execute("DELETE FROM result_labels WHERE uses <= 0")


def _task_texts(conn, ids, listed):
    """JSON text of each task in `ids` (in that order), built from the stored JSON without decoding it.

    `listed` adds what GET /api/tasks shows besides the stored task (completed_at,
    has_cancelled_completions); the export leaves it out.
    """
    rows, completions, predictions = {}, {}, {}
    for chunk in _batches(ids):
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT {_TASK_COLUMNS} FROM tasks WHERE id IN ({marks})", chunk):
            rows[row[0]] = row
        for row in conn.execute(
                f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE task_id IN ({marks}) ORDER BY id", chunk):
            completions.setdefault(row[1], []).append(_completion_text(row))
        for row in conn.execute(
                f"SELECT {_PREDICTION_COLUMNS} FROM predictions WHERE task_id IN ({marks}) ORDER BY id", chunk):
            predictions.setdefault(row[1], []).append(_prediction_text(row))
    return [_task_text(rows[task_id], completions.get(task_id, ()), predictions.get(task_id, ()), listed)
            for task_id in ids if task_id in rows]


def _load_tasks(conn, ids):
    """Tasks as the API shows them, in the order of `ids`, with completions and predictions."""
    return [json.loads(text) for text in _task_texts(conn, ids, listed=True)]


def _task_text(row, completions, predictions, listed):
    task_id, data, meta, completion_count, cancelled, completed_at = row
    text = f'{{"id":{task_id},"data":{data}'
    if meta is not None:
        text += f',"meta":{meta}'
    text += f',"completions":[{",".join(completions)}],"predictions":[{",".join(predictions)}]'
    if listed:
        shown = f'"{format_completed_at(completed_at)}"' if completion_count else "null"
        text += f',"completed_at":{shown},"has_cancelled_completions":{cancelled}'
    return text + "}"


def _completion_text(row):
    """{"id", <what the client sent>, "created_at", "updated_at"[, "was_cancelled"]} as JSON text."""
    completion_id, _task_id, body, was_cancelled, created_at, updated_at = row
    fields = body[1:-1]
    text = f'{{"id":{completion_id},{fields + "," if fields else ""}"created_at":{created_at},"updated_at":{updated_at}'
    return text + (',"was_cancelled":true}' if was_cancelled else "}")


def _prediction_text(row):
    prediction_id, _task_id, body, created_at = row
    fields = body[1:-1]
    return f'{{"id":{prediction_id},{fields + "," if fields else ""}"created_at":{created_at}}}'
