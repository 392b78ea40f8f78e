"""Tasks: the paginated list and the task browser's query, count and bulk actions, one task, rewriting and
deleting, and the next task to label."""


from lsdesk import settings as defaults
from lsdesk.api.browse import browse_query, id_list, query_of
from lsdesk.api.http import ApiError, int_param, json_response, no_content, param, path_id, read_json, read_json_object
from lsdesk.api.project import config_line, request_origin
from lsdesk.formats.tasks import TaskInvalid, make_task_validator
from lsdesk.ml.backends import forget_tasks, predict_live
from lsdesk.project_view import current_config
from lsdesk.store.browse import COMPUTED_COLUMNS
from lsdesk.store.bulk import BULK_ACTIONS
from lsdesk.store.paging import TASK_ORDERS


def list_tasks(store):
    """0.8's page of tasks; with filter, search, a browser order or computed fields, the task browser's page."""
    # 0.8 answers 422 for a page or page size below 1; kept for its clients.
    page = int_param("page", 1, minimum=1, status=422)
    page_size = int_param("page_size", defaults.PAGE_SIZE, minimum=1, status=422)
    if page_size > defaults.MAX_PAGE_SIZE:
        raise ApiError(422, f"page_size must be at most {defaults.MAX_PAGE_SIZE}, got {page_size}")
    order = param("order", "id")
    fields = [name.strip() for name in param("fields", "all").split(",") if name.strip()]
    computed = [name for name in fields if name in COMPUTED_COLUMNS]
    task_keys = fields in ([], ["all"]) or bool(set(fields) - set(COMPUTED_COLUMNS) - {"id"})
    unfiltered = param("filter") is None and not param("search") and order in TASK_ORDERS
    if unfiltered and task_keys and not computed:
        tasks = store.tasks_page(page, page_size, order)
    else:
        ids = store.page_ids(page, page_size, order) if unfiltered else store.browse_ids(browse_query(), page, page_size)
        tasks = store.browse_tasks(ids, task_keys, computed)
    if fields and fields != ["all"]:
        tasks = [{name: task[name] for name in fields if name in task} for task in tasks]
    return json_response(tasks)


def count_tasks(store):
    count, exact = store.browse_count(browse_query(order=False))
    return json_response({"count": count, "exact": exact})


def bulk(store):
    """POST {"action", "selection": {"ids"} or {"filter", "search", "exclude"}}: one action on many tasks."""
    body = read_json_object()
    action, selection = body.get("action"), body.get("selection")
    if action not in BULK_ACTIONS:
        raise ApiError(400, f"Unknown bulk action {action!r}; use one of {list(BULK_ACTIONS)}")
    if not isinstance(selection, dict):
        raise ApiError(400, 'selection must be {"ids": [...]} or {"filter": ..., "search": ..., "exclude": [...]}')
    if "ids" in selection:
        result = store.bulk_action(action, ids=id_list(selection["ids"], "selection.ids"))
    else:
        exclude = id_list(selection.get("exclude", []), "selection.exclude")
        query = query_of(selection.get("filter"), selection.get("search"))
        result = store.bulk_action(action, query=query, exclude=exclude)
    if action == "delete_tasks":
        forget_tasks(store.ml_backends())
    return json_response(result)


def delete_all_tasks(store):
    store.delete_all_tasks()
    forget_tasks(store.ml_backends())
    return no_content()


def get_task(store, task_id):
    task = store.task(path_id(task_id, "Task"))
    if task is None:
        raise ApiError(404, f"Task {task_id} not found")
    return json_response(task)


def delete_task(store, task_id):
    if not store.delete_task(path_id(task_id, "Task")):
        raise ApiError(404, f"Task {task_id} not found")
    return no_content()


def replace_task(store, task_id):
    """Rewrite a task's data, and its completions and predictions when the body has them."""
    raw_id, task_id = task_id, path_id(task_id, "Task")
    body = read_json()
    try:
        task = make_task_validator(current_config(store))(body)
    except TaskInvalid as error:
        raise ApiError(400, f"Task {raw_id}: {error}") from None
    if not _carries(body, "completions", "annotations"):
        del task["completions"]
    if not _carries(body, "predictions"):
        del task["predictions"]
    replaced = store.replace_task(task_id, task)
    if replaced is None:
        raise ApiError(404, f"Task {raw_id} not found")
    return json_response(replaced)


def _task_id_param(name):
    """An integer parameter naming a task; None when absent or out of SQLite's range (no task has that id)."""
    value = int_param(name, None)
    return value if value is not None and -2**63 <= value < 2**63 else None


def _carries(body, *keys):
    """Whether a task body in the {"data": ...} form sends any of these lists."""
    return isinstance(body, dict) and "data" in body and any(key in body for key in keys)


def next_task(store, live_pauses):
    """The next task by sampling; when none is left, 0.8's 404, or 200 `null` with `?if_none=null`
    (the Label page asks so, since a browser logs every 404 as a console error).

    lsdesk's own parameters, for the Label page's one request between two tasks: `exclude=<id>` passes
    over that task (the one being saved meanwhile), `prefer=<id>` answers that task while it is still
    unlabeled (the one the page asked for ahead of time and already shows), `draft=1` adds the task's
    draft (or null) as "draft"."""
    exclude, prefer = _task_id_param("exclude"), _task_id_param("prefer")
    task_id = store.next_task_id(store.settings()["sampling"], exclude, prefer)
    task = store.task(task_id) if task_id is not None else None
    if task is None:
        if param("if_none") == "null":
            return json_response(None)
        raise ApiError(404, "No more tasks to label")
    backends = store.ml_backends()
    if backends:
        task = predict_live(store, backends, task, config_line(store), request_origin(), live_pauses)
    if param("draft") == "1":
        task = {**task, "draft": store.draft(task_id)}
    return json_response(task)
