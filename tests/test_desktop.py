"""The desktop app: the window under Xvfb, one window per file, clean exits and crashes, the JS API, the
no-display path, and the Linux desktop files."""

import configparser
import http.server
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from lsdesk.desktop import file_manager, install
from lsdesk.desktop.bridge import DesktopApi
from lsdesk.desktop.claim import ProjectClaim, claim_or_focus
from lsdesk.store.project import ProjectStore
from lsdesk.workspace import Workspace
from tests.conftest import TEXT_CONFIG
from tests.desktop_tools import (XVFB_MISSING, DesktopApp, Xvfb, close_window, have_xvfb, screenshot, wait_for,
                                 windows, xdotool)

SCREENSHOT = Path(__file__).resolve().parent.parent / "docs" / "screenshots" / "desktop.png"


@pytest.fixture(scope="module")
def display():
    if not have_xvfb():
        pytest.skip(XVFB_MISSING)
    xvfb = Xvfb()
    yield xvfb.display
    xvfb.stop()


def make_project(path, title, tasks=()):
    store = ProjectStore(path, create=True)
    store.update_settings({"title": title, "label_config": TEXT_CONFIG})
    if tasks:
        store.import_tasks({"data": {"text": text}} for text in tasks)
    store.close()
    return path


def project_file_state(path):
    """(integrity check, task count) of a project file no one has open."""
    with sqlite3.connect(path) as conn:
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tasks = conn.execute("SELECT count(*) FROM tasks").fetchone()[0]
    conn.close()
    return integrity, tasks


# -- the window ------------------------------------------------------------------------------------


def test_first_run_opens_a_window_that_remembers_its_project_and_size(display, tmp_path):
    workspace = tmp_path / "ws"
    app = DesktopApp(display, tmp_path / "logs", "--data-dir", str(workspace))
    try:
        status, project = app.api("GET", "/api/project")
        assert status == 200 and project["title"] == "My project"
        window_id, width, height = app.window("lsdesk — My project")
        assert (width, height) == (1280, 840)

        with urllib.request.urlopen(app.url + "/projects", timeout=30) as page:
            assert "script-src 'self' 'unsafe-eval';" in page.headers["Content-Security-Policy"]
        app.wait_for_js_api()
        assert sorted(app.js("Object.keys(window.pywebview.api)")) == [
            "choose_folder", "choose_project_file", "export_to", "import_files", "new_project", "open_project",
            "reveal_in_file_manager", "save_copy_as"]
        app.api("POST", "/api/project/config", {"label_config": TEXT_CONFIG})
        assert app.api("POST", "/api/project/import", [{"text": "one"}, {"text": "two"}])[0] == 201
        app.api("PATCH", "/api/project", {"title": "Field notes"})
        app.window("lsdesk — Field notes", timeout=10)
        app.js("location.assign('/tasks')")
        app.wait_for_page()
        picture = tmp_path / "desktop.png"
        screenshot(display, window_id, picture)
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and 10_000 < picture.stat().st_size < 300_000
        if os.environ.get("LSDESK_UPDATE_SCREENSHOTS"):
            shutil.copyfile(picture, SCREENSHOT)

        again = subprocess.run([sys.executable, "-m", "lsdesk", project["path"], "--data-dir", str(workspace)],
                               capture_output=True, text=True, timeout=30, env={**os.environ, "DISPLAY": display})
        assert again.returncode == 0 and "already open; brought its window to the front" in again.stdout
        assert len([title for title in windows(display) if title.startswith("lsdesk —")]) == 1

        xdotool(display, "windowsize", str(window_id), "1000", "700")
        app.wait_for(lambda: windows(display)["lsdesk — Field notes"][1:] == (1000, 700), 10, "the resize")
        close_window(display, window_id)
        assert app.wait_exit() == 0
    finally:
        app.kill()
    assert json.loads((workspace / "workspace.json").read_text())["window_size"] == [1000, 700]
    assert not Path(project["path"] + "-wal").exists()
    assert project_file_state(project["path"]) == ("ok", 2)
    assert not list((workspace / "running").glob("*.json"))

    # The next start shows the same project at the same size; a kill loses no acknowledged write.
    app = DesktopApp(display, tmp_path / "logs", "--data-dir", str(workspace))
    try:
        assert app.api("GET", "/api/project")[1]["task_count"] == 2
        assert app.window("lsdesk — Field notes")[1:] == (1000, 700)
        assert app.api("POST", "/api/project/import", [{"text": "three"}])[0] == 201
    finally:
        app.kill()
    assert project_file_state(project["path"]) == ("ok", 3)
    app = DesktopApp(display, tmp_path / "logs", project["path"], "--data-dir", str(workspace))
    try:
        assert app.api("GET", "/api/project")[1]["task_count"] == 3
    finally:
        app.process.terminate()
        assert app.wait_exit() == 0


def test_two_files_open_in_two_windows_and_a_window_can_switch_files(display, tmp_path):
    birds = make_project(tmp_path / "birds.lsdesk", "Birds")
    cats = make_project(tmp_path / "cats.lsdesk", "Cats")
    dogs = make_project(tmp_path / "dogs.lsdesk", "Dogs")
    workspace = str(tmp_path / "ws")
    first = DesktopApp(display, tmp_path / "logs", str(birds), "--data-dir", workspace)
    second = DesktopApp(display, tmp_path / "logs", str(cats), "--data-dir", workspace)
    try:
        first.window("lsdesk — Birds")
        second.window("lsdesk — Cats")
        first.wait_for_js_api()
        assert first.js(f"window.pywebview.api.open_project({json.dumps(str(cats))})") == {"elsewhere": str(cats)}
        switched = first.js(f"window.pywebview.api.open_project({json.dumps(str(dogs))})")
        assert switched["project"]["title"] == "Dogs"
        first.window("lsdesk — Dogs", timeout=10)
        assert "lsdesk — Birds" not in windows(display)
        released = ProjectClaim(workspace, birds)
        assert released.acquire()
        released.release()
        focused = subprocess.run([sys.executable, "-m", "lsdesk", str(dogs), "--data-dir", workspace],
                                 capture_output=True, text=True, timeout=30, env={**os.environ, "DISPLAY": display})
        assert focused.returncode == 0 and "already open" in focused.stdout
    finally:
        for app in (first, second):
            app.process.terminate()  # SIGTERM closes the window as its close button does
        assert [first.wait_exit(), second.wait_exit()] == [0, 0]


def test_double_clicking_a_project_file_opens_it_after_install_desktop(display, tmp_path):
    if not shutil.which("gio"):
        pytest.skip("gio (Debian libglib2.0-bin) is not installed; .ci/run installs it")
    env = {**os.environ, "DISPLAY": display, "XDG_DATA_HOME": str(tmp_path / "data"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "LSDESK_DATA_DIR": str(tmp_path / "ws")}
    installed = subprocess.run([sys.executable, "-m", "lsdesk", "install-desktop"], capture_output=True, text=True,
                               env=env, timeout=60)
    assert installed.returncode == 0, installed.stderr
    project = make_project(tmp_path / "double click.lsdesk", "Clicked")
    # What a file manager does on a double-click: look up the file's type and its default app, and launch it.
    content_type = subprocess.run(["gio", "info", "-a", "standard::content-type", str(project)], env=env,
                                  capture_output=True, text=True, check=True).stdout
    assert "application/x-lsdesk" in content_type
    launched = tmp_path / "launched.log"
    with launched.open("w") as log:  # the launched lsdesk inherits these
        subprocess.run(["gio", "open", str(project)], env=env, check=True, timeout=30, stdout=log, stderr=log)
    window_id = wait_for(lambda: windows(display).get("lsdesk — Clicked"), 30, "the double-clicked file's window",
                         details=launched.read_text)[0]
    pid = int(xdotool(display, "getwindowpid", str(window_id)))
    close_window(display, window_id)
    wait_for(lambda: not Path(f"/proc/{pid}").exists() or _is_zombie(pid), 30, "lsdesk to exit")
    assert project_file_state(project) == ("ok", 0)


def _is_zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


# -- when no window can open ----------------------------------------------------------------------


def _without_display():
    return {key: value for key, value in os.environ.items()
            if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}


def test_no_display_says_so_in_one_line_and_exits_non_zero(tmp_path):
    run = subprocess.run([sys.executable, "-m", "lsdesk", "--data-dir", str(tmp_path)], capture_output=True,
                         text=True, timeout=60, env=_without_display())
    assert run.returncode == 3
    assert run.stdout == ""
    assert run.stderr == ("lsdesk: cannot open a window: there is no display (neither DISPLAY nor WAYLAND_DISPLAY "
                          "is set). Run `lsdesk serve` and open the URL it prints in a browser instead.\n")


def test_an_unreachable_display_says_so_in_one_line_without_a_traceback(tmp_path):
    run = subprocess.run([sys.executable, "-m", "lsdesk", "--data-dir", str(tmp_path)], capture_output=True,
                         text=True, timeout=60, env={**_without_display(), "DISPLAY": ":4077"})
    assert run.returncode == 3
    assert run.stderr.splitlines() == ["lsdesk: cannot open a window: could not connect to display :4077. "
                                       "Run `lsdesk serve` and open the URL it prints in a browser instead."]


# -- one lsdesk per file ----------------------------------------------------------------------------


def test_a_file_claimed_by_a_running_lsdesk_is_focused_there(tmp_path):
    asked = []

    class RunningLsdesk(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            asked.append((self.path, json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), RunningLsdesk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = tmp_path / "p.lsdesk"
    holder = ProjectClaim(tmp_path, path)
    assert holder.acquire()
    holder.publish(f"http://127.0.0.1:{server.server_address[1]}")
    try:
        assert claim_or_focus(ProjectClaim(tmp_path, path), wait=5) is False
        assert asked == [("/api/desktop/focus", {"path": str(path)})]
    finally:
        holder.release()
        server.shutdown()
    assert claim_or_focus(ProjectClaim(tmp_path, path), wait=5) is True


def test_the_claim_loads_no_gui_toolkit_and_no_http_handler():
    """The single-instance claim runs without a display; nothing in lsdesk.desktop imports lsdesk.api."""
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, lsdesk.desktop.claim; print(sorted(m for m in sys.modules "
         "if m.startswith(('PyQt6', 'webview', 'lsdesk.api', 'lsdesk.app'))))"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "DISPLAY": ""}, check=True)
    assert loaded.stdout.strip() == "[]"
    package = Path(__file__).resolve().parent.parent / "lsdesk" / "desktop"
    assert [path.name for path in package.glob("*.py") if "lsdesk.api" in path.read_text()] == []


def test_pages_served_to_a_browser_allow_no_eval(api):
    assert "script-src 'self';" in api.get("/projects").headers["Content-Security-Policy"]


def test_focus_route_needs_a_window(api):
    answer = api.post("/api/desktop/focus", json={})
    assert answer.status == 404
    assert answer.json["detail"] == "This lsdesk has no window: it runs as `lsdesk serve`"


def test_reveal_route_shows_only_known_project_files(api, tmp_path):
    answer = api.post("/api/desktop/reveal", json={"path": str(tmp_path / "secret.txt")})
    assert answer.status == 404
    assert answer.json["detail"] == f"{tmp_path / 'secret.txt'} is not a project file lsdesk knows"


# -- the JS API, with the dialogs answered by the test ------------------------------------------------


class _AnsweredDialogs:
    """The DesktopWindow surface DesktopApi uses, with dialogs that answer what the test says."""

    def __init__(self, workspace, chosen=(), save_to=None, folder=None):
        self.workspace, self.chosen, self.save_to, self.folder = workspace, list(chosen), save_to, folder
        self.suggested = self.folder_start = None

    def choose_files(self, file_types, multiple=False, directory=""):
        return self.chosen

    def choose_save_path(self, name, directory=""):
        self.suggested = name
        return self.save_to

    def choose_folder(self, directory=""):
        self.folder_start = directory
        return self.folder

    def open_project(self, path):
        self.workspace.open(path)
        return {"project": {"path": str(self.workspace.active().path)}}

    def create_project(self, title, path):
        return {"project": {"title": self.workspace.create(title, path).settings()["title"]}}


@pytest.fixture
def workspace(tmp_path):
    opened = Workspace(tmp_path / "ws")
    store = opened.active()
    store.update_settings({"title": "Notes", "label_config": TEXT_CONFIG})
    store.import_tasks({"data": {"text": text}} for text in ("a", "b", "c"))
    yield opened
    opened.close()


def test_save_copy_as_writes_a_consistent_copy_and_keeps_the_original_open(workspace, tmp_path):
    dialogs = _AnsweredDialogs(workspace, save_to=tmp_path / "copy")
    assert DesktopApi(dialogs).save_copy_as() == {"path": str(tmp_path / "copy.lsdesk")}
    assert dialogs.suggested == "Notes copy.lsdesk"
    assert project_file_state(tmp_path / "copy.lsdesk") == ("ok", 3)
    assert not list(tmp_path.glob("*.partial")) and not (tmp_path / "copy.lsdesk-wal").exists()
    assert workspace.active().path != tmp_path / "copy.lsdesk"


def test_save_copy_as_refuses_to_replace_the_project_itself(workspace):
    dialogs = _AnsweredDialogs(workspace, save_to=workspace.active().path)
    assert DesktopApi(dialogs).save_copy_as() == {
        "error": "A copy can't replace the project itself; choose another name"}


def test_cancelled_dialogs_answer_null(workspace):
    api = DesktopApi(_AnsweredDialogs(workspace))
    assert [api.open_project(), api.new_project(), api.save_copy_as(), api.import_files(),
            api.export_to("JSON_MIN"), api.choose_project_file(), api.choose_folder()] == [None] * 7


def test_choose_project_file_answers_the_picked_path(workspace, tmp_path):
    api = DesktopApi(_AnsweredDialogs(workspace, chosen=[tmp_path / "copy.lsdesk"]))
    assert api.choose_project_file() == {"path": str(tmp_path / "copy.lsdesk")}


def test_choose_folder_starts_at_the_given_folder_and_answers_the_picked_one(workspace, tmp_path):
    dialogs = _AnsweredDialogs(workspace, folder=tmp_path / "photos")
    assert DesktopApi(dialogs).choose_folder(str(tmp_path)) == {"path": str(tmp_path / "photos")}
    assert dialogs.folder_start == str(tmp_path)
    DesktopApi(dialogs).choose_folder(str(tmp_path / "gone"))
    assert dialogs.folder_start != str(tmp_path / "gone")


def test_import_files_imports_the_chosen_files_all_or_nothing(workspace, tmp_path):
    good, bad = tmp_path / "more.csv", tmp_path / "bad.json"
    good.write_text("text\nd\ne\n")
    bad.write_text('[{"text": 1},\n{"x" 2}]')
    api = DesktopApi(_AnsweredDialogs(workspace, chosen=[good]))
    answer = api.import_files()
    assert answer["files"] == ["more.csv"] and answer["summary"]["task_count"] == 2
    answer = DesktopApi(_AnsweredDialogs(workspace, chosen=[good, bad])).import_files()
    assert answer["error"].startswith("Nothing was imported: bad.json: line 2, column 6")
    assert workspace.active().counts()["tasks"] == 5


def test_export_to_writes_the_file_chosen_under_the_suggested_name(workspace, tmp_path):
    dialogs = _AnsweredDialogs(workspace, save_to=tmp_path / "out.json")
    assert DesktopApi(dialogs).export_to("json_min") == {"path": str(tmp_path / "out.json")}
    assert dialogs.suggested.endswith("-JSON_MIN.json")
    assert json.loads((tmp_path / "out.json").read_text()) == []  # an export holds the labeled tasks
    assert DesktopApi(dialogs).export_to("json_min", False, True) == {"path": str(tmp_path / "out.json")}
    assert [row["text"] for row in json.loads((tmp_path / "out.json").read_text())] == ["a", "b", "c"]
    assert DesktopApi(dialogs).export_to("XLS")["error"].startswith("Unknown export format 'XLS'")


def test_new_project_is_created_where_the_user_says(workspace, tmp_path):
    dialogs = _AnsweredDialogs(workspace, save_to=tmp_path / "Birds")
    assert DesktopApi(dialogs).new_project() == {"project": {"title": "Birds"}}
    assert dialogs.suggested == "My project.lsdesk"
    assert workspace.active().path == tmp_path / "Birds.lsdesk"


def test_reveal_refuses_a_file_that_does_not_exist(workspace, tmp_path):
    assert DesktopApi(_AnsweredDialogs(workspace)).reveal_in_file_manager(str(tmp_path / "gone.lsdesk")) == {
        "error": f"{tmp_path / 'gone.lsdesk'} does not exist"}


def test_reveal_commands_select_the_file_on_each_system(tmp_path):
    path = tmp_path / "a b.lsdesk"
    assert file_manager.reveal_commands(path, "Darwin") == [(["open", "-R", str(path)], True)]
    assert file_manager.reveal_commands(path, "Windows") == [(["explorer", f"/select,{path}"], False)]
    linux = file_manager.reveal_commands(path, "Linux")
    assert f"array:string:{path.as_uri()}" in linux[0][0] and linux[1] == (["xdg-open", str(tmp_path)], False)


# -- the workspace remembers for every window ----------------------------------------------------


def test_two_windows_on_one_workspace_keep_each_others_files_and_their_own_project(tmp_path):
    first, second = Workspace(tmp_path / "ws"), Workspace(tmp_path / "ws")
    one = make_project(tmp_path / "one.lsdesk", "One")
    two = make_project(tmp_path / "two.lsdesk", "Two")
    first.open(one)
    second.open(two)
    first.remember_window_size(900, 700)
    assert first.active().path == one and second.active().path == two
    state = json.loads((tmp_path / "ws" / "workspace.json").read_text())
    assert state["opened"] == [str(one), str(two)] and state["window_size"] == [900, 700]
    assert first.last_opened(one) is not None
    first.close()
    second.close()


# -- desktop files ----------------------------------------------------------------------------------


def test_install_desktop_writes_a_valid_entry_mime_type_and_icon(tmp_path):
    data, config = tmp_path / "data", tmp_path / "config"
    config.mkdir()
    (config / "mimeapps.list").write_text("[Default Applications]\ntext/plain=gedit.desktop;\n")
    env = {**os.environ, "XDG_DATA_HOME": str(data), "XDG_CONFIG_HOME": str(config)}
    run = subprocess.run([sys.executable, "-m", "lsdesk", "install-desktop"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert run.returncode == 0, run.stderr

    entry_path = data / "applications" / "lsdesk.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(entry_path)
    fields = entry["Desktop Entry"]
    assert fields["Type"] == "Application" and fields["MimeType"] == "application/x-lsdesk;"
    assert fields["Exec"].endswith(" %f") and fields["Icon"] == "lsdesk" and fields["Terminal"] == "false"
    assert Path(fields["Exec"].split()[0].strip('"')).exists()
    if shutil.which("desktop-file-validate"):
        validated = subprocess.run(["desktop-file-validate", str(entry_path)], capture_output=True, text=True)
        assert validated.returncode == 0 and validated.stdout == "", validated.stdout

    namespace = "{http://www.freedesktop.org/standards/shared-mime-info}"
    mime = ElementTree.parse(data / "mime" / "packages" / "lsdesk.xml").getroot()
    mime_type = mime.find(f"{namespace}mime-type")
    assert mime_type.get("type") == "application/x-lsdesk"
    assert mime_type.find(f"{namespace}glob").get("pattern") == "*.lsdesk"
    for icon in ("apps/lsdesk.svg", "mimetypes/application-x-lsdesk.svg"):
        assert ElementTree.parse(data / "icons" / "hicolor" / "scalable" / icon).getroot().tag.endswith("svg")
    assert (config / "mimeapps.list").read_text() == (
        "[Default Applications]\napplication/x-lsdesk=lsdesk.desktop;\ntext/plain=gedit.desktop;\n")

    run = subprocess.run([sys.executable, "-m", "lsdesk", "uninstall-desktop"], capture_output=True, text=True,
                         env=env, timeout=60)
    assert run.returncode == 0, run.stderr
    assert not entry_path.exists() and not (data / "mime" / "packages" / "lsdesk.xml").exists()
    assert not list((data / "icons").rglob("*.svg"))
    assert (config / "mimeapps.list").read_text() == "[Default Applications]\ntext/plain=gedit.desktop;\n"


def test_exec_line_quotes_what_the_desktop_entry_spec_reserves():
    entry = install.desktop_entry(["/opt/my apps/python", "-m", "lsdesk"])
    assert 'Exec="/opt/my apps/python" -m lsdesk %f' in entry.splitlines()
    assert install.desktop_entry(['/a"b$c']).splitlines()[5] == r'Exec="/a\\"b\\$c" %f'
