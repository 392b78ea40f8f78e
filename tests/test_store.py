"""The project file itself: versions, migration with a backup, refusal of newer files, copies."""

import ast
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

import lsdesk.store
from lsdesk.store.project import ProjectStore
from lsdesk.store.schema import SCHEMA_VERSION, ProjectFileError, migrate
from tests.client import Server


def make_version_1_file(path):
    """A project file as lsdesk's first schema wrote it, with a task in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(path, conn, target=1)
    conn.execute("INSERT INTO settings (key, value) VALUES ('uuid', '\"11111111-2222-4333-a444-555555555555\"')")
    conn.execute("INSERT INTO settings (key, value) VALUES ('title', '\"Old\"')")
    conn.execute("INSERT INTO tasks (uuid, data, created_at, updated_at) VALUES ('u', '{\"text\": \"old\"}', 1, 1)")
    conn.execute("UPDATE counters SET value = 1 WHERE name = 'tasks'")
    conn.close()


def test_new_file_has_current_version(tmp_path):
    store = ProjectStore(tmp_path / "p.lsdesk", create=True)
    store.close()
    conn = sqlite3.connect(tmp_path / "p.lsdesk")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_older_file_migrates_after_writing_a_backup(tmp_path):
    path = tmp_path / "old.lsdesk"
    make_version_1_file(path)
    store = ProjectStore(path)
    assert store.backup_path == tmp_path / "old.lsdesk.v1.backup"
    assert store.task(1)["data"] == {"text": "old"}
    store.close()
    backup = sqlite3.connect(store.backup_path)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM tasks").fetchone()[0] == 1
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_older_file_opened_through_the_api_keeps_its_work(tmp_path):
    path = tmp_path / "old.lsdesk"
    make_version_1_file(path)
    with Server(tmp_path / "ws", "--project", str(path)) as server:
        project = server.client.get("/api/project").json
        assert project["title"] == "Old" and project["task_count"] == 1
        assert server.client.get("/api/tasks").json[0]["data"] == {"text": "old"}
    assert (tmp_path / "old.lsdesk.v1.backup").exists()


def test_newer_file_is_refused_untouched(tmp_path):
    path = tmp_path / "future.lsdesk"
    ProjectStore(path, create=True).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ProjectFileError, match="newer lsdesk"):
        ProjectStore(path)
    assert path.read_bytes() == before


def test_newer_file_makes_serve_exit_with_one_clear_line(tmp_path):
    import subprocess
    import sys
    path = tmp_path / "future.lsdesk"
    ProjectStore(path, create=True).close()
    sqlite3.connect(path).execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    run = subprocess.run([sys.executable, "-m", "lsdesk", "serve", "--port", "0", "--data-dir",
                          str(tmp_path / "ws"), "--project", str(path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "newer lsdesk" in run.stderr and "Traceback" not in run.stderr


def test_other_sqlite_file_is_not_a_project(tmp_path):
    path = tmp_path / "other.db"
    sqlite3.connect(path).execute("CREATE TABLE x (y)")
    with pytest.raises(ProjectFileError, match="not an lsdesk project file"):
        ProjectStore(path)


def test_copy_taken_right_after_a_write_holds_it(tmp_path):
    with Server(tmp_path / "ws") as server:
        client = server.client
        path = client.get("/api/project").json["path"]
        for n in range(5):
            assert client.post("/api/project/import", json=[{"n": n}]).status == 201
            copy = tmp_path / f"copy{n}.lsdesk"
            shutil.copy(path, copy)  # only the main file: no -wal beside it
            conn = sqlite3.connect(copy)
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert conn.execute("SELECT count(*) FROM tasks").fetchone()[0] == n + 1
            conn.close()


def test_first_start_creates_a_default_project(tmp_path):
    with Server(tmp_path / "ws") as server:
        project = server.client.get("/api/project").json
    assert project["task_count"] == 0
    assert list((tmp_path / "ws" / "projects").glob("*.lsdesk"))


def expected_order(store, order):
    """Every task in `order`, sorted in Python from the full list: what each page must slice."""
    tasks = list(store.iter_tasks())
    labeled = [t for t in tasks if t["completions"]]
    unlabeled = [t["id"] for t in tasks if not t["completions"]]
    descending = order.startswith("-")
    if order.lstrip("-") == "id":
        return sorted(t["id"] for t in tasks)[::-1 if descending else 1]

    def key(task):
        newest = max(c["created_at"] for c in task["completions"])
        cancelled = sum(1 for c in task["completions"] if c.get("was_cancelled"))
        return (cancelled, newest, task["id"]) if "cancelled" in order else (newest, task["id"])

    return [t["id"] for t in sorted(labeled, key=key, reverse=descending)] + unlabeled


@pytest.mark.parametrize("order", ["id", "-id", "completed_at", "-completed_at",
                                   "has_cancelled_completions", "-has_cancelled_completions"])
def test_every_page_matches_the_full_order_through_marks(tmp_path, monkeypatch, order):
    from lsdesk.store import completions, paging, tasks
    monkeypatch.setattr(paging, "PAGE_MARK_STEP", 4)
    # Completions at shuffled times, so completed_at order differs from id order.
    clock = iter(random.Random(1).sample(range(1, 10**6), 10**4))
    for module in (tasks, completions):
        monkeypatch.setattr(module, "now", lambda: next(clock))
    store = ProjectStore(tmp_path / "p.lsdesk", create=True)
    store.import_tasks({"data": {"n": n}} for n in range(60))
    for step in range(3):
        for task_id in range(1 + step, 61, 3 + step):
            store.add_completion(task_id, {"result": []}, cancelled=task_id % 4 == 0, completed_by=None)
        store.delete_task(7 + step * 11)
        for size in (1, 3, 5, 7):
            pages = [store.tasks_page(page, size, order) for page in range(1, 70 // size + 2)]
            assert [t["id"] for page in pages for t in page] == expected_order(store, order)
    store.close()


def test_a_config_is_checked_against_the_data_in_the_transaction_that_saves_it(tmp_path):
    store = ProjectStore(tmp_path / "p.lsdesk", create=True)
    store.import_tasks([{"data": {"text": "a"}}, {"data": {"text": "b", "extra": 1}}])
    seen = []

    def problems_with(keys, schema):
        seen.append((keys, schema))
        return ["image is not in every task"] if "image" not in keys else []

    assert store.save_label_config("<View/>", problems_with) == ["image is not in every task"]
    assert seen == [({"text"}, [])] and store.settings()["label_config"] is None
    assert store.save_label_config("<View/>", lambda keys, schema: []) == []
    assert store.settings()["label_config"] == "<View/>" and store.settings()["label_config_updated"] is True
    store.close()


def test_the_store_imports_nothing_from_the_layers_above_it():
    store_dir = Path(lsdesk.store.__file__).parent
    above = ("lsdesk.folders", "lsdesk.api", "lsdesk.desktop", "lsdesk.workspace", "lsdesk.app", "lsdesk.cli")
    imported = []
    for source in sorted(store_dir.glob("*.py")):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.ImportFrom):
                imported += [(source.name, node.module)] + [(source.name, f"{node.module}.{alias.name}")
                                                            for alias in node.names]
            elif isinstance(node, ast.Import):
                imported += [(source.name, alias.name) for alias in node.names]
    assert [(name, module) for name, module in imported if module.startswith(above)] == []


def test_commit_listeners_hear_the_changed_tasks_after_the_lock_is_released(tmp_path):
    store = ProjectStore(tmp_path / "p.lsdesk", create=True)
    heard = []
    store.add_commit_listener(lambda ids: heard.append((ids, store._lock.locked())))
    try:
        store.import_tasks([{"data": {"text": t}} for t in "ab"])
        store.set_storage("target", {"name": "Completions", "type": "completions-folder", "path": str(tmp_path)})
        store.add_completion(2, {"result": []}, cancelled=False, completed_by=None)
        store.update_settings({"title": "t"})
        assert heard == [([], False), ([], False), ([2], False), ([], False)]
    finally:
        store.close()
