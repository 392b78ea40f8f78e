"""Exports a trainer reads correctly (issue 13, section 2), through the real server: which tasks and which
completion each export holds, YOLO files of one kind of row, COCO that pycocotools evaluates, VOC edges at the
nearest pixel, and missing media listed instead of written as file names."""

import json
import re

import numpy
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from tests.export_trainer_helpers import (
    BOXES_CONFIG, HEIGHT, WIDTH, box, export_json, export_zip, keypoint, label, polygon, ultralytics_pixel_boxes,
    ultralytics_rows, upload_images,
)


@pytest.fixture
def images(api):
    assert api.post("/api/project/config", json={"label_config": BOXES_CONFIG}).status in (200, 201)
    return api


def _labels(files):
    return {name: text.decode() for name, text in files.items() if name.startswith("labels/")}


# -- one task set in every format ----------------------------------------------------------------


def test_every_format_exports_the_tasks_with_a_non_cancelled_completion(images):
    api = images
    tasks = upload_images(api, "labeled", "skipped", "unlabeled")
    label(api, tasks["labeled"], [box(32, 48, 96, 72)])
    skip = api.post(f"/api/tasks/{tasks['skipped']['id']}/completions?was_cancelled=1", json={"result": []})
    assert skip.status == 201

    coco = json.loads(export_zip(api, "format=COCO")["result.json"])
    labeled_file = "images/" + tasks["labeled"]["data"]["image"].split("/")[-1]
    assert [image["file_name"] for image in coco["images"]] == [labeled_file]
    for fmt in ("YOLO", "YOLO_SEG", "VOC"):
        files = export_zip(api, f"format={fmt}")
        assert [name for name in files if name.startswith(("labels/", "Annotations/"))] == [
            name for name in files if "-labeled." in name and not name.startswith("images/")], fmt
        assert sum(name.startswith("images/") for name in files) == 1, fmt
    assert [task["id"] for task in export_json(api)] == [tasks["labeled"]["id"]]
    assert [row["id"] for row in export_json(api, "format=JSON_MIN")] == [tasks["labeled"]["id"]]

    # ?all_tasks=1 adds the unlabeled images (an empty YOLO file says "no objects here"); a skipped task has
    # no label set for them, only JSON lists it.
    assert len(json.loads(export_zip(api, "format=COCO&all_tasks=1")["result.json"])["images"]) == 2
    assert len(_labels(export_zip(api, "format=YOLO&all_tasks=1"))) == 2
    assert len(export_json(api, "format=JSON&all_tasks=1")) == 3
    formats = {f["name"]: f for f in api.get("/api/project/export/formats").json}
    assert formats["YOLO"]["one_completion"] and not formats["JSON"]["one_completion"]


# -- which completion -----------------------------------------------------------------------------


def test_one_label_set_formats_export_the_ground_truth_else_the_newest_completion(images):
    api = images
    tasks = upload_images(api, "marked", "disputed", "agreed")
    older = label(api, tasks["marked"], [box(32, 48, 96, 72)], completed_by={"email": "a@x"})
    label(api, tasks["marked"], [box(160, 120, 64, 64)], completed_by={"email": "b@x"})
    label(api, tasks["disputed"], [box(0, 0, 32, 32)], completed_by={"email": "a@x"})
    label(api, tasks["disputed"], [box(200, 100, 32, 32)], completed_by={"email": "b@x"})
    label(api, tasks["agreed"], [box(10, 10, 20, 20)])
    marked = api.patch(f"/api/tasks/{tasks['marked']['id']}/completions/{older}", json={"ground_truth": True})
    assert marked.status in (200, 201)

    yolo = _labels(export_zip(api, "format=YOLO"))
    marked = next(text for name, text in yolo.items() if "-marked" in name)
    disputed = next(text for name, text in yolo.items() if "-disputed" in name)
    assert ultralytics_pixel_boxes(marked) == [(0, 32, 48, 96, 72)]  # the ground truth, though older
    assert ultralytics_pixel_boxes(disputed) == [(0, 200, 100, 32, 32)]  # the newest
    coco = json.loads(export_zip(api, "format=COCO")["result.json"])
    assert len(coco["images"]) == 3 and len(coco["annotations"]) == 3
    # JSON keeps every completion.
    assert [len(task["completions"]) for task in export_json(api)] == [2, 2, 1]

    summary = api.get("/api/project/export/summary").json
    assert (summary["tasks"], summary["labeled_tasks"], summary["disagreeing_without_ground_truth"]) == (3, 3, 1)
    left_out = _labels(export_zip(api, "format=YOLO&leave_out_disagreeing=1"))
    assert sorted(name.split("-")[-1] for name in left_out) == ["agreed.txt", "marked.txt"]
    assert [task["id"] for task in export_json(api, "format=JSON&leave_out_disagreeing=1")] == [
        tasks["marked"]["id"], tasks["agreed"]["id"]]


# -- YOLO: one kind of row per file ---------------------------------------------------------------


def test_yolo_detection_and_segmentation_never_mix_box_and_polygon_rows(images):
    api = images
    tasks = upload_images(api, "mixed")
    label(api, tasks["mixed"], [box(32, 48, 96, 72), box(100, 100, 40, 20, rotation=90),
                                polygon([(160, 120), (240, 120), (200, 200)])])
    formats = {f["name"]: f for f in api.get("/api/project/export/formats").json}
    assert formats["YOLO"]["supported"] and formats["YOLO_SEG"]["supported"]

    detection = _labels(export_zip(api, "format=YOLO"))
    (text,) = detection.values()
    assert {kind for _c, kind, _n in ultralytics_rows(text)} == {"box"}
    assert all(len(line.split()) == 5 for line in text.splitlines())
    # The square of 96x72 px stays 96x72; the polygon becomes its box; the rotated box the box around it.
    assert ultralytics_pixel_boxes(text) == [(0, 32, 48, 96, 72), (0, 80, 100, 20, 40), (1, 160, 120, 80, 80)]

    segmentation = _labels(export_zip(api, "format=YOLO_SEG"))
    (text,) = segmentation.values()
    assert {kind for _c, kind, _n in ultralytics_rows(text)} == {"polygon"}
    assert [len(line.split()) for line in text.splitlines()] == [9, 9, 7]
    assert ultralytics_pixel_boxes(text) == [(0, 32, 48, 96, 72), (0, 80, 100, 20, 40), (1, 160, 120, 80, 80)]


# -- COCO that pycocotools evaluates right ----------------------------------------------------------


def test_coco_ground_truth_scores_ap_1_against_itself_and_every_annotation_has_a_mask(images, tmp_path):
    api = images
    tasks = upload_images(api, "one", "two")
    label(api, tasks["one"], [box(32, 48, 96, 72), box(100, 100, 40, 20, label="Dog", rotation=30),
                              polygon([(160, 120), (240, 120), (200, 200)])])
    label(api, tasks["two"], [box(0, 0, 160, 120, label="Dog"), keypoint(50, 60, "Nose"), keypoint(70, 40, "Eye")])
    files = export_zip(api, "format=COCO")
    path = tmp_path / "result.json"
    path.write_bytes(files["result.json"])
    ground_truth = COCO(str(path))
    assert min(ground_truth.getAnnIds()) == 1
    for annotation in ground_truth.loadAnns(ground_truth.getAnnIds()):
        image = ground_truth.imgs[annotation["image_id"]]
        assert ground_truth.annToMask(annotation).shape == (image["height"], image["width"])
    detections = ground_truth.loadRes([{"image_id": a["image_id"], "category_id": a["category_id"],
                                        "bbox": a["bbox"], "score": 1.0} for a in ground_truth.dataset["annotations"]])
    evaluation = COCOeval(ground_truth, detections, "bbox")
    evaluation.evaluate()
    evaluation.accumulate()
    evaluation.summarize()
    assert evaluation.stats[0] == pytest.approx(1.0)

    annotations = ground_truth.dataset["annotations"]
    square, rotated = annotations[0], annotations[1]
    assert square["segmentation"] == [[32.0, 48.0, 128.0, 48.0, 128.0, 120.0, 32.0, 120.0]]
    assert rotated["area"] == pytest.approx(40 * 20)  # its own area, not the box around it
    categories = {c["name"]: c for c in ground_truth.dataset["categories"]}
    assert set(categories) == {"Cat", "Dog", "face"}  # no empty "Nose"/"Eye" categories
    assert categories["face"]["keypoints"] == ["Nose", "Eye"]
    (face,) = [a for a in annotations if a["category_id"] == categories["face"]["id"]]
    assert face["keypoints"] == pytest.approx([50, 60, 2, 70, 40, 2]) and face["num_keypoints"] == 2
    assert numpy.count_nonzero(ground_truth.annToMask(square)) == pytest.approx(96 * 72, rel=0.05)


# -- VOC rounds -------------------------------------------------------------------------------------


def test_voc_writes_the_nearest_pixel_of_each_edge(images):
    api = images
    tasks = upload_images(api, "edges")
    result = box(32, 48, 96, 72)
    # What the labeling page sends for a box drawn from 32,48 to 128,120: percent a hair under the pixel.
    result["value"].update(x=9.999999, y=19.999999, width=29.999999, height=29.999999)
    label(api, tasks["edges"], [result])
    (xml,) = [text.decode() for name, text in export_zip(api, "format=VOC").items() if name.startswith("Annotations/")]
    edges = {tag: int(re.search(f"<{tag}>(-?\\d+)</{tag}>", xml).group(1)) for tag in ("xmin", "ymin", "xmax", "ymax")}
    assert edges == {"xmin": 32, "ymin": 48, "xmax": 128, "ymax": 120}


# -- missing media ------------------------------------------------------------------------------------


def test_missing_media_is_listed_in_warnings_and_its_tasks_left_out_of_image_formats(images):
    api = images
    tasks = upload_images(api, "present")
    label(api, tasks["present"], [box(32, 48, 96, 72)])
    imported = api.post("/api/project/import", json=[
        {"image": "/data/upload/gone.png"}, {"image": "/data/folder/1/cats/lost.png"}]).json["new_task_ids"]
    for task_id in imported:
        label(api, {"id": task_id}, [box(32, 48, 96, 72)])

    for fmt in ("COCO", "VOC", "YOLO", "YOLO_SEG"):
        files = export_zip(api, f"format={fmt}")
        warnings = files["warnings.txt"].decode()
        assert "/data/upload/gone.png" in warnings and "/data/folder/1/cats/lost.png" in warnings, fmt
        assert not any("gone" in name or "lost" in name for name in files if name != "warnings.txt"), fmt
    coco = json.loads(export_zip(api, "format=COCO")["result.json"])
    sizes = [(image["file_name"].startswith("images/"), image["width"], image["height"]) for image in coco["images"]]
    assert sizes == [(True, WIDTH, HEIGHT)]
    assert {a["image_id"] for a in coco["annotations"]} == {coco["images"][0]["id"]}

    missing = api.get("/api/project/export/summary").json["missing_images"]
    assert missing["count"] == 2
    assert [entry["url"] for entry in missing["listed"]] == ["/data/upload/gone.png", "/data/folder/1/cats/lost.png"]
    assert missing["left_out_of"] == ["COCO", "VOC", "YOLO", "YOLO_SEG"]
