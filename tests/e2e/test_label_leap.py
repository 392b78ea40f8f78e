"""The Label page shows the next task (asked for ahead of time) before the save of the task it leaves is
answered: a failed save goes back to that task with its labels, a task labeled or deleted elsewhere
meanwhile is replaced, and actions taken meanwhile wait, so nothing is lost or saved twice."""

import re

from playwright.sync_api import expect

from tests.e2e.test_label_next import api_events, wait_until
from tests.e2e.test_label_page import completions_of, chosen, expect_task, open_label
from tests.e2e.test_pages import choice_result, label, labeled_project


def asked_ahead(events, task_id):
    """Whether the page has its next task after `task_id`, asked for ahead of time (with no `prefer`)."""
    return ("done", "GET", "/api/project/next", {"if_none": ["null"], "draft": ["1"], "exclude": [str(task_id)]}) in events


def open_with_next_asked_ahead(page, api, count):
    """A project of `count` tasks open on the Label page at its first task, once the page has its next
    task; returns the task ids and the page's API events."""
    ids = labeled_project(api, count=count)
    events = api_events(page)
    open_label(page)
    expect_task(page, ids[0])
    wait_until(page, lambda: asked_ahead(events, ids[0]))
    return ids, events


def hold_saves(page, task_id):
    """The page's saves of `task_id` are held unanswered; returns the list of held routes."""
    held = []
    page.route(f"**/api/tasks/{task_id}/completions*", lambda route: held.append(route))
    return held


def submit_negative_with_its_save_held(page, api):
    """Three tasks on the Label page; the first is submitted as Negative and its save held unanswered while
    the next task is shown. Returns the task ids and the held routes."""
    ids, _ = open_with_next_asked_ahead(page, api, count=3)
    held = hold_saves(page, ids[0])
    page.keyboard.press("2")
    page.keyboard.press("Control+Enter")
    expect(heading(page)).to_have_text(f"Task {ids[1]}")
    return ids, held


def heading(page):
    return page.get_by_role("heading", level=1)


def draft_of(api, task_id):
    return api.get(f"/api/tasks/{task_id}/draft").json


def test_a_failed_save_goes_back_with_its_labels_and_keeps_what_was_done_on_the_next_task(page, api):
    ids, held = submit_negative_with_its_save_held(page, api)
    expect(page.get_by_label("Negative")).not_to_be_checked()
    page.keyboard.press("1")  # work on the next task while the save is unanswered
    expect(page.get_by_label("Positive")).to_be_checked()
    wait_until(page, lambda: held)
    held[0].fulfill(status=500, content_type="application/json", body='{"detail": "disk full"}')
    expect(heading(page)).to_have_text(f"Task {ids[0]}")
    expect(page.get_by_text("Could not submit")).to_be_visible()
    expect(page.get_by_text("disk full")).to_be_visible()
    expect(page.get_by_label("Negative")).to_be_checked()
    expect(page.get_by_label("Positive")).not_to_be_checked()
    expect(page).to_have_url(f"{page.base_url}/label/{ids[0]}")
    assert completions_of(api, ids[0]) == []
    assert chosen(draft_of(api, ids[1])) == [["Positive"]]
    # Submitted again, the labels land; the next task opens with what was done on it.
    page.unroute(f"**/api/tasks/{ids[0]}/completions*")
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[1])
    expect(page.get_by_text("Restored your unsaved work")).to_be_visible()
    expect(page.get_by_label("Positive")).to_be_checked()
    assert [chosen(completion) for completion in completions_of(api, ids[0])] == [[["Negative"]]]
    # The session's history has the task submitted once, before the one shown.
    page.keyboard.press("Control+ArrowLeft")
    expect_task(page, ids[0])
    expect(page.get_by_text(re.compile(r"^Editing completion #"))).to_be_visible()


def test_a_task_deleted_while_its_save_runs_goes_back_to_it_with_the_servers_error(page, api):
    ids, _ = open_with_next_asked_ahead(page, api, count=3)
    held = hold_saves(page, ids[0])
    page.keyboard.press("Control+Space")
    expect(heading(page)).to_have_text(f"Task {ids[1]}")
    wait_until(page, lambda: held)
    assert api.delete(f"/api/tasks/{ids[0]}").status == 204
    held[0].continue_()
    expect(heading(page)).to_have_text(f"Task {ids[0]}")
    expect(page.get_by_text("Could not skip")).to_be_visible()
    expect(page).to_have_url(f"{page.base_url}/label/{ids[0]}")
    assert completions_of(api, ids[1]) == []


def test_a_next_task_labeled_or_deleted_elsewhere_after_it_was_asked_for_is_replaced(page, api):
    ids, events = open_with_next_asked_ahead(page, api, count=4)
    label(api, ids[1])  # as another window would, after the page asked for it
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[2])
    assert len(completions_of(api, ids[1])) == 1
    wait_until(page, lambda: asked_ahead(events, ids[2]))
    assert api.delete(f"/api/tasks/{ids[3]}").status == 204
    page.keyboard.press("Control+Space")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    expect(page).to_have_url(f"{page.base_url}/label")
    assert [completion["was_cancelled"] for completion in completions_of(api, ids[2])] == [True]
    assert [chosen(completion) for completion in completions_of(api, ids[0])] == [[["Positive"]]]


def test_a_next_task_whose_draft_changed_elsewhere_after_it_was_asked_for_opens_with_that_draft(page, api):
    ids, _ = open_with_next_asked_ahead(page, api, count=3)
    answer = api.request("PUT", f"/api/tasks/{ids[1]}/draft", json_body={"result": choice_result("Negative")})
    assert answer.status in (200, 201)
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[1])
    expect(page.get_by_text("Restored your unsaved work")).to_be_visible()
    expect(page.get_by_label("Negative")).to_be_checked()


SLOW_SAVES = """() => {
    // Every other save is answered 300 ms late, so the person acts while it is unanswered, and a save
    // sent meanwhile would land first.
    const send = window.fetch;
    let saves = 0;
    window.fetch = (path, init) => {
        if (init?.method !== "POST" || !String(path).includes("/completions")) return send(path, init);
        const late = saves++ % 2 === 0 ? 300 : 0;
        return new Promise((resolve) => setTimeout(resolve, late)).then(() => send(path, init));
    };
}"""


def test_rapid_submits_save_each_task_once_in_order_with_its_own_labels(page, api):
    ids, _ = open_with_next_asked_ahead(page, api, count=6)
    page.evaluate(SLOW_SAVES)
    keys = ["1", "2", "2", "1", "2", "1"]
    for task_id, key in zip(ids, keys):
        expect(heading(page)).to_have_text(f"Task {task_id}")
        page.keyboard.press(key)
        page.keyboard.press("Control+Enter")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    saved = [completions_of(api, task_id) for task_id in ids]
    assert [len(completions) for completions in saved] == [1] * 6
    names = {"1": "Positive", "2": "Negative"}
    assert [chosen(completion) for [completion] in saved] == [[[names[key]]] for key in keys]
    completion_ids = [completion["id"] for [completion] in saved]
    assert completion_ids == sorted(completion_ids)


def test_a_save_that_fails_after_the_page_was_left_keeps_its_labels_as_the_tasks_draft(page, api):
    ids, held = submit_negative_with_its_save_held(page, api)
    wait_until(page, lambda: held)
    page.locator(".mainnav a[href='/tasks']").click()
    expect(page).to_have_url(f"{page.base_url}/tasks")
    held[0].fulfill(status=500, content_type="application/json", body='{"detail": "disk full"}')
    wait_until(page, lambda: draft_of(api, ids[0]) is not None)
    assert chosen(draft_of(api, ids[0])) == [["Negative"]]
    assert completions_of(api, ids[0]) == []
    expect(page).to_have_url(f"{page.base_url}/tasks")
