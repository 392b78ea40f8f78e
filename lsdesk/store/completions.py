"""The SQL of completions: add, edit, settle a merge conflict, delete (a mixin of ProjectStore), and
the rows import and replace write."""

import json
import uuid
from collections import Counter
from datetime import datetime

from lsdesk.store.bookkeeping import delete_completions_of, is_labeled, refresh_task, save_tally, tally_labels
from lsdesk.store.common import bump, compact_json, completion_state, now
from lsdesk.store.review import all_completions_deleted, completions_changed, conflict_settled, keep_one_ground_truth
from lsdesk.store.task_text import load_completion

# Keys of a completion the server owns; a client's copies of them are dropped.
_SERVER_COMPLETION_KEYS = {"id", "created_at", "updated_at", "was_cancelled", "skipped"}
# An edit keeps the state it replaces (completion_state of the old body): see the `earlier` column.
_KEEP_EARLIER = "earlier = json_insert(coalesce(earlier, '[]'), '$[#]', ?)"

_LAST_SHOWN_SECOND = 253_402_128_000  # 9999-12-30 00:00 UTC


class CompletionStore:
    """Methods use self._write() of ProjectStore."""

    def add_completion(self, task_id, completion, cancelled, completed_by):
        """Store a new completion; returns its id, or None when the task does not exist."""
        stamp = now()
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone():
                return None
            was_labeled = is_labeled(conn, task_id)
            completion = {**completion, "was_cancelled": cancelled}
            if completed_by:
                completion.setdefault("completed_by", completed_by)
                completion["updated_by"] = completed_by
            row = completion_row(task_id, completion, stamp, imported=False)
            (completion_id,) = insert_completion_rows(conn, [row])
            conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,))
            save_tally(conn, tally_labels(completion["result"], Counter(), +1))
            refresh_task(conn, task_id, stamp)
            bump(conn, completions=1, completed_tasks=1 - was_labeled, label_changes=1)
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
            tally = tally_labels(body["result"], Counter(), -1)
            body.update((k, v) for k, v in changes.items() if k not in _SERVER_COMPLETION_KEYS)
            if updated_by:
                body["updated_by"] = updated_by
            save_tally(conn, tally_labels(body["result"], tally, +1))
            conn.execute(
                f"UPDATE completions SET body = ?, was_cancelled = ?, updated_at = ?, {_KEEP_EARLIER} WHERE id = ?",
                (compact_json(body), row[1] if cancelled is None else int(cancelled), stamp,
                 completion_state(*row), completion_id))
            conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,))
            refresh_task(conn, task_id, stamp)
            bump(conn, label_changes=1)
            if changes.get("ground_truth") is True:
                keep_one_ground_truth(conn, task_id, completion_id)
            conflict_settled(conn, completion_id)
            completions_changed(conn, task_id)
            return load_completion(conn, completion_id)

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
                conn.execute(f"UPDATE completions SET body = ?, was_cancelled = ?, updated_at = ?, {_KEEP_EARLIER} "
                             "WHERE id = ?", (*chosen, stamp, completion_state(*current[:2]), completion_id))
                tally = tally_labels(json.loads(current[0])["result"], Counter(), -1)
                save_tally(conn, tally_labels(json.loads(chosen[0])["result"], tally, +1))
                refresh_task(conn, task_id, stamp)
                bump(conn, label_changes=1)
            conflict_settled(conn, completion_id)
            completions_changed(conn, task_id)
            return load_completion(conn, completion_id)

    def delete_completion(self, task_id, completion_id):
        stamp = now()
        with self._write() as conn:
            row = conn.execute("SELECT body FROM completions WHERE id = ? AND task_id = ?",
                               (completion_id, task_id)).fetchone()
            if row is None:
                return False
            save_tally(conn, tally_labels(json.loads(row[0])["result"], Counter(), -1))
            conn.execute("DELETE FROM completions WHERE id = ?", (completion_id,))
            still_labeled = refresh_task(conn, task_id, stamp)
            bump(conn, completions=-1, completed_tasks=still_labeled - 1, label_changes=1)
            completions_changed(conn, task_id)
        return True

    def delete_task_completions(self, task_id):
        """Delete every completion of a task; False when the task does not exist."""
        with self._write() as conn:
            return delete_task_completion_rows(conn, task_id, now())

    def delete_all_completions(self):
        stamp = now()
        with self._write() as conn:
            conn.execute("DELETE FROM completions")
            conn.execute("DELETE FROM result_labels")
            conn.execute(
                "UPDATE tasks SET completions = 0, cancelled = 0, completed_at = NULL, updated_at = ? "
                "WHERE completions > 0", (stamp,))
            conn.execute("UPDATE counters SET value = 0 WHERE name IN ('completions', 'completed_tasks')")
            bump(conn, label_changes=1)
            all_completions_deleted(conn)


def delete_task_completion_rows(conn, task_id, stamp):
    """Inside a write: delete every completion of a task, keeping its counters, the tally and the disagreement
    table right; False when the task does not exist."""
    if not conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone():
        return False
    was_labeled = delete_completions_of(conn, task_id)
    refresh_task(conn, task_id, stamp)
    bump(conn, completed_tasks=-was_labeled, label_changes=1)
    completions_changed(conn, task_id)
    return True


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


def completion_row(task_id, completion, stamp, imported=True):
    """(uuid, task_id, body, was_cancelled, created_at, updated_at) of a completion to insert, with a new
    random uuid.

    The body is what the client sent minus what the server owns; an imported completion
    keeps its own timestamps.
    """
    task_id, body, *rest = completion_fields(task_id, completion, stamp, imported)
    return (str(uuid.uuid4()), task_id, compact_json(body), *rest)


def completion_fields(task_id, completion, stamp, imported=True):
    """[task_id, body, was_cancelled, created_at, updated_at] of a completion, its body not yet encoded."""
    body = {k: v for k, v in completion.items() if k not in _SERVER_COMPLETION_KEYS}
    body.setdefault("lead_time", 0)
    cancelled = bool(completion.get("was_cancelled") or completion.get("skipped"))
    created = _timestamp(completion.get("created_at"), stamp) if imported else stamp
    updated = _timestamp(completion.get("updated_at"), created) if imported else stamp
    return [task_id, body, int(cancelled), created, updated]


def insert_completion_rows(conn, rows):
    """Insert completion rows; returns their new ids."""
    return [conn.execute(
        "INSERT INTO completions (uuid, task_id, body, was_cancelled, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?) RETURNING id", row).fetchone()[0] for row in rows]
