"""zip_stream: a zip written front to back, readable by zipfile, produced as the files are."""

import io
import os
import shutil
import subprocess
import zipfile

import pytest

from lsdesk.config import parse_config
from lsdesk.formats.archive import zip_stream
from lsdesk.formats.export import FORMATS
from tests.fixtures.export.helpers import case_input


def unzip(chunks):
    return zipfile.ZipFile(io.BytesIO(b"".join(chunks)))


def test_zip_holds_each_file_with_its_content():
    big = os.urandom(300_000) + bytes(2_000_000)
    archive = unzip(zip_stream([
        ("result.json", [b"[", b"1, 2", b"]"]),
        ("images/cat.jpg", [big[:1000], big[1000:]]),
        ("empty.txt", []),
    ]))
    assert archive.namelist() == ["result.json", "images/cat.jpg", "empty.txt"]
    assert archive.testzip() is None
    assert archive.read("result.json") == b"[1, 2]"
    assert archive.read("images/cat.jpg") == big
    assert archive.read("empty.txt") == b""
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())


def test_zip_marks_non_ascii_names_as_utf8():
    archive = unzip(zip_stream([("images/café 😀.jpg", [b"x"])]))
    assert archive.namelist() == ["images/café 😀.jpg"]
    assert archive.infolist()[0].flag_bits & 0x800


def test_empty_zip_is_a_valid_archive():
    data = b"".join(zip_stream([]))
    assert len(data) == 22
    assert unzip([data]).namelist() == []


def test_zip_is_produced_while_the_files_are_read():
    produced = []

    def files():
        for number in range(50):
            produced.append(number)
            yield f"f{number}.bin", [os.urandom(100_000)]

    stream = zip_stream(files())
    next(stream)
    assert len(produced) < 50


def test_zip_refuses_paths_that_leave_the_archive():
    for bad in ["../x", "a/../../x", "", "a//b"]:
        with pytest.raises(ValueError):
            b"".join(zip_stream([(bad, [b"x"])]))


def test_zip_with_more_than_65535_members_uses_zip64():
    count = 65_600
    archive = unzip(zip_stream((f"{n}.txt", [b""]) for n in range(count)))
    names = archive.namelist()
    assert len(names) == count and names[-1] == f"{count - 1}.txt"


@pytest.mark.skipif(shutil.which("unzip") is None, reason="no unzip command")
def test_unzip_command_accepts_the_archive(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"".join(zip_stream([("a/b.txt", [b"hello"]), ("c.txt", [b"x" * 100_000])])))
    result = subprocess.run(["unzip", "-t", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_coco_export_zips_with_its_images():
    tasks, config, media = case_input("image")
    archive = unzip(zip_stream(FORMATS["COCO"].files(iter(tasks), config, media)))
    assert sorted(archive.namelist()) == ["images/cat1.jpg", "images/dog2.png", "images/empty4.jpg", "result.json",
                                          "warnings.txt"]
    assert archive.read("images/dog2.png")[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("case, fmt", [
    ("text", "JSON"), ("text", "JSON_MIN"), ("text", "CSV"), ("text", "TSV"), ("text", "CONLL2003"),
    ("image", "COCO"), ("image", "VOC"), ("image", "YOLO"), ("image", "YOLO_SEG"), ("brush", "BRUSH_TO_NUMPY"),
    ("brush", "BRUSH_TO_PNG"), ("audio", "ASR_MANIFEST"),
])
def test_every_format_zips_into_an_archive_that_reads_back(case, fmt):
    tasks, config, media = case_input(case)
    files = {path: b"".join(chunks) for path, chunks in FORMATS[fmt].files(iter(tasks), config, media)}
    archive = unzip(zip_stream(FORMATS[fmt].files(iter(tasks), config, media)))
    assert archive.testzip() is None
    read_back = {name: archive.read(name) for name in archive.namelist()}
    if fmt == "COCO":  # its info.date_created is the time of writing
        for content in (files, read_back):
            content["result.json"] = content["result.json"].split(b'"date_created"')[0]
    assert read_back == files


class _NotAnImage:
    """Media whose one file reads, but has no image header to tell its size."""

    def read(self, url):
        return b"plain text, not a picture"

    def filename(self, url):
        return url.rsplit("/", 1)[-1]


@pytest.mark.parametrize("fmt", ["COCO", "VOC"])
def test_a_task_whose_image_size_is_unknown_is_left_out_with_a_warning_naming_its_url(fmt):
    config = parse_config('<View><Image name="image" value="$image"/>'
                          '<RectangleLabels name="label" toName="image"><Label value="Cat"/></RectangleLabels></View>')
    box = {"id": "b1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
           "value": {"x": 10, "y": 10, "width": 20, "height": 20, "rotation": 0, "rectanglelabels": ["Cat"]}}
    tasks = [{"id": 1, "data": {"image": "/data/upload/notes.jpg"},
              "completions": [{"id": 1, "result": [box], "created_at": 1, "updated_at": 1}]}]
    files = {path: b"".join(chunks) for path, chunks in FORMATS[fmt].files(iter(tasks), config, _NotAnImage())}
    assert files["warnings.txt"] == b"task 1: left out, the size of /data/upload/notes.jpg could not be read\n"
