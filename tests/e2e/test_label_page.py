"""The Label page in real Chromium: submit, update, skip, predictions, drafts and hotkeys."""

import re

from playwright.sync_api import expect

from tests.e2e.test_pages import add_tasks, choice_result, label, labeled_project, set_config


def open_label(page, path="/label"):
    page.goto(page.base_url + path)
    expect(page.get_by_role("button", name=re.compile("^(Submit|Update)"))).to_be_enabled()
    page.evaluate("window.stillHere = true")


def expect_task(page, task_id):
    expect(page).to_have_url(f"{page.base_url}/label/{task_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Task {task_id}")
    expect(page.get_by_role("button", name=re.compile("^(Submit|Update)"))).to_be_enabled()


def completions_of(api, task_id):
    return api.get(f"/api/tasks/{task_id}").json["completions"]


def chosen(completion):
    return [item["value"]["choices"] for item in completion["result"]]


def test_choose_by_click_submit_and_the_next_task_appears_without_reload(page, api):
    ids = labeled_project(api, count=3)
    open_label(page)
    expect_task(page, ids[0])
    page.get_by_label("Positive").click()
    page.get_by_role("button", name=re.compile("^Submit")).click()
    expect_task(page, ids[1])
    [completion] = completions_of(api, ids[0])
    assert chosen(completion) == [["Positive"]]
    assert completion["lead_time"] > 0
    assert page.evaluate("window.stillHere") is True


def test_choose_by_hotkey_and_submit_with_ctrl_enter(page, api):
    ids = labeled_project(api, count=2)
    open_label(page)
    page.keyboard.press("2")
    expect(page.get_by_label("Negative")).to_be_checked()
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[1])
    assert chosen(completions_of(api, ids[0])[0]) == [["Negative"]]
    assert page.evaluate("window.stillHere") is True


def test_skip_with_ctrl_space_and_with_the_button(page, api):
    ids = labeled_project(api, count=3)
    open_label(page)
    page.keyboard.press("Control+Space")
    expect_task(page, ids[1])
    page.get_by_role("button", name=re.compile("^Skip")).click()
    expect_task(page, ids[2])
    for task_id in ids[:2]:
        [completion] = completions_of(api, task_id)
        assert completion["was_cancelled"] is True and completion["result"] == []


def test_last_submit_shows_that_all_tasks_are_labeled(page, api):
    ids = labeled_project(api, count=2, labeled=(0,))
    open_label(page)
    expect_task(page, ids[1])
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    expect(page).to_have_url(page.base_url + "/label")
    expect(page.get_by_role("link", name="Export the results")).to_be_visible()


def test_update_an_existing_completion(page, api):
    ids = labeled_project(api, count=2, labeled=(0,))
    [original] = completions_of(api, ids[0])
    open_label(page, f"/label/{ids[0]}")
    expect(page.locator(".mode").first).to_have_text(f"Editing completion #{original['id']}")
    expect(page.get_by_label("Positive")).to_be_checked()
    expect(page.get_by_role("button", name=re.compile("^Skip"))).to_be_disabled()
    page.get_by_label("Negative").click()
    page.get_by_role("button", name=re.compile("^Update")).click()
    expect(page.get_by_text(f"Completion #{original['id']} updated")).to_be_visible()
    expect(page).to_have_url(f"{page.base_url}/label/{ids[0]}")
    [updated] = completions_of(api, ids[0])
    assert updated["id"] == original["id"] and chosen(updated) == [["Negative"]]


def test_prediction_loads_as_pre_annotation_and_submits_unchanged(page, api):
    set_config(api)
    prediction = choice_result("Negative")
    [task_id] = add_tasks(api, [{"data": {"text": "predicted"}, "predictions": [{"model_version": "m1", "result": prediction}]}])
    open_label(page)
    expect(page.locator(".mode").first).to_have_text(re.compile(r"^New completion from prediction #\d+$"))
    expect(page.get_by_label("Negative")).to_be_checked()
    page.keyboard.press("Control+Enter")
    expect(page.get_by_text("All tasks are labeled")).to_be_visible()
    [completion] = completions_of(api, task_id)
    assert [{key: item[key] for key in ("from_name", "to_name", "type", "value")} for item in completion["result"]] == prediction


def test_side_panel_loads_another_completion(page, api):
    ids = labeled_project(api, count=1, labeled=(0,))
    label(api, ids[0], "Negative")
    first, second = completions_of(api, ids[0])
    open_label(page, f"/label/{ids[0]}")
    expect(page.get_by_label("Negative")).to_be_checked()
    page.get_by_role("button", name=re.compile(f"^#{first['id']}")).click()
    expect(page.locator(".mode").first).to_have_text(f"Editing completion #{first['id']}")
    expect(page.get_by_label("Positive")).to_be_checked()
    page.get_by_role("button", name="Start a new completion").click()
    expect(page.locator(".mode").first).to_have_text("New completion")
    expect(page.get_by_label("Positive")).not_to_be_checked()


def test_a_draft_is_restored_after_reopening_the_task(page, api):
    ids = labeled_project(api, count=2)
    open_label(page, f"/label/{ids[0]}")
    page.get_by_label("Positive").click()
    expect(page.locator(".draft-state")).to_have_text("Draft saved")
    assert api.get(f"/api/tasks/{ids[0]}/draft").json["result"][0]["value"] == {"choices": ["Positive"]}

    page.reload()
    expect(page.get_by_text("Restored your unsaved work")).to_be_visible()
    expect(page.get_by_label("Positive")).to_be_checked()
    page.get_by_role("button", name=re.compile("^Submit")).click()
    expect_task(page, ids[1])
    assert chosen(completions_of(api, ids[0])[0]) == [["Positive"]]
    assert api.get(f"/api/tasks/{ids[0]}/draft").json is None


def test_discarding_a_restored_draft_deletes_it(page, api):
    ids = labeled_project(api, count=1)
    assert api.request("PUT", f"/api/tasks/{ids[0]}/draft", json_body={"result": choice_result("Negative")}).status == 200
    open_label(page, f"/label/{ids[0]}")
    expect(page.get_by_label("Negative")).to_be_checked()
    page.get_by_role("button", name="Discard").click()
    expect(page.get_by_text("Restored your unsaved work")).to_have_count(0)
    expect(page.get_by_label("Negative")).not_to_be_checked()
    assert api.get(f"/api/tasks/{ids[0]}/draft").json is None


def test_question_mark_toggles_the_hotkey_overlay(page, api):
    labeled_project(api, count=1)
    open_label(page)
    page.keyboard.press("?")
    overlay = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(overlay).to_be_visible()
    expect(overlay).to_contain_text("ctrl+enter")
    expect(overlay).to_contain_text("ctrl+space")
    expect(overlay).to_contain_text("Positive")  # the editor's own hotkeys are listed too
    page.keyboard.press("?")
    expect(overlay).to_have_count(0)
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(overlay).to_be_visible()
    page.keyboard.press("Escape")
    expect(overlay).to_have_count(0)


def test_hotkeys_do_not_fire_while_typing(page, api):
    ids = labeled_project(api, count=2)
    open_label(page)
    page.evaluate("""() => {
        const box = document.createElement("textarea");
        box.id = "typing";
        document.querySelector(".label-main").append(box);
    }""")
    box = page.locator("#typing")
    box.click()
    page.keyboard.type("why?")
    page.keyboard.press("Control+Space")
    expect(box).to_have_value(re.compile(r"^why\?"))
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert completions_of(api, ids[0]) == []
    page.keyboard.press("Control+Enter")
    page.get_by_role("dialog", name="Submit without labels?").get_by_role("button", name="Submit without labels").click()
    expect_task(page, ids[1])


def test_an_editor_that_fails_to_load_is_reported_in_place(page, api):
    labeled_project(api, count=1)
    page.route("**/assets/editor/editor.js", lambda route: route.fulfill(status=500, body="broken"))
    page.goto(page.base_url + "/label")
    expect(page.get_by_role("alert")).to_contain_text("The labeling editor could not be shown")
    expect(page.get_by_role("button", name=re.compile("^Submit"))).to_be_disabled()


def test_a_label_session_logs_no_console_errors(page, api):
    # Every console error counts here, a failed request's "Failed to load resource" too.
    messages = []
    page.on("console", lambda message: messages.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: messages.append(str(error)))
    ids = labeled_project(api, count=3)
    open_label(page)
    expect_task(page, ids[0])
    page.get_by_label("Positive").click()
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[1])
    page.keyboard.press("2")
    page.keyboard.press("Control+Enter")
    expect_task(page, ids[2])
    assert chosen(completions_of(api, ids[1])[0]) == [["Negative"]]
    assert messages == []
