"""The workspace: a data directory of project files, which one is active, and files opened from elsewhere.

It opens every project file the app uses, so it attaches what keeps folders in step with the file."""

import getpass
import json
import os
import re
import threading
import time
import uuid
from pathlib import Path

import platformdirs

from lsdesk import settings as defaults
from lsdesk.folders import completions_folder
from lsdesk.store.project import ProjectStore
from lsdesk.store.schema import ProjectFileError


def _resolved(path):
    """The absolute form of a project file's path; ProjectFileError for a name no file can have."""
    try:
        return Path(path).expanduser().resolve()
    except (ValueError, OSError) as error:
        raise ProjectFileError(f"{path!r} cannot be a file name ({error})") from None


def default_data_dir():
    return Path(os.environ.get("LSDESK_DATA_DIR") or platformdirs.user_data_dir("lsdesk"))


class Workspace:
    """Project files under `<data_dir>/projects`, plus any opened by path. Thread-safe."""

    def __init__(self, data_dir=None):
        self.data_dir = Path(data_dir or default_data_dir())
        self.projects_dir = self.data_dir / "projects"
        self.projects_dir.mkdir(parents=True, exist_ok=True)
        self._state_path = self.data_dir / "workspace.json"
        self._tokens_path = self.data_dir / "server-tokens.json"
        self._lock = threading.RLock()
        self._open = {}
        self._state = self._load_state()

    # -- remembered state ----------------------------------------------------------------

    def _load_state(self):
        try:
            state = json.loads(self._state_path.read_text())
        except (FileNotFoundError, ValueError):
            state = {}
        state.setdefault("active", None)
        state.setdefault("opened", [])
        state.setdefault("annotator", getpass.getuser())
        return state

    def _change_state(self, change):
        """Apply `change` to the state on disk: several lsdesk windows share one workspace.json,
        each with its own active project."""
        with self._lock:
            state = {**self._load_state(), "active": self._state["active"]}
            change(state)
            self._state = state
            tmp = self._state_path.with_name(f"{self._state_path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(state, indent=2))
            os.replace(tmp, self._state_path)

    @property
    def annotator(self):
        return self._state["annotator"]

    @property
    def annotator_confirmed(self):
        """Whether the user chose the display name (the default is the OS login)."""
        return self._state.get("annotator_confirmed", False)

    def set_annotator(self, name):
        self._change_state(lambda state: state.update(annotator=name, annotator_confirmed=True))

    def window_size(self):
        """(width, height) of the desktop window when it last closed, or None."""
        size = self._state.get("window_size")
        return tuple(size) if size else None

    def remember_window_size(self, width, height):
        self._change_state(lambda state: state.update(window_size=[int(width), int(height)]))

    def last_opened(self, path):
        """When a project file was last made active (Unix seconds), or None."""
        return self._state.get("last_opened", {}).get(str(path))

    # -- Label Studio servers' tokens ------------------------------------------------------------
    # Kept beside workspace.json, readable by the user only, never in a project file (a copy must not carry them).

    def server_token(self, url):
        try:
            return json.loads(self._tokens_path.read_text()).get(url)
        except (FileNotFoundError, ValueError):
            return None

    def remember_server_token(self, url, token):
        with self._lock:
            try:
                tokens = json.loads(self._tokens_path.read_text())
            except (FileNotFoundError, ValueError):
                tokens = {}
            tokens[url] = token
            tmp = self._tokens_path.with_name(f"{self._tokens_path.name}.{os.getpid()}.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as file:
                json.dump(tokens, file, indent=2)
            os.replace(tmp, self._tokens_path)

    # -- projects --------------------------------------------------------------------------

    def active(self):
        """The active project, opening or creating one on first use."""
        with self._lock:
            path = self._state["active"]
            if path and Path(path).exists():
                try:
                    return self.open(path)
                except ProjectFileError:
                    pass
            existing = sorted(self.projects_dir.glob(f"*{defaults.PROJECT_SUFFIX}"))
            if existing:
                return self.open(existing[0])
            return self.create(defaults.DEFAULT_PROJECT_TITLE)

    def open(self, path):
        """Open a project file (any path) and make it the active project."""
        path = _resolved(path)
        with self._lock:
            store = self._open.get(path)
            if store is None:
                store = completions_folder.attach(ProjectStore(path))
                self._open[path] = store
            self._remember(path)
            return store

    def create(self, title, path=None):
        """Create a project file (in the workspace unless `path` says where) and make it active."""
        with self._lock:
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "project"
            path = Path(path or self.projects_dir / f"{slug}-{uuid.uuid4().hex[:8]}{defaults.PROJECT_SUFFIX}")
            path = path.expanduser().resolve()
            store = completions_folder.attach(ProjectStore(path, create=True))
            store.update_settings({"title": title})
            self._open[path] = store
            self._remember(path)
            return store

    def delete_project(self, path):
        """Close a project file and delete it with its -wal and -shm, and forget it. When it was the active
        one, the most recently opened other project becomes active (or none: active() makes a new one).
        Returns the active project's path, or None."""
        path = _resolved(path)
        with self._lock:
            store = self._open.pop(path, None)
            if store is not None:
                store.close()
            for leftover in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))):
                leftover.unlink(missing_ok=True)

            def forget(state):
                state["opened"] = [p for p in state["opened"] if p != str(path)]
                state.get("last_opened", {}).pop(str(path), None)
                if state["active"] == str(path):
                    state["active"] = self._most_recent(state)

            self._change_state(forget)
            return Path(self._state["active"]) if self._state["active"] else None

    def _most_recent(self, state):
        """The known project file opened last (never-opened ones last), as a string, or None."""
        paths = self.project_paths()
        opened = state.get("last_opened", {})
        return str(max(paths, key=lambda p: opened.get(str(p), 0))) if paths else None

    def _remember(self, path):
        def change(state):
            state["active"] = str(path)
            state.setdefault("last_opened", {})[str(path)] = int(time.time())
            if path.parent != self.projects_dir.resolve() and str(path) not in state["opened"]:
                state["opened"].append(str(path))

        self._change_state(change)

    def project_paths(self):
        """Every known project file that still exists: the workspace's, then those opened from elsewhere."""
        paths = sorted(p.resolve() for p in self.projects_dir.glob(f"*{defaults.PROJECT_SUFFIX}"))
        paths += [Path(p) for p in self._state["opened"] if Path(p).exists() and Path(p) not in paths]
        return paths

    def find(self, project_uuid, path=None):
        """Paths of known projects with this uuid (a copy beside its original shares it)."""
        try:
            wanted = _resolved(path) if path else None
        except ProjectFileError:
            return []
        matches = []
        for candidate in self.project_paths():
            if wanted and candidate != wanted:
                continue
            try:
                if self.open_quietly(candidate).settings().get("uuid") == project_uuid:
                    matches.append(candidate)
            except ProjectFileError:
                continue
        return matches

    def forget(self, path):
        """Close a project file the workspace opened (a clone that failed before it was whole)."""
        path = _resolved(path)
        with self._lock:
            store = self._open.pop(path, None)
            if store is not None:
                store.close()
            self._change_state(lambda state: state.update(
                active=None if state["active"] == str(path) else state["active"],
                opened=[p for p in state["opened"] if p != str(path)]))
            if self._state["active"] == str(path):
                self._state["active"] = None

    def open_quietly(self, path):
        """Open a file for reading its summary without making it active."""
        path = Path(path).resolve()
        with self._lock:
            store = self._open.get(path)
            if store is None:
                store = completions_folder.attach(ProjectStore(path))
                self._open[path] = store
            return store

    def close(self):
        with self._lock:
            for store in self._open.values():
                store.close()
            self._open.clear()
