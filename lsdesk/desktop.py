"""The desktop app: the Bottle app in a native pywebview window, the window's JS API, and one window per project file.

`lsdesk` (or `lsdesk FILE`) serves the same app as `lsdesk serve` on a free loopback port
and shows it in a window. A project file is held by at most one running lsdesk: a second
`lsdesk FILE` asks the holder to bring its window to the front and exits.
"""

import hashlib
import importlib
import json
import os
import signal
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

import platformdirs

from lsdesk import __version__
from lsdesk import settings as defaults
from lsdesk.api.project import current_config, serialize
from lsdesk.app import make_app
from lsdesk.desktop_files import ICON, FileManagerError, reveal_in_file_manager
from lsdesk.exporter import export_stream, write_export
from lsdesk.formats.readers import ImportParseError
from lsdesk.importer import FileDoesNotFit, ImportRejected, import_files
from lsdesk.server import make_server
from lsdesk.store.exports import TaskSelection
from lsdesk.store.schema import ProjectFileError
from lsdesk.store.workspace import Workspace

try:
    import fcntl
except ImportError:  # Windows
    import msvcrt

    fcntl = None

DEFAULT_SIZE = (1280, 840)
MIN_SIZE = (720, 480)
# The exit code when no window can open here, so a script can fall back to `lsdesk serve`.
EXIT_NO_WINDOW = 3
# How long a second `lsdesk FILE` waits for a starting lsdesk that holds FILE to answer.
FOCUS_WAIT = 15.0

PROJECT_FILE_TYPES = ("lsdesk projects (*.lsdesk)", "All files (*)")
IMPORT_FILE_TYPES = ("All files (*)", "Task files (*.json;*.jsonl;*.csv;*.tsv;*.txt;*.zip;*.html;*.htm;*.xml)")


class AppNotAnswering(Exception):
    """Another lsdesk holds the file but does not answer."""


# -- one lsdesk per project file ----------------------------------------------------------


class ProjectClaim:
    """This process's hold on one project file: an OS lock, which the OS frees however the
    process ends (so a crash leaves nothing stale), and a note of where the holder answers."""

    def __init__(self, data_dir, path):
        self.path = Path(path)
        folder = Path(data_dir) / "running"
        folder.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha256(str(self.path).encode()).hexdigest()[:20]
        self._lock_path, self._note_path = folder / f"{key}.lock", folder / f"{key}.json"
        self._lock_file = None

    def acquire(self):
        """True if this process holds the file now; False if another process does."""
        if self._lock_file is None:
            handle = open(self._lock_path, "a+b")
            try:
                _lock_exclusively(handle)
            except OSError:
                handle.close()
                return False
            self._lock_file = handle
        return True

    def publish(self, url):
        """Tell a later `lsdesk FILE` where to find us."""
        partial = self._note_path.with_name(f"{self._note_path.name}.{os.getpid()}")
        partial.write_text(json.dumps({"url": url, "pid": os.getpid(), "path": str(self.path)}))
        os.replace(partial, self._note_path)

    def holder_url(self):
        """The URL of the lsdesk holding the file, as it published it (None before it has)."""
        try:
            return json.loads(self._note_path.read_text())["url"]
        except (FileNotFoundError, ValueError, KeyError):
            return None

    def release(self):
        if self._lock_file is not None:
            self._note_path.unlink(missing_ok=True)
            # The lock file stays: deleting it would let two processes lock two different files.
            self._lock_file.close()
            self._lock_file = None


def _lock_exclusively(handle):
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)


def claim_or_focus(claim, wait=FOCUS_WAIT):
    """Take the file (True), or have the lsdesk holding it show its window (False).

    A holder that is still starting has not published its URL yet, so this retries until `wait`
    runs out; a holder that died meanwhile has freed the lock, and the file is ours.
    """
    deadline = time.monotonic() + wait
    while not claim.acquire():
        url = claim.holder_url()
        if url and ask_to_focus(url, claim.path):
            return False
        if time.monotonic() > deadline:
            raise AppNotAnswering(f"{claim.path} is open in another lsdesk that does not answer"
                                  + (f" at {url}" if url else ""))
        time.sleep(0.2)
    return True


def ask_to_focus(url, path):
    """POST /api/desktop/focus to a running lsdesk; True when it showed the window for `path`."""
    request = urllib.request.Request(f"{url}/api/desktop/focus", method="POST",
                                     data=json.dumps({"path": str(path)}).encode(),
                                     headers={"Content-Type": "application/json"})
    # Loopback never goes through a proxy, whatever the environment says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


# -- can a window open here? ----------------------------------------------------------------


def missing_backend():
    """Why no window can open here, as a phrase, or None when one can (as far as can be seen
    without starting the GUI; a failure inside Qt's start is caught by `_exit_on_qt_fatal`)."""
    if not sys.platform.startswith("linux"):
        return None
    if not any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return "there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    try:
        # Loading the module loads the system libraries Qt WebEngine links to.
        importlib.import_module("PyQt6.QtWebEngineWidgets")
    except ImportError as error:
        return f"Qt WebEngine cannot load ({error}); the README lists the system libraries it needs"
    return None


def no_window_message(reason):
    return (f"lsdesk: cannot open a window: {reason}. Run `lsdesk serve` and open the URL it prints "
            "in a browser instead.")


def _name_qt_app():
    """Name the app "lsdesk" however it was started (`python -m lsdesk` would be "__main__.py"),
    so desktops match its windows (the X11 WM_CLASS class, the Wayland app id) with lsdesk.desktop."""
    from PyQt6.QtGui import QGuiApplication

    QGuiApplication.setApplicationName("lsdesk")
    QGuiApplication.setDesktopFileName("lsdesk")


def _raise_qt_window(widget):
    """Raise a Qt window from any thread: QWidget.raise is a slot, so the call is queued to the GUI thread."""
    from PyQt6.QtCore import QMetaObject, Qt

    QMetaObject.invokeMethod(widget, "raise", Qt.ConnectionType.QueuedConnection)


def _exit_on_qt_fatal():
    """Qt aborts the process when its platform plugin cannot start (an unreachable display, a
    missing xcb library); say why in one line and exit instead. Qt's other messages are held
    until the window shows, so a failed start prints nothing else."""
    from PyQt6.QtCore import QtMsgType, qInstallMessageHandler

    held = []

    def handle(kind, _context, message):
        if kind == QtMsgType.QtFatalMsg:
            causes = [note for note in held if "could not connect" in note or "is needed" in note]
            print(no_window_message((causes or [message])[0].splitlines()[0].rstrip(".")),
                  file=sys.stderr, flush=True)
            os._exit(EXIT_NO_WINDOW)
        if held is not None:
            held.append(message)
        else:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handle)

    def window_shown():
        nonlocal held
        for message in held:
            print(message, file=sys.stderr)
        held = None

    return window_shown


# -- the window -------------------------------------------------------------------------------


class DesktopWindow:
    """The window around the app: its title follows the active project, it keeps its project
    file claimed, remembers its size, and comes to the front when asked."""

    def __init__(self, workspace, claim, url):
        self.workspace = workspace
        self.url = url
        self.native = None  # the pywebview window, once shown
        self._claim = claim
        self._claim_lock = threading.Lock()
        self._created = threading.Event()
        self._size = None
        self._state = "restored"  # or "minimized", "maximized": pywebview's names for them
        # Linux gets the Qt backend the package installs; elsewhere pywebview's native one.
        self._gui = "qt" if sys.platform.startswith("linux") else None

    def title(self):
        return f"lsdesk — {self.workspace.active().settings()['title']}"

    def show(self):
        """Open the window on the app and run the GUI until it closes."""
        # Imported here: `lsdesk serve`, `import` and `export` never load a GUI toolkit.
        import webview

        width, height = self.workspace.window_size() or DEFAULT_SIZE
        self.native = webview.create_window(self.title(), self.url, js_api=DesktopApi(self), width=width,
                                            height=height, min_size=MIN_SIZE)
        events = self.native.events
        events.resized += self._remember_size
        events.minimized += lambda: setattr(self, "_state", "minimized")
        events.maximized += lambda: setattr(self, "_state", "maximized")
        events.restored += lambda: setattr(self, "_state", "restored")
        self._created.set()
        if self._gui == "qt":
            _name_qt_app()
            events.shown += _exit_on_qt_fatal()
        webview.start(gui=self._gui, icon=str(ICON))

    def close_when_shown(self, *_signal):
        """Close the window as its close button does, as soon as it has shown: a polite kill
        (SIGTERM) may come before that, and the file must be closed the same way."""
        threading.Thread(target=self._close_when_shown, daemon=True).start()

    def _close_when_shown(self):
        self._created.wait()
        self.native.destroy()  # which waits for the GUI thread to show the window

    def _remember_size(self, width, height):
        self._size = (width, height)

    def save_size(self):
        if self._size:
            self.workspace.remember_window_size(*self._size)

    def focus(self):
        """Bring the window to the front, out of the dock if it was minimized."""
        if self._gui != "qt":
            if self._state == "minimized":
                self.native.restore()
            # Toggling "stay on top" is what raises a window on Cocoa and WinForms.
            self.native.on_top = True
            self.native.on_top = False
        elif self._state == "maximized":
            _raise_qt_window(self.native.native)
        else:
            self.native.restore()  # Qt's restore raises and activates the window too

    def follow_active_project(self):
        """After the active project may have changed: hold its file, and show its title."""
        path = self.workspace.active().path
        with self._claim_lock:
            if self._claim is None or self._claim.path != path:
                claim = ProjectClaim(self.workspace.data_dir, path)
                self.release_claim()
                if claim.acquire():
                    claim.publish(self.url)
                    self._claim = claim
        title = self.title()
        if self.native is not None and self.native.title != title:
            self.native.set_title(title)

    def open_project(self, path):
        """Make `path` this window's project, unless another lsdesk holds it: then that one
        comes to the front. Returns the JS API's answer."""
        path = Path(path).expanduser().resolve()
        if path != self.workspace.active().path:
            claim = ProjectClaim(self.workspace.data_dir, path)
            try:
                if not claim_or_focus(claim, wait=3.0):
                    return {"elsewhere": str(path)}
            except AppNotAnswering as error:
                return {"error": str(error)}
            try:
                self.workspace.open(path)
            except ProjectFileError as error:
                claim.release()
                return {"error": str(error)}
            with self._claim_lock:
                self.release_claim()
                claim.publish(self.url)
                self._claim = claim
        self.follow_active_project()
        return {"project": serialize(self.workspace.active())}

    def create_project(self, title, path):
        try:
            store = self.workspace.create(title, path)
        except ProjectFileError as error:
            return {"error": str(error)}
        self.follow_active_project()
        return {"project": serialize(store)}

    def release_claim(self):
        if self._claim is not None:
            self._claim.release()
            self._claim = None

    def choose_files(self, file_types, multiple=False, directory=""):
        """Paths picked in the native Open dialog ([] when cancelled)."""
        import webview

        chosen = self.native.create_file_dialog(webview.FileDialog.OPEN, directory=str(directory),
                                                allow_multiple=multiple, file_types=file_types)
        return [Path(name) for name in chosen or ()]

    def choose_save_path(self, name, directory=""):
        """The path picked in the native Save dialog, or None when cancelled."""
        import webview

        chosen = self.native.create_file_dialog(webview.FileDialog.SAVE, directory=str(directory),
                                                save_filename=name)
        if not chosen:
            return None
        # Some backends answer a Save dialog with a string, others with a one-item tuple.
        return Path(chosen if isinstance(chosen, str) else chosen[0])

    def choose_folder(self, directory=""):
        """The folder picked in the native folder dialog, or None when cancelled."""
        import webview

        chosen = self.native.create_file_dialog(webview.FileDialog.FOLDER, directory=str(directory))
        if not chosen:
            return None
        return Path(chosen if isinstance(chosen, str) else chosen[0])


def following_project(app, window):
    """The WSGI app, telling the window after each request that may have changed the project."""

    def wrapped(environ, start_response):
        try:
            return app(environ, start_response)
        finally:
            if environ.get("PATH_INFO", "").startswith("/api/project"):
                window.follow_active_project()

    return wrapped


# -- what the pages call inside the window ------------------------------------------------------


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
        except ImportRejected as rejected:
            return {"error": f"Nothing was imported: {len(rejected.errors)} invalid items",
                    "errors": rejected.errors}
        except (ImportParseError, FileDoesNotFit, OSError) as error:
            return {"error": f"Nothing was imported: {error}"}
        return {"summary": summary, "files": [path.name for path in paths]}

    def export_to(self, format, archive=False, all_tasks=False, leave_out_disagreeing=False):
        """Export in `format` (as GET /api/project/export) to a file picked in a dialog. -> {"path": file}"""
        store = self._store()
        selection = TaskSelection(all_tasks=bool(all_tasks), leave_out_disagreeing=bool(leave_out_disagreeing))
        try:
            filename, _type, chunks = export_stream(store, current_config(store), format, archive=bool(archive),
                                                    stamp=time.strftime("%Y-%m-%d-%H-%M-%S"), selection=selection)
        except ValueError as error:
            return {"error": str(error)}
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


def _with_project_suffix(path):
    return path if path.suffix == defaults.PROJECT_SUFFIX else path.with_name(path.name + defaults.PROJECT_SUFFIX)


def _documents_dir():
    return platformdirs.user_documents_dir()


def _folder_of(path, workspace):
    """The project's own folder, unless that is the workspace's hidden one."""
    return _documents_dir() if path.parent == workspace.projects_dir.resolve() else path.parent


# -- starting and stopping --------------------------------------------------------------------


def run(data_dir=None, project=None):
    """`lsdesk [FILE]`: show FILE (default: the last project, or a new one) in a window until it
    closes; returns the exit code."""
    if os.name == "posix" and os.geteuid() == 0:
        # Chromium refuses to sandbox its renderers as root.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    problem = missing_backend()
    if problem:
        print(no_window_message(problem), file=sys.stderr)
        return EXIT_NO_WINDOW
    workspace = Workspace(data_dir)
    try:
        path = _project_path(workspace, project)
        claim = ProjectClaim(workspace.data_dir, path)
        if not claim_or_focus(claim):
            print(f"lsdesk: {path} is already open; brought its window to the front")
            return 0
    except (ProjectFileError, AppNotAnswering) as error:
        workspace.close()
        print(f"lsdesk: {error}", file=sys.stderr)
        return 2
    try:
        return _serve_in_window(workspace, path, claim)
    finally:
        workspace.close()
        claim.release()


def _project_path(workspace, project):
    if project:
        path = Path(project).expanduser().resolve()
        if not path.is_file():
            raise ProjectFileError(f"no such project file: {path}")
        return path
    return workspace.active().path


def _serve_in_window(workspace, path, claim):
    try:
        store = workspace.open(path)
    except ProjectFileError as error:
        print(f"lsdesk: {error}", file=sys.stderr)
        return 2
    server = make_server(defaults.HOST, 0, None)
    port = server.server_address[1]
    url = f"http://{defaults.HOST}:{port}"
    window = DesktopWindow(workspace, claim, url)
    server.set_app(following_project(make_app(workspace, port=port, window=window), window))
    threading.Thread(target=server.serve_forever, name="lsdesk-server", daemon=True).start()
    signal.signal(signal.SIGTERM, window.close_when_shown)
    claim.publish(url)
    print(f"lsdesk {__version__}: serving {store.path} at {url}", flush=True)
    try:
        window.show()
    finally:
        # Stop taking requests, then close the files: closing waits for a write in progress.
        server.shutdown()
        server.server_close()
        window.save_size()
        window.release_claim()
    return 0
