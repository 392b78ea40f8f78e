"""Drafts: the labeling page autosaves its unsaved result here, so a killed app loses nothing."""

from lsdesk.api.http import ApiError, json_response, no_content, path_id, read_json_object


def get_draft(store, task_id):
    draft = store.draft(path_id(task_id, "Task"))
    if draft is None:
        raise ApiError(404, f"Task {task_id} has no draft")
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
