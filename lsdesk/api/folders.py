"""Folders labeled in place: media roots, syncing them into tasks, storage settings (0.8's shape),
packing media into the project file and back out, and serving the files of those folders."""

import os
from pathlib import Path

from lsdesk import settings as defaults
from lsdesk.api.http import ApiError, json_response, no_content, param, path_id, read_json, read_json_object
from lsdesk.api.uploads import media_response
from lsdesk.folders import forms
from lsdesk.folders.completions_folder import fill_completions_folder
from lsdesk.folders.files import folder_file
from lsdesk.folders.media_check import locate_differences, task_media_problems
from lsdesk.folders.pack import link_referenced_files, pack_media, unpack_media
from lsdesk.folders.paths import PathEscapes, PathRefused
from lsdesk.folders.sync import SyncOptions, sync_folder
from lsdesk.project_view import current_config


def _folder_json(root):
    return {"id": root["id"], "path": root["path"], "name": Path(root["path"]).name,
            "available": os.path.isdir(root["path"]), "files": root["files"], "tasks": root["tasks"],
            "packed": root["packed"]}


def _folder_path(body):
    try:
        return forms.checked_folder(body.get("path"))
    except forms.FormInvalid as invalid:
        raise ApiError(400, invalid.errors["path"][0]) from None


def _listed_root(store, raw_id):
    root = store.media_root(path_id(raw_id, "Folder"))
    if root is None or root["path"] is None:
        raise ApiError(404, f"Folder {raw_id} not found")
    return root


def list_folders(store):
    return json_response({"folders": [_folder_json(root) for root in store.media_roots()]})


def add_folder(store):
    path = _folder_path(read_json_object())
    if store.media_root_by_path(path) is not None:
        raise ApiError(409, f"{path} is already a folder of this project")
    return json_response(_folder_json(store.media_root(store.add_media_root(path), counts=True)), status=201)


def locate_folder(store, root_id):
    """Point a folder elsewhere, once a sample of its recorded files is found there unchanged (or `force`)."""
    root = _listed_root(store, root_id)
    body = read_json_object()
    path = _folder_path(body)
    force = body.get("force", False)
    if not isinstance(force, bool):
        raise ApiError(400, f"force must be true or false, got {force!r}")
    other = store.media_root_by_path(path)
    if other is not None and other != root["id"]:
        raise ApiError(409, f"{path} is already folder {other} of this project")
    sample = store.media_file_sample(root["id"], defaults.LOCATE_SAMPLE)
    differences = locate_differences(path, sample)
    if differences and not force:
        _refuse_locating(path, len(sample), differences)
    store.move_media_root(root["id"], path)
    _follow_source(store, root["path"], path)
    return json_response(_folder_json(store.media_root(root["id"], counts=True)))


def _refuse_locating(path, checked, differences):
    named = "; ".join(f"{item['path']} ({item['summary']})" for item in differences[:5])
    more = f"; and {len(differences) - 5} more" if len(differences) > 5 else ""
    detail = (f"{len(differences)} of {checked} files checked in {path} differ from what the project recorded: "
              f"{named}{more}. Tasks would show these files, and their labels may not fit them; "
              "send force: true to use the folder anyway")
    raise ApiError(409, detail, checked=checked, differences=differences)


def remove_folder(store, root_id):
    root = _listed_root(store, root_id)
    link_referenced_files(store)
    needing = store.remove_media_root(root["id"])
    if needing:
        raise ApiError(409, f"{needing} tasks show files of {root['path']} that are not packed: pack media into "
                            "the project file first, or delete those tasks")
    _follow_source(store, root["path"], None)
    return no_content()


def _follow_source(store, old_path, new_path):
    """A local-folder source follows its folder when it is located elsewhere or removed."""
    source = store.storage("source")
    if source and source["type"] == forms.LOCAL_FOLDER and source["path"] == old_path:
        store.set_storage("source", {**source, "path": new_path} if new_path else None)


def sync(store, jobs, folder_work, root_id):
    root = _listed_root(store, root_id)
    body = read_json(required=False) or {}
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object")
    config = current_config(store)
    errors = {}
    params = forms.sync_params(body, config.data_keys if config else None, errors)
    if errors:
        return json_response({"errors": errors}, status=400)
    if not os.path.isdir(root["path"]):
        raise ApiError(409, f"{root['path']} is not available; locate the folder first")
    return json_response({"job": _start_sync(store, jobs, folder_work, root, params, config).as_json()}, status=202)


def _start_sync(store, jobs, folder_work, root, params, config):
    options = SyncOptions(**params)
    return jobs.start("sync", store.path, lambda job: sync_folder(store, root["id"], options, config, job),
                      f"Sync {root['path']}", exclusive=folder_work)


# -- storage settings ------------------------------------------------------------------------


def storage_settings(store):
    config = current_config(store)
    data_key = config.data_keys[0] if config and config.data_keys else None
    settings = {group: forms.describe(group, store.storage(group), store.path, data_key)
                for group in ("source", "target")}
    if store.completions_folder_error:
        settings["target"][forms.COMPLETIONS_FOLDER]["error"] = store.completions_folder_error
    return json_response(settings)


def save_storage(store, jobs, folder_work):
    group = param("storage_for")
    if group not in ("source", "target"):
        raise ApiError(400, f"storage_for must be source or target, got {group!r}")
    form = read_json_object()
    config = current_config(store)
    try:
        storage_type = forms.storage_type_of(group, form.get("type") or param("type"))
        storage = forms.checked_storage(group, storage_type, form, config.data_keys if config else None)
    except forms.FormInvalid as invalid:
        return json_response({"errors": invalid.errors}, status=400)
    store.set_storage(group, storage)
    answer = {"result": "ok"}
    if storage and storage["type"] == forms.LOCAL_FOLDER:
        root_id = store.media_root_by_path(storage["path"]) or store.add_media_root(storage["path"])
        answer["job"] = _start_sync(store, jobs, folder_work, store.media_root(root_id), storage["params"],
                                    config).as_json()
    elif storage and storage["type"] == forms.COMPLETIONS_FOLDER:
        answer["job"] = jobs.start("completions-folder", store.path, lambda job: fill_completions_folder(store, job),
                                   f"Write completions to {storage['path']}",
                                   total=store.counts()["completed_tasks"]).as_json()
    return json_response(answer, status=201)


# -- pack and unpack -------------------------------------------------------------------------


def pack(store, jobs, folder_work):
    job = jobs.start("pack", store.path, lambda job: pack_media(store, job), "Pack media into the project file",
                     exclusive=folder_work)
    return json_response({"job": job.as_json()}, status=202)


def unpack(store, jobs, folder_work):
    raw = read_json_object().get("path")
    if not isinstance(raw, str) or not raw or "\x00" in raw or not os.path.isabs(os.path.expanduser(raw)):
        raise ApiError(400, f"Give the folder to unpack into as an absolute path, got {raw!r}")
    target = Path(os.path.expanduser(raw))
    if target.exists() and not (target.is_dir() and not any(target.iterdir())):
        raise ApiError(400, f"{raw} must be an empty folder or not exist yet")
    if not target.parent.is_dir():
        raise ApiError(400, f"{target.parent} is not a folder")
    job = jobs.start("unpack", store.path, lambda job: unpack_media(store, target, job), f"Unpack media to {target}",
                     exclusive=folder_work)
    return json_response({"job": job.as_json()}, status=202)


# -- checking a task's media -------------------------------------------------------------------


def media_problems(store, task_id):
    """The images a task shows that are truncated or unreadable, for the label page's warning."""
    task = store.task(path_id(task_id, "Task"))
    if task is None:
        raise ApiError(404, f"Task {task_id} not found")
    return json_response({"problems": task_media_problems(store, task["data"])})


# -- serving folder files --------------------------------------------------------------------


def serve_folder_file(store, root_id, relative):
    raw_id, root_id = root_id, path_id(root_id, "Folder")
    try:
        found = folder_file(store, root_id, relative)
    except PathRefused as refused:
        raise ApiError(403 if isinstance(refused, PathEscapes) else 400,
                       f"Not a file of folder {raw_id}: {refused}") from None
    if found is None:
        raise ApiError(404, f"No file {relative!r} in folder {raw_id}")
    # A file on disk may change at any time: the browser asks again, and its ETag answers 304.
    return media_response(relative, found.mime, found.size, found.etag, found.read,
                          cache_control="no-cache" if found.on_disk else "private, max-age=3600")
