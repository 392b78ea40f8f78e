"""Showing a file in the system's file manager (the window's and the browser's "reveal" action)."""

import platform
import shutil
import subprocess
from pathlib import Path


class FileManagerError(Exception):
    """No file manager could be asked to show the file."""


def reveal_commands(path, system=None):
    """(command, answers) pairs that show `path` in the file manager, best first. A command that
    answers is run and judged by its exit code; the others are started and left to run."""
    path = Path(path)
    system = system or platform.system()
    if system == "Darwin":
        return [(["open", "-R", str(path)], True)]
    if system == "Windows":
        return [(["explorer", f"/select,{path}"], False)]
    return [
        # The freedesktop file-manager interface selects the file (Nautilus, Dolphin, Nemo, Thunar...).
        (["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.FileManager1",
          "/org/freedesktop/FileManager1", "org.freedesktop.FileManager1.ShowItems",
          f"array:string:{path.as_uri()}", "string:"], True),
        (["xdg-open", str(path.parent)], False),
    ]


def reveal_in_file_manager(path):
    """Show a file in the system's file manager; FileManagerError when none can be asked."""
    for command, answers in reveal_commands(path):
        if not shutil.which(command[0]):
            continue
        if not answers:
            subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            return
        try:
            finished = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
        except subprocess.TimeoutExpired:
            continue
        if finished.returncode == 0:
            return
    raise FileManagerError(f"No file manager could show {path}: install xdg-utils, or open {Path(path).parent}")
