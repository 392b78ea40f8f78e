"""What the trainer-facing export tests share: images of a known size, result items, and reading the exports
the way Ultralytics and pycocotools read them."""

import io
import json
import struct
import zipfile
import zlib

from tests.test_api_import import upload

BOXES_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Cat"/><Label value="Dog"/></RectangleLabels>
  <PolygonLabels name="outline" toName="image"><Label value="Cat"/><Label value="Dog"/></PolygonLabels>
  <KeyPointLabels name="face" toName="image"><Label value="Nose"/><Label value="Eye"/></KeyPointLabels>
</View>"""
WIDTH, HEIGHT = 320, 240


def png(width=WIDTH, height=HEIGHT, shade=0):
    """A grey PNG of the given size (the shade makes files with the same size differ)."""
    rows = b"".join(b"\x00" + bytes([shade]) * width for _ in range(height))

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def upload_images(api, *names):
    """Upload one PNG per name (a task each); {name: task}."""
    files = [(f"file{number}", f"{name}.png", png(shade=number)) for number, name in enumerate(names)]
    assert upload(api, *files).status == 201
    tasks = api.get("/api/tasks?page_size=100").json
    return {name: next(t for t in tasks if t["data"]["image"].endswith(f"-{name}.png")) for name in names}


def box(x, y, w, h, label="Cat", rotation=0):
    """A RectangleLabels result in percent of a WIDTH x HEIGHT image, from pixels."""
    return {"id": f"b{x}{y}", "from_name": "box", "to_name": "image", "type": "rectanglelabels",
            "original_width": WIDTH, "original_height": HEIGHT, "image_rotation": 0,
            "value": {"x": x / WIDTH * 100, "y": y / HEIGHT * 100, "width": w / WIDTH * 100,
                      "height": h / HEIGHT * 100, "rotation": rotation, "rectanglelabels": [label]}}


def polygon(points, label="Dog"):
    return {"id": "p1", "from_name": "outline", "to_name": "image", "type": "polygonlabels",
            "original_width": WIDTH, "original_height": HEIGHT, "image_rotation": 0,
            "value": {"points": [[x / WIDTH * 100, y / HEIGHT * 100] for x, y in points], "polygonlabels": [label]}}


def keypoint(x, y, label):
    return {"id": f"k{label}", "from_name": "face", "to_name": "image", "type": "keypointlabels",
            "original_width": WIDTH, "original_height": HEIGHT, "image_rotation": 0,
            "value": {"x": x / WIDTH * 100, "y": y / HEIGHT * 100, "width": 1, "keypointlabels": [label]}}


def label(api, task, result, **fields):
    answer = api.post(f"/api/tasks/{task['id']}/completions", json={"result": result, **fields})
    assert answer.status == 201, answer
    return answer.json["id"]


def export_zip(api, query):
    answer = api.get(f"/api/project/export?{query}")
    assert answer.status == 200, answer
    archive = zipfile.ZipFile(io.BytesIO(answer.raw))
    return {name: archive.read(name) for name in archive.namelist()}


def export_json(api, query="format=JSON"):
    answer = api.get(f"/api/project/export?{query}")
    assert answer.status == 200, answer
    return json.loads(answer.raw)


def ultralytics_rows(text):
    """(class, kind, numbers) per row, read as Ultralytics does: the whole file is polygons when any row has
    more than six fields, and then every row's numbers are points."""
    rows = [line.split() for line in text.splitlines() if line.strip()]
    kind = "polygon" if any(len(row) > 6 for row in rows) else "box"
    return [(int(row[0]), kind, [float(n) for n in row[1:]]) for row in rows]


def ultralytics_pixel_boxes(text, width=WIDTH, height=HEIGHT):
    """(class, left, top, width, height) in whole pixels of each row, as a trainer ends up with it."""
    boxes = []
    for category, kind, numbers in ultralytics_rows(text):
        if kind == "box":
            cx, cy, w, h = numbers
            left, top = cx - w / 2, cy - h / 2
        else:  # segments2boxes: the box around the points
            xs, ys = numbers[0::2], numbers[1::2]
            left, top, w, h = min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)
        boxes.append((category, round(left * width), round(top * height), round(w * width), round(h * height)))
    return boxes
