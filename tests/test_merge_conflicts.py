"""A completion both copies edited: the merge keeps who made each edit and asks someone to choose."""

import shutil
import time

import pytest

from lsdesk.agreement import editor_of
from tests.client import Server
from tests.conftest import TEXT_CONFIG, choice
from tests.test_merge import derived_state_problems, open_file


def as_annotator(api, name):
    assert api.patch("/api/settings", json={"annotator": name}).status == 200


def edit(api, task_id, completion_id, value):
    answer = api.patch(f"/api/tasks/{task_id}/completions/{completion_id}", json={"result": choice(value)})
    assert answer.status == 201, answer
    return answer.json


def ann_labels_a_task(api):
    """A new project in which Ann chose Positive for its one task: (task id, completion id)."""
    as_annotator(api, "ann")
    api.post("/api/project", json={"desc": "shared"})
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    [task_id] = api.post("/api/project/import", json=[{"text": "t1"}]).json["new_task_ids"]
    return task_id, api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Positive")}).json["id"]


@pytest.fixture(scope="module")
def edited_in_both(tmp_path_factory):
    """Ann labels a task and hands Bob a copy; Ann changes her answer in hers, then Bob in his."""
    folder = tmp_path_factory.mktemp("conflicts")
    with Server(folder / "workspace") as server:
        api = server.client
        task_id, completion_id = ann_labels_a_task(api)
        ann, bob = folder / "ann.lsdesk", folder / "bob.lsdesk"
        shutil.copy(api.get("/api/project").json["path"], ann)
        shutil.copy(ann, bob)

        open_file(api, ann)
        edit(api, task_id, completion_id, "Negative")
        time.sleep(1.1)  # timestamps are in seconds: Bob's edit is the newer
        open_file(api, bob)
        as_annotator(api, "bob")
        edit(api, task_id, completion_id, "Positive")
        open_file(api, ann)
        yield {"api": api, "folder": folder, "ann": ann, "bob": bob, "task": task_id, "completion": completion_id}


def merge(setup, name):
    api = setup["api"]
    open_file(api, setup["ann"])
    output = setup["folder"] / name
    answer = api.post("/api/projects/merge", json={"other": str(setup["bob"]), "output": str(output)})
    assert answer.status == 201, answer
    return answer.json["report"], output


def test_saving_a_completion_records_who_saved_it_beside_its_author(edited_in_both):
    api, task_id = edited_in_both["api"], edited_in_both["task"]
    open_file(api, edited_in_both["bob"])
    [completion] = api.get(f"/api/tasks/{task_id}").json["completions"]
    assert (completion["completed_by"], completion["updated_by"]) == ("ann", "bob")
    as_annotator(api, "cy")
    added = api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Negative"), "updated_by": "x"}).json
    [_, new] = api.get(f"/api/tasks/{task_id}").json["completions"]
    assert new["id"] == added["id"] and (new["completed_by"], new["updated_by"]) == ("cy", "cy")
    assert api.delete(f"/api/tasks/{task_id}/completions/{new['id']}").status == 204
    as_annotator(api, "bob")
    open_file(api, edited_in_both["ann"])
    # A completion saved before lsdesk recorded updated_by was last edited by its author.
    assert editor_of({"completed_by": "ann"}) == "ann"
    assert editor_of({"completed_by": "ann", "updated_by": "bob"}) == "bob"


def test_merge_keeps_the_newer_edit_names_both_editors_and_flags_the_task(edited_in_both):
    api, task_id, completion_id = edited_in_both["api"], edited_in_both["task"], edited_in_both["completion"]
    report, output = merge(edited_in_both, "merged.lsdesk")
    assert report["completions"]["edited_on_both"] == 1 and report["conflicts"] == 1

    [kept] = api.get(f"/api/tasks/{task_id}").json["completions"]
    assert (kept["result"], kept["completed_by"], kept["updated_by"]) == (choice("Positive"), "ann", "bob")
    answer = api.get(f"/api/tasks/{task_id}/completions/{completion_id}/versions").json
    [older] = answer["versions"]
    assert (older["result"], older["completed_by"], older["updated_by"]) == (choice("Negative"), "ann", "ann")
    assert answer["conflict"] == {"reason": "edited in both copies", "version": older["id"], "editors": ["bob", "ann"]}
    assert api.get("/api/project/disagreements").json == {"total": 1, "tasks": [
        {"id": task_id, "score": None, "controls": {}, "annotators": ["ann", "bob"],
         "conflict": {"reason": "edited in both copies", "completions": [completion_id], "editors": ["ann", "bob"]}}]}

    # Choosing Ann's edit makes it the completion again, keeps Bob's as a version, and clears the flag.
    resolved = api.post(f"/api/tasks/{task_id}/completions/{completion_id}/resolve", json={"version": older["id"]})
    assert resolved.status == 201, resolved
    assert (resolved.json["result"], resolved.json["updated_by"]) == (choice("Negative"), "ann")
    answer = api.get(f"/api/tasks/{task_id}/completions/{completion_id}/versions").json
    assert answer["conflict"] is None
    assert [(v["result"], v["updated_by"]) for v in answer["versions"]] == [(choice("Positive"), "bob")]
    assert api.get("/api/project/disagreements").json == {"total": 0, "tasks": []}
    assert derived_state_problems(output) == []


def test_keeping_the_newer_edit_or_saving_the_completion_clears_the_flag(edited_in_both):
    api, task_id, completion_id = edited_in_both["api"], edited_in_both["task"], edited_in_both["completion"]
    resolve = f"/api/tasks/{task_id}/completions/{completion_id}/resolve"
    merge(edited_in_both, "kept.lsdesk")
    for body, status, words in (({"version": "1"}, 400, '"version" must be the id'),
                                ({"version": 99999}, 404, "or its version 99999 not found")):
        answer = api.post(resolve, json=body)
        assert answer.status == status and words in answer.json["detail"], answer
    assert api.post(f"/api/tasks/{task_id}/completions/99999/resolve", json={}).status == 404
    assert api.get("/api/project/disagreements").json["total"] == 1
    kept = api.post(resolve, json={"version": None})
    assert kept.status == 201 and kept.json["result"] == choice("Positive") and kept.json["updated_by"] == "bob"
    assert api.get("/api/project/disagreements").json == {"total": 0, "tasks": []}

    merge(edited_in_both, "saved.lsdesk")
    assert api.get("/api/project/disagreements").json["total"] == 1
    as_annotator(api, "cy")
    saved = edit(api, task_id, completion_id, "Negative")
    assert (saved["completed_by"], saved["updated_by"]) == ("ann", "cy")
    assert api.get("/api/project/disagreements").json == {"total": 0, "tasks": []}
    assert api.get(f"/api/tasks/{task_id}/completions/{completion_id}/versions").json["conflict"] is None
    as_annotator(api, "bob")


def test_a_completion_edited_in_one_copy_only_comes_in_without_a_conflict(tmp_path):
    """Ann fixes her own answer (in the second she gave it) and hands Bob a copy; only Bob edits it again.
    His edit comes in as the newer with no choice to make, and a later merge of Ann's unchanged copy
    into the result changes nothing."""
    with Server(tmp_path / "workspace") as server:
        api = server.client
        task_id, completion_id = ann_labels_a_task(api)
        edit(api, task_id, completion_id, "Negative")
        ann, bob = tmp_path / "ann.lsdesk", tmp_path / "bob.lsdesk"
        shutil.copy(api.get("/api/project").json["path"], ann)
        shutil.copy(ann, bob)
        open_file(api, bob)
        as_annotator(api, "bob")
        edit(api, task_id, completion_id, "Positive")

        for a, b, name in ((ann, bob, "merged.lsdesk"), (tmp_path / "merged.lsdesk", ann, "again.lsdesk")):
            open_file(api, a)
            answer = api.post("/api/projects/merge", json={"other": str(b), "output": str(tmp_path / name)})
            assert answer.status == 201, answer
            assert (answer.json["report"]["completions"]["edited_on_both"], answer.json["report"]["conflicts"]) == (0, 0)
            [completion] = api.get(f"/api/tasks/{task_id}").json["completions"]
            assert (completion["result"], completion["completed_by"], completion["updated_by"]) == (
                choice("Positive"), "ann", "bob")
            assert api.get("/api/project/disagreements").json == {"total": 0, "tasks": []}
        versions = api.get(f"/api/tasks/{task_id}/completions/{completion_id}/versions").json["versions"]
        assert [(v["result"], v["updated_by"]) for v in versions] == [(choice("Negative"), "ann")]
