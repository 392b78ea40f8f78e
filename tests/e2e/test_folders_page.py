"""The Setup page's storage section in real Chromium against a real server: folders of images labeled
in place (add, sync, locate after a move, remove), packing them into the project file, and the
completions folder."""

import json
import os
import re
import struct
import zlib

from playwright.sync_api import expect

from tests.e2e.test_pages import open_page, set_config

IMAGE_CONFIG = """<View>
  <Image name="image" value="$image"/>
  <Choices name="kind" toName="image"><Choice value="Red"/><Choice value="Blue"/></Choices>
</View>"""

COLOURS = {"red.png": (200, 30, 30), "green.png": (30, 200, 30), "blue.png": (30, 30, 200)}


def png(width, height, rgb):
    """A solid-colour RGB PNG, written with the stdlib alone."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = (b"\x00" + bytes(rgb) * width) * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def image_folder(path):
    path.mkdir()
    for name, rgb in COLOURS.items():
        (path / name).write_bytes(png(8, 6, rgb))
    return path


def folder_row(page):
    """The row of the only folder (its name may follow the folder's when it moves)."""
    return page.locator(".storage table.data-table tbody tr").first


def add_folder(page, path):
    page.locator("#new-folder-path").fill(str(path))
    page.get_by_role("button", name="Add folder").click()


def sync_result(page):
    return page.locator(".storage .job-result").first


def test_storage_adds_a_folder_and_syncs_its_images_into_tasks(page, api, tmp_path):
    set_config(api, IMAGE_CONFIG)
    photos = image_folder(tmp_path / "photos")
    open_page(page, "/setup")
    expect(page.locator(".storage table.data-table")).to_contain_text("No folders yet")

    add_folder(page, tmp_path / "nowhere")
    expect(page.locator("#new-folder-path-error")).to_contain_text("nowhere is not a folder")
    add_folder(page, photos)
    row = folder_row(page)
    expect(row).to_contain_text("available")
    expect(page.locator("#new-folder-path-error")).to_be_empty()
    add_folder(page, photos)
    expect(page.locator("#new-folder-path-error")).to_contain_text("already a folder of this project")

    expect(page.get_by_label("Data key")).to_have_value("image")
    page.get_by_label("Only paths matching (regex)").fill("([")
    page.get_by_role("button", name="Sync photos").click()
    expect(page.locator("#sync-regex-error")).to_contain_text("not a valid regular expression")
    page.get_by_label("Only paths matching (regex)").fill("")
    page.get_by_role("button", name="Sync photos").click()
    expect(sync_result(page)).to_have_text("Synced photos: 3 added, 0 removed, 0 unchanged")
    expect(row.locator("td").nth(3)).to_have_text("3")

    open_page(page, "/tasks")
    thumbnails = page.locator("table.data-table tbody tr img")
    expect(thumbnails).to_have_count(3)
    sources = [thumbnails.nth(n).get_attribute("src") for n in range(3)]
    assert all(source.startswith("/data/folder/") for source in sources), sources
    assert sorted(source.rsplit("/", 1)[1] for source in sources) == sorted(COLOURS)

    task_id = api.get("/api/tasks?page=1&page_size=1&order=id").json[0]["id"]
    open_page(page, f"/label/{task_id}")
    page.wait_for_selector(".lsd-image[data-state=ready]")
    assert page.evaluate("document.querySelector('.lsd-image img').naturalWidth") == 8


def test_storage_locates_a_moved_folder_packs_and_unpacks_it(page, api, tmp_path):
    set_config(api, IMAGE_CONFIG)
    photos = image_folder(tmp_path / "photos")
    open_page(page, "/setup")
    add_folder(page, photos)
    page.get_by_role("button", name="Sync photos").click()
    expect(sync_result(page)).to_have_text("Synced photos: 3 added, 0 removed, 0 unchanged")

    # Tasks still read their files from the folder, so it cannot go.
    row = folder_row(page)
    row.get_by_role("button", name=re.compile("^Remove")).click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(row.locator(".field-error")).to_contain_text("3 tasks show files of")

    moved = photos.rename(tmp_path / "moved")
    open_page(page, "/setup")
    expect(row).to_contain_text("missing — Locate…")
    expect(row.get_by_role("button", name=re.compile("^Sync"))).to_be_disabled()
    row.get_by_role("button", name=re.compile("^Locate")).click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Folder path").fill(str(tmp_path / "nowhere"))
    dialog.get_by_label("Folder path").press("Enter")
    expect(dialog.locator(".field-error")).to_contain_text("nowhere is not a folder")
    dialog.get_by_label("Folder path").fill(str(moved))
    dialog.get_by_role("button", name="Locate").click()
    expect(dialog).to_have_count(0)
    expect(row).to_contain_text(os.path.realpath(moved))
    expect(row).to_contain_text("available")

    row.get_by_role("button", name=re.compile("^Sync")).click()
    expect(sync_result(page)).to_have_text(re.compile(": 0 added, 0 removed, 3 unchanged$"))

    page.get_by_role("button", name="Pack media into the project file").click()
    expect(page.locator(".storage .job-result").filter(has_text="Packed")).to_have_text(re.compile("Packed 3 files"))
    expect(row.locator("td").nth(4)).to_have_text("3")

    page.locator("#unpack-path").fill(str(tmp_path / "out"))
    page.get_by_role("button", name="Unpack").click()
    expect(page.locator(".storage .job-result").filter(has_text="Unpacked")).to_have_text(
        f"Unpacked 3 files of 1 folder into {tmp_path / 'out'}")
    expect(row).to_contain_text(os.path.realpath(tmp_path / "out" / "moved"))
    assert sorted(path.name for path in (tmp_path / "out" / "moved").iterdir()) == sorted(COLOURS)


def test_storage_writes_completions_to_a_chosen_folder(page, api, tmp_path):
    set_config(api, IMAGE_CONFIG)
    first, second = api.post("/api/project/import", json=[{"image": "/assets/samples/sample.png"}] * 2).json["new_task_ids"]
    result = [{"from_name": "kind", "to_name": "image", "type": "choices", "value": {"choices": ["Red"]}}]
    assert api.post(f"/api/tasks/{first}/completions", json={"result": result}).status == 201
    open_page(page, "/setup")
    choice = page.locator("#target-completions-folder")
    choice.check()
    page.get_by_role("button", name="Save", exact=True).click()
    path_error = page.locator("#target-completions-folder-path-error")
    expect(path_error).not_to_be_empty()

    # The folder is made when its parent exists; the completions made so far are written by a job.
    completions = tmp_path / "completions"
    path_field = page.locator("#target-completions-folder-path")
    path_field.fill(str(completions))
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#toasts")).to_contain_text("Completions storage saved")
    expect(page.locator(".storage .job-result")).to_have_text("Wrote the completions of 1 task to the folder")
    assert json.loads((completions / f"{first}.json").read_text())["completions"][0]["result"] == result
    open_page(page, "/setup")
    expect(choice).to_be_checked()
    expect(path_field).to_have_value(os.path.realpath(completions))

    assert api.post(f"/api/tasks/{second}/completions", json={"result": result}).status == 201
    assert json.loads((completions / f"{second}.json").read_text())["completions"][0]["result"] == result


def test_storage_in_the_desktop_window_picks_folders_in_the_native_dialog(page, api, tmp_path):
    photos = image_folder(tmp_path / "photos")
    page.add_init_script("""((folder) => {
        window.desktopCalls = [];
        window.pywebview = { api: { choose_folder: (start) => {
            window.desktopCalls.push(start);
            return Promise.resolve(window.desktopCalls.length === 1 ? null : { path: folder });
        } } };
        window.dispatchEvent(new Event("pywebviewready"));
    })(%s);""" % json.dumps(str(photos)))
    open_page(page, "/setup")
    browse = page.get_by_role("button", name="Browse for folder path")
    browse.click()
    expect(page.locator("#new-folder-path")).to_have_value("")
    browse.click()
    expect(page.locator("#new-folder-path")).to_have_value(str(photos))
    page.get_by_role("button", name="Add folder").click()
    expect(folder_row(page)).to_contain_text("available")
    assert page.evaluate("window.desktopCalls") == ["", ""]
