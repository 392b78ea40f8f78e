"""Export: run a converter over the project's tasks as a stream of bytes (for HTTP, the CLI and the window)."""

import mimetypes
import posixpath
import urllib.parse
from pathlib import Path

from lsdesk.errors import LsdeskError
from lsdesk.formats.archive import zip_stream
from lsdesk.formats.export import FORMATS
from lsdesk.formats.export.items import IMAGE_REGION_CONTROLS, first_object_key
from lsdesk.importer import UPLOAD_URL
from lsdesk.folders.files import folder_file, read_folder_url
from lsdesk.folders.paths import FOLDER_URL, parse_folder_url
from lsdesk.store.exports import TaskSelection

# The formats that leave out a task whose image they cannot read.
IMAGE_FORMATS = ("COCO", "VOC", "YOLO", "YOLO_SEG")
# How many unreadable files the Export page names (it counts them all).
LISTED_MISSING = 20


class ExportRefused(LsdeskError, ValueError):
    """An export that can't be made: an unknown format, or one this label config does not fit."""


class ProjectMedia:
    """The exporters' view of media: bytes of files kept in the project or in its folders, by their task URL."""

    def __init__(self, store):
        self._store = store

    def read(self, url):
        if isinstance(url, str) and url.startswith(FOLDER_URL):
            return read_folder_url(self._store, url)
        name = self._upload_name(url)
        if name is None or self._store.upload(name) is None:
            return None
        return b"".join(self._store.read_upload(name))

    def exists(self, url):
        """Whether read(url) would find the file, without reading it."""
        parsed = parse_folder_url(url)
        if parsed is not None:
            try:
                return folder_file(self._store, *parsed) is not None
            except ValueError:
                return False
        name = self._upload_name(url)
        return name is not None and self._store.upload(name) is not None

    def filename(self, url):
        return posixpath.basename(urllib.parse.urlsplit(url).path)

    @staticmethod
    def _upload_name(url):
        if not isinstance(url, str) or not url.startswith(UPLOAD_URL):
            return None
        return urllib.parse.unquote(url[len(UPLOAD_URL):])


def export_stream(store, config, format_name, archive=False, stamp="export", selection=TaskSelection()):
    """(file name, content type, byte chunks) of an export of the `selection` tasks; ExportRefused says why
    it can't be made."""
    export_format = FORMATS.get(format_name.upper())
    if export_format is None:
        raise ExportRefused(f"Unknown export format {format_name!r}; use one of {sorted(FORMATS)}")
    reason = export_format.unsupported_reason(config)
    if reason:
        raise ExportRefused(f"{export_format.name} can't be exported for this label config: {reason}")
    if export_format.from_texts:
        files = export_format.from_texts(store.iter_labeled_task_texts(selection=selection))
    else:
        files = export_format.files(store.iter_tasks(selection=selection), config, ProjectMedia(store))
    if export_format.single_file and not archive:
        path, chunks = next(iter(files))
        extension = posixpath.splitext(path)[1]
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return f"{stamp}-{export_format.name}{extension}", content_type, chunks
    return f"{stamp}-{export_format.name}.zip", "application/zip", zip_stream(files)


def export_summary(store, config, selection=TaskSelection()):
    """What the Export page tells before a download: how many tasks an export holds, how many disagree without a
    ground truth, and the images the image formats cannot read (their tasks are left out of them)."""
    counts = store.export_counts()
    missing, listed = 0, []
    key = first_object_key(config, {"Image"}, IMAGE_REGION_CONTROLS) if config else None
    if key and any(obj.tag == "Image" for obj in config.objects):
        media = ProjectMedia(store)
        for task_id, url in store.iter_data_values(key, selection):
            if not media.exists(url):
                missing += 1
                if len(listed) < LISTED_MISSING:
                    listed.append({"task_id": task_id, "url": url})
    return {**counts, "missing_images": {"count": missing, "listed": listed, "left_out_of": list(IMAGE_FORMATS)}}


def write_export(chunks, output):
    """Write an export's chunks to `output` through a `.partial` file, so a failed export leaves no file."""
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    with partial.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    partial.replace(output)
    return output
