"""Import: validate items as they stream in and store them all, or none if any is invalid."""

import hashlib
import itertools
import mimetypes
import posixpath
import re
import time
from collections import Counter
from dataclasses import dataclass

from lsdesk import settings as defaults
from lsdesk.errors import LsdeskError
from lsdesk.formats.image_check import check_media, is_checked_image
from lsdesk.formats.media_fit import media_misfit
from lsdesk.formats.readers import MediaFile, kind_of, read_file
from lsdesk.formats.tasks import UNDEFINED_KEY, MissingDataKey, TaskInvalid, item_error, make_task_validator

UPLOAD_URL = "/data/upload/"
# What a JSON request body counts as in the import summary's `formats`.
REQUEST_BODY = "request.json"
# Kinds whose items fill the config's only data key ($undefined$), as 0.8 did for file uploads.
_SINGLE_KEY_KINDS = {"txt", "html", "media"}


class FileDoesNotFit(LsdeskError, ValueError):
    """A file that this config can't take at all (a media file for a config with two data keys, a PDF for a Text)."""


@dataclass
class ItemPlace:
    """Where the item being validated came from: its file and its number there (from 1), kept up to date by
    import_files as it reads, so error messages can name them."""

    file: str | None = None
    number: int = 0

    def describe(self):
        if self.file is None or self.file == REQUEST_BODY:
            return ""
        unit = "data row" if kind_of(self.file) in ("csv", "tsv") else "item"
        return f"{self.file}, {unit} {self.number}: "


@dataclass(frozen=True)
class Upload:
    """A file kept inside the project, served at UPLOAD_URL + name."""

    name: str
    sha256: str
    mime: str
    data: bytes


def upload_of(media):
    """Name an imported file by its content hash and its own name: the same file keeps one name."""
    sha256 = hashlib.sha256(media.data).hexdigest()
    safe_name = re.sub(r"[^\w.\-]+", "_", media.name).strip("._") or "file"
    mime = mimetypes.guess_type(media.name)[0] or "application/octet-stream"
    return Upload(f"{sha256[:16]}-{safe_name}", sha256, mime, media.data)


class ImportRejected(LsdeskError):
    """Some items were invalid: `errors` lists them (0.8's "Error at item N: ..." strings), which are
    the 400's whole body, as in 0.8. `missing_keys` says, for each file and key the config reads that
    its items lack, which keys they have instead: what a page needs to offer mapping one to the other."""

    def __init__(self, errors, missing_keys=()):
        super().__init__(f"{len(errors)} invalid items", details=errors)
        self.errors = errors
        self.missing_keys = list(missing_keys)

    def body(self):
        return self.errors

    def explained_body(self):
        """The body of an import that asked for explain=1: the same lines under "errors", and missing_keys."""
        return {"detail": f"{len(self.errors)} invalid items: {self.errors[0]}", "status": self.status,
                "errors": self.errors, "missing_keys": self.missing_keys}


def valid_tasks(items, config, unreadable=None, place=None):
    """Yield each item as a task; after the last, raise ImportRejected if any was invalid.

    Raising from inside the store's transaction is what makes an import all-or-nothing. A truncated
    or unreadable image is imported all the same, and noted as {"file", "problem"} in `unreadable`.
    A media file that no tag of the config can show raises FileDoesNotFit. `place` names each item's file.
    """
    validate = make_task_validator(config)
    errors = []
    missing_keys = {}
    index = -1
    for index, item in enumerate(items):
        upload = None
        if isinstance(item, MediaFile):
            if misfit := media_misfit(item.name, config):
                raise FileDoesNotFit(misfit)
            upload = upload_of(item)
            if unreadable is not None and (problem := media_problem(item)):
                unreadable.append({"file": item.name, "problem": problem})
            item = {UNDEFINED_KEY: UPLOAD_URL + upload.name}
        try:
            task = validate(item)
            if upload:
                task["upload"] = upload
        except TaskInvalid as error:
            errors.append(item_error(index, item, _explained(error, place, config)))
            if isinstance(error, MissingDataKey):
                _note_missing_key(missing_keys, error, index, place, config)
            if len(errors) == defaults.MAX_IMPORT_ERRORS:
                errors[-1] = "..."
                break
            continue
        if not errors:
            yield task
    if errors:
        raise ImportRejected(errors, missing_keys.values())
    if index < 0:
        raise ImportRejected(["No tasks found: the import holds no items"])


_MAX_MISSING_KEYS = 10


def _note_missing_key(missing_keys, error, index, place, config):
    """Keep the first item of each file that lacks a key the config reads, with the keys it has instead."""
    file = place.file if place and place.file != REQUEST_BODY else None
    if len(missing_keys) < _MAX_MISSING_KEYS and (file, error.key) not in missing_keys:
        missing_keys[file, error.key] = {
            "file": file, "item": index, "row": place.number if place else index + 1, "key": error.key,
            "tags": error.tags.split("/"), "expected": config.data_keys if config else [error.key],
            "present": error.keys}


def _explained(error, place, config):
    """The validator's message (0.8's words), and for a missing key: which file and row, which keys the config
    reads and which the item has."""
    if not isinstance(error, MissingDataKey):
        return str(error)
    where = place.describe() if place else ""
    tags = "/".join(f"<{tag}>" for tag in error.tags.split("/"))
    others = [f'"{key}"' for key in config.data_keys if key != error.key]
    also = f" (and {', '.join(others)})" if others else ""
    return (f"{error} -- {where}the config's {tags} expects the key \"{error.key}\"{also}; "
            f"{error.present_keys()}")


def media_problem(media):
    """Why an imported image is truncated or unreadable, or None."""
    if not is_checked_image(media.name):
        return None
    data = media.data
    return check_media(media.name, len(data), lambda start, length: data[start:start + length]).problem


def import_items(store, items, config, formats, place=None, duplicates="import"):
    """Store `items` (any iterable) in one transaction; returns 0.8's import summary, with
    `unreadable_files` when images were truncated or unreadable, and `skipped_duplicates` unless
    `duplicates` is "import" (see ProjectStore.import_tasks)."""
    started = time.perf_counter()
    unreadable = []
    stored = store.import_tasks(valid_tasks(items, config, unreadable, place), duplicates)
    new_ids = range(stored["first_id"], stored["last_id"] + 1)
    summary = {
        "task_count": stored["task_count"],
        "completion_count": stored["completion_count"],
        "prediction_count": stored["prediction_count"],
        "duration": round(time.perf_counter() - started, 4),
        "formats": dict(formats),
        "new_task_id_range": [new_ids.start, new_ids.stop - 1] if new_ids else [],
    }
    if len(new_ids) <= defaults.MAX_LISTED_TASK_IDS:
        summary["new_task_ids"] = list(new_ids)
    if unreadable:
        summary["unreadable_files"] = unreadable
    if duplicates != "import":
        summary["skipped_duplicates"] = stored["skipped_duplicates"]
    return summary


class BadKeyMap(LsdeskError, ValueError):
    """A `map` import parameter that is not `file_key:config_key` pairs."""


def parse_key_map(values):
    """{file key: config key} from `file_key:config_key` strings, each possibly a comma-separated list."""
    key_map = {}
    for pair in (part for value in values for part in value.split(",") if part.strip()):
        file_key, colon, config_key = (side.strip() for side in pair.partition(":"))
        if not (colon and file_key and config_key):
            raise BadKeyMap(f"map must be file_key:config_key pairs (e.g. map=sentence:text), got {pair!r}")
        key_map[file_key] = config_key
    return key_map


def _with_keys_mapped(items, key_map):
    """Each dict item with its data keys renamed by key_map (inside "data" when the item has it)."""
    for item in items:
        if isinstance(item, dict):
            if isinstance(item.get("data"), dict):
                item = {**item, "data": {key_map.get(key, key): value for key, value in item["data"].items()}}
            elif "data" not in item:
                item = {key_map.get(key, key): value for key, value in item.items()}
        yield item


DUPLICATES = ("import", "skip", "ask")


def import_files(store, files, config, key_map=None, duplicates="import"):
    """Import (name, binary stream) files as one all-or-nothing transaction; returns the summary.

    `key_map` ({file key: config key}) renames every item's data keys first; `duplicates` is one of DUPLICATES.
    Raises FileDoesNotFit, ImportParseError (a broken file), ImportRejected (invalid items) or
    DuplicatesFound (duplicates="ask" and some tasks' data is already there).
    """
    for name, _stream in files:
        if kind_of(name) in _SINGLE_KEY_KINDS and config is not None and len(config.data_keys) > 1:
            raise FileDoesNotFit(
                f"{name}: your label config has more than one data key ({', '.join(config.data_keys)}), "
                "so a file can't fill a task by itself; import JSON or CSV with a column per key")
    counted = Counter()
    place = ItemPlace()
    series_files = takes_series_files(config)
    items = itertools.chain.from_iterable(_counted_items(name, stream, counted, place, series_files)
                                          for name, stream in files)
    if key_map:
        items = _with_keys_mapped(items, key_map)
    return import_items(store, items, config, counted, place, duplicates)


def takes_series_files(config):
    """Whether a CSV/TSV file is one task's series rather than rows of tasks: the config's only data key is a
    TimeSeries that loads a URL (Label Studio 0.8 stored such a file and made one task pointing at it)."""
    if config is None or len(config.data_keys) != 1:
        return False
    ref = [ref for ref in config.data_refs if ref.key == config.data_keys[0]][-1]
    return ref.tag == "TimeSeries" and (ref.value_type or "url").lower() == "url"


def _counted_items(name, stream, counted, place, series_files=False):
    """The file's items, counting sources as 0.8's `formats` does: items of a JSON body, else files.
    With `series_files` a CSV/TSV file is one item: the file itself, stored and pointed at."""
    place.file, place.number = name, 0
    if name == REQUEST_BODY:
        for place.number, item in enumerate(read_file(name, stream), 1):
            yield item
        if place.number:
            counted["request"] += place.number
        return
    counted[posixpath.splitext(name)[1].lower()] += 1
    if series_files and kind_of(name) in ("csv", "tsv"):
        place.number = 1
        yield MediaFile(name=posixpath.basename(name.replace("\\", "/")), data=stream.read())
        return
    for place.number, item in enumerate(read_file(name, stream), 1):
        yield item
