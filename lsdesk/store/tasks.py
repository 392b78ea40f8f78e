"""The SQL of tasks: reading them, importing them in one transaction, replacing and deleting them,
the labeling page's drafts, and the config check against the data (a mixin of ProjectStore)."""

import gc
import itertools
import json
import random
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from lsdesk import settings as defaults
from lsdesk.store.bookkeeping import (add_key_sets, common_data_keys, delete_completions_of, key_set, refresh_task,
                                      save_tally, stored_result_schema, tally_labels)
from lsdesk.store.common import (bump, compact_json, data_hash_of, insert_prediction_rows, mean_score, now,
                                 prediction_row)
from lsdesk.store.completions import completion_row, insert_completion_rows
from lsdesk.store.duplicates import DuplicateFinder, DuplicatesFound
from lsdesk.store.folders import record_source_file
from lsdesk.store.review import all_completions_deleted, completions_added_between, completions_changed
from lsdesk.store.task_text import load_tasks, task_texts


class TaskStore:
    """Methods use self._read() and self._write() of ProjectStore."""

    # -- the data and the config ---------------------------------------------------------

    def data_keys_in_every_task(self):
        """The data keys all tasks share, or None when there are no tasks."""
        with self._read() as conn:
            return common_data_keys(conn)

    def result_schema(self):
        """(from_name, to_name, type, label or None) for everything stored completions use."""
        with self._read() as conn:
            return stored_result_schema(conn)

    def save_label_config(self, xml, problems_with):
        """Save a label config unless `problems_with(data keys in every task, result schema)` lists any.

        Both are read in the transaction that saves, so no import or completion can slip in between
        the check and the save. Returns the problems; the config was saved when there are none.
        """
        with self._write() as conn:
            problems = problems_with(common_data_keys(conn), stored_result_schema(conn))
            if not problems:
                conn.executemany(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [("label_config", json.dumps(xml)), ("label_config_updated", "true")])
        return problems

    # -- reading tasks -----------------------------------------------------------------

    def task(self, task_id):
        with self._read() as conn:
            tasks = load_tasks(conn, [task_id])
        return tasks[0] if tasks else None

    def task_exists(self, task_id):
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone() is not None

    def iter_tasks(self, chunk=1000, selection=None):
        """Every task (or those of an export's TaskSelection) in id order, read in short snapshots so
        writers are never held up."""
        where, params = (selection.where(), selection.params()) if selection else ("1", ())
        yield from self._by_id_chunks(where, params, chunk, load_tasks)

    def iter_labeled_task_texts(self, chunk=2000, selection=None):
        """JSON text of every task that has completions (or of an export's TaskSelection), in id order, as
        the JSON export holds it.

        Built from the stored JSON without decoding it, so exporting runs at the speed of reading.
        """
        where, params = (selection.where(), selection.params()) if selection else ("completions > 0", ())
        yield from self._by_id_chunks(where, params, chunk, lambda conn, ids: task_texts(conn, ids, listed=False))

    def _by_id_chunks(self, where, params, chunk, load):
        """What `load(conn, ids)` makes of the tasks matching `where`, in id order, `chunk` ids per snapshot."""
        last = 0
        while True:
            with self._read() as conn:
                ids = [row[0] for row in conn.execute(
                    f"SELECT id FROM tasks WHERE {where} AND id > ? ORDER BY id LIMIT ?", (*params, last, chunk))]
                loaded = load(conn, ids)
            if not loaded:
                return
            yield from loaded
            last = ids[-1]

    def completed_task_ids(self):
        with self._read() as conn:
            return [row[0] for row in conn.execute(
                "SELECT id FROM tasks WHERE completions > 0 ORDER BY id")]

    def next_task_id(self, sampling, exclude=None, prefer=None):
        """The task to label next, or None when every task has a completion; `exclude` (a task id) is
        passed over, as if it were labeled: the Label page asks so while it saves that task. `prefer`
        (a task id) is the answer while it is unlabeled and not excluded: the Label page shows the task
        it asked for ahead of time and checks so that nobody labeled or deleted it meanwhile."""
        but = "" if exclude is None else " AND id != ?"
        args = () if exclude is None else (exclude,)
        with self._read() as conn:
            if prefer is not None and prefer != exclude and conn.execute(
                    "SELECT 1 FROM tasks WHERE id = ? AND completions = 0", (prefer,)).fetchone():
                return prefer
            if sampling.startswith("prediction-score-"):
                direction = "" if sampling == "prediction-score-min" else " DESC"
                row = conn.execute(
                    "SELECT id FROM tasks INDEXED BY tasks_unlabeled_by_score "
                    f"WHERE completions = 0 AND score IS NOT NULL{but} "
                    f"ORDER BY score{direction}, id{direction} LIMIT 1", args).fetchone()
                if row:
                    return row[0]
            first = f"SELECT id FROM tasks INDEXED BY tasks_unlabeled WHERE completions = 0{but}"
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
                row = conn.execute(f"{first} AND id >= ? ORDER BY id LIMIT 1", (*args, start)).fetchone()
                if row or exclude is None:
                    return row[0]
            row = conn.execute(f"{first} ORDER BY id LIMIT 1", args).fetchone()
            return row[0] if row else None

    # -- writing tasks -----------------------------------------------------------------

    def import_tasks(self, tasks, duplicates="import"):
        """Store validated tasks ({"data", "meta", "completions", "predictions"}) in one transaction.

        `tasks` may be a generator; if it raises, nothing is stored. Each task row is written
        with its completion counters already known, so nothing is updated afterwards.
        `duplicates`: "import" stores every task; "skip" leaves out a task whose data equals an existing
        task's or an earlier one's of this import; "ask" raises DuplicatesFound (storing nothing) if any does.
        """
        started = now()
        encode = compact_json
        with self._write() as conn, _cyclic_gc_paused(), _BatchWriter(conn, duplicates == "import") as writer:
            first_id = task_id = _next_id(conn, "tasks")
            rows = _TaskRows(_uuid_prefix(), started)
            new_uuid = _uuids(_uuid_prefix())
            completion_rows, prediction_rows = [], []
            key_sets, tally = Counter(), Counter()
            labeled = completion_count = prediction_count = 0
            found = DuplicateFinder(conn, first_id) if duplicates != "import" else None
            for item, task in enumerate(tasks):
                data, meta = task["data"], task.get("meta")
                data_text = encode(data)
                data_hash = data_hash_of(data_text)
                if found is not None and found.seen(item, data_hash, data_text, task_id):
                    continue
                if "upload" in task:
                    writer.wait()
                    _store_upload(conn, task["upload"], started)
                if "source_file" in task:
                    writer.wait()
                    record_source_file(conn, task_id, task["source_file"])
                key_sets[tuple(data) if type(data) is dict else ()] += 1
                if meta is None and not task.get("completions") and not task.get("predictions"):
                    rows.add_plain(task_id, data_text, data_hash)
                else:
                    completions, cancelled, completed_at, score = 0, 0, None, None
                    if task.get("completions"):
                        for completion in task["completions"]:
                            row = completion_row(task_id, completion, started, uuid_text=new_uuid())
                            completion_rows.append(row)
                            tally_labels(completion["result"], tally, +1)
                            cancelled += row[3]
                            completed_at = max(completed_at or row[4], row[4])
                        completions = len(task["completions"])
                        completion_count += completions
                        labeled += 1
                    if task.get("predictions"):
                        added = [prediction_row(task_id, p, started, new_uuid()) for p in task["predictions"]]
                        prediction_rows += added
                        prediction_count += len(added)
                        score = mean_score(row[3] for row in added)
                    rows.add((task_id, data_text, None if meta is None else encode(meta), started,
                              completions, cancelled, completed_at, score, data_hash))
                task_id += 1
                if len(rows.rows) >= defaults.IMPORT_BATCH:
                    writer.write(*rows.taken(), completion_rows, prediction_rows)
                    completion_rows, prediction_rows = [], []
                    if found is not None:
                        found.flushed()
            writer.write(*rows.taken(), completion_rows, prediction_rows)
            writer.wait()
            if found is not None and duplicates == "ask" and found.count:
                raise DuplicatesFound(found.count, found.items, found.examples)
            task_count = task_id - first_id
            add_key_sets(conn, key_sets)
            save_tally(conn, tally)
            bump(conn, tasks=task_count, completed_tasks=labeled, completions=completion_count,
                  predictions=prediction_count, task_changes=1, label_changes=int(labeled > 0))
            if labeled:
                completions_added_between(conn, first_id, task_id - 1)
        return {
            "task_count": task_count,
            "completion_count": completion_count,
            "prediction_count": prediction_count,
            "first_id": first_id,
            "last_id": task_id - 1,
            "skipped_duplicates": found.count if found is not None else 0,
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
            add_key_sets(conn, Counter({key_set(json.loads(old[0])): -1, key_set(task["data"]): 1}))
            data_text = compact_json(task["data"])
            conn.execute(
                "UPDATE tasks SET data = ?, meta = ?, updated_at = ?, data_hash = ? WHERE id = ?",
                (data_text, None if task.get("meta") is None else compact_json(task["meta"]),
                 stamp, data_hash_of(data_text), task_id))
            if "completions" in task:
                was_labeled = delete_completions_of(conn, task_id)
                tally = Counter()
                for completion in task["completions"]:
                    tally_labels(completion["result"], tally, +1)
                save_tally(conn, tally)
                insert_completion_rows(conn, [completion_row(task_id, c, stamp) for c in task["completions"]])
                now_labeled = refresh_task(conn, task_id, stamp)
                bump(conn, completed_tasks=now_labeled - was_labeled, completions=len(task["completions"]),
                      label_changes=1)
                completions_changed(conn, task_id)
            if "predictions" in task:
                removed = conn.execute("DELETE FROM predictions WHERE task_id = ?", (task_id,)).rowcount
                added = [prediction_row(task_id, p, stamp) for p in task["predictions"]]
                insert_prediction_rows(conn, added)
                conn.execute("UPDATE tasks SET score = ? WHERE id = ?",
                             (mean_score(row[3] for row in added), task_id))
                bump(conn, predictions=len(added) - removed)
        return self.task(task_id)

    def delete_task(self, task_id):
        with self._write() as conn:
            return delete_task_rows(conn, task_id)

    def delete_all_tasks(self):
        with self._write() as conn:
            # Forget the search index first, so deleting each task does not look it up there.
            conn.execute("UPDATE counters SET value = 0 WHERE name = 'search_indexed'")
            conn.execute("INSERT INTO tasks_fts (tasks_fts) VALUES ('delete-all')")
            for table in ("tasks", "completions", "predictions", "drafts", "data_key_sets", "result_labels"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("UPDATE counters SET value = 0 WHERE name NOT LIKE '%_changes'")
            bump(conn, task_changes=1, label_changes=1)
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
                (task_id, compact_json(draft), now()))
        return True

    def delete_draft(self, task_id):
        with self._write() as conn:
            return conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,)).rowcount > 0


def delete_task_rows(conn, task_id):
    """Inside a write: delete a task with its completions, predictions and draft, keeping the counters, the
    label tally and the disagreement table right; False when there is no such task."""
    row = conn.execute("SELECT data FROM tasks WHERE id = ?", (task_id,)).fetchone()
    if row is None:
        return False
    was_labeled = delete_completions_of(conn, task_id)
    removed = conn.execute("DELETE FROM predictions WHERE task_id = ?", (task_id,)).rowcount
    conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,))
    conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))
    add_key_sets(conn, Counter({key_set(json.loads(row[0])): -1}))
    bump(conn, tasks=-1, completed_tasks=-was_labeled, predictions=-removed, task_changes=1)
    completions_changed(conn, task_id)
    return True


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


def _uuids(prefix):
    """A function giving the uuids of one import's completions and predictions: `prefix` and a count
    (uuid.uuid4() costs ~6 µs each, more than the rest of a completion's row)."""
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers):012x}"


class _TaskRows:
    """One batch of an import's task rows. While a batch holds only tasks without meta, completions or
    predictions, each row is (id, data, data_hash), written by an INSERT that has the rest as constants:
    binding six fewer parameters per row makes a flat import's inserts about 40% cheaper. The batch's
    first other task turns its rows into full rows (id, data, meta, timestamp, completions, cancelled,
    completed_at, score, data_hash). SQLite formats each uuid from the prefix and the id."""

    def __init__(self, uuid_prefix, stamp):
        columns = ("INSERT INTO tasks (id, uuid, data, meta, created_at, updated_at, completions, cancelled, "
                   f"completed_at, score, data_hash) VALUES (?1, '{uuid_prefix}' || printf('%012x', ?1), ?2, ")
        self.full_insert = columns + "?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9)"
        self.plain_insert = columns + f"NULL, {int(stamp)}, {int(stamp)}, 0, 0, NULL, NULL, ?3)"
        self.stamp = stamp
        self.rows = []
        self.plain = True

    def add_plain(self, task_id, data_text, data_hash):
        if self.plain:
            self.rows.append((task_id, data_text, data_hash))
        else:
            self.rows.append((task_id, data_text, None, self.stamp, 0, 0, None, None, data_hash))

    def add(self, row):
        if self.plain:
            self.rows = [(task_id, data_text, None, self.stamp, 0, 0, None, None, data_hash)
                         for task_id, data_text, data_hash in self.rows]
            self.plain = False
        self.rows.append(row)

    def taken(self):
        """(the INSERT, the rows) of this batch; the next batch starts empty."""
        taken = (self.plain_insert if self.plain else self.full_insert, self.rows)
        self.rows, self.plain = [], True
        return taken


class _BatchWriter:
    """Writes an import's batches on its connection. With `background`, each batch is inserted by a second thread
    while the next one is read and checked: sqlite3 lets go of the GIL while SQLite works, so the two share the
    machine's cores. One batch at a time; wait() before the connection is used for anything else. Leaving the
    block waits for the batch under way, so the transaction ends (commit or rollback) after it."""

    def __init__(self, conn, background):
        self._conn = conn
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="import-writes") if background else None
        self._pending = None

    def write(self, task_insert, task_rows, completion_rows, prediction_rows):
        self.wait()
        if self._pool is None:
            _write_batch(self._conn, task_insert, task_rows, completion_rows, prediction_rows)
        else:
            self._pending = self._pool.submit(_write_batch, self._conn, task_insert, task_rows, completion_rows,
                                              prediction_rows)

    def wait(self):
        """Until the batch under way is written; raises what writing it raised."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        try:
            self.wait()
        except Exception:
            if kind is None:  # else the error already on its way says what went wrong first
                raise
        finally:
            if self._pool is not None:
                self._pool.shutdown()


def _write_batch(conn, task_insert, task_rows, completion_rows, prediction_rows):
    """Insert one batch of an import's rows."""
    conn.executemany(task_insert, task_rows)
    conn.executemany(
        "INSERT INTO completions (uuid, task_id, body, was_cancelled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", completion_rows)
    insert_prediction_rows(conn, prediction_rows)
