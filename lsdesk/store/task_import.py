"""The SQL of an import: validated tasks written in batches, inside the caller's write transaction.

Where the time goes at a million tasks is per row, so the common row is made cheap: a run of plain tasks (no meta,
completions or predictions) is encoded as one JSON array and inserted by one statement over `json_each`, and a
second thread writes each batch while the next one is read and checked.
"""

import gc
import itertools
import sqlite3
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from lsdesk import settings as defaults
from lsdesk.store.bookkeeping import add_key_sets, save_tally, tally_labels
from lsdesk.store.common import bump, compact_json, data_hash_of, insert_prediction_rows, mean_score, now, prediction_row
from lsdesk.store.completions import completion_row
from lsdesk.store.duplicates import DuplicateFinder, DuplicatesFound, hashes_kept
from lsdesk.store.folders import record_source_file
from lsdesk.store.review import completions_added_between

# A run of plain tasks at least this long goes in as one JSON array; a shorter one row by row, as a statement
# over json_each costs about what twenty rows do.
_MIN_ARRAY_RUN = 32


def import_task_rows(conn, tasks, duplicates="import"):
    """Store validated tasks ({"data", "meta", "completions", "predictions"}) inside the caller's write
    transaction; see ProjectStore.import_tasks. Returns the counts and the new ids."""
    started = now()
    encode = compact_json
    with _cyclic_gc_paused(), _BatchWriter(conn, duplicates == "import") as writer:
        first_id = task_id = next_id(conn, "tasks")
        found = DuplicateFinder(conn, first_id) if duplicates != "import" else None
        # Content hashes are kept once a duplicates check has asked for them (see DATA_HASH_INDEX).
        hashing = found is not None or hashes_kept(conn)
        rows = _TaskRows(_uuid_prefix(), started, hashing)
        new_uuid = _uuids(_uuid_prefix())
        completion_rows, prediction_rows = [], []
        key_sets, tally = Counter(), Counter()
        labeled = completion_count = prediction_count = 0
        add_plain, batch_size = rows.add_plain, defaults.IMPORT_BATCH
        for item, task in enumerate(tasks):
            data, meta = task["data"], task.get("meta")
            if hashing:
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
            key_sets[tuple(data)] += 1
            if meta is None and not task.get("completions") and not task.get("predictions"):
                add_plain(task_id, data)
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
                    score = mean_score([row[3] for row in added])
                rows.add_full(task_id, data, None if meta is None else encode(meta), completions, cancelled,
                              completed_at, score)
            task_id += 1
            if rows.count >= batch_size:
                writer.write(rows.taken(), completion_rows, prediction_rows)
                completion_rows, prediction_rows = [], []
                if found is not None:
                    found.flushed()
        writer.write(rows.taken(), completion_rows, prediction_rows)
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


def next_id(conn, table):
    """The id SQLite's AUTOINCREMENT will hand out next in the main database (we hold the write lock)."""
    row = conn.execute("SELECT seq FROM main.sqlite_sequence WHERE name = ?", (table,)).fetchone()
    highest = conn.execute(f"SELECT max(id) FROM main.{table}").fetchone()[0]
    return max(row[0] if row else 0, highest or 0) + 1


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


def _uuid_prefix():
    """Random first 20 hex digits shared by one import; the task id makes each uuid unique."""
    hex_digits = uuid.uuid4().hex
    return f"{hex_digits[:8]}-{hex_digits[8:12]}-4{hex_digits[13:16]}-a{hex_digits[17:20]}-"


def _uuids(prefix):
    """A function giving the uuids of one import's completions and predictions: `prefix` and a count
    (uuid.uuid4() costs ~6 µs each, more than the rest of a completion's row)."""
    numbers = itertools.count(1)
    return lambda: f"{prefix}{next(numbers):012x}"


def _store_upload(conn, upload, stamp):
    """Keep an uploaded file in the project; the same bytes are stored once under any names."""
    conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, ?)",
                 (upload.sha256, len(upload.data), upload.data))
    conn.execute("INSERT OR IGNORE INTO uploads (name, sha256, mime, created_at) VALUES (?, ?, ?, ?)",
                 (upload.name, upload.sha256, upload.mime, stamp))


class _TaskRows:
    """One batch of an import's task rows, in three shapes that cost less the more they leave to constants:
    - runs of plain tasks with consecutive ids, kept as their data; at the batch's end a long run becomes one
      JSON array that a single INSERT ... SELECT over json_each splits into rows (SQLite renders each element
      exactly as compact_json does, since it copies the array's tokens), a short one becomes plain rows;
    - plain rows (id, data text, data hash), for plain tasks whose hash is kept or whose run is short;
    - full rows (id, data text, meta, timestamp, completions, cancelled, completed_at, score, data hash).
    SQLite formats each uuid from the import's prefix and the id."""

    def __init__(self, uuid_prefix, stamp, hashing):
        columns = ("INSERT INTO tasks (id, uuid, data, meta, created_at, updated_at, completions, cancelled, "
                   "completed_at, score, data_hash) ")
        uuid_of = f"'{uuid_prefix}' || printf('%012x', {{id}})"
        plain = f"NULL, {int(stamp)}, {int(stamp)}, 0, 0, NULL, NULL"
        self.array_insert = (columns + f"SELECT ?1 + key, {uuid_of.format(id='?1 + key')}, value, {plain}, NULL "
                             "FROM json_each(?2)")
        self.plain_insert = columns + f"VALUES (?1, {uuid_of.format(id='?1')}, ?2, {plain}, ?3)"
        self.full_insert = columns + f"VALUES (?1, {uuid_of.format(id='?1')}, ?2, ?3, ?4, ?4, ?5, ?6, ?7, ?8, ?9)"
        self.stamp = stamp
        self.hashing = hashing
        self._clear()

    def _clear(self):
        self.runs, self.plain, self.full = [], [], []
        self.count = 0
        self._run, self._run_next = None, None  # the newest run's data and the id that would extend it

    def add_plain(self, task_id, data):
        self.count += 1
        if self.hashing:
            text = compact_json(data)
            self.plain.append((task_id, text, data_hash_of(text)))
        elif task_id == self._run_next:
            self._run.append(data)
            self._run_next += 1
        else:
            self._run = [data]
            self._run_next = task_id + 1
            self.runs.append((task_id, self._run))

    def add_full(self, task_id, data, meta_text, completions, cancelled, completed_at, score):
        self.count += 1
        text = compact_json(data)
        self.full.append((task_id, text, meta_text, self.stamp, completions, cancelled, completed_at, score,
                          data_hash_of(text) if self.hashing else None))

    def taken(self):
        """This batch as _TaskBatch (the JSON arrays encoded here, in the reading thread); the next starts empty."""
        arrays = []
        for first_id, datas in self.runs:
            if len(datas) >= _MIN_ARRAY_RUN:
                arrays.append((first_id, compact_json(datas), datas))
            else:
                self.plain += [(task_id, compact_json(data), None) for task_id, data in enumerate(datas, first_id)]
        batch = _TaskBatch(self, arrays, self.plain, self.full)
        self._clear()
        return batch


class _TaskBatch:
    """The statements of one batch of task rows (see _TaskRows)."""

    def __init__(self, rows, arrays, plain, full):
        self.array_insert, self.plain_insert, self.full_insert = rows.array_insert, rows.plain_insert, rows.full_insert
        self.arrays, self.plain, self.full = arrays, plain, full

    def write(self, conn):
        for first_id, array_text, datas in self.arrays:
            try:
                conn.execute(self.array_insert, (first_id, array_text))
            except sqlite3.OperationalError as error:
                # JSON SQLite's parser refuses though Python wrote it (nesting past SQLite's depth limit):
                # the failed statement left nothing behind, so these tasks go in row by row.
                if "JSON" not in str(error):
                    raise
                conn.executemany(self.plain_insert, [(task_id, compact_json(data), None)
                                                     for task_id, data in enumerate(datas, first_id)])
        conn.executemany(self.plain_insert, self.plain)
        conn.executemany(self.full_insert, self.full)


class _BatchWriter:
    """Writes an import's batches on its connection. With `background`, each batch is inserted by a second thread
    while the next one is read and checked: sqlite3 lets go of the GIL while SQLite works, so the two share the
    machine's cores. One batch at a time; wait() before the connection is used for anything else. Leaving the
    block waits for the batch under way, so the transaction ends (commit or rollback) after it."""

    def __init__(self, conn, background):
        self._conn = conn
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="import-writes") if background else None
        self._pending = None

    def write(self, task_batch, completion_rows, prediction_rows):
        self.wait()
        if self._pool is None:
            _write_batch(self._conn, task_batch, completion_rows, prediction_rows)
        else:
            self._pending = self._pool.submit(_write_batch, self._conn, task_batch, completion_rows, prediction_rows)

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


def _write_batch(conn, task_batch, completion_rows, prediction_rows):
    """Insert one batch of an import's rows."""
    task_batch.write(conn)
    conn.executemany(
        "INSERT INTO completions (uuid, task_id, body, was_cancelled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", completion_rows)
    insert_prediction_rows(conn, prediction_rows)
