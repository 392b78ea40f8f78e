"""The SQL of an import: validated tasks written in batches, inside the caller's write transaction.

Where the time goes at a million tasks is per row, so rows are made cheap: each batch's tasks, completions and
predictions are encoded as JSON arrays and inserted by one statement per table over `json_each`, and a second
thread writes each batch while the next one is read and checked.
"""

import gc
import sqlite3
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from lsdesk import settings as defaults
from lsdesk.store.bookkeeping import add_key_sets, save_tally, tally_labels
from lsdesk.store.common import bump, compact_json, data_hash_of, mean_score, now, prediction_fields
from lsdesk.store.completions import completion_fields
from lsdesk.store.duplicates import DuplicateFinder, DuplicatesFound, hashes_kept
from lsdesk.store.folders import record_source_file
from lsdesk.store.review import completions_added_between

# A run of plain tasks at least this long goes in as an array of their data alone; a shorter one joins the
# array of the batch's other tasks (a statement costs about what twenty rows do).
_MIN_ARRAY_RUN = 32


def import_task_rows(conn, tasks, duplicates="import"):
    """Store validated tasks ({"data", "meta", "completions", "predictions"}) inside the caller's write
    transaction; see ProjectStore.import_tasks. Returns the counts and the new ids."""
    started = now()
    with _cyclic_gc_paused(), _BatchWriter(conn, duplicates == "import") as writer:
        first_id = task_id = next_id(conn, "tasks")
        found = DuplicateFinder(conn, first_id) if duplicates != "import" else None
        # Content hashes are kept once a duplicates check has asked for them (see DATA_HASH_INDEX).
        hashing = found is not None or hashes_kept(conn)
        rows = _Rows(started, hashing)
        key_sets, tally = Counter(), Counter()
        labeled = completion_count = prediction_count = 0
        add_plain, batch_size = rows.add_plain, defaults.IMPORT_BATCH
        data_hash = None
        for item, task in enumerate(tasks):
            data, meta = task["data"], task.get("meta")
            if hashing:
                data_text = compact_json(data)
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
                add_plain(task_id, data, data_hash)
            else:
                completions, cancelled, completed_at, score = 0, 0, None, None
                if task.get("completions"):
                    for completion in task["completions"]:
                        fields = completion_fields(task_id, completion, started)
                        rows.completions.append(fields)
                        tally_labels(completion["result"], tally, +1)
                        cancelled += fields[2]
                        completed_at = max(completed_at or fields[3], fields[3])
                    completions = len(task["completions"])
                    completion_count += completions
                    labeled += 1
                if task.get("predictions"):
                    added = [prediction_fields(task_id, p, started) for p in task["predictions"]]
                    rows.predictions += added
                    prediction_count += len(added)
                    score = mean_score([fields[2] for fields in added])
                rows.full.append([task_id, data, meta, completions, cancelled, completed_at, score, data_hash])
            task_id += 1
            if len(rows.full) + rows.plain_count >= batch_size:
                writer.write(rows.taken())
                if found is not None:
                    found.flushed()
        writer.write(rows.taken())
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


def _store_upload(conn, upload, stamp):
    """Keep an uploaded file in the project; the same bytes are stored once under any names."""
    conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, ?)",
                 (upload.sha256, len(upload.data), upload.data))
    conn.execute("INSERT OR IGNORE INTO uploads (name, sha256, mime, created_at) VALUES (?, ?, ?, ?)",
                 (upload.name, upload.sha256, upload.mime, stamp))


class _Rows:
    """One batch of an import's rows, gathered as Python values and written as JSON arrays that one
    INSERT ... SELECT over json_each splits into rows. Besides being cheaper per row than a bound INSERT, such a
    statement runs in SQLite from start to end: the writer thread never waits for the GIL the reading thread holds.
    SQLite renders a nested object or list exactly as compact_json does (it copies the array's tokens), and reads
    a number back as the very value Python wrote.

    Plain tasks (no meta, completions or predictions) come in runs of consecutive ids, kept as their data alone;
    a short run becomes rows of the other tasks' shape. Every uuid is the import's prefix for its table and a
    number, formatted by SQLite."""

    def __init__(self, stamp, hashing):
        self.stamp, self.hashing = stamp, hashing
        self.prefixes = {table: _uuid_prefix() for table in ("tasks", "completions", "predictions")}
        self.numbers = {"completions": 1, "predictions": 1}  # the uuid number of the next batch's first row
        self._clear()

    def _clear(self):
        self.runs = []  # (first id, [data, ...]) of plain tasks without a kept hash
        self.plain_count = 0  # tasks in runs
        self._run, self._run_next = None, None  # the newest run's data and the id that would extend it
        self.full = []  # [id, data, meta, completions, cancelled, completed_at, score, data_hash]
        self.completions = []  # completion_fields
        self.predictions = []  # prediction_fields

    def add_plain(self, task_id, data, data_hash):
        if self.hashing:
            self.full.append([task_id, data, None, 0, 0, None, None, data_hash])
            return
        self.plain_count += 1
        if task_id == self._run_next:
            self._run.append(data)
            self._run_next += 1
        else:
            self._run = [data]
            self._run_next = task_id + 1
            self.runs.append((task_id, self._run))

    def taken(self):
        """This batch's statements, their JSON encoded here, in the reading thread; the next batch starts empty."""
        tasks, stamp = self.prefixes["tasks"], int(self.stamp)
        full, statements = self.full, []
        for first_id, datas in self.runs:
            if len(datas) >= _MIN_ARRAY_RUN:
                statements.append(_Array(_filled(_PLAIN_TASKS, prefix=tasks, stamp=stamp), first_id, datas))
            else:
                full += [[task_id, data, None, 0, 0, None, None, None] for task_id, data in enumerate(datas, first_id)]
        if full:
            statements.append(_Array(_filled(_TASKS, prefix=tasks, stamp=stamp), 0, full))
        for table, rows in (("completions", self.completions), ("predictions", self.predictions)):
            if rows:
                statements.append(_Array(_filled(_ROWS[table], prefix=self.prefixes[table]), self.numbers[table], rows))
                self.numbers[table] += len(rows)
        self._clear()
        return statements


def _filled(statements, **values):
    return tuple(statement.format(**values) for statement in statements)


def _items(indexes):
    return ", ".join(f"json_extract(value, '$[{index}]')" for index in indexes)


# Each (from a JSON array in ?2, from one row's values bound as ?2, ?3, ...): ?1 is the first row's id or uuid number.
_UUID = "'{prefix}' || printf('%012x', ?1{plus_key})"
_TASK_COLUMNS = ("INSERT INTO tasks (id, uuid, data, meta, created_at, updated_at, completions, cancelled, "
                 "completed_at, score, data_hash) ")
_PLAIN_TASKS = (  # the array holds each task's data
    _TASK_COLUMNS + f"SELECT ?1 + key, {_UUID.format(prefix='{prefix}', plus_key=' + key')}, value, NULL, "
    "{stamp}, {stamp}, 0, 0, NULL, NULL, NULL FROM json_each(?2)",
    _TASK_COLUMNS + f"VALUES (?1, {_UUID.format(prefix='{prefix}', plus_key='')}, ?2, NULL, "
    "{stamp}, {stamp}, 0, 0, NULL, NULL, NULL)")
_TASKS = (  # [id, data, meta, completions, cancelled, completed_at, score, data_hash]
    _TASK_COLUMNS + "SELECT json_extract(value, '$[0]'), '{prefix}' || printf('%012x', json_extract(value, '$[0]')), "
    + _items([1, 2]) + ", {stamp}, {stamp}, " + _items(range(3, 8)) + " FROM json_each(?2)",
    _TASK_COLUMNS + "VALUES (?2, '{prefix}' || printf('%012x', ?2), ?3, ?4, {stamp}, {stamp}, ?5, ?6, ?7, ?8, ?9)")
_ROWS = {
    "completions": (  # completion_fields
        "INSERT INTO completions (uuid, task_id, body, was_cancelled, created_at, updated_at) "
        f"SELECT {_UUID.format(prefix='{prefix}', plus_key=' + key')}, {_items(range(5))} FROM json_each(?2)",
        "INSERT INTO completions (uuid, task_id, body, was_cancelled, created_at, updated_at) "
        f"VALUES ({_UUID.format(prefix='{prefix}', plus_key='')}, ?2, ?3, ?4, ?5, ?6)"),
    "predictions": (  # prediction_fields
        "INSERT INTO predictions (uuid, task_id, body, score, model_version, created_by, created_at) "
        f"SELECT {_UUID.format(prefix='{prefix}', plus_key=' + key')}, {_items(range(6))} FROM json_each(?2)",
        "INSERT INTO predictions (uuid, task_id, body, score, model_version, created_by, created_at) "
        f"VALUES ({_UUID.format(prefix='{prefix}', plus_key='')}, ?2, ?3, ?4, ?5, ?6, ?7)"),
}


class _Array:
    """One INSERT ... SELECT over json_each of `rows`, encoded at once: `sql` is (that statement, the same for
    one row's values bound), ?1 = `first`."""

    def __init__(self, sql, first, rows):
        (self.sql, self.one_row_sql), self.first, self.rows = sql, first, rows
        self.text = compact_json(rows)

    def write(self, conn):
        try:
            conn.execute(self.sql, (self.first, self.text))
        except sqlite3.OperationalError as error:
            # JSON SQLite's parser refuses though Python wrote it (nesting past SQLite's depth limit): the failed
            # statement left nothing behind, so these rows go in one by one, their values bound.
            if "JSON" not in str(error):
                raise
            conn.executemany(self.one_row_sql, [
                (number, *(value if value is None or isinstance(value, (str, int, float)) else compact_json(value)
                           for value in (row if isinstance(row, list) else [row])))
                for number, row in enumerate(self.rows, self.first)])


class _BatchWriter:
    """Writes an import's batches on its connection. With `background`, each batch is inserted by a second thread
    while the next one is read and checked: sqlite3 lets go of the GIL while SQLite works, so the two share the
    machine's cores. One batch at a time; wait() before the connection is used for anything else. Leaving the
    block waits for the batch under way, so the transaction ends (commit or rollback) after it."""

    def __init__(self, conn, background):
        self._conn = conn
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="import-writes") if background else None
        self._pending = None

    def write(self, statements):
        self.wait()
        if self._pool is None:
            _write_batch(self._conn, statements)
        else:
            self._pending = self._pool.submit(_write_batch, self._conn, statements)

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


def _write_batch(conn, statements):
    """Insert one batch of an import's rows."""
    for statement in statements:
        statement.write(conn)
