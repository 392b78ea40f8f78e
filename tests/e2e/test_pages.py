"""The app's pages in real Chromium against a real server: each page renders and does its job."""

import json
import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

TEXT_CHOICES = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
  </Choices>
</View>"""

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def set_config(api, xml=TEXT_CHOICES):
    answer = api.post("/api/project/config", json={"label_config": xml})
    assert answer.status == 201, answer


def add_tasks(api, tasks):
    answer = api.post("/api/project/import", json=tasks)
    assert answer.status == 201, answer
    return answer.json["new_task_ids"]


def choice_result(choice):
    return [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [choice]}}]


def label(api, task_id, choice="Positive"):
    assert api.post(f"/api/tasks/{task_id}/completions", json={"result": choice_result(choice)}).status == 201


def skip(api, task_id):
    assert api.post(f"/api/tasks/{task_id}/completions?was_cancelled=1", json={"result": []}).status == 201


def labeled_project(api, count=25, labeled=(), skipped=()):
    """A Text+Choices project of `count` tasks; the given positions (0-based) labeled or skipped."""
    set_config(api)
    ids = add_tasks(api, [{"text": f"Sentence number {n}"} for n in range(1, count + 1)])
    for index in labeled:
        label(api, ids[index])
    for index in skipped:
        skip(api, ids[index])
    return ids


def open_page(page, path):
    page.goto(page.base_url + path)
    expect(page.locator("main h1")).to_be_visible()


def shown_ids(page):
    cells = page.locator("table.data-table tbody tr td:first-child a")
    return [int(text) for text in cells.all_inner_texts()]


def expect_ids(page, ids):
    expect(page.locator("table.data-table tbody tr td:first-child a")).to_have_text([str(i) for i in ids])


# -- shell ------------------------------------------------------------------------------------


def test_start_page_sends_a_new_project_to_setup(page, api):
    page.goto(page.base_url + "/")
    expect(page).to_have_url(page.base_url + "/setup")
    expect(page.get_by_role("heading", name="Labeling setup")).to_be_visible()
    expect(page.locator("#project-title")).to_have_text(api.get("/api/project").json["title"])


def test_nav_links_change_pages_without_reloading(page, api):
    labeled_project(api, count=3)
    open_page(page, "/tasks")
    page.evaluate("window.stillHere = true")
    nav = page.get_by_role("navigation", name="Pages")
    for name, heading in [("Import", "Import tasks"), ("Export", "Export"), ("Stats", "Stats"),
                          ("Models", "Models"), ("Projects", "Projects"), ("Setup", "Labeling setup")]:
        nav.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        expect(nav.get_by_role("link", name=name)).to_have_attribute("aria-current", "page")
    page.go_back()
    expect(page.get_by_role("heading", level=1, name="Projects")).to_be_visible()
    assert page.evaluate("window.stillHere") is True


def test_unknown_task_shows_a_message(page, api):
    labeled_project(api, count=1)
    open_page(page, "/label/999999")
    expect(page.get_by_text("Task 999999 not found")).to_be_visible()


# -- projects ---------------------------------------------------------------------------------


def test_projects_page_creates_and_switches_projects(page, api):
    first = api.get("/api/project").json
    open_page(page, "/projects")
    page.get_by_label("Title").fill("Bird photos")
    page.get_by_role("button", name="Create project").click()
    expect(page.locator("#project-title")).to_have_text("Bird photos")
    assert api.get("/api/project").json["title"] == "Bird photos"
    # A new project has no config: creating it lands on Setup.
    expect(page).to_have_url(re.compile(r"/setup$"))
    expect(page.get_by_role("heading", name="Labeling setup")).to_be_visible()
    open_page(page, "/projects")
    expect(page.get_by_role("row", name="Bird photos")).to_contain_text("Active")

    page.get_by_role("button", name=f"Switch to {first['title']}").first.click()
    expect(page.locator("#project-title")).to_have_text(first["title"])
    assert api.get("/api/project").json["uuid"] == first["uuid"]
    expect(page.get_by_role("region", name="Recent files")).to_contain_text("Bird photos")


def test_projects_page_opens_a_file_by_path(page, api):
    first = api.get("/api/project").json
    other = api.post("/api/project", json={"desc": "Opened by path"}).json
    api.post(f"/api/project-switch?uuid={first['uuid']}&path={first['path']}")
    open_page(page, "/projects")
    page.get_by_label("Path of a .lsdesk file").fill(other["path"])
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.locator("#project-title")).to_have_text("Opened by path")
    assert api.get("/api/project").json["uuid"] == other["uuid"]


def test_projects_page_shows_why_a_file_cannot_open(page, api):
    open_page(page, "/projects")
    page.get_by_label("Path of a .lsdesk file").fill("/nowhere/missing.lsdesk")
    page.get_by_role("button", name="Open", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("missing.lsdesk")


# -- setup ------------------------------------------------------------------------------------


def test_setup_saves_a_config_from_the_gallery(page, api):
    open_page(page, "/setup")
    page.get_by_role("button", name="Text classification").click()
    expect(page.get_by_label("Label config (XML)")).to_have_value(re.compile('name="sentiment"'))
    expect(page.locator(".preview")).to_contain_text("The quick brown fox")
    page.get_by_role("button", name="Save config").click()
    expect(page.locator(".save-state")).to_have_text("Saved")
    assert 'name="sentiment"' in api.get("/api/project").json["config"]["label_config"]


def test_setup_shows_a_validation_error_at_its_line(page, api):
    open_page(page, "/setup")
    broken = '<View>\n  <Text name="text" value="$text"/>\n  <Choices name="c" toName="txt"><Choice value="A"/></Choices>\n</View>'
    page.get_by_label("Label config (XML)").fill(broken)
    expect(page.locator(".code-gutter .bad")).to_have_text("3")
    expect(page.locator(".code-mark")).to_have_count(1)
    problem = page.locator("#config-problems li")
    expect(problem).to_contain_text("line 3: Choices 'c' has toName='txt'")
    page.get_by_role("button", name="Save config").click()
    expect(page.locator(".save-state")).to_have_text("Unsaved changes")
    assert api.get("/api/project").json["config"]["label_config"] is None

    page.get_by_label("Label config (XML)").fill(broken.replace('"txt"', '"text"'))
    expect(page.locator(".code-gutter .bad")).to_have_count(0)
    expect(problem).to_have_count(0)


def test_every_gallery_template_is_a_valid_config(page, api):
    open_page(page, "/setup")
    statuses = page.evaluate("""async () => {
        const { TEMPLATES } = await import("/assets/pages/setup-templates.js");
        const answers = await Promise.all(TEMPLATES.map((template) => fetch("/api/validate-config", {
            method: "POST", headers: {"Content-Type": "application/json"},
            body: JSON.stringify({label_config: template.config})})));
        return TEMPLATES.map((template, index) => [template.title, answers[index].status]);
    }""")
    assert len(statuses) == 10
    assert all(status == 204 for _, status in statuses), statuses


# -- import -----------------------------------------------------------------------------------


def test_import_with_the_file_picker(page, api):
    set_config(api)
    open_page(page, "/import")
    tasks = json.dumps([{"text": "one"}, {"text": "two"}]).encode()
    page.get_by_label("Files to import").set_input_files(
        [{"name": "tasks.json", "mimeType": "application/json", "buffer": tasks}])
    expect(page.locator(".import-status")).to_contain_text("Imported 2 tasks")
    expect(page.locator(".import-status")).to_contain_text(".json (1)")
    assert api.get("/api/project").json["task_count"] == 2


def test_import_dropped_files(page, api):
    set_config(api)
    open_page(page, "/import")
    page.locator(".dropzone").evaluate("""(zone) => {
        const dropped = new DataTransfer();
        dropped.items.add(new File(['[{"text": "dropped"}]'], "dropped.json", {type: "application/json"}));
        dropped.items.add(new File(["text\\nfrom csv\\n"], "more.csv", {type: "text/csv"}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dropped, bubbles: true, cancelable: true}));
    }""")
    expect(page.locator(".import-status")).to_contain_text("Imported 2 tasks")
    expect(page.locator(".import-status")).to_contain_text(".json (1), .csv (1)")


def test_import_pasted_json_and_csv(page, api):
    set_config(api)
    open_page(page, "/import")
    pasted = page.get_by_role("textbox", name="Paste JSON or CSV")
    pasted.fill('[{"text": "alpha"}, {"text": "beta"}, {"text": "gamma"}]')
    expect(page.locator("#paste-kind")).to_have_text("Will be sent as JSON.")
    page.get_by_role("button", name="Import pasted text").click()
    expect(page.locator(".import-status")).to_contain_text("Imported 3 tasks")
    expect(pasted).to_have_value("")

    pasted.fill("text\nfirst row\nsecond row\n")
    page.get_by_role("button", name="Import pasted text").click()
    expect(page.locator(".import-status")).to_contain_text("Imported 2 tasks")
    expect(page.locator(".import-status")).to_contain_text(".csv (1)")
    expect(page.locator(".lead")).to_contain_text("The project has 5 tasks")
    texts = [task["data"]["text"] for task in api.get("/api/tasks?page_size=10").json]
    assert texts == ["alpha", "beta", "gamma", "first row", "second row"]


def test_import_shows_each_item_error(page, api):
    set_config(api)
    open_page(page, "/import")
    page.get_by_role("textbox", name="Paste JSON or CSV").fill('[{"text": "fine"}, {"other": 1}]')
    page.get_by_role("button", name="Import pasted text").click()
    error = page.get_by_role("alert")
    expect(error).to_contain_text("Nothing was imported")
    expect(error).to_contain_text("Error at item 1")
    assert api.get("/api/project").json["task_count"] == 0


# -- tasks ------------------------------------------------------------------------------------


def test_tasks_table_pages_and_sorts(page, api):
    ids = labeled_project(api, count=25)
    open_page(page, "/tasks?size=10")
    expect_ids(page, ids[:10])
    page.get_by_role("button", name="Next ›").click()
    expect_ids(page, ids[10:20])
    expect(page.locator(".pager-label")).to_have_text("Page 2 of 3")
    expect(page).to_have_url(page.base_url + "/tasks?page=2&size=10")
    page.get_by_role("button", name="Last page").click()
    expect_ids(page, ids[20:])
    page.get_by_role("button", name="ID", exact=True).click()
    expect_ids(page, ids[::-1][:10])
    expect(page.get_by_role("columnheader", name="ID")).to_have_attribute("aria-sort", "descending")


def test_tasks_filters_labeled_unlabeled_and_skipped(page, api):
    ids = labeled_project(api, count=25, labeled=(0, 3, 7), skipped=(4, 12))
    open_page(page, "/tasks?size=10")
    page.get_by_role("button", name="Labeled", exact=True).click()
    expect(page.locator("table.data-table tbody tr")).to_have_count(5)
    assert sorted(shown_ids(page)) == sorted(ids[i] for i in (0, 3, 4, 7, 12))
    expect(page.locator(".pager-label")).to_have_text("Page 1 of 1")

    page.get_by_role("button", name="Unlabeled").click()
    unlabeled = [task_id for index, task_id in enumerate(ids) if index not in (0, 3, 4, 7, 12)]
    expect_ids(page, unlabeled[:10])
    page.get_by_role("button", name="Next ›").click()
    expect_ids(page, unlabeled[10:20])
    expect(page.locator(".pager-label")).to_have_text("Page 2 of 2")

    page.get_by_role("button", name="Skipped", exact=True).click()
    expect(page.locator("table.data-table tbody tr")).to_have_count(2)
    assert sorted(shown_ids(page)) == [ids[4], ids[12]]
    expect(page.locator(".count-line")).to_contain_text("2 tasks")


def test_tasks_delete_one_and_all(page, api):
    ids = labeled_project(api, count=4)
    open_page(page, "/tasks")
    page.get_by_role("button", name=f"Delete task {ids[1]}").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect_ids(page, [ids[0], ids[2], ids[3]])
    assert api.get(f"/api/tasks/{ids[1]}").status == 404

    page.get_by_role("button", name="Delete all tasks").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete all 3 tasks?")
    dialog.get_by_role("button", name="Delete all tasks").click()
    expect(page.get_by_text("No tasks yet")).to_be_visible()
    assert api.get("/api/project").json["task_count"] == 0


def test_tasks_cancelled_delete_keeps_the_task(page, api):
    ids = labeled_project(api, count=2)
    open_page(page, "/tasks")
    page.get_by_role("button", name=f"Delete task {ids[0]}").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect_ids(page, ids)
    assert api.get(f"/api/tasks/{ids[0]}").status == 200


def test_tasks_preview_shows_thumbnails_and_first_words(page, api):
    add_tasks(api, [{"image": "/assets/samples/sample.png", "caption": "a small sample picture"},
                    {"text": " ".join(f"word{n}" for n in range(40))}])
    open_page(page, "/tasks")
    rows = page.locator("table.data-table tbody tr")
    expect(rows.nth(0).locator("img")).to_have_attribute("loading", "lazy")
    expect(rows.nth(0).locator("img")).to_have_attribute("src", "/assets/samples/sample.png")
    expect(rows.nth(0)).to_contain_text("a small sample picture")
    expect(rows.nth(1).locator(".preview-cell .text")).to_have_text(" ".join(f"word{n}" for n in range(16)) + "…")


def test_task_text_with_markup_is_shown_as_text(page, api):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    set_config(api)
    evil = '<img src=x onerror=alert(1)> and <script>alert(2)</script>'
    [task_id] = add_tasks(api, [{"text": evil}])
    open_page(page, "/tasks")
    expect(page.locator(".preview-cell .text")).to_have_text(evil)
    expect(page.locator("table.data-table img")).to_have_count(0)
    open_page(page, f"/label/{task_id}")
    expect(page.locator(".editor-host")).to_contain_text(evil)
    expect(page.locator(".editor-host img")).to_have_count(0)
    expect(page.locator(".editor-host script")).to_have_count(0)
    page.wait_for_timeout(200)
    assert dialogs == []


# -- export, stats, models --------------------------------------------------------------------


def test_export_greys_unsupported_formats_and_downloads_json(page, api):
    ids = labeled_project(api, count=3, labeled=(0,))
    open_page(page, "/export")
    coco = page.get_by_role("radio", name="COCO")
    expect(coco).to_be_disabled()
    expect(page.locator(".format.unsupported").filter(has_text="COCO")).to_contain_text("Not available: needs an Image")
    expect(page.get_by_role("radio", name="JSON", exact=True)).to_be_checked()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert download.value.suggested_filename.endswith(".json")
    assert [task["id"] for task in exported] == [ids[0]]

    page.get_by_label("As a zip archive").check()
    expect(page.get_by_role("link", name="Download JSON (zip)")).to_have_attribute(
        "href", "/api/project/export?format=JSON&archive=1")
    page.get_by_role("radio", name="CSV").check()
    expect(page.locator("#export-download")).to_have_attribute("href", "/api/project/export?format=CSV&archive=1")


def test_stats_shows_progress_and_labels(page, api):
    ids = labeled_project(api, count=10, labeled=(0, 1), skipped=(2, 3))
    label(api, ids[4], "Negative")
    open_page(page, "/stats")
    cards = page.locator(".stat-card")
    expect(cards).to_have_text(["10Tasks", "3Labeled", "2Skipped", "5Left"])
    expect(page.locator("#sample-size")).to_have_text("Sample: all 5 tasks with completions.")
    expect(page.get_by_role("img", name="Labels of sentiment: Positive: 2, Negative: 1")).to_be_visible()
    expect(page.get_by_role("img", name="Completions per day").first).to_be_visible()


def test_models_page_without_a_backend(page, api):
    open_page(page, "/models")
    expect(page.get_by_text("No backend connected")).to_be_visible()


# -- screenshots for the README (LSDESK_SCREENSHOTS=1 pytest tests/e2e -k screenshots) ----------


@pytest.mark.skipif(not os.environ.get("LSDESK_SCREENSHOTS"), reason="set LSDESK_SCREENSHOTS=1 to write docs/screenshots")
def test_screenshots(page, api):
    from tests.ml_backend import MLBackend

    api.patch("/api/settings", json={"annotator": "Ann"})
    api.post("/api/project", json={"desc": "Bird photos"})
    api.post("/api/project", json={"desc": "Product reviews"})
    set_config(api)
    api.patch("/api/project", json={"instruction": "Judge the review as a whole; sarcasm counts as Negative."})
    reviews = ["Arrived quickly and works exactly as described.", "The battery died after two days.",
               "Decent value for the price, though the manual is confusing.", "Absolutely love it, buying another one.",
               "Customer support never answered my emails."]
    day = 86_400
    now = int(time.time())

    def ann_says(n):
        return "Negative" if n % 3 == 0 else "Positive"

    labeled = [{"data": {"text": reviews[n % 5]}, "completions": [{
        "result": choice_result(ann_says(n)), "completed_by": "Ann", "created_at": now - (n % 9) * day - n * 600}]}
        for n in range(30)]
    predicted = [{"data": {"text": reviews[1]}, "predictions": [
        {"model_version": "sentiment-v2", "score": 0.87, "result": choice_result("Negative")}]}]
    ids = add_tasks(api, labeled + predicted + [{"text": reviews[n % 5]} for n in range(33)])
    for task_id in ids[31:33]:
        skip(api, task_id)
    # A second annotator on a few tasks (as after merging two copies), disagreeing on two.
    api.patch("/api/settings", json={"annotator": "Bob"})
    for n, task_id in enumerate(ids[:8]):
        label(api, task_id, ann_says(n) if n not in (1, 4) else {"Positive": "Negative", "Negative": "Positive"}[ann_says(n)])
    api.patch("/api/settings", json={"annotator": "Ann"})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with MLBackend() as backend:
        api.patch("/api/project", json={"ml_backend": f"sentiment={backend.url}"})
        for name, path in [("projects", "/projects"), ("setup", "/setup"), ("import", "/import"), ("tasks", "/tasks"),
                           ("label", f"/label/{ids[30]}"), ("export", "/export"), ("stats", "/stats"),
                           ("models", "/models"), ("compare", f"/label/{ids[1]}/compare")]:
            open_page(page, path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
            assert (SCREENSHOTS / f"{name}.png").stat().st_size < 200_000
        # The task browser at work: a saved view open, a filter built, two rows ticked.
        negative = {"conjunction": "and", "items": [{"field": "completions.sentiment", "op": "has", "value": "Negative"}]}
        api.post("/api/views", json={"title": "Negative reviews", "query": {
            "filter": negative, "search": "", "order": "-id", "columns": ["id", "data.text", "total_annotations", "annotators", "completed_at"],
            "page_size": 10}})
        api.post("/api/views", json={"title": "To review", "query": {"filter": {"conjunction": "and", "items": [
            {"field": "disagreement", "op": "equal", "value": True}]}, "search": "", "order": "id", "columns": None, "page_size": 20}})
        page.goto(page.base_url + "/tasks")
        page.get_by_role("navigation", name="Saved views").get_by_role("button", name="Negative reviews").click()
        for row in page.locator("table.data-table tbody tr .row-select").all()[:2]:
            row.check()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SCREENSHOTS / "task-browser.png"))
        assert (SCREENSHOTS / "task-browser.png").stat().st_size < 200_000


def test_javascript_urls_in_task_data_run_nothing(browser, app_server, api):
    """The page's content policy refuses a javascript: image (a console error, so not the `page` fixture)."""
    set_config(api, """<View><Image name="img" value="$image"/><Text name="text" value="$text"/>
      <Choices name="sentiment" toName="text"><Choice value="Positive"/></Choices></View>""")
    [task_id] = add_tasks(api, [{"image": "javascript:alert('image')", "text": "javascript:alert('text')"}])
    context = browser.new_context()
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.base_url = app_server.url
    open_page(page, "/tasks")
    open_page(page, f"/label/{task_id}")
    expect(page.locator(".editor-host")).to_contain_text("javascript:alert('text')")
    page.locator(".editor-host .lsd-image").first.click()
    page.wait_for_timeout(300)
    context.close()
    assert dialogs == []
    assert errors and all("Content Security Policy" in error for error in errors), errors
