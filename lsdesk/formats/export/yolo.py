"""YOLO: labels/<image>.txt with a `class cx cy w h` (or polygon) line per label, classes.txt, notes.json, images/."""

import json
from datetime import datetime

from lsdesk.formats.export.categories import Categories
from lsdesk.formats.export.files import MediaFolder, NameRegistry, stem_of
from lsdesk.formats.export.geometry import image_dimensions, is_rectangle, pixel_box, polygon_points
from lsdesk.formats.export.items import first_object_key, task_items

_REGION_CONTROLS = {"RectangleLabels", "PolygonLabels", "Labels", "Rectangle", "Polygon"}
# Label files are named after their image, cut so that "<name>.txt" fits in 255 bytes.
MAX_STEM = 251


def files(tasks, config, media):
    """Every image as it is first met and, per task, the label file of its newest completion; then the class lists."""
    key = first_object_key(config, {"Image"}, _REGION_CONTROLS)
    categories = Categories(config)
    folder = MediaFolder(media, "images")
    label_names = NameRegistry()
    try:
        for task, task_items_ in task_items(tasks, config):
            item = task_items_[0]
            url = item.data.get(key)
            if not isinstance(url, str):
                continue
            file, data = folder.get(url)
            if data is not None:
                yield file.path, [data]
            size = file.info[:2] if file.info else (None, None)
            lines = [line for value in item.values() for line in _lines(value, size, categories)]
            name, _new = label_names.claim(stem_of(file.name)[:MAX_STEM] + ".txt", task.get("id"))
            yield f"labels/{name}", ["".join(lines).encode("utf-8")]
        yield "classes.txt", ["".join(f"{entry['name']}\n" for entry in categories.entries).encode("utf-8")]
        yield "notes.json", [notes(categories.entries)]
    finally:
        folder.close()
        label_names.close()


def _lines(value, size, categories):
    """One line per label of a labeled rectangle or polygon: the class id, then normalized coordinates."""
    names = [name for key in ("rectanglelabels", "polygonlabels", "labels")
             if isinstance(value.get(key), list) for name in value[key]]
    ids = [categories.id_of(str(name)) for name in names]
    numbers = _coordinates(value, image_dimensions(value, size)) if ids else None
    if not numbers:
        return []
    return [" ".join(str(n) for n in [category, *numbers]) + "\n" for category in ids]


def _coordinates(value, size):
    points = polygon_points(value) if "polygonlabels" in value or "labels" in value else None
    if points is not None:
        return [c for x, y, *_ in points for c in (x / 100, y / 100)]
    if "polygonlabels" in value or not is_rectangle(value):
        return None
    width, height = size
    if value.get("rotation") and width is not None:
        left, top, w, h = pixel_box(value, width, height)
        return [(left + w / 2) / width, (top + h / 2) / height, w / width, h / height]
    w, h = value["width"], value["height"]
    return [(value["x"] + w / 2) / 100, (value["y"] + h / 2) / 100, w / 100, h / 100]


def notes(categories):
    info = {"year": datetime.now().year, "version": "1.0", "contributor": "Label Studio"}
    return json.dumps({"categories": categories, "info": info}, indent=2, ensure_ascii=False).encode("utf-8")
