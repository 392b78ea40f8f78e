"""The Label page saves what it shows: regions sent without ids, and text typed but not yet added."""

import json
import re

import pytest
from playwright.sync_api import expect

from lsdesk.formats.regions import with_region_ids
from tests.e2e.test_label_page import completions_of, open_label
from tests.e2e.test_pages import add_tasks, set_config

SAMPLE = {"image": "/assets/samples/sample.png"}  # 320×240

IMAGE_CONFIG = """<View>
  <Image name="img" value="$image"/>
  <RectangleLabels name="label" toName="img"><Label value="Triangle"/><Label value="Square"/></RectangleLabels>
</View>"""

# A box as label-studio-ml's helpers send it: no id.
PREDICTED_BOX = {"from_name": "label", "to_name": "img", "type": "rectanglelabels", "original_width": 320,
                 "original_height": 240, "image_rotation": 0,
                 "value": {"x": 25, "y": 12.5, "width": 30, "height": 45, "rotation": 0, "rectanglelabels": ["Triangle"]}}

SPAN_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="Greeting"/></Labels>
  <TextArea name="note" toName="text" perRegion="true"/>
</View>"""

# A span and its per-region text, one region by their shared place, neither with an id.
PREDICTED_SPAN = [
    {"from_name": "ner", "to_name": "text", "type": "labels",
     "value": {"start": 0, "end": 5, "text": "Hello", "labels": ["Greeting"]}},
    {"from_name": "note", "to_name": "text", "type": "textarea", "value": {"start": 0, "end": 5, "text": ["said warmly"]}},
]

TEXT_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Labels name="ner" toName="text"><Label value="Person"/></Labels>
  <TextArea name="summary" toName="text"/>
  <TextArea name="note" toName="text" perRegion="true"/>
</View>"""


def without_ids(result):
    return [{key: value for key, value in item.items() if key != "id"} for item in result]


def serve_as_stored_before_ids(page):
    """Answer the page's task requests with prediction items stripped of their ids, as a project
    imported before the server gave them ids still answers."""
    def strip(route):
        answer = route.fetch()
        task = answer.json()
        for prediction in task.get("predictions", []):
            for item in prediction["result"]:
                item.pop("id", None)
        route.fulfill(response=answer, body=json.dumps(task))

    page.route(re.compile(r"/api/(tasks/\d+|project/next)$"), strip)


@pytest.fixture(params=["imported", "stored-before-ids"])
def source(request, page):
    """Where the id-less prediction comes from: an import now (the server gives ids), or a project
    stored before (the editor gives them)."""
    if request.param == "stored-before-ids":
        serve_as_stored_before_ids(page)
    return request.param


def open_predicted(page, api, config, data, result):
    set_config(api, config)
    [task_id] = add_tasks(api, [{"data": data, "predictions": [{"result": result, "score": 0.9}]}])
    open_label(page)
    expect(page.locator(".mode").first).to_have_text(re.compile("^New completion from prediction"))
    return task_id


def submit_last(page, empty=False):
    page.keyboard.press("Control+Enter")
    if empty:  # a completion without labels is submitted only once confirmed
        page.get_by_role("dialog", name="Submit without labels?").get_by_role("button", name="Submit without labels").click()
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()


def shown_box(page):
    """The drawn region's place in percent of the shown image (x, y, width, height)."""
    return page.evaluate("""() => {
        const image = document.querySelector(".lsd-image .lsd-image-overlay").getBoundingClientRect();
        const box = document.querySelector(".lsd-image-region rect").getBoundingClientRect();
        return [(box.x - image.x) / image.width * 100, (box.y - image.y) / image.height * 100,
                box.width / image.width * 100, box.height / image.height * 100];
    }""")


# -- regions sent without ids ------------------------------------------------------------------


def test_id_less_predicted_box_is_listed_drawn_selected_and_deleted_so_it_is_not_saved(page, api, source):
    task_id = open_predicted(page, api, IMAGE_CONFIG, SAMPLE, [PREDICTED_BOX])
    page.wait_for_selector(".lsd-image[data-state=ready]")
    expect(page.locator(".lsd-regions h3")).to_have_text("Regions (1)")
    expect(page.locator(".lsd-image-region")).to_have_count(1)
    x, y, width, height = shown_box(page)
    image = page.locator(".lsd-image .lsd-image-overlay").bounding_box()
    page.mouse.click(image["x"] + (x + width / 2) / 100 * image["width"], image["y"] + (y + height / 2) / 100 * image["height"])
    expect(page.locator(".lsd-image-region.selected")).to_have_count(1)
    expect(page.locator(".lsd-region.selected")).to_have_count(1)
    page.keyboard.press("Delete")
    expect(page.locator(".lsd-regions h3")).to_have_text("Regions (0)")
    expect(page.locator(".lsd-image-region")).to_have_count(0)
    submit_last(page, empty=True)
    [completion] = completions_of(api, task_id)
    assert completion["result"] == []


def test_id_less_predicted_box_is_saved_where_it_is_drawn(page, api, source):
    task_id = open_predicted(page, api, IMAGE_CONFIG, SAMPLE, [PREDICTED_BOX])
    page.wait_for_selector(".lsd-image[data-state=ready]")
    value = PREDICTED_BOX["value"]
    assert shown_box(page) == pytest.approx([value["x"], value["y"], value["width"], value["height"]], abs=0.5)
    submit_last(page)
    [completion] = completions_of(api, task_id)
    [saved] = completion["result"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{10}", saved["id"])
    assert without_ids([saved]) == [PREDICTED_BOX]


def test_id_less_span_and_its_region_text_are_one_region_deleted_together(page, api, source):
    task_id = open_predicted(page, api, SPAN_CONFIG, {"text": "Hello there"}, PREDICTED_SPAN)
    expect(page.locator(".lsd-regions h3")).to_have_text("Regions (1)")
    page.click(".lsd-text .lsd-span >> nth=0")
    expect(page.locator(".lsd-region.selected")).to_have_count(1)
    expect(page.locator(".lsd-textarea[data-control=note] .lsd-entry-text")).to_have_text(["said warmly"])
    page.get_by_role("button", name="Delete region").click()
    expect(page.locator(".lsd-regions h3")).to_have_text("Regions (0)")
    expect(page.locator(".lsd-text .lsd-span")).to_have_count(0)
    submit_last(page, empty=True)
    assert completions_of(api, task_id)[0]["result"] == []


def test_id_less_span_and_its_region_text_are_saved_with_one_id(page, api, source):
    task_id = open_predicted(page, api, SPAN_CONFIG, {"text": "Hello there"}, PREDICTED_SPAN)
    expect(page.locator(".lsd-regions h3")).to_have_text("Regions (1)")
    submit_last(page)
    span, note = completions_of(api, task_id)[0]["result"]
    assert span["id"] == note["id"] and len(span["id"]) == 10
    assert without_ids([span, note]) == PREDICTED_SPAN


# -- text typed but not yet added ---------------------------------------------------------------


def open_text_task(page, api, result=()):
    set_config(api, TEXT_CONFIG)
    task = {"data": {"text": "Ada wrote it"}}
    if result:
        task["predictions"] = [{"result": list(result)}]
    [task_id] = add_tasks(api, [task])
    open_label(page)
    return task_id


PERSON = {"id": "p1", "from_name": "ner", "to_name": "text", "type": "labels",
          "value": {"start": 0, "end": 3, "text": "Ada", "labels": ["Person"]}}


def test_text_typed_without_enter_is_saved_by_ctrl_enter_per_task_and_per_region(page, api):
    task_id = open_text_task(page, api, [PERSON])
    page.locator(".lsd-textarea[data-control=summary] .lsd-textarea-input textarea").fill("about Ada")
    page.click(".lsd-text .lsd-span >> nth=0")
    page.locator(".lsd-textarea[data-control=note] .lsd-textarea-input textarea").fill("the author")
    submit_last(page)
    [completion] = completions_of(api, task_id)
    person, summary, note = completion["result"]
    assert person == PERSON
    assert without_ids([summary]) == [{"from_name": "summary", "to_name": "text", "type": "textarea",
                                       "value": {"text": ["about Ada"]}}]
    assert note == {"id": "p1", "from_name": "note", "to_name": "text", "type": "textarea",
                    "value": {"start": 0, "end": 3, "text": ["the author"]}}


def test_text_typed_is_added_after_the_entries_when_updating(page, api):
    set_config(api, TEXT_CONFIG)
    [task_id] = add_tasks(api, [{"data": {"text": "Ada wrote it"}}])
    summary = {"id": "s1", "from_name": "summary", "to_name": "text", "type": "textarea", "value": {"text": ["first"]}}
    api.post(f"/api/tasks/{task_id}/completions", json={"result": [summary]})
    open_label(page, f"/label/{task_id}")
    field = page.locator(".lsd-textarea[data-control=summary] .lsd-textarea-input textarea")
    expect(field).to_have_value("")
    field.fill("second")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("updated")).to_be_visible()
    [completion] = completions_of(api, task_id)
    assert completion["result"] == [{**summary, "value": {"text": ["first", "second"]}}]


def test_a_draft_saved_while_typing_keeps_the_typed_text(page, api):
    task_id = open_text_task(page, api)
    page.locator(".lsd-textarea[data-control=summary] .lsd-textarea-input textarea").click()
    page.keyboard.type("half a thou")
    expect(page.locator(".draft-state")).to_have_text("Draft saved")
    [summary] = api.get(f"/api/tasks/{task_id}/draft").json["result"]
    assert summary["value"] == {"text": ["half a thou"]}
    page.reload()
    expect(page.get_by_text("Restored your unsaved work")).to_be_visible()
    expect(page.locator(".lsd-textarea[data-control=summary] .lsd-entry-text")).to_have_text(["half a thou"])
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    assert completions_of(api, task_id)[0]["result"][0]["value"] == {"text": ["half a thou"]}


# -- the editor and the server group id-less items alike ------------------------------------------


def id_pattern(result):
    """Which items share an id, as the index of the first item with the same id (None: no id)."""
    first = {}
    return [first.setdefault(item["id"], index) if "id" in item else None for index, item in enumerate(result)]


def test_the_editor_groups_id_less_items_as_the_server_does(editor):
    place = {"x": 1, "y": 2, "width": 3, "height": 4, "rotation": 0}
    items = [
        {"from_name": "label", "to_name": "img", "type": "rectanglelabels", "value": {**place, "rectanglelabels": ["A"]}},
        {"from_name": "note", "to_name": "img", "type": "textarea", "value": {**place, "text": ["a"]}},
        {"from_name": "label", "to_name": "img", "type": "rectanglelabels", "value": {**place, "rectanglelabels": ["B"]}},
        {"from_name": "kind", "to_name": "img", "type": "choices", "value": {**place, "score": 0.5, "choices": ["x"]}},
        {"from_name": "label", "to_name": "other", "type": "rectanglelabels", "value": {**place, "rectanglelabels": ["A"]}},
        {"from_name": "poly", "to_name": "img", "type": "polygonlabels", "value": {"points": [[1, 2.5]], "polygonlabels": ["A"]}},
        {"from_name": "note", "to_name": "img", "type": "textarea", "value": {"points": [[1.0, 2.5]], "text": ["b"]}},
        {"id": "kept", "from_name": "label", "to_name": "img", "type": "rectanglelabels", "value": {**place, "rectanglelabels": ["C"]}},
        {"id": None, "from_name": "summary", "to_name": "img", "type": "textarea", "value": {"text": ["c"]}},
        {"id": "", "from_name": "stars", "to_name": "img", "type": "rating", "value": {"rating": 3}},
        {"type": "relation", "from_id": "kept", "to_id": "kept", "direction": "right"},
    ]
    page = editor("<View><Image name='img' value='$image'/></View>", SAMPLE, items)
    shown = page.evaluate("window.editor.getResult()")
    assert without_ids(shown) == without_ids(items)
    assert shown[7]["id"] == "kept"
    assert shown[8]["id"] and shown[9]["id"]  # a null or empty id is replaced, not kept
    # A second box of one control at a place starts a new region there, which later items join.
    assert id_pattern(shown) == id_pattern(with_region_ids(items)) == [0, 0, 2, 2, 4, 5, 5, 7, 8, 9, None]
