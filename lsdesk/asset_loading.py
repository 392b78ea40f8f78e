"""How the browser gets the frontend's files fast: under a versioned URL it may cache for good, and
listed up front in the page.

The frontend has no build step: each import is a request, and the browser only learns of a module's
imports once it has that module, so a page's modules arrive one level of the import tree at a time.
Listed as <link rel="modulepreload"> in the page, they are all asked for as the page is parsed.
A list that misses a module, or names one the page does not use, costs time, never correctness.

The page loads its files from /v/<version>/assets/..., where the version is a digest of the files'
names, sizes and modification times: the browser keeps them without asking again, and a new lsdesk
(or an edited file) gives new URLs. Modules import each other by relative paths, so they stay in one version.
"""

import hashlib
import os
import re
import threading
import time
from pathlib import Path

# Static imports and re-exports with a path (`import {a} from "./x.js"`, `import "./x.js"`,
# `export {b} from "../y.js"`); dynamic import() is left to the page, which knows when it wants it.
_STATIC_IMPORT = re.compile(r"""^\s*(?:import|export)\s(?:[^;"'`]*?\sfrom\s*)?["']((?:\.{1,2}/|/assets/)[^"']+)["']""",
                            re.MULTILINE)
_TAG = re.compile(r"<\s*([A-Za-z][\w-]*)")
# Config tags that share a module with another tag (as in assets/editor/registry.js).
_TAG_ALIASES = {"audioplus": "audio"}


class ModuleGraph:
    """The static import tree of the modules under `root` (paths relative to it, with "/"), read from
    the files and read again when a file changes."""

    def __init__(self, root):
        self.root = Path(root)
        self._imports = {}  # relative path -> (mtime_ns, size, imported relative paths)
        self._lock = threading.Lock()

    def closure(self, entries):
        """`entries` and every module they import, directly or not, in the order first met (depth-first,
        so that a module comes before what it imports, as the browser would ask for them)."""
        seen, order, stack = set(), [], list(reversed(list(entries)))
        while stack:
            path = stack.pop()
            if path in seen:
                continue
            imports = self._imports_of(path)
            if imports is None:
                continue
            seen.add(path)
            order.append(path)
            stack.extend(reversed(imports))
        return order

    def tag_modules(self, label_config):
        """The tag modules (tags/<name>.js) a label config's tags are drawn with, those that exist."""
        names = dict.fromkeys(name.lower() for name in _TAG.findall(label_config or ""))
        paths = (f"tags/{_TAG_ALIASES.get(name, name)}.js" for name in names)
        return [path for path in dict.fromkeys(paths) if (self.root / path).is_file()]

    def _imports_of(self, path):
        file = self.root / path
        try:
            stat = file.stat()
        except OSError:
            return None
        with self._lock:
            known = self._imports.get(path)
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        imports = [_resolve(path, specifier) for specifier in _STATIC_IMPORT.findall(file.read_text("utf-8"))]
        imports = [found for found in imports if found is not None]
        with self._lock:
            self._imports[path] = (stat.st_mtime_ns, stat.st_size, imports)
        return imports


def _resolve(importer, specifier):
    """The path (relative to the assets root) `specifier` names from the module at `importer`, or None
    when it points outside the assets."""
    if specifier.startswith("/assets/"):
        return specifier[len("/assets/"):]
    parts = importer.split("/")[:-1]
    for part in specifier.split("/"):
        if part == "..":
            if not parts:
                return None
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


class AssetVersion:
    """The version of the files under `root`, read again at most once a second."""

    def __init__(self, root, every=1.0):
        self.root = str(root)
        self.every = every
        self._known = (float("-inf"), "")

    def current(self):
        read_at, version = self._known
        if time.monotonic() - read_at >= self.every:
            version = self._digest()
            self._known = (time.monotonic(), version)
        return version

    def _digest(self):
        digest = hashlib.sha256()
        for folder, folders, files in os.walk(self.root):
            folders[:] = sorted(name for name in folders if name != "__pycache__")
            for name in sorted(files):
                path = os.path.join(folder, name)
                stat = os.stat(path)
                digest.update(f"{os.path.relpath(path, self.root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        return digest.hexdigest()[:16]
