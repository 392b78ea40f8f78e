"""Folders labeled in place, against the real server: media roots, sync and re-sync, locating a moved
folder, path traversal, the completions folder, storage settings, pack and unpack."""

import io
import json
import os
import shutil
import time
import urllib.parse
import zipfile

import pytest

from tests.client import Server
from tests.test_api_import import IMAGE_CONFIG as RECTANGLE_CONFIG
from tests.test_api_import import PNG

IMAGE_CONFIG = """<View>
  <Image name="img" value="$image"/>
  <Choices name="kind" toName="img"><Choice value="Cat"/><Choice value="Dog"/></Choices>
</View>"""
SECRET = b"the file outside every folder"


def result(value):
    return [{"id": "r1", "from_name": "kind", "to_name": "img", "type": "choices", "value": {"choices": [value]}}]


def wait_for(api, job, seconds=20):
    deadline = time.monotonic() + seconds
    while job["state"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
        job = api.get(f"/api/jobs/{job['id']}").json
    assert job["state"] == "done", job
    return job


@pytest.fixture
def photos(tmp_path):
    """A folder of images (one in a subfolder, one hidden, a text file) and a secret beside it."""
    folder = tmp_path / "photos"
    (folder / "sub dir").mkdir(parents=True)
    (folder / "a.jpg").write_bytes(b"\xff\xd8 image a")
    (folder / "sub dir" / "b #1.png").write_bytes(b"\x89PNG image b")
    (folder / ".hidden.jpg").write_bytes(b"hidden")
    (folder / "notes.txt").write_text("not an image")
    (tmp_path / "secret.txt").write_bytes(SECRET)
    return folder


@pytest.fixture
def project(api):
    assert api.post("/api/project/config", json={"label_config": IMAGE_CONFIG}).status == 201
    return api


def add_and_sync(api, folder, **options):
    added = api.post("/api/project/folders", json={"path": str(folder)})
    assert added.status == 201, added
    return added.json, sync(api, added.json["id"], **options)


def sync(api, root_id, **options):
    started = api.post(f"/api/project/folders/{root_id}/sync", json=options)
    assert started.status == 202, started
    assert started.json["job"]["kind"] == "sync"
    return wait_for(api, started.json["job"])["result"]


def images(api):
    return {task["id"]: task["data"]["image"] for task in api.get("/api/tasks?page_size=1000").json}


def test_sync_makes_a_task_per_image_and_serves_each(project, photos):
    folder, outcome = add_and_sync(project, photos)
    assert folder == {"id": folder["id"], "path": str(photos.resolve()), "name": "photos", "available": True,
                      "files": 0, "tasks": 0, "packed": 0}
    # The fixture's images are a few bytes each: they become tasks, and the sync says they are unreadable.
    unreadable = "unreadable: no image header could be read (the name says {})"
    assert outcome == {"added": 2, "changed": 0, "unchanged": 0, "skipped": 1, "errors": 0, "removed": 0,
                       "removed_files": [], "unreadable": 2,
                       "unreadable_files": [{"path": "a.jpg", "problem": unreadable.format("JPEG")},
                                            {"path": "sub dir/b #1.png", "problem": unreadable.format("PNG")}]}
    root = folder["id"]
    assert sorted(images(project).values()) == [f"/data/folder/{root}/a.jpg", f"/data/folder/{root}/sub%20dir/b%20%231.png"]
    for url, name in [(f"/data/folder/{root}/a.jpg", "a.jpg"), (f"/data/folder/{root}/sub%20dir/b%20%231.png", "sub dir/b #1.png")]:
        answer = project.get(url)
        assert answer.status == 200 and answer.raw == (photos / name).read_bytes()
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert project.get(f"/data/folder/{root}/a.jpg").headers["Content-Type"] == "image/jpeg"
    ranged = project.get(f"/data/folder/{root}/a.jpg", headers={"Range": "bytes=3-7"})
    assert (ranged.status, ranged.raw) == (206, b"image")
    [listed] = project.get("/api/project/folders").json["folders"]
    assert (listed["files"], listed["tasks"], listed["packed"]) == (2, 2, 0)


def test_resync_adds_new_files_reports_removed_ones_and_never_duplicates(project, photos):
    folder, _ = add_and_sync(project, photos)
    assert sync(project, folder["id"])["added"] == 0
    (photos / "c.jpg").write_bytes(b"image c")
    (photos / "a.jpg").unlink()
    (photos / "sub dir" / "b #1.png").write_bytes(b"\x89PNG image b, edited")
    outcome = sync(project, folder["id"])
    assert {k: outcome[k] for k in ("added", "changed", "unchanged", "removed", "removed_files")} == {
        "added": 1, "changed": 1, "unchanged": 0, "removed": 1, "removed_files": ["a.jpg"]}
    assert len(images(project)) == 3
    assert sync(project, folder["id"])["added"] == 0
    assert len(images(project)) == 3


def test_sync_filters_by_glob_and_regex_and_refuses_a_bad_regex(project, photos):
    folder = project.post("/api/project/folders", json={"path": str(photos)}).json
    assert sync(project, folder["id"], glob="*.PNG")["added"] == 1
    assert sync(project, folder["id"], regex=r"^a\.")["added"] == 1
    bad = project.post(f"/api/project/folders/{folder['id']}/sync", json={"regex": "(["})
    assert bad.status == 400 and list(bad.json["errors"]) == ["regex"]


def test_a_json_file_in_the_folder_makes_tasks_by_its_content(project, tmp_path):
    folder = tmp_path / "tasks"
    folder.mkdir()
    (folder / "batch.json").write_text(json.dumps([{"image": "https://example.com/1.jpg"},
                                                   {"image": "https://example.com/2.jpg"}]))
    (folder / "broken.jsonl").write_text('{"image": "x"}\n{oops\n')
    _, outcome = add_and_sync(project, folder)
    assert (outcome["added"], outcome["errors"]) == (2, 1)
    assert sorted(images(project).values()) == ["https://example.com/1.jpg", "https://example.com/2.jpg"]
    again = sync(project, project.get("/api/project/folders").json["folders"][0]["id"])
    assert (again["added"], again["unchanged"]) == (0, 1) and len(images(project)) == 2


def test_folders_are_checked_when_added_and_located(project, photos, tmp_path):
    assert project.post("/api/project/folders", json={"path": str(tmp_path / "nope")}).status == 400
    assert project.post("/api/project/folders", json={"path": "relative/dir"}).status == 400
    folder = project.post("/api/project/folders", json={"path": str(photos)}).json
    os.symlink(photos, tmp_path / "same")
    again = project.post("/api/project/folders", json={"path": str(tmp_path / "same")})
    assert again.status == 409 and "already" in again.json["detail"]
    assert project.patch(f"/api/project/folders/{folder['id']}", json={"path": str(tmp_path / "nope")}).status == 400
    assert project.patch("/api/project/folders/999999", json={"path": str(photos)}).status == 404


def test_rename_the_folder_then_locate_it_and_every_task_resolves_again(project, photos, tmp_path):
    folder, _ = add_and_sync(project, photos)
    urls = sorted(images(project).values())
    photos.rename(tmp_path / "moved")
    [listed] = project.get("/api/project/folders").json["folders"]
    assert listed["available"] is False
    assert project.get(urls[0]).status == 404
    located = project.patch(f"/api/project/folders/{folder['id']}", json={"path": str(tmp_path / "moved")})
    assert located.status == 200 and located.json["available"] is True and located.json["tasks"] == 2
    assert [project.get(url).status for url in urls] == [200, 200]
    assert sync(project, folder["id"])["added"] == 0


def test_path_traversal_through_urls_and_task_data_is_refused(project, photos, tmp_path):
    os.symlink(tmp_path / "secret.txt", photos / "link.jpg")
    os.symlink(tmp_path, photos / "up")
    folder, _ = add_and_sync(project, photos)
    root = folder["id"]
    attempts = [
        f"/data/folder/{root}/../secret.txt", f"/data/folder/{root}/%2e%2e/secret.txt",
        f"/data/folder/{root}/%2E%2E%2Fsecret.txt", f"/data/folder/{root}/%252e%252e/secret.txt",
        f"/data/folder/{root}/sub%20dir/..%2F..%2Fsecret.txt", f"/data/folder/{root}//{tmp_path}/secret.txt",
        f"/data/folder/{root}/{urllib.parse.quote(str(tmp_path))}%2Fsecret.txt",
        f"/data/folder/{root}/..%5Csecret.txt", f"/data/folder/{root}/a.jpg%00.txt",
        f"/data/folder/{root}/link.jpg", f"/data/folder/{root}/up/secret.txt", f"/data/folder/{root}/.hidden.jpg",
        f"/data/folder/{root + 100}/secret.txt", "/data/folder/x/secret.txt",
    ]
    for url in attempts:
        answer = project.get(url)
        assert 400 <= answer.status < 500, url
        assert SECRET not in answer.raw, url
        assert answer.headers["Content-Type"] == "application/json", url
    # A task may hold any string; its folder URL is resolved on the server all the same.
    project.post("/api/project/import", json=[{"image": f"/data/folder/{root}/../secret.txt"}])
    [sneaky] = [url for url in images(project).values() if "secret" in url]
    assert project.get(sneaky).status == 400
    # Packing never reads outside the root either.
    wait_for(project, project.post("/api/project/pack").json["job"])
    assert project.get(f"/data/folder/{root}/link.jpg").status == 403


def test_completions_folder_follows_every_completion_write(project, photos, tmp_path):
    add_and_sync(project, photos)
    first, second = sorted(images(project))
    early = project.post(f"/api/tasks/{second}/completions", json={"result": result("Dog")}).json["id"]
    out = tmp_path / "out"
    saved = project.post("/api/project/storage-settings?storage_for=target",
                         json={"type": "completions-folder", "path": str(out)})
    assert saved.status == 201 and saved.json["result"] == "ok"
    wait_for(project, saved.json["job"])
    assert json.loads((out / f"{second}.json").read_text())["completions"][0]["id"] == early
    assert project.get("/api/project").json["target_storage"] == {"readable_path": str(out.resolve())}

    created = project.post(f"/api/tasks/{first}/completions", json={"result": result("Cat"), "lead_time": 2.5}).json
    text = (out / f"{first}.json").read_text()
    written = json.loads(text)
    assert text.startswith('{\n  "completions": [') and list(written) == ["completions", "data", "id"]
    assert written["id"] == first and written["data"] == {"image": images(project)[first]}
    [completion] = written["completions"]
    assert completion["id"] == created["id"] and completion["result"] == result("Cat") and completion["lead_time"] == 2.5
    assert isinstance(completion["created_at"], int)

    project.patch(f"/api/tasks/{first}/completions/{created['id']}", json={"result": result("Dog")})
    assert json.loads((out / f"{first}.json").read_text())["completions"][0]["result"] == result("Dog")
    cancelled = project.post(f"/api/tasks/{first}/completions?was_cancelled=1", json={"result": []}).json["id"]
    assert [c.get("was_cancelled", False) for c in json.loads((out / f"{first}.json").read_text())["completions"]] == \
        [False, True]
    project.delete(f"/api/tasks/{first}/completions/{cancelled}")
    project.delete(f"/api/tasks/{first}/completions/{created['id']}")
    assert not (out / f"{first}.json").exists()
    project.post(f"/api/tasks/{first}/completions", json={"result": result("Cat")})
    assert project.delete(f"/api/tasks/{first}").status == 204
    assert not (out / f"{first}.json").exists()
    project.post("/api/project/import", json=[{"data": {"image": "x.jpg"}, "completions": [{"result": result("Cat")}]}])
    imported = max(images(project))
    assert (out / f"{imported}.json").exists()
    project.delete("/api/completions")
    assert sorted(p.name for p in out.iterdir()) == []
    project.post(f"/api/tasks/{second}/completions", json={"result": result("Cat")})
    assert (out / f"{second}.json").exists()
    project.delete("/api/tasks")
    assert sorted(p.name for p in out.iterdir()) == []

    assert project.post("/api/project/storage-settings?storage_for=target", json={"type": "completions-dir"}).status == 201
    project.post("/api/project/import", json=[{"data": {"image": "y.jpg"}, "completions": [{"result": result("Cat")}]}])
    assert list(out.iterdir()) == []


def test_storage_settings_in_0_8s_shape(project, photos):
    settings = project.get("/api/project/storage-settings").json
    assert list(settings) == ["source", "target"]
    assert list(settings["source"]) == ["project-file", "local-folder"]
    assert list(settings["target"]) == ["project-file", "completions-folder"]
    assert settings["source"]["project-file"]["current"] is True
    fields = {f["name"]: f for f in settings["source"]["local-folder"]["fields"]}
    assert fields["data_key"]["data"] == "image" and fields["recursive"]["data"] is True
    for body, errors in [({"type": "local-folder"}, {"path": ["This field is required."]}),
                         ({"path": str(photos)}, {"type": ["This field is required."]})]:
        answer = project.post("/api/project/storage-settings?storage_for=source", json=body)
        assert (answer.status, answer.json["errors"]) == (400, errors)
    unknown = project.post("/api/project/storage-settings?storage_for=source", json={"type": "s3", "path": "b"})
    assert unknown.status == 400 and list(unknown.json["errors"]) == ["type"]
    assert project.post("/api/project/storage-settings?storage_for=source", json={"type": "tasks-json"}).json == \
        {"result": "ok"}

    saved = project.post("/api/project/storage-settings?storage_for=source",
                         json={"type": "local-folder", "path": str(photos), "glob": "*.jpg", "recursive": False})
    assert saved.status == 201 and saved.json["result"] == "ok"
    assert wait_for(project, saved.json["job"])["result"]["added"] == 1
    source = project.get("/api/project/storage-settings").json["source"]
    assert source["local-folder"]["current"] is True and source["local-folder"]["path"] == str(photos.resolve())
    assert {f["name"]: f["data"] for f in source["local-folder"]["fields"]}["glob"] == "*.jpg"
    assert len(project.get("/api/project/folders").json["folders"]) == 1


def test_pack_then_open_the_file_from_another_data_dir_with_the_folder_gone(project, photos, tmp_path, server):
    folder, _ = add_and_sync(project, photos)
    expected = {url: project.get(url).raw for url in images(project).values()}
    removing = project.delete(f"/api/project/folders/{folder['id']}")
    assert removing.status == 409 and "2 tasks" in removing.json["detail"]
    packed = wait_for(project, project.post("/api/project/pack").json["job"])
    assert packed["kind"] == "pack" and packed["result"] == {"packed": 2, "errors": 0, "remaining": 0}
    assert wait_for(project, project.post("/api/project/pack").json["job"])["result"]["packed"] == 0
    assert project.get("/api/project/folders").json["folders"][0]["packed"] == 2
    copy = tmp_path / "copy.lsdesk"
    shutil.copy(project.get("/api/project").json["path"], copy)
    shutil.rmtree(photos)
    assert {url: project.get(url).raw for url in expected} == expected
    with Server(tmp_path / "other-data", "--project", str(copy)) as other:
        assert {url: other.client.get(url).raw for url in expected} == expected
        head = other.client.request("HEAD", next(iter(expected)))
        assert head.status == 200 and head.raw == b""
    assert project.delete(f"/api/project/folders/{folder['id']}").status == 204
    assert project.get("/api/project/folders").json["folders"] == []
    assert {url: project.get(url).raw for url in expected} == expected


def test_unpack_writes_the_packed_files_and_points_the_folder_there(project, photos, tmp_path):
    folder, _ = add_and_sync(project, photos)
    urls = sorted(images(project).values())
    wait_for(project, project.post("/api/project/pack").json["job"])
    shutil.rmtree(photos)
    assert project.post("/api/project/unpack", json={"path": str(tmp_path / "secret.txt")}).status == 400
    job = project.post("/api/project/unpack", json={"path": str(tmp_path / "unpacked")}).json["job"]
    assert job["kind"] == "unpack"
    assert wait_for(project, job)["result"] == {"folders": 1, "errors": 0}
    assert (tmp_path / "unpacked" / "photos" / "sub dir" / "b #1.png").read_bytes() == b"\x89PNG image b"
    [listed] = project.get("/api/project/folders").json["folders"]
    assert listed["path"] == str(tmp_path / "unpacked" / "photos") and listed["packed"] == 0
    assert [project.get(url).status for url in urls] == [200, 200]
    assert sync(project, folder["id"])["added"] == 0


def test_pack_is_resumable_and_packs_only_what_is_not_packed_yet(project, photos, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    (other / "c.jpg").write_bytes(b"image c")
    add_and_sync(project, photos)
    second, _ = add_and_sync(project, other)
    other.rename(tmp_path / "away")
    job = wait_for(project, project.post("/api/project/pack").json["job"])
    assert job["result"] == {"packed": 2, "errors": 1, "remaining": 1}
    assert "not available" in job["errors"][0]
    project.patch(f"/api/project/folders/{second['id']}", json={"path": str(tmp_path / "away")})
    assert wait_for(project, project.post("/api/project/pack").json["job"])["result"] == \
        {"packed": 1, "errors": 0, "remaining": 0}
    assert [f["packed"] for f in project.get("/api/project/folders").json["folders"]] == [2, 1]


def test_coco_export_carries_the_folder_images(api, tmp_path):
    api.post("/api/project/config", json={"label_config": RECTANGLE_CONFIG})
    (tmp_path / "cats").mkdir()
    (tmp_path / "cats" / "cat.png").write_bytes(PNG)
    add_and_sync(api, tmp_path / "cats")
    [task] = api.get("/api/tasks").json
    api.post(f"/api/tasks/{task['id']}/completions", json={"result": [{
        "id": "r1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
        "original_width": 1, "original_height": 1, "image_rotation": 0,
        "value": {"x": 0, "y": 0, "width": 100, "height": 100, "rotation": 0, "rectanglelabels": ["Cat"]}}]})
    archive = zipfile.ZipFile(io.BytesIO(api.get("/api/project/export?format=COCO").raw))
    [image] = [name for name in archive.namelist() if name.startswith("images/")]
    assert archive.read(image) == PNG


def test_tasks_imported_with_folder_urls_keep_their_folder_until_packed(project, photos):
    folder = project.post("/api/project/folders", json={"path": str(photos)}).json
    url = f"/data/folder/{folder['id']}/sub%20dir/b%20%231.png"
    project.post("/api/project/import", json=[{"image": url}, {"image": f"/data/folder/{folder['id']}/gone.jpg"}])
    refused = project.delete(f"/api/project/folders/{folder['id']}")
    assert refused.status == 409 and refused.json["detail"].startswith("1 tasks")
    assert wait_for(project, project.post("/api/project/pack").json["job"])["result"]["packed"] == 1
    assert project.delete(f"/api/project/folders/{folder['id']}").status == 204
    shutil.rmtree(photos)
    assert project.get(url).raw == b"\x89PNG image b"


def test_folder_files_that_could_run_script_are_served_as_downloads(project, photos):
    (photos / "page.html").write_text("<script>alert(1)</script>")
    (photos / "drawing.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")
    folder = project.post("/api/project/folders", json={"path": str(photos)}).json
    for name in ("page.html", "drawing.svg"):
        answer = project.get(f"/data/folder/{folder['id']}/{name}")
        assert answer.status == 200
        assert answer.headers["Content-Disposition"] == f'attachment; filename="{name}"'
        assert answer.headers["Content-Security-Policy"] == "sandbox"
    etag = project.get(f"/data/folder/{folder['id']}/a.jpg").headers["ETag"]
    assert project.get(f"/data/folder/{folder['id']}/a.jpg", headers={"If-None-Match": etag}).status == 304


def test_names_in_any_script_round_trip_through_task_urls(project, tmp_path):
    folder = tmp_path / "fotos"
    (folder / "été").mkdir(parents=True)
    (folder / "été" / "café ü%20.jpg").write_bytes(b"cafe")
    root, _ = add_and_sync(project, folder)
    [url] = images(project).values()
    assert url == f"/data/folder/{root['id']}/%C3%A9t%C3%A9/caf%C3%A9%20%C3%BC%2520.jpg"
    assert project.get(url).raw == b"cafe"
