"""The self-contained app (packaging/): built by its one command from a clean clone of this repository,
unpacked into a read-only folder whose path has spaces and non-ASCII characters, and run under Xvfb with
no Python on PATH and no PYTHONPATH/PYTHONHOME: the window on the last project and on a file given on
the command line, `serve` with a round trip over HTTP, `import`, `export` and `merge`, and
`install-desktop` followed by a double-click (gio open). Nothing may be written inside the bundle.

The build takes minutes, so these run only when LSDESK_BUNDLE_TEST=1 (.ci/run sets it);
LSDESK_BUNDLE_ARCHIVE=PATH tests an archive built before instead of building one.
"""

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from lsdesk.desktop import install
from lsdesk.store.project import ProjectStore
from tests import wheel_check
from tests.conftest import TEXT_CONFIG
from tests.desktop_tools import XVFB_MISSING, DesktopApp, Xvfb, close_window, have_xvfb, wait_for, windows, xdotool

REPO = Path(__file__).resolve().parent.parent
# The tools the bundle itself may start (gio for the double-click; install-desktop refreshes the caches).
TOOLS = ("gio", "update-mime-database", "update-desktop-database")


def test_install_desktop_registers_the_frozen_apps_own_executable(monkeypatch, tmp_path):
    app = tmp_path / "Mes outils é" / "lsdesk" / "lsdesk"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(app))
    assert install.launch_command() == [str(app)]
    entry = install.desktop_entry(install.launch_command())
    assert f'Exec="{app}" %f' in entry.splitlines()


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    """The unpacked app's executable, in a read-only folder named with spaces and non-ASCII characters."""
    if os.environ.get("LSDESK_BUNDLE_TEST") != "1":
        pytest.skip("builds the self-contained app (minutes of CPU); set LSDESK_BUNDLE_TEST=1 to run it "
                    "(.ci/run does)")
    if not have_xvfb():
        pytest.skip(XVFB_MISSING)
    root = tmp_path_factory.mktemp("bundle")
    archive = os.environ.get("LSDESK_BUNDLE_ARCHIVE")
    archive = Path(archive) if archive else build_from_clean_clone(root)
    unpacked = root / "Outils d'annotation — été" / "my apps"
    unpacked.mkdir(parents=True)
    with tarfile.open(archive) as packed:
        packed.extractall(unpacked, filter="tar")
    folder = unpacked / "lsdesk"
    set_writable(folder, False)
    before = snapshot(folder)
    try:
        yield folder / "lsdesk"
        assert snapshot(folder) == before, "the app wrote inside its own folder"
    finally:
        set_writable(folder, True)


def build_from_clean_clone(root):
    checkout = root / "checkout"
    if (REPO / ".git").exists() and shutil.which("git"):
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(checkout)], check=True)
    else:  # a source tree without git: the same files less what builds and installs leave behind
        shutil.copytree(REPO, checkout, ignore=shutil.ignore_patterns(
            ".git", ".venv", ".ls-venv", "build", "dist", "__pycache__", "*.egg-info", ".pytest_cache"))
    built = subprocess.run([sys.executable, "packaging/build.py", "--out", str(root / "out")], cwd=checkout,
                           capture_output=True, text=True, timeout=3600)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    archives = list((root / "out").glob("lsdesk-*-linux-*.tar.gz"))
    assert len(archives) == 1 and "archive:" in built.stdout, built.stdout
    shutil.rmtree(checkout)  # the build virtualenv alone is ~1 GB
    return archives[0]


def set_writable(folder, writable):
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            mode = path.stat().st_mode
            path.chmod(mode | 0o200 if writable else mode & ~0o222)


def snapshot(folder):
    return {str(path.relative_to(folder)): (path.lstat().st_size, path.lstat().st_mtime_ns)
            for path in folder.rglob("*")}


@pytest.fixture(scope="module")
def display(bundle):
    xvfb = Xvfb()
    yield xvfb.display
    xvfb.stop()


@pytest.fixture
def user(tmp_path):
    """A user's environment with no Python in it: a PATH of only the tools the app may start, its own
    home and XDG folders, no PYTHON* variables."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in TOOLS:
        if shutil.which(tool):
            (tools / tool).symlink_to(shutil.which(tool))
    env = {"PATH": str(tools), "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8",
           "XDG_DATA_HOME": str(tmp_path / "home" / "data"), "XDG_CONFIG_HOME": str(tmp_path / "home" / "config"),
           "XDG_CACHE_HOME": str(tmp_path / "home" / "cache"), "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    if os.environ.get("XDG_DATA_DIRS"):
        env["XDG_DATA_DIRS"] = os.environ["XDG_DATA_DIRS"]
    assert not any(shutil.which(name, path=env["PATH"]) for name in ("python", "python3"))
    return env


def run(bundle, user, *args, **options):
    finished = subprocess.run([str(bundle), *args], env=user, capture_output=True, text=True, timeout=120,
                              **options)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    return finished.stdout


def make_project(path, title):
    store = ProjectStore(path, create=True)
    store.update_settings({"title": title, "label_config": TEXT_CONFIG})
    store.close()
    return path


@pytest.mark.bundle
def test_the_window_opens_on_the_last_project_and_on_a_file_given_on_the_command_line(bundle, display, user,
                                                                                      tmp_path):
    app = DesktopApp(display, tmp_path / "logs", command=[str(bundle)], base_env=user)
    try:
        app.window("lsdesk — My project", timeout=60)
        app.wait_for_page()
        app.api("PATCH", "/api/project", {"title": "Last one"})
        app.window("lsdesk — Last one")
    finally:
        app.process.terminate()
        assert app.wait_exit() == 0
    # The default workspace is in the user data directory.
    assert list((Path(user["XDG_DATA_HOME"]) / "lsdesk").rglob("*.lsdesk"))
    app = DesktopApp(display, tmp_path / "logs", command=[str(bundle)], base_env=user)
    try:
        app.window("lsdesk — Last one", timeout=60)
    finally:
        app.process.terminate()
        assert app.wait_exit() == 0

    project = make_project(tmp_path / "Vögel und Fische.lsdesk", "Vögel")
    app = DesktopApp(display, tmp_path / "logs", str(project), command=[str(bundle)], base_env=user)
    try:
        app.window("lsdesk — Vögel", timeout=60)
        app.wait_for_page()
        assert app.api("GET", "/api/project")[1]["path"] == str(project)
    finally:
        app.process.terminate()
        assert app.wait_exit() == 0


@pytest.mark.bundle
def test_serve_answers_the_page_and_a_round_trip_and_the_file_commands_work(bundle, user, tmp_path):
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(bundle), "serve", "--port", "0", "--data-dir", str(tmp_path / "ws")],
                                  env=user, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = wait_for(lambda: wheel_check._announced_url(log, server), 60, "lsdesk serve's URL", log.read_text)
        assert "/" in wheel_check.check_page(url)
        wheel_check.check_round_trip(url)
    finally:
        server.terminate()
        assert server.wait(timeout=30) == 0

    project = make_project(tmp_path / "à trier.lsdesk", "Sorting")
    tasks = tmp_path / "tâches.json"
    result = [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Positive"]}}]
    tasks.write_text(json.dumps([{"data": {"text": "un"}, "completions": [{"result": result}]},
                                 {"data": {"text": "deux"}}]))
    data_dir = ["--data-dir", str(tmp_path / "ws")]
    assert "imported 2 tasks" in run(bundle, user, "import", str(tasks), "--project", str(project), *data_dir)
    exported = tmp_path / "export.json"
    run(bundle, user, "export", "--format", "JSON", "-o", str(exported), "--project", str(project), *data_dir)
    assert [task["data"]["text"] for task in json.loads(exported.read_text())] == ["un"]
    copy = tmp_path / "copie.lsdesk"
    shutil.copyfile(project, copy)
    merged = tmp_path / "fusion.lsdesk"
    run(bundle, user, "merge", str(project), str(copy), "-o", str(merged))
    assert merged.is_file()


@pytest.mark.bundle
def test_install_desktop_registers_the_bundle_and_a_double_click_opens_a_project(bundle, display, user, tmp_path):
    if not shutil.which("gio"):
        pytest.skip("gio (Debian libglib2.0-bin) is not installed; .ci/run installs it")
    env = {**user, "DISPLAY": display, "LSDESK_DATA_DIR": str(tmp_path / "ws")}
    run(bundle, env, "install-desktop")
    entry = (Path(user["XDG_DATA_HOME"]) / "applications" / "lsdesk.desktop").read_text()
    assert f'Exec="{bundle}" %f' in entry.splitlines()
    project = make_project(tmp_path / "double click é.lsdesk", "Clicked")
    launched = tmp_path / "launched.log"
    with launched.open("w") as log:
        subprocess.run(["gio", "open", str(project)], env=env, check=True, timeout=30, stdout=log, stderr=log)
    window_id = wait_for(lambda: windows(display).get("lsdesk — Clicked"), 60, "the double-clicked file's window",
                         details=launched.read_text)[0]
    pid = int(xdotool(display, "getwindowpid", str(window_id)))
    assert Path(f"/proc/{pid}/exe").resolve() == bundle.resolve()
    close_window(display, window_id)
    wait_for(lambda: not Path(f"/proc/{pid}").exists() or _is_zombie(pid), 30, "lsdesk to exit")


def _is_zombie(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True
