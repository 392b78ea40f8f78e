"""The SQL of the task browser: a page of a filtered, searched, ordered query, its count, the computed columns
a page may ask for, and the full-text index kept caught up in the background (a mixin of ProjectStore)."""

import json
import os
import sqlite3
import threading
import time

from lsdesk.agreement.task import annotator_of
from lsdesk.store.schema import SEARCH_TEXT
from lsdesk.store.search_indexer import SearchIndexer
from lsdesk.store.search_tail import search_tail_match
from lsdesk.store.task_query import AGREEMENT, SEARCH_MARK
from lsdesk.store.task_text import format_completed_at, load_tasks

# A count that is slow to make exactly stops past this many matches, or after _COUNT_SECONDS more than the
# _EXACT_COUNT_SECONDS an exact count may take: the answer is then "at least N" (exact: false).
COUNT_BOUND = 100_000
_EXACT_COUNT_SECONDS = 0.2
_COUNT_SECONDS = 0.3
_COUNT_RUN = 20_000  # ids counted per step
_CATCH_UP_RUN = 2_000  # tasks added to the search index per write: ~10 ms, so other writes hardly wait
_UPLOAD_URL = "/data/upload/"
_FARTHEST_OFFSET = 1 << 62  # past any task, and still an SQLite integer
COMPUTED_COLUMNS = ("total_annotations", "cancelled_annotations", "total_predictions", "predictions_score",
                    "predictions_model_versions", "annotators", "agreement", "completed_at", "has_draft",
                    "media_missing", "file_name")


class TaskBrowser:
    """Methods use self._read() and self._write() of ProjectStore; searches need the SQL function
    search_tail_match on every connection (made here)."""

    def __init__(self, path, create=False):
        self._search_indexer = None
        self._search_indexer_lock = threading.Lock()
        super().__init__(path, create)
        self.add_commit_listener(self._search_heard_write)

    def _connect(self):
        conn = super()._connect()
        conn.create_function("search_tail_match", 2, search_tail_match, deterministic=True)
        return conn

    # -- the full-text index, caught up in the background ----------------------------------------------

    def index_search_slice(self):
        """Add the next _CATCH_UP_RUN tasks past the mark to the full-text index in one short write; False
        when there were none."""
        with self._read() as conn:
            if not conn.execute(f"SELECT EXISTS (SELECT 1 FROM tasks WHERE id > {SEARCH_MARK})").fetchone()[0]:
                return False
        with self._write() as conn:
            catch_up_search(conn, _CATCH_UP_RUN)
        return True

    def index_search_in_background(self):
        """Keep the full-text index caught up in a thread until stop_search_indexer() or close() (imports index
        nothing, and searches read the tasks past the index meanwhile). For the running app, not the CLI."""
        with self._search_indexer_lock:
            if self._search_indexer is None:
                self._search_indexer = SearchIndexer(self)
                self._search_indexer.start()

    def stop_search_indexer(self):
        """Stop the background indexer, once the slice it is writing is committed."""
        with self._search_indexer_lock:
            indexer, self._search_indexer = self._search_indexer, None
        if indexer is not None:
            indexer.stop()

    def heard_request(self):
        """A request of the app reached this project: the background indexer waits for a quiet moment."""
        indexer = self._search_indexer
        if indexer is not None:
            indexer.heard_request()

    def _search_heard_write(self, _changed):
        indexer = self._search_indexer
        if indexer is not None:
            indexer.heard_write()

    def close(self):
        self.stop_search_indexer()
        super().close()

    # -- pages and counts ------------------------------------------------------------------------------

    def browse_ids(self, query, page, page_size):
        """Ids of one page (1-based) of the tasks a TaskQuery selects, in its order."""
        offset = (page - 1) * page_size
        if offset >= _FARTHEST_OFFSET:
            return []
        by_id = query.segments in ((("1", "tasks.id"),), (("1", "tasks.id DESC"),))
        if query.search and by_id:
            return self._searched_by_id(query, offset, page_size)
        source, id_column, where, params = _source(query)
        with self._read() as conn:
            if len(query.segments) == 1 and query.segments[0][0] == "1":
                order_by = query.segments[0][1]
                if by_id:
                    order_by = order_by.replace("tasks.id", id_column)  # a search's own order: no sort
                sql = f"SELECT {id_column} FROM {source} WHERE {where} ORDER BY {order_by} LIMIT ? OFFSET ?"
                rows = conn.execute(sql, (*params, *query.order_params, page_size, offset))
            else:
                # Each run in its own index order, at most as many tasks as the page needs, one after the other.
                runs = [f"SELECT id FROM (SELECT tasks.id FROM {source} WHERE ({where}) AND {which} "
                        f"ORDER BY {order_by} LIMIT {offset + page_size})" for which, order_by in query.segments]
                rows = conn.execute(" UNION ALL ".join(runs) + " LIMIT ? OFFSET ?",
                                    (*params * len(runs), page_size, offset))
            return [row[0] for row in rows]

    def _searched_by_id(self, query, offset, page_size):
        """A page of a search in id order without a sort: the indexed tasks that match, in the index's order,
        then those past the index (all of them have higher ids); descending, the other way round."""
        direction = " DESC" if query.segments[0][1].endswith("DESC") else ""
        filtered = "JOIN tasks ON tasks.id = tasks_fts.rowid " if query.filter_where != "1" else ""
        indexed = (f"SELECT tasks_fts.rowid FROM tasks_fts {filtered}WHERE tasks_fts MATCH ? "
                   f"AND ({query.filter_where}) ORDER BY tasks_fts.rowid{direction} LIMIT {offset + page_size}",
                   (query.match, *query.filter_params))
        unindexed = (f"SELECT tasks.id FROM tasks WHERE ({query.filter_where}) AND {query.unindexed} "
                     f"ORDER BY tasks.id{direction} LIMIT {offset + page_size}",
                     (*query.filter_params, *query.unindexed_params))
        runs = (unindexed, indexed) if direction else (indexed, unindexed)
        sql = " UNION ALL ".join(f"SELECT * FROM ({run_sql})" for run_sql, _ in runs) + " LIMIT ? OFFSET ?"
        with self._read() as conn:
            return [row[0] for row in conn.execute(sql, (*runs[0][1], *runs[1][1], page_size, offset))]

    def browse_count(self, query, bound=COUNT_BOUND):
        """(count, exact) of the tasks a TaskQuery selects. A count that takes long is made over runs of ids
        until it passes `bound` or its time is up: then (what it counted, False), the least there are."""
        with self._read() as conn:
            if not query.filtered and not query.search:
                return conn.execute("SELECT value FROM counters WHERE name = 'tasks'").fetchone()[0], True
            deadline = time.monotonic() + _EXACT_COUNT_SECONDS
            exact = _before(conn, deadline, *_counting(query))
            if exact is not None:
                return exact[0], True
            return _count_in_runs(conn, query, bound, time.monotonic() + _COUNT_SECONDS)

    def browse_tasks(self, ids, task_keys, computed):
        """The tasks of `ids` in that order: their 0.8 objects (when `task_keys` is true) plus the computed
        columns named in `computed`."""
        with self._read() as conn:
            tasks = load_tasks(conn, ids) if task_keys else [{"id": task_id} for task_id in _existing(conn, ids)]
            if computed:
                columns = computed_columns(conn, [task["id"] for task in tasks], computed)
                for task in tasks:
                    task.update(columns[task["id"]])
        return tasks


def _source(query):
    """(FROM, its task id column, WHERE, parameters) of a query: a search reads the ids it finds first (the
    full-text index's, then the tasks past it)."""
    if not query.search:
        return "tasks", "tasks.id", query.where, query.params
    found, found_params = query.found_ids
    return (f"({found}) AS found JOIN tasks ON tasks.id = found.id", "found.id",
            query.filter_where, (*found_params, *query.filter_params))


def _counting(query, between=None):
    """(SQL counting the tasks a query selects, with ids in `between` (low, high) when given, its parameters).
    A search adds the count of the index's matches (read alone when there is no filter) to the count of the
    tasks past it."""
    ids = ("", ()) if between is None else (" AND {} BETWEEN ? AND ?", between)
    if not query.search:
        return f"SELECT count(*) FROM tasks WHERE ({query.where}){ids[0].format('tasks.id')}", (*query.params, *ids[1])
    joined = "JOIN tasks ON tasks.id = tasks_fts.rowid " if query.filter_where != "1" else ""
    return (f"SELECT (SELECT count(*) FROM tasks_fts {joined}WHERE tasks_fts MATCH ? AND ({query.filter_where})"
            f"{ids[0].format('tasks_fts.rowid')}) + (SELECT count(*) FROM tasks WHERE ({query.filter_where}) "
            f"AND {query.unindexed}{ids[0].format('tasks.id')})",
            (query.match, *query.filter_params, *ids[1], *query.filter_params, *query.unindexed_params, *ids[1]))


def catch_up_search(conn, limit=None):
    """Inside a write: index the tasks past the search mark (the next `limit` of them when given) and move the
    mark to the last of them."""
    mark = conn.execute("SELECT value FROM counters WHERE name = 'search_indexed'").fetchone()[0]
    last = conn.execute("SELECT max(id) FROM (SELECT id FROM tasks WHERE id > ? ORDER BY id LIMIT ?)",
                        (mark, -1 if limit is None else limit)).fetchone()[0]
    if last is None:
        return
    conn.execute(f"INSERT INTO tasks_fts (rowid, text) SELECT id, {SEARCH_TEXT.format(data='data')} "
                 "FROM tasks WHERE id > ? AND id <= ?", (mark, last))
    conn.execute("UPDATE counters SET value = ? WHERE name = 'search_indexed'", (last,))


def _before(conn, deadline, sql, params):
    """The first row of a query, or None when it is not done by `deadline` (time.monotonic())."""
    conn.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    try:
        return conn.execute(sql, params).fetchone()
    except sqlite3.OperationalError as error:
        if "interrupt" not in str(error):
            raise
        return None
    finally:
        conn.set_progress_handler(None, 0)


def _count_in_runs(conn, query, bound, deadline):
    """(count, exact) summed over runs of _COUNT_RUN ids, stopping past `bound` or at `deadline`."""
    low, high = conn.execute("SELECT min(id), max(id) FROM tasks").fetchone()
    if low is None:
        return 0, True
    counted, start = 0, low
    while start <= high:
        if counted > bound or time.monotonic() > deadline:
            return counted, False
        counted += conn.execute(*_counting(query, (start, start + _COUNT_RUN - 1))).fetchone()[0]
        start += _COUNT_RUN
    return counted, True


def _existing(conn, ids):
    found = {row[0] for row in conn.execute("SELECT id FROM tasks WHERE id IN (SELECT value FROM json_each(?))",
                                            (json.dumps(ids),))}
    return [task_id for task_id in ids if task_id in found]


def computed_columns(conn, ids, names):
    """{task id: {column: value}} of the computed columns `names` (see COMPUTED_COLUMNS) for these tasks."""
    listed = json.dumps(ids)
    rows = conn.execute(
        f"SELECT id, completions, cancelled, score, completed_at, {AGREEMENT}, "
        "EXISTS (SELECT 1 FROM drafts WHERE task_id = tasks.id), "
        "EXISTS (SELECT 1 FROM media_files AS m WHERE m.task_id = tasks.id AND m.missing), "
        "(SELECT path FROM media_files AS m WHERE m.task_id = tasks.id LIMIT 1) "
        "FROM tasks WHERE id IN (SELECT value FROM json_each(?))", (listed,)).fetchall()
    predictions, versions, annotators = {}, {}, {}
    if {"total_predictions", "predictions_model_versions"} & set(names):
        for task_id, version in conn.execute(
                "SELECT task_id, model_version FROM predictions WHERE task_id IN (SELECT value FROM json_each(?)) "
                "ORDER BY id", (listed,)):
            predictions[task_id] = predictions.get(task_id, 0) + 1
            if version is not None and version not in versions.setdefault(task_id, []):
                versions[task_id].append(version)
    if "annotators" in names:
        for task_id, body in conn.execute(
                "SELECT task_id, body FROM completions WHERE task_id IN (SELECT value FROM json_each(?)) ORDER BY id",
                (listed,)):
            name = annotator_of(json.loads(body))
            if name not in annotators.setdefault(task_id, []):
                annotators[task_id].append(name)
    data = {}
    if "file_name" in names:
        data = dict(conn.execute("SELECT id, data FROM tasks WHERE id IN (SELECT value FROM json_each(?))", (listed,)))
    columns = {}
    for task_id, completions, cancelled, score, completed_at, agreement, draft, missing, path in rows:
        values = {
            "total_annotations": completions,
            "cancelled_annotations": cancelled,
            "total_predictions": predictions.get(task_id, 0),
            "predictions_score": score,
            "predictions_model_versions": versions.get(task_id, []),
            "annotators": annotators.get(task_id, []),
            "agreement": agreement,
            "completed_at": format_completed_at(completed_at) if completions else None,
            "has_draft": bool(draft),
            "media_missing": bool(missing),
            "file_name": os.path.basename(path) if path else _uploaded_name(data.get(task_id)),
        }
        columns[task_id] = {name: values[name] for name in names}
    return columns


def _uploaded_name(data_text):
    """The name a file was uploaded with, for a task whose data points at an upload; else None."""
    if data_text is None:
        return None
    data = json.loads(data_text)
    for value in (data.values() if isinstance(data, dict) else ()):
        if isinstance(value, str) and value.startswith(_UPLOAD_URL):
            stored = value[len(_UPLOAD_URL):]
            # Uploads are stored as "<16 hex digits of the sha256>-<name>".
            prefix, _, name = stored.partition("-")
            return name if len(prefix) == 16 and name else stored
    return None
