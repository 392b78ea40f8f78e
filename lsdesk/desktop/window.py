"""The native window around the app: its title follows the active project, it keeps that project's
file claimed, remembers its size, comes to the front when asked, and opens the native dialogs."""

import sys
import threading
from pathlib import Path

from lsdesk.desktop.bridge import DesktopApi
from lsdesk.desktop.claim import AppNotAnswering, ProjectClaim, claim_or_focus
from lsdesk.desktop.qt import exit_on_qt_fatal, name_qt_app, raise_qt_window
from lsdesk.project_view import serialize
from lsdesk.resources import ICON
from lsdesk.store.schema import ProjectFileError

DEFAULT_SIZE = (1280, 840)
MIN_SIZE = (720, 480)


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
            name_qt_app()
            events.shown += exit_on_qt_fatal()
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
            raise_qt_window(self.native.native)
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
                return {"error": error.message}
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
            return {"error": error.message}
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
