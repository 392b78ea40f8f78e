"""The completions folder: `<task id>.json` per labeled task in Label Studio 0.8's shape (2-space
indent, sorted keys), each written to a temporary file and renamed over the old one, so a reader
never sees half a file; the store listener that keeps it current, and the job that fills a folder
just chosen."""

import json
import logging
import os
import tempfile
import threading

log = logging.getLogger("lsdesk")

# Tasks whose completions are read in one snapshot and written before the next batch.
_BATCH = 500


def attach(store):
    """Keep the completions folder of `store` (while its target is one) in step with every write;
    whoever opens a project for the app calls this."""
    store.add_commit_listener(CompletionsMirror(store))
    return store


class CompletionsMirror:
    """An after-commit listener of a ProjectStore: rewrites the files of the tasks each write changed.

    The store calls it after releasing its write lock but before the write returns, so every
    acknowledged write is mirrored. Its own lock orders the mirrors, and each reads the tasks'
    completions when it runs, so the last to run writes the newest state. Tasks whose files failed
    stay pending and are retried after the next write; the annotator's work is safe in the project
    file either way, and `store.completions_folder_error` says what went wrong.
    """

    def __init__(self, store):
        self._store = store
        self._lock = threading.Lock()
        self._folder = None
        self._pending = set()

    def __call__(self, changed_task_ids):
        with self._lock:
            folder = self._store.completions_folder()
            if folder != self._folder:
                # A new target (or none): the tasks pending for the old folder are not its business.
                self._folder, self._pending = folder, set()
                self._store.completions_folder_error = None
            if folder is None:
                return
            self._pending.update(changed_task_ids)
            if self._pending:
                self._store.completions_folder_error = self._write_pending(folder)

    def _write_pending(self, folder):
        """Write the pending tasks' files a batch at a time; returns None, or what went wrong."""
        ordered = sorted(self._pending)
        for start in range(0, len(ordered), _BATCH):
            ids = ordered[start:start + _BATCH]
            try:
                labeled = self._store.task_completions(ids)
                for task_id in ids:
                    if task_id in labeled:
                        write_completions_file(folder, task_id, completions_file_text(task_id, *labeled[task_id]))
                    else:
                        remove_completions_file(folder, task_id)
            except OSError as error:
                message = f"Could not write completions to {folder}: {error}"
                log.warning("%s", message)
                return message
            except Exception:  # the write is committed: a failing mirror must not fail it
                log.exception("writing completions to %s failed", folder)
                return f"Could not write completions to {folder}; the log has the details"
            self._pending.difference_update(ids)
        return None


def completions_file_text(task_id, data, completions):
    """0.8's completions file: the task's id and data, and its completions as the API shows them."""
    return json.dumps({"id": task_id, "data": data, "completions": completions},
                      indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_completions_file(folder, task_id, text):
    """Replace `<folder>/<task_id>.json` with `text` in one rename."""
    handle, partial = tempfile.mkstemp(prefix=f".{task_id}.", suffix=".partial", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(partial, os.path.join(folder, f"{task_id}.json"))
    except BaseException:
        try:
            os.unlink(partial)
        except FileNotFoundError:
            pass
        raise


def remove_completions_file(folder, task_id):
    """A task without completions has no file; a folder that is gone is an error, not a success."""
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder} is not a folder")
    try:
        os.unlink(os.path.join(folder, f"{task_id}.json"))
    except FileNotFoundError:
        pass


def fill_completions_folder(store, job):
    """A job's work: write the files of the tasks labeled before the folder was chosen (every
    later write keeps the folder current by itself)."""
    after, written = 0, 0
    while not job.cancelled and (ids := store.queue_labeled_tasks(after, 500)):
        after = ids[-1]
        written += len(ids)
        job.advance(len(ids))
    if store.completions_folder_error:
        job.add_error(store.completions_folder_error)
    return {"written": written}
