"""The SQL of tasks: reading them, importing them in one transaction, replacing and deleting them,
the labeling page's drafts, and the config check against the data (a mixin of ProjectStore)."""

import json
import random
from collections import Counter

from lsdesk.store.bookkeeping import (add_key_sets, common_data_keys, delete_completions_of, key_set, refresh_task,
                                      save_tally, stored_result_schema, tally_labels)
from lsdesk.store.common import (bump, compact_json, data_hash_of, insert_prediction_rows, mean_score, now,
                                 prediction_row)
from lsdesk.store.completions import completion_row, insert_completion_rows
from lsdesk.store.review import all_completions_deleted, completions_changed
from lsdesk.store.task_import import import_task_rows
from lsdesk.store.task_text import load_tasks, task_texts


class TaskStore:
    """Methods use self._read() and self._write() of ProjectStore."""

    # -- the data and the config ---------------------------------------------------------

    def data_keys_in_every_task(self):
        """The data keys all tasks share, or None when there are no tasks."""
        with self._read() as conn:
            return common_data_keys(conn)

    def result_schema(self):
        """(from_name, to_name, type, label or None) for everything stored completions use."""
        with self._read() as conn:
            return stored_result_schema(conn)

    def save_label_config(self, xml, problems_with):
        """Save a label config unless `problems_with(data keys in every task, result schema)` lists any.

        Both are read in the transaction that saves, so no import or completion can slip in between
        the check and the save. Returns the problems; the config was saved when there are none.
        """
        with self._write() as conn:
            problems = problems_with(common_data_keys(conn), stored_result_schema(conn))
            if not problems:
                conn.executemany(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    [("label_config", json.dumps(xml)), ("label_config_updated", "true")])
        return problems

    # -- reading tasks -----------------------------------------------------------------

    def task(self, task_id):
        with self._read() as conn:
            tasks = load_tasks(conn, [task_id])
        return tasks[0] if tasks else None

    def task_exists(self, task_id):
        with self._read() as conn:
            return conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone() is not None

    def iter_tasks(self, chunk=1000, selection=None):
        """Every task (or those of an export's TaskSelection) in id order, read in short snapshots so
        writers are never held up."""
        where, params = (selection.where(), selection.params()) if selection else ("1", ())
        yield from self._by_id_chunks(where, params, chunk, load_tasks)

    def iter_labeled_task_texts(self, chunk=2000, selection=None):
        """JSON text of every task that has completions (or of an export's TaskSelection), in id order, as
        the JSON export holds it.

        Built from the stored JSON without decoding it, so exporting runs at the speed of reading.
        """
        where, params = (selection.where(), selection.params()) if selection else ("completions > 0", ())
        yield from self._by_id_chunks(where, params, chunk, lambda conn, ids: task_texts(conn, ids, listed=False))

    def _by_id_chunks(self, where, params, chunk, load):
        """What `load(conn, ids)` makes of the tasks matching `where`, in id order, `chunk` ids per snapshot."""
        last = 0
        while True:
            with self._read() as conn:
                ids = [row[0] for row in conn.execute(
                    f"SELECT id FROM tasks WHERE {where} AND id > ? ORDER BY id LIMIT ?", (*params, last, chunk))]
                loaded = load(conn, ids)
            if not loaded:
                return
            yield from loaded
            last = ids[-1]

    def completed_task_ids(self):
        with self._read() as conn:
            return [row[0] for row in conn.execute(
                "SELECT id FROM tasks WHERE completions > 0 ORDER BY id")]

    def next_task_id(self, sampling, exclude=None, prefer=None):
        """The task to label next, or None when every task has a completion; `exclude` (a task id) is
        passed over, as if it were labeled: the Label page asks so while it saves that task. `prefer`
        (a task id) is the answer while it is unlabeled and not excluded: the Label page shows the task
        it asked for ahead of time and checks so that nobody labeled or deleted it meanwhile."""
        but = "" if exclude is None else " AND id != ?"
        args = () if exclude is None else (exclude,)
        with self._read() as conn:
            if prefer is not None and prefer != exclude and conn.execute(
                    "SELECT 1 FROM tasks WHERE id = ? AND completions = 0", (prefer,)).fetchone():
                return prefer
            if sampling.startswith("prediction-score-"):
                direction = "" if sampling == "prediction-score-min" else " DESC"
                row = conn.execute(
                    "SELECT id FROM tasks INDEXED BY tasks_unlabeled_by_score "
                    f"WHERE completions = 0 AND score IS NOT NULL{but} "
                    f"ORDER BY score{direction}, id{direction} LIMIT 1", args).fetchone()
                if row:
                    return row[0]
            first = f"SELECT id FROM tasks INDEXED BY tasks_unlabeled WHERE completions = 0{but}"
            if sampling == "uniform":
                # Two sub-selects: SQLite finds min and max by one index seek each only
                # when a query asks for one of them.
                low, high = conn.execute(
                    "SELECT (SELECT min(id) FROM tasks INDEXED BY tasks_unlabeled WHERE completions = 0), "
                    "(SELECT max(id) FROM tasks INDEXED BY tasks_unlabeled WHERE completions = 0)").fetchone()
                if low is None:
                    return None
                # Uniform over the id range of unlabeled tasks: a task right after a run
                # of labeled ones is a little likelier, which a labeler cannot notice and
                # which keeps this one index look-up at any project size.
                start = random.randint(low, high)
                row = conn.execute(f"{first} AND id >= ? ORDER BY id LIMIT 1", (*args, start)).fetchone()
                if row or exclude is None:
                    return row[0]
            row = conn.execute(f"{first} ORDER BY id LIMIT 1", args).fetchone()
            return row[0] if row else None

    # -- writing tasks -----------------------------------------------------------------

    def import_tasks(self, tasks, duplicates="import"):
        """Store validated tasks ({"data", "meta", "completions", "predictions"}) in one transaction.

        `tasks` may be a generator; if it raises, nothing is stored. Each task row is written
        with its completion counters already known, so nothing is updated afterwards.
        `duplicates`: "import" stores every task; "skip" leaves out a task whose data equals an existing
        task's or an earlier one's of this import; "ask" raises DuplicatesFound (storing nothing) if any does.
        """
        with self._write() as conn:
            return import_task_rows(conn, tasks, duplicates)

    def upload(self, name):
        """(mime type, size, sha256) of an uploaded file, or None."""
        with self._read() as conn:
            return conn.execute(
                "SELECT mime, size, uploads.sha256 FROM uploads JOIN blobs USING (sha256) WHERE name = ?",
                (name,)).fetchone()

    def read_upload(self, name, start=0, length=None):
        """Yield the bytes of an uploaded file from `start`, `length` of them (all when None)."""
        found = self.upload(name)
        if found is not None:
            yield from self.read_blob(found[2], start, length)

    def replace_task(self, task_id, task):
        """Overwrite a task's data and meta, and its completions/predictions when given."""
        stamp = now()
        with self._write() as conn:
            old = conn.execute("SELECT data FROM tasks WHERE id = ?", (task_id,)).fetchone()
            if old is None:
                return None
            add_key_sets(conn, Counter({key_set(json.loads(old[0])): -1, key_set(task["data"]): 1}))
            data_text = compact_json(task["data"])
            conn.execute(
                "UPDATE tasks SET data = ?, meta = ?, updated_at = ?, data_hash = ? WHERE id = ?",
                (data_text, None if task.get("meta") is None else compact_json(task["meta"]),
                 stamp, data_hash_of(data_text), task_id))
            if "completions" in task:
                was_labeled = delete_completions_of(conn, task_id)
                tally = Counter()
                for completion in task["completions"]:
                    tally_labels(completion["result"], tally, +1)
                save_tally(conn, tally)
                insert_completion_rows(conn, [completion_row(task_id, c, stamp) for c in task["completions"]])
                now_labeled = refresh_task(conn, task_id, stamp)
                bump(conn, completed_tasks=now_labeled - was_labeled, completions=len(task["completions"]),
                      label_changes=1)
                completions_changed(conn, task_id)
            if "predictions" in task:
                removed = conn.execute("DELETE FROM predictions WHERE task_id = ?", (task_id,)).rowcount
                added = [prediction_row(task_id, p, stamp) for p in task["predictions"]]
                insert_prediction_rows(conn, added)
                conn.execute("UPDATE tasks SET score = ? WHERE id = ?",
                             (mean_score(row[3] for row in added), task_id))
                bump(conn, predictions=len(added) - removed)
        return self.task(task_id)

    def delete_task(self, task_id):
        with self._write() as conn:
            return delete_task_rows(conn, task_id)

    def delete_all_tasks(self):
        with self._write() as conn:
            # Forget the search index first, so deleting each task does not look it up there.
            conn.execute("UPDATE counters SET value = 0 WHERE name = 'search_indexed'")
            conn.execute("INSERT INTO tasks_fts (tasks_fts) VALUES ('delete-all')")
            for table in ("tasks", "completions", "predictions", "drafts", "data_key_sets", "result_labels"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("UPDATE counters SET value = 0 WHERE name NOT LIKE '%_changes'")
            bump(conn, task_changes=1, label_changes=1)
            all_completions_deleted(conn)

    # -- drafts: the labeling page's unsaved work ---------------------------------------

    def draft(self, task_id):
        with self._read() as conn:
            row = conn.execute("SELECT body, updated_at FROM drafts WHERE task_id = ?", (task_id,)).fetchone()
        return None if row is None else {**json.loads(row[0]), "updated_at": row[1]}

    def save_draft(self, task_id, draft):
        """Keep a task's unsaved result; False when the task does not exist."""
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM tasks WHERE id = ?", (task_id,)).fetchone():
                return False
            conn.execute(
                "INSERT INTO drafts (task_id, body, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (task_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
                (task_id, compact_json(draft), now()))
        return True

    def delete_draft(self, task_id):
        with self._write() as conn:
            return conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,)).rowcount > 0


def delete_task_rows(conn, task_id):
    """Inside a write: delete a task with its completions, predictions and draft, keeping the counters, the
    label tally and the disagreement table right; False when there is no such task."""
    row = conn.execute("SELECT data FROM tasks WHERE id = ?", (task_id,)).fetchone()
    if row is None:
        return False
    was_labeled = delete_completions_of(conn, task_id)
    removed = conn.execute("DELETE FROM predictions WHERE task_id = ?", (task_id,)).rowcount
    conn.execute("DELETE FROM drafts WHERE task_id = ?", (task_id,))
    conn.execute("DELETE FROM tasks WHERE id = ?", (task_id,))
    add_key_sets(conn, Counter({key_set(json.loads(row[0])): -1}))
    bump(conn, tasks=-1, completed_tasks=-was_labeled, predictions=-removed, task_changes=1)
    completions_changed(conn, task_id)
    return True
