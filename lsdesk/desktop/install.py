"""Installing lsdesk on a Linux desktop: the menu entry, the icon and the *.lsdesk file type.

The install and uninstall functions take the XDG data and config folders to write into, so
tests point them at temporary ones; `install_desktop` and `uninstall_desktop` are the thin
commands over them.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from lsdesk.resources import ICON

APP_ID = "lsdesk"
MIME_TYPE = "application/x-lsdesk"
_DEFAULTS_SECTION = "[Default Applications]"
# Characters an Exec argument may hold without quotes (the Desktop Entry spec's reserved ones need them).
_PLAIN_ARGUMENT = re.compile(r"^[\w/.,:+=@-]+$")


# -- the files ------------------------------------------------------------------------------


def desktop_entry(command):
    """The .desktop entry that starts `command` (a list of arguments) on a double-clicked project file."""
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Name=lsdesk",
        "GenericName=Data labeling",
        "Comment=Label images, text and audio on your own machine",
        f"Exec={' '.join(_exec_argument(argument) for argument in command)} %f",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Office;",
        f"MimeType={MIME_TYPE};",
        "StartupNotify=true",
        f"StartupWMClass={APP_ID}",
        "",
    ])


def _exec_argument(argument):
    """One Exec argument, quoted and escaped as the Desktop Entry spec asks."""
    argument = argument.replace("%", "%%")
    if _PLAIN_ARGUMENT.match(argument):
        return argument
    quoted = re.sub(r'(["`$\\])', r"\\\1", argument)
    # The entry's value is unescaped once more before the Exec rules apply.
    return '"' + quoted.replace("\\", "\\\\") + '"'


def mime_package():
    """The shared-mime-info package that names *.lsdesk files."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<mime-info xmlns="http://www.freedesktop.org/standards/shared-mime-info">
  <mime-type type="{MIME_TYPE}">
    <comment>lsdesk project</comment>
    <sub-class-of type="application/vnd.sqlite3"/>
    <icon name="{MIME_TYPE.replace('/', '-')}"/>
    <glob pattern="*.lsdesk"/>
  </mime-type>
</mime-info>
"""


def with_default_handler(mimeapps, installed):
    """mimeapps.list text with lsdesk as the default for project files (or without any lsdesk default)."""
    lines = [line for line in mimeapps.splitlines() if not line.startswith(f"{MIME_TYPE}=")]
    if installed:
        default = f"{MIME_TYPE}={APP_ID}.desktop;"
        if _DEFAULTS_SECTION in lines:
            lines.insert(lines.index(_DEFAULTS_SECTION) + 1, default)
        else:
            lines += ([""] if lines else []) + [_DEFAULTS_SECTION, default]
    return "\n".join(lines) + "\n" if lines else ""


def file_paths(data_home):
    """Where each installed file goes, under the XDG data folder."""
    icons = Path(data_home) / "icons" / "hicolor" / "scalable"
    return {
        "entry": Path(data_home) / "applications" / f"{APP_ID}.desktop",
        "mime": Path(data_home) / "mime" / "packages" / f"{APP_ID}.xml",
        "icon": icons / "apps" / f"{APP_ID}.svg",
        "file_icon": icons / "mimetypes" / f"{MIME_TYPE.replace('/', '-')}.svg",
    }


def install(data_home, config_home, command):
    """Write the entry, the MIME type, the icons and the default-handler line; returns the paths written."""
    paths = file_paths(data_home)
    for path in paths.values():
        path.parent.mkdir(parents=True, exist_ok=True)
    paths["entry"].write_text(desktop_entry(command))
    paths["mime"].write_text(mime_package())
    shutil.copyfile(ICON, paths["icon"])
    shutil.copyfile(ICON, paths["file_icon"])
    mimeapps = Path(config_home) / "mimeapps.list"
    mimeapps.parent.mkdir(parents=True, exist_ok=True)
    mimeapps.write_text(with_default_handler(_read(mimeapps), installed=True))
    return [*paths.values(), mimeapps]


def uninstall(data_home, config_home):
    """Remove what install() wrote; returns the paths removed or changed."""
    removed = [path for path in file_paths(data_home).values() if path.exists()]
    for path in removed:
        path.unlink()
    mimeapps = Path(config_home) / "mimeapps.list"
    if mimeapps.exists():
        text = _read(mimeapps)
        if with_default_handler(text, installed=False) != text:
            mimeapps.write_text(with_default_handler(text, installed=False))
            removed.append(mimeapps)
    return removed


def _read(path):
    try:
        return path.read_text()
    except FileNotFoundError:
        return ""


# -- the commands -----------------------------------------------------------------------------


def launch_command():
    """How a file manager starts this lsdesk: the self-contained app's own executable, its console
    script, or this Python running the package."""
    if getattr(sys, "frozen", False):
        return [sys.executable]
    script = Path(sys.executable).with_name("lsdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lsdesk"]


def xdg_homes():
    """($XDG_DATA_HOME, $XDG_CONFIG_HOME) with the spec's defaults."""
    home = Path.home()
    return (Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share"),
            Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config"))


def install_desktop():
    data_home, config_home = xdg_homes()
    written = install(data_home, config_home, launch_command())
    _refresh_caches(data_home)
    return written


def uninstall_desktop():
    data_home, config_home = xdg_homes()
    removed = uninstall(data_home, config_home)
    _refresh_caches(data_home)
    return removed


def _refresh_caches(data_home):
    """Desktops read the MIME and application caches, not the files; the tools may be absent."""
    for tool, folder in (("update-mime-database", "mime"), ("update-desktop-database", "applications")):
        if shutil.which(tool) and (Path(data_home) / folder).is_dir():
            subprocess.run([tool, str(Path(data_home) / folder)], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, check=False)
