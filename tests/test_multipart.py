"""The import's multipart reader takes the same file parts as bottle's parser did, and reads them in place."""

import io
import zipfile

import bottle
import pytest

from lsdesk.api.http import ApiError
from lsdesk.api.multipart import boundary_of, file_parts
from tests.test_api_import import text_api, upload  # noqa: F401  (text_api is a fixture)

BOUNDARY = "b0undary"


def part(field, content, filename=None, extra_headers=""):
    named = f'; filename="{filename}"' if filename is not None else ""
    return (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"{named}\r\n{extra_headers}\r\n'.encode()
            + content + b"\r\n")


def body_of(*parts, preamble=b"", epilogue=b""):
    return preamble + b"".join(parts) + f"--{BOUNDARY}--\r\n".encode() + epilogue


def ours(body):
    boundary, charset = boundary_of(f"multipart/form-data; boundary={BOUNDARY}")
    return [(name, filename, stream.read()) for name, filename, stream in file_parts(io.BytesIO(body), boundary,
                                                                                     charset)]


def bottles(body):
    """What bottle's request.files gave for the same body: the reader this one replaces."""
    request = bottle.BaseRequest({"REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)),
                                  "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
                                  "wsgi.input": io.BytesIO(body)})
    return [(upload.name, upload.raw_filename, upload.file.read()) for upload in request.files.values()]


BODIES = {
    "one file": body_of(part("f", b"text\nfirst\n", "a.csv")),
    "two files": body_of(part("f", b"[1]", "a.json"), part("g", b"x\r\ny\r\n", "b.txt")),
    "a preamble and an epilogue": body_of(part("f", b"abc", "a.txt"), preamble=b"ignore me\r\n", epilogue=b"junk"),
    "boundary-like lines in the content": body_of(part("f", f"--{BOUNDARY}x\r\n\r\n--{BOUNDARY}-\r\n"
                                                             f"--{BOUNDARY} \r\n".encode(), "a.txt")),
    "an empty file": body_of(part("f", b"", "a.txt")),
    "a form field beside the file": body_of(part("note", b"hello"), part("f", b"abc", "a.txt")),
    "a large field without a file name": body_of(part("big", b"x" * (bottle.BaseRequest.MEMFILE_MAX + 1))),
    "one field name twice": body_of(part("f", b"one", "1.txt"), part("g", b"two", "2.txt"),
                                    part("f", b"three", "3.txt")),
    "an empty file name": body_of(part("f", b"abc", "")),
    "a quoted file name": body_of(part("f", b"abc", 'a \\"b\\".txt')),
    "a folded header and a content type": body_of(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data;\r\n name="f"; filename="a.txt"\r\n'
        "Content-Type: text/plain\r\n\r\nabc\r\n".encode()),
    "no parts": f"--{BOUNDARY}--\r\n".encode(),
}


@pytest.mark.parametrize("name", list(BODIES))
def test_the_file_parts_are_bottles(name):
    assert ours(BODIES[name]) == bottles(BODIES[name])


@pytest.mark.parametrize("body", [
    b"no boundary at all",
    part("f", b"abc", "a.txt"),  # never closed
    f"--{BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nabc\r\n--{BOUNDARY}--\r\n".encode(),  # no disposition
    f"--{BOUNDARY}\r\nnot a header\r\n\r\nabc\r\n--{BOUNDARY}--\r\n".encode(),
])
def test_a_malformed_body_is_a_400(body):
    with pytest.raises(ApiError) as raised:
        ours(body)
    assert raised.value.status == 400
    with pytest.raises(bottle.HTTPError):  # bottle refused them too
        bottles(body)


def test_a_part_can_be_read_as_a_zip_archive():
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("tasks.json", '[{"text": "zipped"}]')
    (_name, _filename, stream), = file_parts(io.BytesIO(body_of(part("f", archive.getvalue(), "t.zip"))), BOUNDARY)
    with zipfile.ZipFile(stream) as zipped:
        assert zipped.read("tasks.json") == b'[{"text": "zipped"}]'


def test_small_files_adding_up_to_more_than_100_kb_import_in_one_upload(text_api):  # noqa: F811
    # Bottle kept parts under 100 KB in memory and refused a body whose such parts added up to more.
    files = [(f"f{number}", f"part{number}.csv", b"text\n" + b"".join(b"row %d of %d\n" % (row, number)
                                                                       for row in range(4000)))
             for number in range(3)]
    assert all(50_000 < len(data) < 100_000 for _field, _name, data in files)
    answer = upload(text_api, *files)
    assert answer.status == 201, answer
    assert answer.json["task_count"] == 12_000
    assert answer.json["formats"] == {".csv": 3}


def test_a_boundary_with_capital_letters_is_found(text_api):  # noqa: F811
    body = (b'--AbC\r\nContent-Disposition: form-data; name="f"; filename="t.json"\r\n\r\n[{"text": "x"}]\r\n'
            b"--AbC--\r\n")
    answer = text_api.post("/api/project/import", body=body, headers={"Content-Type": "multipart/form-data; boundary=AbC"})
    assert answer.status == 201, answer


def test_a_body_without_a_boundary_is_a_400_with_json(text_api):  # noqa: F811
    answer = text_api.post("/api/project/import", body=b"--x--\r\n", headers={"Content-Type": "multipart/form-data"})
    assert answer.status == 400, answer
    assert "boundary" in answer.json["detail"]
