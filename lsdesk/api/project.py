"""Projects: the active project's settings and label config, creating, opening and switching files."""

import os

from bottle import HTTPResponse, redirect, request

from lsdesk import settings as defaults
from lsdesk.api.http import (ApiError, form_text, is_json_request, json_response, param, params_text, query_text,
                             read_json, read_json_object)
from lsdesk.ml.backends import connect
from lsdesk.project_view import current_config, save_config, serialize
from lsdesk.store.schema import ProjectFileError

# Settings a PATCH may change, with the type each must have.
_EDITABLE = {
    "title": str,
    "description": str,
    "instruction": str,
    "sampling": str,
    "allow_delete_completions": bool,
    "task_columns": list,
    "show_skip": bool,
}


def config_line(store):
    """The label config on one line, as Label Studio 0.8 sends it to ML backends."""
    config = current_config(store)
    return config.line if config else ""


def request_origin():
    """scheme://host:port of this server as the client reached it; ML backends fetch uploaded files there."""
    parts = request.urlparts
    return f"{parts.scheme}://{parts.netloc}"


def get_project(store):
    return json_response(serialize(store))


def _body_or_params():
    if is_json_request():
        body = read_json(required=False)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object")
        return body
    return params_text()


def expert_instruction(store):
    """0.8's deprecated GET /api/projects/1/expert_instruction: the labeling instructions, as text (0.8 sent
    them as HTML; served as HTML here, a task's author could run script in the app's origin)."""
    return HTTPResponse(store.settings()["instruction"], headers={
        "Content-Type": "text/plain; charset=utf-8", "X-Content-Type-Options": "nosniff"})


def delete_project(workspace, store):
    """Delete the active project's file once ?confirm= names it; another recent project becomes active."""
    name = store.path.name
    confirm = param("confirm")
    if confirm != name:
        given = f"got {confirm!r}" if confirm else "none was given"
        raise ApiError(400, f"To delete the project, confirm with its file name: ?confirm={name} ({given})")
    active = workspace.delete_project(store.path)
    return json_response({"deleted": str(store.path), "active": str(active) if active else None})


def create_project(workspace):
    fields = _body_or_params()
    title = fields.get("desc") or fields.get("title")
    if title is None and "new" not in fields:
        # 0.8: POST without a new project's description reads like GET.
        return json_response(serialize(workspace.active()))
    if not isinstance(title, (str, type(None))):
        raise ApiError(400, "desc must be a string")
    return json_response(serialize(workspace.create(title or defaults.DEFAULT_PROJECT_TITLE)), status=201)


def patch_project(store):
    changes = read_json_object()
    backend = changes.pop("ml_backend", None)
    unknown = sorted(set(changes) - set(_EDITABLE))
    if unknown:
        raise ApiError(400, f"Unknown project settings {unknown}; editable: {sorted(_EDITABLE)}")
    for key, value in changes.items():
        if not isinstance(value, _EDITABLE[key]):
            raise ApiError(400, f"{key} must be a {_EDITABLE[key].__name__}, got {value!r}")
    if not all(isinstance(name, str) for name in changes.get("task_columns", [])):
        raise ApiError(400, f"task_columns must be a list of column names, got {changes['task_columns']!r}")
    if "sampling" in changes and changes["sampling"] not in defaults.SAMPLING_MODES:
        raise ApiError(400, f"Unknown sampling {changes['sampling']!r}; use one of {list(defaults.SAMPLING_MODES)}")
    if backend is not None:
        connect_backend(store, backend)
    if changes:
        store.update_settings(changes)
    return json_response(serialize(store), status=201)


def connect_backend(store, text):
    """PATCH {"ml_backend": "url" or "name=url"}: check the backend and remember it."""
    if not isinstance(text, str):
        raise ApiError(400, f'ml_backend must be a string ("http://host:port" or "name=http://host:port"), '
                            f'got {text!r}')
    try:
        connect(store, text, config_line(store), request_origin())
    except ValueError as error:  # no URL in the text
        raise ApiError(400, str(error)) from None


def submitted_config():
    """The label config of a request: raw XML body, JSON {"label_config"}, or a form field."""
    kind = request.content_type.split(";")[0].strip().lower()
    if kind in ("application/xml", "text/xml"):
        try:
            return request.body.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise ApiError(400, f"The XML body is not UTF-8: byte {error.start}") from None
    if kind == "application/json":
        body = read_json(required=False)
        return body.get("label_config") if isinstance(body, dict) else None
    return form_text("label_config") or query_text("label_config")


def post_config(store):
    config = save_config(store, submitted_config())
    return json_response({"label_config": config.xml, "data_types": config.data_types}, status=201)


def summary(workspace, path):
    """One line of the projects list: enough to choose a file without opening it in the UI."""
    try:
        store = workspace.open_quietly(path)
        project_settings, counts = store.settings(), store.counts()
    except ProjectFileError as error:
        return {"path": str(path), "error": str(error)}
    return {
        "uuid": project_settings["uuid"],
        "title": project_settings["title"],
        "path": str(path),
        "task_count": counts["tasks"],
        "completion_count": counts["completed_tasks"],
        "total_completions": counts["completions"],
        "last_change": int(os.path.getmtime(path)),
        "last_opened": workspace.last_opened(path),
        "active": path == workspace.active().path,
    }


def list_projects(workspace):
    return json_response([summary(workspace, path) for path in workspace.project_paths()])


def switch_project(workspace):
    project_uuid = param("uuid")
    if not project_uuid:
        raise ApiError(400, "Give the project to switch to as ?uuid=<project uuid>")
    matches = workspace.find(project_uuid, param("path"))
    if not matches:
        raise ApiError(404, f"No project with uuid {project_uuid}")
    if len(matches) > 1:
        raise ApiError(409, f"{len(matches)} files share uuid {project_uuid} (copies of one project): "
                            f"add &path= with one of {[str(p) for p in matches]}")
    store = workspace.open(matches[0])
    if request.method == "GET":
        redirect("/", 302)
    return json_response(serialize(store))


def open_project(workspace):
    fields = _body_or_params()
    path = fields.get("path")
    if not isinstance(path, str) or not path:
        raise ApiError(400, "Give the project file to open as path")
    return json_response(serialize(workspace.open(path)))
