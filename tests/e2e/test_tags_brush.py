"""Brush masks in a real browser: strokes on the image's pixel grid, the exact RLE items they make, the eraser,
undo per stroke, Label Studio's RLE loaded and shown, and exports equal to label-studio-converter's."""

import base64
import json
import os
import struct
import zlib
from pathlib import Path

import pytest

from lsdesk.config import parse_config
from lsdesk.formats.export import FORMATS
from lsdesk.formats.export.brush import decode_rle
from tests.fixtures.export.helpers import png_pixels

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "brush"
SAMPLE = {"image": "/assets/samples/sample.png"}  # 320×240
WIDTH, HEIGHT = 320, 240

CONFIG = """<View>
  <Image name="image" value="$image"/>
  <BrushLabels name="tag" toName="image" opacity="1">
    <Label value="Planet" background="#0000ff"/>
    <Label value="Moonwalker" background="#ff0000"/>
  </BrushLabels>
</View>"""

# -- masks as the editor paints and encodes them, computed here independently ------------------------


def paint(mask, width, height, a, b, size, value=255):
    """Every pixel within size/2 of the segment a-b between pixel centres (the editor's rule, same arithmetic)."""
    (ax, ay), (bx, by) = a, b
    r2 = (size / 2) ** 2
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    for y in range(max(0, min(ay, by) - size), min(height, max(ay, by) + size + 1)):
        for x in range(max(0, min(ax, bx) - size), min(width, max(ax, bx) + size + 1)):
            t = ((x - ax) * dx + (y - ay) * dy) / length2 if length2 else 0
            t = 0 if t < 0 else 1 if t > 1 else t
            ex, ey = x - (ax + t * dx), y - (ay + t * dy)
            if ex * ex + ey * ey <= r2:
                mask[y * width + x] = value


def stroke_mask(strokes, width=WIDTH, height=HEIGHT, mask=None):
    """The mask of strokes [(pixels, size, value)], each a chain of segments from its first pixel."""
    mask = bytearray(width * height) if mask is None else mask
    for pixels, size, value in strokes:
        last = pixels[0]
        for pixel in pixels:
            paint(mask, width, height, last, pixel, size, value)
            last = pixel
    return mask


def encode(mask):
    """label-studio-converter's mask2rle of an alpha mask (R=G=B=A), written out plainly."""
    bits = [f"{len(mask) * 4:032b}", f"{7:05b}", "0010", "0011", "0111", "1111"]
    at = 0
    while at < len(mask):
        end = at
        while end < len(mask) and mask[end] == mask[at]:
            end += 1
        length = (end - at) * 4
        while length > 65536:
            bits.append(f"111{65535:016b}{mask[at]:08b}")
            length -= 65536
        size = next(i for i, bits_ in enumerate((3, 4, 8, 16)) if length <= 2 ** bits_)
        bits.append(f"1{size:02b}{length - 1:0{(3, 4, 8, 16)[size]}b}{mask[at]:08b}")
        at = end
    text = "".join(bits)
    text += "0" * (8 - len(text) % 8)
    return [int(text[i:i + 8], 2) for i in range(0, len(text), 8)]


def bounds_of(case):
    """The smallest rectangle {x0, y0, x1, y1} holding a mask's pixels that are not 0."""
    width = case["width"]
    set_pixels = [i for i, value in enumerate(case["alpha"]) if value]
    if not set_pixels:
        return {"x0": 0, "y0": 0, "x1": 0, "y1": 0}
    xs, ys = [i % width for i in set_pixels], [i // width for i in set_pixels]
    return {"x0": min(xs), "y0": min(ys), "x1": max(xs) + 1, "y1": max(ys) + 1}


def png(width, height):
    """A grey PNG of that size as a data URL."""
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(data).decode()


# -- the page ---------------------------------------------------------------------------------------


def open_image(editor, config=CONFIG, result=(), data=SAMPLE):
    page = editor(config, data, result)
    page.wait_for_selector(".lsd-image[data-state=ready]")
    return page


def screen(page, pixel, width=WIDTH, height=HEIGHT):
    """The screen point over the centre of a natural pixel."""
    box = page.evaluate("""() => {
        const box = document.querySelector(".lsd-image .lsd-image-overlay").getBoundingClientRect();
        return [box.x, box.y, box.width, box.height];
    }""")
    left, top, shown_width, shown_height = box
    return left + (pixel[0] + 0.5) / width * shown_width, top + (pixel[1] + 0.5) / height * shown_height


def stroke(page, pixels, **size):
    page.mouse.move(*screen(page, pixels[0], **size))
    page.mouse.down()
    for pixel in pixels[1:]:
        page.mouse.move(*screen(page, pixel, **size))
    page.mouse.up()


def result(page):
    return page.evaluate("window.editor.getResult()")


def item(id_, rle, labels=("Planet",), width=WIDTH, height=HEIGHT):
    return {"id": id_, "from_name": "tag", "to_name": "image", "type": "brushlabels",
            "original_width": width, "original_height": height, "image_rotation": 0,
            "value": {"format": "rle", "rle": rle, "brushlabels": list(labels)}}


def shown_alpha(page):
    """The alpha channel of the brush canvas, read back from the page."""
    return page.evaluate("""() => {
        const canvas = document.querySelector(".lsd-image-brush");
        return Array.from(canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data
            .filter((_, i) => i % 4 === 3));
    }""")


FIRST = [(40, 50), (60, 55), (90, 70)]
SECOND = [(200, 120), (210, 160)]


# -- tests ------------------------------------------------------------------------------------------


def test_a_stroke_is_one_exact_brushlabels_item_on_the_natural_pixel_grid(editor):
    page = open_image(editor)
    page.keyboard.press("1")
    stroke(page, FIRST)
    [made] = result(page)
    assert made == item(made["id"], encode(stroke_mask([(FIRST, 10, 255)])))
    assert list(made) == ["id", "from_name", "to_name", "type", "original_width", "original_height",
                          "image_rotation", "value"]
    assert list(made["value"]) == ["format", "rle", "brushlabels"]
    # lsdesk's exporter decodes it to the same pixels.
    assert decode_rle(made["value"]["rle"])[3::4] == stroke_mask([(FIRST, 10, 255)])


def test_strokes_of_one_label_grow_its_region_each_one_undo_step(editor):
    page = open_image(editor)
    page.keyboard.press("1")
    stroke(page, FIRST)
    [first] = result(page)
    stroke(page, SECOND)
    [second] = result(page)
    assert second["id"] == first["id"]
    assert second["value"]["rle"] == encode(stroke_mask([(FIRST, 10, 255), (SECOND, 10, 255)]))
    page.keyboard.press("Control+z")
    assert result(page) == [first]
    page.keyboard.press("Control+z")
    assert result(page) == []
    page.keyboard.press("Control+Shift+z")
    page.keyboard.press("Control+Shift+z")
    assert result(page) == [second]
    # The canvas shows what the result holds, in full opacity (#0000ff, opacity 1).
    assert shown_alpha(page) == list(stroke_mask([(FIRST, 10, 255), (SECOND, 10, 255)]))


def test_another_label_is_another_region_and_the_eraser_and_size_keys_change_the_selected_one(editor):
    page = open_image(editor)
    page.keyboard.press("1")
    stroke(page, FIRST)
    page.keyboard.press("2")
    page.keyboard.press("]")  # 10 → 15
    stroke(page, SECOND)
    planet, moon = result(page)
    assert moon["value"]["brushlabels"] == ["Moonwalker"] and moon["id"] != planet["id"]
    assert moon["value"]["rle"] == encode(stroke_mask([(SECOND, 15, 255)]))
    assert page.locator(".lsd-brush-size").text_content() == "Size 15px"
    # Select the Planet mask by clicking it with the select tool, then erase across it.
    page.keyboard.press("v")
    page.mouse.click(*screen(page, FIRST[1]))
    assert page.evaluate("window.editor.store.selected") == planet["id"]
    page.keyboard.press("e")
    page.keyboard.press("[")
    page.keyboard.press("[")  # 15 → 10 → 8
    assert page.locator(".lsd-brush-eraser").get_attribute("aria-pressed") == "true"
    cut = [(60, 30), (60, 80)]
    stroke(page, cut)
    planet_after, moon_after = result(page)
    assert moon_after == moon
    assert planet_after["value"]["rle"] == encode(stroke_mask([(FIRST, 10, 255), (cut, 8, 0)]))
    # Relabel the selected mask with a label button; undo puts the label back.
    page.locator(".lsd-label", has_text="Moonwalker").click()
    assert result(page)[0]["value"]["brushlabels"] == ["Moonwalker"]
    page.keyboard.press("Control+z")
    assert result(page)[0] == planet_after


def test_hidden_masks_are_not_drawn_and_deleted_ones_go_with_their_undo(editor):
    mask = stroke_mask([(FIRST, 10, 255)])
    loaded = item("m1", encode(mask))
    page = open_image(editor, result=[loaded])
    assert shown_alpha(page) == list(mask)
    page.locator(".lsd-region[data-region-id=m1] .lsd-region-hide").click()
    assert set(shown_alpha(page)) == {0}
    page.locator(".lsd-region[data-region-id=m1] .lsd-region-hide").click()
    page.locator(".lsd-region[data-region-id=m1] .lsd-region-delete").click()
    assert result(page) == [] and set(shown_alpha(page)) == {0}
    page.keyboard.press("Control+z")
    assert result(page) == [loaded] and shown_alpha(page) == list(mask)


def test_label_studio_rle_loads_and_shows_the_same_pixels(editor):
    masks = {case["name"]: case for case in json.loads((FIXTURES / "masks.json").read_text())}
    for name in ("ring", "speckle", "block"):
        case = masks[name]
        width, height = case["width"], case["height"]
        loaded = item("ls", case["rle"], width=width, height=height)
        page = open_image(editor, result=[loaded], data={"image": png(width, height)})
        assert shown_alpha(page) == case["alpha"], name
        assert json.dumps(result(page), separators=(",", ":")) == json.dumps([loaded], separators=(",", ":"))


def test_the_editors_rle_codec_is_the_converters(editor):
    page = editor(CONFIG, SAMPLE)
    cases = json.loads((FIXTURES / "masks.json").read_text())
    checked = page.evaluate("""async (cases) => {
        const { encodeMask, decodeAlpha, decodeMask } = await import("/assets/editor/rle.js");
        const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
        return cases.map((c) => {
            const { alpha, bounds } = decodeMask(c.rle, c.width, c.height);
            return [c.name, same(encodeMask(Uint8Array.from(c.alpha)), c.rle),
                same(Array.from(decodeAlpha(c.rle, c.width, c.height)), c.alpha),
                same(encodeMask(alpha, c.width, bounds), c.rle), bounds];
        });
    }""", cases)
    assert checked == [[case["name"], True, True, True, bounds_of(case)] for case in cases]
    # Label Studio's frontend (@thi.ng/rle-pack's encoder) also writes literal chunks of several values,
    # here a red pixel of alpha 200 then a clear one: one literal chunk of four values, one repeat of four.
    bits = f"{8:032b}{7:05b}0010001101111111" + "0" + "00" + "011" + "".join(f"{v:08b}" for v in (255, 0, 0, 200))
    bits += "1" + "00" + "011" + f"{0:08b}"
    bits += "0" * (-len(bits) % 8)
    literal = [int(bits[i:i + 8], 2) for i in range(0, len(bits), 8)]
    decoded = page.evaluate("""async (rle) => {
        const { decodeAlpha } = await import("/assets/editor/rle.js");
        return Array.from(decodeAlpha(rle, 2, 1));
    }""", literal)
    assert decoded == [200, 0] == list(decode_rle(literal)[3::4])


def test_a_stroke_on_a_zoomed_image_lands_on_the_same_natural_pixels(editor):
    page = open_image(editor)
    page.locator(".lsd-image-zoom", has_text="+").click()
    page.locator(".lsd-image-zoom", has_text="+").click()
    page.keyboard.press("1")
    pixels = [(150, 110), (170, 125)]
    stroke(page, pixels)
    [made] = result(page)
    assert made["value"]["rle"] == encode(stroke_mask([(pixels, 10, 255)]))


# The strokes of the completion in tests/fixtures/brush/drawn (recorded from this page once).
# Keys pressed before each stroke: a label (pressed again it would be disarmed), the size, the eraser.
DRAWN = [(["1"], FIRST), ([], SECOND), (["2", "]"], [(250, 30), (300, 40), (310, 100)]),
         (["e", "[", "["], [(255, 20), (255, 60)])]


def draw_fixture_strokes(page):
    for keys, pixels in DRAWN:
        for key in keys:
            page.keyboard.press(key)
        stroke(page, pixels)
    return result(page)


def test_a_drawn_mask_exports_as_the_converter_exports_it(editor):
    page = open_image(editor)
    drawn = draw_fixture_strokes(page)
    tasks = json.loads((FIXTURES / "drawn" / "tasks.json").read_text())
    recorded = tasks[0]["completions"][0]["result"]
    assert [{**it, "id": None} for it in drawn] == [{**it, "id": None} for it in recorded]
    erased = (DRAWN[3][1], 8, 0)  # with no mask selected, the eraser clears every shown one
    assert [it["value"]["rle"] for it in drawn] == [
        encode(stroke_mask([(FIRST, 10, 255), (SECOND, 10, 255), erased])),
        encode(stroke_mask([(DRAWN[2][1], 15, 255), erased]))]
    tasks[0]["completions"][0]["result"] = drawn
    config = parse_config((FIXTURES / "drawn" / "config.xml").read_text())
    for fmt in ("BRUSH_TO_NUMPY", "BRUSH_TO_PNG"):
        ours = {path: b"".join(chunks) for path, chunks in FORMATS[fmt].files(iter(tasks), config, None)}
        expected = FIXTURES / "drawn" / "expected" / fmt
        theirs = {path.name: path.read_bytes() for path in expected.iterdir()}
        assert sorted(ours) == sorted(theirs), fmt
        for name, data in theirs.items():
            if fmt == "BRUSH_TO_NUMPY":
                assert ours[name] == data, name
            else:
                assert png_pixels(ours[name]) == png_pixels(data), name


def test_the_corpus_brush_config_paints_its_sample_task_in_its_label_colour(editor):
    from lsdesk.formats.examples import example_task
    from tests.corpus import corpus_file

    xml = corpus_file("v08/image_brushes").read_text()
    page = open_image(editor, xml, data=example_task(parse_config(xml)))
    assert page.locator(".lsd-unsupported").count() == 0
    width, height = page.evaluate("[document.querySelector('.lsd-image img').naturalWidth,"
                                  " document.querySelector('.lsd-image img').naturalHeight]")
    page.keyboard.press("1")
    pixels = [(width // 4, height // 4), (width // 2, height // 3)]
    stroke(page, pixels, width=width, height=height)
    [made] = result(page)
    mask = stroke_mask([(pixels, 10, 255)], width, height)
    assert made == {**item(made["id"], encode(mask), width=width, height=height), "from_name": "tag"}
    # Label "Planet" is rgba(0, 0, 255, 0.7), drawn at BrushLabels' default opacity 0.6.
    assert set(shown_alpha(page)) == {0, round(255 * 0.7 * 0.6)}


@pytest.mark.skipif(not os.environ.get("LSDESK_SCREENSHOTS"), reason="set LSDESK_SCREENSHOTS=1 to write docs/screenshots")
def test_screenshot(editor):
    page = open_image(editor, CONFIG.replace('opacity="1"', 'opacity="0.5"'))
    page.set_viewport_size({"width": 900, "height": 720})
    page.keyboard.press("]")
    page.keyboard.press("]")
    page.keyboard.press("1")
    stroke(page, [(60, 60), (90, 80), (130, 90), (150, 120), (140, 150)])
    page.keyboard.press("2")
    stroke(page, [(220, 60), (260, 70), (280, 110)])
    page.mouse.move(*screen(page, (200, 170)))
    path = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "brush.png"
    page.locator("#editor").screenshot(path=str(path))
    assert path.stat().st_size < 200_000


def test_a_cancelled_stroke_leaves_the_result_and_the_canvas_as_they_were(editor):
    mask = stroke_mask([(FIRST, 10, 255)])
    loaded = item("m1", encode(mask))
    page = open_image(editor, result=[loaded])
    page.keyboard.press("1")
    page.mouse.move(*screen(page, (30, 100)))
    page.mouse.down()
    page.mouse.move(*screen(page, (120, 60)))  # across the loaded mask, grown in place
    page.mouse.move(*screen(page, (150, 150)))
    page.evaluate("document.querySelector('.lsd-image-viewport').dispatchEvent(new PointerEvent('pointercancel'))")
    page.mouse.up()
    assert result(page) == [loaded]
    assert shown_alpha(page) == list(mask)
    page.keyboard.press("2")  # a new mask this time
    page.mouse.move(*screen(page, (200, 100)))
    page.mouse.down()
    page.mouse.move(*screen(page, (250, 200)))
    page.evaluate("document.querySelector('.lsd-image-viewport').dispatchEvent(new PointerEvent('pointercancel'))")
    page.mouse.up()
    assert result(page) == [loaded]
    assert shown_alpha(page) == list(mask)


def test_brush_results_round_trip_byte_for_byte_after_select_hide_and_show(editor):
    config = """<View><Image name="image" value="$image"/>
      <BrushLabels name="tag" toName="image"><Label value="Planet"/><Label value="Moonwalker"/></BrushLabels>
      <Brush name="bare" toName="image"/>
      <Labels name="lab" toName="image"><Label value="Sky"/></Labels></View>"""
    one = encode(stroke_mask([(FIRST, 10, 255)]))
    two = encode(stroke_mask([(SECOND, 20, 255)]))
    three = encode(stroke_mask([([(280, 200)], 30, 128)]))
    items = [
        item("b1", one) | {"score": 0.5, "origin": "prediction"},
        {"value": {"rle": two, "format": "rle", "brushlabels": ["Moonwalker", "Zebra"]}, "id": "b2", "to_name": "image",
         "from_name": "tag", "type": "brushlabels", "original_width": WIDTH, "original_height": HEIGHT},
        {"id": "b3", "from_name": "bare", "to_name": "image", "type": "brush", "original_width": WIDTH,
         "original_height": HEIGHT, "image_rotation": 0, "value": {"format": "rle", "rle": three}},
        {"id": "b3", "from_name": "lab", "to_name": "image", "type": "labels", "original_width": WIDTH,
         "original_height": HEIGHT, "image_rotation": 0, "value": {"format": "rle", "rle": three, "labels": ["Sky"]}},
        item("b4", one, labels=("Planet",)) | {"readonly": True, "hidden": True},
    ]
    exact = json.dumps(items, separators=(",", ":"))
    page = open_image(editor, config, items)
    assert page.evaluate("JSON.stringify(window.editor.getResult())") == exact
    assert page.locator(".lsd-image-region").count() == 3  # b4 is hidden
    page.keyboard.press("v")
    for pixel, region in ((FIRST[1], "b1"), (SECOND[0], "b2"), ((280, 200), "b3")):
        page.mouse.click(*screen(page, pixel))
        assert page.evaluate("window.editor.store.selected") == region
    page.keyboard.press("Escape")
    page.locator(".lsd-region[data-region-id=b4] .lsd-region-hide").click()
    page.locator(".lsd-region[data-region-id=b1] .lsd-region-hide").click()
    page.locator(".lsd-region[data-region-id=b1] .lsd-region-hide").click()
    assert page.evaluate("JSON.stringify(window.editor.getResult())") == exact


def test_the_bare_brush_with_labels_paints_one_mask_in_a_brush_and_a_labels_item(editor):
    config = """<View><Image name="image" value="$image"/><Brush name="bare" toName="image" opacity="1"/>
      <Labels name="lab" toName="image"><Label value="Sky" background="#00ff00"/></Labels></View>"""
    page = open_image(editor, config)
    page.keyboard.press("1")  # arms Sky, which picks the brush tool
    stroke(page, FIRST)
    stroke(page, SECOND)
    brush_item, labels_item = result(page)
    rle = encode(stroke_mask([(FIRST, 10, 255), (SECOND, 10, 255)]))
    facts = {"original_width": WIDTH, "original_height": HEIGHT, "image_rotation": 0}
    assert brush_item == {"id": brush_item["id"], "from_name": "bare", "to_name": "image", "type": "brush", **facts,
                          "value": {"format": "rle", "rle": rle}}
    assert labels_item == {"id": brush_item["id"], "from_name": "lab", "to_name": "image", "type": "labels", **facts,
                           "value": {"format": "rle", "rle": rle, "labels": ["Sky"]}}
    page.keyboard.press("Control+z")
    assert [it["value"]["rle"] for it in result(page)] == [encode(stroke_mask([(FIRST, 10, 255)]))] * 2
