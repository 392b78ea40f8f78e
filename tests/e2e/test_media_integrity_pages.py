"""Media integrity in real Chromium: the label page warns over a truncated image (uploaded or in a
folder) and over one the browser cannot show; Locate on the Setup page names the files that differ and
asks before using the folder anyway."""

import re

from playwright.sync_api import expect

from tests.e2e.test_pages import open_page, set_config
from tests.e2e.test_folders_page import folder_row
from tests.test_api_import import upload
from tests.test_media_integrity import IMAGE_CONFIG, NAMES, TRUNCATED, image_folder, truncated_images
from tests.test_folders import add_and_sync


def task_showing(api, suffix):
    return next(task["id"] for task in api.get("/api/tasks?page_size=100").json if task["data"]["image"].endswith(suffix))


def warnings(page):
    return page.locator(".media-warning .notice.error")


def test_label_page_warns_over_truncated_images_uploaded_or_synced(page, api, tmp_path):
    set_config(api, IMAGE_CONFIG)
    images = truncated_images()
    assert upload(api, ("file", "cut.jpg", images["cut.jpg"])).status == 201
    folder = tmp_path / "cards"
    folder.mkdir()
    for name in ("cut.png", "fine.png"):
        (folder / name).write_bytes(images[name])
    add_and_sync(api, folder)

    for name in ("cut.jpg", "cut.png"):
        open_page(page, f"/label/{task_showing(api, name)}")
        expect(warnings(page)).to_have_count(1)
        expect(warnings(page)).to_contain_text(f"This image is truncated or unreadable: {name}")
        expect(warnings(page)).to_contain_text(TRUNCATED[name])
        expect(warnings(page)).to_contain_text("labels drawn on it may not fit the whole image")

    with page.expect_response(re.compile(r"/media-problems$")):
        open_page(page, f"/label/{task_showing(api, 'fine.png')}")
    expect(page.locator(".editor-host img")).to_be_visible()
    expect(warnings(page)).to_have_count(0)


def test_label_page_says_when_the_browser_cannot_show_an_image(page, api, tmp_path):
    set_config(api, IMAGE_CONFIG)
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "gone.png").write_bytes(truncated_images()["fine.png"])
    add_and_sync(api, folder)
    (folder / "gone.png").unlink()  # the server has nothing to check; the browser gets a 404

    open_page(page, f"/label/{task_showing(api, 'gone.png')}")
    expect(warnings(page)).to_have_count(1)
    expect(warnings(page)).to_contain_text("The browser could not show this image: gone.png")


def test_locate_names_the_differing_files_and_asks_before_using_the_folder(page, api, tmp_path):
    set_config(api, IMAGE_CONFIG)
    photos = tmp_path / "photos"
    photos.mkdir()
    add_and_sync(api, image_folder(photos, 64, 48))
    photos.rename(tmp_path / "moved")
    half = tmp_path / "half"
    half.mkdir()
    image_folder(half, 32, 24)

    open_page(page, "/setup")
    row = folder_row(page)
    row.get_by_role("button", name=re.compile("^Locate")).click()
    locate = page.get_by_role("dialog", name=re.compile("^Locate"))
    locate.get_by_label("Folder path").fill(str(half))
    locate.get_by_role("button", name="Locate").click()
    question = page.get_by_role("dialog", name="Use it anyway?")
    expect(question).to_contain_text(f"3 files of the 3 checked in {half} differ")
    for name in NAMES:
        expect(question).to_contain_text(name)
    expect(question).to_contain_text("64×48 → 32×24 pixels")
    question.get_by_role("button", name="Cancel").click()
    expect(locate.locator(".field-error")).to_contain_text("Not located")
    expect(row).to_contain_text("missing")

    locate.get_by_role("button", name="Locate").click()
    page.get_by_role("dialog", name="Use it anyway?").get_by_role("button", name="Use it anyway").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(row).to_contain_text(str(half))
    expect(row).to_contain_text("available")

    # The original folder, moved: the same files, located without a question.
    half.rename(tmp_path / "half-gone")
    open_page(page, "/setup")
    row.get_by_role("button", name=re.compile("^Locate")).click()
    page.get_by_role("dialog").get_by_label("Folder path").fill(str(tmp_path / "moved"))
    page.get_by_role("dialog").get_by_role("button", name="Locate").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(row).to_contain_text(str(tmp_path / "moved"))
