"""The task browser's API against the real server: every filter field and op, and/or, search, orders,
computed columns, counts, bulk actions, export of a selection, saved views and remembered columns."""

import json
import shutil
import urllib.parse
from pathlib import Path

import pytest

from tests.client import Server

CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices>
  <Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
</View>"""
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "versions"


def choice(value):
    return [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [value]}}]


def span(label):
    return [{"from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": 0, "end": 4, "text": "span", "labels": [label]}}]


def completion(result, by, cancelled=False, created_at=1_700_000_000):
    return {"result": result, "completed_by": by, "was_cancelled": cancelled, "created_at": created_at}


# name -> task; names keep the expectations readable.
TASKS = {
    "fox": {"data": {"text": "the quick brown fox", "source": "forum", "n": 5},
            "completions": [completion(choice("Positive"), "alice", created_at=1_704_153_600)],  # 2024-01-02
            "predictions": [{"result": choice("Negative"), "score": 0.9, "model_version": "v1"}]},
    "dog": {"data": {"text": "lazy dog sleeps", "source": "mail", "n": "12"},
            "completions": [completion(choice("Negative"), "bob"), completion(choice("Positive"), "alice")]},
    "cafe": {"data": {"text": "café au lait", "source": "", "n": 1.5},
             "completions": [completion([], "alice", cancelled=True)]},
    "odd": {"data": {"text": 'quick "quoted" NEAR thing-with-dash', "n": None},
            "predictions": [{"result": choice("Positive"), "score": 0.2, "model_version": "v2"}]},
    "span": {"data": {"text": "span task", "source": "forum"},
             "completions": [completion(span("PER"), "bob")]},
    "agree": {"data": {"text": "agreeing pair", "source": "web", "n": 40},
              "completions": [completion(choice("Positive"), "alice"), completion(choice("Positive"), "bob")]},
}


@pytest.fixture
def project(api):
    assert api.post("/api/project/config", json={"label_config": CONFIG}).status == 201
    answer = api.post("/api/project/import", json=list(TASKS.values()))
    assert answer.status == 201, answer
    ids = dict(zip(TASKS, answer.json["new_task_ids"]))
    assert api.request("PUT", f"/api/tasks/{ids['odd']}/draft", json_body={"result": []}).status in (200, 201)
    return api, ids


def query(**params):
    return urllib.parse.urlencode({key: json.dumps(value) if key == "filter" else value
                                   for key, value in params.items()})


def names(api, ids, expect=200, **params):
    answer = api.get("/api/tasks?" + query(**{"fields": "id", "page_size": 100, **params}))
    assert answer.status == expect, answer
    by_id = {task_id: name for name, task_id in ids.items()}
    return [by_id[task["id"]] for task in answer.json]


def one(field, op, value):
    return {"conjunction": "and", "items": [{"field": field, "op": op, "value": value}]}


FILTER_CASES = [  # (field, op, value, the tasks it keeps, in id order)
    ("id", "equal", "dog", ["dog"]),
    ("id", "in", ["fox", "span"], ["fox", "span"]),
    ("id", "between", ["dog", "odd"], ["dog", "cafe", "odd"]),
    ("data.source", "contains", "OR", ["fox", "span"]),
    ("data.source", "not_contains", "or", ["dog", "cafe", "odd", "agree"]),
    ("data.text", "contains", "100%_", []),
    ("data.source", "equal", "forum", ["fox", "span"]),
    ("data.source", "not_equal", "forum", ["dog", "cafe", "odd", "agree"]),
    ("data.n", "equal", 12, ["dog"]),
    ("data.n", "equal", 5, ["fox"]),
    ("data.n", "not_equal", 5, ["dog", "cafe", "odd", "span", "agree"]),
    ("data.n", "less", 6, ["fox", "cafe"]),
    ("data.n", "greater", 10, ["dog", "agree"]),
    ("data.n", "between", [1, 12], ["fox", "dog", "cafe"]),
    ("data.n", "between", [None, 2], ["cafe"]),
    ("data.source", "empty", True, ["cafe", "odd"]),
    ("data.source", "empty", False, ["fox", "dog", "span", "agree"]),
    ("state", "equal", "labeled", ["fox", "dog", "span", "agree"]),
    ("state", "equal", "unlabeled", ["odd"]),
    ("state", "equal", "skipped", ["cafe"]),
    ("state", "equal", "has_draft", ["odd"]),
    ("completions.sentiment", "has", "Positive", ["fox", "dog", "agree"]),
    ("completions.sentiment", "has", "Negative", ["dog"]),
    ("completions.label", "has", "PER", ["span"]),
    ("completions.label", "any", True, ["span"]),
    ("completions.label", "any", False, ["fox", "dog", "cafe", "odd", "agree"]),
    ("predictions.sentiment", "has", "Negative", ["fox"]),
    ("predictions.sentiment", "any", True, ["fox", "odd"]),
    ("annotator", "equal", "bob", ["dog", "span", "agree"]),
    ("prediction_score", "less", 0.5, ["odd"]),
    ("prediction_score", "greater", 0.5, ["fox"]),
    ("prediction_score", "between", [0.1, 1], ["fox", "odd"]),
    ("model_version", "equal", "v2", ["odd"]),
    ("agreement", "less", 0.5, ["dog"]),
    ("agreement", "greater", 0.5, ["agree"]),
    ("agreement", "between", [0, 1], ["dog", "agree"]),
    ("disagreement", "equal", True, ["dog"]),
    ("completed_at", "between", ["2024-01-02", "2024-01-02"], ["fox"]),
    ("completed_at", "less", "2024-01-01", ["dog", "cafe", "span", "agree"]),
    ("completed_at", "greater", "2023-12-01", ["fox"]),
    ("completed_at", "greater", "2024-01-02T00:00:00Z", []),
    ("created_at", "greater", "2020-01-01", list(TASKS)),
    ("created_at", "between", [None, "2020-01-01"], []),
    ("media_missing", "equal", True, []),
]


def test_every_filter_field_and_op_keeps_the_right_tasks(project):
    api, ids = project
    wrong = []
    for field, op, value, expected in FILTER_CASES:
        if field == "id":
            value = [ids[v] for v in value] if isinstance(value, list) else ids[value]
        got = names(api, ids, filter=one(field, op, value))
        if got != expected:
            wrong.append((field, op, value, got, expected))
    assert wrong == []


def test_items_combine_with_and_or(project):
    api, ids = project
    forum = {"field": "data.source", "op": "equal", "value": "forum"}
    labeled_by_alice = {"field": "annotator", "op": "equal", "value": "alice"}
    assert names(api, ids, filter={"conjunction": "and", "items": [forum, labeled_by_alice]}) == ["fox"]
    assert names(api, ids, filter={"conjunction": "or", "items": [forum, labeled_by_alice]}) == [
        "fox", "dog", "cafe", "span", "agree"]
    assert names(api, ids, filter={"conjunction": "and", "items": []}) == list(TASKS)
    # "I chose Negative but the model said Positive", and the reverse
    chose_positive_model_negative = {"conjunction": "and", "items": [
        {"field": "completions.sentiment", "op": "has", "value": "Positive"},
        {"field": "predictions.sentiment", "op": "has", "value": "Negative"}]}
    assert names(api, ids, filter=chose_positive_model_negative) == ["fox"]


@pytest.mark.parametrize("filter_text, item, field, says", [
    ('{"items": [{"field": "colour", "op": "equal", "value": 1}]}', 0, "colour", "unknown field"),
    ('{"items": [{"field": "state", "op": "equal", "value": "labeled"}, {"field": "state", "op": "has", "value": 1}]}',
     1, "state", "op 'has' is not allowed"),
    ('{"items": [{"field": "state", "op": "equal", "value": "done"}]}', 0, "state", "one of"),
    ('{"items": [{"field": "data.n", "op": "less", "value": "five"}]}', 0, "data.n", "a number"),
    ('{"items": [{"field": "id", "op": "in", "value": [1, "2"]}]}', 0, "id", "an integer"),
    ('{"items": [{"field": "created_at", "op": "less", "value": "yesterday"}]}', 0, "created_at", "ISO date"),
    ('{"items": [{"field": "agreement", "op": "greater", "value": 2}]}', 0, "agreement", "between 0 and 1"),
    ('{"items": [{"field": "prediction_score", "op": "between", "value": [null, null]}]}', 0, "prediction_score",
     "[low, high]"),
    ('{"items": [{"field": "data.", "op": "empty", "value": true}]}', 0, "data.", "unknown field"),
    ('{"items": ["state"]}', 0, None, "must be an object"),
    ('{"items": [{"field": "id", "op": "equal", "value": 99999999999999999999}]}', 0, "id", "64-bit"),
])
def test_a_bad_filter_item_is_a_400_naming_the_item_and_field(project, filter_text, item, field, says):
    api, _ = project
    answer = api.get("/api/tasks?" + urllib.parse.urlencode({"filter": filter_text}))
    assert answer.status == 400, answer
    assert says in answer.json["detail"] and f"filter item {item}" in answer.json["detail"]
    assert answer.json["item"] == item and answer.json["field"] == field
    assert api.get("/api/tasks/count?" + urllib.parse.urlencode({"filter": filter_text})).status == 400


@pytest.mark.parametrize("params, says", [
    ({"filter": "{not json"}, "not valid JSON"),
    ({"filter": "[1]"}, "must be a JSON object"),
    ({"filter": '{"conjunction": "xor", "items": []}'}, "conjunction"),
    ({"filter": '{"items": [], "sort": 1}'}, "unknown keys"),
    ({"order": "colour"}, "Unknown order"),
    ({"order": "data."}, "Unknown order"),
])
def test_a_bad_filter_or_order_is_a_400(project, params, says):
    api, _ = project
    answer = api.get("/api/tasks?" + urllib.parse.urlencode(params))
    assert answer.status == 400 and says in answer.json["detail"], answer


def test_search_matches_every_word_with_the_last_as_a_prefix_and_never_fails_on_odd_input(project):
    api, ids = project
    assert names(api, ids, search="quick") == ["fox", "odd"]
    assert names(api, ids, search="quick br") == ["fox"]
    assert names(api, ids, search="CAFE") == ["cafe"]  # case and accents folded
    assert names(api, ids, search="forum") == ["fox", "span"]  # every data value, not only the text
    assert names(api, ids, search="40") == ["agree"]
    assert names(api, ids, search="source") == []  # keys are not searched
    for odd in ['"', '"quoted', "*", "-", "NEAR", "NEAR(quick thing)", "quick AND", "OR", "thing-with", "'",
                "(", ")", "^", ":", "text:quick", "\\", "%", "_", "😀", "a" * 999]:
        answer = api.get("/api/tasks?" + query(fields="id", search=odd))
        assert answer.status == 200, (odd, answer)
        assert api.get("/api/tasks/count?" + query(search=odd)).status == 200
    assert names(api, ids, search='"quoted') == ["odd"]
    assert names(api, ids, search="NEAR") == ["odd"]
    assert names(api, ids, search="thing-with") == ["odd"]
    assert names(api, ids, search="*") == list(TASKS)  # no words: no search
    # search and filter together
    assert names(api, ids, search="quick", filter=one("state", "equal", "labeled")) == ["fox"]


def test_search_follows_imports_edits_and_deletions(project):
    api, ids = project
    assert names(api, ids, search="zebra") == []
    added = api.post("/api/project/import", json=[{"text": "a zebra crossing", "source": "web"}]).json["new_task_ids"][0]
    ids["zebra"] = added
    assert names(api, ids, search="zebra") == ["zebra"]
    assert api.patch(f"/api/tasks/{ids['fox']}", json={"data": {"text": "a zebra too", "source": "forum"}}).status == 200
    assert names(api, ids, search="zebra") == ["fox", "zebra"]
    assert names(api, ids, search="brown") == []
    assert api.delete(f"/api/tasks/{added}").status == 204
    assert names(api, ids, search="zebra") == ["fox"]
    assert api.delete("/api/tasks").status == 204
    again = api.post("/api/project/import", json=[{"text": "zebra once more"}]).json["new_task_ids"][0]
    assert [task["id"] for task in api.get("/api/tasks?" + query(search="zebra", fields="id")).json] == [again]


ORDER_CASES = {  # order -> the tasks in that order
    "id": ["fox", "dog", "cafe", "odd", "span", "agree"],
    "-id": ["agree", "span", "odd", "cafe", "dog", "fox"],
    "total_annotations": ["odd", "fox", "cafe", "span", "dog", "agree"],
    "-total_annotations": ["agree", "dog", "span", "cafe", "fox", "odd"],
    "cancelled_annotations": ["fox", "dog", "odd", "span", "agree", "cafe"],
    "total_predictions": ["dog", "cafe", "span", "agree", "fox", "odd"],
    "predictions_score": ["dog", "cafe", "span", "agree", "odd", "fox"],
    "-predictions_score": ["fox", "odd", "agree", "span", "cafe", "dog"],
    "agreement": ["fox", "cafe", "odd", "span", "dog", "agree"],
    "-agreement": ["agree", "dog", "span", "odd", "cafe", "fox"],
    "data.n": ["odd", "span", "cafe", "fox", "agree", "dog"],  # missing/null, numbers, then text
    "-data.source": ["agree", "dog", "span", "fox", "cafe", "odd"],  # ties by id, descending too
    "completed_at": ["dog", "cafe", "span", "agree", "fox", "odd"],
    "-completed_at": ["fox", "agree", "span", "cafe", "dog", "odd"],
    "created_at": ["fox", "dog", "cafe", "odd", "span", "agree"],
    "-created_at": ["agree", "span", "odd", "cafe", "dog", "fox"],
}


def test_every_order_with_and_without_a_filter(project):
    api, ids = project
    wrong = {order: names(api, ids, order=order) for order in ORDER_CASES}
    assert wrong == ORDER_CASES
    with_filter = names(api, ids, order="-total_annotations", filter=one("state", "equal", "labeled"))
    assert with_filter == ["agree", "dog", "span", "fox"]


def test_pages_of_a_filtered_query(project):
    api, ids = project
    labeled = one("state", "equal", "labeled")
    pages = [names(api, ids, filter=labeled, page=page, page_size=3) for page in (1, 2, 3, 10 ** 30)]
    assert pages == [["fox", "dog", "span"], ["agree"], [], []]
    assert names(api, ids, order="-total_annotations", page=2, page_size=4) == ["fox", "odd"]


def test_computed_columns_are_given_only_when_asked(project):
    api, ids = project
    columns = ("total_annotations,cancelled_annotations,total_predictions,predictions_score,"
               "predictions_model_versions,annotators,agreement,has_draft,media_missing,file_name")
    answer = api.get("/api/tasks?" + query(fields="id," + columns, page_size=3)).json
    assert answer[0] == {"id": ids["fox"], "total_annotations": 1, "cancelled_annotations": 0, "total_predictions": 1,
                         "predictions_score": 0.9, "predictions_model_versions": ["v1"], "annotators": ["alice"],
                         "agreement": None, "has_draft": False, "media_missing": False, "file_name": None}
    assert answer[1]["annotators"] == ["bob", "alice"] and answer[1]["agreement"] == 0
    task = api.get("/api/tasks?" + query(fields="all", filter=one("state", "equal", "has_draft"))).json[0]
    assert set(task) == {"id", "data", "completions", "predictions", "completed_at", "has_cancelled_completions"}
    with_data = api.get("/api/tasks?" + query(fields="id,data,has_draft", order="-id", page_size=1)).json
    assert with_data == [{"id": ids["agree"], "data": TASKS["agree"]["data"], "has_draft": False}]


def test_0_8_list_is_unchanged_without_the_new_parameters(project):
    api, ids = project
    plain = api.get("/api/tasks?page=1&page_size=2&order=-completed_at").json
    assert [task["id"] for task in plain] == [ids["fox"], ids["agree"]]
    assert set(plain[0]) == {"id", "data", "completions", "predictions", "completed_at", "has_cancelled_completions"}


def test_count_exact_with_and_without_filter_and_search(project):
    api, _ = project
    assert api.get("/api/tasks/count").json == {"count": 6, "exact": True}
    assert api.get("/api/tasks/count?" + query(filter=one("state", "equal", "labeled"))).json == {
        "count": 4, "exact": True}
    assert api.get("/api/tasks/count?" + query(search="quick", filter=one("state", "equal", "unlabeled"))).json == {
        "count": 1, "exact": True}


def test_count_past_the_bound_is_inexact_when_an_exact_count_is_slow(tmp_path, monkeypatch):
    from lsdesk.store import browse
    from lsdesk.store.project import ProjectStore
    from lsdesk.store.task_query import task_query

    store = ProjectStore(tmp_path / "count.lsdesk", create=True)
    store.import_tasks([{"data": {"text": f"row {i}", "n": i}} for i in range(3000)])
    slow = task_query(one("data.n", "greater", 10))
    assert store.browse_count(slow, bound=100) == (2989, True)
    monkeypatch.setattr(browse, "_EXACT_COUNT_SECONDS", -1)
    monkeypatch.setattr(browse, "_COUNT_RUN", 1000)
    assert store.browse_count(slow, bound=100) == (989, False)  # the first run of ids passed the bound
    assert store.browse_count(slow, bound=5000) == (2989, True)
    monkeypatch.setattr(browse, "_COUNT_SECONDS", -1)
    assert store.browse_count(slow, bound=5000) == (0, False)  # out of time before the first run
    store.close()


def counts(api):
    project = api.get("/api/project").json
    return project["task_count"], project["completion_count"], project["total_completions"], project["prediction_count"]


def test_bulk_delete_tasks_by_filter_minus_excluded_keeps_counters_right(project):
    api, ids = project
    assert counts(api) == (6, 5, 7, 2)
    selection = {"filter": one("state", "equal", "labeled"), "exclude": [ids["span"]]}
    answer = api.post("/api/tasks/bulk", json={"action": "delete_tasks", "selection": selection})
    assert answer.json == {"action": "delete_tasks", "tasks": 3, "deleted_tasks": 3, "deleted_completions": 5}
    assert names(api, ids) == ["cafe", "odd", "span"]
    assert counts(api) == (3, 2, 2, 1)
    assert api.get("/api/project/disagreements").json["total"] == 0
    assert names(api, ids, search="quick") == ["odd"]


def test_bulk_delete_completions_and_predictions_by_ids(project):
    api, ids = project
    answer = api.post("/api/tasks/bulk", json={"action": "delete_completions",
                                               "selection": {"ids": [ids["dog"], ids["fox"], 99999]}})
    assert answer.json == {"action": "delete_completions", "tasks": 2, "deleted_completions": 3}
    assert counts(api) == (6, 3, 4, 2)
    assert names(api, ids, filter=one("state", "equal", "unlabeled")) == ["fox", "dog", "odd"]
    assert api.get("/api/project/disagreements").json["total"] == 0
    answer = api.post("/api/tasks/bulk", json={"action": "delete_predictions", "selection": {"search": "quick"}})
    assert answer.json == {"action": "delete_predictions", "tasks": 2, "deleted_predictions": 2}
    assert counts(api) == (6, 3, 4, 0)
    assert names(api, ids, filter=one("prediction_score", "greater", 0)) == []


def test_bulk_mark_and_unmark_ground_truth_on_the_latest_completion(project):
    api, ids = project
    selection = {"ids": [ids["dog"], ids["cafe"], ids["odd"]]}
    answer = api.post("/api/tasks/bulk", json={"action": "mark_ground_truth", "selection": selection})
    assert answer.json == {"action": "mark_ground_truth", "tasks": 3, "changed_completions": 1}
    dog = api.get(f"/api/tasks/{ids['dog']}").json["completions"]
    assert [c.get("ground_truth") for c in dog] == [None, True]
    assert api.get("/api/tasks/" + str(ids["cafe"])).json["completions"][0].get("ground_truth") is None
    summary = api.get("/api/project/export/summary?leave_out_disagreeing=1").json
    answer = api.post("/api/tasks/bulk", json={"action": "unmark_ground_truth", "selection": {"filter": None}})
    assert answer.json == {"action": "unmark_ground_truth", "tasks": 6, "changed_completions": 1}
    assert all("ground_truth" not in c for c in api.get(f"/api/tasks/{ids['dog']}").json["completions"])
    assert summary != api.get("/api/project/export/summary?leave_out_disagreeing=1").json


@pytest.mark.parametrize("body, says", [
    ({"action": "explode", "selection": {"ids": [1]}}, "Unknown bulk action"),
    ({"action": "delete_tasks"}, "selection must be"),
    ({"action": "delete_tasks", "selection": {"ids": "1"}}, "selection.ids"),
    ({"action": "delete_tasks", "selection": {"exclude": [True]}}, "selection.exclude"),
    ({"action": "delete_tasks", "selection": {"filter": one("state", "equal", "nope")}}, "filter item 0"),
])
def test_bad_bulk_requests_are_400s_and_change_nothing(project, body, says):
    api, _ = project
    answer = api.post("/api/tasks/bulk", json=body)
    assert answer.status == 400 and says in answer.json["detail"], answer
    assert counts(api) == (6, 5, 7, 2)


def test_export_of_a_selection(project):
    api, ids = project
    exported = api.get(f"/api/project/export?format=JSON&ids={ids['odd']},{ids['fox']}")
    assert exported.status == 200
    assert [task["id"] for task in exported.json] == [ids["fox"], ids["odd"]]  # unlabeled ones too
    labeled_only = api.get(f"/api/project/export?format=JSON&all_tasks=0&ids={ids['odd']},{ids['fox']}").json
    assert [task["id"] for task in labeled_only] == [ids["fox"]]
    by_filter = api.get("/api/project/export?format=JSON&" + query(filter=one("data.source", "equal", "forum"))).json
    assert [task["id"] for task in by_filter] == [ids["fox"], ids["span"]]
    by_search = api.get("/api/project/export?format=CSV&" + query(search="quick")).raw.decode()
    assert "quick brown fox" in by_search and "lazy dog" not in by_search
    leave_out = api.get("/api/project/export?format=JSON&leave_out_disagreeing=1&"
                        + query(filter=one("state", "equal", "labeled"))).json
    assert [task["id"] for task in leave_out] == [ids["fox"], ids["span"], ids["agree"]]
    assert api.get("/api/project/export?format=JSON&ids=1,x").status == 400


def test_views_are_kept_in_the_project_file_across_a_restart(tmp_path, api):
    path = api.get("/api/project").json["path"]
    view_query = {"filter": one("state", "equal", "labeled"), "search": "fox", "order": "-id",
                  "columns": ["id", "data.text"], "page_size": 50}
    created = api.post("/api/views", json={"title": "Labeled foxes", "query": view_query})
    assert created.status == 201
    view = created.json
    assert (view["title"], view["query"]) == ("Labeled foxes", view_query) and view["id"] >= 1
    other = api.post("/api/views", json={"title": "Second", "query": {}}).json
    changed = api.patch(f"/api/views/{view['id']}", json={"title": "Renamed"})
    assert changed.status == 200 and changed.json["query"] == view_query and changed.json["title"] == "Renamed"
    assert api.delete(f"/api/views/{other['id']}").status == 204
    assert api.delete(f"/api/views/{other['id']}").status == 404
    assert api.patch("/api/views/12345", json={"title": "x"}).status == 404
    assert api.patch(f"/api/views/{view['id']}", json={"query": []}).status == 400
    assert api.post("/api/views", json={"title": "", "query": {}}).status == 400
    assert api.post("/api/views", json={"title": "big", "query": {"x": "y" * 70_000}}).status == 400
    assert api.post("/api/views", json={"title": "t", "query": {}, "colour": 1}).status == 400
    with Server(tmp_path / "again", "--project", path) as server:
        views = server.client.get("/api/views").json
    assert [(v["id"], v["title"], v["query"]) for v in views] == [(view["id"], "Renamed", view_query)]


def test_task_columns_are_remembered_by_the_project(api):
    assert api.get("/api/project").json["task_columns"] is None
    answer = api.patch("/api/project", json={"task_columns": ["id", "data.text", "annotators"]})
    assert answer.status == 201
    assert api.get("/api/project").json["task_columns"] == ["id", "data.text", "annotators"]
    assert api.patch("/api/project", json={"task_columns": "id"}).status == 400
    assert api.patch("/api/project", json={"task_columns": [1]}).status == 400


def test_a_version_4_file_migrates_with_its_search_index_built(tmp_path):
    path = tmp_path / "old.lsdesk"
    shutil.copy(FIXTURES / "v4.lsdesk", path)
    with Server(tmp_path / "workspace", "--project", str(path)) as server:
        api = server.client
        found = api.get("/api/tasks?" + query(search="prediction", fields="id")).json
        labeled = api.get("/api/tasks?" + query(filter=one("state", "equal", "skipped"), fields="id")).json
        assert api.get("/api/views").json == []
    assert found == [{"id": 3}] and labeled == [{"id": 2}]
    assert (tmp_path / "old.lsdesk.v4.backup").exists()


def test_a_resync_marks_the_tasks_of_removed_files_as_missing(api, tmp_path):
    from tests.test_folders import IMAGE_CONFIG, add_and_sync, sync

    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("a.jpg", "b.jpg"):
        (folder / name).write_bytes(b"\xff\xd8 image " + name.encode())
    assert api.post("/api/project/config", json={"label_config": IMAGE_CONFIG}).status == 201
    root, _ = add_and_sync(api, folder)
    (folder / "a.jpg").unlink()
    assert sync(api, root["id"])["removed_files"] == ["a.jpg"]
    missing = api.get("/api/tasks?" + query(filter=one("media_missing", "equal", True), fields="id,file_name")).json
    assert [task["file_name"] for task in missing] == ["a.jpg"]
    (folder / "a.jpg").write_bytes(b"\xff\xd8 image a.jpg")
    sync(api, root["id"])
    assert api.get("/api/tasks/count?" + query(filter=one("media_missing", "equal", True))).json["count"] == 0


def test_the_search_index_catches_up_in_runs_of_tasks(tmp_path, monkeypatch):
    from lsdesk.store import browse
    from lsdesk.store.project import ProjectStore
    from lsdesk.store.task_query import task_query

    monkeypatch.setattr(browse, "_CATCH_UP_RUN", 7)
    store = ProjectStore(tmp_path / "search.lsdesk", create=True)
    store.import_tasks([{"data": {"text": f"row {i} {'odd' if i % 2 else 'even'}"}} for i in range(50)])
    assert store.browse_count(task_query(None, "odd")) == (25, True)
    assert store.browse_ids(task_query(None, "row", "-id"), 1, 3) == [50, 49, 48]
    store.close()


def test_non_ascii_search_words_and_filter_values_are_read_as_the_utf8_the_url_carries(project):
    api, ids = project
    assert names(api, ids, search="café") == ["cafe"]
    assert names(api, ids, search="CAFÉ") == ["cafe"]
    assert names(api, ids, filter=one("data.text", "contains", "é au")) == ["cafe"]
    assert api.get("/api/tasks?search=%FF%FE").status == 400


def test_form_fields_and_import_parameters_are_read_as_utf8(api):
    config = '<View><Text name="t" value="$texte"/><Choices name="c" toName="t"><Choice value="Négatif"/></Choices></View>'
    answer = api.request("POST", "/api/project/config", body=urllib.parse.urlencode({"label_config": config}).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 201, answer
    assert api.get("/api/project").json["config"]["label_config"] == config
    answer = api.post("/api/project/import?" + urllib.parse.urlencode({"map": "phrase_é:texte"}),
                      json=[{"phrase_é": "bonjour"}])
    assert answer.status == 201, answer
    assert api.get(f"/api/tasks/{answer.json['new_task_ids'][0]}").json["data"] == {"texte": "bonjour"}
    answer = api.request("POST", "/api/project", body=urllib.parse.urlencode({"desc": "Données été"}).encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 201, answer
    assert answer.json["title"] == "Données été"
