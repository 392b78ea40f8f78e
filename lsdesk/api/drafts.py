"""Drafts: the labeling page autosaves its unsaved result here, so a killed app loses nothing."""

from lsdesk.api.http import ApiError, json_response, no_content, path_id, read_json_object


def get_draft(store, task_id):
    """The task's draft, or null when it has none (a 404 would show as an error in the browser's console)."""
    task = path_id(task_id, "Task")
    draft = store.draft(task)
    if draft is None and not store.task_exists(task):
        raise ApiError(404, f"Task {task_id} not found")
    return json_response(draft)


def save_draft(store, task_id):
    draft = read_json_object()
    if not isinstance(draft.get("result"), list):
        raise ApiError(400, 'A draft needs a "result" list')
    if not store.save_draft(path_id(task_id, "Task"), draft):
        raise ApiError(404, f"Task {task_id} not found")
    return json_response({"detail": "Draft saved"})


def delete_draft(store, task_id):
    store.delete_draft(path_id(task_id, "Task"))
    return no_content()
