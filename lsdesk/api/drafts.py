"""Drafts: the labeling page autosaves its unsaved result here, so a killed app loses nothing."""

from lsdesk.api.http import ApiError, json_response, no_content, path_id, read_json_object


def add_routes(app, workspace):
    base = "/api/tasks/<task_id>/draft"
    app.route(base, ["GET"], lambda task_id: get_draft(workspace.active(), task_id))
    app.route(base, ["PUT", "POST"], lambda task_id: save_draft(workspace.active(), task_id))
    app.route(base, ["DELETE"], lambda task_id: delete_draft(workspace.active(), task_id))


def get_draft(store, raw_id):
    draft = store.draft(path_id(raw_id, "Task"))
    if draft is None:
        raise ApiError(404, f"Task {raw_id} has no draft")
    return json_response(draft)


def save_draft(store, raw_id):
    draft = read_json_object()
    if not isinstance(draft.get("result"), list):
        raise ApiError(400, 'A draft needs a "result" list')
    if not store.save_draft(path_id(raw_id, "Task"), draft):
        raise ApiError(404, f"Task {raw_id} not found")
    return json_response({"detail": "Draft saved"})


def delete_draft(store, raw_id):
    store.delete_draft(path_id(raw_id, "Task"))
    return no_content()
