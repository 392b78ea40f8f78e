"""`lsdesk [FILE]`: claim the project file (or hand it to the lsdesk that holds it), serve the app on a
free loopback port, and show it in a window until the window closes."""

import os
import signal
import sys
import threading
from pathlib import Path

from lsdesk import __version__
from lsdesk import settings as defaults
from lsdesk.app import make_app
from lsdesk.desktop.claim import AppNotAnswering, ProjectClaim, claim_or_focus
from lsdesk.desktop.qt import EXIT_NO_WINDOW, missing_backend, no_window_message
from lsdesk.desktop.window import DesktopWindow, following_project
from lsdesk.server import make_server
from lsdesk.store.schema import ProjectFileError
from lsdesk.workspace import Workspace


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
