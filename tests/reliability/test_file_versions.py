"""Project files from every earlier schema version open, migrate with a backup and keep their work;
newer, truncated, garbage and half-created files get a clear answer and are never damaged."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lsdesk.store.project import ProjectStore
from lsdesk.store.schema import SCHEMA_VERSION, ProjectFileError, migrate
from tests.client import Server
from tests.fixtures.versions.make_fixtures import PIXEL, UPLOAD_NAME

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "versions"
OLD_VERSIONS = [1, 2, 3, 4]


def test_a_fixture_exists_for_every_earlier_version():
    assert OLD_VERSIONS == list(range(1, SCHEMA_VERSION))
    for version in OLD_VERSIONS:
        conn = sqlite3.connect(FIXTURES / f"v{version}.lsdesk")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        conn.close()


@pytest.fixture
def old_file(tmp_path, request):
    version = request.param
    path = tmp_path / f"old-v{version}.lsdesk"
    shutil.copy(FIXTURES / f"v{version}.lsdesk", path)
    return version, path


@pytest.mark.parametrize("old_file", OLD_VERSIONS, indirect=True)
def test_old_file_migrates_with_a_backup_and_keeps_its_work(tmp_path, old_file):
    version, path = old_file
    with Server(tmp_path / "workspace", "--project", str(path)) as server:
        api = server.client
        project = api.get("/api/project").json
        tasks = api.get("/api/tasks?page_size=10").json
        upload = api.get(f"/data/upload/{UPLOAD_NAME}") if version >= 2 else None
        draft = api.get("/api/tasks/3/draft") if version >= 2 else None
        # The migrated file takes new work.
        assert api.post("/api/tasks/3/completions", json={"result": []}).status == 201
    assert (project["title"], project["uuid"]) == (f"Version {version} project", f"0000000{version}-aaaa-4bbb-8ccc-dddddddddddd")
    assert (project["task_count"], project["completion_count"], project["prediction_count"]) == (
        3 + (version >= 2), 2, 1)
    assert "Choices" in project["config"]["label_config"]
    assert [task["data"]["text"] for task in tasks][:3] == ["first, labeled", "second, skipped", "third, with a prediction"]
    assert tasks[0]["completions"][0]["result"][0]["value"] == {"choices": ["Positive"]}
    assert tasks[1]["completions"][0]["was_cancelled"] is True and tasks[1]["has_cancelled_completions"] == 1
    assert tasks[2]["predictions"][0]["score"] == 0.75
    if version >= 2:
        assert (upload.status, upload.raw, upload.headers["Content-Type"]) == (200, PIXEL, "image/png")
        assert draft.status == 200 and draft.json["result"] == []
    backup = Path(f"{path}.v{version}.backup")
    conn = sqlite3.connect(backup)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == version
    assert conn.execute("SELECT count(*) FROM completions").fetchone()[0] == 2
    conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def _future_file(path):
    ProjectStore(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    return path


def test_newer_file_opened_through_the_api_is_refused_untouched(tmp_path, api):
    path = _future_file(tmp_path / "future.lsdesk")
    before = path.read_bytes()
    answer = api.post("/api/projects/open", json={"path": str(path)})
    assert answer.status == 400 and "newer lsdesk" in answer.json["detail"]
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.lsdesk"]


def _truncated(tmp_path, keep):
    path = tmp_path / "cut.lsdesk"
    shutil.copy(FIXTURES / "v2.lsdesk", path)
    size = path.stat().st_size
    os.truncate(path, keep(size))
    return path


_CUTS = {"header only": lambda size: 100, "first page": lambda size: 4096, "half": lambda size: size // 2,
         "last page missing": lambda size: size - 4096}


@pytest.mark.parametrize("cut", sorted(_CUTS))
def test_truncated_file_gives_a_clear_message_and_stays_as_it_was(tmp_path, api, cut):
    path = _truncated(tmp_path, _CUTS[cut])
    before = path.read_bytes()
    with pytest.raises(ProjectFileError, match="cannot be read .database disk image is malformed"):
        ProjectStore(path)
    answer = api.post("/api/projects/open", json={"path": str(path)})
    assert answer.status == 400 and str(path) in answer.json["detail"]
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [os.urandom(20_000), b"SQLite format 3\x00" + os.urandom(5000),
                                     b'[{"text": "an import file, not a project"}]', b"\x00" * 8192],
                         ids=["random bytes", "sqlite header then garbage", "json", "zeros"])
def test_garbage_file_gives_a_clear_message(tmp_path, api, content):
    path = tmp_path / "garbage.lsdesk"
    path.write_bytes(content)
    with pytest.raises(ProjectFileError, match="not an lsdesk project file"):
        ProjectStore(path)
    answer = api.post("/api/projects/open", json={"path": str(path)})
    assert answer.status == 400 and "not an lsdesk project file" in answer.json["detail"]
    assert path.read_bytes() == content


def test_serve_on_a_broken_file_exits_with_one_clear_line(tmp_path):
    path = _truncated(tmp_path, _CUTS["half"])
    run = subprocess.run([sys.executable, "-m", "lsdesk", "serve", "--port", "0", "--data-dir", str(tmp_path / "ws"),
                          "--project", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "malformed" in run.stderr and "Traceback" not in run.stderr


def test_file_cut_off_while_being_created_opens_as_a_whole_project(tmp_path, api):
    """A crash between creating the tables and writing the project's uuid left a file every page failed on."""
    half_made = tmp_path / "half.lsdesk"
    conn = sqlite3.connect(half_made, isolation_level=None)
    migrate(half_made, conn)
    conn.close()
    empty = tmp_path / "empty.lsdesk"
    empty.touch()
    for path in (half_made, empty):
        opened = api.post("/api/projects/open", json={"path": str(path)})
        assert opened.status == 200 and len(opened.json["uuid"]) == 36
        assert api.get("/api/project").status == 200
