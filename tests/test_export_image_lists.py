"""Several images in one task (an Image with valueList): COCO, VOC and YOLO write one image entry per image
of the list, each with the regions whose item_index points at it (Label Studio 1.x's multi-image results)."""

import json

from lsdesk.config import parse_config
from tests.fixtures.export.helpers import DictMedia, export
from tests.test_export_images import png

CONFIG = parse_config('<View><RectangleLabels name="box" toName="pages"><Label value="Title"/><Label value="Date"/>'
                      '</RectangleLabels><Image name="pages" valueList="$pages"/></View>')
PAGES = ["/data/upload/p1.png", "/data/upload/p2.png", "/data/upload/p3.png"]
MEDIA = DictMedia({PAGES[0]: png(200, 100), PAGES[1]: png(100, 100), PAGES[2]: png(50, 40)})


def box(region_id, label, x, item_index=None, width=200, height=100):
    item = {"id": region_id, "from_name": "box", "to_name": "pages", "type": "rectanglelabels",
            "original_width": width, "original_height": height, "image_rotation": 0}
    if item_index is not None:
        item["item_index"] = item_index
    item["value"] = {"x": x, "y": 10, "width": 10, "height": 20, "rotation": 0, "rectanglelabels": [label]}
    return item


TASK = {"id": 7, "data": {"pages": PAGES}, "completions": [{"id": 1, "created_at": 1, "result": [
    box("a", "Title", 10, 0), box("b", "Date", 50, 1, 100, 100), box("c", "Title", 20, 1, 100, 100)]}]}


def test_coco_writes_one_image_entry_per_image_of_the_list_with_its_own_regions():
    files = export("COCO", [TASK], CONFIG, MEDIA)
    coco = json.loads(files["result.json"])
    assert coco["images"] == [
        {"width": 200, "height": 100, "id": 0, "file_name": "images/p1.png"},
        {"width": 100, "height": 100, "id": 1, "file_name": "images/p2.png"},
        {"width": 50, "height": 40, "id": 2, "file_name": "images/p3.png"},
    ]
    assert [(a["image_id"], a["category_id"], a["bbox"]) for a in coco["annotations"]] == [
        (0, 1, [20.0, 10.0, 20.0, 20.0]), (1, 0, [50.0, 10.0, 10.0, 20.0]), (1, 1, [20.0, 10.0, 10.0, 20.0])]
    assert sorted(files) == ["images/p1.png", "images/p2.png", "images/p3.png", "result.json"]


def test_yolo_writes_a_label_file_per_image_of_the_list():
    files = export("YOLO", [TASK], CONFIG, MEDIA)
    assert files["labels/p1.txt"] == b"1 0.15 0.2 0.1 0.2\n"
    assert files["labels/p2.txt"] == b"0 0.55 0.2 0.1 0.2\n1 0.25 0.2 0.1 0.2\n"
    assert files["labels/p3.txt"] == b""


def test_voc_writes_an_annotation_per_labeled_image_of_the_list():
    files = export("VOC", [TASK], CONFIG, MEDIA)
    assert sorted(name for name in files if name.startswith("Annotations/")) == ["Annotations/p1.xml", "Annotations/p2.xml"]
    page_two = files["Annotations/p2.xml"].decode()
    assert page_two.count("<object>") == 2 and "<width>100</width>" in page_two


def test_regions_without_item_index_belong_to_the_first_image_and_a_list_may_repeat_an_image():
    task = {"id": 1, "data": {"pages": [PAGES[0], PAGES[0]]}, "completions": [{"id": 1, "result": [box("a", "Date", 10)]}]}
    files = export("YOLO", [task], CONFIG, MEDIA)
    assert (files["labels/p1.txt"], files["labels/p1_2.txt"]) == (b"0 0.15 0.2 0.1 0.2\n", b"")


def test_an_entry_of_the_list_that_is_not_a_url_is_left_out_with_a_warning():
    task = {"id": 3, "data": {"pages": [PAGES[0], 5]}, "completions": [{"id": 1, "result": [box("a", "Date", 10)]}]}
    files = export("COCO", [task], CONFIG, MEDIA)
    assert len(json.loads(files["result.json"])["images"]) == 1
    assert files["warnings.txt"] == b"task 3: left out, it has no image URL in image 1 of $pages\n"
