"""The pure mapping between lsdesk tasks and completions and Label Studio server items."""

import json
import re

import pytest

from lsdesk.teams import mapping
from lsdesk.teams.client import MAX_FILES_PER_UPLOAD, _multipart, _upload_batches

REGION = {"id": "r1", "from_name": "label", "to_name": "img", "type": "rectanglelabels",
          "value": {"x": 1, "y": 2, "width": 3, "height": 4, "rectanglelabels": ["Cat"]}}


def test_media_urls_finds_uploads_and_folder_files_in_values_and_lists():
    data = {"image": "/data/upload/ab-cat.png", "pages": ["/data/folder/2/a%20b.png", "x"], "text": "hello",
            "web": "https://example.com/a.png"}
    assert mapping.media_urls(data) == ["/data/upload/ab-cat.png", "/data/folder/2/a%20b.png"]


def test_replace_urls_maps_known_urls_only():
    data = {"image": "/data/upload/a.png", "pages": ["/data/upload/b.png", 3], "n": 1}
    mapped = mapping.replace_urls(data, {"/data/upload/a.png": "/data/upload/7/x-a.png"})
    assert mapped == {"image": "/data/upload/7/x-a.png", "pages": ["/data/upload/b.png", 3], "n": 1}


def test_task_for_server_sends_annotations_with_integer_ids_and_false_ground_truth():
    task = {"id": 5, "uuid": "u-5", "data": {"image": "/data/upload/a.png"}, "meta": {"source": "x"}}
    completions = [(11, "c-11", {"result": [REGION], "completed_by": "ann", "lead_time": 2.5}, 0),
                   (12, "c-12", {"result": [], "ground_truth": True}, 1)]
    item = mapping.task_for_server(task, {"/data/upload/a.png": "/data/upload/1/a.png"}, completions,
                                   [({"result": [REGION]}, 0.5, "v1")])
    assert item == {
        "data": {"image": "/data/upload/1/a.png"},
        "meta": {"source": "x", "lsdesk": {"task": "u-5", "authors": {"11": "ann"}}},
        "annotations": [
            {"result": [REGION], "lead_time": 2.5, "id": 11, "was_cancelled": False, "ground_truth": False},
            {"result": [], "id": 12, "was_cancelled": True, "ground_truth": True}],
        "predictions": [{"result": [REGION], "score": 0.5, "model_version": "v1"}],
    }


def test_task_from_server_maps_media_back_and_names_authors():
    task = {"id": 3, "data": {"image": "/data/upload/1/x-a.png"}, "meta": {"lsdesk": {"task": "u", "authors": {"11": "ann"}}},
            "annotations": [
                {"id": 40, "import_id": 11, "result": [REGION], "completed_by": {"id": 1, "email": "lead@x"},
                 "was_cancelled": False, "ground_truth": False, "created_at": "2026-01-02T03:04:05.123456Z",
                 "updated_at": "2026-01-02T03:04:06Z", "lead_time": 1.5},
                {"id": 41, "result": [], "completed_by": {"id": 2, "email": "sam@x"}, "was_cancelled": True,
                 "created_at": "2026-01-02T03:04:05Z"}],
            "predictions": [{"id": 9, "result": [REGION], "score": 0.9, "model_version": "m"}]}
    item = mapping.task_from_server(task, {"/data/upload/1/x-a.png": "/data/upload/abc-a.png"}, {})
    assert item["data"] == {"image": "/data/upload/abc-a.png"}
    assert [c["completed_by"] for c in item["completions"]] == ["ann", "sam@x"]
    assert [c["was_cancelled"] for c in item["completions"]] == [False, True]
    assert item["completions"][0]["updated_at"] == 1767323046
    assert item["predictions"] == [{"result": [REGION], "score": 0.9, "model_version": "m"}]


def test_result_state_ignores_key_order_and_tells_cancellation():
    reordered = {key: REGION[key] for key in reversed(list(REGION))}
    assert mapping.result_state([REGION], False) == mapping.result_state([reordered], False)
    assert mapping.result_state([REGION], False) != mapping.result_state([REGION], True)


def test_export_mark_is_the_one_format_the_data_manager_filter_reads():
    assert mapping.export_mark("2026-12-06T23:41:00.5+00:00") == "2026-12-06T23:41:00.500000Z"
    assert mapping.export_mark("2026-12-06T23:41:00Z") == "2026-12-06T23:41:00.000000Z"


def test_uploads_go_in_batches_of_at_most_100_files_with_unique_field_names():
    files = [(n, f"{n}.png", b"x") for n in range(250)]
    assert [len(batch) for batch in _upload_batches(files)] == [MAX_FILES_PER_UPLOAD, MAX_FILES_PER_UPLOAD, 50]
    body, content_type = _multipart([("file0", "a.png", b"A"), ("file1", "a.png", b"B")])
    assert content_type.startswith("multipart/form-data; boundary=")
    assert body.count(b'name="file0"') == 1 and body.count(b'name="file1"') == 1


def test_batch_filter_takes_the_data_managers_filter_or_its_items_and_says_what_is_wrong():
    item = {"filter": "filter:tasks:id", "operator": "less", "type": "Number", "value": 3}
    assert mapping.batch_filter(json.dumps({"conjunction": "and", "items": [item]})) == [item]
    assert mapping.batch_filter(json.dumps([item])) == [item]
    for text, said in [("{", "not JSON"), ("[]", "give the filter"),
                       (json.dumps({"conjunction": "or", "items": [item, item]}), 'use "and"'),
                       (json.dumps([{"filter": "filter:tasks:id"}]), "item 0 lacks ['operator', 'type', 'value']"),
                       (json.dumps([{**item, "filter": "tasks:id"}]), "filter:tasks:<column>")]:
        with pytest.raises(ValueError, match=re.escape(said)):
            mapping.batch_filter(text)
