"""Issue 15 §3 and §4 over HTTP: duplicates on import (skip, import, ask), the content hash kept by task
rewrites and filled in for older files, a missing key explained for the Import page, show_skip, the
instructions at 0.8's URL, and deleting the project only when its file is named."""

import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.client import Server
from tests.conftest import TEXT_CONFIG
from tests.test_api_import import multipart

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "versions"


@pytest.fixture
def text_api(api):
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    return api


def texts(api):
    return [task["data"]["text"] for task in api.get("/api/tasks?page_size=100").json]


# -- duplicates ------------------------------------------------------------------------------


def test_skip_leaves_out_tasks_already_there_and_repeats_within_the_import(text_api):
    text_api.post("/api/project/import", json=[{"text": "a"}, {"text": "b"}])
    answer = text_api.post("/api/project/import?duplicates=skip",
                           json=[{"text": "b"}, {"text": "c"}, {"text": "c"}, {"text": "a"}, {"text": "d"}])
    assert answer.status == 201, answer
    assert (answer.json["task_count"], answer.json["skipped_duplicates"]) == (2, 3)
    assert answer.json["new_task_ids"] == [3, 4]
    assert texts(text_api) == ["a", "b", "c", "d"]
    assert text_api.get("/api/project").json["task_count"] == 4


def test_import_is_the_default_and_keeps_duplicates_as_0_8_did(text_api):
    text_api.post("/api/project/import", json=[{"text": "a"}])
    default = text_api.post("/api/project/import", json=[{"text": "a"}, {"text": "a"}])
    explicit = text_api.post("/api/project/import?duplicates=import", json=[{"text": "a"}])
    assert (default.status, explicit.status) == (201, 201)
    assert "skipped_duplicates" not in default.json
    assert texts(text_api) == ["a", "a", "a", "a"]


def test_ask_imports_nothing_and_answers_409_with_counts_and_examples(text_api):
    text_api.post("/api/project/import", json=[{"text": "a"}, {"text": "b"}])
    answer = text_api.post("/api/project/import?duplicates=ask",
                           json=[{"text": "x"}, {"text": "b"}, {"text": "x"}, {"text": "y"}])
    assert answer.status == 409
    assert answer.json["duplicates"] == 2 and answer.json["task_count"] == 4
    assert answer.json["examples"] == [{"item": 1, "task_id": 2}, {"item": 2, "same_as_item": 0}]
    assert answer.json["error"] == answer.json["detail"]
    assert "2 of the 4 tasks to import" in answer.json["detail"]
    assert texts(text_api) == ["a", "b"]


def test_ask_without_duplicates_imports_as_usual(text_api):
    answer = text_api.post("/api/project/import?duplicates=ask", json=[{"text": "a"}, {"text": "b"}])
    assert answer.status == 201
    assert (answer.json["task_count"], answer.json["skipped_duplicates"]) == (2, 0)


def test_same_as_item_counts_the_items_skipped_before_it(text_api):
    text_api.post("/api/project/import", json=[{"text": "old"}])
    answer = text_api.post("/api/project/import?duplicates=ask",
                           json=[{"text": "old"}, {"text": "old"}, {"text": "p"}, {"text": "q"}, {"text": "q"}])
    assert answer.json["examples"] == [{"item": 0, "task_id": 1}, {"item": 1, "task_id": 1},
                                       {"item": 4, "same_as_item": 3}]


def test_duplicates_of_files_in_one_multipart_import_are_found_across_the_files(text_api):
    body, headers = multipart(("f", "one.csv", b"text\nfirst\nsecond\n"), ("g", "two.json", b'[{"text": "second"}]'))
    answer = text_api.post("/api/project/import?duplicates=skip", body=body, headers=headers)
    assert (answer.json["task_count"], answer.json["skipped_duplicates"]) == (2, 1)


def test_a_megabyte_task_is_found_again_by_its_hash(text_api):
    big = "word " * 250_000
    text_api.post("/api/project/import", json=[{"text": big}])
    again = text_api.post("/api/project/import?duplicates=skip", json=[{"text": big}, {"text": big + "!"}])
    assert (again.json["task_count"], again.json["skipped_duplicates"]) == (1, 1)


def test_data_with_other_meta_or_completions_is_still_a_duplicate(text_api):
    text_api.post("/api/project/import", json=[{"data": {"text": "a"}, "meta": {"source": "x"}}])
    again = text_api.post("/api/project/import?duplicates=skip",
                          json=[{"data": {"text": "a"}, "completions": [{"result": []}]}])
    assert (again.json["task_count"], again.json["skipped_duplicates"]) == (0, 1)
    assert text_api.get("/api/project").json["completion_count"] == 0


def test_a_task_rewritten_by_patch_is_compared_by_its_new_data(text_api):
    text_api.post("/api/project/import", json=[{"text": "before"}])
    assert text_api.patch("/api/tasks/1", json={"data": {"text": "after"}}).status == 200
    answer = text_api.post("/api/project/import?duplicates=skip", json=[{"text": "before"}, {"text": "after"}])
    assert (answer.json["task_count"], answer.json["skipped_duplicates"]) == (1, 1)
    assert texts(text_api) == ["after", "before"]


def test_unknown_duplicates_value_is_a_400_naming_the_choices(text_api):
    answer = text_api.post("/api/project/import?duplicates=maybe", json=[{"text": "a"}])
    assert answer.status == 400
    assert answer.json["detail"] == "duplicates must be one of import, skip, ask, got 'maybe'"


def test_the_hash_index_is_made_by_the_first_import_that_looks_for_duplicates(text_api):
    path = text_api.get("/api/project").json["path"]

    def indexed():
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'tasks_by_data_hash'").fetchone()[0]

    text_api.post("/api/project/import", json=[{"text": "a"}])
    assert indexed() == 0
    text_api.post("/api/project/import?duplicates=skip", json=[{"text": "b"}])
    assert indexed() == 1
    # Kept by every import from then on.
    text_api.post("/api/project/import", json=[{"text": "c"}])
    again = text_api.post("/api/project/import?duplicates=skip", json=[{"text": "a"}, {"text": "c"}, {"text": "d"}])
    assert (again.json["task_count"], again.json["skipped_duplicates"]) == (1, 2)


def test_a_version_4_file_gets_its_hashes_when_it_migrates(tmp_path):
    path = tmp_path / "old.lsdesk"
    shutil.copy(FIXTURES / "v4.lsdesk", path)
    with Server(tmp_path / "workspace", "--project", str(path)) as server:
        answer = server.client.post("/api/project/import?duplicates=skip", json=[
            {"image": "https://example.com/a.png", "text": "first, labeled"},
            {"image": "https://example.com/z.png", "text": "new"}])
    assert (answer.json["task_count"], answer.json["skipped_duplicates"]) == (1, 1)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM tasks WHERE data_hash IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'tasks_by_data_hash'").fetchone()[0] == 1
    conn.close()


# -- a missing key, explained for the page ------------------------------------------------------


def test_explain_gives_the_missing_key_and_the_keys_each_file_has(text_api):
    body, headers = multipart(("f", "people.csv", b"sentence,id\nfirst,1\nsecond,2\n"))
    answer = text_api.post("/api/project/import?explain=1", body=body, headers=headers)
    assert answer.status == 400
    assert answer.json["missing_keys"] == [{"file": "people.csv", "item": 0, "row": 1, "key": "text",
                                            "tags": ["Text"], "expected": ["text"], "present": ["sentence", "id"]}]
    assert answer.json["errors"][0].startswith('Error at item 0: "text" key is expected in task data')
    assert len(answer.json["errors"]) == 2
    # Without explain=1 the body stays 0.8's list of lines.
    assert isinstance(text_api.post("/api/project/import", body=body, headers=headers).json, list)


# -- settings ------------------------------------------------------------------------------------


def test_show_skip_defaults_to_true_and_is_saved(api):
    assert api.get("/api/project").json["show_skip"] is True
    answer = api.patch("/api/project", json={"show_skip": False})
    assert answer.status == 201 and answer.json["show_skip"] is False
    assert api.get("/api/project").json["show_skip"] is False
    bad = api.patch("/api/project", json={"show_skip": "no"})
    assert bad.status == 400 and bad.json["detail"] == "show_skip must be a bool, got 'no'"


def test_instructions_are_served_at_0_8s_expert_instruction_url_as_text(api):
    api.patch("/api/project", json={"instruction": "<b>Label</b> every sentence"})
    answer = api.get("/api/projects/1/expert_instruction")
    assert answer.status == 200
    assert answer.raw.decode() == "<b>Label</b> every sentence"
    assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"


# -- deleting the project -----------------------------------------------------------------------


def test_delete_needs_the_file_name_and_keeps_the_file_otherwise(api):
    path = Path(api.get("/api/project").json["path"])
    missing = api.delete("/api/project")
    wrong = api.delete("/api/project?confirm=other.lsdesk")
    assert (missing.status, wrong.status) == (400, 400)
    assert wrong.json["detail"] == (f"To delete the project, confirm with its file name: ?confirm={path.name} "
                                    "(got 'other.lsdesk')")
    assert "(none was given)" in missing.json["detail"]
    assert path.exists()


def test_delete_removes_the_file_and_the_last_opened_project_becomes_active(api):
    first = api.get("/api/project").json
    second = api.post("/api/project?desc=Doomed").json
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    api.post("/api/project/import", json=[{"text": "a"}])
    path = Path(second["path"])
    answer = api.delete(f"/api/project?confirm={path.name}")
    assert answer.status == 200
    assert answer.json == {"deleted": str(path), "active": first["path"]}
    assert not path.exists()
    assert not Path(f"{path}-wal").exists() and not Path(f"{path}-shm").exists()
    assert api.get("/api/project").json["uuid"] == first["uuid"]
    assert [p["uuid"] for p in api.get("/api/projects").json] == [first["uuid"]]


def test_deleting_the_only_project_leaves_none_until_a_new_one_is_made(api):
    path = Path(api.get("/api/project").json["path"])
    answer = api.delete(f"/api/project?confirm={path.name}")
    assert answer.json == {"deleted": str(path), "active": None}
    fresh = api.get("/api/project").json
    assert fresh["path"] != str(path) and fresh["task_count"] == 0
