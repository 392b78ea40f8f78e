"""Video (with sync to Audio), Pdf and several images in one Image (valueList) in a real browser: the
player, answers about a video or a PDF by mouse and keyboard with their exact result JSON, labels on a
synced waveform, pages of a multi-image task with item_index, loaded completions kept byte for byte."""

import base64
import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lsdesk.templates import gallery
from tests.corpus import corpus_file
from tests.test_api_import import upload
from tests.test_export_images import png

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "assets" / "samples"
SCREENSHOTS = REPO / "docs" / "screenshots"
WEBM = (SAMPLES / "sample.webm").read_bytes()  # 2.008 s, 24 frames/s, with a 440 Hz tone
PDF = (SAMPLES / "sample.pdf").read_bytes()
VIDEO_SECONDS = 2.008

VIDEO = """<View>
  <Video name="video" value="$video" frameRate="24"/>
  <Choices name="quality" toName="video" showInline="true"><Choice value="Blurry"/><Choice value="Sharp"/></Choices>
  <Rating name="score" toName="video" maxRating="5" hotkey="r"/>
  <TextArea name="notes" toName="video" rows="2"/>
</View>"""

PDF_CONFIG = """<View>
  <Pdf name="pdf" value="$pdf"/>
  <Rating name="rating" toName="pdf" maxRating="10" icon="star"/>
  <Choices name="choices" choice="single-radio" toName="pdf" showInline="true">
    <Choice value="Important article"/><Choice value="Yellow press"/>
  </Choices>
</View>"""

SYNCED = corpus_file("v1/videos/video-timeline-segmentation").read_text()


def result(page):
    return page.evaluate("window.editor.getResult()")


def without_ids(items):
    return [{key: value for key, value in item.items() if key != "id"} for item in items]


def media(page, selector, expression):
    return page.evaluate(f"document.querySelector({json.dumps(selector)}).{expression}")


def import_file(api, config, name, data):
    """The /data/upload URL of the one task a media file becomes in a project with this config."""
    api.post("/api/project/config", json={"label_config": config})
    answer = upload(api, ("file", name, data))
    assert answer.status == 201, answer
    [task] = api.get("/api/tasks").json
    return task, next(iter(task["data"].values()))


def open_video(editor, config=VIDEO, result=(), key="video"):
    page = editor(config, {key: "/assets/samples/sample.webm"}, result)
    page.wait_for_selector(".lsd-video[data-state=ready]")
    return page


# -- Video -------------------------------------------------------------------------------------

def test_video_plays_pauses_steps_frames_seeks_and_changes_speed(editor):
    page = open_video(editor)
    video = ".lsd-video video"
    assert page.inner_text(".lsd-video-time") == "0:00.00 / 0:02.01 · frame 1"
    page.click(".lsd-video-play")
    page.wait_for_function("!document.querySelector('.lsd-video video').paused")
    assert page.inner_text(".lsd-video-play") == "Pause"
    page.keyboard.press("Shift+Space")
    page.wait_for_function("document.querySelector('.lsd-video video').paused")
    page.evaluate("document.querySelector('.lsd-video video').currentTime = 0.5")
    page.keyboard.press("Alt+ArrowRight")
    assert media(page, video, "currentTime") == pytest.approx(13 / 24, abs=1e-6)
    page.wait_for_function("document.querySelector('.lsd-video-time').textContent.endsWith('frame 14')")
    page.click(".lsd-video-frame-back")
    page.click(".lsd-video-frame-back")
    assert media(page, video, "currentTime") == pytest.approx(11 / 24, abs=1e-6)
    box = page.locator(".lsd-video-seek").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 3 / 4, box["y"] + box["height"] / 2)  # seek by mouse
    assert media(page, video, "currentTime") == pytest.approx(VIDEO_SECONDS * 3 / 4, abs=0.08)
    page.select_option(".lsd-video-speed", "2")
    assert media(page, video, "playbackRate") == 2
    assert result(page) == []  # playing is not an answer


def test_video_answers_by_mouse_and_keyboard_have_their_exact_json(editor):
    page = open_video(editor)
    page.click("text=Sharp")
    page.keyboard.press("r")
    page.keyboard.press("r")
    page.click("button[aria-label='4 of 5']")
    page.fill(".lsd-textarea-input textarea", "snow falls")
    page.press(".lsd-textarea-input textarea", "Enter")
    page.click(".lsd-video-time")  # out of the field: keys are the editor's again
    items = result(page)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{10}", item["id"]) for item in items)
    assert without_ids(items) == [
        {"from_name": "quality", "to_name": "video", "type": "choices", "value": {"choices": ["Sharp"]}},
        {"from_name": "score", "to_name": "video", "type": "rating", "value": {"rating": 4}},
        {"from_name": "notes", "to_name": "video", "type": "textarea", "value": {"text": ["snow falls"]}},
    ]
    page.keyboard.press("Control+z")
    assert without_ids(result(page))[-1]["value"] == {"rating": 4}


def test_video_completion_round_trips_byte_for_byte(editor):
    loaded = [
        {"value": {"choices": ["Blurry"]}, "id": "vB3U85jSU4", "from_name": "quality", "to_name": "video", "type": "choices"},
        {"id": "r1", "from_name": "score", "to_name": "video", "type": "rating", "value": {"rating": 3}, "origin": "manual"},
        {"id": "t1", "from_name": "notes", "to_name": "video", "type": "textarea", "value": {"text": ["a", "b"]}},
    ]
    page = open_video(editor, result=loaded)
    page.click(".lsd-video-play")
    page.click(".lsd-video-frame-forward")
    assert json.dumps(result(page)) == json.dumps(loaded)


def test_synced_audio_follows_the_video_and_its_labels_segment_it(editor, api):
    _task, url = import_file(api, SYNCED, "clip.webm", WEBM)
    page = editor(SYNCED, {"video_url": url})
    page.wait_for_selector(".lsd-video[data-state=ready]")
    page.wait_for_selector(".lsd-audio[data-state=ready]")
    assert media(page, ".lsd-video video", "muted") is True  # the audio track plays the sound
    page.click(".lsd-video-play")
    page.wait_for_function("!document.querySelector('.lsd-audio audio').paused")
    page.click(".lsd-video-play")
    page.wait_for_function("document.querySelector('.lsd-audio audio').paused")
    page.evaluate("document.querySelector('.lsd-video video').currentTime = 1.25")
    page.wait_for_function("Math.abs(document.querySelector('.lsd-audio audio').currentTime - 1.25) < 0.01")
    page.click(".lsd-audio-play")  # and the video follows the audio
    page.wait_for_function("!document.querySelector('.lsd-video video').paused")
    page.keyboard.press("Shift+Space")
    page.wait_for_function("document.querySelector('.lsd-video video').paused && document.querySelector('.lsd-audio audio').paused")

    page.keyboard.press("2")  # arms "360 Flip"
    track = page.locator(".lsd-audio-track").bounding_box()
    x0, x1 = round(track["x"] + track["width"] / 4), round(track["x"] + track["width"] / 2)
    page.mouse.move(x0, track["y"] + track["height"] / 2)
    page.mouse.down()
    page.mouse.move(x1, track["y"] + track["height"] / 2, steps=5)
    page.mouse.up()
    [item] = result(page)
    value = item.pop("value")
    assert re.fullmatch(r"[A-Za-z0-9_-]{10}", item.pop("id"))
    assert item == {"from_name": "tricks", "to_name": "audio", "type": "labels", "original_length": VIDEO_SECONDS}
    per_pixel = VIDEO_SECONDS / track["width"]
    assert value["start"] == pytest.approx((x0 - track["x"]) * per_pixel, abs=per_pixel)
    assert value["end"] == pytest.approx((x1 - track["x"]) * per_pixel, abs=per_pixel)
    assert (value["channel"], value["labels"]) == (0, ["360 Flip"])
    # The video is still paused past the segment from before: wait for it to play the segment, then stop.
    page.evaluate("window.videoPlayed = false; document.querySelector('.lsd-video video')"
                  ".addEventListener('play', () => { window.videoPlayed = true; }, { once: true })")
    page.dblclick(".lsd-audio-region")  # playing the segment plays that stretch of the video
    page.wait_for_function("window.videoPlayed && document.querySelector('.lsd-video video').currentTime > 0.55",
                           timeout=5000)
    page.wait_for_function("document.querySelector('.lsd-video video').paused", timeout=5000)
    assert media(page, ".lsd-video video", "currentTime") == pytest.approx(value["end"], abs=0.1)


def test_label_page_submits_an_answer_about_an_uploaded_video_served_in_ranges(page, api):
    task, url = import_file(api, VIDEO, "clip.webm", WEBM)
    assert url.startswith("/data/upload/") and url.endswith(".webm")
    part = api.get(url, headers={"Range": "bytes=0-99"})
    assert (part.status, part.headers["Content-Range"], part.headers["Content-Type"]) == (
        206, f"bytes 0-99/{len(WEBM)}", "video/webm")
    page.goto(f"{page.base_url}/label/{task['id']}")
    page.wait_for_selector(".lsd-video[data-state=ready]")
    page.click("text=Blurry")
    page.keyboard.press("Control+Enter")
    page.wait_for_function(f"fetch('/api/tasks/{task['id']}').then(r => r.json()).then(t => t.completions.length === 1)")
    [completion] = api.get(f"/api/tasks/{task['id']}").json["completions"]
    assert without_ids(completion["result"]) == [
        {"from_name": "quality", "to_name": "video", "type": "choices", "value": {"choices": ["Blurry"]}}]


def test_video_that_cannot_be_loaded_says_so(editor):
    page = editor(VIDEO, {"video": "/data/upload/missing.webm"})
    page.wait_for_selector(".lsd-video[data-state=error]")
    assert "The video could not be loaded" in page.inner_text(".lsd-video-message")
    page.click("text=Blurry")  # answers still work
    assert without_ids(result(page))[0]["value"] == {"choices": ["Blurry"]}


# -- Pdf ---------------------------------------------------------------------------------------

def test_pdf_shows_in_the_label_page_and_takes_answers_by_mouse_and_keyboard(page, api):
    task, url = import_file(api, PDF_CONFIG, "paper.pdf", PDF)
    page.goto(f"{page.base_url}/label/{task['id']}")
    page.wait_for_selector(".lsd-pdf[data-state=ready]")
    frame = page.locator(".lsd-pdf iframe")
    assert frame.get_attribute("src") == page.base_url + url
    # The browser's own viewer shows the document, in a frame of its own origin, not the app's.
    page.wait_for_event("framenavigated", lambda frame: frame.url.startswith("chrome-extension://"), timeout=10000) \
        if not any(frame.url.startswith("chrome-extension://") for frame in page.frames) else None
    page.click("button[aria-label='6 of 10']")
    page.click("text=Yellow press")
    page.keyboard.press("2")  # the first choice's automatic hotkey (the Rating has 1)
    page.keyboard.press("Control+Enter")
    page.wait_for_function(f"fetch('/api/tasks/{task['id']}').then(r => r.json()).then(t => t.completions.length === 1)")
    [completion] = api.get(f"/api/tasks/{task['id']}").json["completions"]
    assert without_ids(completion["result"]) == [
        {"from_name": "rating", "to_name": "pdf", "type": "rating", "value": {"rating": 6}},
        {"from_name": "choices", "to_name": "pdf", "type": "choices", "value": {"choices": ["Important article"]}},
    ]


def test_pdf_completion_round_trips_byte_for_byte(editor):
    loaded = [{"value": {"rating": 6}, "id": "LBtpNELmQx", "from_name": "rating", "to_name": "pdf", "type": "rating"},
              {"value": {"choices": ["Important article"]}, "id": "NsP16im1Jg", "from_name": "choices",
               "to_name": "pdf", "type": "choices"}]
    page = editor(PDF_CONFIG, {"pdf": "/assets/samples/sample.pdf"}, loaded)
    page.wait_for_selector(".lsd-pdf[data-state=ready]")
    assert json.dumps(result(page)) == json.dumps(loaded)


@pytest.mark.parametrize(("url", "reason"), [
    ("https://example.com/paper.pdf", "https://example.com/paper.pdf is not served by lsdesk"),
    ("/data/upload/missing.pdf", "/data/upload/missing.pdf answered 404"),
    ("/assets/samples/sample.txt", "/assets/samples/sample.txt is not a PDF (text/plain"),
])
def test_pdf_that_cannot_be_shown_says_why_and_frames_nothing(editor, url, reason):
    page = editor(PDF_CONFIG, {"pdf": url})
    page.wait_for_selector(".lsd-pdf[data-state=error]")
    assert reason in page.inner_text(".lsd-pdf-message")
    assert page.locator(".lsd-pdf iframe").count() == 0


# -- Several images in one Image (valueList) ---------------------------------------------------

PAGES_CONFIG = """<View>
  <RectangleLabels name="boxes" toName="pages"><Label value="Title"/><Label value="Date"/></RectangleLabels>
  <Image valueList="$pages" name="pages"/>
</View>"""


def png_url(width, height):
    return "data:image/png;base64," + base64.b64encode(png(width, height)).decode()


PAGES = {"pages": [png_url(200, 100), png_url(100, 100), png_url(50, 40)]}


def open_pages(editor, result=()):
    page = editor(PAGES_CONFIG, PAGES, result)
    page.wait_for_selector(".lsd-image[data-state=ready]")
    return page


def image_box(page):
    return page.locator(".lsd-image-overlay").bounding_box()


def drag_box(page, x0, y0, x1, y1):
    """Drag between two points given in percent of the shown image; returns them as the whole pixels hit, in percent."""
    box = image_box(page)
    start = (round(box["x"] + x0 / 100 * box["width"]), round(box["y"] + y0 / 100 * box["height"]))
    end = (round(box["x"] + x1 / 100 * box["width"]), round(box["y"] + y1 / 100 * box["height"]))
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=6)
    page.mouse.up()
    return [((x - box["x"]) / box["width"] * 100, (y - box["y"]) / box["height"] * 100) for x, y in (start, end)]


def box_item(corners, label, index, width, height):
    (x0, y0), (x1, y1) = corners
    close = lambda value: pytest.approx(value, abs=1e-9)  # noqa: E731
    return {"from_name": "boxes", "to_name": "pages", "type": "rectanglelabels",
            "original_width": width, "original_height": height, "image_rotation": 0, "item_index": index,
            "value": {"x": close(x0), "y": close(y0), "width": close(x1 - x0), "height": close(y1 - y0),
                      "rotation": 0, "rectanglelabels": [label]}}


def shown(page):
    return page.evaluate("""() => {
        const image = document.querySelector('.lsd-image');
        return [document.querySelector('.lsd-image-page').textContent, image.dataset.page, image.dataset.regions];
    }""")


def test_value_list_pages_through_images_and_regions_carry_item_index(editor):
    page = open_pages(editor)
    assert shown(page) == ["Image 1 of 3", "0", "0"]
    assert page.is_disabled("[aria-label='Previous image (page up)']")
    page.keyboard.press("1")  # Title
    first = drag_box(page, 10, 20, 40, 60)
    page.click("[aria-label='Next image (page down)']")  # by mouse
    page.wait_for_selector(".lsd-image[data-state=ready][data-page='1']")
    assert shown(page) == ["Image 2 of 3", "1", "0"]  # the first image's box is not drawn here
    page.keyboard.press("2")  # Date
    second = drag_box(page, 50, 50, 90, 80)
    page.keyboard.press("PageDown")  # by keyboard
    page.wait_for_selector(".lsd-image[data-state=ready][data-page='2']")
    assert shown(page) == ["Image 3 of 3", "2", "0"]
    assert page.is_disabled("[aria-label='Next image (page down)']")
    page.keyboard.press("PageUp")
    page.keyboard.press("PageUp")
    page.wait_for_selector(".lsd-image[data-state=ready][data-page='0']")
    assert shown(page) == ["Image 1 of 3", "0", "1"]
    items = result(page)
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{10}", item["id"]) for item in items)
    assert without_ids(items) == [box_item(first, "Title", 0, 200, 100), box_item(second, "Date", 1, 100, 100)]
    assert list(items[1]) == ["id", "from_name", "to_name", "type", "original_width", "original_height",
                              "image_rotation", "item_index", "value"]


def test_value_list_completion_round_trips_and_a_listed_region_turns_to_its_image(editor):
    loaded = [
        {"id": "p0", "from_name": "boxes", "to_name": "pages", "type": "rectanglelabels", "original_width": 200,
         "original_height": 100, "image_rotation": 0, "value": {"x": 5, "y": 5, "width": 10, "height": 10,
                                                                "rotation": 0, "rectanglelabels": ["Title"]}},
        {"value": {"x": 50.5, "y": 10.25, "width": 20, "height": 30, "rotation": 0, "rectanglelabels": ["Date"]},
         "item_index": 2, "id": "p2", "from_name": "boxes", "to_name": "pages", "type": "rectanglelabels",
         "original_width": 50, "original_height": 40, "image_rotation": 0},
    ]
    page = open_pages(editor, loaded)
    assert shown(page) == ["Image 1 of 3", "0", "1"]  # a region without item_index is on the first image
    page.click(".lsd-regions li >> nth=1")  # the Date box, on the third image
    page.wait_for_selector(".lsd-image[data-state=ready][data-page='2']")
    assert shown(page) == ["Image 3 of 3", "2", "1"]
    assert page.locator(".lsd-image-regions [data-region-id=p2]").count() == 1
    page.keyboard.press("Escape")
    assert json.dumps(result(page)) == json.dumps(loaded)


# -- The template gallery on the Setup page ----------------------------------------------------

def test_gallery_is_searched_by_keyboard_shelved_by_category_previewed_and_chosen(page, api):
    templates = gallery()
    page.goto(page.base_url + "/setup")
    page.get_by_text("More templates: Label Studio's gallery, by category").click()
    expect(page.locator(".template-count")).to_have_text(f"87 templates of {len(templates)}")
    page.get_by_label("Search templates").click()
    page.keyboard.type("video")
    wanted = sorted(t["title"] for t in templates
                    if "video" in " ".join([t["title"], t["category"], t["source"], *t["tags"]]).lower())
    expect(page.locator(".template-count")).to_have_text(f"{len(wanted)} templates of 87")
    assert sorted(page.locator(".template-card strong").all_inner_texts()) == wanted
    page.get_by_role("button", name="Video", exact=True).click()  # the Video shelf
    assert page.locator(".template-card strong").all_inner_texts() == ["Video classification", "Video timeline segmentation"]

    page.locator(".template-card", has_text="Video timeline segmentation").click()
    preview = page.locator(".template-preview")
    expect(preview.locator(".lsd-video")).to_have_attribute("data-state", "ready")
    expect(preview.locator(".lsd-audio")).to_have_attribute("data-state", "ready")
    assert preview.locator(".lsd-unsupported").count() == 0
    if os.environ.get("LSDESK_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "setup-template-gallery.png"))

    page.get_by_role("button", name="Use this template").click()
    chosen = next(t for t in templates if t["id"] == "v1/videos/video-timeline-segmentation")
    expect(page.get_by_label("Label config (XML)")).to_have_value(chosen["config"])
    expect(page.locator(".preview .lsd-video")).to_have_attribute("data-state", "ready")
    page.get_by_role("button", name="Save config").click()
    expect(page.locator(".save-state")).to_have_text("Saved")
    assert api.get("/api/project").json["config"]["label_config"] == chosen["config"]


# -- screenshots for the README (LSDESK_SCREENSHOTS=1 pytest tests/e2e -k screenshots) ----------

@pytest.mark.skipif(not os.environ.get("LSDESK_SCREENSHOTS"), reason="set LSDESK_SCREENSHOTS=1 to write docs/screenshots")
def test_screenshots_of_video_pdf_and_image_pages(page, api):
    task, _url = import_file(api, SYNCED, "clip.webm", WEBM)
    api.post(f"/api/tasks/{task['id']}/completions", json={"result": [
        {"id": "k1", "from_name": "tricks", "to_name": "audio", "type": "labels", "original_length": VIDEO_SECONDS,
         "value": {"start": 0.3, "end": 0.9, "channel": 0, "labels": ["Kickflip"]}},
        {"id": "k2", "from_name": "tricks", "to_name": "audio", "type": "labels", "original_length": VIDEO_SECONDS,
         "value": {"start": 1.2, "end": 1.7, "channel": 0, "labels": ["360 Flip"]}}]})
    page.goto(f"{page.base_url}/label/{task['id']}")
    page.wait_for_selector(".lsd-audio[data-state=ready]")
    page.evaluate("document.querySelector('.lsd-video video').currentTime = 0.6")
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / "tag-video.png"))

    api.post("/api/project", json={"desc": "Articles"})
    task, _url = import_file(api, PDF_CONFIG, "paper.pdf", PDF)
    page.goto(f"{page.base_url}/label/{task['id']}")
    page.wait_for_selector(".lsd-pdf[data-state=ready]")
    page.click("button[aria-label='7 of 10']")
    page.wait_for_timeout(1500)  # the viewer draws the page
    page.screenshot(path=str(SCREENSHOTS / "tag-pdf.png"))

    api.post("/api/project", json={"desc": "Scanned contracts"})
    api.post("/api/project/config", json={"label_config": PAGES_CONFIG})
    api.post("/api/project/import", json=[{"pages": ["/assets/samples/sample.png"] * 3}])
    [task] = api.get("/api/tasks").json
    api.post(f"/api/tasks/{task['id']}/completions", json={"result": [
        {"id": "t1", "from_name": "boxes", "to_name": "pages", "type": "rectanglelabels", "original_width": 320,
         "original_height": 240, "image_rotation": 0, "item_index": 1,
         "value": {"x": 20, "y": 30, "width": 50, "height": 25, "rotation": 0, "rectanglelabels": ["Title"]}}]})
    page.goto(f"{page.base_url}/label/{task['id']}")
    page.wait_for_selector(".lsd-image[data-state=ready]")
    page.keyboard.press("PageDown")
    page.wait_for_selector(".lsd-image[data-state=ready][data-page='1']")
    page.screenshot(path=str(SCREENSHOTS / "tag-image-pages.png"))
