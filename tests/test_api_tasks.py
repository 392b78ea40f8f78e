"""Import, the task list and its orders, one task, deletion, and next-task sampling."""

import pytest

from tests.conftest import TEXT_CONFIG, choice


@pytest.fixture
def text_project(api):
    assert api.post("/api/project/config", json={"label_config": TEXT_CONFIG}).status == 201
    return api


def import_texts(api, *texts):
    answer = api.post("/api/project/import", json=[{"text": t} for t in texts])
    assert answer.status == 201, answer
    return answer.json["new_task_ids"]


def test_import_list_answers_with_0_8_summary(text_project):
    answer = text_project.post("/api/project/import", json=[{"text": "a"}, {"text": "b"}])
    assert answer.status == 201
    body = answer.json
    assert body["task_count"] == 2
    assert body["completion_count"] == 0 and body["prediction_count"] == 0
    assert body["formats"] == {"request": 2}
    assert len(body["new_task_ids"]) == 2
    assert body["new_task_id_range"] == [body["new_task_ids"][0], body["new_task_ids"][1]]
    assert isinstance(body["duration"], float)
    assert text_project.get("/api/project").json["task_count"] == 2


def test_import_single_dict_and_task_form_with_meta(text_project):
    assert text_project.post("/api/project/import", json={"text": "single"}).status == 201
    answer = text_project.post("/api/project/import", json=[{
        "data": {"text": "full"}, "meta": {"source": "x"},
        "completions": [{"result": choice("Positive"), "lead_time": 2}],
        "predictions": [{"result": choice("Negative"), "score": 0.4}]}])
    assert answer.status == 201
    assert answer.json["completion_count"] == 1 and answer.json["prediction_count"] == 1
    task = text_project.get(f"/api/tasks/{answer.json['new_task_ids'][0]}").json
    assert task["meta"] == {"source": "x"}
    assert task["completions"][0]["result"] == choice("Positive")
    assert task["completions"][0]["lead_time"] == 2
    assert task["predictions"][0]["score"] == 0.4
    assert task["completed_at"] is not None
    project = text_project.get("/api/project").json
    assert project["task_count"] == 2 and project["completion_count"] == 1


def test_import_label_studio_1_export_items(text_project):
    answer = text_project.post("/api/project/import", json=[{
        "id": 99, "data": {"text": "from LS 1.x"}, "drafts": [], "project": 3,
        "annotations": [{"id": 5, "result": choice("Negative"), "was_cancelled": False,
                         "created_at": "2021-03-09T22:16:08.728353Z", "completed_by": 10}]}])
    assert answer.status == 201
    task = text_project.get(f"/api/tasks/{answer.json['new_task_ids'][0]}").json
    assert task["data"] == {"text": "from LS 1.x"}
    assert task["completions"][0]["result"] == choice("Negative")
    assert task["completions"][0]["created_at"] == 1615328168


def test_invalid_items_reject_the_whole_import(text_project):
    answer = text_project.post("/api/project/import", json=[{"text": "ok"}, {"foo": 1}, {"bar": 2}])
    assert answer.status == 400
    errors = answer.json
    assert len(errors) == 2
    assert errors[0].startswith("Error at item 1:") and '"text"' in errors[0]
    assert errors[1].startswith("Error at item 2:")
    assert text_project.get("/api/project").json["task_count"] == 0


def test_completion_without_result_is_rejected_at_import(text_project):
    answer = text_project.post("/api/project/import", json=[{"data": {"text": "a"}, "completions": [{}]}])
    assert answer.status == 400
    assert "result" in answer.json[0]


def test_import_errors_for_bad_bodies(text_project):
    assert text_project.post("/api/project/import", body="[{", headers={"Content-Type": "application/json"}).status == 400
    empty = text_project.post("/api/project/import", json=[])
    assert empty.status == 400
    no_json = text_project.post("/api/project/import", body="text=a", headers={"Content-Type": "text/plain"})
    assert no_json.status == 400
    assert no_json.json["status"] == 400


def test_import_before_any_config_keeps_the_data(api):
    answer = api.post("/api/project/import", json=[{"my_key": "my_value_1"}, {"my_key": "my_value_2"}])
    assert answer.status == 201
    assert [t["data"] for t in api.get("/api/tasks").json] == [{"my_key": "my_value_1"}, {"my_key": "my_value_2"}]


def test_task_list_shape_and_paging(text_project):
    ids = import_texts(text_project, *"abcdefg")
    page = text_project.get("/api/tasks?page=2&page_size=3").json
    assert [t["id"] for t in page] == ids[3:6]
    assert set(page[0]) == {"id", "data", "completions", "predictions", "completed_at", "has_cancelled_completions"}
    assert page[0]["completed_at"] is None and page[0]["has_cancelled_completions"] == 0
    assert text_project.get("/api/tasks?page=9&page_size=3").json == []
    assert [t["id"] for t in text_project.get("/api/tasks?order=-id&page_size=2").json] == ids[:-3:-1]


def test_task_list_paging_after_deletes(text_project):
    ids = import_texts(text_project, *"abcdefghij")
    for task_id in (ids[1], ids[4], ids[5]):
        assert text_project.delete(f"/api/tasks/{task_id}").status == 204
    left = [i for i in ids if i not in (ids[1], ids[4], ids[5])]
    for size in (1, 2, 3, 4):
        pages = [text_project.get(f"/api/tasks?page={p}&page_size={size}").json for p in range(1, 9)]
        assert [t["id"] for page in pages for t in page] == left
        pages = [text_project.get(f"/api/tasks?page={p}&page_size={size}&order=-id").json for p in range(1, 9)]
        assert [t["id"] for page in pages for t in page] == left[::-1]


def test_bad_paging_parameters(text_project):
    assert text_project.get("/api/tasks?page=0").status == 422
    assert text_project.get("/api/tasks?page_size=0").status == 422
    assert text_project.get("/api/tasks?page=x").status == 400
    bad_order = text_project.get("/api/tasks?order=name")
    assert bad_order.status == 400
    assert "name" in bad_order.json["detail"]


def test_fields_keeps_only_the_named_keys(text_project):
    import_texts(text_project, "a")
    assert text_project.get("/api/tasks?fields=id,completed_at").json[0].keys() == {"id", "completed_at"}


def label(api, task_id, value="Positive", cancelled=False, created_at=None):
    suffix = "?was_cancelled=1" if cancelled else ""
    answer = api.post(f"/api/tasks/{task_id}/completions{suffix}", json={"result": choice(value)})
    assert answer.status == 201
    return answer.json["id"]


def test_orders_by_completed_at_and_cancelled_with_unlabeled_last(text_project, server):
    ids = import_texts(text_project, *"abcde")
    label(text_project, ids[3])
    label(text_project, ids[1], cancelled=True)
    label(text_project, ids[1], cancelled=True)
    label(text_project, ids[4], cancelled=True)

    def order(name):
        return [t["id"] for t in text_project.get(f"/api/tasks?order={name}&page_size=10").json]

    # Completions made in one second tie on completed_at; ids break ties the same way both ways.
    assert order("completed_at")[3:] == [ids[0], ids[2]]
    assert order("-completed_at")[3:] == [ids[0], ids[2]]
    assert set(order("completed_at")[:3]) == {ids[1], ids[3], ids[4]}
    assert order("-completed_at")[:3] == order("completed_at")[:3][::-1]
    assert order("has_cancelled_completions")[:3][0] == ids[3]
    assert order("-has_cancelled_completions")[:3][0] == ids[1]
    assert order("-has_cancelled_completions")[3:] == [ids[0], ids[2]]
    labeled = text_project.get("/api/tasks?order=-has_cancelled_completions").json[0]
    assert labeled["has_cancelled_completions"] == 2
    assert len(labeled["completed_at"]) == 19


def test_get_delete_unknown_task_is_404(text_project):
    for method in ("GET", "DELETE"):
        answer = text_project.request(method, "/api/tasks/424242")
        assert answer.status == 404
        assert answer.json == {"detail": "Task 424242 not found", "status": 404}
    assert text_project.get("/api/tasks/abc").status == 404


def test_ids_are_never_reused(text_project):
    ids = import_texts(text_project, "a", "b")
    text_project.delete(f"/api/tasks/{ids[1]}")
    again = import_texts(text_project, "c")
    assert again[0] > ids[1]
    assert text_project.delete("/api/tasks").status == 204
    assert text_project.get("/api/project").json["task_count"] == 0
    after_clear = import_texts(text_project, "d")
    assert after_clear[0] > again[0]


def test_patch_task_rewrites_data_completions_and_predictions(text_project):
    (task_id,) = import_texts(text_project, "old")
    label(text_project, task_id)
    answer = text_project.patch(f"/api/tasks/{task_id}", json={"data": {"text": "new"}})
    assert answer.status == 200
    assert answer.json["data"] == {"text": "new"}
    assert len(answer.json["completions"]) == 1
    replaced = text_project.post(f"/api/tasks/{task_id}", json={
        "data": {"text": "newer"}, "completions": [], "predictions": [{"result": choice("Negative"), "score": 1}]})
    assert replaced.status == 200
    assert replaced.json["completions"] == [] and replaced.json["predictions"][0]["score"] == 1
    assert text_project.get("/api/project").json["completion_count"] == 0
    assert text_project.patch(f"/api/tasks/{task_id}", json={"data": {"nope": 1}}).status == 400
    assert text_project.patch("/api/tasks/999999", json={"data": {"text": "x"}}).status == 404


def test_next_sequential_skips_labeled_and_cancelled_then_404(text_project):
    ids = import_texts(text_project, "a", "b", "c")
    assert text_project.get("/api/project/next").json["id"] == ids[0]
    label(text_project, ids[0])
    label(text_project, ids[1], cancelled=True)
    assert text_project.get("/api/project/next").json["id"] == ids[2]
    label(text_project, ids[2])
    done = text_project.get("/api/project/next")
    assert done.status == 404
    assert done.json["status"] == 404


def test_next_answers_null_instead_of_404_when_asked_to(text_project):
    [task_id] = import_texts(text_project, "a")
    assert text_project.get("/api/project/next?if_none=null").json["id"] == task_id
    label(text_project, task_id)
    done = text_project.get("/api/project/next?if_none=null")
    assert (done.status, done.json) == (200, None)
    assert text_project.get("/api/project/next").status == 404


def test_next_passes_over_the_excluded_task_in_every_sampling_mode(text_project):
    answer = text_project.post("/api/project/import", json=[
        {"data": {"text": "a"}, "predictions": [{"result": [], "score": 0.2}]},
        {"data": {"text": "b"}, "predictions": [{"result": [], "score": 0.9}]},
    ])
    low, high = answer.json["new_task_ids"]
    for sampling, first, other in [("sequential", low, high), ("prediction-score-min", low, high),
                                   ("prediction-score-max", high, low), ("uniform", None, None)]:
        text_project.patch("/api/project", json={"sampling": sampling})
        if first is not None:
            assert text_project.get("/api/project/next").json["id"] == first
            assert text_project.get(f"/api/project/next?exclude={first}").json["id"] == other
        for excluded, left in [(low, high), (high, low)]:
            for _ in range(5 if sampling == "uniform" else 1):
                assert text_project.get(f"/api/project/next?exclude={excluded}").json["id"] == left
    label(text_project, low)
    text_project.patch("/api/project", json={"sampling": "sequential"})
    assert text_project.get(f"/api/project/next?exclude={high}&if_none=null").json is None
    assert text_project.get("/api/project/next?exclude=abc").status == 400
    assert text_project.get(f"/api/project/next?exclude={2**70}&if_none=null").json["id"] == high


def test_next_answers_the_preferred_task_while_it_is_unlabeled_else_the_samplers_next(text_project):
    first, second, third, fourth = import_texts(text_project, "a", "b", "c", "d")
    for sampling in ("sequential", "uniform", "prediction-score-max"):
        text_project.patch("/api/project", json={"sampling": sampling})
        for _ in range(5 if sampling == "uniform" else 1):
            assert text_project.get(f"/api/project/next?exclude={first}&prefer={third}").json["id"] == third
    text_project.patch("/api/project", json={"sampling": "sequential"})
    assert text_project.get(f"/api/project/next?exclude={third}&prefer={third}").json["id"] == first
    label(text_project, third)
    assert text_project.get(f"/api/project/next?exclude={first}&prefer={third}").json["id"] == second
    assert text_project.delete(f"/api/tasks/{second}").status == 204
    assert text_project.get(f"/api/project/next?exclude={first}&prefer={second}").json["id"] == fourth
    assert text_project.get(f"/api/project/next?prefer={2**70}").json["id"] == first
    answer = text_project.get("/api/project/next?prefer=x")
    assert answer.status == 400 and "prefer" in answer.json["detail"]
    label(text_project, first)
    label(text_project, fourth)
    assert text_project.get(f"/api/project/next?prefer={fourth}&if_none=null").json is None


def test_next_adds_the_tasks_draft_when_asked(text_project):
    first, second = import_texts(text_project, "a", "b")
    assert text_project.get("/api/project/next?draft=1").json["draft"] is None
    assert "draft" not in text_project.get("/api/project/next").json
    result = choice("Positive")
    assert text_project.request("PUT", f"/api/tasks/{second}/draft", json_body={"result": result}).status in (200, 201)
    answer = text_project.get(f"/api/project/next?exclude={first}&draft=1").json
    assert answer["id"] == second and answer["draft"]["result"] == result
    assert answer["draft"] == text_project.get(f"/api/tasks/{second}/draft").json


def test_next_uniform_returns_only_unlabeled_tasks(text_project):
    ids = import_texts(text_project, *"abcdefgh")
    for task_id in ids[:6]:
        label(text_project, task_id)
    text_project.patch("/api/project", json={"sampling": "uniform"})
    seen = {text_project.get("/api/project/next").json["id"] for _ in range(30)}
    assert seen == {ids[6], ids[7]}


def test_next_by_prediction_score_then_the_rest_in_id_order(text_project):
    answer = text_project.post("/api/project/import", json=[
        {"data": {"text": "none"}},
        {"data": {"text": "low"}, "predictions": [{"result": [], "score": 0.2}, {"result": [], "score": 0.4}]},
        {"data": {"text": "high"}, "predictions": [{"result": [], "score": 0.9}]},
    ])
    none, low, high = answer.json["new_task_ids"]
    text_project.patch("/api/project", json={"sampling": "prediction-score-min"})
    assert text_project.get("/api/project/next").json["id"] == low
    text_project.patch("/api/project", json={"sampling": "prediction-score-max"})
    assert text_project.get("/api/project/next").json["id"] == high
    label(text_project, high)
    label(text_project, low)
    assert text_project.get("/api/project/next").json["id"] == none


def test_huge_page_size_is_refused_clearly(text_project):
    answer = text_project.get("/api/tasks?page_size=100000000")
    assert answer.status == 422
