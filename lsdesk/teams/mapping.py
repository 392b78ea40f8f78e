"""Pure mapping between lsdesk's tasks and completions and a Label Studio 1.x server's tasks and annotations.

lsdesk keeps a completion's author by name in its body; the server keeps it as a member id. A pushed
annotation is the token's user's on the server, and the lsdesk name travels in the task's meta; what
comes back from the server is named by the member's email (or the lsdesk name for one pushed from lsdesk).
"""

import hashlib
import json
from datetime import datetime, timezone

from lsdesk.folders.paths import parse_folder_url
from lsdesk.importer import UPLOAD_URL

# The key of task meta that carries what lsdesk needs back from the server.
META_KEY = "lsdesk"
# The export mark's format: Label Studio's Data Manager filter reads exactly this one.
MARK_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
_COMPLETION_KEYS_SENT = ("result", "lead_time")


def is_local_media(value):
    return isinstance(value, str) and (value.startswith(UPLOAD_URL) or parse_folder_url(value) is not None)


def media_urls(data):
    """The local media URLs a task's data names (top-level values and items of top-level lists)."""
    if not isinstance(data, dict):
        return []
    found = []
    for value in data.values():
        for item in value if isinstance(value, list) else (value,):
            if is_local_media(item):
                found.append(item)
    return found


def replace_urls(data, mapping):
    """The task data with each URL found in `mapping` replaced by its mapped URL."""
    if not isinstance(data, dict):
        return data

    def mapped(value):
        if isinstance(value, list):
            return [mapping.get(item, item) if isinstance(item, str) else item for item in value]
        return mapping.get(value, value) if isinstance(value, str) else value

    return {key: mapped(value) for key, value in data.items()}


def server_media_url(stored_file):
    """Where the server serves an uploaded file: `file` of /api/projects/N/file-uploads under /data/."""
    return "/data/" + stored_file.lstrip("/")


def result_state(result, was_cancelled):
    """A hash of what an annotation says (its result and whether it was cancelled), the same on both
    sides whatever key order or extra bookkeeping each keeps: push and pull compare these."""
    text = json.dumps(result or [], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{int(bool(was_cancelled))}:{text}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def annotation_for_server(completion_id, body, was_cancelled):
    """A Label Studio annotation item from an lsdesk completion (its integer id lands in `import_id`)."""
    annotation = {key: body[key] for key in _COMPLETION_KEYS_SENT if key in body}
    annotation.setdefault("result", [])
    annotation["id"] = completion_id
    annotation["was_cancelled"] = bool(was_cancelled)
    # The server marks an annotation ground truth unless told otherwise.
    annotation["ground_truth"] = body.get("ground_truth") is True
    return annotation


def prediction_for_server(body, score, model_version):
    prediction = {"result": body.get("result", [])}
    if score is not None:
        prediction["score"] = score
    if model_version:
        prediction["model_version"] = model_version
    return prediction


def task_for_server(task, url_map, completions, predictions):
    """A Label Studio import item from an lsdesk task.

    `completions` are (id, uuid, body, was_cancelled), `predictions` are (body, score, model_version)."""
    meta = dict(task.get("meta") or {}) if isinstance(task.get("meta"), dict) else {}
    meta[META_KEY] = {"task": task["uuid"], "authors": {
        str(completion_id): body.get("completed_by") for completion_id, _uuid, body, _cancelled in completions
        if body.get("completed_by")}}
    return {
        "data": replace_urls(task["data"], url_map),
        "meta": meta,
        "annotations": [annotation_for_server(completion_id, body, cancelled)
                        for completion_id, _uuid, body, cancelled in completions],
        "predictions": [prediction_for_server(*prediction) for prediction in predictions],
    }


def author_name(annotation, users, pushed_authors):
    """The lsdesk name of an annotation's author: the lsdesk name it was pushed with, else the member's email."""
    pushed = pushed_authors.get(str(annotation.get("import_id")))
    if pushed:
        return pushed
    member = annotation.get("completed_by")
    if isinstance(member, dict):
        return member.get("email") or member.get("username") or str(member.get("id"))
    return users.get(member) or (str(member) if member is not None else None)


def completion_from_server(annotation, author):
    """(body, was_cancelled, created_at, updated_at) of an lsdesk completion from a server annotation."""
    body = {"result": annotation.get("result") or [], "lead_time": annotation.get("lead_time") or 0}
    if author:
        body["completed_by"] = author
    if annotation.get("ground_truth") is True:
        body["ground_truth"] = True
    return (body, bool(annotation.get("was_cancelled")), seconds(annotation.get("created_at")),
            seconds(annotation.get("updated_at") or annotation.get("created_at")))


def prediction_from_server(prediction):
    body = {"result": prediction.get("result") or []}
    for key in ("score", "model_version"):
        if prediction.get(key) is not None:
            body[key] = prediction[key]
    return body


def task_from_server(task, url_map, users):
    """An lsdesk import item from a server task: data with media URLs mapped back, completions, predictions."""
    meta = dict(task.get("meta") or {}) if isinstance(task.get("meta"), dict) else {}
    pushed = meta.get(META_KEY) or {}
    completions = []
    for annotation in task.get("annotations") or []:
        body, cancelled, created, updated = completion_from_server(
            annotation, author_name(annotation, users, pushed.get("authors") or {}))
        completions.append({**body, "was_cancelled": cancelled, "created_at": created, "updated_at": updated})
    return {
        "data": replace_urls(task.get("data") or {}, url_map),
        "meta": meta or None,
        "completions": completions,
        "predictions": [prediction_from_server(p) for p in task.get("predictions") or []],
    }


def seconds(stamp):
    """Unix seconds of a server timestamp (ISO 8601), or None."""
    if not isinstance(stamp, str):
        return None
    try:
        return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return None


def export_mark(stamp):
    """A server timestamp (an export's `created_at`) in the one format the Data Manager filter reads."""
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(timezone.utc)
    return moment.strftime(MARK_FORMAT)


def batch_filter(text):
    """A Data Manager filter for `clone --filter`: the JSON of Label Studio's view filters, either
    {"conjunction": "and", "items": [...]} or just the list of items, each {"filter": "filter:tasks:<column>",
    "operator", "type", "value"}. Returns the list of items; raises ValueError saying what is wrong.

    The items are joined with "and", and later pulls add "updated_at greater than the mark" to them, so a
    clone keeps to its batch; Label Studio's filters do not nest, so "or" of several items is refused."""
    try:
        given = json.loads(text) if isinstance(text, str) else text
    except json.JSONDecodeError as error:
        raise ValueError(f"the filter is not JSON: {error}") from None
    if isinstance(given, dict):
        conjunction = given.get("conjunction", "and")
        items = given.get("items")
        if conjunction not in ("and", "or"):
            raise ValueError(f'conjunction must be "and" or "or", got {conjunction!r}')
        if conjunction == "or" and isinstance(items, list) and len(items) > 1:
            raise ValueError('several items joined with "or" cannot be kept to on later pulls; use "and"')
    else:
        items = given
    if not isinstance(items, list) or not items:
        raise ValueError('give the filter as {"conjunction": "and", "items": [...]} or a list of items')
    for number, item in enumerate(items):
        missing = [key for key in ("filter", "operator", "type", "value") if not isinstance(item, dict) or key not in item]
        if missing:
            raise ValueError(f"item {number} lacks {missing}: each item is "
                             '{"filter": "filter:tasks:<column>", "operator", "type", "value"}')
        if not isinstance(item["filter"], str) or not item["filter"].startswith("filter:tasks:"):
            raise ValueError(f"item {number}: filter must name a task column as filter:tasks:<column>, "
                             f"got {item['filter']!r}")
    return items


def server_files_in(data):
    """The server media URLs (under /data/) a server task's data names."""
    if not isinstance(data, dict):
        return []
    found = []
    for value in data.values():
        for item in value if isinstance(value, list) else (value,):
            if isinstance(item, str) and item.startswith("/data/"):
                found.append(item)
    return found
