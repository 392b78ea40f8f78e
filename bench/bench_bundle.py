"""The self-contained app beside the pip-installed command: its size (folder and archive, and what
takes the space) and its cold start to a usable window under Xvfb (median of 5).

    python bench/bench_bundle.py [--archive dist/lsdesk-*.tar.gz] [--runs 5]

Build the archive first with `python3 packaging/build.py`. Prints tables.
"""

import argparse
import statistics
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_desktop import READY  # noqa: E402
from tests.desktop_tools import DesktopApp, Xvfb, wait_for, windows  # noqa: E402
from tests.test_desktop import make_project  # noqa: E402


def one_start(display, folder, project, command):
    """Seconds from launching `command FILE` to its window on screen, and to a usable page."""
    started = time.perf_counter()
    app = DesktopApp(display, folder / "logs", str(project), "--data-dir", str(folder / "ws"), command=command,
                     env={"QTWEBENGINE_DISABLE_SANDBOX": "1"})
    try:
        wait_for(lambda: "lsdesk — Bench" in windows(display), 60, "the window")
        shown = time.perf_counter() - started
        wait_for(lambda: _ready(app), 60, "a usable page")
        usable = time.perf_counter() - started
    finally:
        app.process.terminate()
        app.wait_exit()
    return shown, usable


def _ready(app):
    try:
        return app.js(READY)
    except OSError:  # DevTools not listening yet
        return False


def cold_starts(display, folder, command, runs):
    """`runs` starts after one warm-up, each in a fresh workspace: a first start of the process with
    the app's files in the disk cache (what a user's second start of the day sees)."""
    folder.mkdir(parents=True)
    project = make_project(folder / "bench.lsdesk", "Bench", tasks=[f"task {n}" for n in range(1000)])
    one_start(display, folder / "warm-up", project, command)  # reads the files into the disk cache
    return [one_start(display, folder / f"run-{n}", project, command) for n in range(runs)]


def space(folder):
    """Bytes by what they are: the biggest kinds of file in the bundle."""
    kinds = Counter()
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            kinds[kind(path.relative_to(folder).as_posix())] += path.stat().st_size
    return kinds


def kind(name):
    for marker, label in (("libQt6WebEngineCore", "Qt WebEngine (Chromium): libQt6WebEngineCore"),
                          ("qtwebengine_resources", "Qt WebEngine resources (.pak)"),
                          ("icudtl.dat", "Chromium's ICU data (icudtl.dat)"),
                          ("/Qt6/lib/libicu", "Qt's ICU (libicudata, libicuuc, libicui18n)"),
                          ("/Qt6/lib/", "other Qt libraries (Core, Gui, Widgets, Quick, Qml, Network, ...)"),
                          ("/Qt6/plugins/", "Qt plugins"), ("/Qt6/", "other Qt files"), ("PyQt6/", "PyQt6 bindings"),
                          ("base_library.zip", "Python standard library"), ("libpython", "Python runtime"),
                          ("lsdesk/assets/", "lsdesk frontend"), ("lxml/", "lxml"),
                          ("python3.", "Python extension modules")):
        if marker in f"/{name}":
            return label
    if name.count("/") == 1 and ".so" in name:
        return "system libraries brought along (NSS, X11/xcb, glib, OpenSSL, libstdc++, ...)"
    if "/" not in name:
        return "the executable (PyInstaller's loader and the compiled Python modules)"
    return "everything else"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", help="the bundle's archive (default: the one in dist/)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    archive = Path(args.archive) if args.archive else max((REPO / "dist").glob("lsdesk-*.tar.gz"),
                                                         key=lambda path: path.stat().st_mtime)
    pip_command = Path(sys.executable).with_name("lsdesk")
    xvfb = Xvfb()
    try:
        with tempfile.TemporaryDirectory(prefix="lsdesk-bench-") as workdir:
            folder = Path(workdir)
            with tarfile.open(archive) as packed:
                packed.extractall(folder / "unpacked", filter="tar")
            bundle = folder / "unpacked" / "lsdesk"
            kinds = space(bundle)
            timings = {"bundle": cold_starts(xvfb.display, folder / "bundle", [str(bundle / "lsdesk")], args.runs),
                       "pip": cold_starts(xvfb.display, folder / "pip", [str(pip_command)], args.runs)}
    finally:
        xvfb.stop()
    total = sum(kinds.values())
    print(f"lsdesk bundle {archive.name}\n")
    print("| size | MB |\n| --- | --- |")
    print(f"| folder | {total / 1e6:.1f} |\n| archive (.tar.gz) | {archive.stat().st_size / 1e6:.1f} |\n")
    print("| what takes the space (folder) | MB | share |\n| --- | --- | --- |")
    for label, size in kinds.most_common():
        print(f"| {label} | {size / 1e6:.1f} | {size / total:.0%} |")
    print(f"\nstart of `COMMAND FILE` (1,000 tasks) under Xvfb, {args.runs} runs after one warm-up, each with a "
          "fresh workspace\n")
    print("| command | window on screen (median) | usable page (median) | min–max usable |")
    print("| --- | --- | --- | --- |")
    for name, label in (("bundle", "bundle: lsdesk/lsdesk"), ("pip", f"pip install: {pip_command}")):
        shown, usable = zip(*timings[name])
        print(f"| {label} | {statistics.median(shown):.2f} s | {statistics.median(usable):.2f} s | "
              f"{min(usable):.2f}–{max(usable):.2f} s |")


if __name__ == "__main__":
    main()
