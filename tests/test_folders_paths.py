"""Folders labeled in place without a server: file names in tasks, safe resolution, scanning, filters,
the completions file shape, the storage settings forms, and packing into a store."""

import json
import os
import shutil
import threading

import pytest

from lsdesk.folders import forms
from lsdesk.folders.completions_folder import (attach, completions_file_text, remove_completions_file,
                                               write_completions_file)
from lsdesk.folders.paths import PathRefused, check_relative, folder_references, folder_url, parse_folder_url, \
    resolve_inside
from lsdesk.folders.pack import pack_media
from lsdesk.folders.scan import FilterInvalid, compile_filter, scan_folder
from lsdesk.jobs import Job
from lsdesk.store.folders import SourceFile
from lsdesk.store.project import ProjectStore


@pytest.fixture
def tree(tmp_path):
    """root/ with files, a hidden file, a subfolder, and symlinks inside and outside; secret.txt beside it."""
    root = tmp_path / "root"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "b.jpg").write_bytes(b"b")
    (root / "a.jpg").write_bytes(b"aa")
    (root / ".hidden.jpg").write_bytes(b"h")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_bytes(b"g")
    (root / "sub" / "c.png").write_bytes(b"ccc")
    (root / "sub" / "deeper" / "d.JPG").write_bytes(b"dddd")
    (tmp_path / "secret.txt").write_bytes(b"top secret")
    os.symlink(tmp_path / "secret.txt", root / "escape.jpg")
    os.symlink(tmp_path, root / "escape-dir")
    os.symlink(root / "a.jpg", root / "inside-link.jpg")
    os.symlink(root, root / "sub" / "loop")
    return root


def test_folder_url_encodes_each_segment_and_parses_back():
    url = folder_url(3, "sub dir/100% #1?.jpg")
    assert url == "/data/folder/3/sub%20dir/100%25%20%231%3F.jpg"
    assert parse_folder_url(url) == (3, "sub dir/100% #1?.jpg")
    assert parse_folder_url("/data/upload/x.jpg") is None
    assert parse_folder_url("/data/folder/x/a.jpg") is None


@pytest.mark.parametrize("relative", ["", "..", "a/../b", "../secret.txt", "/etc/passwd", "a\\..\\b", "a\x00b",
                                      "a//b", "./a", ".hidden.jpg", "sub/.git/config"])
def test_check_relative_refuses_anything_but_plain_visible_paths(relative):
    with pytest.raises(PathRefused):
        check_relative(relative)


def test_resolve_inside_follows_symlinks_but_never_out_of_the_root(tree):
    assert resolve_inside(tree, "sub/c.png") == str((tree / "sub" / "c.png").resolve())
    assert resolve_inside(tree, "inside-link.jpg") == str((tree / "a.jpg").resolve())
    for escaping in ("escape.jpg", "escape-dir/secret.txt"):
        with pytest.raises(PathRefused, match="outside"):
            resolve_inside(tree, escaping)


def test_scan_lists_visible_files_in_a_stable_order_without_escaping_symlinks(tree):
    found = list(scan_folder(tree))
    assert [f.path for f in found] == ["a.jpg", "b.jpg", "inside-link.jpg", "sub/c.png", "sub/deeper/d.JPG"]
    assert [f.size for f in found] == [2, 1, 2, 3, 4]
    assert all(f.mtime > 0 for f in found)
    assert [f.path for f in scan_folder(tree, recursive=False)] == ["a.jpg", "b.jpg", "inside-link.jpg"]


def test_glob_matches_names_in_any_case_and_paths_with_a_slash():
    by_name = compile_filter(glob="*.jpg")
    assert by_name("x/IMG_1.JPG") and by_name("a.jpg") and not by_name("a.png")
    by_path = compile_filter(glob="sub/*.png")
    assert by_path("sub/c.png") and not by_path("c.png")
    assert compile_filter(regex=r"\d+\.png$")("x/12.png")
    assert not compile_filter(glob="*.png", regex="^sub/")("other/1.png")
    with pytest.raises(FilterInvalid) as raised:
        compile_filter(regex="([")
    assert raised.value.field == "regex"


def test_folder_references_finds_urls_at_any_depth():
    data = {"image": "/data/folder/1/a.jpg", "pages": [{"src": "/data/folder/2/b%20c.png"}], "n": 3,
            "other": "/data/upload/x.png"}
    assert list(folder_references(data)) == [(1, "a.jpg"), (2, "b c.png")]


def test_completions_file_is_0_8s_shape_written_atomically(tmp_path):
    text = completions_file_text(7, {"image": "/data/folder/1/a.jpg"},
                                 [{"id": 3, "result": [], "lead_time": 1.5, "created_at": 10, "updated_at": 11}])
    assert text.startswith('{\n  "completions": [\n    {\n      "created_at": 10,')
    write_completions_file(tmp_path, 7, text)
    assert json.loads((tmp_path / "7.json").read_text()) == {
        "id": 7, "data": {"image": "/data/folder/1/a.jpg"},
        "completions": [{"id": 3, "result": [], "lead_time": 1.5, "created_at": 10, "updated_at": 11}]}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["7.json"]
    remove_completions_file(tmp_path, 7)
    remove_completions_file(tmp_path, 7)
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(FileNotFoundError):
        remove_completions_file(tmp_path / "gone", 7)


def test_storage_forms_describe_every_type_and_fill_the_current_one(tmp_path):
    source = forms.describe("source", None, "/p/x.lsdesk", "image")
    assert list(source) == ["project-file", "local-folder"]
    assert source["project-file"] == {"type": "project-file", "description": "In the project file",
                                      "current": True, "path": "/p/x.lsdesk", "fields": []}
    fields = {f["name"]: f for f in source["local-folder"]["fields"]}
    assert list(fields) == ["path", "glob", "regex", "data_key", "recursive"]
    assert fields["data_key"]["data"] == "image" and fields["recursive"]["type"] == "BooleanField"
    assert fields["recursive"]["default"] is True and fields["path"]["required"] is True
    assert {"name", "id", "short_name", "type", "data", "default", "description"} <= set(fields["glob"])
    current = {"type": "local-folder", "path": str(tmp_path), "params": {"glob": "*.png", "recursive": False}}
    filled = {f["name"]: f["data"] for f in forms.describe("source", current, "/p", "image")["local-folder"]["fields"]}
    assert filled == {"path": str(tmp_path), "glob": "*.png", "regex": None, "data_key": "image", "recursive": False}


def test_storage_forms_check_every_field(tmp_path):
    assert forms.storage_type_of("source", "tasks-json") == "project-file"
    assert forms.storage_type_of("target", "completions-dir") == "project-file"
    with pytest.raises(forms.FormInvalid) as missing:
        forms.storage_type_of("source", None)
    assert missing.value.errors == {"type": ["This field is required."]}
    with pytest.raises(forms.FormInvalid):
        forms.storage_type_of("source", "s3")
    with pytest.raises(forms.FormInvalid) as invalid:
        forms.checked_storage("source", "local-folder", {"regex": "([", "data_key": "nope", "recursive": "maybe"},
                              ["image"])
    assert set(invalid.value.errors) == {"path", "regex", "data_key", "recursive"}
    assert invalid.value.errors["path"] == ["This field is required."]
    saved = forms.checked_storage("source", "local-folder", {"path": str(tmp_path), "glob": "*.jpg"}, ["image"])
    assert saved == {"name": "Tasks", "type": "local-folder", "path": str(tmp_path.resolve()),
                     "params": {"glob": "*.jpg", "regex": None, "data_key": None, "recursive": True}}
    made = forms.checked_storage("target", "completions-folder", {"path": str(tmp_path / "new")}, None)
    assert made["path"] == str((tmp_path / "new").resolve()) and (tmp_path / "new").is_dir()
    with pytest.raises(forms.FormInvalid):
        forms.checked_storage("target", "completions-folder", {"path": str(tmp_path / "no" / "such")}, None)


@pytest.fixture
def media_store(tmp_path):
    """A project with a root of three synced files a.jpg, b.jpg, c.jpg (each holding its own name)."""
    folder = tmp_path / "media"
    folder.mkdir()
    store = ProjectStore(tmp_path / "p.lsdesk", create=True)
    root = store.add_media_root(folder)
    tasks = []
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        (folder / name).write_bytes(name.encode())
        info = (folder / name).stat()
        tasks.append({"data": {"image": name}, "completions": [], "predictions": [],
                      "source_file": SourceFile(root, name, info.st_size, info.st_mtime_ns, media=True)})
    store.import_tasks(tasks)
    yield store, root
    store.close()


def packed_contents(store, root):
    return [b"".join(store.read_blob(store.packed_file(root, name)[1])) for name in ("a.jpg", "b.jpg", "c.jpg")]


def test_a_cancelled_pack_stops_between_files_and_the_next_one_resumes(media_store):
    store, root = media_store

    class CancelAfterOne(Job):
        @property
        def cancelled(self):
            return self.done >= 1

    assert pack_media(store, CancelAfterOne(1, "pack", store.path, "", None)) == {"packed": 1, "errors": 0, "remaining": 2}
    assert pack_media(store, Job(2, "pack", store.path, "", None)) == {"packed": 2, "errors": 0, "remaining": 0}
    assert packed_contents(store, root) == [b"a.jpg", b"b.jpg", b"c.jpg"]


def test_large_files_are_packed_in_chunks(media_store, monkeypatch):
    store, root = media_store
    monkeypatch.setattr("lsdesk.folders.pack._LARGE_FILE", 1)
    monkeypatch.setattr("lsdesk.store.folders._COPY_CHUNK", 2)
    assert pack_media(store, Job(1, "pack", store.path, "", None)) == {"packed": 3, "errors": 0, "remaining": 0}
    assert packed_contents(store, root) == [b"a.jpg", b"b.jpg", b"c.jpg"]


def test_a_reopened_project_keeps_writing_its_completions_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    store = ProjectStore(tmp_path / "p.lsdesk", create=True)
    store.import_tasks([{"data": {"text": "a"}, "completions": [], "predictions": []}])
    store.set_storage("target", {"name": "Completions", "type": "completions-folder", "path": str(out)})
    store.close()
    store = attach(ProjectStore(tmp_path / "p.lsdesk"))
    try:
        completion_id = store.add_completion(1, {"result": []}, cancelled=False, completed_by=None)
        assert json.loads((out / "1.json").read_text())["completions"][0]["id"] == completion_id
        shutil.rmtree(out)
        store.delete_completion(1, completion_id)
        assert "Could not write completions" in store.completions_folder_error
        out.mkdir()
        (out / "1.json").write_text("stale")
        store.add_completion(1, {"result": []}, cancelled=True, completed_by=None)
        assert store.completions_folder_error is None
        assert json.loads((out / "1.json").read_text())["completions"][0]["was_cancelled"] is True
        store.set_storage("target", None)
        store.delete_all_completions()
        assert (out / "1.json").exists()
    finally:
        store.close()


def test_concurrent_writes_leave_the_newest_completions_in_the_folder(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    store = attach(ProjectStore(tmp_path / "p.lsdesk", create=True))
    try:
        store.import_tasks([{"data": {"text": "a"}, "completions": [], "predictions": []}])
        store.set_storage("target", {"name": "Completions", "type": "completions-folder", "path": str(out)})
        completion_id = store.add_completion(1, {"result": []}, cancelled=False, completed_by=None)

        def save(worker):
            for step in range(20):
                store.update_completion(1, completion_id, {"result": [], "lead_time": worker * 100 + step})

        threads = [threading.Thread(target=save, args=(worker,)) for worker in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert json.loads((out / "1.json").read_text())["completions"] == store.task(1)["completions"]
        assert store.completions_folder_error is None
    finally:
        store.close()
