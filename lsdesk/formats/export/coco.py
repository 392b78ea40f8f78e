"""COCO: result.json with images, categories, box, polygon and keypoint annotations, plus the images in images/."""

import json
import tempfile
from datetime import datetime

from lsdesk.formats.export.categories import Categories
from lsdesk.formats.export.coco_keypoints import keypoint_annotation, keypoint_category, keypoint_controls
from lsdesk.formats.export.files import ExportWarnings, MediaFolder, readable_images, task_image_size
from lsdesk.formats.export.geometry import (
    image_dimensions, is_rectangle, pixel_box, polygon_points, rectangle_area, rectangle_corners, shoelace_area,
)
from lsdesk.formats.export.items import IMAGE_REGION_CONTROLS, chosen_items, first_object_key, labels_of

_SPILL_IN_MEMORY = 8 * 1024 * 1024


def files(tasks, config, media):
    """Each image as it is first met, then result.json (its lists wait in temporary files until the end), then
    warnings.txt when a task had to be left out."""
    key = first_object_key(config, {"Image"}, IMAGE_REGION_CONTROLS)
    categories = Categories(config)
    keypoint_names = keypoint_controls(config)
    keypoint_ids = {}
    for control, names in keypoint_names.items():
        keypoint_ids[control] = len(categories.entries)
        categories.entries.append(keypoint_category(keypoint_ids[control], control, names))
    folder = MediaFolder(media, "images")
    warnings = ExportWarnings()
    images = _Spill()
    annotations = _Spill()
    try:
        for item, file, data in readable_images(chosen_items(tasks, config), key, folder, warnings):
            if data is not None:
                yield file.path, [data]
            values = item.values()
            size = task_image_size(values, file, item.task_id, warnings)
            if size is None:
                continue
            width, height = size
            image_id = images.count
            images.add({"width": width, "height": height, "id": image_id, "file_name": file.path})
            found = [_annotation(value, width, height, categories) for value in values]
            for control, names in keypoint_names.items():
                annotation = keypoint_annotation(
                    item.outputs.get(control, ()), names, (width, height),
                    lambda text: warnings.add(f"task {item.task_id}: {text}"))
                if annotation is not None:
                    found.append({"category_id": keypoint_ids[control], **annotation})
            for annotation in found:
                if annotation is not None:
                    # Ids from 1: pycocotools reads an annotation id of 0 as "matched to nothing".
                    annotation["id"] = annotations.count + 1
                    annotation["image_id"] = image_id
                    annotations.add(_ordered(annotation))
        yield "result.json", _result(images, categories, annotations)
        yield from warnings.files()
    finally:
        folder.close()


def _annotation(value, width, height, categories):
    """A COCO annotation (without its ids) for a labeled rectangle or polygon, else None.

    A rectangle's segmentation is the polygon of its corners and its area its own (rotated) area, so
    pycocotools can make its mask and weigh it like the converter's polygons.
    """
    names = labels_of(value)
    if not names:
        return None
    category = categories.id_of(str(names[0]))
    width, height = image_dimensions(value, (width, height))
    points = polygon_points(value) if "polygonlabels" in value or "labels" in value else None
    if points is not None:
        pixels = [(x / 100 * width, y / 100 * height) for x, y, *_ in points]
        xs, ys = zip(*pixels)
        left, top = min(xs), min(ys)
        return {"category_id": category, "segmentation": [[c for point in pixels for c in point]],
                "bbox": [left, top, max(xs) - left, max(ys) - top], "area": shoelace_area(xs, ys)}
    if ("rectanglelabels" in value or "labels" in value) and is_rectangle(value):
        corners = rectangle_corners(value, width, height)
        return {"category_id": category, "segmentation": [[c for corner in corners for c in corner]],
                "bbox": pixel_box(value, width, height), "area": rectangle_area(value, width, height)}
    return None


def _ordered(annotation):
    keys = ("id", "image_id", "category_id", "segmentation", "bbox")
    ordered = {**{key: annotation[key] for key in keys}, "ignore": 0, "iscrowd": 0, "area": annotation["area"]}
    if "keypoints" in annotation:
        ordered.update(keypoints=annotation["keypoints"], num_keypoints=annotation["num_keypoints"])
    return ordered


def _result(images, categories, annotations):
    now = datetime.now()
    info = {"year": now.year, "version": "1.0", "description": "", "contributor": "Label Studio",
            "url": "", "date_created": str(now)}
    yield b'{\n  "images": '
    yield from images.chunks()
    yield b',\n  "categories": '
    yield _entries_text(categories.entries)
    yield b',\n  "annotations": '
    yield from annotations.chunks()
    yield b',\n  "info": ' + _dumps(info) + b"\n}"


class _Spill:
    """A JSON list written entry by entry to a temporary file, read back as the list's text."""

    def __init__(self):
        self.file = tempfile.SpooledTemporaryFile(max_size=_SPILL_IN_MEMORY, mode="w+b")
        self.count = 0

    def add(self, entry):
        self.file.write((b"\n    " if self.count == 0 else b",\n    ") + _dumps(entry))
        self.count += 1

    def chunks(self):
        if not self.count:
            yield b"[]"
            return
        yield b"["
        self.file.seek(0)
        while block := self.file.read(64 * 1024):
            yield block
        self.file.close()
        yield b"\n  ]"


def _entries_text(entries):
    if not entries:
        return b"[]"
    return b"[\n    " + b",\n    ".join(_dumps(entry) for entry in entries) + b"\n  ]"


def _dumps(value):
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "backslashreplace")
