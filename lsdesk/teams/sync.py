"""Push a project to a Label Studio server, pull the team's work back, clone a server project: the one
layer the CLI and the API's jobs call. The store keeps the link; the client speaks HTTP; mapping is pure.

Each step records what reached the server as soon as the server answered, so an interrupted push run
again sends only the rest; an import whose answer was lost is found again by the lsdesk task uuid in
the server tasks' meta. A pull reads everything first and writes it in one transaction."""

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timezone
from pathlib import Path

from lsdesk.config import ConfigInvalid, parse_config
from lsdesk.errors import LsdeskError
from lsdesk.folders.paths import PathRefused, parse_folder_url, resolve_inside
from lsdesk.importer import UPLOAD_URL, upload_of
from lsdesk.project_view import save_config
from lsdesk.teams import mapping
from lsdesk.teams.client import MAX_FILES_PER_UPLOAD, ServerError

# Tasks per import request: Label Studio imports each call all or nothing.
IMPORT_BATCH = 1000
# Label Studio refuses longer project titles.
MAX_TITLE = 50
# What the server accepts as uploads (its SUPPORTED_EXTENSIONS); others are reported and left out.
UPLOADABLE = {
    ".bmp", ".csv", ".flac", ".gif", ".htm", ".html", ".jpg", ".jpeg", ".json", ".m4a", ".mp3", ".ogg", ".png",
    ".svg", ".tsv", ".txt", ".wav", ".xml", ".mp4", ".webm", ".webp", ".pdf",
}
_EXPORT_WAIT_SECONDS = 600
# Media files a pull or clone downloads at once.
DOWNLOADS_AT_ONCE = 4


class LinkError(LsdeskError):
    """The project is not linked to a server, or linked to another one than the one given."""

    status = 409


class _Quiet:
    """A job stand-in for callers with no progress to show."""

    cancelled = False
    total = None

    def advance(self, count=1, message=None):
        pass

    def add_error(self, message):
        pass


def push(store, client, title=None, job=None):
    """Send the project to the server: the first push creates the server project; later ones send only what
    changed. Returns counts of what was sent."""
    job = job or _Quiet()
    settings = store.settings()
    link = store.server_link()
    if link and link["url"] != client.url:
        raise LinkError(f"{store.path.name} is linked to {link['url']}, not {client.url}")
    counts = {"project_created": False, "tasks": 0, "media": 0, "completions_added": 0, "completions_updated": 0,
              "predictions": 0, "relinked_tasks": 0}
    if link is None:
        project = client.post("/api/projects", {
            "title": (title or settings["title"])[:MAX_TITLE], "description": settings.get("description") or "",
            "expert_instruction": settings.get("instruction") or "", "show_instruction": bool(settings.get("instruction"))})
        store.link_to_server(client.url, project["id"])
        link = store.server_link()
        counts["project_created"] = True
    project_id = counts["project_id"] = link["project_id"]
    if link["importing"]:
        counts["relinked_tasks"] = _relink_lost_imports(store, client, project_id)
    job.total = store.unlinked_task_count()
    job.advance(0, "uploading media")
    counts["media"] = _upload_media(store, client, project_id, settings, counts["project_created"], job)
    if counts["project_created"] and settings.get("label_config"):
        client.patch(f"/api/projects/{project_id}", {"label_config": settings["label_config"]})
    counts["tasks"] = _import_tasks(store, client, project_id, job)
    if job.cancelled:
        return counts
    added, updated = _push_completions(store, client)
    counts["completions_added"], counts["completions_updated"] = added, updated
    counts["predictions"] = _push_predictions(store, client)
    store.mark_link(pushed_at=int(time.time()))
    if link["pull_mark"] is None:
        # A project this push made: the first pull asks only for what changed after it (from the server's
        # clock, whole seconds: the last second of the import comes again, and changes nothing).
        store.mark_link(pull_mark=client.server_time().astimezone(timezone.utc).strftime(mapping.MARK_FORMAT))
    return counts


def _upload_media(store, client, project_id, settings, first_push, job):
    """Upload every local media file unlinked tasks name that is not on the server yet; returns how many."""
    wanted = set()
    after = 0
    while True:
        batch = store.unlinked_tasks(after, IMPORT_BATCH)
        if not batch:
            break
        for task, _completions, _predictions in batch:
            wanted.update(mapping.media_urls(task["data"]))
        after = batch[-1][0]["id"]
    wanted -= set(store.server_media(wanted))
    if not wanted:
        return 0
    names = []
    for url in sorted(wanted):
        name = _file_name(url)
        if Path(name).suffix.lower() in UPLOADABLE:
            names.append((url, name))
        else:
            job.add_error(f"{url}: Label Studio does not accept {Path(name).suffix or 'extensionless'} files; "
                          "the tasks keep the local URL")
    config = settings.get("label_config")
    # The server refuses uploads into a project whose config has several object tags: upload first, set it after.
    reset_config = not first_push and config and _object_tags(config) > 1
    if reset_config:
        client.patch(f"/api/projects/{project_id}", {"label_config": "<View></View>"})
    uploaded = 0
    try:
        for start in range(0, len(names), MAX_FILES_PER_UPLOAD):
            if job.cancelled:
                break
            # Read a batch at a time, so memory holds one request's files.
            chunk = []
            for url, name in names[start:start + MAX_FILES_PER_UPLOAD]:
                content = read_media(store, url)
                if content is None:
                    job.add_error(f"{url}: the file is missing; the tasks keep the local URL")
                else:
                    chunk.append((url, name, content))
            stored = client.upload_files(project_id, chunk) if chunk else {}
            store.note_media([(url, mapping.server_media_url(stored[url])) for url, _name, _content in chunk])
            uploaded += len(chunk)
            job.advance(0, f"uploaded {uploaded:,} of {len(names):,} media files")
    finally:
        if reset_config:
            client.patch(f"/api/projects/{project_id}", {"label_config": config})
    return uploaded


def _object_tags(config):
    try:
        return len(parse_config(config).objects)
    except ConfigInvalid:
        return 0


def _file_name(url):
    parsed = parse_folder_url(url)
    if parsed is not None:
        return parsed[1].rsplit("/", 1)[-1]
    return url[len(UPLOAD_URL):].split("?", 1)[0]


def read_media(store, url):
    """The bytes of a local media URL (an upload in the file, or a folder file on disk or packed), or None."""
    if url.startswith(UPLOAD_URL):
        chunks = list(store.read_upload(url[len(UPLOAD_URL):].split("?", 1)[0]))
        return b"".join(chunks) if chunks else (b"" if store.upload(url[len(UPLOAD_URL):]) else None)
    root_id, relative = parse_folder_url(url)
    root = store.media_root(root_id)
    if root and root.get("path"):
        try:
            return Path(resolve_inside(root["path"], relative)).read_bytes()
        except (PathRefused, OSError):
            pass
    packed = store.packed_file(root_id, relative)
    return b"".join(store.read_blob(packed[1])) if packed else None


def _import_tasks(store, client, project_id, job):
    """Import unlinked tasks in batches, recording each batch's server ids; returns how many."""
    imported = 0
    while not job.cancelled:
        batch = store.unlinked_tasks(0, IMPORT_BATCH)
        if not batch:
            break
        urls = {url for task, _c, _p in batch for url in mapping.media_urls(task["data"])}
        url_map = store.server_media(urls)
        items = [mapping.task_for_server(task, url_map, completions, [p[1:] for p in predictions])
                 for task, completions, predictions in batch]
        # Until the answer is recorded, a lost answer is found again by task uuid (see _relink_lost_imports).
        store.mark_link(importing=1)
        answer = client.post(f"/api/projects/{project_id}/import", items, return_task_ids="true")
        task_ids = answer.get("task_ids") or []
        if len(task_ids) != len(batch):
            raise ServerError(f"the server imported {len(task_ids)} of {len(batch)} tasks")
        store.note_pushed_tasks([(*entry, server_id) for entry, server_id in zip(batch, task_ids)])
        store.mark_link(importing=0)
        imported += len(batch)
        job.advance(len(batch), f"imported {imported:,} tasks")
    return imported


def _relink_lost_imports(store, client, project_id):
    """After an import whose answer was lost: link local tasks the server has by their lsdesk uuid."""
    by_uuid = {}
    for task in _export(client, project_id, None)[0]:
        task_uuid = ((task.get("meta") or {}).get(mapping.META_KEY) or {}).get("task")
        if task_uuid:
            by_uuid[task_uuid] = task["id"]
    linked = store.link_tasks_by_uuid(by_uuid)
    store.mark_link(importing=0)
    return linked


def _push_completions(store, client):
    """Send completions added or edited since both sides last agreed; returns (added, updated)."""
    added = updated = 0
    changed = store.changed_completions()
    if any(linked and annotation_id is None for _c, _t, annotation_id, _b, _x, linked in changed):
        _learn_annotation_ids(store, client)
        changed = store.changed_completions()
    for completion_id, server_task, annotation_id, body, cancelled, linked in changed:
        annotation = mapping.annotation_for_server(completion_id, body, cancelled)
        annotation.pop("id")
        if linked and annotation_id is not None:
            client.patch(f"/api/annotations/{annotation_id}", annotation)
            updated += 1
        else:
            answer = client.post(f"/api/tasks/{server_task}/annotations", {**annotation, "task": server_task})
            annotation_id = answer["id"]
            added += 1
        store.note_completion_pushed(completion_id, annotation_id, body, cancelled)
    return added, updated


def _learn_annotation_ids(store, client):
    """Annotation ids of pushed completions, by the import_id each was imported with."""
    pairs = []
    for server_task, completion_ids in store.unlinked_annotation_tasks().items():
        wanted = set(completion_ids)
        for annotation in client.get(f"/api/tasks/{server_task}/annotations"):
            if annotation.get("import_id") in wanted:
                pairs.append((annotation["import_id"], annotation["id"]))
    store.note_annotation_ids(pairs)


def _push_predictions(store, client):
    sent = []
    for prediction_id, server_task, body, score, version in store.unlinked_predictions():
        client.post("/api/predictions", {"task": server_task, **mapping.prediction_for_server(body, score, version)})
        sent.append(prediction_id)
    store.note_predictions_pushed(sent)
    return len(sent)


# -- pull and clone ------------------------------------------------------------------------------------

def pull(store, client, apply_deletions=False, job=None):
    """Bring back what changed on the server since the last pull; returns counts of what was done.
    Nothing is written until everything was read, and then in one transaction."""
    job = job or _Quiet()
    link = store.server_link()
    if link is None:
        raise LinkError(f"{store.path.name} is not linked to a Label Studio server; push it or clone one first")
    if link["url"] != client.url:
        raise LinkError(f"{store.path.name} is linked to {link['url']}, not {client.url}")
    job.advance(0, "asking the server for changes")
    tasks, created_at = _export(client, link["project_id"], link["pull_mark"], link["batch_filter"])
    job.total = len(tasks)
    known = {task["id"] for task in tasks}
    linked = store.linked_server_tasks(known)
    lost = {}
    for task in tasks:
        task_uuid = ((task.get("meta") or {}).get(mapping.META_KEY) or {}).get("task")
        if task["id"] not in linked and task_uuid:
            lost[task_uuid] = task["id"]
    # Tasks of a push whose answer was lost: linked by their lsdesk uuid rather than taken as new.
    ours = store.local_task_uuids(lost) if lost else set()
    if ours:
        store.link_tasks_by_uuid({task_uuid: server_id for task_uuid, server_id in lost.items() if task_uuid in ours})
        linked = store.linked_server_tasks(known)
    new_tasks, changed, media = [], [], []
    wanted_files = {url for task in tasks if task["id"] not in linked for url in mapping.server_files_in(task.get("data"))}
    url_map = store.media_by_server_url(wanted_files)
    missing = sorted(set(wanted_files) - set(url_map))
    with ThreadPoolExecutor(DOWNLOADS_AT_ONCE) as downloads:
        for url, content in zip(missing, downloads.map(lambda url: None if job.cancelled else client.download(url), missing)):
            if job.cancelled:
                return None
            upload = upload_of(_Media(url.rsplit("/", 1)[-1], content))
            media.append((upload, url))
            url_map[url] = f"{UPLOAD_URL}{upload.name}"
            job.advance(0, f"downloaded {len(media):,} of {len(missing):,} media files")
    for task in tasks:
        annotations = task.get("annotations") or []
        if task["id"] in linked:
            changed.append((task["id"], [_annotation_entry(a, task) for a in annotations]))
        else:
            new_tasks.append((task["id"], mapping.task_from_server(task, url_map, {}), [a["id"] for a in annotations]))
        job.advance(1)
    if job.cancelled:
        return None
    return store.apply_server_changes(new_tasks, changed, media, mapping.export_mark(created_at), apply_deletions)


def _annotation_entry(annotation, task):
    pushed = ((task.get("meta") or {}).get(mapping.META_KEY) or {}).get("authors") or {}
    body, cancelled, _created, updated = mapping.completion_from_server(
        annotation, mapping.author_name(annotation, {}, pushed))
    return annotation["id"], annotation.get("import_id"), body, cancelled, updated


class _Media:
    def __init__(self, name, data):
        self.name, self.data = name, data


def clone(workspace, client, project_id, output=None, job=None, batch_filter=None):
    """A new project file from a server project (or the batch of its tasks a Data Manager filter selects: see
    mapping.batch_filter), linked to it, with its media inside; returns (store, counts)."""
    project = client.get(f"/api/projects/{project_id}")
    title = project.get("title") or f"Label Studio project {project_id}"
    output = Path(output).expanduser() if output else None
    if output is not None and output.exists():
        raise LinkError(f"{output} already exists; choose a new file for the clone")
    store = workspace.create(title, path=output)
    try:
        store.update_settings({"description": project.get("description") or "",
                               "instruction": project.get("expert_instruction") or ""})
        store.link_to_server(client.url, project_id, batch_filter)
        counts = pull(store, client, job=job)
        if project.get("label_config"):
            save_config(store, project["label_config"])
        if counts is None:
            raise LsdeskError("the clone was cancelled")
    except BaseException:
        workspace.forget(store.path)
        for leftover in (store.path, *(Path(f"{store.path}{suffix}") for suffix in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
        raise
    return store, counts


def _export(client, project_id, mark, batch_filter=None):
    """Tasks changed after `mark` (all of them without one), of the batch the filter items select (all without
    them), as a JSON export snapshot, and the snapshot's created_at."""
    view = None
    items = list(batch_filter or [])
    if mark:
        items.append({"filter": "filter:tasks:updated_at", "operator": "greater", "type": "Datetime", "value": mark})
    if items:
        view = client.post("/api/dm/views", {"project": project_id,
                                             "data": {"filters": {"conjunction": "and", "items": items}}})
    try:
        options = {"only_with_annotations": False}
        if view:
            options["view"] = view["id"]
        export = client.post(f"/api/projects/{project_id}/exports", {
            "task_filter_options": options,
            "serialization_options": {"annotations__completed_by": {"only_id": False},
                                      "predictions": {"only_id": False}, "drafts": {"only_id": True}}})
        try:
            deadline = time.monotonic() + _EXPORT_WAIT_SECONDS
            while export.get("status") not in ("completed", "failed"):
                if time.monotonic() > deadline:
                    raise ServerError("the server's export snapshot did not finish in time")
                time.sleep(0.2)
                export = client.get(f"/api/projects/{project_id}/exports/{export['id']}")
            if export["status"] == "failed":
                raise ServerError("the server could not make an export snapshot")
            tasks = json.loads(client.download(f"/api/projects/{project_id}/exports/{export['id']}/download",
                                               exportType="JSON"))
        finally:
            _quietly(client.delete, f"/api/projects/{project_id}/exports/{export['id']}")
    finally:
        if view:
            _quietly(client.delete, f"/api/dm/views/{view['id']}")
    return tasks, export["created_at"]


def _quietly(call, *args):
    try:
        call(*args)
    except ServerError:
        pass


def token_for(workspace, url, given=None):
    """The token to use: the one given, $LABEL_STUDIO_TOKEN, or the one the workspace keeps for this server."""
    return given or os.environ.get("LABEL_STUDIO_TOKEN") or workspace.server_token(url)
