"""Each export format against label-studio-converter 0.0.59's output on the same input (tests/fixtures/export).

Where lsdesk deliberately differs (docs/export-differences.md), the test says so and checks our output.
"""

import json
import struct

import pytest

from lsdesk.config import parse_config
from tests.fixtures.export.helpers import (
    FIXTURES, DictMedia, assert_json_close, case_input, converter_output, export, export_case, ordered_json,
    png_pixels,
)

# -- text formats: byte for byte ----------------------------------------------------------------


def test_csv_is_byte_equal_to_converter():
    assert export_case("text", "CSV") == converter_output("text", "CSV")


def test_conll_is_the_converters_for_each_tasks_newest_completion():
    # The converter writes a block per completion; lsdesk one per task (task 1's newest, 12, not 11).
    blocks = converter_output("text", "CONLL2003")["result.conll"].split(b"\n\n")
    older_of_task_1 = blocks.pop(1)
    assert older_of_task_1.startswith(b"John -X- _ B-PER\nSmith -X- _ I-PER")
    assert export_case("text", "CONLL2003")["result.conll"] == b"\n\n".join(blocks)


def test_tsv_is_byte_equal_to_converter_but_named_result_tsv():
    ours = export_case("text", "TSV")
    assert list(ours) == ["result.tsv"]
    assert ours["result.tsv"] == converter_output("text", "TSV")["result.csv"]


def test_json_min_is_the_converters_json_with_the_same_key_order():
    ours = export_case("text", "JSON_MIN")["result.json"]
    theirs = converter_output("text", "JSON_MIN")["result.json"]
    assert ordered_json(ours) == ordered_json(theirs)
    # Same layout too; the converter's JSON library also writes "/" as "\/".
    assert ours == theirs.replace(b"\\/", b"/")


def test_conll_tags_astral_characters_by_code_point():
    conll = export_case("text", "CONLL2003")["result.conll"].decode()
    assert "\U0001F600 -X- _ B-ORG\n" in conll
    assert "Paris -X- _ B-LOC\n\U0001F1EB\U0001F1F7 -X- _ I-LOC\n" in conll
    assert "Paulo -X- _ I-LOC\n𝒳 -X- _ I-LOC\ntoday -X- _ O\n" in conll


def test_text_exports_leave_out_cancelled_completions_and_all_cancelled_tasks():
    rows = json.loads(export_case("text", "JSON_MIN")["result.json"])
    assert [(row["id"], row["annotation_id"]) for row in rows] == [
        (1, 12), (1, 11), (2, 21), (3, 31), (4, None), (6, 61)]


# -- JSON ---------------------------------------------------------------------------------------


def test_json_lists_tasks_with_completions_including_cancelled_ones():
    tasks, config, _ = case_input("text")
    tasks[0]["completed_at"] = "2023-11-14 22:13:20"
    tasks[0]["meta"] = {"batch": 1}
    tasks[0]["predictions"] = [{"id": 4, "model_version": "m1", "result": []}]
    out = export("JSON", tasks, config)
    assert list(out) == ["result.json"]
    exported = json.loads(out["result.json"])
    assert [task["id"] for task in exported] == [1, 2, 3, 5, 6]
    assert list(exported[0]) == ["id", "data", "meta", "completions", "predictions"]
    assert exported[0]["completions"] == tasks[0]["completions"]
    assert exported[3]["completions"][0]["was_cancelled"] is True
    assert exported[1]["data"]["text"] == tasks[1]["data"]["text"]


def test_json_writes_one_task_per_line_in_utf8():
    tasks, config, _ = case_input("text")
    text = export("JSON", tasks, config)["result.json"].decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == 7
    assert "\U0001F600" in text


def test_json_of_nothing_labeled_is_an_empty_list():
    assert export("JSON", [{"id": 1, "data": {}, "completions": [], "predictions": []}], None) == {
        "result.json": b"[]"}


def test_json_escapes_lone_surrogates_instead_of_failing():
    task = {"id": 1, "data": {"text": "bad \ud83d end"}, "completions": [{"id": 1, "result": []}]}
    assert json.loads(export("JSON", [task], None)["result.json"])[0]["data"]["text"] == "bad \ud83d end"


def test_json_streams_before_the_tasks_are_all_read():
    read = []

    def tasks():
        for number in range(1, 10_001):
            read.append(number)
            yield {"id": number, "data": {}, "completions": [{"id": number, "result": []}]}

    from lsdesk.formats.export import FORMATS
    (path, chunks), = FORMATS["JSON"].files(tasks(), None, None)
    chunks = iter(chunks)
    next(chunks)
    next(chunks)
    assert len(read) < 10_000


# -- COCO ---------------------------------------------------------------------------------------


def _coco(case):
    files = export_case(case, "COCO")
    theirs = converter_output(case, "COCO")
    assert files.keys() - {"warnings.txt"} == theirs.keys()
    return json.loads(files["result.json"]), json.loads(theirs["result.json"]), files


def test_coco_matches_converter_for_each_tasks_newest_completion_with_our_differences():
    files = export_case("image", "COCO")
    ours, theirs = json.loads(files["result.json"]), json.loads(converter_output("image", "COCO")["result.json"])
    assert files["images/cat1.jpg"] == (FIXTURES / "image/media/cat1.jpg").read_bytes()
    # One image per task (the converter adds one per completion); bird3 cannot be read, so it is left out.
    assert [image["file_name"] for image in ours["images"]] == ["images/cat1.jpg", "images/dog2.png", "images/empty4.jpg"]
    assert files["warnings.txt"] == b"task 3: left out, its file http://example.invalid/photos/bird3.jpg could not be read\n"
    # Categories: the Image's region labels, no Choice values, and KeyPointLabels as one keypoint category.
    assert [c["name"] for c in theirs["categories"]] == ["Cat", "Dog", "Nose", "Person", "indoor", "outdoor"]
    assert ours["categories"] == [{"id": 0, "name": "Cat"}, {"id": 1, "name": "Dog"}, {"id": 2, "name": "Person"},
                                  {"id": 3, "name": "kp", "keypoints": ["Nose"], "skeleton": []}]
    # The converter's annotations of those completions, ids from 1, rectangles with their corners as segmentation.
    category = {0: 0, 1: 1, 3: 2}
    image = {0: 0, 2: 1}
    expected = []
    for annotation in theirs["annotations"]:
        if annotation["image_id"] not in image:
            continue
        x, y, w, h = annotation["bbox"]
        expected.append({**annotation, "id": len(expected) + 1, "image_id": image[annotation["image_id"]],
                         "category_id": category[annotation["category_id"]],
                         "segmentation": annotation["segmentation"] or [[x, y, x + w, y, x + w, y + h, x, y + h]]})
    rotated = expected[2]  # dog2's first box, rotated 30°: the converter rotates percent values
    assert rotated["bbox"][0] == pytest.approx(120) and rotated["area"] == pytest.approx(26656.40646055102)
    ours_rotated = ours["annotations"][2]
    assert ours_rotated["area"] == pytest.approx(80 * 160)  # the rectangle's own area
    assert ours_rotated["segmentation"] == [pytest.approx([200, 40, 269.2820323, 80, 189.2820323, 218.5640646,
                                                           120, 178.5640646])]
    expected[2] = {**rotated, "segmentation": ours_rotated["segmentation"], "area": ours_rotated["area"]}
    assert_json_close(ordered_json(json.dumps(ours["annotations"])), ordered_json(json.dumps(expected)))
    assert list(ours["info"]) == list(theirs["info"])


def test_coco_takes_the_size_of_an_unlabeled_image_from_its_header():
    ours = json.loads(export_case("image", "COCO")["result.json"])
    assert ours["images"][2] == {"width": 320, "height": 240, "id": 2, "file_name": "images/empty4.jpg"}


def test_coco_exports_polygon_plus_labels_regions_the_converter_drops():
    ours, theirs, _ = _coco("image_tools")
    assert ours["categories"] == theirs["categories"]
    (box,) = theirs["annotations"]
    x, y, w, h = box["bbox"]
    assert ours["annotations"][:1] == [{**box, "id": 1, "segmentation": [[x, y, x + w, y, x + w, y + h, x, y + h]]}]
    assert ours["annotations"][1:] == [{
        "id": 2, "image_id": 0, "category_id": 1,
        "segmentation": [[384.0, 288.0, 576.0, 288.0, 576.0, 432.0, 384.0, 432.0]],
        "bbox": [384.0, 288.0, 192.0, 144.0], "ignore": 0, "iscrowd": 0, "area": 27648.0}]


def test_coco_rotates_rectangles_in_pixels_not_percent():
    config = parse_config('<View><Image name="image" value="$image"/>'
                          '<RectangleLabels name="label" toName="image"><Label value="Dog"/></RectangleLabels></View>')
    task = {"id": 2, "data": {"image": "/data/upload/dog2.jpg"}, "completions": [{
        "id": 1, "created_at": 1, "result": [{
            "id": "r", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
            "original_width": 1000, "original_height": 500,
            "value": {"x": 50, "y": 10, "width": 20, "height": 40, "rotation": 30, "rectanglelabels": ["Dog"]}}]}]}
    coco = json.loads(export("COCO", [task], config, DictMedia({"/data/upload/dog2.jpg": b"jpeg"}))["result.json"])
    # Corners (500,50) (673.2,150) (573.2,323.2) (400,223.2); the converter says [300, 50, 373.2, 223.2].
    assert coco["annotations"][0]["bbox"] == pytest.approx([400, 50, 273.20508075688775, 273.20508075688775])


def test_coco_rectangle_without_original_size_uses_the_image_header():
    config = parse_config('<View><Image name="image" value="$image"/>'
                          '<RectangleLabels name="label" toName="image"><Label value="Cat"/></RectangleLabels></View>')
    png = (FIXTURES / "image/media/dog2.png").read_bytes()
    task = {"id": 1, "data": {"image": "/data/upload/a.png"}, "completions": [{"id": 1, "result": [{
        "id": "r", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
        "value": {"x": 10, "y": 10, "width": 50, "height": 25, "rectanglelabels": ["Cat"]}}]}]}
    coco = json.loads(export("COCO", [task], config, DictMedia({"/data/upload/a.png": png}))["result.json"])
    assert coco["images"] == [{"width": 400, "height": 400, "id": 0, "file_name": "images/a.png"}]
    assert coco["annotations"][0]["bbox"] == [40.0, 40.0, 200.0, 100.0]


# -- VOC and YOLO: one file per image, from the newest completion ------------------------------------------


def _rounded(xml, edges):
    """The converter's XML with its box edges (truncated pixels) replaced by ours (nearest pixels)."""
    for theirs, ours in edges:
        xml = xml.replace(theirs, ours)
    return xml


def test_voc_matches_converter_given_each_tasks_newest_completion():
    ours = export_case("image", "VOC")
    theirs = converter_output("image", "VOC.newest")
    # bird3's image cannot be read: its task is left out and named in warnings.txt.
    assert ours.keys() - {"warnings.txt"} == theirs.keys() - {"Annotations/bird3.xml"}
    assert b"http://example.invalid/photos/bird3.jpg" in ours["warnings.txt"]
    assert ours["images/dog2.png"] == (FIXTURES / "image/media/dog2.png").read_bytes()
    # cat1's box spans 80,159.84 to 144.64,259.2: the converter truncates, lsdesk rounds each edge.
    assert ours["Annotations/cat1.xml"] == _rounded(theirs["Annotations/cat1.xml"], [
        (b"<ymin>159</ymin>\n<xmax>144</xmax>\n<ymax>258</ymax>", b"<ymin>160</ymin>\n<xmax>145</xmax>\n<ymax>259</ymax>")])
    # dog2's first box is rotated 30°: the converter ignores rotation, lsdesk writes the box around it.
    rotated = b"<xmin>200</xmin>\n<ymin>40</ymin>\n<xmax>280</xmax>\n<ymax>200</ymax>"
    assert rotated in theirs["Annotations/dog2.xml"]
    assert ours["Annotations/dog2.xml"] == theirs["Annotations/dog2.xml"].replace(
        rotated, b"<xmin>120</xmin>\n<ymin>40</ymin>\n<xmax>269</xmax>\n<ymax>219</ymax>")


def test_voc_writes_depth_from_the_image_and_the_email_as_annotator():
    xml = export_case("image", "VOC")["Annotations/dog2.xml"].decode()
    assert "<depth>4</depth>" in xml and "<annotator>x@y.z</annotator>" in xml


def test_voc_keeps_the_newest_completion_where_the_converter_kept_the_oldest():
    assert converter_output("image", "VOC")["Annotations/cat1.xml"] != converter_output(
        "image", "VOC.newest")["Annotations/cat1.xml"]
    newest = converter_output("image", "VOC.newest")["Annotations/cat1.xml"]
    assert export_case("image", "VOC")["Annotations/cat1.xml"].split(b"<bndbox>")[0] == newest.split(b"<bndbox>")[0]


def test_voc_skips_polygon_regions_instead_of_failing():
    assert export_case("image_tools", "VOC") == {
        **converter_output("image_tools", "VOC"),
        "images/cat1.jpg": (FIXTURES / "image_tools/media/cat1.jpg").read_bytes()}


def test_yolo_matches_converter_given_each_tasks_newest_completion():
    ours = export_case("image", "YOLO")
    theirs = converter_output("image", "YOLO.newest")
    assert ours.keys() - {"warnings.txt"} == theirs.keys() - {"labels/bird3.txt"}
    assert ours["labels/empty4.txt"] == theirs["labels/empty4.txt"] == b""
    # cat1 mixes box rows and a polygon row, which Ultralytics reads as all polygons; detection writes
    # the polygon as its bounding box.
    box_rows, polygon_row = theirs["labels/cat1.txt"].splitlines()[:2], theirs["labels/cat1.txt"].splitlines()[2]
    assert len(polygon_row.split()) == 9
    assert ours["labels/cat1.txt"].splitlines()[:2] == box_rows
    numbers = [float(n) for n in ours["labels/cat1.txt"].splitlines()[2].split()]
    xs, ys = [float(n) for n in polygon_row.split()[1::2]], [float(n) for n in polygon_row.split()[2::2]]
    assert numbers == pytest.approx([0, (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2,
                                     max(xs) - min(xs), max(ys) - min(ys)])
    # The classes are the Image's region labels: no Choice values, no KeyPointLabels.
    assert theirs["classes.txt"] == b"Cat\nDog\nNose\nPerson\nindoor\noutdoor\n"
    assert ours["classes.txt"] == b"Cat\nDog\nPerson\n"
    notes = json.loads(ours["notes.json"])
    assert notes["categories"] == [{"id": 0, "name": "Cat"}, {"id": 1, "name": "Dog"}, {"id": 2, "name": "Person"}]
    assert list(notes["info"]) == ["year", "version", "contributor"]


def test_yolo_writes_the_box_around_a_rotated_rectangle():
    theirs = converter_output("image", "YOLO.newest")["labels/dog2.txt"]
    ours = export_case("image", "YOLO")["labels/dog2.txt"]
    assert theirs.splitlines()[0] == b"1 0.6 0.3 0.2 0.4"  # rotation ignored
    first, second = ours.decode().splitlines()
    numbers = [float(n) for n in first.split()]
    assert numbers == pytest.approx([1, (120 + 149.2820323027551 / 2) / 400, (40 + 178.5640646055102 / 2) / 400,
                                     149.2820323027551 / 400, 178.5640646055102 / 400])
    # Person is class 2 once the keypoint label is no class.
    assert theirs.splitlines()[1] == b"3 0.2 0.2 0.3 0.3" and second == "2 0.2 0.2 0.3 0.3"


def test_yolo_segmentation_writes_rectangles_as_their_corners():
    ours = export_case("image_tools", "YOLO_SEG")
    theirs = converter_output("image_tools", "YOLO")
    box_row = theirs["labels/cat1.txt"].decode().split()
    category, cx, cy, w, h = int(box_row[0]), *(float(n) for n in box_row[1:])
    rows = [[float(n) for n in line.split()] for line in ours["labels/cat1.txt"].decode().splitlines()]
    left, top, right, bottom = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
    assert rows[0] == pytest.approx([category, left, top, right, top, right, bottom, left, bottom])
    assert rows[1] == pytest.approx([1, 0.6, 0.6, 0.9, 0.6, 0.9, 0.9, 0.6, 0.9])


def test_yolo_exports_polygon_plus_labels_regions_as_their_box():
    ours = export_case("image_tools", "YOLO")
    theirs = converter_output("image_tools", "YOLO")
    assert ours["classes.txt"] == theirs["classes.txt"]
    assert ours["labels/cat1.txt"] == theirs["labels/cat1.txt"] + b"1 0.75 0.75 0.30000000000000004 0.30000000000000004\n"


def test_yolo_names_a_second_task_on_the_same_image_apart():
    config = parse_config('<View><Image name="image" value="$image"/>'
                          '<RectangleLabels name="label" toName="image"><Label value="Cat"/></RectangleLabels></View>')
    tasks = [{"id": n, "data": {"image": "/data/upload/cat.jpg"}, "completions": []} for n in (1, 2)]
    jpeg = (FIXTURES / "image/media/cat1.jpg").read_bytes()
    files = export("YOLO", tasks, config, DictMedia({"/data/upload/cat.jpg": jpeg}))
    assert sorted(files) == ["classes.txt", "images/cat.jpg", "labels/cat.txt", "labels/cat_2.txt", "notes.json"]


# -- brush --------------------------------------------------------------------------------------


def _newest_only(files):
    """The converter's files without those of task 5's older completion (31): lsdesk exports one per task."""
    return {name: data for name, data in files.items() if "-annotation-31-" not in name}


def _ground_truth(tasks, completion_id):
    for task in tasks:
        for completion in task["completions"]:
            if completion["id"] == completion_id:
                completion["ground_truth"] = True
    return tasks


def test_brush_to_numpy_is_byte_equal_to_converter():
    assert export_case("brush", "BRUSH_TO_NUMPY") == _newest_only(converter_output("brush", "BRUSH_TO_NUMPY"))


def test_brush_exports_the_ground_truth_completion_instead_of_the_newest():
    tasks, config, _ = case_input("brush")
    ours = export("BRUSH_TO_NUMPY", _ground_truth(tasks, 31), config)
    theirs = converter_output("brush", "BRUSH_TO_NUMPY")
    assert ours == {name: data for name, data in theirs.items() if "-annotation-32-" not in name}


def test_brush_to_png_has_the_converters_files_and_pixels():
    ours = export_case("brush", "BRUSH_TO_PNG")
    theirs = _newest_only(converter_output("brush", "BRUSH_TO_PNG"))
    assert ours.keys() == theirs.keys()
    for path in theirs:
        assert png_pixels(ours[path]) == png_pixels(theirs[path]), path


def test_brush_mask_decodes_to_the_painted_block():
    tasks, config, _ = case_input("brush")
    files = export("BRUSH_TO_NUMPY", _ground_truth(tasks, 31), config)
    data = files["task-5-annotation-31-by-ann1@example.com-brush-Cat-0.npy"]
    (header_length,) = struct.unpack("<H", data[8:10])
    assert b"'shape': (4, 6)" in data[10:10 + header_length]
    pixels = data[10 + header_length:]
    assert pixels == bytes(6) + b"\x00\x00\xff\xff\xff\x00" * 2 + bytes(6)


def test_brush_file_names_cannot_leave_the_archive_folder():
    tasks, config, _ = case_input("brush")
    result = tasks[0]["completions"][0]["result"][0]
    result["value"]["brushlabels"] = ["../../etc/passwd"]
    tasks[0]["completions"][0]["result"] = [result]
    names = list(export("BRUSH_TO_NUMPY", _ground_truth(tasks[:1], 31), config))
    assert names == ["task-5-annotation-31-by-ann1@example.com-brush-.._.._etc_passwd-0.npy"]


def test_brush_skips_a_mask_whose_size_does_not_match_its_image():
    tasks, config, _ = case_input("brush")
    tasks[1]["completions"][0]["result"][0]["original_width"] = 7
    assert "task-6-annotation-41-by--brush-Dog-0.npy" not in export("BRUSH_TO_NUMPY", tasks, config)


# -- ASR manifest -------------------------------------------------------------------------------


def test_asr_manifest_is_byte_equal_to_converter():
    ours = export_case("audio", "ASR_MANIFEST")
    theirs = converter_output("audio", "ASR_MANIFEST")
    assert ours["manifest.json"] == _without_older_take(theirs["manifest.json"])
    # The converter also copies song.mp3, which it then leaves out of the manifest.
    assert sorted(ours) == ["audio/clip1.wav", "audio/clip2.wav", "manifest.json"]
    assert ours["audio/clip1.wav"] == (FIXTURES / "audio/media/clip1.wav").read_bytes()


def test_asr_manifest_skips_tasks_without_a_transcript():
    tasks, config, media = case_input("audio")
    tasks.append({"id": 9, "data": {"audio": "/data/upload/clip2.wav"}, "completions": []})
    tasks.append({"id": 10, "data": {"audio": "/data/upload/clip2.wav"},
                  "completions": [{"id": 100, "created_at": 1, "result": []}]})
    ours = export("ASR_MANIFEST", tasks, config, media)
    assert ours["manifest.json"] == _without_older_take(converter_output("audio", "ASR_MANIFEST")["manifest.json"])


def _without_older_take(manifest):
    """The converter's manifest without task 2's older completion (21): lsdesk exports one per task."""
    lines = manifest.splitlines(keepends=True)
    assert b'"older take"' in lines[2]
    return b"".join(lines[:2] + lines[3:])


# -- differences in the shared reading of completions ---------------------------------------------


_EXTRAS_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="box" toName="image"><Label value="Car"/></RectangleLabels>
  <Choices name="colour" toName="image" perRegion="true"><Choice value="red"/><Choice value="blue"/></Choices>
  <TextArea name="note"/>
</View>"""


def _extras_task():
    region = {"x": 1, "y": 2, "width": 3, "height": 4, "rotation": 0}
    def item(kind, name, value):
        return {"id": "r1", "from_name": name, "to_name": "image", "type": kind,
                "original_width": 100, "original_height": 50, "value": {**region, **value}}
    return {"id": 1, "data": {"image": "http://example.invalid/a.jpg"}, "completions": [{
        "id": 1, "created_at": 5, "result": [
            item("rectanglelabels", "box", {"rectanglelabels": ["Car"]}),
            item("choices", "colour", {"choices": ["red"]}),
            {"id": "n", "from_name": "note", "to_name": "note", "type": "textarea", "value": {"text": ["hi"]}},
        ]}]}


def test_json_min_keeps_per_region_choices_with_their_region():
    row = json.loads(export("JSON_MIN", [_extras_task()], parse_config(_EXTRAS_CONFIG))["result.json"])[0]
    assert row["colour"] == [{"x": 1, "y": 2, "width": 3, "height": 4, "rotation": 0, "choices": ["red"],
                              "original_width": 100, "original_height": 50}]


def test_json_min_exports_a_textarea_without_to_name():
    row = json.loads(export("JSON_MIN", [_extras_task()], parse_config(_EXTRAS_CONFIG))["result.json"])[0]
    assert row["note"] == "hi"


def test_csv_of_nothing_has_the_fixed_header():
    assert export("CSV", [], None) == {
        "result.csv": b'"annotation_id","annotator","created_at","lead_time","updated_at"\r\n'}

