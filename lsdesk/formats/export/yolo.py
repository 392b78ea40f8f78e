"""YOLO: labels/<image>.txt, classes.txt, notes.json, images/; detection (a `class cx cy w h` row per label)
or segmentation (a `class x1 y1 x2 y2 ...` polygon row per label), never both kinds in one file.

Ultralytics reads a whole label file as polygons when any row has more than six fields, so a box row next
to a polygon row would be read as a two-point polygon. Detection writes a polygon as its bounding box;
segmentation writes a rectangle as its four corners.
"""

import json
from datetime import datetime

from lsdesk.formats.export.categories import Categories
from lsdesk.formats.export.files import ExportWarnings, MediaFolder, NameRegistry, readable_images, stem_of
from lsdesk.formats.export.geometry import (
    image_dimensions, is_rectangle, pixel_box, polygon_points, rectangle_corners, rotation_of,
)
from lsdesk.formats.export.items import IMAGE_REGION_CONTROLS, chosen_items, first_object_key

# Label files are named after their image, cut so that "<name>.txt" fits in 255 bytes.
MAX_STEM = 251


def detection_files(tasks, config, media):
    return _files(tasks, config, media, _box)


def segmentation_files(tasks, config, media):
    return _files(tasks, config, media, _outline)


def _files(tasks, config, media, coordinates):
    """Every image as it is first met and, per task, the label file of its chosen completion (ground truth,
    else the newest); then the class lists, and warnings.txt when a task had to be left out."""
    key = first_object_key(config, {"Image"}, IMAGE_REGION_CONTROLS)
    categories = Categories(config)
    folder = MediaFolder(media, "images")
    label_names = NameRegistry()
    warnings = ExportWarnings()
    try:
        for item, file, data in readable_images(chosen_items(tasks, config), key, folder, warnings):
            if data is not None:
                yield file.path, [data]
            size = file.info[:2] if file.info else (None, None)
            lines = [line for value in item.values() for line in _lines(value, size, categories, coordinates)]
            name, _new = label_names.claim(stem_of(file.name)[:MAX_STEM] + ".txt", item.owner)
            yield f"labels/{name}", ["".join(lines).encode("utf-8")]
        yield "classes.txt", ["".join(f"{entry['name']}\n" for entry in categories.entries).encode("utf-8")]
        yield "notes.json", [notes(categories.entries)]
        yield from warnings.files()
    finally:
        folder.close()
        label_names.close()


def _lines(value, size, categories, coordinates):
    """One line per label of a labeled rectangle or polygon: the class id, then normalized coordinates."""
    names = [name for key in ("rectanglelabels", "polygonlabels", "labels")
             if isinstance(value.get(key), list) for name in value[key]]
    ids = [categories.id_of(str(name)) for name in names]
    numbers = coordinates(value, image_dimensions(value, size)) if ids else None
    if not numbers:
        return []
    return [" ".join(str(n) for n in [category, *numbers]) + "\n" for category in ids]


def _corners(value, size):
    """The region's outline as normalized (x, y) points, or None when it is neither a polygon nor a rectangle."""
    points = polygon_points(value) if "polygonlabels" in value or "labels" in value else None
    if points is not None:
        return [(x / 100, y / 100) for x, y, *_ in points]
    if "polygonlabels" in value or not is_rectangle(value):
        return None
    width, height = size
    if rotation_of(value) and width is not None:
        return [(x / width, y / height) for x, y in rectangle_corners(value, width, height)]
    x, y, w, h = (value[key] / 100 for key in ("x", "y", "width", "height"))
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _box(value, size):
    """[cx, cy, w, h] normalized: a rectangle's box, or the box around a rotated rectangle or a polygon."""
    width, height = size
    if is_rectangle(value) and "polygonlabels" not in value and "points" not in value:
        if rotation_of(value) and width is not None:
            left, top, w, h = pixel_box(value, width, height)
            return [(left + w / 2) / width, (top + h / 2) / height, w / width, h / height]
        w, h = value["width"], value["height"]
        return [(value["x"] + w / 2) / 100, (value["y"] + h / 2) / 100, w / 100, h / 100]
    corners = _corners(value, size)
    if corners is None:
        return None
    xs, ys = zip(*corners)
    left, top, right, bottom = min(xs), min(ys), max(xs), max(ys)
    return [(left + right) / 2, (top + bottom) / 2, right - left, bottom - top]


def _outline(value, size):
    corners = _corners(value, size)
    return [c for point in corners for c in point] if corners else None


def notes(categories):
    info = {"year": datetime.now().year, "version": "1.0", "contributor": "Label Studio"}
    return json.dumps({"categories": categories, "info": info}, indent=2, ensure_ascii=False).encode("utf-8")
