"""Merge two copies of one project into a new file: the SQL that matches tasks and completions by uuid.

A is copied to the new file with SQLite's backup API and B is attached read-only, so both inputs
stay as they were. Matching runs in SQL over TEMP tables keyed by uuid; no table is read into
Python except row by row where the derived state needs the JSON (label tally, data keys,
disagreements). The new file is written under a temporary name and renamed at the very end,
so a failed or refused merge leaves no file behind.
"""

import json
import os
import sqlite3
from collections import Counter
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from urllib.request import pathname2url

from lsdesk.config import ConfigInvalid
from lsdesk.config.compare import ConfigConflict, merged_config_side
from lsdesk.errors import LsdeskError
from lsdesk.store.bookkeeping import add_key_sets, key_set, save_tally, tally_labels
from lsdesk.store.common import bump, completion_state
from lsdesk.store.folders import FOLDER_URL
from lsdesk.store.review import keep_one_ground_truth, record_conflicts, refresh_disagreements
from lsdesk.store.task_import import next_id
from lsdesk.store.schema import (SCHEMA_VERSION, ProjectFileError, check_openable, migrate, register_functions,
                                 schema_version)


class MergeRefused(LsdeskError):
    """The two files cannot be merged; the message says why, naming the difference."""

    status = 409


def merge_projects(a_path, b_path, output, copy_a=None):
    """Merge project file B into a copy of A written to `output`; returns the merge report.

    `copy_a(target)` writes a consistent copy of A to `target` (the active project passes its
    store's save_copy, which takes it under the write lock); by default A is read from its file.
    Raises MergeRefused, or ProjectFileError for a file that cannot be read.
    """
    a_path, b_path, output = Path(a_path).resolve(), Path(b_path).resolve(), Path(output).resolve()
    if a_path == b_path:
        raise MergeRefused(f"{b_path} is the project itself; choose another copy of it")
    if output.exists():
        raise MergeRefused(f"{output} already exists; choose a new file for the merged project")
    if not output.parent.is_dir():
        raise ProjectFileError(f"the folder {output.parent} does not exist")
    names = a_path.name, b_path.name
    with ExitStack() as upgrades:
        # A copy made by an older lsdesk is merged through an upgraded temporary copy of it.
        if copy_a is None:
            a_path = upgrades.enter_context(_at_current_version(a_path, output.parent))
        b_path = upgrades.enter_context(_at_current_version(b_path, output.parent))
        return _merge_into(a_path, b_path, output, copy_a, names)


def _merge_into(a_path, b_path, output, copy_a, names):
    a_settings, b_settings = _settings(a_path), _settings(b_path)
    if a_settings.get("uuid") != b_settings.get("uuid"):
        raise MergeRefused(f"{names[0]} and {names[1]} are different projects "
                           f"(uuid {a_settings.get('uuid')} and {b_settings.get('uuid')}); "
                           "only copies of one project can be merged")
    try:
        config_side = merged_config_side(a_settings.get("label_config"), b_settings.get("label_config"),
                                         names=names)
    except (ConfigConflict, ConfigInvalid) as error:
        raise MergeRefused(str(error)) from None
    partial = output.with_name(f".{output.name}.{os.getpid()}.partial")
    try:
        (copy_a or _copier(a_path))(partial)
        conn = sqlite3.connect(f"file:{pathname2url(str(partial))}", uri=True, isolation_level=None)
        try:
            # The file is thrown away if anything fails, so it needs no rollback journal (which in
            # memory would grow with every page the merge changes).
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("PRAGMA cache_size = -8000")  # KiB: memory stays flat at any size
            conn.execute("ATTACH DATABASE ? AS b", (_read_only_uri(b_path),))
            conn.create_function("completion_state", 2, completion_state, deterministic=True)
            register_functions(conn)
            conn.execute("BEGIN IMMEDIATE")
            report = _merge(conn, config_side, b_settings)
            conn.execute("COMMIT")
            conn.execute("DETACH DATABASE b")
        finally:
            conn.close()
        with open(partial, "rb+") as written:
            os.fsync(written.fileno())
        # A hard link never replaces a file that appeared meanwhile.
        os.link(partial, output)
    except (sqlite3.Error, OSError) as error:
        raise ProjectFileError(f"the merged project could not be written to {output}: {error}") from None
    finally:
        for leftover in (partial, *(partial.with_name(partial.name + suffix) for suffix in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)
    return report


def default_output(a_path, folder):
    """A free name `<A's name>-merged.lsdesk` (then -merged-2, ...) in `folder`."""
    a_path = Path(a_path)
    for number in range(1, 10_000):
        candidate = Path(folder) / f"{a_path.stem}-merged{'' if number == 1 else f'-{number}'}{a_path.suffix}"
        if not candidate.exists():
            return candidate
    raise MergeRefused(f"no free name for the merged project in {folder}")


def _read_only_uri(path):
    """A URI that opens the file read-only. Without a -wal beside it no connection has it open,
    so it is opened immutable: SQLite then leaves no -wal or -shm files next to it."""
    mode = "mode=ro" if Path(f"{path}-wal").exists() else "immutable=1"
    return f"file:{pathname2url(str(path))}?{mode}"


def _open_read_only(path):
    if not path.is_file():
        raise ProjectFileError(f"{path} does not exist")
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
    except sqlite3.Error as error:
        raise ProjectFileError(f"{path} cannot be read ({error})") from None
    try:
        check_openable(path, conn)
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def _at_current_version(path, folder):
    """`path` when its schema is current; otherwise an upgraded copy in `folder`, removed afterwards."""
    with closing(_open_read_only(path)) as conn:
        if schema_version(conn) == SCHEMA_VERSION:
            yield path
            return
        upgraded = folder / f".{path.name}.{os.getpid()}.upgrade"
        with closing(sqlite3.connect(upgraded)) as copy:
            conn.backup(copy)
    backup = None
    try:
        with closing(sqlite3.connect(upgraded, isolation_level=None)) as copy:
            backup = migrate(upgraded, copy)
        yield upgraded
    finally:
        for leftover in (upgraded, backup, *(Path(f"{upgraded}{suffix}") for suffix in ("-journal", "-wal", "-shm"))):
            if leftover is not None:
                leftover.unlink(missing_ok=True)


def _settings(path):
    conn = _open_read_only(path)
    try:
        return {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM settings")}
    except sqlite3.Error as error:
        raise ProjectFileError(f"{path} is not an lsdesk project file ({error})") from None
    finally:
        conn.close()


def _copier(a_path):
    def copy(target):
        source = _open_read_only(a_path)
        copy_conn = sqlite3.connect(target)
        try:
            source.backup(copy_conn)
        finally:
            copy_conn.close()
            source.close()
    return copy


def _merge(conn, config_side, b_settings):
    from_a = _count(conn, "main.tasks")
    if config_side == "b":
        conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                         "SET value = excluded.value",
                         [("label_config", json.dumps(b_settings["label_config"])),
                          ("label_config_updated", "true")])
    _map_tasks(conn)
    _map_completions(conn)
    # Derived state first reads the rows the merge is about to change.
    tally = _tally_changes(conn)
    key_sets = _key_sets_of_added_tasks(conn)
    _copy_tasks_and_predictions(conn)
    _copy_media(conn)
    _copy_folders(conn)
    edited = _merge_completions(conn)
    save_tally(conn, tally)
    add_key_sets(conn, key_sets)
    for task_ids in _pages_of_touched_tasks(conn):
        _refresh_task_columns(conn, task_ids)
    _settle_ground_truth(conn)
    # Only tasks with two completions or more can disagree.
    for task_ids in _pages_of_touched_tasks(conn, least_completions=2):
        refresh_disagreements(conn, task_ids)
    _recount(conn)
    added_tasks = conn.execute("SELECT count(*) FROM temp.task_map WHERE added").fetchone()[0]
    added_completions = conn.execute("SELECT count(*) FROM temp.completion_map WHERE added").fetchone()[0]
    return {
        "tasks": {"total": _count(conn, "main.tasks"), "from_a": from_a, "added_from_b": added_tasks,
                  "matched": _count(conn, "temp.task_map") - added_tasks},
        "completions": {"total": _count(conn, "main.completions"), "added_from_b": added_completions,
                        "edited_on_both": edited, "versions_kept": _count(conn, "main.completion_versions")},
        "config": config_side,
        "disagreements": _count(conn, "main.disagreements"),
        "conflicts": conn.execute("SELECT count(DISTINCT task_id) FROM main.completion_conflicts").fetchone()[0],
    }


def _count(conn, table):
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _map_tasks(conn):
    """temp.task_map: each of B's tasks -> its id in the result (A's task with its uuid, or a new id)."""
    conn.execute("CREATE TEMP TABLE a_tasks (uuid TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID")
    conn.execute("INSERT OR IGNORE INTO temp.a_tasks SELECT uuid, id FROM main.tasks")
    conn.execute("CREATE TEMP TABLE task_map (b_id INTEGER PRIMARY KEY, id INTEGER NOT NULL, added INTEGER NOT NULL)")
    conn.execute(
        "INSERT INTO temp.task_map SELECT bt.id, coalesce(at.id, ? - 1 + row_number() OVER "
        "(PARTITION BY at.id IS NULL ORDER BY bt.id)), at.id IS NULL "
        "FROM b.tasks AS bt LEFT JOIN temp.a_tasks AS at ON at.uuid = bt.uuid", (next_id(conn, "tasks"),))
    conn.execute("CREATE TEMP TABLE touched (task_id INTEGER PRIMARY KEY)")


def _map_completions(conn):
    """temp.completion_map: each of B's completions -> its id in the result, and whether it differs
    from A's completion with the same uuid (winner 'a' or 'b': the one updated last)."""
    conn.execute("CREATE TEMP TABLE a_completions (uuid TEXT PRIMARY KEY, id INTEGER NOT NULL) WITHOUT ROWID")
    conn.execute("INSERT OR IGNORE INTO temp.a_completions SELECT uuid, id FROM main.completions")
    conn.execute("CREATE TEMP TABLE completion_map (b_id INTEGER PRIMARY KEY, id INTEGER NOT NULL, "
                 "task_id INTEGER NOT NULL, added INTEGER NOT NULL, winner TEXT, both_edited INTEGER)")
    # A side whose earlier states hold the other side's state edited on from it: it wins with no conflict.
    # Otherwise both copies edited the completion: the one updated last wins and the task waits for a choice.
    conn.execute(
        "INSERT INTO temp.completion_map "
        "SELECT b_id, id, task_id, added, CASE WHEN same THEN NULL WHEN b_from_a THEN 'b' WHEN a_from_b THEN 'a' "
        "WHEN b_stamp > a_stamp THEN 'b' ELSE 'a' END, NOT same AND NOT b_from_a AND NOT a_from_b FROM ("
        "SELECT bc.id AS b_id, m.id AS task_id, ac.id IS NULL AS added, "
        "coalesce(ac.id, ? - 1 + row_number() OVER (PARTITION BY ac.id IS NULL ORDER BY bc.id)) AS id, "
        "ac.id IS NULL OR (c.body = bc.body AND c.was_cancelled = bc.was_cancelled) AS same, "
        "EXISTS (SELECT 1 FROM json_each(coalesce(bc.earlier, '[]')) "
        "WHERE value = completion_state(c.body, c.was_cancelled)) AS b_from_a, "
        "EXISTS (SELECT 1 FROM json_each(coalesce(c.earlier, '[]')) "
        "WHERE value = completion_state(bc.body, bc.was_cancelled)) AS a_from_b, "
        "bc.updated_at AS b_stamp, c.updated_at AS a_stamp "
        "FROM b.completions AS bc JOIN temp.task_map AS m ON m.b_id = bc.task_id "
        "LEFT JOIN temp.a_completions AS ac ON ac.uuid = bc.uuid LEFT JOIN main.completions AS c ON c.id = ac.id)",
        (next_id(conn, "completions"),))
    conn.execute("INSERT OR IGNORE INTO temp.touched SELECT task_id FROM temp.completion_map "
                 "WHERE added OR winner = 'b'")


def _tally_changes(conn):
    """The label tally's change: B's new completions in, and where B's edit wins, A's old one out."""
    tally = Counter()
    for (body,) in conn.execute("SELECT bc.body FROM temp.completion_map AS cm JOIN b.completions AS bc "
                                "ON bc.id = cm.b_id WHERE cm.added OR cm.winner = 'b'"):
        tally_labels(json.loads(body)["result"], tally, +1)
    for (body,) in conn.execute("SELECT c.body FROM temp.completion_map AS cm JOIN main.completions AS c "
                                "ON c.id = cm.id WHERE cm.winner = 'b'"):
        tally_labels(json.loads(body)["result"], tally, -1)
    return tally


def _key_sets_of_added_tasks(conn):
    key_sets = Counter()
    for (data,) in conn.execute("SELECT bt.data FROM temp.task_map AS m JOIN b.tasks AS bt ON bt.id = m.b_id "
                                "WHERE m.added"):
        key_sets[key_set(json.loads(data))] += 1
    return key_sets


def _copy_tasks_and_predictions(conn):
    """B's new tasks (their completion columns are recomputed later) and predictions A lacks."""
    conn.execute(
        "INSERT INTO main.tasks (id, uuid, data, meta, created_at, updated_at, completions, cancelled, "
        "completed_at, score, data_hash) SELECT m.id, bt.uuid, bt.data, bt.meta, bt.created_at, bt.updated_at, 0, 0, "
        "NULL, bt.score, bt.data_hash FROM temp.task_map AS m JOIN b.tasks AS bt ON bt.id = m.b_id WHERE m.added "
        "ORDER BY m.id")
    conn.execute("CREATE TEMP TABLE a_predictions (uuid TEXT PRIMARY KEY) WITHOUT ROWID")
    conn.execute("INSERT OR IGNORE INTO temp.a_predictions SELECT uuid FROM main.predictions")
    first_new = next_id(conn, "predictions")
    conn.execute(
        "INSERT INTO main.predictions (uuid, task_id, body, score, model_version, created_by, created_at) "
        "SELECT p.uuid, m.id, p.body, p.score, p.model_version, p.created_by, p.created_at "
        "FROM b.predictions AS p JOIN temp.task_map AS m ON m.b_id = p.task_id "
        "WHERE p.uuid NOT IN (SELECT uuid FROM temp.a_predictions) ORDER BY p.id")
    # A matched task that got B's predictions scores by the mean of all of them.
    conn.execute(
        "UPDATE main.tasks SET score = (SELECT avg(score) FROM main.predictions WHERE task_id = tasks.id) "
        "WHERE id IN (SELECT p.task_id FROM main.predictions AS p JOIN temp.task_map AS m ON m.id = p.task_id "
        "WHERE p.id >= ? AND NOT m.added)", (first_new,))


def _copy_media(conn):
    conn.execute("INSERT OR IGNORE INTO main.blobs (sha256, size, content) SELECT sha256, size, content FROM b.blobs")
    conn.execute("INSERT OR IGNORE INTO main.uploads (name, sha256, mime, created_at) "
                 "SELECT name, sha256, mime, created_at FROM b.uploads")


def _copy_folders(conn):
    """B's media folders. One A has too (same id, creation time and path: made before the copy) is A's
    own; any other joins A (or matches A's folder at the same path) and the tasks B added name it by
    its id here. A folder one side moved after the copy is listed twice, each finding its own files."""
    conn.execute("CREATE TEMP TABLE root_map (b_id INTEGER PRIMARY KEY, id INTEGER NOT NULL)")
    moved = {}
    for b_id, path, created_at in conn.execute("SELECT id, path, created_at FROM b.media_roots ORDER BY id").fetchall():
        if conn.execute("SELECT 1 FROM main.media_roots WHERE id = ? AND created_at = ? AND path IS ?",
                        (b_id, created_at, path)).fetchone():
            root_id = b_id
        else:
            same_path = conn.execute("SELECT id FROM main.media_roots WHERE path = ?", (path,)).fetchone()
            root_id = same_path[0] if same_path and path is not None else conn.execute(
                "INSERT INTO main.media_roots (path, created_at) VALUES (?, ?) RETURNING id", (path, created_at)).fetchone()[0]
        conn.execute("INSERT INTO temp.root_map (b_id, id) VALUES (?, ?)", (b_id, root_id))
        if root_id != b_id:
            moved[b_id] = root_id
    # Through a name no folder id has, so one folder's new id is never read as another's old one.
    added_tasks = "id IN (SELECT id FROM temp.task_map WHERE added)"
    for step in ([(f"{FOLDER_URL}{old}/", f"{FOLDER_URL}merging-{old}/") for old in moved]
                 + [(f"{FOLDER_URL}merging-{old}/", f"{FOLDER_URL}{new}/") for old, new in moved.items()]):
        conn.execute(f"UPDATE main.tasks SET data = replace(data, ?, ?) WHERE {added_tasks}", step)
    if moved:
        conn.execute(f"UPDATE main.tasks SET data_hash = data_hash_of(data) WHERE {added_tasks}")
    conn.execute(
        "INSERT OR IGNORE INTO main.media_files (root_id, path, size, mtime, task_id, sha256) "
        "SELECT r.id, f.path, f.size, f.mtime, m.id, f.sha256 FROM b.media_files AS f "
        "JOIN temp.root_map AS r ON r.b_id = f.root_id LEFT JOIN temp.task_map AS m ON m.b_id = f.task_id")


def _merge_completions(conn):
    """Insert B's new completions, settle those that differ (the older side becomes a version); returns how
    many were edited in both copies."""
    conn.execute(
        "INSERT INTO main.completions (id, uuid, task_id, body, was_cancelled, created_at, updated_at, earlier) "
        "SELECT cm.id, bc.uuid, cm.task_id, bc.body, bc.was_cancelled, bc.created_at, bc.updated_at, bc.earlier "
        "FROM temp.completion_map AS cm JOIN b.completions AS bc ON bc.id = cm.b_id WHERE cm.added ORDER BY cm.id")
    # B's own older versions, unless A already keeps the same one.
    conn.execute(
        "INSERT INTO main.completion_versions (completion_id, task_id, body, was_cancelled, updated_at) "
        "SELECT cm.id, cm.task_id, v.body, v.was_cancelled, v.updated_at FROM b.completion_versions AS v "
        "JOIN temp.completion_map AS cm ON cm.b_id = v.completion_id WHERE NOT EXISTS (SELECT 1 FROM "
        "main.completion_versions AS x WHERE x.completion_id = cm.id AND x.updated_at = v.updated_at "
        "AND x.body = v.body) ORDER BY v.id")
    # The side updated earlier becomes a version of the completion, unless it was edited in one copy
    # only and that version is already kept (a copy merged again).
    kept = ("(cm.both_edited OR NOT EXISTS (SELECT 1 FROM main.completion_versions AS x WHERE x.completion_id "
            "= cm.id AND x.body = {side}.body AND x.was_cancelled = {side}.was_cancelled))")
    conn.execute(
        "INSERT INTO main.completion_versions (completion_id, task_id, body, was_cancelled, updated_at) "
        "SELECT cm.id, cm.task_id, bc.body, bc.was_cancelled, bc.updated_at FROM temp.completion_map AS cm "
        f"JOIN b.completions AS bc ON bc.id = cm.b_id WHERE cm.winner = 'a' AND {kept.format(side='bc')} "
        "ORDER BY cm.id")
    conn.execute(
        "INSERT INTO main.completion_versions (completion_id, task_id, body, was_cancelled, updated_at) "
        "SELECT cm.id, cm.task_id, c.body, c.was_cancelled, c.updated_at FROM temp.completion_map AS cm "
        f"JOIN main.completions AS c ON c.id = cm.id WHERE cm.winner = 'b' AND {kept.format(side='c')} "
        "ORDER BY cm.id")
    # The merged completion descends from both sides: it keeps the earlier states of each and the loser's.
    conn.execute(
        "UPDATE main.completions SET earlier = (SELECT json_group_array(value) FROM ("
        "SELECT value FROM json_each(coalesce(completions.earlier, '[]')) "
        "UNION SELECT value FROM json_each(coalesce(bc.earlier, '[]')) "
        "UNION SELECT CASE cm.winner WHEN 'b' THEN completion_state(completions.body, completions.was_cancelled) "
        "ELSE completion_state(bc.body, bc.was_cancelled) END)) "
        "FROM temp.completion_map AS cm JOIN b.completions AS bc ON bc.id = cm.b_id "
        "WHERE cm.winner IS NOT NULL AND completions.id = cm.id")
    conn.execute(
        "UPDATE main.completions SET body = bc.body, was_cancelled = bc.was_cancelled, updated_at = bc.updated_at "
        "FROM temp.completion_map AS cm JOIN b.completions AS bc ON bc.id = cm.b_id "
        "WHERE cm.winner = 'b' AND completions.id = cm.id")
    # Each edited in both copies waits for someone to choose between the two edits; the older is the
    # version kept last.
    record_conflicts(conn, conn.execute(
        "SELECT cm.id, cm.task_id, v.id, c.body, v.body FROM temp.completion_map AS cm "
        "JOIN main.completions AS c ON c.id = cm.id JOIN main.completion_versions AS v ON v.id = "
        "(SELECT max(id) FROM main.completion_versions WHERE completion_id = cm.id) "
        "WHERE cm.both_edited ORDER BY cm.id").fetchall())
    return conn.execute("SELECT count(*) FROM temp.completion_map WHERE both_edited").fetchone()[0]


def _refresh_task_columns(conn, task_ids):
    """The completion columns of tasks whose completions changed, as ProjectStore keeps them."""
    marks = ",".join("?" * len(task_ids))
    conn.execute(
        "UPDATE main.tasks SET completions = c.number, cancelled = c.cancelled, completed_at = c.completed_at "
        "FROM (SELECT task_id, count(*) AS number, sum(was_cancelled) AS cancelled, max(created_at) AS completed_at "
        f"FROM main.completions WHERE task_id IN ({marks}) GROUP BY task_id) AS c WHERE tasks.id = c.task_id",
        task_ids)


def _pages_of_touched_tasks(conn, least_completions=0, size=10_000):
    """Ids of tasks whose completions changed, a page at a time: SQLite would otherwise hold
    a whole set of them in memory to update them in one statement."""
    last = 0
    while True:
        ids = [row[0] for row in conn.execute(
            "SELECT t.task_id FROM temp.touched AS t JOIN main.tasks ON tasks.id = t.task_id "
            "WHERE t.task_id > ? AND tasks.completions >= ? ORDER BY t.task_id LIMIT ?",
            (last, least_completions, size))]
        if not ids:
            return
        yield ids
        last = ids[-1]


def _settle_ground_truth(conn):
    """Each side may have marked a different completion as ground truth: the one marked last stays."""
    tasks = conn.execute(
        "SELECT task_id FROM main.completions WHERE task_id IN (SELECT task_id FROM temp.touched) "
        "AND json_extract(body, '$.ground_truth') GROUP BY task_id HAVING count(*) > 1").fetchall()
    for (task_id,) in tasks:
        (latest,) = conn.execute(
            "SELECT id FROM main.completions WHERE task_id = ? AND json_extract(body, '$.ground_truth') "
            "ORDER BY updated_at DESC, id DESC LIMIT 1", (task_id,)).fetchone()
        keep_one_ground_truth(conn, task_id, latest)


def _recount(conn):
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM main.tasks), (SELECT count(*) FROM main.tasks WHERE completions > 0), "
        "(SELECT count(*) FROM main.completions), (SELECT count(*) FROM main.predictions)").fetchone()
    conn.executemany("UPDATE main.counters SET value = ? WHERE name = ?",
                     zip(counts, ("tasks", "completed_tasks", "completions", "predictions")))
    bump(conn, task_changes=1, label_changes=1)
