"""The SQL of ML backends and the predictions they make (a mixin of ProjectStore)."""

import json
import sqlite3
from collections import defaultdict

from lsdesk.store.common import batches, bump, insert_prediction_rows, mean_score, now, prediction_row

_BACKEND_COLUMNS = ("name", "url", "model_version", "train_job")


class ModelStore:
    """Methods use self._read() and self._write() of ProjectStore."""

    def ml_backends(self):
        """The connected backends in the order they were added: name, url, model_version, train_job."""
        with self._read() as conn:
            rows = conn.execute(f"SELECT {', '.join(_BACKEND_COLUMNS)} FROM ml_backends ORDER BY rowid").fetchall()
        return [dict(zip(_BACKEND_COLUMNS, row)) for row in rows]

    def add_ml_backend(self, name, url, model_version):
        """Remember a backend; False when one of that name exists."""
        try:
            with self._write() as conn:
                conn.execute("INSERT INTO ml_backends (name, url, model_version, created_at) VALUES (?, ?, ?, ?)",
                             (name, url, model_version, now()))
        except sqlite3.IntegrityError:
            return False
        return True

    def remove_ml_backend(self, name):
        with self._write() as conn:
            return conn.execute("DELETE FROM ml_backends WHERE name = ?", (name,)).rowcount > 0

    def set_ml_model_version(self, name, model_version):
        with self._write() as conn:
            conn.execute("UPDATE ml_backends SET model_version = ? WHERE name = ?", (model_version, name))

    def set_ml_train_job(self, name, job):
        with self._write() as conn:
            conn.execute("UPDATE ml_backends SET train_job = ? WHERE name = ?", (job, name))

    # -- tasks to predict --------------------------------------------------------------

    def task_data_after(self, after_id, limit):
        """(id, data) of up to `limit` tasks with ids above `after_id`, in id order."""
        with self._read() as conn:
            rows = conn.execute("SELECT id, data FROM tasks WHERE id > ? ORDER BY id LIMIT ?",
                                (after_id, limit)).fetchall()
        return [(task_id, json.loads(data)) for task_id, data in rows]

    def task_data_of(self, task_ids):
        """(id, data) of the tasks among `task_ids` that exist, in the order given."""
        found = {}
        with self._read() as conn:
            for chunk in batches(task_ids):
                marks = ",".join("?" * len(chunk))
                found.update(conn.execute(f"SELECT id, data FROM tasks WHERE id IN ({marks})", chunk).fetchall())
        return [(task_id, json.loads(found[task_id])) for task_id in task_ids if task_id in found]

    def missing_task_ids(self, task_ids):
        """The ids among `task_ids` that name no task, in the order given."""
        found = set()
        with self._read() as conn:
            for chunk in batches(task_ids):
                marks = ",".join("?" * len(chunk))
                found.update(row[0] for row in conn.execute(f"SELECT id FROM tasks WHERE id IN ({marks})", chunk))
        return [task_id for task_id in task_ids if task_id not in found]

    def labeled_tasks_for_training(self):
        """Every task with completions ({"id", "data", "completions", ...}), in id order."""
        return [json.loads(text) for text in self.iter_labeled_task_texts()]

    # -- predictions -------------------------------------------------------------------

    def save_predictions(self, created_by, predictions):
        """Store (task_id, prediction) pairs in one transaction, each replacing the task's earlier
        predictions by `created_by`, and keep the tasks' scores for sampling.

        Tasks deleted since they were read are skipped; returns how many predictions were stored.
        """
        stamp = now()
        with self._write() as conn:
            task_ids = list({task_id for task_id, _ in predictions})
            existing, removed = set(), 0
            for chunk in batches(task_ids):
                marks = ",".join("?" * len(chunk))
                existing.update(row[0] for row in conn.execute(f"SELECT id FROM tasks WHERE id IN ({marks})", chunk))
                removed += conn.execute(
                    f"DELETE FROM predictions WHERE task_id IN ({marks}) AND created_by = ?",
                    (*chunk, created_by)).rowcount
            rows = [prediction_row(task_id, {**prediction, "created_by": created_by}, stamp)
                    for task_id, prediction in predictions if task_id in existing]
            insert_prediction_rows(conn, rows)
            _refresh_scores(conn, sorted(existing))
            bump(conn, predictions=len(rows) - removed)
        return len(rows)


def _refresh_scores(conn, task_ids):
    """Set each task's score to the mean of its predictions' scores."""
    scores = defaultdict(list)
    for chunk in batches(task_ids):
        marks = ",".join("?" * len(chunk))
        for task_id, score in conn.execute(f"SELECT task_id, score FROM predictions WHERE task_id IN ({marks})", chunk):
            scores[task_id].append(score)
    conn.executemany("UPDATE tasks SET score = ? WHERE id = ?",
                     [(mean_score(scores[task_id]), task_id) for task_id in task_ids])
