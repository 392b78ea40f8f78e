"""Pascal VOC: one Annotations/<image name>.xml per labeled image, boxes in nearest whole pixels, plus images/."""

import re

from lsdesk.formats.export.files import (
    ExportWarnings, MediaFolder, NameRegistry, readable_images, stem_of, task_image_size,
)
from lsdesk.formats.export.geometry import is_rectangle, nearest_pixel, pixel_box
from lsdesk.formats.export.items import chosen_items, first_object_key

_BOX_CONTROLS = {"RectangleLabels", "Rectangle", "Labels"}


def files(tasks, config, media):
    """Every image as it is first met; for each task the XML of its chosen completion (ground truth, else the
    newest) that has results; warnings.txt when a task had to be left out."""
    key = first_object_key(config, {"Image"}, _BOX_CONTROLS)
    folder = MediaFolder(media, "images")
    xml_names = NameRegistry()
    warnings = ExportWarnings()
    try:
        for item, file, data in readable_images(chosen_items(tasks, config), key, folder, warnings):
            if data is not None:
                yield file.path, [data]
            values = item.values()
            if not values:
                continue
            size = task_image_size(values, file, item.task_id, warnings)
            if size is None:
                continue
            width, height = size
            depth = file.info[2] if file.info else 3
            name, _new = xml_names.claim(stem_of(file.name) + ".xml", item.owner)
            text = annotation_xml(file.name, item.annotator(""), width, height, depth, _boxes(values, width, height))
            yield f"Annotations/{name}", [text.encode("utf-8", "backslashreplace")]
        yield from warnings.files()
    finally:
        folder.close()
        xml_names.close()


def _boxes(values, width, height):
    """(label, xmin, ymin, xmax, ymax) for each labeled rectangle: its first label, each edge at its nearest pixel."""
    boxes = []
    for value in values:
        key = "rectanglelabels" if "rectanglelabels" in value else "labels" if "labels" in value else None
        labels = value.get(key) if key else None
        if not labels or not isinstance(labels, list) or not is_rectangle(value):
            continue
        left, top, w, h = pixel_box(value, width, height)
        boxes.append((str(labels[0]), nearest_pixel(left), nearest_pixel(top),
                      nearest_pixel(left + w), nearest_pixel(top + h)))
    return boxes


def annotation_xml(filename, annotator, width, height, depth, boxes):
    """The XML text, laid out as label-studio-converter writes it: one element per line, no indent."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        "<annotation>",
        "<folder>images</folder>",
        f"<filename>{_escape(filename)}</filename>",
        "<source>",
        "<database>MyDatabase</database>",
        "<annotation>COCO2017</annotation>",
        "<image>flickr</image>",
        "<flickrid>NULL</flickrid>",
        f"<annotator>{_escape(annotator)}</annotator>",
        "</source>",
        "<owner>",
        "<flickrid>NULL</flickrid>",
        "<name>Label Studio</name>",
        "</owner>",
        "<size>",
        f"<width>{width}</width>",
        f"<height>{height}</height>",
        f"<depth>{depth}</depth>",
        "</size>",
        "<segmented>0</segmented>",
    ]
    for label, xmin, ymin, xmax, ymax in boxes:
        lines += [
            "<object>",
            f"<name>{_escape(label)}</name>",
            "<pose>Unspecified</pose>",
            "<truncated>0</truncated>",
            "<difficult>0</difficult>",
            "<bndbox>",
            f"<xmin>{xmin}</xmin>",
            f"<ymin>{ymin}</ymin>",
            f"<xmax>{xmax}</xmax>",
            f"<ymax>{ymax}</ymax>",
            "</bndbox>",
            "</object>",
        ]
    lines.append("</annotation>")
    return "\n".join(lines) + "\n"


# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(text):
    return (_NOT_XML.sub("", str(text)).replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
            .replace(">", "&gt;"))
