"""Projects: the active project's settings and label config, creating, opening and switching files."""

import os

from bottle import redirect, request

from lsdesk import settings as defaults
from lsdesk.api.http import ApiError, is_json_request, json_response, param, read_json, read_json_object
from lsdesk.config import ConfigInvalid, check_against_data
from lsdesk.ml.backends import DuplicateBackend, NotConnected, connect
from lsdesk.project_view import current_config, parse_cached, serialize
from lsdesk.store.schema import ProjectFileError

# Settings a PATCH may change, with the type each must have.
_EDITABLE = {
    "title": str,
    "description": str,
    "instruction": str,
    "sampling": str,
    "allow_delete_completions": bool,
}


def config_line(store):
    """The label config on one line, as Label Studio 0.8 sends it to ML backends."""
    config = current_config(store)
    return config.line if config else ""


def request_origin():
    """scheme://host:port of this server as the client reached it; ML backends fetch uploaded files there."""
    parts = request.urlparts
    return f"{parts.scheme}://{parts.netloc}"


def add_routes(app, workspace):
    app.route("/api/project", ["GET"], lambda: json_response(serialize(workspace.active())))
    app.route("/api/project", ["POST"], lambda: create_project(workspace))
    app.route("/api/project", ["PATCH"], lambda: patch_project(workspace.active()))
    app.route("/api/project/config", ["POST"], lambda: save_config(workspace.active()))
    app.route("/api/project-switch", ["GET", "POST"], lambda: switch_project(workspace))
    app.route("/api/projects", ["GET"], lambda: list_projects(workspace))
    app.route("/api/projects/open", ["POST"], lambda: open_project(workspace))


def _body_or_params():
    if is_json_request():
        body = read_json(required=False)
        if body is None:
            return {}
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object")
        return body
    return {**request.forms, **request.query}


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
    except (ValueError, NotConnected) as error:
        raise ApiError(400, str(error)) from None
    except DuplicateBackend as error:
        raise ApiError(409, str(error)) from None


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
    return request.forms.get("label_config") or request.query.get("label_config")


def parsed_config(xml):
    """Parse a submitted config; ConfigProblems (a 400) with every problem."""
    if not isinstance(xml, str) or not xml.strip():
        raise ConfigProblems(["No label config given: send label_config (JSON or form) or an XML body"])
    try:
        return parse_cached(xml.replace("\r\n", "\n"))
    except ConfigInvalid as error:
        raise ConfigProblems(error.messages) from None


def validated_config(store, xml):
    """Parse `xml` and check it against the project's tasks and completions; 400 with every problem."""
    config = parsed_config(xml)
    problems = check_against_data(config, store.data_keys_in_every_task(), store.result_schema())
    if problems:
        raise ConfigProblems(problems)
    return config


class ConfigProblems(ApiError):
    """A 400 in Label Studio's shape for config errors: {"label_config": [messages]}."""

    def __init__(self, messages):
        super().__init__(400, messages)


def save_config(store):
    try:
        config = parsed_config(submitted_config())
    except ConfigProblems as error:
        return json_response({"label_config": error.detail}, status=400)
    problems = store.save_label_config(config.xml, lambda keys, schema: check_against_data(config, keys, schema))
    if problems:
        return json_response({"label_config": problems}, status=400)
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
    try:
        store = workspace.open(path)
    except ProjectFileError as error:
        raise ApiError(400, str(error)) from None
    return json_response(serialize(store))
