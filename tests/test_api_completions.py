"""Completions: create, cancel, update, delete, and the project-wide routes."""

import pytest

from tests.conftest import TEXT_CONFIG, choice


@pytest.fixture
def task_id(api):
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    return api.post("/api/project/import", json=[{"text": "a"}]).json["new_task_ids"][0]


def test_create_completion_answers_id_and_stores_timestamps(api, task_id):
    answer = api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Positive"), "lead_time": 4.5})
    assert answer.status == 201
    completion_id = answer.json["id"]
    (stored,) = api.get(f"/api/tasks/{task_id}").json["completions"]
    assert stored["id"] == completion_id
    assert stored["lead_time"] == 4.5
    assert isinstance(stored["created_at"], int) and stored["updated_at"] >= stored["created_at"]
    assert "was_cancelled" not in stored
    assert api.get("/api/project").json["completion_count"] == 1


def test_was_cancelled_needs_a_true_value(api, task_id):
    api.post(f"/api/tasks/{task_id}/completions?was_cancelled=0", json={"result": [], "was_cancelled": True})
    api.post(f"/api/tasks/{task_id}/completions?was_cancelled=1", json={"result": []})
    api.post(f"/api/tasks/{task_id}/completions?was_cancelled=true", json={"result": []})
    completions = api.get(f"/api/tasks/{task_id}").json["completions"]
    assert [c.get("was_cancelled", False) for c in completions] == [False, True, True]
    assert api.get("/api/tasks").json[0]["has_cancelled_completions"] == 2


def test_completion_needs_a_result_list(api, task_id):
    assert api.post(f"/api/tasks/{task_id}/completions", json={"lead_time": 1}).status == 400
    assert api.post(f"/api/tasks/{task_id}/completions", json={"result": "x"}).status == 400
    assert api.post(f"/api/tasks/{task_id}/completions", json=[1]).status == 400
    assert api.post(f"/api/tasks/{task_id}/completions", body="{", headers={"Content-Type": "application/json"}).status == 400
    assert api.get(f"/api/tasks/{task_id}").json["completions"] == []


def test_completion_on_unknown_task_is_404(api, task_id):
    answer = api.post("/api/tasks/987654/completions", json={"result": []})
    assert answer.status == 404


def test_patch_merges_keeps_created_at_and_uncancels(api, task_id):
    cid = api.post(f"/api/tasks/{task_id}/completions?was_cancelled=1", json={"result": []}).json["id"]
    before = api.get(f"/api/tasks/{task_id}").json["completions"][0]
    answer = api.patch(f"/api/tasks/{task_id}/completions/{cid}/",
                       json={"result": choice("Negative"), "was_cancelled": True, "honeypot": True})
    assert answer.status == 201
    after = api.get(f"/api/tasks/{task_id}").json["completions"][0]
    assert after["result"] == choice("Negative")
    assert after["honeypot"] is True
    assert "was_cancelled" not in after
    assert after["created_at"] == before["created_at"]


def test_patch_unknown_completion_is_404(api, task_id):
    assert api.patch(f"/api/tasks/{task_id}/completions/555555", json={"result": []}).status == 404
    assert api.patch(f"/api/tasks/{task_id}/completions/null", json={"result": []}).status == 404


def test_post_with_an_existing_id_updates_that_completion(api, task_id):
    cid = api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Positive")}).json["id"]
    again = api.post(f"/api/tasks/{task_id}/completions", json={"id": cid, "result": choice("Negative")})
    assert again.json == {"id": cid}
    (stored,) = api.get(f"/api/tasks/{task_id}").json["completions"]
    assert stored["result"] == choice("Negative")


def test_delete_one_completion_then_task_is_unlabeled(api, task_id):
    cid = api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Positive")}).json["id"]
    assert api.get("/api/project/next").status == 404
    assert api.delete(f"/api/tasks/{task_id}/completions/{cid}").status == 204
    assert api.delete(f"/api/tasks/{task_id}/completions/{cid}").status == 404
    assert api.get("/api/project/next").json["id"] == task_id
    task = api.get(f"/api/tasks/{task_id}").json
    assert task["completions"] == [] and task["completed_at"] is None


def test_delete_all_completions_of_a_task(api, task_id):
    for _ in range(3):
        api.post(f"/api/tasks/{task_id}/completions", json={"result": []})
    assert api.delete(f"/api/tasks/{task_id}/completions").status == 204
    assert api.get(f"/api/tasks/{task_id}").json["completions"] == []
    assert api.get("/api/project").json["completion_count"] == 0
    assert api.delete("/api/tasks/999999/completions").status == 404


def test_deleting_completions_can_be_forbidden(api, task_id):
    cid = api.post(f"/api/tasks/{task_id}/completions", json={"result": []}).json["id"]
    api.patch("/api/project", json={"allow_delete_completions": False})
    answer = api.delete(f"/api/tasks/{task_id}/completions/{cid}")
    assert answer.status == 422
    assert answer.json["detail"] == "Completion removing is not allowed in server config"


def test_completion_ids_never_reused(api, task_id):
    first = api.post(f"/api/tasks/{task_id}/completions", json={"result": []}).json["id"]
    api.delete(f"/api/tasks/{task_id}/completions/{first}")
    second = api.post(f"/api/tasks/{task_id}/completions", json={"result": []}).json["id"]
    assert second > first


def test_project_wide_completion_routes(api, task_id):
    other = api.post("/api/project/import", json=[{"text": "b"}, {"text": "c"}]).json["new_task_ids"]
    api.post(f"/api/tasks/{other[1]}/completions", json={"result": []})
    api.post(f"/api/tasks/{task_id}/completions", json={"result": []})
    assert api.get("/api/completions").json == {"ids": [task_id, other[1]]}
    assert api.delete("/api/completions").status == 201
    assert api.get("/api/completions").json == {"ids": []}
    assert api.get("/api/project").json["completion_count"] == 0
    assert api.get("/api/project/next").json["id"] == task_id


def test_draft_is_kept_until_a_completion_is_submitted(api, task_id):
    none = api.get(f"/api/tasks/{task_id}/draft")
    assert none.status == 200 and none.json is None
    saved = api.request("PUT", f"/api/tasks/{task_id}/draft", json_body={"result": choice("Negative")})
    assert saved.status == 200
    draft = api.get(f"/api/tasks/{task_id}/draft").json
    assert draft["result"] == choice("Negative") and isinstance(draft["updated_at"], int)
    api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Negative")})
    assert api.get(f"/api/tasks/{task_id}/draft").json is None


def test_updating_a_completion_clears_the_draft(api, task_id):
    cid = api.post(f"/api/tasks/{task_id}/completions", json={"result": []}).json["id"]
    api.request("PUT", f"/api/tasks/{task_id}/draft", json_body={"result": choice("Positive")})
    api.patch(f"/api/tasks/{task_id}/completions/{cid}", json={"result": choice("Positive")})
    assert api.get(f"/api/tasks/{task_id}/draft").json is None


def test_draft_errors(api, task_id):
    assert api.request("PUT", f"/api/tasks/{task_id}/draft", json_body={"nope": 1}).status == 400
    assert api.request("PUT", "/api/tasks/999999/draft", json_body={"result": []}).status == 404
    assert api.get("/api/tasks/999999/draft").status == 404
    assert api.delete(f"/api/tasks/{task_id}/draft").status == 204
