"""Scanning a folder: every visible file below it (symlinks that stay inside it included), with the
'/'-separated path relative to it, its size and its modification time, in a stable order."""

import fnmatch
import os
import re
import stat
from dataclasses import dataclass

from lsdesk.folders.paths import is_inside


@dataclass(frozen=True, slots=True)
class FoundFile:
    path: str  # relative to the root, '/'-separated
    size: int
    mtime: int  # nanoseconds


class FilterInvalid(ValueError):
    """A glob or regex that cannot be used; `field` names which."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def compile_filter(glob=None, regex=None):
    """A predicate on relative paths; FilterInvalid when the regex does not compile.

    A glob without '/' matches the file name in any folder, one with '/' the whole relative path;
    both ignore case (photos come as IMG_1.JPG as often as img_1.jpg). A regex is searched in the
    relative path.
    """
    pattern = None
    if regex:
        try:
            pattern = re.compile(regex)
        except re.error as error:
            raise FilterInvalid("regex", f"{regex} is not a valid regular expression: {error}") from None
    glob = (glob or "").lower()

    def accepts(relative):
        if glob:
            subject = relative if "/" in glob else relative.rsplit("/", 1)[-1]
            if not fnmatch.fnmatchcase(subject.lower(), glob):
                return False
        return pattern is None or pattern.search(relative) is not None

    return accepts


def scan_folder(root, recursive=True):
    """Yield a FoundFile for each visible regular file under `root`, folder by folder, names sorted.

    Hidden names (a leading '.') are skipped, and so is any symlink that resolves outside the root;
    a folder reached twice through symlinks is read once.
    """
    real_root = os.path.realpath(root)
    seen = {real_root}
    folders = [(real_root, "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relative = prefix + entry.name
            try:
                if entry.is_symlink():
                    target = os.path.realpath(entry.path)
                    if not is_inside(real_root, target):
                        continue
                    info = os.stat(target)
                else:
                    target, info = entry.path, entry.stat()
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                real = os.path.realpath(target)
                if recursive and real not in seen:
                    seen.add(real)
                    subfolders.append((target, relative + "/"))
            elif stat.S_ISREG(info.st_mode):
                yield FoundFile(relative, info.st_size, info.st_mtime_ns)
        # Depth first, in name order.
        folders.extend(reversed(subfolders))
