"""Import files (multipart, URL), uploads kept inside the project, and serving them back."""

import hashlib
import http.server
import io
import json
import threading
import uuid
import zipfile

import pytest

from tests.conftest import TEXT_CONFIG

IMAGE_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <RectangleLabels name="label" toName="image"><Label value="Cat"/></RectangleLabels>
</View>"""
AUDIO_CONFIG = """<View>
  <Audio name="audio" value="$audio"/>
  <Choices name="kind" toName="audio"><Choice value="Speech"/></Choices>
</View>"""

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def multipart(*files):
    """A multipart/form-data body: (field, filename, bytes) per file."""
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for field, filename, data in files:
        body.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
                   f"Content-Type: application/octet-stream\r\n\r\n".encode())
        body.write(data + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def upload(api, *files):
    body, headers = multipart(*files)
    return api.post("/api/project/import", body=body, headers=headers)


@pytest.fixture
def text_api(api):
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    return api


@pytest.fixture
def image_api(api):
    api.post("/api/project/config", json={"label_config": IMAGE_CONFIG})
    return api


@pytest.fixture
def audio_api(api):
    api.post("/api/project/config", json={"label_config": AUDIO_CONFIG})
    return api


def texts(api):
    return [task["data"]["text"] for task in api.get("/api/tasks?page_size=100").json]


def test_csv_with_bom_quoted_newlines_and_numbers(text_api):
    answer = upload(text_api, ("file", "data.csv", '\ufefftext,score\n"two\nlines",3\nplain,2.5\n'.encode()))
    assert answer.status == 201, answer
    assert answer.json["formats"] == {".csv": 1}
    data = [t["data"] for t in text_api.get("/api/tasks").json]
    assert data == [{"text": "two\nlines", "score": 3}, {"text": "plain", "score": 2.5}]


def test_tsv_txt_jsonl_json_and_html_files(text_api):
    answer = upload(text_api,
                    ("a", "a.tsv", b"text\tn\nfrom tsv\t1\n"),
                    ("b", "b.txt", b"line one\n\nline two\n"),
                    ("c", "c.jsonl", b'{"text": "jsonl 1"}\n{"text": "jsonl 2"}\n'),
                    ("d", "d.json", json.dumps([{"text": "json"}]).encode()),
                    ("e", "e.html", b"<p>Hi</p>\n"))
    assert answer.status == 201, answer
    assert answer.json["task_count"] == 7
    assert answer.json["formats"] == {".tsv": 1, ".txt": 1, ".jsonl": 1, ".json": 1, ".html": 1}
    assert texts(text_api) == ["from tsv", "line one", "line two", "jsonl 1", "jsonl 2", "json", "<p>Hi</p>"]


@pytest.mark.parametrize("separator", [";", "|", "\t"])
def test_csv_separator_is_detected(text_api, separator):
    rows = ["text", "score"], ["hello, world", "1"], ["bye", "2"]
    data = "".join(separator.join(row) + "\n" for row in rows).encode()
    answer = upload(text_api, ("file", "data.csv", data))
    assert answer.status == 201, answer
    assert [task["data"] for task in text_api.get("/api/tasks").json] == [
        {"text": "hello, world", "score": 1}, {"text": "bye", "score": 2}]


def test_short_and_long_csv_rows_are_reported_with_their_lines(text_api):
    answer = upload(text_api, ("file", "people.csv", b"text,score\nfine,1\nshort\nfine,2\nlong,3,extra\n"))
    assert answer.status == 400
    assert answer.json["detail"] == ("people.csv: line 3: 1 cells but the header has 2; "
                                     "line 5: 3 cells but the header has 2")
    assert text_api.get("/api/project").json["task_count"] == 0


def test_missing_key_names_file_row_expected_and_present_keys(text_api):
    answer = upload(text_api, ("ok", "ok.txt", b"fine\n"),
                    ("bad", "people.csv", b"sentence,id\nfirst,1\nsecond,2\n"))
    assert answer.status == 400
    assert answer.json[0] == (
        'Error at item 1: "text" key is expected in task data [assume: item as is = task root with values]'
        ' -- people.csv, data row 1: the config\'s <Text> expects the key "text"; the item has "sentence", "id"'
        " :: {'sentence': 'first', 'id': 1}")
    assert answer.json[1].startswith('Error at item 2: "text" key is expected in task data')
    assert "people.csv, data row 2:" in answer.json[1]


def test_missing_key_in_a_json_file_names_the_item_and_the_other_keys_the_config_reads(api):
    config = '<View><Text name="text" value="$text"/><Header value="$title"/></View>'
    api.post("/api/project/config", json={"label_config": config})
    answer = upload(api, ("f", "tasks.json", b'[{"data": {"text": "a", "title": "t"}}, {"data": {"title": "t"}}]'))
    assert answer.status == 400
    assert answer.json == [
        'Error at item 1: "text" key is expected in task data [assume: item["data"] = task root with values]'
        ' -- tasks.json, item 2: the config\'s <Text> expects the key "text" (and "title"); the item has "title"'
        " :: {'data': {'title': 't'}}"]


def test_pdf_into_a_text_project_is_refused_naming_the_tag_that_could_take_it(text_api):
    answer = upload(text_api, ("f", "report.pdf", b"%PDF-1.4\n%%EOF\n"))
    assert answer.status == 400
    assert answer.json["detail"] == (
        "report.pdf is a PDF document (application/pdf), but your label config shows $text with <Text>, "
        'which can\'t show it; a config with <Pdf name=... value="$text"/> could take it')
    assert text_api.get("/api/project").json["task_count"] == 0


def test_audio_into_an_image_project_is_refused_inside_a_zip_too(image_api):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("photo.png", PNG)
        z.writestr("clips/clip.wav", b"RIFF")
    answer = upload(image_api, ("f", "media.zip", archive.getvalue()))
    assert answer.status == 400
    assert answer.json["detail"].startswith("clip.wav is an audio file (audio/x-wav), but your label config "
                                            "shows $image with <Image>")
    assert "<Audio name=... value=\"$image\"/> or <AudioPlus" in answer.json["detail"]
    assert image_api.get("/api/project").json["task_count"] == 0


def test_map_renames_a_file_column_to_the_configs_key_in_every_item(text_api):
    body, headers = multipart(("f", "people.csv", b"sentence,id\nfirst,1\nsecond,2\n"),
                              ("g", "more.json", b'[{"data": {"sentence": "third"}}]'))
    answer = text_api.post("/api/project/import?map=sentence:text", body=body, headers=headers)
    assert answer.status == 201, answer
    assert texts(text_api) == ["first", "second", "third"]
    assert text_api.get("/api/tasks").json[0]["data"] == {"text": "first", "id": 1}


def test_map_applies_to_a_json_body_and_takes_comma_separated_pairs(text_api):
    answer = text_api.post("/api/project/import?map=s:text,n:score", json=[{"s": "a", "n": 1}])
    assert answer.status == 201, answer
    assert text_api.get("/api/tasks").json[0]["data"] == {"text": "a", "score": 1}


@pytest.mark.parametrize("bad", ["sentence", "sentence:", ":text"])
def test_malformed_map_is_a_400_saying_how_to_write_it(text_api, bad):
    answer = text_api.post(f"/api/project/import?map={bad}", json=[{"text": "a"}])
    assert answer.status == 400
    assert "map must be file_key:config_key pairs (e.g. map=sentence:text)" in answer.json["detail"]
    assert text_api.get("/api/project").json["task_count"] == 0


def test_zip_members_are_read_by_their_own_type(text_api):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("in/a.txt", "zipped line\n")
        z.writestr("b.csv", "text\nzipped row\n")
        z.writestr("__MACOSX/._b.csv", "junk")
    answer = upload(text_api, ("f", "arch.zip", archive.getvalue()))
    assert answer.status == 201, answer
    assert texts(text_api) == ["zipped line", "zipped row"]


def test_parse_error_names_file_and_line_and_stores_nothing(text_api):
    answer = upload(text_api, ("ok", "ok.txt", b"fine\n"), ("bad", "bad.json", b'[{"text": "a"},\n {"text" "b"}]'))
    assert answer.status == 400
    assert answer.json["detail"].startswith("bad.json: line 2, column")
    assert text_api.get("/api/project").json["task_count"] == 0


def test_invalid_rows_reject_every_file_of_the_request(text_api):
    answer = upload(text_api, ("ok", "ok.txt", b"fine\n"), ("bad", "bad.csv", b"other\nx\n"))
    assert answer.status == 400
    assert answer.json[0].startswith("Error at item 1:")
    assert text_api.get("/api/project").json["task_count"] == 0


def test_image_upload_is_stored_in_the_project_and_served(image_api):
    answer = upload(image_api, ("FileUpload", "test.jpg", PNG))
    assert answer.status == 201, answer
    (task,) = image_api.get("/api/tasks").json
    url = task["data"]["image"]
    sha = hashlib.sha256(PNG).hexdigest()
    assert url == f"/data/upload/{sha[:16]}-test.jpg"
    served = image_api.get(url)
    assert served.status == 200
    assert served.raw == PNG
    assert served.headers["Content-Type"] == "image/jpeg"
    assert served.headers["Content-Length"] == str(len(PNG))
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["ETag"] == f'"{sha}"'
    assert image_api.get(url, headers={"If-None-Match": f'"{sha}"'}).status == 304


def test_same_bytes_twice_are_stored_once(image_api):
    import sqlite3
    upload(image_api, ("a", "one.png", PNG))
    upload(image_api, ("a", "one.png", PNG), ("b", "two.png", PNG))
    path = image_api.get("/api/project").json["path"]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM uploads").fetchone()[0] == 2
    assert image_api.get("/api/project").json["task_count"] == 3


def test_range_requests_serve_parts(audio_api):
    upload(audio_api, ("a", "clip.wav", bytes(range(256)) * 4))
    url = audio_api.get("/api/tasks").json[0]["data"]["audio"]
    part = audio_api.get(url, headers={"Range": "bytes=10-19"})
    assert part.status == 206
    assert part.raw == bytes(range(10, 20))
    assert part.headers["Content-Range"] == "bytes 10-19/1024"
    assert part.headers["Content-Type"] == "audio/x-wav"
    tail = audio_api.get(url, headers={"Range": "bytes=-4"})
    assert tail.raw == bytes([252, 253, 254, 255])
    assert audio_api.get(url, headers={"Range": "bytes=5000-"}).status == 416
    assert audio_api.get(url, headers={"Range": "bytes=0-1,4-5"}).status == 200


def test_uploaded_html_and_svg_never_render_in_our_origin(image_api):
    upload(image_api, ("a", "evil.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'))
    url = image_api.get("/api/tasks").json[0]["data"]["image"]
    served = image_api.get(url)
    assert served.headers["Content-Type"] == "image/svg+xml"
    assert served.headers["Content-Disposition"].startswith("attachment")
    assert served.headers["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize("path", ["/data/upload/nothing.png", "/data/upload/../../etc/passwd",
                                  "/data/upload/%2e%2e%2fsecret", "/data/upload/a%00b"])
def test_unknown_upload_names_are_404(api, path):
    assert api.get(path).status == 404


def test_files_need_a_single_data_key_config(api):
    api.post("/api/project/config", json={"label_config": """<View>
      <Text name="a" value="$a"/><Text name="b" value="$b"/>
      <Choices name="c" toName="a"><Choice value="x"/></Choices></View>"""})
    answer = upload(api, ("a", "t.txt", b"hello\n"))
    assert answer.status == 400
    assert "more than one data key" in answer.json["detail"]


def test_import_from_url(text_api):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"text\nfrom url\n" if self.path == "/data.csv" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    remote = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=remote.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{remote.server_address[1]}"
    try:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        answer = text_api.post("/api/project/import", body=f"url={base}/data.csv", headers=form)
        assert answer.status == 201, answer
        assert texts(text_api) == ["from url"]
        missing = text_api.post("/api/project/import", body=f"url={base}/missing.csv", headers=form)
        assert missing.status == 400 and "Could not download" in missing.json["detail"]
        assert text_api.post("/api/project/import", body="url=file:///etc/passwd", headers=form).status == 400
    finally:
        remote.shutdown()


def test_import_example_for_a_given_config(api):
    answer = api.get("/api/import-example?label_config=" + __import__("urllib.parse").parse.quote(IMAGE_CONFIG))
    assert answer.status == 200
    assert answer.json["image"].startswith("/assets/samples/")
    assert api.get(answer.json["image"]).status == 200
    bad = api.post("/api/import-example", json={"label_config": "<View><Nope/></View>"})
    assert bad.status == 400


@pytest.mark.parametrize("kind", ["json", "csv", "tsv", "txt"])
def test_import_example_file_imports_back(text_api, kind):
    sample = text_api.get(f"/api/import-example-file?q={kind}")
    assert sample.status == 200
    assert sample.headers["filename"].endswith(f".{kind}")
    assert "attachment" in sample.headers["Content-Disposition"]
    answer = upload(text_api, ("f", f"sample.{kind}", sample.raw))
    assert answer.status == 201, answer
    assert answer.json["task_count"] == 2


def test_import_example_file_errors(api):
    assert api.get("/api/import-example-file?q=json").status == 400
    api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
    assert api.get("/api/import-example-file?q=xls").status == 400


def test_imported_results_without_region_ids_come_back_with_ids_and_items_with_ids_are_untouched(image_api):
    api = image_api
    place = {"x": 10, "y": 20, "width": 30, "height": 40, "rotation": 0}
    box = {"from_name": "label", "to_name": "image", "type": "rectanglelabels",
           "value": {**place, "rectanglelabels": ["Cat"]}}
    note = {"from_name": "note", "to_name": "image", "type": "textarea", "value": {**place, "text": ["a cat"]}}
    relation = {"type": "relation", "from_id": "kept1", "to_id": "kept1", "direction": "right"}
    with_ids = [{"id": "kept1", **box}, relation]
    answer = api.post("/api/project/import", json=[
        {"data": {"image": "/a.png"}, "predictions": [{"result": [box, note], "score": 0.5}],
         "annotations": [{"result": [box], "lead_time": 1}]},
        {"data": {"image": "/b.png"}, "completions": [{"result": with_ids}]},
    ])
    assert answer.status == 201, answer
    first, second = (api.get(f"/api/tasks/{task_id}").json for task_id in answer.json["new_task_ids"])
    [prediction] = first["predictions"]
    predicted_box, predicted_note = prediction["result"]
    assert len(predicted_box["id"]) == 10 and predicted_note["id"] == predicted_box["id"]
    assert prediction["result"] == [{"id": predicted_box["id"], **box}, {"id": predicted_box["id"], **note}]
    assert prediction["score"] == 0.5
    [completion] = first["completions"]
    [completed_box] = completion["result"]
    assert completed_box == {"id": completed_box["id"], **box} and len(completed_box["id"]) == 10
    assert second["completions"][0]["result"] == with_ids


def test_pdf_uploads_are_served_in_ranges_with_a_policy_that_forbids_script(api):
    api.post("/api/project/config", json={"label_config": '<View><Pdf name="pdf" value="$pdf"/></View>'})
    upload(api, ("a", "paper.pdf", b"%PDF-1.4\n" + bytes(100)))
    url = api.get("/api/tasks").json[0]["data"]["pdf"]
    part = api.get(url, headers={"Range": "bytes=0-3"})
    assert (part.status, part.raw, part.headers["Content-Type"]) == (206, b"%PDF", "application/pdf")
    # The browser's viewer still shows it (tests/e2e/test_tags_media.py); a script in the PDF's frame would not run.
    assert part.headers["Content-Security-Policy"] == "script-src 'none'"
