"""The SQL of choosing which tasks an export holds, and the counts the Export page shows (a mixin of ProjectStore).

Every format exports the same task set: the tasks with a completion that was not cancelled, or every task
with `all_tasks`; `leave_out_disagreeing` drops tasks whose annotators disagree and that have no ground truth.
"""

import json
from dataclasses import dataclass

# The condition of the tasks_labeled index, so the default export seeks it in id order.
_LABELED = "tasks.completions > tasks.cancelled"
_GROUND_TRUTH = ("EXISTS (SELECT 1 FROM completions AS c WHERE c.task_id = tasks.id AND NOT c.was_cancelled "
                 "AND json_extract(c.body, '$.ground_truth') IS 1)")
# One primary-key look-up per task: a task is in the disagreement table only when its annotators disagree.
_DISAGREEING_WITHOUT_GROUND_TRUTH = (
    f"(EXISTS (SELECT 1 FROM disagreements AS d WHERE d.task_id = tasks.id) AND NOT {_GROUND_TRUTH})")


@dataclass(frozen=True)
class TaskSelection:
    """Which tasks an export holds: the task browser's `ids` or `query` (a TaskQuery) narrow it further."""

    all_tasks: bool = False
    leave_out_disagreeing: bool = False
    ids: tuple | None = None
    query: object = None

    def where(self):
        """The SQL condition on `tasks` that selects them, with params() for its parameters."""
        terms = [] if self.all_tasks else [_LABELED]
        if self.leave_out_disagreeing:
            terms.append(f"NOT {_DISAGREEING_WITHOUT_GROUND_TRUTH}")
        if self.ids is not None:
            terms.append("tasks.id IN (SELECT value FROM json_each(?))")
        if self.query is not None:
            terms.append(f"({self.query.where})")
        return " AND ".join(terms) or "1"

    def params(self):
        return ((json.dumps(list(self.ids)),) if self.ids is not None else ()) + (
            self.query.params if self.query is not None else ())


class ExportStore:
    """Methods use self._read() of ProjectStore."""

    def export_counts(self):
        """{"tasks", "labeled_tasks", "disagreeing_without_ground_truth"}: what the Export page says an export holds."""
        with self._read() as conn:
            total = conn.execute("SELECT value FROM counters WHERE name = 'tasks'").fetchone()[0]
            labeled = conn.execute(f"SELECT count(*) FROM tasks INDEXED BY tasks_labeled WHERE {_LABELED}").fetchone()[0]
            disagreeing = conn.execute(
                "SELECT count(*) FROM disagreements JOIN tasks ON tasks.id = disagreements.task_id "
                f"WHERE NOT {_GROUND_TRUTH}").fetchone()[0]
        return {"tasks": total, "labeled_tasks": labeled, "disagreeing_without_ground_truth": disagreeing}

    def iter_data_values(self, key, selection, chunk=5000):
        """(task id, data[key]) of each selected task in id order, read without decoding the whole task."""
        path = "$." + json.dumps(key)
        last = 0
        while True:
            with self._read() as conn:
                rows = conn.execute(
                    f"SELECT id, json_extract(data, ?) FROM tasks WHERE {selection.where()} AND id > ? "
                    "ORDER BY id LIMIT ?", (path, *selection.params(), last, chunk)).fetchall()
            if not rows:
                return
            yield from rows
            last = rows[-1][0]
