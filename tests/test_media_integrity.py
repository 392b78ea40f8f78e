"""Media integrity against the real server: "Locate" refuses a folder whose files are not the ones the
project recorded (half-size images with the same names), and truncated or unreadable images are named
by the import and the sync that bring them, and by the label page's check of a task."""

import shutil
import struct
import zlib
from pathlib import Path

import pytest

from tests.client import Server
from tests.test_api_import import IMAGE_CONFIG, upload
from tests.test_export_images import jpeg
from tests.test_folders import add_and_sync, sync

NAMES = ["cat.png", "dog.png", "sub/owl.png"]


def png(width, height, shade):
    """An RGB PNG whose pixels depend on `shade`, so files of one size differ in content."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((shade + x + y) % 256 for x in range(width * 3)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def image_folder(path, width, height):
    for shade, name in enumerate(NAMES):
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_bytes(png(width, height, shade * 40))
    return path


def box(width, height):
    return [{"id": "b1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
             "original_width": width, "original_height": height, "image_rotation": 0,
             "value": {"x": 25, "y": 25, "width": 50, "height": 50, "rotation": 0, "rectanglelabels": ["Cat"]}}]


@pytest.fixture
def image_project(api):
    assert api.post("/api/project/config", json={"label_config": IMAGE_CONFIG}).status == 201
    return api


@pytest.fixture
def labeled_folder(image_project, tmp_path):
    """A synced folder of 64×48 images, one of them labeled with a box: (root id, folder)."""
    photos = image_folder(tmp_path / "photos", 64, 48)
    folder, outcome = add_and_sync(image_project, photos)
    assert (outcome["added"], outcome["unreadable"]) == (3, 0)
    [cat] = [task for task in image_project.get("/api/tasks").json if task["data"]["image"].endswith("/cat.png")]
    assert image_project.post(f"/api/tasks/{cat['id']}/completions", json={"result": box(64, 48)}).status == 201
    return folder["id"], photos


def locate(api, root_id, path, **extra):
    return api.patch(f"/api/project/folders/{root_id}", json={"path": str(path), **extra})


def test_locate_refuses_half_size_images_with_the_same_names_and_names_each_difference(
        image_project, labeled_folder, tmp_path):
    root_id, photos = labeled_folder
    photos.rename(tmp_path / "moved")
    half = image_folder(tmp_path / "half", 32, 24)

    refused = locate(image_project, root_id, half)
    assert refused.status == 409, refused
    assert refused.json["checked"] == 3
    differences = {item["path"]: item for item in refused.json["differences"]}
    assert sorted(differences) == NAMES
    cat = differences["cat.png"]
    assert cat["differs"] == ["size", "dimensions", "content"]
    assert cat["recorded"] == {"size": len(png(64, 48, 0)), "width": 64, "height": 48}
    assert cat["found"] == {"size": len(png(32, 24, 0)), "width": 32, "height": 24}
    assert cat["summary"] == f"size {len(png(64, 48, 0)):,} → {len(png(32, 24, 0)):,} bytes; 64×48 → 32×24 pixels"
    assert refused.json["detail"].startswith(f"3 of 3 files checked in {half} differ from what the project recorded: "
                                             f"cat.png (size ")
    assert "send force: true" in refused.json["detail"]
    [listed] = image_project.get("/api/project/folders").json["folders"]
    assert listed["path"] == str(photos) and listed["available"] is False

    forced = locate(image_project, root_id, half, force=True)
    assert forced.status == 200, forced
    assert forced.json["path"] == str(half)


def test_locate_accepts_the_moved_folder_unchanged_without_asking(image_project, labeled_folder, tmp_path):
    root_id, photos = labeled_folder
    moved = tmp_path / "elsewhere" / "photos"
    moved.parent.mkdir()
    shutil.copytree(photos, moved)  # a copy: new modification times, the same bytes
    shutil.rmtree(photos)
    answer = locate(image_project, root_id, moved)
    assert answer.status == 200, answer
    assert (answer.json["path"], answer.json["available"], answer.json["tasks"]) == (str(moved), True, 3)
    cat = next(task for task in image_project.get("/api/tasks").json if task["data"]["image"].endswith("/cat.png"))
    assert image_project.get(cat["data"]["image"]).raw == png(64, 48, 0)


def test_locate_names_missing_files_and_same_size_files_with_other_content(image_project, labeled_folder, tmp_path):
    root_id, photos = labeled_folder
    other = tmp_path / "other"
    (other / "sub").mkdir(parents=True)
    edited = bytearray((photos / "cat.png").read_bytes())
    edited[len(edited) // 2] ^= 0xFF  # same size and dimensions, other pixels
    (other / "cat.png").write_bytes(edited)
    (other / "dog.png").write_bytes((photos / "dog.png").read_bytes())
    refused = locate(image_project, root_id, other)
    assert refused.status == 409, refused
    assert [(item["path"], item["differs"], item["summary"]) for item in refused.json["differences"]] == [
        ("cat.png", ["content"], "same size, different content"),
        ("sub/owl.png", ["missing"], "missing")]
    assert locate(image_project, root_id, other, force="yes").status == 400


def test_locate_samples_at_most_twenty_files_spread_over_the_folder(image_project, tmp_path):
    photos = tmp_path / "many"
    photos.mkdir()
    for index in range(100):
        (photos / f"img{index:03d}.png").write_bytes(png(4, 4, index))
    folder, _ = add_and_sync(image_project, photos)
    (photos / "img099.png").write_bytes(png(2, 2, 0))  # not among every 5th file in path order
    assert locate(image_project, folder["id"], photos).status == 200
    (photos / "img095.png").write_bytes(png(2, 2, 0))  # the 20th of them
    refused = locate(image_project, folder["id"], photos)
    assert refused.status == 409 and refused.json["checked"] == 20
    assert [item["path"] for item in refused.json["differences"]] == ["img095.png"]


def truncated_images():
    whole_jpeg = jpeg(40, 30)[:-2] + bytes(5000) + b"\xff\xd9"
    return {"cut.jpg": whole_jpeg[:3000], "cut.png": png(40, 30, 0)[:-30], "fine.png": png(40, 30, 0),
            "fine.jpg": whole_jpeg}


TRUNCATED = {"cut.jpg": "truncated: the JPEG ends after 3,000 bytes, without its end-of-image marker (FF D9)",
             "cut.png": f"truncated: the PNG ends after {len(png(40, 30, 0)) - 30:,} bytes, before its IEND chunk"}


def test_upload_import_names_truncated_jpeg_and_png_and_their_tasks_say_so(image_project):
    answer = upload(image_project, *[(f"file{index}", name, data)
                                           for index, (name, data) in enumerate(truncated_images().items())])
    assert answer.status == 201, answer
    assert answer.json["task_count"] == 4
    assert answer.json["unreadable_files"] == [{"file": name, "problem": problem} for name, problem in TRUNCATED.items()]
    checked = {}
    for task in image_project.get("/api/tasks").json:
        url = task["data"]["image"]
        answer = image_project.get(f"/api/tasks/{task['id']}/media-problems")
        assert answer.status == 200
        checked[url.rsplit("-", 1)[1]] = (url, answer.json["problems"])
    assert {name: problems for name, (_url, problems) in checked.items()} == {
        "cut.jpg": [{"url": checked["cut.jpg"][0], "problem": TRUNCATED["cut.jpg"]}],
        "cut.png": [{"url": checked["cut.png"][0], "problem": TRUNCATED["cut.png"]}],
        "fine.png": [], "fine.jpg": []}
    assert image_project.get("/api/tasks/999/media-problems").status == 404


def test_sync_names_truncated_images_and_the_task_check_reads_the_file_as_it_is_now(image_project, tmp_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    for name, data in truncated_images().items():
        (folder / name).write_bytes(data)
    added, outcome = add_and_sync(image_project, folder)
    assert (outcome["added"], outcome["errors"], outcome["unreadable"]) == (4, 0, 2)
    assert outcome["unreadable_files"] == [{"path": name, "problem": problem} for name, problem in TRUNCATED.items()]
    tasks = {task["data"]["image"].rsplit("/", 1)[1]: task["id"] for task in image_project.get("/api/tasks").json}
    root = added["id"]
    assert image_project.get(f"/api/tasks/{tasks['cut.png']}/media-problems").json == {
        "problems": [{"url": f"/data/folder/{root}/cut.png", "problem": TRUNCATED["cut.png"]}]}
    # The copy finished after the sync: the label page's check and the next sync see the whole file.
    (folder / "cut.png").write_bytes(png(40, 30, 0))
    assert image_project.get(f"/api/tasks/{tasks['cut.png']}/media-problems").json == {"problems": []}
    again = sync(image_project, root)
    assert (again["changed"], again["unreadable"], again["unreadable_files"]) == (1, 0, [])


def test_a_folder_synced_before_fingerprints_is_located_by_its_files_sizes(tmp_path):
    path = tmp_path / "old.lsdesk"
    shutil.copy(Path(__file__).parent / "fixtures" / "versions" / "v3.lsdesk", path)
    moved = tmp_path / "photos"
    moved.mkdir()
    (moved / "a.png").write_bytes(bytes(1000))
    with Server(tmp_path / "workspace", "--project", str(path)) as server:
        refused = locate(server.client, 1, moved)
        (moved / "a.png").write_bytes(bytes(1234))
        accepted = locate(server.client, 1, moved)
    assert refused.status == 409 and [(item["path"], item["differs"], item["summary"])
                                      for item in refused.json["differences"]] == [
        ("a.png", ["size"], "size 1,234 → 1,000 bytes")]
    assert accepted.status == 200 and accepted.json["path"] == str(moved)
