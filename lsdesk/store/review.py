"""The SQL of reviewing several annotators' work: the disagreement table, completion versions kept by a
merge, ground truth, and the completions agreement statistics read (a mixin of ProjectStore).

The functions run inside a write transaction of ProjectStore; every path that writes completions
calls one of them, so the disagreement table is never stale and no request scans for it.
"""

import json

from lsdesk.agreement.task import latest_by_annotator, task_agreement
from lsdesk.store.common import batches, compact_json


def completions_changed(conn, task_id):
    """After a task's completions changed: refresh its disagreement entry, forget versions of
    completions that are gone."""
    refresh_disagreements(conn, [task_id])
    conn.execute("DELETE FROM completion_versions WHERE task_id = ? AND completion_id NOT IN "
                 "(SELECT id FROM completions WHERE task_id = ?)", (task_id, task_id))


def completions_added_between(conn, first_id, last_id):
    """After an import of tasks with completions: only tasks with two or more can disagree."""
    ids = [row[0] for row in conn.execute(
        "SELECT id FROM tasks WHERE id BETWEEN ? AND ? AND completions >= 2", (first_id, last_id))]
    refresh_disagreements(conn, ids)


def all_completions_deleted(conn):
    for table in ("disagreements", "disagreement_controls", "completion_versions"):
        conn.execute(f"DELETE FROM {table}")


def _completions_by_task(conn, task_ids):
    """{task id: [(completion body, was_cancelled), ...] oldest first} for these tasks."""
    marks = ",".join("?" * len(task_ids))
    by_task = {}
    for task_id, body, cancelled in conn.execute(
            f"SELECT task_id, body, was_cancelled FROM completions WHERE task_id IN ({marks}) "
            "ORDER BY task_id, updated_at, id", task_ids):
        by_task.setdefault(task_id, []).append((json.loads(body), cancelled))
    return by_task


def refresh_disagreements(conn, task_ids):
    """Recompute the disagreement entries of these tasks from their completions, a batch at a time."""
    for chunk in batches(task_ids):
        marks = ",".join("?" * len(chunk))
        completions = _completions_by_task(conn, chunk)
        conn.execute(f"DELETE FROM disagreements WHERE task_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM disagreement_controls WHERE task_id IN ({marks})", chunk)
        entries, control_entries = [], []
        for task_id in chunk:
            results = latest_by_annotator(completions.get(task_id, ()))
            scores = task_agreement(results)
            if scores and min(scores.values()) < 1:
                entries.append((task_id, min(scores.values()), compact_json(scores), compact_json(sorted(results))))
                control_entries += [(task_id, name, score) for name, score in scores.items() if score < 1]
        conn.executemany("INSERT INTO disagreements (task_id, score, controls, annotators) VALUES (?, ?, ?, ?)",
                         entries)
        conn.executemany("INSERT INTO disagreement_controls (task_id, from_name, score) VALUES (?, ?, ?)",
                         control_entries)


def keep_one_ground_truth(conn, task_id, completion_id):
    """Clear ground_truth on the task's other completions (they are kept)."""
    rows = conn.execute(
        "SELECT id, body FROM completions WHERE task_id = ? AND id != ? AND json_extract(body, '$.ground_truth')",
        (task_id, completion_id)).fetchall()
    for other_id, body in rows:
        body = json.loads(body)
        del body["ground_truth"]
        conn.execute("UPDATE completions SET body = ? WHERE id = ?", (compact_json(body), other_id))


class ReviewStore:
    """Methods use self._read() of ProjectStore."""

    def disagreements_page(self, page, page_size, control=None):
        """(total, [{"id", "score", "controls", "annotators"}]) worst first, of one control when given."""
        offset = (page - 1) * page_size
        with self._read() as conn:
            if control is None:
                total = conn.execute("SELECT count(*) FROM disagreements").fetchone()[0]
                rows = conn.execute(
                    "SELECT task_id, score, controls, annotators FROM disagreements "
                    "ORDER BY score, task_id LIMIT ? OFFSET ?", (page_size, offset)).fetchall()
            else:
                total = conn.execute("SELECT count(*) FROM disagreement_controls INDEXED BY "
                                     "disagreement_controls_by_score WHERE from_name = ?", (control,)).fetchone()[0]
                rows = conn.execute(
                    "SELECT d.task_id, d.score, d.controls, d.annotators FROM disagreement_controls AS c "
                    "INDEXED BY disagreement_controls_by_score JOIN disagreements AS d USING (task_id) "
                    "WHERE c.from_name = ? ORDER BY c.score, c.task_id LIMIT ? OFFSET ?",
                    (control, page_size, offset)).fetchall()
        return total, [{"id": task_id, "score": score, "controls": json.loads(controls),
                        "annotators": json.loads(annotators)} for task_id, score, controls, annotators in rows]

    def completion_versions(self, task_id, completion_id):
        """Older versions of a completion, newest first; None when there is no such completion."""
        with self._read() as conn:
            if not conn.execute("SELECT 1 FROM completions WHERE id = ? AND task_id = ?",
                                (completion_id, task_id)).fetchone():
                return None
            rows = conn.execute(
                "SELECT id, body, was_cancelled, updated_at FROM completion_versions WHERE completion_id = ? "
                "ORDER BY updated_at DESC, id DESC", (completion_id,)).fetchall()
        return [{**json.loads(body), "id": version_id, "was_cancelled": bool(cancelled), "updated_at": updated_at}
                for version_id, body, cancelled, updated_at in rows]

    def iter_results_by_annotator(self, chunk=500):
        """{annotator: result} of every task with two or more completions, in short snapshots."""
        last = 0
        while True:
            with self._read() as conn:
                ids = [row[0] for row in conn.execute(
                    "SELECT id FROM tasks WHERE completions >= 2 AND id > ? ORDER BY id LIMIT ?", (last, chunk))]
                if not ids:
                    return
                by_task = _completions_by_task(conn, ids)
            for task_id in ids:
                yield latest_by_annotator(by_task.get(task_id, ()))
            last = ids[-1]
