"""The SQL of the link to a Label Studio server (a mixin of ProjectStore): which server project the file is
linked to, which of its tasks, completions, predictions and media are there, and writing what a clone or
pull brings back. Which changes a pull applies is decided here, in its one write transaction, so a pull
either lands whole or changes nothing."""

import json
import uuid
from collections import Counter

from lsdesk.store.bookkeeping import add_key_sets, key_set, refresh_task, save_tally, tally_labels
from lsdesk.store.common import compact_json, completion_state, insert_prediction_rows, now, prediction_row
from lsdesk.store.completions import completion_row, insert_completion_rows
from lsdesk.store.review import completions_changed, keep_one_ground_truth, record_conflicts
from lsdesk.teams.mapping import result_state


class ServerLinkStore:
    """Methods use self._read() and self._write() of ProjectStore."""

    # -- the link ----------------------------------------------------------------------------------

    def server_link(self):
        """{url, project_id, pushed_at, pulled_at, pull_mark, importing, batch_filter} or None when the project is
        not linked. batch_filter: the Data Manager filter items a clone was taken with (None for all tasks)."""
        with self._read() as conn:
            row = conn.execute("SELECT url, project_id, pushed_at, pulled_at, pull_mark, importing, batch_filter "
                               "FROM server_link").fetchone()
            if row is None:
                return None
            link = dict(zip(("url", "project_id", "pushed_at", "pulled_at", "pull_mark", "importing", "batch_filter"), row))
            link["importing"] = bool(link["importing"])
            link["batch_filter"] = json.loads(link["batch_filter"]) if link["batch_filter"] else None
            link["tasks"] = conn.execute("SELECT count(*) FROM server_tasks").fetchone()[0]
            return link

    def link_to_server(self, url, project_id, batch_filter=None):
        with self._write() as conn:
            conn.execute("DELETE FROM server_link")
            for table in ("server_tasks", "server_completions", "server_predictions", "server_media"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("INSERT INTO server_link (id, url, project_id, batch_filter) VALUES (1, ?, ?, ?)",
                         (url, project_id, json.dumps(batch_filter) if batch_filter else None))

    def mark_link(self, **marks):
        """Set pushed_at, pulled_at, pull_mark or importing on the link."""
        allowed = {"pushed_at", "pulled_at", "pull_mark", "importing"}
        assert set(marks) <= allowed, marks
        with self._write() as conn:
            conn.execute(f"UPDATE server_link SET {', '.join(f'{name} = ?' for name in marks)}", list(marks.values()))

    # -- push ----------------------------------------------------------------------------------------

    def unlinked_task_count(self):
        with self._read() as conn:
            return conn.execute("SELECT count(*) FROM tasks WHERE id NOT IN (SELECT task_id FROM server_tasks)").fetchone()[0]

    def unlinked_tasks(self, after, limit):
        """Tasks not on the server yet, in id order after `after`: (task, completions, predictions) where
        task is {id, uuid, data, meta}, completions (id, uuid, body, was_cancelled), predictions
        (id, body, score, model_version)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, uuid, data, meta FROM tasks WHERE id > ? AND id NOT IN (SELECT task_id FROM server_tasks) "
                "ORDER BY id LIMIT ?", (after, limit)).fetchall()
            if not rows:
                return []
            ids = [row[0] for row in rows]
            marks = ",".join("?" * len(ids))
            completions, predictions = {}, {}
            for completion_id, task_id, completion_uuid, body, cancelled in conn.execute(
                    f"SELECT id, task_id, uuid, body, was_cancelled FROM completions WHERE task_id IN ({marks}) ORDER BY id", ids):
                completions.setdefault(task_id, []).append((completion_id, completion_uuid, json.loads(body), cancelled))
            for prediction_id, task_id, body, score, version in conn.execute(
                    f"SELECT id, task_id, body, score, model_version FROM predictions WHERE task_id IN ({marks}) ORDER BY id", ids):
                predictions.setdefault(task_id, []).append((prediction_id, json.loads(body), score, version))
        return [({"id": task_id, "uuid": task_uuid, "data": json.loads(data), "meta": json.loads(meta) if meta else None},
                 completions.get(task_id, []), predictions.get(task_id, []))
                for task_id, task_uuid, data, meta in rows]

    def server_media(self, local_urls):
        """{local URL: server URL} of these local media URLs already on the server."""
        with self._read() as conn:
            return dict(_rows_in(conn, "SELECT local_url, server_url FROM server_media", "local_url", local_urls))

    def media_by_server_url(self, server_urls):
        """{server URL: local URL} of these server media URLs the project knows."""
        with self._read() as conn:
            return dict(_rows_in(conn, "SELECT server_url, local_url FROM server_media", "server_url", server_urls))

    def note_media(self, pairs):
        """Record (local URL, server URL) pairs of files now on the server."""
        with self._write() as conn:
            conn.executemany("INSERT OR REPLACE INTO server_media (local_url, server_url) VALUES (?, ?)", pairs)

    def note_pushed_tasks(self, linked):
        """After an import on the server: [(task, completions, predictions, server task id)] as unlinked_tasks gave them."""
        with self._write() as conn:
            for task, completions, predictions, server_id in linked:
                conn.execute("INSERT OR REPLACE INTO server_tasks (task_id, server_id) VALUES (?, ?)", (task["id"], server_id))
                conn.executemany(
                    "INSERT OR REPLACE INTO server_completions (completion_id, task_id, server_id, state) VALUES (?, ?, NULL, ?)",
                    [(completion_id, task["id"], result_state(body.get("result"), cancelled))
                     for completion_id, _uuid, body, cancelled in completions])
                conn.executemany("INSERT OR IGNORE INTO server_predictions (prediction_id) VALUES (?)",
                                 [(prediction[0],) for prediction in predictions])

    def link_tasks_by_uuid(self, server_ids_by_uuid):
        """Link tasks a push imported but could not record (its answer was lost): {task uuid: server id}.
        Their completions are linked too (annotation ids are learnt later). Returns how many were linked."""
        linked = 0
        with self._write() as conn:
            for task_uuid, server_id in server_ids_by_uuid.items():
                row = conn.execute("SELECT id FROM tasks WHERE uuid = ? AND id NOT IN (SELECT task_id FROM server_tasks)",
                                   (task_uuid,)).fetchone()
                if row is None or conn.execute("SELECT 1 FROM server_tasks WHERE server_id = ?", (server_id,)).fetchone():
                    continue
                conn.execute("INSERT INTO server_tasks (task_id, server_id) VALUES (?, ?)", (row[0], server_id))
                conn.execute(
                    "INSERT OR IGNORE INTO server_completions (completion_id, task_id, server_id, state) "
                    "SELECT id, task_id, NULL, '' FROM completions WHERE task_id = ?", (row[0],))
                for completion_id, body, cancelled in conn.execute(
                        "SELECT id, body, was_cancelled FROM completions WHERE task_id = ?", (row[0],)).fetchall():
                    conn.execute("UPDATE server_completions SET state = ? WHERE completion_id = ?",
                                 (result_state(json.loads(body).get("result"), cancelled), completion_id))
                conn.execute("INSERT OR IGNORE INTO server_predictions (prediction_id) SELECT id FROM predictions "
                             "WHERE task_id = ?", (row[0],))
                linked += 1
        return linked

    def changed_completions(self):
        """Completions of linked tasks that are new or edited since both sides last agreed:
        (completion id, server task id, annotation id or None, body, was_cancelled, linked)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT c.id, st.server_id, sc.server_id, c.body, c.was_cancelled, sc.state "
                "FROM completions AS c JOIN server_tasks AS st ON st.task_id = c.task_id "
                "LEFT JOIN server_completions AS sc ON sc.completion_id = c.id ORDER BY c.id").fetchall()
        changed = []
        for completion_id, server_task, annotation_id, body, cancelled, state in rows:
            body = json.loads(body)
            if state is None or state != result_state(body.get("result"), cancelled):
                changed.append((completion_id, server_task, annotation_id, body, cancelled, state is not None))
        return changed

    def unlinked_annotation_tasks(self):
        """{server task id: [(completion id, body, was_cancelled)]} of linked completions whose annotation id is not known."""
        found = {}
        with self._read() as conn:
            for server_task, completion_id in conn.execute(
                    "SELECT st.server_id, sc.completion_id FROM server_completions AS sc "
                    "JOIN server_tasks AS st ON st.task_id = sc.task_id WHERE sc.server_id IS NULL"):
                found.setdefault(server_task, []).append(completion_id)
        return found

    def note_annotation_ids(self, pairs):
        """Record (completion id, annotation id) pairs learnt from the server."""
        with self._write() as conn:
            conn.executemany("UPDATE server_completions SET server_id = ? WHERE completion_id = ?",
                             [(annotation_id, completion_id) for completion_id, annotation_id in pairs])

    def note_completion_pushed(self, completion_id, annotation_id, body, was_cancelled):
        with self._write() as conn:
            task_id = conn.execute("SELECT task_id FROM completions WHERE id = ?", (completion_id,)).fetchone()
            if task_id is None:
                return
            conn.execute("INSERT OR REPLACE INTO server_completions (completion_id, task_id, server_id, state) "
                         "VALUES (?, ?, ?, ?)",
                         (completion_id, task_id[0], annotation_id, result_state(body.get("result"), was_cancelled)))

    def unlinked_predictions(self):
        """Predictions of linked tasks not on the server: (prediction id, server task id, body, score, model_version)."""
        with self._read() as conn:
            return [(pid, server_task, json.loads(body), score, version) for pid, server_task, body, score, version in conn.execute(
                "SELECT p.id, st.server_id, p.body, p.score, p.model_version FROM predictions AS p "
                "JOIN server_tasks AS st ON st.task_id = p.task_id "
                "WHERE p.id NOT IN (SELECT prediction_id FROM server_predictions) ORDER BY p.id")]

    def note_predictions_pushed(self, prediction_ids):
        with self._write() as conn:
            conn.executemany("INSERT OR IGNORE INTO server_predictions (prediction_id) VALUES (?)",
                             [(pid,) for pid in prediction_ids])

    def linked_server_tasks(self, server_ids):
        """The subset of these server task ids linked to a task of the project."""
        with self._read() as conn:
            return {row[0] for row in _rows_in(conn, "SELECT server_id FROM server_tasks", "server_id", server_ids)}

    def local_task_uuids(self, uuids):
        """The subset of these task uuids the project has."""
        with self._read() as conn:
            return {row[0] for row in _rows_in(conn, "SELECT uuid FROM tasks", "uuid", uuids)}

    # -- clone and pull --------------------------------------------------------------------------

    def apply_server_changes(self, new_tasks, changed_tasks, media, pull_mark, apply_deletions, pulled_at=None):
        """Write what came from the server in one transaction; returns the counts of what was done.

        `new_tasks` are (server task id, lsdesk import item, [annotation ids]) of tasks the project lacks;
        `changed_tasks` are (server task id, [(annotation id, import_id, body, was_cancelled, updated_at)]) of
        linked tasks the server changed; `media` are (Upload, server URL) pairs downloaded for the new tasks."""
        stamp = pulled_at or now()
        counts = Counter()
        with self._write() as conn:
            for upload, server_url in media:
                conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, ?)",
                             (upload.sha256, len(upload.data), upload.data))
                conn.execute("INSERT OR IGNORE INTO uploads (name, sha256, mime, created_at) VALUES (?, ?, ?, ?)",
                             (upload.name, upload.sha256, upload.mime, stamp))
                conn.execute("INSERT OR REPLACE INTO server_media (local_url, server_url) VALUES (?, ?)",
                             (f"/data/upload/{upload.name}", server_url))
            touched = set()
            for server_id, item, annotation_ids in new_tasks:
                touched.add(_add_task(conn, server_id, item, annotation_ids, stamp))
                counts["new_tasks"] += 1
                counts["new_completions"] += len(annotation_ids)
            for server_task, annotations in changed_tasks:
                task_id = _linked_task(conn, server_task)
                if task_id is None:
                    continue
                outcomes = Counter(_apply_annotations(conn, task_id, annotations, apply_deletions, stamp))
                counts.update(outcomes)
                counts["changed_tasks"] += bool(outcomes)
                touched.add(task_id)
            for task_id in touched:
                refresh_task(conn, task_id, stamp)
                completions_changed(conn, task_id)
            _recount(conn)
            conn.execute("UPDATE server_link SET pull_mark = ?, pulled_at = ?", (pull_mark, stamp))
        return {name: count for name, count in counts.items() if count}


def _linked_task(conn, server_task):
    row = conn.execute("SELECT task_id FROM server_tasks WHERE server_id = ?", (server_task,)).fetchone()
    return row and row[0]


def _add_task(conn, server_id, item, annotation_ids, stamp):
    """Insert a task from the server with its completions and predictions, linked to it."""
    meta = item.get("meta")
    task_uuid = ((meta or {}).get("lsdesk") or {}).get("task") or str(uuid.uuid4())
    predictions = [prediction_row(0, p, stamp) for p in item["predictions"]]
    score = _mean([row[3] for row in predictions])
    task_id = conn.execute(
        "INSERT INTO tasks (uuid, data, meta, created_at, updated_at, score) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (task_uuid, compact_json(item["data"]), None if meta is None else compact_json(meta), stamp, stamp, score)).fetchone()[0]
    add_key_sets(conn, Counter([key_set(item["data"])]))
    conn.execute("INSERT INTO server_tasks (task_id, server_id) VALUES (?, ?)", (task_id, server_id))
    insert_prediction_rows(conn, [(row[0], task_id, *row[2:]) for row in predictions])
    conn.executemany("INSERT OR IGNORE INTO server_predictions (prediction_id) SELECT id FROM predictions WHERE task_id = ?",
                     [(task_id,)])
    tally = Counter()
    for completion, annotation_id in zip(item["completions"], annotation_ids):
        (completion_id,) = insert_completion_rows(conn, [completion_row(task_id, completion, stamp)])
        tally_labels(completion["result"], tally, +1)
        conn.execute("INSERT INTO server_completions (completion_id, task_id, server_id, state) VALUES (?, ?, ?, ?)",
                     (completion_id, task_id, annotation_id, result_state(completion["result"], completion["was_cancelled"])))
        if completion.get("ground_truth") is True:
            keep_one_ground_truth(conn, task_id, completion_id)
    save_tally(conn, tally)
    return task_id


def _apply_annotations(conn, task_id, annotations, apply_deletions, stamp):
    """Settle one changed task's annotations against its completions; yields what was done to each."""
    linked = {row[0]: row[1:] for row in conn.execute(
        "SELECT sc.server_id, sc.completion_id, sc.state FROM server_completions AS sc WHERE sc.task_id = ? "
        "AND sc.server_id IS NOT NULL", (task_id,))}
    unlearnt = {row[0]: row[1] for row in conn.execute(
        "SELECT completion_id, state FROM server_completions WHERE task_id = ? AND server_id IS NULL", (task_id,))}
    seen = set()
    for annotation_id, import_id, body, cancelled, updated_at in annotations:
        seen.add(annotation_id)
        if annotation_id not in linked and import_id in unlearnt:
            # A pushed completion whose annotation id the pull learns now.
            conn.execute("UPDATE server_completions SET server_id = ? WHERE completion_id = ?", (annotation_id, import_id))
            linked[annotation_id] = (import_id, unlearnt.pop(import_id))
        if annotation_id not in linked:
            row = completion_row(task_id, {**body, "was_cancelled": cancelled, "updated_at": updated_at}, stamp)
            (completion_id,) = insert_completion_rows(conn, [row])
            save_tally(conn, tally_labels(body["result"], Counter(), +1))
            conn.execute("INSERT INTO server_completions (completion_id, task_id, server_id, state) VALUES (?, ?, ?, ?)",
                         (completion_id, task_id, annotation_id, result_state(body["result"], cancelled)))
            yield "new_completions"
            continue
        completion_id, agreed = linked[annotation_id]
        server_state = result_state(body["result"], cancelled)
        if server_state == agreed:
            continue
        local = conn.execute("SELECT body, was_cancelled, updated_at FROM completions WHERE id = ?", (completion_id,)).fetchone()
        if local is None:
            continue
        local_body = json.loads(local[0])
        local_state = result_state(local_body.get("result"), local[1])
        conn.execute("UPDATE server_completions SET state = ? WHERE completion_id = ?", (server_state, completion_id))
        if local_state == server_state:
            continue
        edited_here = local_state != agreed
        server_newer = (updated_at or 0) >= local[2]
        new_body = {**local_body, "result": body["result"], "lead_time": body.get("lead_time", 0)}
        if edited_here and not server_newer:
            # Both sides edited it and this one is newer: the server's edit is kept as a version.
            version_id = _keep_version(conn, completion_id, task_id, compact_json(new_body), cancelled, updated_at or stamp)
            record_conflicts(conn, [(completion_id, task_id, version_id, local[0], compact_json(new_body))])
            yield "edited_on_both"
            continue
        version_id = _keep_version(conn, completion_id, task_id, local[0], local[1], local[2])
        tally = tally_labels(local_body.get("result") or [], Counter(), -1)
        save_tally(conn, tally_labels(body["result"], tally, +1))
        conn.execute(
            "UPDATE completions SET body = ?, was_cancelled = ?, updated_at = ?, "
            "earlier = json_insert(coalesce(earlier, '[]'), '$[#]', ?) WHERE id = ?",
            (compact_json(new_body), int(cancelled), updated_at or stamp, completion_state(local[0], local[1]), completion_id))
        if edited_here:
            record_conflicts(conn, [(completion_id, task_id, version_id, compact_json(new_body), local[0])])
            yield "edited_on_both"
        else:
            yield "cancelled" if cancelled and not local[1] else "edited"
    # A changed task comes with all its annotations: a linked completion none of them is was deleted there.
    gone = [completion_id for annotation_id, (completion_id, _state) in linked.items() if annotation_id not in seen]
    for completion_id in [*gone, *unlearnt]:
        if apply_deletions:
            body = conn.execute("SELECT body FROM completions WHERE id = ?", (completion_id,)).fetchone()
            if body:
                save_tally(conn, tally_labels(json.loads(body[0])["result"], Counter(), -1))
            conn.execute("DELETE FROM completions WHERE id = ?", (completion_id,))
            conn.execute("DELETE FROM server_completions WHERE completion_id = ?", (completion_id,))
            yield "deleted"
        else:
            yield "deleted_on_server"


def _keep_version(conn, completion_id, task_id, body, cancelled, updated_at):
    return conn.execute(
        "INSERT INTO completion_versions (completion_id, task_id, body, was_cancelled, updated_at) VALUES (?, ?, ?, ?, ?) "
        "RETURNING id", (completion_id, task_id, body, int(cancelled), updated_at)).fetchone()[0]


def _mean(scores):
    scores = [score for score in scores if score is not None]
    return sum(scores) / len(scores) if scores else None


def _recount(conn):
    counts = conn.execute(
        "SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM tasks WHERE completions > 0), "
        "(SELECT count(*) FROM completions), (SELECT count(*) FROM predictions)").fetchone()
    conn.executemany("UPDATE counters SET value = ? WHERE name = ?",
                     zip(counts, ("tasks", "completed_tasks", "completions", "predictions")))
    conn.executemany("UPDATE counters SET value = value + 1 WHERE name = ?", [("task_changes",), ("label_changes",)])


def _rows_in(conn, select, column, values):
    """The rows of `select` whose `column` is one of `values`: one JSON list parameter (json_each), as
    store/browse.py does, so any number of values is one query."""
    return conn.execute(f"{select} WHERE {column} IN (SELECT value FROM json_each(?))", (json.dumps(list(values)),))
