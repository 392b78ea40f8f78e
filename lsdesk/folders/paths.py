"""Names of files under media roots: the URL a task holds, and the only way from that name to a real path.

A task names a file by its root's id and its path relative to the root, never by an absolute path,
so moving the folder takes one "locate" and every task resolves again.
"""

import os
import re
import urllib.parse

from lsdesk.store.folders import FOLDER_URL

# Segments that percent-encoding leaves as they are (most file names): a sync skips quote() for them.
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_.~-]+")


class PathRefused(ValueError):
    """A relative path that does not name a file inside its root; the message says why."""


class PathEscapes(PathRefused):
    """A plain relative path that symlinks lead outside its root."""


def folder_url(root_id, relative):
    """The URL a task holds for a file: each path segment percent-encoded."""
    return f"{FOLDER_URL}{root_id}/" + "/".join(
        segment if _PLAIN_SEGMENT.fullmatch(segment) else urllib.parse.quote(segment, safe="")
        for segment in relative.split("/"))


def parse_folder_url(url):
    """(root id, decoded relative path) of a task's folder URL, or None when it is not one."""
    if not isinstance(url, str) or not url.startswith(FOLDER_URL):
        return None
    root, _, encoded = url[len(FOLDER_URL):].partition("/")
    if not root.isdigit() or not encoded:
        return None
    return int(root), urllib.parse.unquote(encoded)


def check_relative(relative):
    """Refuse anything but a plain '/'-separated path of visible names (no '..', no absolute path)."""
    if not relative:
        raise PathRefused("the file path is empty")
    if "\x00" in relative:
        raise PathRefused("the file path contains a NUL byte")
    if "\\" in relative:
        raise PathRefused("the file path contains a backslash; separate folders with '/'")
    if relative.startswith("/") or os.path.isabs(relative) or os.path.splitdrive(relative)[0]:
        raise PathRefused("the file path must be relative to its folder")
    for segment in relative.split("/"):
        if segment in ("", ".", ".."):
            raise PathRefused(f"the file path has an empty, '.' or '..' segment: {relative!r}")
        if segment.startswith("."):
            raise PathRefused(f"hidden files are not served: {relative!r}")
    return relative


def resolve_inside(root, relative):
    """The real path of `relative` under the directory `root`, after every symlink is followed.

    Raises PathRefused when the name is not a plain relative path or resolves outside the root.
    """
    check_relative(relative)
    real_root = os.path.realpath(root)
    real = os.path.realpath(os.path.join(real_root, *relative.split("/")))
    if not is_inside(real_root, real):
        raise PathEscapes(f"{relative!r} leads outside its folder")
    return real


def is_inside(real_root, real):
    """Whether the resolved path `real` is `real_root` or below it."""
    return real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)


def folder_references(value):
    """(root id, relative path) of every folder URL in task data, however deeply nested."""
    if isinstance(value, str):
        parsed = parse_folder_url(value)
        if parsed is not None:
            yield parsed
    elif isinstance(value, dict):
        for item in value.values():
            yield from folder_references(item)
    elif isinstance(value, list):
        for item in value:
            yield from folder_references(item)
