"""The completions folder: `<task id>.json` per labeled task in Label Studio 0.8's shape (2-space
indent, sorted keys), each written to a temporary file and renamed over the old one, so a reader
never sees half a file; and the job that fills a folder just chosen."""

import json
import os
import tempfile


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
