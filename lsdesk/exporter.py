"""Export: run a converter over the project's tasks as a stream of bytes (for HTTP, the CLI and the window)."""

import mimetypes
import posixpath
import urllib.parse
from pathlib import Path

from lsdesk.formats.archive import zip_stream
from lsdesk.formats.export import FORMATS
from lsdesk.importer import UPLOAD_URL
from lsdesk.storage.files import read_folder_url
from lsdesk.storage.paths import FOLDER_URL


class ProjectMedia:
    """The exporters' view of media: bytes of files kept in the project or in its folders, by their task URL."""

    def __init__(self, store):
        self._store = store

    def read(self, url):
        if isinstance(url, str) and url.startswith(FOLDER_URL):
            return read_folder_url(self._store, url)
        if not isinstance(url, str) or not url.startswith(UPLOAD_URL):
            return None
        name = urllib.parse.unquote(url[len(UPLOAD_URL):])
        if self._store.upload(name) is None:
            return None
        return b"".join(self._store.read_upload(name))

    def filename(self, url):
        return posixpath.basename(urllib.parse.urlsplit(url).path)


def export_stream(store, config, format_name, archive=False, stamp="export"):
    """(file name, content type, byte chunks) of an export; ValueError says why it can't be made."""
    export_format = FORMATS.get(format_name.upper())
    if export_format is None:
        raise ValueError(f"Unknown export format {format_name!r}; use one of {sorted(FORMATS)}")
    reason = export_format.unsupported_reason(config)
    if reason:
        raise ValueError(f"{export_format.name} can't be exported for this label config: {reason}")
    if export_format.from_texts:
        files = export_format.from_texts(store.iter_labeled_task_texts())
    else:
        files = export_format.files(store.iter_tasks(), config, ProjectMedia(store))
    if export_format.single_file and not archive:
        path, chunks = next(iter(files))
        extension = posixpath.splitext(path)[1]
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return f"{stamp}-{export_format.name}{extension}", content_type, chunks
    return f"{stamp}-{export_format.name}.zip", "application/zip", zip_stream(files)


def write_export(chunks, output):
    """Write an export's chunks to `output` through a `.partial` file, so a failed export leaves no file."""
    output = Path(output)
    partial = output.with_name(output.name + ".partial")
    with partial.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    partial.replace(output)
    return output
