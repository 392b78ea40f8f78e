"""Image tags in a real browser: drawing, editing, zoom, relations, and the exact result items they make."""

import math
import time

import pytest

SAMPLE = {"image": "/assets/samples/sample.png"}  # 320×240
WIDTH, HEIGHT = 320, 240

RECT_CONFIG = """<View>
  <Image name="img" value="$image" zoom="true"/>
  <RectangleLabels name="tag" toName="img">
    <Label value="Cat" background="red"/>
    <Label value="Dog" background="blue"/>
  </RectangleLabels>
</View>"""


def open_image(editor, config, result=(), data=SAMPLE):
    page = editor(config, data, result)
    page.wait_for_selector(".lsd-image[data-state=ready]")
    return page


def image_box(page, name="img"):
    """The displayed image box on screen (x, y, width, height)."""
    box = page.evaluate("""(name) => {
        const box = document.querySelector(`.lsd-image[data-name="${name}"] .lsd-image-overlay`).getBoundingClientRect();
        return [box.x, box.y, box.width, box.height];
    }""", name)
    return tuple(box)


def screen(page, x_percent, y_percent):
    """The screen point of an image point given in percent, rounded to whole pixels."""
    left, top, width, height = image_box(page)
    return round(left + x_percent / 100 * width), round(top + y_percent / 100 * height)


def percent(page, x, y):
    """The image point in percent under a screen point."""
    left, top, width, height = image_box(page)
    return (x - left) / width * 100, (y - top) / height * 100


def drag(page, start, end, steps=6):
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=steps)
    page.mouse.up()


def click(page, point):
    page.mouse.move(*point)
    page.mouse.down()
    page.mouse.up()


def result(page):
    return page.evaluate("window.editor.getResult()")


def approx(value):
    return pytest.approx(value, rel=1e-9, abs=1e-9)


def rect_item(id_, x, y, width, height, rotation=0, labels=("Cat",), **extra):
    return {"id": id_, "from_name": "tag", "to_name": "img", "type": "rectanglelabels",
            "original_width": WIDTH, "original_height": HEIGHT, "image_rotation": 0,
            "value": {"x": x, "y": y, "width": width, "height": height, "rotation": rotation,
                      "rectanglelabels": list(labels)}, **extra}


def assert_rect(item, x, y, width, height, rotation=0):
    value = item["value"]
    assert (value["x"], value["y"], value["width"], value["height"], value["rotation"]) == (
        approx(x), approx(y), approx(width), approx(height), approx(rotation))


def test_rectangle_drawn_after_label_hotkey_is_one_exact_item(editor):
    page = open_image(editor, RECT_CONFIG)
    start, end = (screen(page, 10, 20)), (screen(page, 45, 70))
    page.keyboard.press("1")
    drag(page, start, end)
    items = result(page)
    assert len(items) == 1
    item = items[0]
    assert isinstance(item["id"], str) and len(item["id"]) == 10
    x0, y0 = percent(page, *start)
    x1, y1 = percent(page, *end)
    assert item == {"id": item["id"], "from_name": "tag", "to_name": "img", "type": "rectanglelabels",
                    "original_width": 320, "original_height": 240, "image_rotation": 0,
                    "value": {"x": approx(x0), "y": approx(y0), "width": approx(x1 - x0), "height": approx(y1 - y0),
                              "rotation": 0, "rectanglelabels": ["Cat"]}}
    assert list(item) == ["id", "from_name", "to_name", "type", "original_width", "original_height",
                          "image_rotation", "value"]


def test_rectangle_drawn_backwards_after_label_click(editor):
    page = open_image(editor, RECT_CONFIG)
    page.get_by_role("button", name="Dog").click()
    start, end = screen(page, 80, 90), screen(page, 50, 30)
    drag(page, start, end)
    [item] = result(page)
    x1, y1 = percent(page, *start)
    x0, y0 = percent(page, *end)
    assert item["value"]["rectanglelabels"] == ["Dog"]
    assert_rect(item, x0, y0, x1 - x0, y1 - y0)
    # The label stays armed: a second box gets it too, with its own id.
    drag(page, screen(page, 5, 5), screen(page, 15, 15))
    items = result(page)
    assert [i["value"]["rectanglelabels"] for i in items] == [["Dog"], ["Dog"]]
    assert items[0]["id"] != items[1]["id"]


def test_clicks_and_flat_drags_make_nothing_and_drags_beyond_the_image_stop_at_its_edges(editor):
    page = open_image(editor, RECT_CONFIG)
    page.keyboard.press("1")
    click(page, screen(page, 50, 50))
    drag(page, screen(page, 20, 20), screen(page, 60, 20))  # no height
    assert result(page) == []
    page.keyboard.press("2")
    left, top, width, height = image_box(page)
    start = screen(page, 60, 50)
    drag(page, start, (round(left + width + 40), round(top + height + 40)))
    [item] = result(page)
    x0, y0 = percent(page, *start)
    assert_rect(item, x0, y0, 100 - x0, 100 - y0)


def test_move_resize_and_rotate_change_exactly_their_values(editor):
    loaded = rect_item("r1", 10, 20, 25, 50)
    page = open_image(editor, RECT_CONFIG, [loaded])
    left, top, width, height = image_box(page)
    inside = screen(page, 20, 40)
    click(page, inside)
    assert page.evaluate("window.editor.store.selected") == "r1"
    assert result(page) == [loaded]  # selecting changes nothing

    drag(page, inside, (inside[0] + 30, inside[1] + 15))
    [item] = result(page)
    assert_rect(item, 10 + 30 / width * 100, 20 + 15 / height * 100, 25, 50)
    assert item["value"]["width"] == 25 and item["value"]["height"] == 50
    x, y = item["value"]["x"], item["value"]["y"]

    corner = screen(page, x + 25, y + 50)
    grip = percent(page, *corner)
    drag(page, corner, (corner[0] + 15, corner[1] + 30))
    [item] = result(page)
    assert item["value"]["x"] == x and item["value"]["y"] == y
    assert_rect(item, x, y, grip[0] + 15 / width * 100 - x, grip[1] + 30 / height * 100 - y)

    # The west edge: x moves, the east edge stays.
    right = item["value"]["x"] + item["value"]["width"]
    edge = screen(page, x, y + item["value"]["height"] / 2)
    grip = percent(page, *edge)
    drag(page, edge, (edge[0] - 20, edge[1] + 7))
    [item] = result(page)
    assert item["value"]["x"] == approx(grip[0] - 20 / width * 100)
    assert item["value"]["x"] + item["value"]["width"] == approx(right)
    assert item["value"]["y"] == y

    # Rotation: about the top-left corner, by the angle the handle turned.
    before = dict(item["value"])
    knob = page.locator(".lsd-handle-rotate").bounding_box()
    grip = (round(knob["x"] + knob["width"] / 2), round(knob["y"] + knob["height"] / 2))
    pivot = (left + before["x"] / 100 * width, top + before["y"] / 100 * height)
    target = (round(pivot[0] + 60), round(pivot[1] + 10))
    drag(page, grip, target)
    [item] = result(page)
    turned = math.degrees(math.atan2(target[1] - pivot[1], target[0] - pivot[0])
                          - math.atan2(grip[1] - pivot[1], grip[0] - pivot[0])) % 360
    assert item["value"]["rotation"] == pytest.approx(turned, abs=1e-6)
    assert 0 <= item["value"]["rotation"] < 360
    assert {k: v for k, v in item["value"].items() if k != "rotation"} == {k: v for k, v in before.items() if k != "rotation"}


def test_resizing_a_rotated_rectangle_keeps_the_opposite_edge(editor):
    loaded = rect_item("r1", 50, 10, 20, 30, rotation=90)
    page = open_image(editor, RECT_CONFIG, [loaded])
    left, top, width, height = image_box(page)
    # Rotated 90° clockwise about its top-left corner, the box lies to the left of that corner.
    corner = (left + 50 / 100 * width, top + 10 / 100 * height)
    w_px, h_px = 20 / 100 * width, 30 / 100 * height
    inside = (round(corner[0] - h_px / 2), round(corner[1] + w_px / 2))
    click(page, inside)
    assert page.evaluate("window.editor.store.selected") == "r1"
    # The east handle sits at local (w, h/2), i.e. below the corner on screen.
    east = (round(corner[0] - h_px / 2), round(corner[1] + w_px))
    drag(page, east, (east[0], east[1] + 24))
    [item] = result(page)
    assert item["value"]["x"] == 50 and item["value"]["y"] == 10 and item["value"]["rotation"] == 90
    assert item["value"]["height"] == 30
    grip_local = east[1] - corner[1]
    assert item["value"]["width"] == pytest.approx((grip_local + 24) / width * 100, abs=1e-9)


def test_undo_redo_and_backspace(editor):
    page = open_image(editor, RECT_CONFIG)
    page.keyboard.press("1")
    drag(page, screen(page, 10, 10), screen(page, 30, 30))
    drawn = result(page)
    assert len(drawn) == 1
    page.keyboard.press("Control+z")
    assert result(page) == []
    page.keyboard.press("Control+Shift+z")
    assert result(page) == drawn

    # Disarm the label, select the box by clicking it, delete it with backspace.
    page.keyboard.press("1")
    click(page, screen(page, 20, 20))
    assert page.evaluate("window.editor.store.selected") == drawn[0]["id"]
    page.keyboard.press("Backspace")
    assert result(page) == []
    page.keyboard.press("Control+z")
    assert result(page) == drawn


def test_select_unselect_relabel_and_hide(editor):
    page = open_image(editor, RECT_CONFIG, [rect_item("r1", 10, 10, 20, 20), rect_item("r2", 50, 50, 20, 20)])
    click(page, screen(page, 15, 15))
    assert page.evaluate("window.editor.store.selected") == "r1"
    assert page.locator(".lsd-image-region.selected").count() == 1
    click(page, screen(page, 80, 80))
    assert page.evaluate("window.editor.store.selected") is None
    click(page, screen(page, 15, 15))
    page.keyboard.press("Escape")
    assert page.evaluate("window.editor.store.selected") is None
    assert page.locator(".lsd-image-region.selected").count() == 0

    # A label hotkey relabels the selected region.
    click(page, screen(page, 15, 15))
    page.keyboard.press("2")
    assert result(page)[0]["value"]["rectanglelabels"] == ["Dog"]
    assert page.locator(".lsd-image-region[data-region-id=r1] rect").get_attribute("stroke") == "blue"

    # Hidden regions are not drawn.
    assert page.locator(".lsd-image-region").count() == 2
    page.evaluate("window.editor.store.toggleHidden('r1')")
    assert page.locator(".lsd-image-region").count() == 1
    assert page.locator(".lsd-image-region").get_attribute("data-region-id") == "r2"


def test_zoom_with_ctrl_wheel_then_draw_keeps_geometry_right(editor):
    page = open_image(editor, RECT_CONFIG)
    left, top, width, height = image_box(page)
    page.mouse.move(left + width * 0.25, top + height * 0.25)
    page.keyboard.down("Control")
    for _ in range(5):
        page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    page.wait_for_function("Number(document.querySelector('.lsd-image').dataset.zoom) > 1.5")
    zoomed = image_box(page)
    assert zoomed[2] == pytest.approx(width * 1.1 ** 5, rel=1e-3)
    # The point under the cursor stays put.
    assert (left + width * 0.25 - zoomed[0]) / zoomed[2] == pytest.approx(0.25, abs=1e-3)
    page.keyboard.press("1")
    start, end = screen(page, 20, 20), screen(page, 30, 35)
    drag(page, start, end)
    [item] = result(page)
    x0, y0 = percent(page, *start)
    x1, y1 = percent(page, *end)
    assert_rect(item, x0, y0, x1 - x0, y1 - y0)

    # Panning with the hand tool moves the picture, not the regions' values.
    page.keyboard.press("h")
    before = image_box(page)
    drag(page, (left + width / 2, top + height / 2), (left + width / 2 - 50, top + height / 2 - 30))
    after = image_box(page)
    assert (after[0], after[1]) == (pytest.approx(before[0] - 50, abs=0.5), pytest.approx(before[1] - 30, abs=0.5))
    assert result(page) == [item]


POLYGON_CONFIG = """<View>
  <Image name="img" value="$image"/>
  <PolygonLabels name="poly" toName="img"><Label value="Road"/><Label value="Tree"/></PolygonLabels>
</View>"""


def test_polygon_closed_on_its_first_point_and_by_enter(editor):
    page = open_image(editor, POLYGON_CONFIG)
    page.keyboard.press("1")
    corners = [screen(page, 10, 10), screen(page, 40, 12), screen(page, 30, 40)]
    for corner in corners:
        click(page, corner)
    click(page, (corners[0][0] + 2, corners[0][1] - 1))  # near the first point closes
    [item] = result(page)
    assert item == {"id": item["id"], "from_name": "poly", "to_name": "img", "type": "polygonlabels",
                    "original_width": 320, "original_height": 240, "image_rotation": 0,
                    "value": {"points": [[approx(x), approx(y)] for x, y in (percent(page, *c) for c in corners)],
                              "polygonlabels": ["Road"]}}

    # Four points closed with enter; two points and enter save nothing.
    page.keyboard.press("2")
    square = [screen(page, 60, 60), screen(page, 90, 60), screen(page, 90, 90), screen(page, 60, 90)]
    for corner in square:
        click(page, corner)
    page.keyboard.press("Enter")
    items = result(page)
    assert len(items) == 2 and items[1]["value"]["polygonlabels"] == ["Tree"]
    assert items[1]["value"]["points"] == [[approx(x), approx(y)] for x, y in (percent(page, *c) for c in square)]
    click(page, screen(page, 5, 80))
    click(page, screen(page, 15, 80))
    page.keyboard.press("Enter")
    assert len(result(page)) == 2


def test_polygon_point_dragged_and_escape_drops_a_drawing(editor):
    loaded = {"id": "p1", "from_name": "poly", "to_name": "img", "type": "polygonlabels",
              "original_width": 320, "original_height": 240, "image_rotation": 0,
              "value": {"points": [[10, 10], [50, 10], [30, 50]], "polygonlabels": ["Road"]}}
    page = open_image(editor, POLYGON_CONFIG, [loaded])
    click(page, screen(page, 30, 20))
    assert page.evaluate("window.editor.store.selected") == "p1"
    vertex = screen(page, 50, 10)
    grip = percent(page, *vertex)
    drag(page, vertex, (vertex[0] + 20, vertex[1] + 40))
    [item] = result(page)
    _, _, width, height = image_box(page)
    assert item["value"]["points"] == [[10, 10], [approx(grip[0] + 20 / width * 100), approx(grip[1] + 40 / height * 100)],
                                       [30, 50]]
    page.keyboard.press("Escape")
    page.keyboard.press("1")
    click(page, screen(page, 70, 70))
    click(page, screen(page, 80, 70))
    click(page, screen(page, 80, 80))
    page.keyboard.press("Escape")
    click(page, screen(page, 70, 70))  # starts a new polygon, does not close the dropped one
    assert len(result(page)) == 1


KEYPOINT_CONFIG = """<View>
  <Image name="img" value="$image"/>
  <KeyPointLabels name="kp" toName="img"><Label value="Nose"/></KeyPointLabels>
  <KeyPointLabels name="big" toName="img" strokeWidth="6"><Label value="Eye" hotkey="e"/></KeyPointLabels>
</View>"""


def test_keypoints_get_their_size_in_percent_of_the_shown_width(editor):
    page = open_image(editor, KEYPOINT_CONFIG)
    _, _, width, _ = image_box(page)
    page.keyboard.press("1")
    spot = screen(page, 25, 75)
    click(page, spot)
    [item] = result(page)
    x, y = percent(page, *spot)
    assert item == {"id": item["id"], "from_name": "kp", "to_name": "img", "type": "keypointlabels",
                    "original_width": 320, "original_height": 240, "image_rotation": 0,
                    "value": {"x": approx(x), "y": approx(y), "width": approx(2 / width * 100), "keypointlabels": ["Nose"]}}
    page.keyboard.press("1")  # disarm Nose
    page.keyboard.press("e")
    click(page, screen(page, 60, 40))
    items = result(page)
    assert items[1]["from_name"] == "big" and items[1]["value"]["width"] == approx(6 / width * 100)
    # A point is moved by dragging it.
    page.keyboard.press("e")
    click(page, spot)
    assert page.evaluate("window.editor.store.selected") == item["id"]
    drag(page, spot, (spot[0] + 10, spot[1] - 10))
    moved = result(page)[0]["value"]
    assert (moved["x"], moved["y"]) == (approx(x + 10 / width * 100), approx(y - 10 / image_box(page)[3] * 100))


def test_rectangle_tool_with_labels_makes_two_items_with_one_id(editor):
    config = """<View>
      <Image name="img" value="$image"/>
      <Labels name="lbl" toName="img"><Label value="Text"/><Label value="Handwriting"/></Labels>
      <Rectangle name="box" toName="img"/>
      <Polygon name="shape" toName="img"/>
    </View>"""
    page = open_image(editor, config)
    page.keyboard.press("2")
    start, end = screen(page, 10, 10), screen(page, 30, 40)
    drag(page, start, end)
    x0, y0 = percent(page, *start)
    x1, y1 = percent(page, *end)
    box, labels = result(page)
    geometry = {"x": approx(x0), "y": approx(y0), "width": approx(x1 - x0), "height": approx(y1 - y0), "rotation": 0}
    facts = {"original_width": 320, "original_height": 240, "image_rotation": 0}
    assert box == {"id": box["id"], "from_name": "box", "to_name": "img", "type": "rectangle", **facts, "value": geometry}
    assert labels == {"id": box["id"], "from_name": "lbl", "to_name": "img", "type": "labels", **facts,
                      "value": {**geometry, "labels": ["Handwriting"]}}
    # Moving the region moves both items.
    page.keyboard.press("2")
    click(page, screen(page, 20, 20))
    drag(page, screen(page, 20, 20), screen(page, 25, 20))
    box, labels = result(page)
    assert box["value"]["x"] == labels["value"]["x"] != x0
    # The polygon tool with no label armed draws a bare polygon.
    page.keyboard.press("Escape")
    page.keyboard.press("p")
    for point in (screen(page, 60, 60), screen(page, 90, 60), screen(page, 75, 90)):
        click(page, point)
    page.keyboard.press("Enter")
    polygon = result(page)[2]
    assert polygon["type"] == "polygon" and set(polygon["value"]) == {"points"}


RELATIONS_CONFIG = """<View>
  <Image name="img" value="$image"/>
  <RectangleLabels name="tag" toName="img"><Label value="Cat"/><Label value="Dog"/></RectangleLabels>
  <Relations><Relation value="chases"/><Relation value="ignores"/></Relations>
</View>"""


def test_relation_made_with_alt_r_then_direction_and_label_changed(editor):
    regions = [rect_item("a", 10, 10, 20, 20), rect_item("b", 60, 60, 20, 20, labels=("Dog",))]
    page = open_image(editor, RELATIONS_CONFIG, regions)
    click(page, screen(page, 20, 20))
    page.keyboard.press("Alt+r")
    click(page, screen(page, 70, 70))
    assert result(page) == [*regions, {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": []}]
    arrow = page.locator(".lsd-image-arrow")
    assert arrow.count() == 1 and arrow.get_attribute("data-direction") == "right"
    assert arrow.locator("polygon").count() == 1

    direction = page.locator(".lsd-relation-direction")
    direction.click()
    assert result(page)[2]["direction"] == "left"
    direction.click()
    assert result(page)[2]["direction"] == "bi"
    assert page.locator(".lsd-image-arrow polygon").count() == 2
    direction.click()
    assert result(page)[2]["direction"] == "right"
    page.locator(".lsd-relation-label", has_text="ignores").click()
    assert result(page)[2]["labels"] == ["ignores"]
    page.locator(".lsd-relation-label", has_text="chases").click()
    assert result(page)[2]["labels"] == ["chases"]
    assert page.locator(".lsd-image-arrow text").text_content() == "chases"

    page.keyboard.press("Control+z")
    assert result(page)[2]["labels"] == ["ignores"]
    page.locator(".lsd-relation-delete").click()
    assert result(page) == regions
    # Deleting a region deletes its relations.
    click(page, screen(page, 20, 20))
    page.keyboard.press("Alt+r")
    click(page, screen(page, 70, 70))
    assert len(result(page)) == 3
    page.keyboard.press("Backspace")  # b is selected now
    assert result(page) == regions[:1]


def test_relations_without_a_relations_tag_are_drawn_and_listed(editor):
    regions = [rect_item("a", 10, 10, 20, 20), rect_item("b", 60, 60, 20, 20)]
    relation = {"from_id": "a", "to_id": "b", "type": "relation", "direction": "bi", "labels": ["x"]}
    page = open_image(editor, RECT_CONFIG, [*regions, relation])
    assert page.locator(".lsd-image-arrow").get_attribute("data-direction") == "bi"
    assert page.locator(".lsd-relations").is_visible()
    page.keyboard.press("Escape")
    assert result(page) == [*regions, relation]
    page.locator(".lsd-relation-delete").click()
    assert result(page) == regions
    assert not page.locator(".lsd-relations").is_visible()


def test_ellipse_drawn_from_its_centre(editor):
    config = """<View><Image name="img" value="$image"/>
      <EllipseLabels name="ell" toName="img"><Label value="Sun"/></EllipseLabels></View>"""
    page = open_image(editor, config)
    page.keyboard.press("1")
    centre, rim = screen(page, 50, 50), screen(page, 60, 70)
    drag(page, centre, rim)
    [item] = result(page)
    cx, cy = percent(page, *centre)
    rx, ry = percent(page, *rim)
    assert item["type"] == "ellipselabels"
    assert item["value"] == {"x": approx(cx), "y": approx(cy), "radiusX": approx(rx - cx), "radiusY": approx(ry - cy),
                             "rotation": 0, "ellipselabels": ["Sun"]}
    # Selected, its side handle sets radiusX alone.
    page.keyboard.press("1")
    click(page, centre)
    assert page.evaluate("window.editor.store.selected") == item["id"]
    side = screen(page, rx, cy)
    drag(page, side, (side[0] + 20, side[1] + 3))
    value = result(page)[0]["value"]
    _, _, width, _ = image_box(page)
    assert value["radiusX"] == approx(percent(page, *side)[0] + 20 / width * 100 - cx)
    assert {k: v for k, v in value.items() if k != "radiusX"} == {k: v for k, v in item["value"].items() if k != "radiusX"}


def test_controls_on_other_objects_show_the_unsupported_message(editor):
    config = """<View><Text name="txt" value="$text"/>
      <RectangleLabels name="tag" toName="txt"><Label value="Cat"/></RectangleLabels></View>"""
    page = editor(config, {"text": "hello"})
    assert "RectangleLabels draws on an Image" in page.locator(".lsd-unsupported").text_content()
    page = editor("""<View><Image name="img" value="$missing"/></View>""", {})
    page.wait_for_selector(".lsd-image[data-state=error]")
    assert page.evaluate("window.editor.getResult()") == []


def test_five_hundred_regions_load_and_stay_quick(editor, page):
    regions = []
    for index in range(500):
        row, col = divmod(index, 25)
        regions.append(rect_item(f"r{index}", col * 4, row * 5, 3, 4, labels=("Cat" if index % 2 else "Dog",)))
    started = time.monotonic()
    open_image(editor, RECT_CONFIG, regions)
    page.wait_for_function("document.querySelectorAll('.lsd-image-region').length === 500")
    assert time.monotonic() - started < 10
    # Selecting redraws one region, not all of them.
    elapsed = page.evaluate("""() => {
        const started = performance.now();
        for (let i = 0; i < 20; i += 1) window.editor.store.select('r' + i);
        return performance.now() - started;
    }""")
    assert elapsed < 5000
    click(page, screen(page, 4 * 3 + 1, 5 + 1))
    assert page.evaluate("window.editor.store.selected") == "r28"
    assert result(page) == regions


def test_boxes_show_their_label_on_the_image_and_same_label_regions_are_numbered(editor):
    regions = [rect_item("a", 10, 20, 20, 20), rect_item("b", 60, 60, 20, 20), rect_item("c", 40, 5, 10, 10, labels=("Dog",))]
    page = open_image(editor, RECT_CONFIG, regions)
    caption = page.locator(".lsd-image-region[data-region-id=a] text")
    assert caption.text_content() == "Cat"
    assert caption.get_attribute("fill") == "red"
    # Written just above the box's top-left corner, in the image's natural pixels.
    assert float(caption.get_attribute("x")) == approx(0.10 * WIDTH)
    assert float(caption.get_attribute("y")) < 0.20 * HEIGHT
    assert page.locator(".lsd-image-region[data-region-id=c] text").text_content() == "Dog"
    assert page.locator(".lsd-region-name").all_text_contents() == ["Cat #1", "Cat #2", "Dog"]
    assert result(page) == regions
