"""Desktop routes: another lsdesk asks this one to show its window; show a project file in the file manager."""

from pathlib import Path

from lsdesk.api.http import ApiError, json_response, read_json
from lsdesk.desktop.file_manager import FileManagerError, reveal_in_file_manager


def _asked_path():
    body = read_json(required=False) or {}
    path = body.get("path") if isinstance(body, dict) else None
    if path is not None and not isinstance(path, str):
        raise ApiError(400, "path must be a string")
    return Path(path).expanduser().resolve() if path else None


def focus(workspace, window):
    """Bring this app's window to the front, if it shows the file asked for (or any, when none is named)."""
    if window is None:
        raise ApiError(404, "This lsdesk has no window: it runs as `lsdesk serve`")
    path, shown = _asked_path(), workspace.active().path
    if path is not None and path != shown:
        raise ApiError(409, f"This window shows {shown}, not {path}")
    window.focus()
    return json_response({"path": str(shown)})


def reveal(workspace):
    """Open the file manager on a known project file (the active one by default); the server runs on
    the user's own machine, so this is the browser's way to the same action as the window's."""
    path = _asked_path() or workspace.active().path
    if path not in workspace.project_paths() and path != workspace.active().path:
        raise ApiError(404, f"{path} is not a project file lsdesk knows")
    try:
        reveal_in_file_manager(path)
    except FileManagerError as error:
        raise ApiError(503, str(error)) from None
    return json_response({"path": str(path)})
