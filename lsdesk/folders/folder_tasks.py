"""Tasks made from a folder's files: a media file becomes one task whose data key names it by its
folder URL; a file of tasks (.json, .jsonl, .csv, .tsv) becomes the tasks it holds, read and
checked as an import of that file would be."""

import mimetypes
import posixpath
from functools import lru_cache

from lsdesk.formats.readers import ImportParseError, kind_of, read_file
from lsdesk.importer import ImportRejected, valid_tasks
from lsdesk.folders.paths import folder_url

TASK_FILE_KINDS = frozenset({"json", "jsonl", "csv", "tsv"})
# Object tags that show one kind of media, and the MIME type their files have: a sync for such a
# tag takes only those files, so a README or a Thumbs.db beside the photos is not a task.
_MEDIA_OF_TAG = {"Image": "image/", "Audio": "audio/", "AudioPlus": "audio/", "Video": "video/"}
# The data key of a project without a config yet.
_DEFAULT_DATA_KEY = "image"


def is_task_file(relative):
    return kind_of(relative) in TASK_FILE_KINDS


def default_data_key(config):
    """The key media files fill unless a sync names one: the config's first data key."""
    return config.data_keys[0] if config is not None and config.data_keys else _DEFAULT_DATA_KEY


def media_filter(config, data_key):
    """A predicate on relative paths: the media files that `data_key`'s tag can show."""
    prefix = _MEDIA_OF_TAG.get(config.data_types.get(data_key)) if config is not None else None
    if prefix is None:
        return lambda relative: True
    return lambda relative: _mime_of_extension(posixpath.splitext(relative)[1].lower()).startswith(prefix)


@lru_cache(maxsize=256)
def _mime_of_extension(extension):
    return mimetypes.guess_type(f"file{extension}")[0] or ""


def media_task(root_id, relative, data_key):
    """The import item of a media file."""
    return {data_key: folder_url(root_id, relative)}


def tasks_of_file(path, relative, config):
    """(tasks, None) from a file of tasks, or ([], message) when it is broken or any item is invalid."""
    try:
        with open(path, "rb") as stream:
            return list(valid_tasks(read_file(relative, stream), config)), None
    except ImportParseError as error:
        return [], str(error)
    except ImportRejected as rejected:
        shown = "; ".join(rejected.errors[:3]) + ("; ..." if len(rejected.errors) > 3 else "")
        return [], f"{relative}: {shown}"
    except OSError as error:
        return [], f"{relative}: {error.strerror}"
