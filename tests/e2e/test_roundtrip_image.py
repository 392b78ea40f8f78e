"""Image results survive the editor untouched: what is loaded is what getResult() gives back, key for key,
after the regions were drawn, selected, unselected, hidden and shown again."""

import json

SAMPLE = {"image": "/assets/samples/sample.png"}
FACTS = {"original_width": 320, "original_height": 240, "image_rotation": 0}


def rect(id_, x, y, w, h, rotation=0, label="Cat", **extra):
    return {"id": id_, "from_name": "tag", "to_name": "img", "type": "rectanglelabels", **FACTS,
            "value": {"x": x, "y": y, "width": w, "height": h, "rotation": rotation, "rectanglelabels": [label]}, **extra}


RECTANGLES = (
    """<View><Image name="img" value="$image"/>
      <RectangleLabels name="tag" toName="img"><Label value="Cat"/><Label value="Dog" alias="D"/></RectangleLabels></View>""",
    [
        rect("r1", 10.123456789012345, 20, 25, 50),
        rect("r2", 50, 10, 20, 30, rotation=30),
        rect("r3", 60, 60, 10, 10, rotation=359.99999, label="D", score=0.87, origin="prediction"),
        rect("r4", 5, 70, 20, 20, readonly=True, meta={"text": ["a note"]}, parentID="r1"),
        rect("r5", 80, 5, 15, 15, hidden=True),
        # Label Studio 0.8 style: no image facts, `source`, keys in another order.
        {"value": {"rotation": 0, "height": 11.6122840691, "rectanglelabels": ["Cat"], "width": 39.6, "x": 13.2,
                   "y": 34.7024952015}, "from_name": "tag", "id": "t5sp3TyXPo", "source": "$image", "to_name": "img",
         "type": "rectanglelabels"},
        # A multi-label region and one whose label is not in the config.
        rect("r6", 30, 30, 5, 5, label="Cat") | {"value": {"x": 30, "y": 30, "width": 5, "height": 5, "rotation": 0,
                                                             "rectanglelabels": ["Cat", "Zebra"]}},
        rect("r7", 40, 40, 5, 5, label="Unknown"),
    ],
    7,
)

POLYGONS = (
    """<View><Image name="img" value="$image"/>
      <PolygonLabels name="poly" toName="img"><Label value="Road"/></PolygonLabels></View>""",
    [
        {"id": "p1", "from_name": "poly", "to_name": "img", "type": "polygonlabels", **FACTS,
         "value": {"points": [[10, 10], [50.5, 10.25], [30, 50]], "polygonlabels": ["Road"]}},
        {"id": "p2", "from_name": "poly", "to_name": "img", "type": "polygonlabels", **FACTS, "origin": "manual",
         "value": {"points": [[60, 60], [90, 60], [90, 90], [75, 99.999], [60, 90]], "closed": True,
                   "polygonlabels": ["Road"]}, "score": 0.5},
        # Too few points for a polygon: kept as is.
        {"id": "p3", "from_name": "poly", "to_name": "img", "type": "polygonlabels", **FACTS,
         "value": {"points": [[1, 1]], "polygonlabels": ["Road"]}},
    ],
    3,
)

KEYPOINTS = (
    """<View><Image name="img" value="$image"/>
      <RectangleLabels name="tag" toName="img"><Label value="Face"/></RectangleLabels>
      <KeyPointLabels name="kp" toName="img"><Label value="nose"/><Label value="eye"/></KeyPointLabels></View>""",
    [
        rect("face", 20, 20, 40, 50, label="Face"),
        {"id": "kp1", "from_name": "kp", "to_name": "img", "type": "keypointlabels", "original_width": 320,
         "original_height": 240, "image_rotation": 0, "parentID": "face",
         "value": {"x": 30.5, "y": 40.25, "width": 0.267, "keypointlabels": ["nose"]}},
        {"id": "kp2", "from_name": "kp", "to_name": "img", "type": "keypointlabels", **FACTS,
         "value": {"x": 40, "y": 40, "width": 0.5, "keypointlabels": ["eye"]}, "hidden": True},
        {"id": "kp3", "from_name": "kp", "to_name": "img", "type": "keypointlabels", **FACTS,
         "value": {"x": 0, "y": 100, "width": 1, "keypointlabels": ["eye"]}},
    ],
    3,
)

ELLIPSES = (
    """<View><Image name="img" value="$image"/>
      <EllipseLabels name="ell" toName="img"><Label value="Planet"/></EllipseLabels></View>""",
    [
        {"id": "e1", "from_name": "ell", "to_name": "img", "type": "ellipselabels", **FACTS,
         "value": {"x": 50.4, "y": 50.76, "radiusX": 13.33, "radiusY": 10.67, "rotation": 0, "ellipselabels": ["Planet"]}},
        {"id": "e2", "from_name": "ell", "to_name": "img", "type": "ellipselabels", **FACTS,
         "value": {"x": 20, "y": 20, "radiusX": 5, "radiusY": 10, "rotation": 45, "ellipselabels": ["Planet"]}},
    ],
    2,
)

BARE_TOOLS = (
    """<View><Image name="img" value="$image"/>
      <Labels name="lbl" toName="img"><Label value="Text"/><Label value="Handwriting"/></Labels>
      <Rectangle name="box" toName="img"/><Polygon name="shape" toName="img"/>
      <TextArea name="transcription" toName="img" perRegion="true"/>
      <Choices name="quality" toName="img"><Choice value="Good"/><Choice value="Blurry"/></Choices></View>""",
    [
        {"id": "kuZf2E5DRQ", "from_name": "box", "to_name": "img", "type": "rectangle", "origin": "manual",
         "original_width": 320, "original_height": 240, "image_rotation": 0,
         "value": {"x": 48.27, "y": 14.94, "width": 12.67, "height": 10.89, "rotation": 0}},
        {"id": "kuZf2E5DRQ", "from_name": "lbl", "to_name": "img", "type": "labels", "origin": "manual",
         "original_width": 320, "original_height": 240, "image_rotation": 0,
         "value": {"x": 48.27, "y": 14.94, "width": 12.67, "height": 10.89, "rotation": 0, "labels": ["Text"]}},
        {"id": "kuZf2E5DRQ", "from_name": "transcription", "to_name": "img", "type": "textarea", **FACTS,
         "value": {"x": 48.27, "y": 14.94, "width": 12.67, "height": 10.89, "rotation": 0, "text": ["TOTAL"]}},
        {"id": "poly1", "from_name": "shape", "to_name": "img", "type": "polygon", **FACTS,
         "value": {"points": [[10, 60], [30, 60], [20, 80]]}},
        {"id": "poly1", "from_name": "lbl", "to_name": "img", "type": "labels", **FACTS,
         "value": {"points": [[10, 60], [30, 60], [20, 80]], "labels": ["Handwriting"]}},
        {"id": "bare", "from_name": "box", "to_name": "img", "type": "rectangle", **FACTS,
         "value": {"x": 70, "y": 70, "width": 10, "height": 10, "rotation": 0}},
        {"id": "whole", "from_name": "quality", "to_name": "img", "type": "choices", "value": {"choices": ["Good"]}},
    ],
    3,
)

RELATIONS = (
    """<View><Image name="img" value="$image"/>
      <RectangleLabels name="tag" toName="img"><Label value="Cat"/></RectangleLabels>
      <Relations><Relation value="chases"/><Relation value="ignores"/></Relations></View>""",
    [
        rect("a", 10, 10, 20, 20),
        rect("b", 60, 60, 20, 20, rotation=15),
        rect("c", 70, 10, 10, 10),
        {"from_id": "a", "to_id": "b", "type": "relation", "direction": "right", "labels": ["chases"]},
        {"from_id": "b", "to_id": "c", "type": "relation", "direction": "bi", "labels": []},
        {"from_id": "c", "to_id": "a", "type": "relation", "direction": "left"},  # old data without labels
        {"from_id": "a", "to_id": "gone", "type": "relation", "direction": "right", "labels": []},
    ],
    3,
)

ODD = (
    """<View><Image name="img" value="$image"/>
      <RectangleLabels name="tag" toName="img"><Label value="Cat"/></RectangleLabels></View>""",
    [
        # Malformed or foreign values are kept and not drawn; nothing throws.
        {"id": "x1", "from_name": "tag", "to_name": "img", "type": "rectanglelabels", "value": {"x": 1, "y": 2}},
        {"id": "x2", "from_name": "tag", "to_name": "img", "type": "polygonlabels", "value": {"points": [["a", 1]]}},
        {"id": "x3", "from_name": "tag", "to_name": "img", "type": "rectanglelabels", "value": None},
        {"id": "b1", "from_name": "brush", "to_name": "img", "type": "brushlabels", **FACTS,
         "value": {"format": "rle", "rle": [0, 0, 0, 96, 57, 27], "brushlabels": ["Cat"]}},
        {"id": "other", "from_name": "tag", "to_name": "another_image", "type": "rectanglelabels", **FACTS,
         "value": {"x": 1, "y": 1, "width": 1, "height": 1, "rotation": 0, "rectanglelabels": ["Cat"]}},
        rect("ok", 10, 10, 10, 10, item_index=0),
    ],
    1,
)

CASES = {"rectangles": RECTANGLES, "polygons": POLYGONS, "keypoints": KEYPOINTS, "ellipses": ELLIPSES,
         "bare-tools-with-labels": BARE_TOOLS, "relations": RELATIONS, "odd-items": ODD}


def check_round_trip(page, editor, case):
    config, items, drawn = CASES[case]
    editor(config, SAMPLE, items)
    page.wait_for_selector(".lsd-image[data-state=ready]")
    exact = json.dumps(items, separators=(",", ":"))
    unchanged = lambda: page.evaluate("JSON.stringify(window.editor.getResult())") == exact
    assert page.evaluate("window.editor.getResult()") == items, case
    assert unchanged(), case
    assert page.locator(".lsd-image-region").count() == drawn, case

    # Click every drawn region on the image (that selects it), then unselect with escape and u.
    for region_id in page.eval_on_selector_all(".lsd-image-region", "(els) => els.map((el) => el.dataset.regionId)"):
        x, y, area = page.evaluate("""(id) => {
            const shape = document.querySelector(`.lsd-image-region[data-region-id="${id}"]`).firstElementChild;
            const b = shape.getBoundingClientRect();
            return [b.x + b.width / 2, b.y + b.height / 2, b.width * b.height];
        }""", region_id)
        if not area:
            continue  # a polygon of one point has nothing to click
        page.mouse.click(x, y)
        assert page.evaluate("window.editor.store.selected") is not None, (case, region_id)
        assert unchanged(), f"{case}: selecting {region_id} changed the result"
    page.keyboard.press("Escape")
    page.keyboard.press("u")
    page.evaluate("""() => {
        const store = window.editor.store;
        for (const id of store.regionIds()) {
            store.select(id);
            store.toggleHidden(id);
            store.toggleHidden(id);
            store.select(null);
        }
    }""")
    # Toggle every region's visibility from the regions list, twice.
    hide_buttons = page.locator(".lsd-region-hide")
    for index in range(hide_buttons.count()):
        hide_buttons.nth(index).click()
    assert page.locator(".lsd-image-region").count() < drawn, case
    for index in range(hide_buttons.count()):
        hide_buttons.nth(index).click()
    assert unchanged(), case
    assert page.evaluate("window.editor.store.undoStack.length") == 0, case


def test_results_come_back_exactly_after_select_unselect_and_hide(editor, page):
    for case in CASES:
        check_round_trip(page, editor, case)


def test_zoomed_and_panned_view_changes_no_result(editor):
    config, items, _ = RELATIONS
    page = editor(config.replace('<Image name="img"', '<Image name="img" zoom="true"'), SAMPLE, items)
    page.wait_for_selector(".lsd-image[data-state=ready]")
    page.get_by_role("button", name="Zoom in").click()
    page.get_by_role("button", name="Zoom in").click()
    page.keyboard.press("h")
    box = page.locator(".lsd-image-viewport").bounding_box()
    page.mouse.move(box["x"] + 200, box["y"] + 200)
    page.mouse.down()
    page.mouse.move(box["x"] + 100, box["y"] + 150, steps=4)
    page.mouse.up()
    page.get_by_role("button", name="Zoom to fit").click()
    assert page.evaluate("window.editor.getResult()") == items
