"""COCO: result.json with images, categories, box and polygon annotations, plus the images in images/."""

import json
import tempfile
from datetime import datetime

from lsdesk.formats.export.categories import Categories
from lsdesk.formats.export.files import MediaFolder
from lsdesk.formats.export.geometry import (
    first_dimensions, image_dimensions, is_rectangle, pixel_box, polygon_points, shoelace_area,
)
from lsdesk.formats.export.items import first_object_key, items, labels_of

_SPILL_IN_MEMORY = 8 * 1024 * 1024
_REGION_CONTROLS = {"RectangleLabels", "PolygonLabels", "Labels", "Rectangle", "Polygon"}


def files(tasks, config, media):
    """Each image as it is first met, then result.json (its lists wait in temporary files until the end)."""
    key = first_object_key(config, {"Image"}, _REGION_CONTROLS)
    categories = Categories(config)
    folder = MediaFolder(media, "images")
    images = _Spill()
    annotations = _Spill()
    try:
        for number, item in enumerate(items(tasks, config)):
            url = item.data.get(key)
            if not isinstance(url, str):
                continue
            file, data = folder.get(url)
            if data is not None:
                yield file.path, [data]
            values = item.values()
            width, height = first_dimensions(values)
            if width is None and file.info:
                width, height = file.info[:2]
            images.add({"width": width, "height": height, "id": number, "file_name": file.path or url})
            for value in values:
                annotation = _annotation(value, width, height, categories)
                if annotation is not None:
                    annotation["id"] = annotations.count
                    annotation["image_id"] = number
                    annotations.add(_ordered(annotation))
        yield "result.json", _result(images, categories, annotations)
    finally:
        folder.close()


def _annotation(value, width, height, categories):
    """A COCO annotation (without its ids) for a labeled rectangle or polygon, else None."""
    names = labels_of(value)
    if not names:
        return None
    category = categories.id_of(str(names[0]))
    width, height = image_dimensions(value, (width, height))
    if width is None:
        return None
    points = polygon_points(value) if "polygonlabels" in value or "labels" in value else None
    if points is not None:
        pixels = [(x / 100 * width, y / 100 * height) for x, y, *_ in points]
        xs, ys = zip(*pixels)
        left, top = min(xs), min(ys)
        return {"category_id": category, "segmentation": [[c for point in pixels for c in point]],
                "bbox": [left, top, max(xs) - left, max(ys) - top], "area": shoelace_area(xs, ys)}
    if ("rectanglelabels" in value or "labels" in value) and is_rectangle(value):
        box = pixel_box(value, width, height)
        return {"category_id": category, "segmentation": [], "bbox": box, "area": box[2] * box[3]}
    return None


def _ordered(annotation):
    keys = ("id", "image_id", "category_id", "segmentation", "bbox")
    return {**{key: annotation[key] for key in keys}, "ignore": 0, "iscrowd": 0, "area": annotation["area"]}


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
