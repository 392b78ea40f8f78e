"""Build the self-contained lsdesk for the platform this runs on, from the checkout it sits in:

    python3 packaging/build.py [--out DIR]

It installs lsdesk (not editable) with its `build` extra into a build virtualenv of its own
(build/bundle-venv, reused by the next run), runs PyInstaller on packaging/lsdesk.spec into
build/bundle/dist/, and packs that folder into DIR/lsdesk-<version>-<os>-<arch>.tar.gz (.zip on
Windows; DIR defaults to dist/). It prints where the folder and the archive are, their sizes and
how long it took.
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import tarfile
import time
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "build"
OS_NAMES = {"linux": "linux", "darwin": "macos", "win32": "windows"}
ARCH_NAMES = {"amd64": "x86_64", "x86_64": "x86_64", "arm64": "arm64", "aarch64": "arm64"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(REPO / "dist"), help="folder for the archive (default: dist/)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    python = build_environment(BUILD / "bundle-venv")
    folder = run_pyinstaller(python, BUILD / "bundle")
    archive = pack(folder, Path(args.out) / archive_name())
    print(f"folder:  {folder}  {megabytes(folder_size(folder))}")
    print(f"archive: {archive}  {megabytes(archive.stat().st_size)}")
    print(f"built in {time.monotonic() - started:.0f} s")


def build_environment(where):
    """A virtualenv with lsdesk installed from this checkout as a wheel would install it, and PyInstaller."""
    if not where.exists():
        venv.create(where, with_pip=True)
    python = where / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, f"{REPO}[build]"], check=True)
    # The checkout as it is now, even when the version number did not change since the last build.
    subprocess.run([*pip, "--no-deps", "--force-reinstall", str(REPO)], check=True)
    return python


def run_pyinstaller(python, where):
    """Run the spec; returns the bundle: the folder (the .app on macOS)."""
    # Not from the checkout: its lsdesk/ (without the frontend) would shadow the installed package.
    where.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(python), "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(where / "dist"), "--workpath", str(where / "work"),
                    str(REPO / "packaging" / "lsdesk.spec")], check=True, cwd=where)
    return where / "dist" / ("lsdesk.app" if sys.platform == "darwin" else "lsdesk")


def version():
    return re.search(r'__version__ = "([^"]+)"', (REPO / "lsdesk" / "__init__.py").read_text()).group(1)


def archive_name():
    machine = platform.machine().lower()
    system = OS_NAMES.get(sys.platform, sys.platform)
    suffix = "zip" if system == "windows" else "tar.gz"
    return f"lsdesk-{version()}-{system}-{ARCH_NAMES.get(machine, machine)}.{suffix}"


def pack(folder, archive):
    """The folder as one archive whose only top-level entry is the folder itself."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    archive.unlink(missing_ok=True)
    if archive.suffix == ".zip":
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as packed:
            for path in sorted(folder.rglob("*")):
                packed.write(path, path.relative_to(folder.parent))
    else:
        with tarfile.open(archive, "w:gz", compresslevel=9) as packed:
            packed.add(folder, arcname=folder.name)  # keeps the executable bits and the .app's symlinks
    return archive


def folder_size(folder):
    return sum(path.lstat().st_size for path in folder.rglob("*") if path.is_file() and not path.is_symlink())


def megabytes(size):
    return f"{size / 1e6:.1f} MB"


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        sys.exit(f"build failed: {' '.join(map(str, error.cmd))} exited with {error.returncode}")
