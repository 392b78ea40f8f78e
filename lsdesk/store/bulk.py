"""The SQL of the task browser's bulk actions: each one write transaction over the selected tasks, all or
nothing, through the same row functions single-task writes use so counters and bookkeeping stay right (a
mixin of ProjectStore)."""

import json

from lsdesk.store.common import bump, compact_json, completion_state, now
from lsdesk.store.completions import delete_task_completion_rows
from lsdesk.store.review import keep_one_ground_truth
from lsdesk.store.tasks import delete_task_rows

_KEEP_EARLIER = "earlier = json_insert(coalesce(earlier, '[]'), '$[#]', ?)"


class TaskBulk:
    """Methods use self._write() of ProjectStore."""

    def bulk_action(self, action, ids=None, query=None, exclude=()):
        """Run one of BULK_ACTIONS on the tasks `ids`, or on those a TaskQuery selects minus `exclude`;
        {"action", "tasks", ...what it changed}."""
        stamp = now()
        with self._write() as conn:
            task_ids = _selected(conn, ids, query, exclude)
            changed = BULK_ACTIONS[action](conn, task_ids, stamp)
        return {"action": action, "tasks": len(task_ids), **changed}


def _selected(conn, ids, query, exclude):
    """The existing tasks of a selection, in id order."""
    if ids is not None:
        return [row[0] for row in conn.execute(
            "SELECT id FROM tasks WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id", (json.dumps(ids),))]
    return [row[0] for row in conn.execute(
        f"SELECT id FROM tasks WHERE ({query.where}) AND id NOT IN (SELECT value FROM json_each(?)) ORDER BY id",
        (*query.params, json.dumps(list(exclude))))]


def _delete_tasks(conn, task_ids, _stamp):
    completions = _completion_count(conn, task_ids)
    for task_id in task_ids:
        delete_task_rows(conn, task_id)
    return {"deleted_tasks": len(task_ids), "deleted_completions": completions}


def _delete_completions(conn, task_ids, stamp):
    completions = _completion_count(conn, task_ids)
    for task_id in task_ids:
        delete_task_completion_rows(conn, task_id, stamp)
    return {"deleted_completions": completions}


def _delete_predictions(conn, task_ids, _stamp):
    listed = json.dumps(task_ids)
    removed = conn.execute("DELETE FROM predictions WHERE task_id IN (SELECT value FROM json_each(?))",
                           (listed,)).rowcount
    conn.execute("UPDATE tasks SET score = NULL WHERE score IS NOT NULL AND id IN (SELECT value FROM json_each(?))",
                 (listed,))
    bump(conn, predictions=-removed)
    return {"deleted_predictions": removed}


def _mark_ground_truth(conn, task_ids, stamp):
    """Ground truth on each task's latest completion that was not cancelled (the others lose it)."""
    changed = 0
    for task_id in task_ids:
        row = conn.execute("SELECT id, body, was_cancelled FROM completions WHERE task_id = ? AND NOT was_cancelled "
                           "ORDER BY updated_at DESC, id DESC LIMIT 1", (task_id,)).fetchone()
        if row is None:
            continue
        completion_id, body, cancelled = row
        if json.loads(body).get("ground_truth") is not True:
            _rewrite(conn, completion_id, body, cancelled, stamp, lambda completion: {**completion, "ground_truth": True})
            changed += 1
        keep_one_ground_truth(conn, task_id, completion_id)
    return {"changed_completions": changed}


def _unmark_ground_truth(conn, task_ids, stamp):
    rows = conn.execute(
        "SELECT id, body, was_cancelled FROM completions WHERE task_id IN (SELECT value FROM json_each(?)) "
        "AND json_extract(body, '$.ground_truth')", (json.dumps(task_ids),)).fetchall()
    for completion_id, body, cancelled in rows:
        _rewrite(conn, completion_id, body, cancelled, stamp,
                 lambda completion: {k: v for k, v in completion.items() if k != "ground_truth"})
    return {"changed_completions": len(rows)}


def _rewrite(conn, completion_id, body, cancelled, stamp, change):
    """Save a changed completion body as an edit: the state it replaces is kept for merges (see `earlier`)."""
    conn.execute(f"UPDATE completions SET body = ?, updated_at = ?, {_KEEP_EARLIER} WHERE id = ?",
                 (compact_json(change(json.loads(body))), stamp, completion_state(body, cancelled), completion_id))


def _completion_count(conn, task_ids):
    return conn.execute("SELECT count(*) FROM completions WHERE task_id IN (SELECT value FROM json_each(?))",
                        (json.dumps(task_ids),)).fetchone()[0]


BULK_ACTIONS = {
    "delete_tasks": _delete_tasks,
    "delete_completions": _delete_completions,
    "delete_predictions": _delete_predictions,
    "mark_ground_truth": _mark_ground_truth,
    "unmark_ground_truth": _unmark_ground_truth,
}
