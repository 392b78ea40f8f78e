"""Reading a file of a root: from its folder when it is there, else from its packed copy."""

import mimetypes
import os
import stat
from dataclasses import dataclass
from typing import Callable, Iterator

from lsdesk.folders.paths import check_relative, parse_folder_url, resolve_inside

# Opened without following a last-moment symlink, where the platform can.
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CHUNK = 1 << 20


@dataclass(frozen=True)
class FolderFile:
    mime: str
    size: int
    etag: str
    on_disk: bool
    read: Callable[[int, int], Iterator[bytes]]  # (start, length) -> the bytes, in chunks


def folder_file(store, root_id, relative):
    """The file `relative` of root `root_id`, or None when neither its folder nor the project has it.

    Raises PathRefused when `relative` is not a plain path inside the root (PathEscapes when
    symlinks lead out of it); nothing outside a root is ever opened.
    """
    check_relative(relative)
    root = store.media_root(root_id)
    if root is None:
        return None
    mime = mimetypes.guess_type(relative)[0] or "application/octet-stream"
    if root["path"] is not None and os.path.isdir(root["path"]):
        real = resolve_inside(root["path"], relative)
        try:
            info = os.stat(real)
        except OSError:
            info = None
        if info is not None and stat.S_ISREG(info.st_mode):
            return FolderFile(mime, info.st_size, f"{info.st_size:x}-{info.st_mtime_ns:x}", True,
                              lambda start, length: _file_chunks(real, start, length))
    packed = store.packed_file(root_id, relative)
    if packed is None:
        return None
    size, sha256 = packed
    return FolderFile(mime, size, sha256, False, lambda start, length: store.read_blob(sha256, start, length))


def read_folder_url(store, url):
    """The bytes of the file a task's folder URL names, or None (exports with images use this)."""
    parsed = parse_folder_url(url)
    if parsed is None:
        return None
    try:
        found = folder_file(store, *parsed)
    except ValueError:
        return None
    return None if found is None else b"".join(found.read(0, found.size))


def _file_chunks(path, start, length):
    """The bytes of a file from `start`; opened now, so a file that just vanished fails before any byte is sent."""
    stream = open(os.open(path, os.O_RDONLY | _NO_FOLLOW), "rb")
    stream.seek(start)
    return _chunks(stream, length)


def _chunks(stream, length):
    with stream:
        while length > 0 and (data := stream.read(min(_CHUNK, length))):
            length -= len(data)
            yield data
