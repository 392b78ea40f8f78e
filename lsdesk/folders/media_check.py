"""Checking media files where they are: what a sync records of a file, the images a task shows that are
truncated or unreadable, and whether the folder chosen by "Locate" holds the files the project recorded."""

import os
import stat

from lsdesk.formats.image_check import check_media, is_checked_image
from lsdesk.importer import UPLOAD_URL
from lsdesk.folders.files import folder_file
from lsdesk.folders.paths import PathRefused, parse_folder_url, resolve_inside

# A task's media URLs checked for the label page, at most (a task shows one image or a few).
_CHECKED_PER_TASK = 10


def check_file(path, relative, size):
    """The MediaCheck of a file on disk, named `relative` in its folder (read with as few system calls
    as the platform allows: a sync reads every new file)."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        return check_media(relative, size, _descriptor_reader(descriptor))
    finally:
        os.close(descriptor)


def _descriptor_reader(descriptor):
    if hasattr(os, "pread"):
        return lambda start, length: os.pread(descriptor, length, start)

    def read(start, length):
        os.lseek(descriptor, start, os.SEEK_SET)
        return os.read(descriptor, length)
    return read


def task_media_problems(store, data):
    """[{"url", "problem"}] of the images in a task's data, from its folders or uploads, that are truncated
    or unreadable, read now (a file may have been fixed, or cut, since it was synced)."""
    problems = []
    for url in list(_media_urls(data))[:_CHECKED_PER_TASK]:
        found = _stored_file(store, url)
        if found is None:
            continue
        name, size, read = found
        problem = check_media(name, size, read).problem
        if problem:
            problems.append({"url": url, "problem": problem})
    return problems


def _media_urls(value):
    """The distinct folder and upload URLs of checked image formats anywhere in task data."""
    seen = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))
        elif isinstance(item, str) and item not in seen and is_checked_image(item.split("?", 1)[0]) \
                and (item.startswith(UPLOAD_URL) or parse_folder_url(item)):
            seen.add(item)
            yield item


def _stored_file(store, url):
    """(name, size, read) of the file a folder or upload URL names, or None when there is none."""
    if url.startswith(UPLOAD_URL):
        name = url[len(UPLOAD_URL):].split("?", 1)[0]
        upload = store.upload(name)
        if upload is None:
            return None
        _mime, size, sha256 = upload
        return name, size, lambda start, length: b"".join(store.read_blob(sha256, start, length))
    root_id, relative = parse_folder_url(url)
    try:
        found = folder_file(store, root_id, relative)
    except PathRefused:
        return None
    if found is None:
        return None
    return relative, found.size, lambda start, length: b"".join(found.read(start, length))


def locate_differences(folder, recorded):
    """How the files of `folder` differ from what the project recorded of them.

    `recorded` holds (path, size, fingerprint, width, height) rows; a file without a fingerprint (synced
    by an older lsdesk, or named by imported tasks) is compared by size. Returns one entry per file that
    differs: {"path", "differs": [...], "recorded": {...}, "found": {...} or None, "summary"}.
    """
    differences = []
    for path, size, fingerprint, width, height in recorded:
        before = {"size": size, "width": width, "height": height}
        found = _found_file(folder, path, check=fingerprint is not None)
        if found is None:
            differences.append({"path": path, "differs": ["missing"], "recorded": before, "found": None,
                                "summary": "missing"})
            continue
        now, now_fingerprint = found
        differs, said = [], []
        if now["size"] != size:
            differs.append("size")
            said.append(f"size {size:,} → {now['size']:,} bytes")
        if width is not None and (now["width"], now["height"]) != (width, height):
            differs.append("dimensions")
            said.append(f"{width}×{height} → {_pixels(now)} pixels")
        if fingerprint is not None and now_fingerprint != fingerprint:
            differs.append("content")
            if not said:
                said.append("same size, different content")
        if differs:
            differences.append({"path": path, "differs": differs, "recorded": before, "found": now,
                                "summary": "; ".join(said)})
    return differences


def _pixels(found):
    return "unknown" if found["width"] is None else f"{found['width']}×{found['height']}"


def _found_file(folder, relative, check):
    """({"size", "width", "height"}, fingerprint or None) of a file in `folder`, or None when it is not there."""
    try:
        real = resolve_inside(folder, relative)
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode):
            return None
        if not check:
            return {"size": info.st_size, "width": None, "height": None}, None
        checked = check_file(real, relative, info.st_size)
    except (OSError, PathRefused):
        return None
    return {"size": info.st_size, "width": checked.width, "height": checked.height}, checked.fingerprint
