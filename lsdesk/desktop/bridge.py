"""What the pages call inside the window (window.pywebview.api): native dialogs around the same code
the HTTP API runs."""

import os
import time
from contextlib import ExitStack
from pathlib import Path

import platformdirs

from lsdesk import settings as defaults
from lsdesk.desktop.claim import ProjectClaim
from lsdesk.desktop.file_manager import FileManagerError, reveal_in_file_manager
from lsdesk.errors import LsdeskError
from lsdesk.exporter import export_stream, write_export
from lsdesk.importer import import_files
from lsdesk.project_view import current_config
from lsdesk.store.exports import TaskSelection

PROJECT_FILE_TYPES = ("lsdesk projects (*.lsdesk)", "All files (*)")
IMPORT_FILE_TYPES = ("All files (*)", "Task files (*.json;*.jsonl;*.csv;*.tsv;*.txt;*.zip;*.html;*.htm;*.xml)")


class DesktopApi:
    """window.pywebview.api.<name>(...): native dialogs around the same code the HTTP API runs.

    Each call runs in its own thread and resolves to null when the user cancels a dialog,
    {"error": message} when it fails, or the object its docstring names.
    """

    def __init__(self, window):
        self._window = window

    def _store(self):
        return self._window.workspace.active()

    def open_project(self, path=None):
        """Open a project file (`path`, or one picked in a dialog) in this window.
        -> {"project": GET /api/project} | {"elsewhere": path} when another window has it (now in front)."""
        if not path:
            chosen = self._window.choose_files(PROJECT_FILE_TYPES, directory=_documents_dir())
            if not chosen:
                return None
            path = chosen[0]
        return self._window.open_project(path)

    def choose_project_file(self):
        """A project file picked in the native Open dialog, e.g. the copy to merge. -> {"path": file}"""
        chosen = self._window.choose_files(PROJECT_FILE_TYPES, directory=_documents_dir())
        return {"path": str(chosen[0])} if chosen else None

    def choose_folder(self, start=""):
        """A folder picked in the native dialog, opened at `start` when that is a folder. -> {"path": folder}"""
        chosen = self._window.choose_folder(start if start and os.path.isdir(start) else _documents_dir())
        return {"path": str(chosen)} if chosen else None

    def new_project(self, title=None):
        """Create a project file where the user says and make it this window's. -> {"project": ...}"""
        suggested = f"{title or defaults.DEFAULT_PROJECT_TITLE}{defaults.PROJECT_SUFFIX}"
        path = self._window.choose_save_path(suggested, _documents_dir())
        if path is None:
            return None
        path = _with_project_suffix(path)
        return self._window.create_project(title or path.stem, path)

    def save_copy_as(self):
        """Write a consistent copy of the open project (SQLite's backup API) where the user says.
        The window stays on the original. -> {"path": copy}"""
        store = self._store()
        suggested = f"{store.settings()['title']} copy{defaults.PROJECT_SUFFIX}"
        path = self._window.choose_save_path(suggested, _folder_of(store.path, self._window.workspace))
        if path is None:
            return None
        path = _with_project_suffix(path).resolve()
        if path == store.path:
            return {"error": "A copy can't replace the project itself; choose another name"}
        # Replacing a file that another window has open would pull it from under that window.
        replaced = ProjectClaim(self._window.workspace.data_dir, path)
        if path.exists() and not replaced.acquire():
            return {"error": f"{path} is open in another lsdesk window; close it first"}
        try:
            return {"path": str(store.save_copy(path))}
        except OSError as error:
            return {"error": f"Could not write {path}: {error.strerror or error}"}
        finally:
            replaced.release()

    def import_files(self):
        """Import files picked in a dialog, all or nothing, as POST /api/project/import does.
        -> {"summary": the import answer, "files": [names]}; a rejected import also has "errors": [...]."""
        paths = self._window.choose_files(IMPORT_FILE_TYPES, multiple=True, directory=_documents_dir())
        if not paths:
            return None
        store = self._store()
        try:
            with ExitStack() as opened:
                files = [(path.name, opened.enter_context(path.open("rb"))) for path in paths]
                summary = import_files(store, files, current_config(store))
        except LsdeskError as error:
            return _failure(error, "Nothing was imported: ")
        except OSError as error:
            return {"error": f"Nothing was imported: {error}"}
        return {"summary": summary, "files": [path.name for path in paths]}

    def export_to(self, format, archive=False, all_tasks=False, leave_out_disagreeing=False):
        """Export in `format` (as GET /api/project/export) to a file picked in a dialog. -> {"path": file}"""
        store = self._store()
        selection = TaskSelection(all_tasks=bool(all_tasks), leave_out_disagreeing=bool(leave_out_disagreeing))
        try:
            filename, _type, chunks = export_stream(store, current_config(store), format, archive=bool(archive),
                                                    stamp=time.strftime("%Y-%m-%d-%H-%M-%S"), selection=selection)
        except LsdeskError as error:
            return _failure(error)
        path = self._window.choose_save_path(filename, _documents_dir())
        if path is None:
            return None
        try:
            return {"path": str(write_export(chunks, path))}
        except OSError as error:
            return {"error": f"Could not write {path}: {error.strerror or error}"}

    def reveal_in_file_manager(self, path=None):
        """Show a project file (the open one by default) in the file manager. -> {"path": file}"""
        path = Path(path) if path else self._store().path
        if not path.exists():
            return {"error": f"{path} does not exist"}
        try:
            reveal_in_file_manager(path)
        except FileManagerError as error:
            return {"error": str(error)}
        return {"path": str(path)}


def _failure(error, doing=""):
    """An LsdeskError as the CLI prints it too: its message, and its details (the page lists them under it)."""
    return {"error": f"{doing}{error.message}", **({"errors": error.details} if error.details else {})}


def _with_project_suffix(path):
    return path if path.suffix == defaults.PROJECT_SUFFIX else path.with_name(path.name + defaults.PROJECT_SUFFIX)


def _documents_dir():
    return platformdirs.user_documents_dir()


def _folder_of(path, workspace):
    """The project's own folder, unless that is the workspace's hidden one."""
    return _documents_dir() if path.parent == workspace.projects_dir.resolve() else path.parent
