"""GET /api/project/export over HTTP: formats, streaming single files, zips with media, errors."""

import io
import json
import zipfile

import pytest

from tests.conftest import TEXT_CONFIG, choice
from tests.test_api_import import IMAGE_CONFIG, PNG, upload


@pytest.fixture
def labeled(api):
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    ids = api.post("/api/project/import", json=[{"text": "a"}, {"text": "b"}, {"text": "c"}]).json["new_task_ids"]
    api.post(f"/api/tasks/{ids[0]}/completions", json={"result": choice("Positive")})
    api.post(f"/api/tasks/{ids[1]}/completions?was_cancelled=1", json={"result": []})
    return api, ids


def test_json_export_is_a_list_of_the_tasks_with_a_non_cancelled_completion(labeled):
    api, ids = labeled
    answer = api.get("/api/project/export?format=JSON")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    assert answer.headers["filename"].endswith("-JSON.json")
    tasks = json.loads(answer.raw)
    assert [t["id"] for t in tasks] == ids[:1]
    assert tasks[0]["completions"][0]["result"] == choice("Positive")
    # ?all_tasks=1: every task, the skipped one with its cancelled completion, the unlabeled one without.
    every = json.loads(api.get("/api/project/export?format=JSON&all_tasks=1").raw)
    assert [t["id"] for t in every] == ids
    assert every[1]["completions"][0]["was_cancelled"] is True and every[2]["completions"] == []


def test_format_names_are_case_insensitive_and_archive_zips(labeled):
    api, _ = labeled
    single = api.get("/api/project/export?format=json_min")
    assert single.status == 200
    zipped = api.get("/api/project/export?format=csv&archive=1")
    assert zipped.headers["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(zipped.raw)).namelist() == ["result.csv"]


def test_formats_list_says_what_the_config_supports(labeled):
    api, _ = labeled
    formats = {f["name"]: f for f in api.get("/api/project/export/formats").json}
    assert formats["JSON"]["supported"] and formats["CSV"]["supported"]
    assert not formats["COCO"]["supported"] and formats["COCO"]["reason"]
    assert set(formats) == {"JSON", "JSON_MIN", "CSV", "TSV", "CONLL2003", "COCO", "VOC", "YOLO",
                            "YOLO_SEG", "BRUSH_TO_NUMPY", "BRUSH_TO_PNG", "ASR_MANIFEST"}


def test_export_errors_are_400_with_a_reason(labeled):
    api, _ = labeled
    assert api.get("/api/project/export").status == 400
    unknown = api.get("/api/project/export?format=XLS")
    assert unknown.status == 400 and "XLS" in unknown.json["detail"]
    unsupported = api.get("/api/project/export?format=COCO")
    assert unsupported.status == 400 and "Image" in unsupported.json["detail"]


def test_coco_zip_carries_the_uploaded_images(api):
    api.post("/api/project/config", json={"label_config": IMAGE_CONFIG})
    upload(api, ("f", "cat.png", PNG))
    task_id = api.get("/api/tasks").json[0]["id"]
    api.post(f"/api/tasks/{task_id}/completions", json={"result": [{
        "id": "r1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
        "original_width": 1, "original_height": 1, "image_rotation": 0,
        "value": {"x": 0, "y": 0, "width": 100, "height": 100, "rotation": 0, "rectanglelabels": ["Cat"]}}]})
    answer = api.get("/api/project/export?format=COCO")
    assert answer.status == 200
    archive = zipfile.ZipFile(io.BytesIO(answer.raw))
    names = archive.namelist()
    assert "result.json" in names
    image_names = [n for n in names if n.startswith("images/")]
    assert len(image_names) == 1 and archive.read(image_names[0]) == PNG
    coco = json.loads(archive.read("result.json"))
    assert coco["annotations"][0]["bbox"] == [0, 0, 1, 1]
