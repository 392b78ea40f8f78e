"""The Label page through a long session in real Chromium: the queue and its progress, Ctrl+arrows along
the session's history, empty submissions, a narrow window, a 1 MB text, audio edges, and no console errors."""

import json
import re
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.test_folders_page import png
from tests.e2e.test_pages import add_tasks, label, labeled_project, set_config
from tests.e2e.test_tags_audio import SEGMENTS, SECONDS, drag, import_wav, open_audio, result, sine_wav, track_box
from tests.test_api_import import upload

SUBMIT = re.compile("^(Submit|Update)")


def open_label(page, path="/label"):
    page.goto(page.base_url + path)
    expect(page.get_by_role("button", name=SUBMIT)).to_be_enabled()


def expect_task(page, task_id, search=""):
    expect(page).to_have_url(f"{page.base_url}/label/{task_id}{search}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Task {task_id}")
    expect(page.get_by_role("button", name=SUBMIT)).to_be_enabled()


def progress(page):
    return page.locator(".label-queue")


def completions_of(api, task_id):
    return api.get(f"/api/tasks/{task_id}").json["completions"]


def chosen(completion):
    return [item["value"]["choices"] for item in completion["result"]]


# -- the queue and its progress ----------------------------------------------------------------


def test_progress_names_the_sampling_queue_and_counts_labeled_skipped_and_left(page, api):
    ids = labeled_project(api, count=5, labeled=(0,), skipped=(1,))
    open_label(page)
    expect_task(page, ids[2])
    expect(progress(page)).to_have_text("Next by sampling1 / 5 labeled · 1 skipped · 3 left")
    page.get_by_label("Negative").click()
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[3])
    expect(progress(page)).to_have_text("Next by sampling2 / 5 labeled · 1 skipped · 2 left")


def test_the_task_shows_its_media_file_name_beside_its_id(page, api):
    set_config(api, """<View><Image name="img" value="$image"/>
      <Choices name="kind" toName="img"><Choice value="Street"/></Choices></View>""")
    assert upload(api, ("file", "street-scene.png", png(64, 48, (200, 80, 40)))).status == 201
    [task] = api.get("/api/tasks").json
    open_label(page, f"/label/{task['id']}")
    expect(page.locator(".label-head .file-name")).to_have_text("street-scene.png")


def count_route(api):
    """A stand-in for GET /api/tasks/count (built beside this page): the filter's items it understands
    here are state=labeled; everything else matches every task."""

    def fulfil(route):
        query = parse_qs(urlparse(route.request.url).query)
        items = json.loads(query["filter"][0])["items"] if "filter" in query else []
        tasks = api.get("/api/tasks?page_size=1000&fields=id,completions").json
        if any(item == {"field": "state", "op": "equal", "value": "labeled"} for item in items):
            tasks = [task for task in tasks if any(not c.get("was_cancelled") for c in task["completions"])]
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"count": len(tasks), "exact": True}))

    return fulfil


def test_a_query_queue_walks_its_tasks_in_order_under_its_title(page, api):
    ids = labeled_project(api, count=4, labeled=(3,))
    page.route("**/api/tasks/count?*", count_route(api))
    search = "?" + urlencode({"query": "order=-id", "title": "Newest first"})
    open_label(page, f"/label{search}")
    expect_task(page, ids[3], search)  # the first of the query's order, though it is labeled
    expect(page.locator(".queue-title")).to_have_text("Newest first")
    expect(page.locator(".label-progress")).to_have_text("1 / 4 labeled · 3 left")
    page.keyboard.press("Control+ArrowRight")
    expect_task(page, ids[2], search)
    page.get_by_label("Positive").click()
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[1], search)
    expect(page.locator(".label-progress")).to_have_text("2 / 4 labeled · 2 left")
    page.keyboard.press("Control+ArrowRight")
    expect_task(page, ids[0], search)
    page.keyboard.press("Control+ArrowRight")
    expect(page.get_by_text("End of the queue “Newest first”")).to_be_visible()
    page.get_by_role("link", name="Back to its first task").click()
    expect_task(page, ids[3], search)


def test_without_the_count_route_a_query_queue_shows_the_position(page, api):
    ids = labeled_project(api, count=3)
    page.route("**/api/tasks/count?*", lambda route: route.fulfill(status=404, content_type="application/json",
                                                                  body='{"detail": "no such route"}'))
    search = "?" + urlencode({"query": "order=-id"})
    open_label(page, f"/label{search}")
    expect_task(page, ids[2], search)
    expect(page.locator(".label-queue")).to_have_text("Selected taskstask 1 of the queue")
    page.keyboard.press("Control+ArrowRight")
    expect(page.locator(".label-queue")).to_have_text("Selected taskstask 2 of the queue")


def unlabeled_filter_route(api):
    """A stand-in for GET /api/tasks?filter=... (built beside this page) matching the unlabeled tasks."""

    def fulfil(route):
        query = parse_qs(urlparse(route.request.url).query)
        if "filter" not in query:
            route.continue_()
            return
        tasks = api.get("/api/tasks?page_size=1000&fields=id,completions").json
        ids = [task["id"] for task in tasks if not task["completions"]]
        page, size = int(query["page"][0]), int(query["page_size"][0])
        body = [{"id": task_id} for task_id in ids[(page - 1) * size:page * size]]
        route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    return fulfil


def test_a_queue_of_unlabeled_tasks_goes_on_from_the_first_left_after_a_page_of_them_was_labeled(page, api):
    """Labeling drops tasks from an "unlabeled" filter, moving the rest onto earlier pages: the next task
    is the first one not yet shown, not the first of page 2 (which is now 100 tasks further)."""
    ids = labeled_project(api, count=205)
    for task_id in ids[:100]:
        label(api, task_id)
    page.route(re.compile(r"/api/tasks\?"), unlabeled_filter_route(api))
    query = "filter=" + json.dumps({"conjunction": "and", "items": [{"field": "state", "op": "equal", "value": "unlabeled"}]})
    uuid = api.get("/api/project").json["uuid"]
    page.goto(page.base_url + "/api/health")
    page.evaluate("""([uuid, query, shown]) => sessionStorage.setItem(
        `lsdesk.label-session:${uuid}:query:${new URLSearchParams(query)}`,
        JSON.stringify({ ids: shown, cursor: shown.length - 1, queue: shown }))""", [uuid, query, ids[:100]])
    search = "?" + urlencode({"query": query, "title": "Unlabeled"})
    open_label(page, f"/label/{ids[99]}{search}")  # as after a reload, the 100th task of the queue shown
    page.keyboard.press("Control+ArrowRight")
    expect_task(page, ids[100], search)
    page.keyboard.press("Control+ArrowLeft")
    expect_task(page, ids[99], search)


# -- Previous / Next along the session's history ---------------------------------------------------


def test_ctrl_arrows_follow_the_history_and_going_back_updates_the_earlier_completion(page, api):
    ids = labeled_project(api, count=4)
    api.delete(f"/api/tasks/{ids[1]}")  # not id - 1: a gap in the ids changes nothing
    open_label(page)
    expect_task(page, ids[0])
    page.get_by_label("Positive").click()
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[2])
    page.get_by_label("Negative").click()
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[3])

    page.keyboard.press("Control+ArrowLeft")
    expect_task(page, ids[2])
    [second] = completions_of(api, ids[2])
    expect(page.locator(".label-head .mode")).to_have_text(f"Editing completion #{second['id']}")
    expect(page.get_by_label("Negative")).to_be_checked()
    page.keyboard.press("Control+ArrowLeft")
    expect_task(page, ids[0])
    page.keyboard.press("Control+ArrowLeft")
    expect(page.get_by_text("This is the first task of this session")).to_be_visible()
    expect_task(page, ids[0])

    page.get_by_role("button", name="Next ›").click()
    expect_task(page, ids[2])
    page.get_by_label("Positive").click()
    page.get_by_role("button", name=re.compile("^Update")).click()
    expect(page.get_by_text(f"Completion #{second['id']} updated")).to_be_visible()
    [updated] = completions_of(api, ids[2])
    assert updated["id"] == second["id"] and chosen(updated) == [["Positive"]]

    # A reload keeps the session; forward returns to where it was, then sampling goes on.
    page.reload()
    expect_task(page, ids[2])
    page.keyboard.press("Control+ArrowRight")
    expect_task(page, ids[3])
    expect(page.locator(".label-head .mode")).to_have_text("New completion")
    page.keyboard.press("Control+ArrowRight")
    expect(page.get_by_text("This is the next task by sampling: submit or skip it to go on")).to_be_visible()
    page.get_by_role("button", name="‹ Previous").click()
    expect_task(page, ids[2])


# -- empty submissions and what counts as labeled ------------------------------------------------


def counts(api):
    project = api.get("/api/project").json
    summary = api.get("/api/project/export/summary").json
    return {"completion_count": project["completion_count"], "labeled_tasks": summary["labeled_tasks"]}


def stats_cards(page):
    """{name: value} of the Stats page's progress cards."""
    page.goto(page.base_url + "/stats")
    expect(page.locator(".stat-card")).to_have_count(4)
    return dict(zip(page.locator(".stat-card .name").all_inner_texts(), page.locator(".stat-card .value").all_inner_texts()))


def test_an_empty_submission_asks_once_and_is_saved_only_when_confirmed(page, api):
    ids = labeled_project(api, count=3, skipped=(2,))
    open_label(page)
    expect_task(page, ids[0])
    page.keyboard.press("Control+Enter")
    dialog = page.get_by_role("dialog", name="Submit without labels?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect_task(page, ids[0])
    assert completions_of(api, ids[0]) == []
    assert counts(api) == {"completion_count": 1, "labeled_tasks": 0}

    page.get_by_role("button", name=SUBMIT).click()
    dialog.get_by_role("button", name="Submit without labels").click()
    expect_task(page, ids[1])
    expect(page.get_by_role("dialog")).to_have_count(0)
    [empty] = completions_of(api, ids[0])
    assert empty["result"] == [] and "was_cancelled" not in empty
    assert counts(api) == {"completion_count": 2, "labeled_tasks": 1}
    assert stats_cards(page) == {"Tasks": "3", "Labeled": "1", "Skipped": "1", "Left": "1"}


def test_stats_count_a_task_with_a_skip_and_a_completion_as_labeled(page, api):
    labeled_project(api, count=2, labeled=(0,), skipped=(0,))
    assert counts(api) == {"completion_count": 1, "labeled_tasks": 1}
    assert stats_cards(page) == {"Tasks": "2", "Labeled": "1", "Skipped": "0", "Left": "1"}


# -- project settings on the page ------------------------------------------------------------------


def with_project_settings(page, **settings):
    """Answers GET /api/project with `settings` added (as the Settings page's helper will save them)."""

    def fulfil(route):
        answer = route.fetch()
        body = answer.json()
        body.update(settings)
        route.fulfill(response=answer, body=json.dumps(body))

    page.route("**/api/project", fulfil)


def test_instructions_show_collapsible_and_remember_being_closed(page, api):
    labeled_project(api, count=2)
    assert api.patch("/api/project", json={"instruction": "Pick the sentiment of the whole sentence.\nIrony counts as Negative."}).status == 201
    open_label(page)
    instructions = page.locator("details.label-instructions")
    expect(instructions).to_have_attribute("open", "")
    expect(instructions.locator(".instructions-text")).to_have_text(
        "Pick the sentiment of the whole sentence.\nIrony counts as Negative.")
    instructions.locator("summary").click()
    expect(instructions.locator(".instructions-text")).to_be_hidden()
    page.reload()
    expect(page.get_by_role("button", name=SUBMIT)).to_be_enabled()
    expect(page.locator("details.label-instructions")).not_to_have_attribute("open", "")


def test_show_skip_false_hides_skip_and_its_hotkey(page, api):
    ids = labeled_project(api, count=2)
    with_project_settings(page, show_skip=False)
    open_label(page)
    expect(page.get_by_role("button", name=re.compile("^Skip"))).to_have_count(0)
    page.keyboard.press("Control+Space")
    page.wait_for_timeout(300)
    assert completions_of(api, ids[0]) == []


# -- layout ----------------------------------------------------------------------------------------


def test_at_900_px_the_image_takes_the_width_and_the_side_panel_collapses(page, api):
    set_config(api, """<View><Image name="img" value="$image"/>
      <RectangleLabels name="box" toName="img"><Label value="Car"/></RectangleLabels></View>""")
    assert upload(api, ("file", "wide.png", png(640, 400, (40, 90, 160)))).status == 201
    [task] = api.get("/api/tasks").json
    page.set_viewport_size({"width": 900, "height": 800})
    open_label(page, f"/label/{task['id']}")
    image = page.locator(".lsd-image-viewport")
    expect(image).to_be_visible()
    side = page.locator("aside.label-side")
    expect(side).to_be_hidden()
    drawn = image.bounding_box()
    assert drawn["width"] >= 640 - 1, drawn  # the whole picture at its own size, not squeezed
    assert drawn["x"] + drawn["width"] <= 900
    toggle = page.get_by_role("button", name="Completions (0)")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(side).to_be_visible()


def test_a_1_mb_text_scrolls_in_its_own_pane_and_the_controls_stay_in_view(page, api):
    set_config(api)
    sentence = "The quick brown fox jumps over the lazy dog. "
    text = sentence * (1_000_000 // len(sentence))
    [task_id] = add_tasks(api, [{"text": text}])
    open_label(page, f"/label/{task_id}")
    pane = page.locator(".lsd-text")
    expect(pane).to_contain_text("The quick brown fox")
    viewport = page.viewport_size["height"]
    sizes = pane.evaluate("e => [e.scrollHeight, e.clientHeight]")
    assert sizes[0] > 10 * sizes[1], sizes
    pane.hover()
    page.mouse.wheel(0, 5000)
    for _ in range(50):  # the page's content policy forbids wait_for_function's eval
        if pane.evaluate("e => e.scrollTop") > 1000:
            break
        page.wait_for_timeout(100)
    assert pane.evaluate("e => e.scrollTop") > 1000
    assert page.evaluate("window.scrollY") == 0
    for control in (page.get_by_label("Negative"), page.get_by_role("button", name=SUBMIT)):
        box = control.bounding_box()
        assert 0 <= box["y"] and box["y"] + box["height"] <= viewport, box
    page.get_by_label("Negative").click()
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible(timeout=20_000)  # 1 MB tasks, a busy machine
    [completion] = completions_of(api, task_id)
    assert chosen(completion) == [["Negative"]]


# -- audio -------------------------------------------------------------------------------------------


def test_dragging_the_edge_of_an_unselected_audio_region_resizes_it(editor, api):
    url = import_wav(api, sine_wav())
    loaded = [{"id": "r1", "from_name": "label", "to_name": "audio", "type": "labels", "original_length": 2,
               "value": {"start": 0.5, "end": 1.0, "channel": 0, "labels": ["Speech"]}}]
    page = open_audio(editor, SEGMENTS, url, loaded)
    page.locator(".lsd-label", has_text="Speech").click()  # a label armed: a drag elsewhere draws
    left, top, width, height = track_box(page)
    end_x = left + 1.0 / SECONDS * width
    drag(page, round(end_x) + 3, round(end_x) + 43, top + height / 2)  # from just outside its end
    [item] = result(page)
    expected_end = (round(end_x) + 43 - left) / width * SECONDS
    assert item["value"]["end"] == pytest.approx(expected_end, abs=1e-9)
    assert item == {"id": "r1", "from_name": "label", "to_name": "audio", "type": "labels", "original_length": 2,
                    "value": {"start": 0.5, "end": item["value"]["end"], "channel": 0, "labels": ["Speech"]}}
    start_x = left + 0.5 / SECONDS * width
    drag(page, round(start_x) + 2, round(start_x) - 38, top + height / 2)  # from just inside its start
    [item] = result(page)
    assert item["value"]["start"] == pytest.approx((round(start_x) - 38 - left) / width * SECONDS, abs=1e-9)
    assert item["value"]["end"] == pytest.approx(expected_end, abs=1e-9)


# -- a whole session without console errors ------------------------------------------------------------


def test_a_session_to_the_last_task_logs_no_console_errors(page, api):
    messages = []
    page.on("console", lambda message: messages.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: messages.append(str(error)))
    ids = labeled_project(api, count=3, labeled=(1,))
    open_label(page)
    expect_task(page, ids[0])
    page.get_by_label("Positive").click()
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[2])
    page.keyboard.press("Control+ArrowLeft")
    expect_task(page, ids[0])
    page.keyboard.press("Control+ArrowRight")
    expect_task(page, ids[2])
    page.keyboard.press("2")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    page.goto(page.base_url + "/label")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    assert messages == []
    assert [chosen(completions_of(api, task_id)[0]) for task_id in ids] == [[["Positive"]], [["Positive"]], [["Negative"]]]
