"""The next task's picture on screen at once: a cached or prefetched image is drawn with its regions in the
first frame after the editor is made, the regions list builds rows out of sight after that frame and they
work like the others, and quick changes of task or page never show another task's picture."""

import base64
import struct
import zlib

from tests.e2e.test_tags_image import HEIGHT, RECT_CONFIG, SAMPLE, WIDTH, open_image, rect_item

LIST_CONFIG = """<View>
  <Image name="img" valueList="$images"/>
  <RectangleLabels name="tag" toName="img"><Label value="Cat"/></RectangleLabels>
</View>"""


def png_url(width, height):
    """A data: URL of a grey PNG, width x height."""
    raw = b"".join(b"\x00" + b"\x80" * (3 * width) for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()


# Destroy the editor on the page and make one for `data` with `result`; answer what the page holds when the
# editor's elements enter it (so what the next frame paints): the image's state, its regions, the rows of
# the regions list and its heading.
NEXT_EDITOR = """async ([config, data, result]) => {
    const container = document.querySelector('#editor');
    window.editor.destroy();
    const entered = new Promise((resolve) => {
        const watch = new MutationObserver(() => {
            if (!container.querySelector('.lsd-image')) return;
            watch.disconnect();
            resolve({ state: container.querySelector('.lsd-image').dataset.state,
                      regions: container.querySelectorAll('.lsd-image-region').length,
                      viewBox: container.querySelector('.lsd-image-overlay').getAttribute('viewBox'),
                      rows: container.querySelectorAll('.lsd-regions li').length,
                      heading: container.querySelector('.lsd-regions h3').textContent });
        });
        watch.observe(container, { childList: true });
    });
    window.editor = (await import('/assets/editor/editor.js')).createEditor(container, { config, task: { id: 2, data }, result });
    return await entered;
}"""


def boxes(count, prefix="r"):
    return [rect_item(f"{prefix}{n}", n % 50 * 2, n // 50 * 9, 1.5, 8) for n in range(count)]


def test_a_cached_image_is_drawn_with_its_regions_as_the_next_editor_enters_the_page(editor):
    page = open_image(editor, RECT_CONFIG, boxes(3))  # the picture is now in the browser's cache
    shown = page.evaluate(NEXT_EDITOR, [RECT_CONFIG, SAMPLE, boxes(5, "next")])
    assert shown == {"state": "ready", "regions": 5, "viewBox": f"0 0 {WIDTH} {HEIGHT}", "rows": 5, "heading": "Regions (5)"}
    assert page.evaluate("window.editor.getResult()") == boxes(5, "next")


def test_a_prefetched_image_is_drawn_as_its_editor_enters_the_page(editor):
    page = open_image(editor, RECT_CONFIG)
    data = {"image": "/assets/samples/sample.png?prefetched"}  # a URL the browser has not loaded yet
    urls = page.evaluate("""async ([config, data]) =>
        (await import('/assets/editor/editor.js')).prefetchMedia({ id: 2, data }, config)""", [RECT_CONFIG, data])
    assert urls == [data["image"]]
    shown = page.evaluate(NEXT_EDITOR, [RECT_CONFIG, data, boxes(2)])
    assert (shown["state"], shown["regions"]) == ("ready", 2)


def test_rows_built_after_the_first_paint_list_every_region_and_select_hide_and_delete(editor):
    page = open_image(editor, RECT_CONFIG, boxes(3))
    regions = boxes(500)
    first = page.evaluate(NEXT_EDITOR, [RECT_CONFIG, SAMPLE, regions])
    # The first paint shows every region on the image, and the rows in sight (the list scrolls).
    assert (first["regions"], first["heading"]) == (500, "Regions (500)")
    assert 0 < first["rows"] < 500
    page.evaluate("window.editor.ready")
    rows = page.locator(".lsd-regions li")
    assert rows.count() == 500
    assert page.evaluate("[...document.querySelectorAll('.lsd-regions li')].map((row) => row.dataset.regionId)") == [
        f"r{n}" for n in range(500)]

    row = page.locator(".lsd-regions li[data-region-id=r450]")
    row.locator(".lsd-region-name").click()
    assert page.evaluate("window.editor.store.selected") == "r450"
    assert page.locator(".lsd-image-region.selected").get_attribute("data-region-id") == "r450"

    page.locator(".lsd-regions li[data-region-id=r451] .lsd-region-hide").click()
    assert page.locator(".lsd-image-region[data-region-id=r451]").count() == 0
    assert "hidden" in page.locator(".lsd-regions li[data-region-id=r451]").get_attribute("class")

    page.locator(".lsd-regions li[data-region-id=r452] .lsd-region-delete").click()
    assert rows.count() == 499
    assert page.evaluate("window.editor.getResult()") == [item for item in regions if item["id"] != "r452"]


def test_quick_changes_of_task_show_the_last_tasks_picture_and_regions(editor, page):
    open_image(editor, RECT_CONFIG)
    small = png_url(64, 48)
    page.evaluate("""async ([config, first, second]) => {
        const { createEditor } = await import('/assets/editor/editor.js');
        const container = document.querySelector('#editor');
        // Task A's picture is not loaded yet when task B replaces it.
        for (const [id, data, result] of [[2, first, [{ ...second.box, id: 'a' }]], [3, second.data, [{ ...second.box, id: 'b' }]]]) {
            window.editor.destroy();
            window.editor = createEditor(container, { config, task: { id, data }, result });
        }
        await window.editor.ready;
    }""", [RECT_CONFIG, {"image": "/assets/samples/sample.png?slow"},
           {"data": {"image": small}, "box": rect_item("x", 10, 10, 20, 20)}])
    page.wait_for_selector(".lsd-image[data-state=ready]")
    page.wait_for_timeout(300)  # A's picture has loaded by now, in an editor that is gone
    assert page.evaluate("[...document.querySelectorAll('#editor img')].map((img) => [img.src, img.naturalWidth])") == [[small, 64]]
    assert page.get_attribute(".lsd-image-overlay", "viewBox") == "0 0 64 48"
    assert page.evaluate("[...document.querySelectorAll('.lsd-image-region')].map((g) => g.dataset.regionId)") == ["b"]


def test_quick_page_turns_show_the_last_pages_picture(editor):
    images = ["/assets/samples/sample.png", png_url(40, 30), png_url(64, 48)]
    result = [{**rect_item("p2", 10, 10, 20, 20), "item_index": 2}]
    page = open_image(editor, LIST_CONFIG, result, data={"images": images})
    page.keyboard.press("PageDown")
    page.keyboard.press("PageDown")
    page.wait_for_selector(".lsd-image[data-page='2'][data-state=ready]")
    assert page.get_attribute(".lsd-image-overlay", "viewBox") == "0 0 64 48"
    assert page.evaluate("document.querySelector('.lsd-image img').naturalWidth") == 64
    assert page.evaluate("[...document.querySelectorAll('.lsd-image-region')].map((g) => g.dataset.regionId)") == ["p2"]


def test_regions_drawn_at_the_width_last_shown_are_redrawn_when_the_image_is_narrower(editor):
    page = open_image(editor, RECT_CONFIG, boxes(1))
    page.evaluate("document.querySelector('#editor').style.width = '300px'")
    page.evaluate(NEXT_EDITOR, [RECT_CONFIG, SAMPLE, boxes(1)])
    # Captions are 12 screen pixels high: 12 natural pixels times the natural width per shown pixel.
    page.wait_for_function("""() => {
        const shown = document.querySelector('.lsd-image-viewport').getBoundingClientRect().width;
        const size = Number(document.querySelector('.lsd-image-region text').getAttribute('font-size'));
        return Math.abs(size - 12 * 320 / shown) < 1e-6;
    }""", timeout=5000)
