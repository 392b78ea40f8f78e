"""The Label page between two tasks: the save and the next task's request run side by side, the next
task comes with its draft, and the task shown next is right even when others changed meanwhile."""

import re
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.conftest import choice
from tests.e2e.test_label_page import completions_of, chosen, expect_task, open_label
from tests.e2e.test_pages import label, labeled_project


def api_events(page):
    """("sent"|"done", method, path, query) of every API request of the page, in the order they happened."""
    events = []

    def record(kind, request):
        url = urlparse(request.url)
        if url.path.startswith("/api/"):
            events.append((kind, request.method, url.path, parse_qs(url.query)))
    page.on("request", lambda request: record("sent", request))
    page.on("requestfinished", lambda request: record("done", request))
    return events


def wait_until(page, done, timeout_ms=5000):
    """Let the page run (and playwright deliver its events) until `done()` holds."""
    for _ in range(timeout_ms // 20):
        if done():
            return
        page.wait_for_timeout(20)
    raise AssertionError(f"still not done after {timeout_ms} ms: {done}")


def test_submit_shows_the_next_task_asked_ahead_before_its_save_is_answered_and_needs_no_draft_request(page, api):
    ids = labeled_project(api, count=3)
    events = api_events(page)
    open_label(page)
    expect_task(page, ids[0])
    ahead = {"if_none": ["null"], "draft": ["1"], "exclude": [str(ids[0])]}
    wait_until(page, lambda: ("done", "GET", "/api/project/next", ahead) in events)
    held = []
    page.route(f"**/api/tasks/{ids[0]}/completions", lambda route: held.append(route))
    del events[:]
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    # The next task is on screen while the save is not answered; the URL follows once it has landed.
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Task {ids[1]}")
    wait_until(page, lambda: held)
    expect(page).to_have_url(f"{page.base_url}/label/{ids[0]}")
    held[0].continue_()
    expect_task(page, ids[1])
    expect(page.get_by_text(f"Task {ids[0]} submitted")).to_be_visible()
    sent = [(method, path, query) for kind, method, path, query in events if kind == "sent"]
    check = {**ahead, "prefer": [str(ids[1])]}
    assert sent[:2] == [("POST", f"/api/tasks/{ids[0]}/completions", {}), ("GET", "/api/project/next", check)]
    assert not [path for _, path, _ in sent if path.endswith("/draft")]
    assert chosen(completions_of(api, ids[0])[0]) == [["Positive"]]


def test_a_task_labeled_or_deleted_elsewhere_meanwhile_is_not_shown_next(page, api):
    ids = labeled_project(api, count=4)
    open_label(page)
    expect_task(page, ids[0])
    label(api, ids[1])  # as another window would
    assert api.delete(f"/api/tasks/{ids[2]}").status == 204
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[3])
    page.keyboard.press("Control+Space")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    assert [completion["was_cancelled"] for completion in completions_of(api, ids[3])] == [True]


def test_the_next_tasks_draft_comes_with_it_and_is_restored(page, api):
    ids = labeled_project(api, count=2)
    open_label(page)
    expect_task(page, ids[0])
    answer = api.request("PUT", f"/api/tasks/{ids[1]}/draft", json_body={"result": choice("Negative")})
    assert answer.status in (200, 201)
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[1])
    expect(page.get_by_text("Restored your unsaved work")).to_be_visible()
    expect(page.get_by_label("Negative")).to_be_checked()
    expect(page.get_by_label("Positive")).not_to_be_checked()
    page.get_by_role("button", name=re.compile("^Submit")).click()
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    assert chosen(completions_of(api, ids[1])[0]) == [["Negative"]]


def test_a_failed_save_keeps_the_task_and_its_labels(page, api):
    ids = labeled_project(api, count=2)
    open_label(page)
    expect_task(page, ids[0])
    page.route(f"**/api/tasks/{ids[0]}/completions", lambda route: route.fulfill(
        status=503, content_type="application/json", body='{"detail": "disk full"}'))
    page.keyboard.press("2")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("disk full")).to_be_visible()
    expect_task(page, ids[0])
    expect(page.get_by_label("Negative")).to_be_checked()
    page.unroute(f"**/api/tasks/{ids[0]}/completions")
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[1])
    assert chosen(completions_of(api, ids[0])[0]) == [["Negative"]]
