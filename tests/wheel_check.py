"""lsdesk as a user gets it from a package index: build the sdist and, from it, the wheel; install the
wheel into a fresh virtualenv in a temporary folder; start `lsdesk serve` there, outside the checkout, and
check that the page, every script, stylesheet and module it loads, and one config → import → completion
→ export round trip answer; then open the window from that install (when Xvfb is here).

    python3 -m tests.wheel_check [--venv DIR]     # from the repository root; .ci/run does this

It prints what it checked and exits non-zero on the first failure. tests/test_wheel.py runs the same
checks under pytest, on the virtualenv named by $LSDESK_WHEEL_VENV or on one it builds itself.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tests.client import Client
from tests.desktop_tools import PAGE_SHOWN, Xvfb, evaluate_in_page, free_port, have_xvfb, wait_for, windows

REPO = Path(__file__).resolve().parent.parent
TEXT_CONFIG = ('<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">'
               '<Choice value="Good"/><Choice value="Bad"/></Choices></View>')
# Module specifiers in JavaScript: static imports and re-exports, and any quoted path to a .js file
# (the pages are imported through a table of such paths).
_STATIC_IMPORT = re.compile(r"""(?:^|[;\n])\s*(?:import|export)\s[^;'"]*?\bfrom\s*["']([^"']+)["']""", re.S)
_BARE_IMPORT = re.compile(r"""(?:^|[;\n])\s*import\s*["']([^"']+)["']""")
_QUOTED_MODULE = re.compile(r"""["']((?:\.\.?/|/assets/)[\w./-]+\.js)["']""")


def build(out_dir):
    """The sdist, and the wheel built from it (as pip would from the sdist); returns (wheel, sdist)."""
    run([sys.executable, "-m", "build", "--outdir", str(out_dir), str(REPO)], "build the sdist and the wheel")
    return next(out_dir.glob("lsdesk-*.whl")), next(out_dir.glob("lsdesk-*.tar.gz"))


def install(wheel, venv):
    """A fresh virtualenv at `venv` with the wheel and its dependencies; returns its python."""
    run([sys.executable, "-m", "venv", str(venv)], "make a virtualenv")
    python = venv / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], f"install {wheel.name}")
    return python


def run(command, what, **options):
    finished = subprocess.run(command, capture_output=True, text=True, **options)
    if finished.returncode != 0:
        raise AssertionError(f"could not {what} ({finished.returncode}): {' '.join(command)}\n"
                             f"{finished.stdout[-3000:]}{finished.stderr[-3000:]}")
    return finished.stdout


def _outside_env(**extra):
    """The environment of a user's shell: nothing that would point Python back at the checkout."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTHON", "VIRTUAL_ENV"))}
    return {**env, **extra}


def installed_assets(venv, cwd):
    """Where the installed lsdesk finds its frontend; must be inside the virtualenv."""
    script = "import lsdesk.resources as r; print(r.ASSETS)"
    folder = Path(run([str(venv / "bin" / "python"), "-c", script], "import lsdesk", cwd=cwd, env=_outside_env())
                  .strip())
    if not folder.resolve().is_relative_to(venv.resolve()):
        raise AssertionError(f"the installed lsdesk reads its assets from {folder}, outside {venv}")
    return folder


def missing_from_install(folder):
    """Files of the checkout's assets/ that the install lacks (package-data patterns that miss a file)."""
    def files(root):
        return {path.relative_to(root).as_posix() for path in root.rglob("*")
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"}
    return sorted(files(REPO / "assets") - files(folder))


@contextmanager
def serving(venv, cwd, data_dir):
    """`lsdesk serve --port 0` of the install, run from `cwd`; yields its URL."""
    log = Path(cwd) / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(venv / "bin" / "lsdesk"), "serve", "--port", "0", "--data-dir", str(data_dir)],
                                   cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=_outside_env())
    try:
        yield wait_for(lambda: _announced_url(log, process), 60, "lsdesk serve to print its URL", log.read_text)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _announced_url(log, process):
    match = re.search(r"at (http://127\.0\.0\.1:\d+)", log.read_text())
    if match:
        return match.group(1)
    if process.poll() is not None:
        raise AssertionError(f"lsdesk serve exited with {process.returncode}:\n{log.read_text()}")
    return None


class _PageLinks(HTMLParser):
    """The scripts and stylesheets (and icons, images) a page loads."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img") and attrs.get("src"):
            self.urls.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def module_specifiers(source):
    return {*_STATIC_IMPORT.findall(source), *_BARE_IMPORT.findall(source), *_QUOTED_MODULE.findall(source)}


def check_page(url):
    """GET / and everything it loads, following the modules' imports; returns the paths fetched."""
    client, fetched, queue = Client(url), {}, ["/"]
    while queue:
        path = queue.pop()
        if path in fetched:
            continue
        answer = client.request("GET", path)
        if answer.status != 200:
            raise AssertionError(f"GET {path} answered {answer.status}")
        fetched[path] = answer
        text = answer.raw.decode("utf-8", "replace")
        if path == "/":
            parser = _PageLinks()
            parser.feed(text)
            found = parser.urls
        elif path.endswith(".js"):
            found = module_specifiers(text)
        else:
            continue
        queue += [urlsplit(urljoin(url + path, found_url)).path for found_url in found]
    return sorted(fetched)


def check_shipped_assets(url, folder):
    """Every file the install ships under lsdesk.assets answers 200 at /assets/<path>."""
    client = Client(url)
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix not in (".py", ".pyc"):
            relative = path.relative_to(folder).as_posix()
            status = client.request("GET", f"/assets/{relative}").status
            if status != 200:
                raise AssertionError(f"GET /assets/{relative} answered {status}")


def check_round_trip(url):
    """Config → import → completion → JSON export through the 0.8 API."""
    client = Client(url)
    expect(client.request("POST", "/api/project/config", json_body={"label_config": TEXT_CONFIG}), 201, "config")
    imported = expect(client.request("POST", "/api/project/import", json_body=[{"text": "installed"}]), 201,
                      "import")
    task_id = imported.json["new_task_ids"][0]
    result = [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["Good"]}}]
    expect(client.request("POST", f"/api/tasks/{task_id}/completions", json_body={"result": result}), 201,
           "completion")
    exported = expect(client.request("GET", "/api/project/export?format=JSON"), 200, "export").json
    choices = [item["value"]["choices"] for task in exported for completion in task["completions"]
               for item in completion["result"]]
    if [task["data"] for task in exported] != [{"text": "installed"}] or choices != [["Good"]]:
        raise AssertionError(f"the export does not hold the completion: {exported}")


def expect(answer, status, what):
    if answer.status != status:
        raise AssertionError(f"{what}: expected {status}, got {answer!r}")
    return answer


def check_window(venv, cwd, data_dir):
    """`lsdesk` of the install shows its window (found by title) with the app's page drawn in it."""
    xvfb = Xvfb()
    devtools = free_port()
    log = Path(cwd) / "window.log"
    try:
        with log.open("w") as out:
            process = subprocess.Popen(
                [str(venv / "bin" / "lsdesk"), "--data-dir", str(data_dir)], cwd=cwd, stdout=out,
                stderr=subprocess.STDOUT,
                env=_outside_env(DISPLAY=xvfb.display, QTWEBENGINE_REMOTE_DEBUGGING=f"127.0.0.1:{devtools}"))
        try:
            title = wait_for(lambda: _lsdesk_window(xvfb.display, process, log), 60, "the window", log.read_text)
            wait_for(lambda: evaluate_in_page(devtools, PAGE_SHOWN), 30, "the page in the window", log.read_text)
            process.terminate()
            if process.wait(timeout=30) != 0:
                raise AssertionError(f"the window exited with {process.returncode}:\n{log.read_text()}")
            return title
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
    finally:
        xvfb.stop()


def _lsdesk_window(display, process, log):
    if process.poll() is not None:
        raise AssertionError(f"lsdesk exited with {process.returncode}:\n{log.read_text()}")
    return next((title for title in windows(display) if title.startswith("lsdesk — ")), None)


def check_install(venv, work_dir, say=print):
    """Every check on an installed virtualenv, run from `work_dir` (a folder outside the checkout)."""
    folder = installed_assets(venv, work_dir)
    missing = missing_from_install(folder)
    if missing:
        raise AssertionError(f"the install lacks these files of assets/: {missing}")
    say(f"assets at {folder}, all {sum(1 for _ in (REPO / 'assets').rglob('*.*'))} files of assets/ there")
    with serving(venv, work_dir, work_dir / "serve-data") as url:
        fetched = check_page(url)
        say(f"{url}: / and the {len(fetched) - 1} files it loads answer 200")
        check_shipped_assets(url, folder)
        check_round_trip(url)
        say("config → import → completion → export: 201, 201, 201, 200")
    if have_xvfb():
        say(f"window {check_window(venv, work_dir, work_dir / 'window-data')!r} shows the app")
    else:
        say("window: skipped, Xvfb is not here")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", help="where to make the virtualenv (default: in a new temporary folder)")
    args = parser.parse_args(argv)
    work_dir = Path(tempfile.mkdtemp(prefix="lsdesk-wheel-"))
    venv = Path(args.venv).resolve() if args.venv else work_dir / "venv"
    started = time.monotonic()
    try:
        wheel, sdist = build(work_dir / "dist")
        print(f"built {sdist.name} and {wheel.name}")
        install(wheel, venv)
        print(f"installed into {venv}")
        check_install(venv, work_dir)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    print(f"wheel check passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    try:
        main()
    except AssertionError as error:
        sys.exit(f"wheel check failed: {error}")
