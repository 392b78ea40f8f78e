"""The SQL of reviewing several annotators' work: the disagreement table, completion versions kept by a
merge and the conflicts it flags, ground truth, and the completions agreement statistics read (a mixin of ProjectStore).

The functions run inside a write transaction of ProjectStore; every path that writes completions
calls one of them, so the disagreement table is never stale and no request scans for it.
"""

import json

from lsdesk.agreement.task import editor_of, latest_by_annotator, task_agreement
from lsdesk.store.common import batches, compact_json

CONFLICT_REASON = "edited in both copies"


def completions_changed(conn, task_id):
    """After a task's completions changed: refresh its disagreement entry, forget versions and
    conflicts of completions that are gone."""
    refresh_disagreements(conn, [task_id])
    for table in ("completion_versions", "completion_conflicts"):
        conn.execute(f"DELETE FROM {table} WHERE task_id = ? AND completion_id NOT IN "
                     "(SELECT id FROM completions WHERE task_id = ?)", (task_id, task_id))


def conflict_settled(conn, completion_id):
    """A completion both copies of a merge edited was saved again or one edit chosen: no longer a conflict."""
    conn.execute("DELETE FROM completion_conflicts WHERE completion_id = ?", (completion_id,))


def completions_added_between(conn, first_id, last_id):
    """After an import of tasks with completions: only tasks with two or more can disagree."""
    ids = [row[0] for row in conn.execute(
        "SELECT id FROM tasks WHERE id BETWEEN ? AND ? AND completions >= 2", (first_id, last_id))]
    refresh_disagreements(conn, ids)


def all_completions_deleted(conn):
    for table in ("disagreements", "disagreement_controls", "completion_versions", "completion_conflicts"):
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


def record_conflicts(conn, conflicts):
    """Mark completions both copies of a merge edited, from (completion id, task id, the older edit's
    version id, newer completion body, older version body) rows."""
    conn.executemany(
        "INSERT OR REPLACE INTO completion_conflicts (completion_id, task_id, version_id, editors) VALUES (?, ?, ?, ?)",
        ((completion_id, task_id, version_id, compact_json([editor_of(json.loads(newer)), editor_of(json.loads(older))]))
         for completion_id, task_id, version_id, newer, older in conflicts))


def _conflicts_of(conn, task_ids):
    """{task id: {"reason", "completions", "editors"}} of these tasks that have a completion in conflict."""
    conflicts = {}
    marks = ",".join("?" * len(task_ids))
    for task_id, completion_id, editors in conn.execute(
            f"SELECT task_id, completion_id, editors FROM completion_conflicts WHERE task_id IN ({marks}) "
            "ORDER BY completion_id", task_ids):
        conflict = conflicts.setdefault(task_id, {"reason": CONFLICT_REASON, "completions": [], "editors": []})
        conflict["completions"].append(completion_id)
        conflict["editors"] = sorted(set(conflict["editors"]) | set(json.loads(editors)))
    return conflicts


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
        """(total, [{"id", "score", "controls", "annotators", "conflict"}]) to review: tasks with a completion
        both copies of a merge edited first, then tasks whose annotators disagree, worst first; of one
        control when given (then conflicts are not listed apart, having no control)."""
        offset = (page - 1) * page_size
        with self._read() as conn:
            if control is None:
                conflicted = conn.execute("SELECT count(DISTINCT task_id) FROM completion_conflicts").fetchone()[0]
                total = conflicted + conn.execute(
                    "SELECT count(*) FROM disagreements WHERE task_id NOT IN "
                    "(SELECT task_id FROM completion_conflicts)").fetchone()[0]
                ids = [row[0] for row in conn.execute(
                    "SELECT DISTINCT task_id FROM completion_conflicts ORDER BY task_id LIMIT ? OFFSET ?",
                    (page_size, offset))]
                marks = ",".join("?" * len(ids))
                rows = conn.execute(f"SELECT task_id, score, controls, annotators FROM disagreements "
                                    f"WHERE task_id IN ({marks})", ids).fetchall()
                rows = sorted(rows + [(task_id, None, "{}", "[]") for task_id in set(ids) - {row[0] for row in rows}])
                rows += conn.execute(
                    "SELECT task_id, score, controls, annotators FROM disagreements WHERE task_id NOT IN "
                    "(SELECT task_id FROM completion_conflicts) ORDER BY score, task_id LIMIT ? OFFSET ?",
                    (page_size - len(ids), max(0, offset - conflicted))).fetchall()
            else:
                total = conn.execute("SELECT count(*) FROM disagreement_controls INDEXED BY "
                                     "disagreement_controls_by_score WHERE from_name = ?", (control,)).fetchone()[0]
                rows = conn.execute(
                    "SELECT d.task_id, d.score, d.controls, d.annotators FROM disagreement_controls AS c "
                    "INDEXED BY disagreement_controls_by_score JOIN disagreements AS d USING (task_id) "
                    "WHERE c.from_name = ? ORDER BY c.score, c.task_id LIMIT ? OFFSET ?",
                    (control, page_size, offset)).fetchall()
            conflicts = _conflicts_of(conn, [row[0] for row in rows])
        entries = []
        for task_id, score, controls, annotators in rows:
            conflict = conflicts.get(task_id)
            editors = conflict["editors"] if conflict else []
            entries.append({"id": task_id, "score": score, "controls": json.loads(controls),
                            "annotators": sorted(set(json.loads(annotators)) | set(editors)), "conflict": conflict})
        return total, entries

    def completion_versions(self, task_id, completion_id):
        """{"versions": older versions of a completion, newest first, "conflict": the version both copies
        of a merge edited against this one, or None}; None when there is no such completion."""
        with self._read() as conn:
            if not conn.execute("SELECT 1 FROM completions WHERE id = ? AND task_id = ?",
                                (completion_id, task_id)).fetchone():
                return None
            rows = conn.execute(
                "SELECT id, body, was_cancelled, updated_at FROM completion_versions WHERE completion_id = ? "
                "ORDER BY updated_at DESC, id DESC", (completion_id,)).fetchall()
            conflict = conn.execute("SELECT version_id, editors FROM completion_conflicts WHERE completion_id = ?",
                                    (completion_id,)).fetchone()
        versions = [{**json.loads(body), "id": version_id, "was_cancelled": bool(cancelled), "updated_at": updated_at}
                    for version_id, body, cancelled, updated_at in rows]
        if conflict:
            conflict = {"reason": CONFLICT_REASON, "version": conflict[0], "editors": json.loads(conflict[1])}
        return {"versions": versions, "conflict": conflict}

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
