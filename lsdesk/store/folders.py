"""The SQL of media roots, storages and packed media (a mixin of ProjectStore)."""

import hashlib
import json
from dataclasses import dataclass

from lsdesk.formats.image_check import MediaCheck
from lsdesk.store.common import now

# A task names a file of a listed folder by the folder's root id: /data/folder/<root id>/<path>.
FOLDER_URL = "/data/folder/"
# The target storage type whose folder mirrors every labeled task's completions.
COMPLETIONS_FOLDER = "completions-folder"

# A packed file is copied into its blob this many bytes at a time.
_COPY_CHUNK = 1 << 20
_NOT_READ = MediaCheck(None, None, None, None)


@dataclass(frozen=True)
class SourceFile:
    """A file a sync made tasks from: what import_tasks records beside the task it stores."""

    root_id: int
    path: str
    size: int
    mtime: int
    media: bool  # a media file (its one task is linked) or a file of tasks
    check: MediaCheck | None = None  # what was read of a media file


def record_source_file(conn, task_id, source):
    """Link a synced file to the task made from it, inside the import's transaction."""
    conn.execute(
        "INSERT INTO media_files (root_id, path, size, mtime, task_id, fingerprint, width, height, problem) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (root_id, path) DO UPDATE SET task_id = excluded.task_id, "
        "sha256 = CASE WHEN size = excluded.size AND mtime = excluded.mtime THEN sha256 END, "
        "size = excluded.size, mtime = excluded.mtime, fingerprint = excluded.fingerprint, "
        "width = excluded.width, height = excluded.height, problem = excluded.problem",
        (source.root_id, source.path, source.size, source.mtime, task_id if source.media else None,
         *_check_row(source.check)))


class FolderStore:
    """Methods use self._read() and self._write() of ProjectStore."""

    _completions_folder = None
    # What went wrong writing the completions folder, as its mirror (lsdesk.folders.completions_folder) reports it.
    completions_folder_error = None

    # -- media roots ---------------------------------------------------------------------

    def media_roots(self):
        """The listed roots with their counts of known files, tasks and packed files."""
        with self._read() as conn:
            return [{"id": root_id, "path": path, **_root_counts(conn, root_id)} for root_id, path in conn.execute(
                "SELECT id, path FROM media_roots WHERE path IS NOT NULL ORDER BY id").fetchall()]

    def media_root(self, root_id, counts=False):
        """{"id", "path" (None once removed from the list)}, with its counts when asked, or None."""
        with self._read() as conn:
            row = conn.execute("SELECT id, path FROM media_roots WHERE id = ?", (root_id,)).fetchone()
            if row is None:
                return None
            return {"id": row[0], "path": row[1], **(_root_counts(conn, row[0]) if counts else {})}

    def media_root_by_path(self, path):
        with self._read() as conn:
            row = conn.execute("SELECT id FROM media_roots WHERE path = ?", (str(path),)).fetchone()
        return row and row[0]

    def add_media_root(self, path):
        with self._write() as conn:
            return conn.execute("INSERT INTO media_roots (path, created_at) VALUES (?, ?) RETURNING id",
                                (str(path), now())).fetchone()[0]

    def move_media_root(self, root_id, path):
        """Point a root at another folder (a moved one, or an unpacked copy); False for an unknown id."""
        with self._write() as conn:
            return conn.execute("UPDATE media_roots SET path = ? WHERE id = ?", (str(path), root_id)).rowcount > 0

    def remove_media_root(self, root_id):
        """Take a root off the list; returns how many tasks still need its unpacked files (then nothing
        changes), or None for an unknown root.

        Files nobody needs are forgotten; packed files that tasks show stay, served by the root's id.
        """
        with self._write() as conn:
            if not conn.execute("SELECT 1 FROM media_roots WHERE id = ? AND path IS NOT NULL", (root_id,)).fetchone():
                return None
            needing = conn.execute(
                "SELECT count(DISTINCT task_id) FROM media_files JOIN tasks ON tasks.id = task_id "
                "WHERE root_id = ? AND sha256 IS NULL", (root_id,)).fetchone()[0]
            if needing:
                return needing
            released = [row[0] for row in conn.execute(
                "DELETE FROM media_files WHERE root_id = ? AND sha256 IS NOT NULL "
                "AND (task_id IS NULL OR task_id NOT IN (SELECT id FROM tasks)) RETURNING sha256", (root_id,))]
            conn.execute("DELETE FROM media_files WHERE root_id = ? AND sha256 IS NULL", (root_id,))
            if conn.execute("SELECT 1 FROM media_files WHERE root_id = ? LIMIT 1", (root_id,)).fetchone():
                conn.execute("UPDATE media_roots SET path = NULL WHERE id = ?", (root_id,))
            else:
                conn.execute("DELETE FROM media_roots WHERE id = ?", (root_id,))
            _drop_unused_blobs(conn, released)
            return 0

    # -- syncing ---------------------------------------------------------------------------

    def media_file_index(self, root_id):
        """{relative path: (size, mtime, task made from it still exists, is a file of tasks)} of a root."""
        with self._read() as conn:
            return {path: (size, mtime, alive, task_id is None) for path, size, mtime, task_id, alive in conn.execute(
                "SELECT path, size, mtime, task_id, tasks.id IS NOT NULL FROM media_files "
                "LEFT JOIN tasks ON tasks.id = task_id WHERE root_id = ?", (root_id,))}

    def update_media_files(self, root_id, changed):
        """New (path, size, mtime, MediaCheck or None) of files changed on disk; their packed copies are out of date."""
        with self._write() as conn:
            _drop_unused_blobs(conn, _note_changed_files(conn, root_id, [row[:3] for row in changed]))
            conn.executemany(
                "UPDATE media_files SET fingerprint = ?, width = ?, height = ?, problem = ? WHERE root_id = ? AND path = ?",
                [(*_check_row(check), root_id, path) for path, _size, _mtime, check in changed])

    def mark_missing_files(self, root_id, removed):
        """After a sync: the files of a root it found removed (their tasks match the media_missing filter);
        the others are there again."""
        with self._write() as conn:
            conn.execute("UPDATE media_files SET missing = 0 WHERE root_id = ? AND missing", (root_id,))
            conn.executemany("UPDATE media_files SET missing = 1 WHERE root_id = ? AND path = ?",
                             [(root_id, path) for path in removed])

    def media_file_sample(self, root_id, limit):
        """(path, size, fingerprint, width, height) of up to `limit` files of a root, spread evenly over
        its files in path order (one pass over the root's rows, in SQLite)."""
        with self._read() as conn:
            count = conn.execute("SELECT count(*) FROM media_files WHERE root_id = ?", (root_id,)).fetchone()[0]
            step = max(1, count // limit)
            return conn.execute(
                "SELECT path, size, fingerprint, width, height FROM (SELECT *, row_number() OVER (ORDER BY path) - 1 "
                "AS n FROM media_files WHERE root_id = ?) WHERE n % ? = 0 ORDER BY path LIMIT ?",
                (root_id, step, limit)).fetchall()

    # -- packed files ------------------------------------------------------------------------

    def packed_file(self, root_id, path):
        """(size, sha256) of a file's packed copy, or None."""
        with self._read() as conn:
            return conn.execute(
                "SELECT blobs.size, sha256 FROM media_files JOIN blobs USING (sha256) WHERE root_id = ? AND path = ?",
                (root_id, path)).fetchone()

    def read_blob(self, sha256, start=0, length=None, chunk=1 << 20):
        """Yield a blob's bytes from `start`, `length` of them (all when None), each chunk its own short read."""
        with self._read() as conn:
            row = conn.execute("SELECT rowid, size FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()
        if row is None:
            return
        rowid, size = row
        position, end = start, size if length is None else min(size, start + length)
        while position < end:
            with self._read() as conn, conn.blobopen("blobs", "content", rowid, readonly=True) as blob:
                blob.seek(position)
                data = blob.read(min(chunk, end - position))
            position += len(data)
            yield data

    def tasks_naming_folder_files(self, after, limit):
        """(task id, data) of tasks not made by a sync whose data mentions a folder URL, in id order."""
        with self._read() as conn:
            return [(task_id, json.loads(data)) for task_id, data in conn.execute(
                "SELECT id, data FROM tasks WHERE id > ? AND instr(data, '/data/folder/') > 0 "
                "AND id NOT IN (SELECT task_id FROM media_files WHERE task_id IS NOT NULL) ORDER BY id LIMIT ?",
                (after, limit))]

    def add_referenced_files(self, files):
        """Note files (root_id, path, size, mtime, task_id) that tasks name, so packing takes them too."""
        with self._write() as conn:
            conn.executemany(
                "INSERT INTO media_files (root_id, path, size, mtime, task_id) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (root_id, path) DO UPDATE SET task_id = excluded.task_id "
                "WHERE task_id IS NULL OR task_id NOT IN (SELECT id FROM tasks)", files)

    def files_to_pack(self):
        """(root_id, root path or None, relative path) of every file a task needs that has no packed copy."""
        with self._read() as conn:
            return conn.execute(
                "SELECT root_id, media_roots.path, media_files.path FROM media_files "
                "JOIN media_roots ON media_roots.id = root_id "
                "WHERE sha256 IS NULL AND task_id IN (SELECT id FROM tasks) ORDER BY root_id, media_files.path"
            ).fetchall()

    def store_packed(self, files):
        """Keep copies of files read whole: (root_id, path, size, mtime, sha256, content)."""
        with self._write() as conn:
            for root_id, path, size, mtime, sha256, content in files:
                conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, ?)",
                             (sha256, size, content))
                _mark_packed(conn, root_id, path, size, mtime, sha256)

    def store_packed_stream(self, root_id, path, size, mtime, sha256, stream):
        """Keep a copy of a large file, copied from `stream` in chunks; ValueError when the bytes read
        are not the ones hashed before (the file changed meanwhile), and then nothing is kept."""
        with self._write() as conn:
            inserted = conn.execute("INSERT OR IGNORE INTO blobs (sha256, size, content) VALUES (?, ?, zeroblob(?))",
                                    (sha256, size, size)).rowcount
            if inserted:
                rowid = conn.execute("SELECT rowid FROM blobs WHERE sha256 = ?", (sha256,)).fetchone()[0]
                digest = hashlib.sha256()
                with conn.blobopen("blobs", "content", rowid) as blob:
                    for position in range(0, size, _COPY_CHUNK):
                        data = stream.read(min(_COPY_CHUNK, size - position))
                        digest.update(data)
                        blob.write(data)
                if digest.hexdigest() != sha256:
                    raise ValueError(f"{path} changed while it was being packed")
            _mark_packed(conn, root_id, path, size, mtime, sha256)

    def packed_files(self, root_id):
        """[(relative path, sha256 or None, task needs it)] of every file known under a root."""
        with self._read() as conn:
            return conn.execute(
                "SELECT path, sha256, task_id IN (SELECT id FROM tasks) FROM media_files WHERE root_id = ? "
                "ORDER BY path", (root_id,)).fetchall()

    def roots_with_files(self):
        """(id, path or None) of every root that knows files, listed or not."""
        with self._read() as conn:
            return conn.execute("SELECT id, path FROM media_roots WHERE id IN (SELECT root_id FROM media_files) "
                                "ORDER BY id").fetchall()

    def unpacked_root(self, root_id, folder, written):
        """A root's files now live in `folder`: point the root there, note the files' (path, size, mtime)
        and drop their packed copies."""
        with self._write() as conn:
            conn.execute("UPDATE media_roots SET path = ? WHERE id = ?", (str(folder), root_id))
            _drop_unused_blobs(conn, _note_changed_files(conn, root_id, written))

    # -- storage settings and the completions folder -----------------------------------------

    def storage(self, group):
        """The project's "source" or "target" storage: {"type", "path", "params"}, or None for the file itself."""
        with self._read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (group,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_storage(self, group, storage):
        """Save a storage (None: back to the project file); a completions folder target starts mirroring."""
        with self._write() as conn:
            if storage is None:
                conn.execute("DELETE FROM settings WHERE key = ?", (group,))
            else:
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) "
                             "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (group, json.dumps(storage)))
            if group == "target":
                self._follow_target(conn, storage)

    def _open_media(self):
        """Start tracking changed tasks when the file's target is a completions folder."""
        row = self._writer.execute("SELECT value FROM settings WHERE key = 'target'").fetchone()
        self._follow_target(self._writer, json.loads(row[0]) if row else None)

    def _follow_target(self, conn, storage):
        mirror = storage is not None and storage.get("type") == COMPLETIONS_FOLDER
        self._track_changed_tasks(conn, mirror)
        self._completions_folder = storage["path"] if mirror else None

    def completions_folder(self):
        """The folder the target storage mirrors completions to, or None."""
        return self._completions_folder

    def queue_labeled_tasks(self, after, limit):
        """Note up to `limit` labeled tasks after id `after` as changed, so the after-commit listeners
        rewrite their completions files; returns their ids."""
        with self._write() as conn:
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM tasks WHERE completions > 0 AND id > ? ORDER BY id LIMIT ?", (after, limit))]
            conn.executemany("INSERT OR IGNORE INTO temp.changed_tasks VALUES (?)", [(i,) for i in ids])
        return ids

    def task_completions(self, ids):
        """{task id: (data, [its completions as the API shows them])} of those of `ids` that have completions."""
        marks = ",".join("?" * len(ids))
        completions = {}
        with self._read() as conn:
            for completion_id, task_id, body, was_cancelled, created_at, updated_at in conn.execute(
                    "SELECT id, task_id, body, was_cancelled, created_at, updated_at FROM completions "
                    f"WHERE task_id IN ({marks}) ORDER BY id", ids):
                completion = {"id": completion_id, **json.loads(body),
                              "created_at": created_at, "updated_at": updated_at}
                if was_cancelled:
                    completion["was_cancelled"] = True
                completions.setdefault(task_id, []).append(completion)
            return {task_id: (json.loads(data), completions[task_id])
                    for task_id, data in conn.execute(f"SELECT id, data FROM tasks WHERE id IN ({marks})", ids)
                    if task_id in completions}


def _root_counts(conn, root_id):
    files, packed = conn.execute(
        "SELECT count(*), count(sha256) FROM media_files WHERE root_id = ?", (root_id,)).fetchone()
    tasks = conn.execute("SELECT count(DISTINCT task_id) FROM media_files JOIN tasks ON tasks.id = task_id "
                         "WHERE root_id = ?", (root_id,)).fetchone()[0]
    return {"files": files, "tasks": tasks, "packed": packed}


def _note_changed_files(conn, root_id, changed):
    """Store new (path, size, mtime) of files, which makes their packed copies stale; returns those copies."""
    released = []
    for path, size, mtime in changed:
        row = conn.execute("SELECT sha256 FROM media_files WHERE root_id = ? AND path = ?", (root_id, path)).fetchone()
        if row and row[0]:
            released.append(row[0])
    conn.executemany("UPDATE media_files SET size = ?, mtime = ?, sha256 = NULL WHERE root_id = ? AND path = ?",
                     [(size, mtime, root_id, path) for path, size, mtime in changed])
    return released


def _check_row(check):
    check = check or _NOT_READ
    return check.fingerprint, check.width, check.height, check.problem


def _mark_packed(conn, root_id, path, size, mtime, sha256):
    conn.execute("UPDATE media_files SET size = ?, mtime = ?, sha256 = ? WHERE root_id = ? AND path = ?",
                 (size, mtime, sha256, root_id, path))


def _drop_unused_blobs(conn, candidates):
    """Delete the blobs among `candidates` that no upload and no media file names any more."""
    candidates = set(candidates)
    if not candidates:
        return
    uploaded = {row[0] for row in conn.execute("SELECT DISTINCT sha256 FROM uploads")}
    conn.executemany(
        "DELETE FROM blobs WHERE sha256 = ?1 AND NOT EXISTS (SELECT 1 FROM media_files WHERE sha256 = ?1)",
        [(sha256,) for sha256 in candidates - uploaded])
