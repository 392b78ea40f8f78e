"""Start-up time of the desktop app: from `lsdesk FILE` to a window that shows its page and can call Python.

Runs on the display in $DISPLAY, or on a private Xvfb when there is none. Prints a table.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.desktop_tools import PAGE_SHOWN, DesktopApp, Xvfb, wait_for, windows  # noqa: E402
from tests.test_desktop import make_project  # noqa: E402

READY = f"{PAGE_SHOWN} && !!(window.pywebview && window.pywebview.api && window.pywebview.api.open_project)"


def one_start(display, folder, project):
    """(seconds to the URL on stdout, to the window on screen, to a usable page) of one start."""
    started = time.perf_counter()
    app = DesktopApp(display, folder / "logs", str(project), "--data-dir", str(folder / "ws"))
    try:
        served = time.perf_counter() - started
        wait_for(lambda: "lsdesk — Bench" in windows(display), 60, "the window")
        shown = time.perf_counter() - started
        wait_for(lambda: _ready(app), 60, "a usable page")
        usable = time.perf_counter() - started
    finally:
        app.process.terminate()
        app.wait_exit()
    return served, shown, usable


def _ready(app):
    try:
        return app.js(READY)
    except OSError:  # DevTools not listening yet
        return False


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    xvfb = None if os.environ.get("DISPLAY") else Xvfb()
    display = os.environ.get("DISPLAY") or xvfb.display
    try:
        with tempfile.TemporaryDirectory(prefix="lsdesk-bench-") as workdir:
            folder = Path(workdir)
            project = make_project(folder / "bench.lsdesk", "Bench", tasks=[f"task {n}" for n in range(1000)])
            one_start(display, folder, project)  # warm the disk cache, as a user's second start would be
            runs = [one_start(display, folder, project) for _ in range(args.runs)]
    finally:
        if xvfb:
            xvfb.stop()
    print(f"lsdesk desktop start-up, {args.runs} runs after one warm-up, display {display}\n")
    print("| from `lsdesk FILE` to | median | min | max |")
    print("| --- | --- | --- | --- |")
    for name, column in zip(("URL printed", "window on screen", "page shown, JS API ready"), zip(*runs)):
        print(f"| {name} | {statistics.median(column):.2f} s | {min(column):.2f} s | {max(column):.2f} s |")


if __name__ == "__main__":
    main()
