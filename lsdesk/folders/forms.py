"""The storage settings in Label Studio 0.8's shape: each storage type with its form fields (a dump of
WTForms fields), and checking a submitted form into (type, parameters) or per-field errors."""

import os

from lsdesk.folders.scan import FilterInvalid, compile_filter
from lsdesk.store.folders import COMPLETIONS_FOLDER

PROJECT_FILE = "project-file"
LOCAL_FOLDER = "local-folder"
REQUIRED = "This field is required."

TYPES = {
    "source": {PROJECT_FILE: "In the project file", LOCAL_FOLDER: "Local folder (files labeled in place)"},
    "target": {PROJECT_FILE: "In the project file",
               COMPLETIONS_FOLDER: "Completions folder (<task id>.json per labeled task, kept in sync)"},
}
# Label Studio 0.8's own default types, so its scripts keep working.
_ALIASES = {"source": {"tasks-json": PROJECT_FILE}, "target": {"completions-dir": PROJECT_FILE}}
# 0.8 names the storages of config.json's "source" and "target".
STORAGE_NAMES = {"source": "Tasks", "target": "Completions"}


class FormInvalid(ValueError):
    """{"field": ["message", ...]} for a form that cannot be saved."""

    def __init__(self, errors):
        super().__init__(str(errors))
        self.errors = errors


def _field(name, kind, description, data=None, required=False):
    return {"name": name, "id": name, "short_name": name, "type": kind, "description": description,
            "data": data, "default": data, "object_data": data, "raw_data": None, "render_kw": None,
            "required": required, "do_not_call_in_templates": True}


def _fields(storage_type, data_key):
    """The form fields of a type, with their defaults."""
    if storage_type == LOCAL_FOLDER:
        return [
            _field("path", "StringField", "Folder path (absolute)", required=True),
            _field("glob", "StringField", "File name filter, e.g. *.jpg (any case; with a '/' it matches "
                                          "the path inside the folder)"),
            _field("regex", "StringField", "File filter by regex, searched in the path inside the folder"),
            _field("data_key", "StringField", "Task tag key from your label config", data=data_key),
            _field("recursive", "BooleanField", "Include subfolders", data=True),
        ]
    if storage_type == COMPLETIONS_FOLDER:
        return [_field("path", "StringField", "Folder for the completion files (absolute)", required=True)]
    return []


def describe(group, current, project_path, data_key):
    """GET storage-settings for one group: every type's form; the current one filled from its settings.

    `current` is the saved storage ({"type", "path", "params"}) or None for the project file. As in
    0.8, every entry's `path` is the current storage's.
    """
    current_type = current["type"] if current else PROJECT_FILE
    readable = current["path"] if current else str(project_path)
    described = {}
    for storage_type, description in TYPES[group].items():
        fields = _fields(storage_type, data_key)
        if storage_type == current_type and current:
            values = {"path": current["path"], **current.get("params", {})}
            for field in fields:
                field["data"] = field["object_data"] = values.get(field["name"], field["data"])
        described[storage_type] = {"type": storage_type, "description": description,
                                   "current": storage_type == current_type, "path": readable, "fields": fields}
    return described


def storage_type_of(group, submitted):
    """The canonical type of a submitted form; FormInvalid when it is missing or unknown."""
    if not submitted:
        raise FormInvalid({"type": [REQUIRED]})
    storage_type = _ALIASES[group].get(submitted, submitted)
    if storage_type not in TYPES[group]:
        known = list(TYPES[group]) + list(_ALIASES[group])
        raise FormInvalid({"type": [f"Unknown {group} storage type {submitted!r}; use one of {known}"]})
    return storage_type


def checked_storage(group, storage_type, form, data_keys):
    """{"name", "type", "path", "params"} of a valid form, or FormInvalid listing every bad field.

    `data_keys` are the config's (None before a config is saved). Folders are checked on disk:
    a source's must exist; a completions folder is made when its parent exists.
    """
    if storage_type == PROJECT_FILE:
        return None
    errors = {}
    path = _folder(form.get("path"), errors, create=storage_type == COMPLETIONS_FOLDER)
    params = sync_params(form, data_keys, errors) if storage_type == LOCAL_FOLDER else {}
    if errors:
        raise FormInvalid(errors)
    return {"name": STORAGE_NAMES[group], "type": storage_type, "path": path, "params": params}


def sync_params(form, data_keys, errors):
    """{"glob", "regex", "data_key", "recursive"} of a sync form, noting bad fields in `errors`."""
    params = {}
    for name in ("glob", "regex", "data_key"):
        value = form.get(name)
        if value is not None and not isinstance(value, str):
            errors[name] = [f"{name} must be a string"]
        params[name] = value or None
    try:
        compile_filter(params["glob"] if "glob" not in errors else None, params["regex"] if "regex" not in errors else None)
    except FilterInvalid as error:
        errors[error.field] = [str(error)]
    if params["data_key"] and data_keys is not None and "data_key" not in errors and params["data_key"] not in data_keys:
        errors["data_key"] = [f"{params['data_key']!r} is not a data key of your label config; use one of {data_keys}"]
    recursive = form.get("recursive", True)
    if isinstance(recursive, str) and recursive.lower() in ("true", "1", "yes", "on", "false", "0", "no", "off", ""):
        recursive = recursive.lower() in ("true", "1", "yes", "on")
    if not isinstance(recursive, bool):
        errors["recursive"] = ["recursive must be true or false"]
    params["recursive"] = recursive
    return params


def _folder(path, errors, create):
    """The real path of an existing folder (made first when `create` and its parent exists)."""
    if path is None or path == "":
        errors["path"] = [REQUIRED]
        return None
    if not isinstance(path, str):
        errors["path"] = ["path must be a string"]
        return None
    if "\x00" in path:
        errors["path"] = ["path contains a NUL byte"]
        return None
    if not os.path.isabs(os.path.expanduser(path)):
        errors["path"] = [f"{path!r} is not an absolute path"]
        return None
    real = os.path.realpath(os.path.expanduser(path))
    if create and not os.path.exists(real) and os.path.isdir(os.path.dirname(real)):
        try:
            os.mkdir(real)
        except OSError as error:
            errors["path"] = [f"Could not make the folder {path}: {error.strerror}"]
            return None
    if not os.path.isdir(real):
        errors["path"] = [f"{path} is not a folder"]
        return None
    return real


def checked_folder(path):
    """The real path of an existing folder, or FormInvalid on "path"."""
    errors = {}
    real = _folder(path, errors, create=False)
    if errors:
        raise FormInvalid(errors)
    return real
