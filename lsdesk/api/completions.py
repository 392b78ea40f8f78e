"""Completions: create, update, cancel and delete a task's results, and project-wide lists."""

from lsdesk.api.http import ApiError, is_true, json_response, no_content, param, path_id, read_json_object


def _checked_result(body):
    if "result" not in body:
        raise ApiError(400, 'A completion needs a "result" list')
    if not isinstance(body["result"], list):
        raise ApiError(400, f'"result" must be a list, got {type(body["result"]).__name__}')
    if not all(isinstance(item, dict) for item in body["result"]):
        raise ApiError(400, '"result" must be a list of objects')
    return body


def completed_task_ids(store):
    return json_response({"ids": store.completed_task_ids()})


def create(store, workspace, task_id):
    raw_task_id = task_id
    task_id = path_id(raw_task_id, "Task")
    body = _checked_result(read_json_object())
    cancelled = is_true(param("was_cancelled", ""))
    existing = body.get("id")
    # 0.8: posting a completion that carries the id of one of the task's completions updates it.
    if isinstance(existing, int) and not isinstance(existing, bool):
        updated = store.update_completion(task_id, existing, body, cancelled=cancelled, updated_by=workspace.annotator)
        if updated is not None:
            return json_response({"id": existing}, status=201)
    completion_id = store.add_completion(task_id, body, cancelled, workspace.annotator)
    if completion_id is None:
        raise ApiError(404, f"Task {raw_task_id} not found")
    return json_response({"id": completion_id}, status=201)


def _deletion_allowed(store):
    if not store.settings()["allow_delete_completions"]:
        # 0.8's status and message for a project that forbids deleting completions.
        raise ApiError(422, "Completion removing is not allowed in server config")


def delete_of_task(store, task_id):
    raw_task_id = task_id
    _deletion_allowed(store)
    if not store.delete_task_completions(path_id(raw_task_id, "Task")):
        raise ApiError(404, f"Task {raw_task_id} not found")
    return no_content()


def update(store, workspace, task_id, completion_id):
    raw_task_id, raw_completion_id = task_id, completion_id
    task_id = path_id(raw_task_id, "Task")
    completion_id = path_id(raw_completion_id, "Completion")
    body = read_json_object()
    if "result" in body:
        _checked_result(body)
    # 0.8: a PATCH that mentions was_cancelled un-cancels (the "update" of a skipped task).
    cancelled = False if "was_cancelled" in body else None
    completion = store.update_completion(task_id, completion_id, body, cancelled=cancelled,
                                         updated_by=workspace.annotator)
    if completion is None:
        raise ApiError(404, _missing(store, task_id, raw_task_id, raw_completion_id))
    return json_response(completion, status=201)


def delete(store, task_id, completion_id):
    raw_task_id, raw_completion_id = task_id, completion_id
    _deletion_allowed(store)
    task_id = path_id(raw_task_id, "Task")
    if not store.delete_completion(task_id, path_id(raw_completion_id, "Completion")):
        raise ApiError(404, _missing(store, task_id, raw_task_id, raw_completion_id))
    return no_content()


def _missing(store, task_id, raw_task_id, raw_completion_id):
    if not store.task_exists(task_id):
        return f"Task {raw_task_id} not found"
    return f"Completion {raw_completion_id} of task {raw_task_id} not found"


def delete_all(store):
    store.delete_all_completions()
    # 0.8 answers 201 here.
    return json_response({"detail": "All completions deleted"}, status=201)
