"""The derived state every write keeps right, as functions that run inside a write: which data keys
tasks have, which labels completions use (the record a new config is checked against), and each
task's completion columns. store/merge.py keeps the same state with them."""

import json
from collections import Counter

from lsdesk.store.common import bump, compact_json

# Result types whose labels Label Studio 0.8 ignores when checking a new config (§4.3).
_UNCHECKED_RESULT_TYPES = {"relation", "rating", "pairwise"}


def key_set(data):
    return tuple(data) if isinstance(data, dict) else ()


def add_key_sets(conn, key_sets):
    """Keep a histogram of tasks' data key sets, so "keys every task has" is exact and cheap."""
    merged = Counter()
    for keys, count in key_sets.items():
        merged[compact_json(sorted(keys))] += count
    conn.executemany(
        "INSERT INTO data_key_sets (keys, tasks) VALUES (?, ?) "
        "ON CONFLICT (keys) DO UPDATE SET tasks = tasks + excluded.tasks",
        list(merged.items()))
    conn.execute("DELETE FROM data_key_sets WHERE tasks <= 0")


def common_data_keys(conn):
    key_sets = [json.loads(keys) for (keys,) in conn.execute("SELECT keys FROM data_key_sets")]
    if not key_sets:
        return None
    return set.intersection(*(set(keys) for keys in key_sets))


def stored_result_schema(conn):
    rows = conn.execute("SELECT from_name, to_name, type, label FROM result_labels").fetchall()
    return [(f, t, kind, label or None) for f, t, kind, label in rows]


def is_labeled(conn, task_id):
    return conn.execute("SELECT completions > 0 FROM tasks WHERE id = ?", (task_id,)).fetchone()[0]


def refresh_task(conn, task_id, stamp):
    """Recompute a task's completion columns; returns 1 if it is labeled now."""
    conn.execute(
        "UPDATE tasks SET "
        "completions = (SELECT count(*) FROM completions WHERE task_id = tasks.id), "
        "cancelled = (SELECT count(*) FROM completions WHERE task_id = tasks.id AND was_cancelled), "
        "completed_at = (SELECT max(created_at) FROM completions WHERE task_id = tasks.id), "
        "updated_at = ? WHERE id = ?", (stamp, task_id))
    return is_labeled(conn, task_id)


def delete_completions_of(conn, task_id):
    """Delete a task's completions (keeping the label tally right); returns 1 if it had any."""
    tally = Counter()
    for (body,) in conn.execute("SELECT body FROM completions WHERE task_id = ?", (task_id,)).fetchall():
        tally_labels(json.loads(body)["result"], tally, -1)
    save_tally(conn, tally)
    removed = conn.execute("DELETE FROM completions WHERE task_id = ?", (task_id,)).rowcount
    bump(conn, completions=-removed)
    return int(removed > 0)


def tally_labels(result, tally, sign):
    """Count a completion's results into `tally`, the record a new config is checked against."""
    for item in result:
        if not isinstance(item, dict) or item.get("type") in _UNCHECKED_RESULT_TYPES:
            continue
        from_name, to_name, kind = item.get("from_name"), item.get("to_name"), item.get("type")
        if not (isinstance(from_name, str) and isinstance(to_name, str) and isinstance(kind, str)):
            continue
        value = item.get("value")
        labels = value.get(kind) if isinstance(value, dict) else None
        labels = [label for label in labels if isinstance(label, str)] if isinstance(labels, list) else []
        for label in labels or [""]:
            tally[(from_name, to_name, kind, label)] += sign
    return tally


def save_tally(conn, tally):
    changes = [(*key, uses) for key, uses in tally.items() if uses]
    if not changes:
        return
    conn.executemany(
        "INSERT INTO result_labels (from_name, to_name, type, label, uses) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO UPDATE SET uses = uses + excluded.uses", changes)
    conn.execute("DELETE FROM result_labels WHERE uses <= 0")
