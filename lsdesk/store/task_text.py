"""Tasks, completions and predictions as the JSON text the API and the export show, built from the
stored JSON without decoding it, so reading runs at the speed of SQLite."""

import json
from datetime import datetime
from functools import lru_cache

from lsdesk.store.common import batches

_TASK_COLUMNS = "id, data, meta, completions, cancelled, completed_at"
_COMPLETION_COLUMNS = "id, task_id, body, was_cancelled, created_at, updated_at"
_PREDICTION_COLUMNS = "id, task_id, body, created_at"


@lru_cache(maxsize=4096)
def format_completed_at(seconds):
    """Label Studio 0.8 shows completed_at in the server's local time."""
    return datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S")


def task_texts(conn, ids, listed):
    """JSON text of each task in `ids` (in that order), built from the stored JSON without decoding it.

    `listed` adds what GET /api/tasks shows besides the stored task (completed_at,
    has_cancelled_completions); the export leaves it out.
    """
    rows, completions, predictions = {}, {}, {}
    for chunk in batches(ids):
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


def load_tasks(conn, ids):
    """Tasks as the API shows them, in the order of `ids`, with completions and predictions."""
    return [json.loads(text) for text in task_texts(conn, ids, listed=True)]


def load_completion(conn, completion_id):
    """A completion as the API shows it."""
    row = conn.execute(f"SELECT {_COMPLETION_COLUMNS} FROM completions WHERE id = ?", (completion_id,)).fetchone()
    return json.loads(_completion_text(row))


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
