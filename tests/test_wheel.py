"""lsdesk installed from its wheel, as from a package index: the frontend ships inside the package and
the installed app serves it and opens its window (the checks are tests/wheel_check.py's)."""

import os
import shutil
import tomllib
from pathlib import Path

from tests import wheel_check

REPO = Path(__file__).resolve().parent.parent


def test_every_package_and_asset_folder_is_listed_for_the_wheel():
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    packages = {".".join(path.parent.relative_to(REPO).parts) for path in (REPO / "lsdesk").rglob("__init__.py")}
    asset_folders = {".".join(("lsdesk", *path.relative_to(REPO).parts)) for path in (REPO / "assets").rglob("*")
                     if path.is_dir() and path.name != "__pycache__"}
    assert listed == packages | asset_folders | {"lsdesk.assets"}


def test_the_installed_wheel_serves_the_app_and_opens_its_window(tmp_path):
    """Builds and installs the wheel itself, unless $LSDESK_WHEEL_VENV names a virtualenv that
    `python3 -m tests.wheel_check --venv DIR` made (as .ci/run does)."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    venv = Path(os.environ["LSDESK_WHEEL_VENV"]) if os.environ.get("LSDESK_WHEEL_VENV") else None
    try:
        if venv is None:
            venv = tmp_path / "venv"
            wheel, _sdist = wheel_check.build(tmp_path / "dist")
            wheel_check.install(wheel, venv)
        wheel_check.check_install(venv, outside, say=lambda _line: None)
    finally:
        if venv == tmp_path / "venv":
            shutil.rmtree(venv, ignore_errors=True)  # 600 MB, mostly Qt
