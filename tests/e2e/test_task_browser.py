"""The Tasks page as a task browser (issue 15 §1), in Chromium against the real server: filters built in the
page, search, sorting and jumping, columns remembered per project, bulk actions on a selection, saved views
reopened after a restart."""

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from playwright.sync_api import expect

from tests.client import Server
from tests.e2e.test_pages import add_tasks, choice_result, expect_ids, open_page, set_config, shown_ids

SOURCES = ["forum", "email", "forum", "chat", "forum", "email", "chat", "forum", "email", "forum", "chat", "forum"]


def review_project(api):
    """12 tasks with `text` and `source`; Ann chose Negative on 0, 2, 5, skipped 7; a model predicted Positive
    on 0, 1, 2 with scores 0.9, 0.4, 0.8. -> task ids."""
    set_config(api)
    tasks = []
    for n, source in enumerate(SOURCES):
        task = {"data": {"text": f"Review {n} about the battery" if n % 4 == 0 else f"Review {n} about shipping",
                         "source": source}}
        if n < 3:
            task["predictions"] = [{"model_version": "v1", "score": [0.9, 0.4, 0.8][n], "result": choice_result("Positive")}]
        tasks.append(task)
    ids = add_tasks(api, tasks)
    assert api.patch("/api/settings", json={"annotator": "Ann"}).status == 200
    for index in (0, 2, 5):
        assert api.post(f"/api/tasks/{ids[index]}/completions", json={"result": choice_result("Negative")}).status == 201
    assert api.post(f"/api/tasks/{ids[7]}/completions?was_cancelled=1", json={"result": []}).status == 201
    return ids


def open_filters(page):
    toggle = page.get_by_role("button", name=re.compile(r"^Filters"))
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    return page.get_by_role("form", name="Filters")


def add_filter(page, number, field, op, value=None):
    filters = open_filters(page)
    filters.get_by_role("button", name="+ Add filter").click()
    filters.get_by_label(f"Field {number}", exact=True).select_option(field)
    filters.get_by_label(f"Operator {number}", exact=True).select_option(op)
    if value is not None:
        box = filters.get_by_label(f"Value {number}", exact=True)
        if box.evaluate("element => element.tagName") == "SELECT":
            box.select_option(value)
        else:
            box.fill(value)


def apply_filters(page):
    open_filters(page).get_by_role("button", name="Apply").click()


def url_query(page):
    return parse_qs(urlparse(page.url).query)


def test_filters_built_in_the_page_combine_data_and_labels_and_survive_a_reload(page, api):
    ids = review_project(api)
    total = len(ids)
    open_page(page, "/tasks")
    expect(page.locator(".count-line")).to_have_text(f"{total} tasks")

    add_filter(page, 1, "data.source", "equal", "forum")
    apply_filters(page)
    forum = [ids[n] for n, source in enumerate(SOURCES) if source == "forum"]
    expect_ids(page, forum)
    expect(page.locator(".count-line")).to_have_text(f"{len(forum)} tasks · {total} in the project")

    add_filter(page, 2, "completions.sentiment", "has", "Negative")
    apply_filters(page)
    expect_ids(page, [ids[0], ids[2]])
    assert json.loads(url_query(page)["filter"][0]) == {"conjunction": "and", "items": [
        {"field": "data.source", "op": "equal", "value": "forum"},
        {"field": "completions.sentiment", "op": "has", "value": "Negative"}]}

    open_filters(page).get_by_label("Match").select_option("or")
    expect_ids(page, sorted(set(forum) | {ids[0], ids[2], ids[5]}))

    page.reload()
    expect_ids(page, sorted(set(forum) | {ids[0], ids[2], ids[5]}))
    filters = page.get_by_role("form", name="Filters")
    expect(filters).to_be_visible()
    expect(filters.get_by_label("Match")).to_have_value("or")
    expect(filters.get_by_label("Value 1", exact=True)).to_have_value("forum")
    expect(filters.get_by_label("Field 2", exact=True)).to_have_value("completions.sentiment")

    filters.get_by_role("button", name="Remove filter 1").click()
    expect_ids(page, [ids[0], ids[2], ids[5]])
    expect(page.get_by_role("button", name="Filters (1)")).to_be_visible()


def test_prediction_filters_and_a_score_range(page, api):
    ids = review_project(api)
    open_page(page, "/tasks")
    add_filter(page, 1, "predictions.sentiment", "has", "Positive")
    add_filter(page, 2, "completions.sentiment", "has", "Negative")
    apply_filters(page)
    expect_ids(page, [ids[0], ids[2]])  # "I chose Negative but the model said Positive"

    open_filters(page).get_by_role("button", name="Remove filter 2").click()
    add_filter(page, 2, "prediction_score", "between")
    filters = open_filters(page)
    filters.get_by_label("From 2", exact=True).fill("0.5")
    filters.get_by_label("To 2", exact=True).fill("1")
    apply_filters(page)
    expect_ids(page, [ids[0], ids[2]])
    filters.get_by_label("From 2", exact=True).fill("0.3")
    filters.get_by_label("To 2", exact=True).fill("0.5")
    apply_filters(page)
    expect_ids(page, [ids[1]])


def test_quick_filters_fill_the_filter_builder(page, api):
    ids = review_project(api)
    open_page(page, "/tasks")
    page.get_by_role("button", name="Skipped", exact=True).click()
    expect_ids(page, [ids[7]])
    expect(page.get_by_role("button", name="Skipped", exact=True)).to_have_attribute("aria-pressed", "true")
    filters = open_filters(page)
    expect(filters.get_by_label("Field 1", exact=True)).to_have_value("state")
    expect(filters.get_by_label("Value 1", exact=True)).to_have_value("skipped")
    # Changed by hand, it is no longer the quick filter.
    filters.get_by_label("Value 1", exact=True).select_option("labeled")
    apply_filters(page)
    expect_ids(page, [ids[0], ids[2], ids[5]])
    expect(page.get_by_role("button", name="Skipped", exact=True)).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="All", exact=True).click()
    expect(page.locator(".count-line")).to_have_text(f"{len(ids)} tasks")


def test_search_sort_by_a_data_column_and_jump_to_a_page(page, api):
    ids = review_project(api)
    open_page(page, "/tasks?size=10")
    page.get_by_label("Search tasks").fill("battery")
    page.get_by_label("Search tasks").press("Enter")
    expect_ids(page, [ids[0], ids[4], ids[8]])
    expect(page).to_have_url(re.compile(r"search=battery"))
    page.get_by_label("Search tasks").fill("")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator(".count-line")).to_have_text(f"{len(ids)} tasks")

    page.get_by_role("button", name="source", exact=True).click()
    expect(page.get_by_role("columnheader", name="source")).to_have_attribute("aria-sort", "ascending")
    assert url_query(page)["order"] == ["data.source"]
    sources = page.locator("table.data-table tbody tr td:nth-child(3)").all_inner_texts()
    assert sources == sorted(SOURCES)[:10]

    page.get_by_role("button", name="ID", exact=True).click()
    expect(page.get_by_role("columnheader", name="ID")).to_have_attribute("aria-sort", "ascending")
    page.get_by_role("button", name="ID", exact=True).click()
    expect(page.get_by_role("columnheader", name="ID")).to_have_attribute("aria-sort", "descending")
    expect_ids(page, ids[::-1][:10])
    page.get_by_label("Page number").fill("2")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.locator(".pager-label")).to_have_text("Page 2 of 2")
    expect_ids(page, ids[::-1][10:])
    page.get_by_label("Page number").fill("9")
    page.get_by_role("button", name="Go", exact=True).click()
    expect(page.locator(".pager-label")).to_have_text("Page 2 of 2")


def test_count_line_says_plus_when_the_server_counts_only_to_a_bound(page, api):
    review_project(api)
    page.route(re.compile(r".*/api/tasks/count.*"), lambda route: route.fulfill(
        status=200, content_type="application/json", body=json.dumps({"count": 100000, "exact": False})))
    open_page(page, "/tasks?size=10")
    expect(page.locator(".count-line")).to_have_text("100,000+ tasks")
    expect(page.locator(".pager-label")).to_have_text("Page 1")
    expect(page.get_by_role("button", name="Next ›")).to_be_enabled()


def test_column_picker_is_remembered_for_the_project(page, api):
    review_project(api)
    open_page(page, "/tasks")
    headers = page.locator("table.data-table thead th")
    expect(headers).to_have_text([re.compile(r"^ID"), "text", "source", "Completions", "Cancelled", "Predictions", "Completed at", ""])
    page.get_by_role("button", name="Columns…").click()
    picker = page.get_by_role("dialog", name="Columns")
    picker.get_by_label("text", exact=True).uncheck()
    picker.get_by_label("Cancelled", exact=True).uncheck()
    picker.get_by_label("Prediction score", exact=True).check()
    picker.get_by_label("Annotators", exact=True).check()
    picker.get_by_role("button", name="Save columns").click()
    chosen = [re.compile(r"^ID"), "source", "Completions", "Predictions", "Prediction score", "Annotators", "Completed at", ""]
    expect(headers).to_have_text(chosen)
    assert api.get("/api/project").json["task_columns"] == [
        "id", "data.source", "total_annotations", "total_predictions", "predictions_score", "annotators", "completed_at"]
    first = page.locator("table.data-table tbody tr").first
    expect(first.locator("td").nth(4)).to_have_text("0.90")
    expect(first.locator("td").nth(5)).to_have_text("Ann")

    page.goto(page.base_url + "/tasks")
    expect(headers).to_have_text(chosen)
    assert "columns" not in url_query(page)


def test_bulk_delete_on_ticked_rows_names_how_many(page, api):
    ids = review_project(api)
    open_page(page, "/tasks")
    page.get_by_label(f"Select task {ids[1]}", exact=True).check()
    page.get_by_label(f"Select task {ids[3]}", exact=True).check()
    expect(page.locator(".selected-count")).to_have_text("2 tasks selected")
    page.get_by_text("Actions", exact=True).click()
    page.get_by_role("button", name="Delete tasks", exact=True).click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete 2 tasks?")
    dialog.get_by_role("button", name="Delete tasks").click()
    expect(page.locator(".count-line")).to_have_text(f"{len(ids) - 2} tasks")
    assert api.get(f"/api/tasks/{ids[1]}").status == 404
    assert api.get(f"/api/tasks/{ids[3]}").status == 404
    assert api.get("/api/project").json["task_count"] == len(ids) - 2
    expect(page.locator(".bulk-bar")).to_be_hidden()


def test_select_all_matching_minus_one_then_delete_their_completions(page, api):
    set_config(api)
    ids = add_tasks(api, [{"text": f"Sentence {n}"} for n in range(14)])
    for task_id in ids[:12]:
        assert api.post(f"/api/tasks/{task_id}/completions", json={"result": choice_result("Positive")}).status == 201
    open_page(page, "/tasks?size=10")
    page.get_by_role("button", name="Labeled", exact=True).click()
    expect(page.locator(".count-line")).to_contain_text("12 tasks")
    page.get_by_label("Select all tasks on this page").check()
    expect(page.locator(".selected-count")).to_have_text("10 tasks selected")
    page.get_by_role("button", name="Select all 12 matching tasks").click()
    expect(page.locator(".selected-count")).to_have_text("All 12 matching tasks selected")
    page.get_by_role("button", name="Next ›").click()
    expect(page.get_by_label(f"Select task {ids[11]}", exact=True)).to_be_checked()
    page.get_by_label(f"Select task {ids[11]}", exact=True).uncheck()

    page.get_by_text("Actions", exact=True).click()
    page.get_by_role("button", name="Delete completions").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete the completions of 11 tasks?")
    dialog.get_by_role("button", name="Delete completions").click()
    expect(page.locator(".count-line")).to_contain_text("1 task")
    assert [task_id for task_id in ids if api.get(f"/api/tasks/{task_id}").json["completions"]] == [ids[11]]


def test_bulk_predictions_ground_truth_and_export_of_the_selection(page, api):
    ids = review_project(api)
    open_page(page, "/tasks")
    for index in (0, 1):
        page.get_by_label(f"Select task {ids[index]}", exact=True).check()

    page.get_by_role("button", name="Export…").click()
    dialog = page.get_by_role("dialog", name="Export 2 tasks")
    dialog.get_by_label("Format").select_option("JSON")
    with page.expect_download() as download:
        dialog.get_by_role("link", name="Download JSON").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert sorted(task["id"] for task in exported) == [ids[0], ids[1]]
    dialog.get_by_role("button", name="Close").click()

    page.get_by_text("Actions", exact=True).click()
    page.get_by_role("button", name="Mark ground truth", exact=True).click()
    expect(page.get_by_text("Marked the ground truth of 2 tasks")).to_be_visible()
    expect(page.locator(".bulk-bar")).to_be_hidden()
    assert api.get(f"/api/tasks/{ids[0]}").json["completions"][0]["ground_truth"] is True

    page.get_by_label(f"Select task {ids[0]}", exact=True).check()
    page.get_by_label(f"Select task {ids[2]}", exact=True).check()
    page.get_by_text("Actions", exact=True).click()
    page.get_by_role("button", name="Delete predictions").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete the predictions of 2 tasks?")
    dialog.get_by_role("button", name="Delete predictions").click()
    expect(page.get_by_text("Deleted the predictions of 2 tasks")).to_be_visible()
    assert api.get(f"/api/tasks/{ids[0]}").json["predictions"] == []
    assert api.get(f"/api/tasks/{ids[2]}").json["predictions"] == []
    assert len(api.get(f"/api/tasks/{ids[1]}").json["predictions"]) == 1


def test_label_these_opens_the_label_queue_of_the_selection(page, api):
    ids = review_project(api)
    open_page(page, "/tasks?order=-id")
    page.get_by_label(f"Select task {ids[4]}", exact=True).check()
    page.get_by_label(f"Select task {ids[9]}", exact=True).check()
    page.get_by_role("button", name="Label these").click()
    expect(page).to_have_url(re.compile(r"/label\?query="))
    sent = url_query(page)
    assert sent["title"] == ["2 selected tasks"]
    queue = parse_qs(sent["query"][0])
    assert queue["order"] == ["-id"]
    [item] = json.loads(queue["filter"][0])["items"]
    assert item["field"] == "id" and item["op"] == "in" and sorted(item["value"]) == [ids[4], ids[9]]


def test_saved_view_is_reopened_after_a_server_restart(page, tmp_path):
    with Server(tmp_path / "workspace") as first:
        ids = review_project(first.client)
        page.goto(first.url + "/tasks?size=10")
        add_filter(page, 1, "data.source", "equal", "forum")
        apply_filters(page)
        page.get_by_role("button", name="ID", exact=True).click()
        expect(page.get_by_role("columnheader", name="ID")).to_have_attribute("aria-sort", "descending")
        forum = [ids[n] for n, source in enumerate(SOURCES) if source == "forum"]
        expect_ids(page, forum[::-1])
        page.get_by_role("button", name="Save as view…").click()
        page.get_by_role("dialog", name="Save as view").get_by_label("Name").fill("Forum, newest first")
        page.get_by_role("dialog", name="Save as view").get_by_role("button", name="Save").click()
        tabs = page.get_by_role("navigation", name="Saved views")
        expect(tabs.get_by_role("button", name="Forum, newest first")).to_have_attribute("aria-pressed", "true")
        [view] = first.client.get("/api/views").json
        assert view["title"] == "Forum, newest first"
        assert view["query"]["order"] == "-id" and view["query"]["page_size"] == 10

    with Server(tmp_path / "workspace") as second:
        page.goto(second.url + "/tasks")
        tabs = page.get_by_role("navigation", name="Saved views")
        expect(tabs.get_by_role("button", name="All tasks")).to_have_attribute("aria-pressed", "true")
        expect(page.locator(".count-line")).to_have_text(f"{len(ids)} tasks")
        tabs.get_by_role("button", name="Forum, newest first").click()
        expect_ids(page, forum[::-1])
        expect(page.locator("#page-size")).to_have_value("10")
        expect(page.get_by_role("form", name="Filters").get_by_label("Value 1", exact=True)).to_have_value("forum")
        assert url_query(page)["view"] == [str(view["id"])]

        page.reload()
        expect(tabs.get_by_role("button", name="Forum, newest first")).to_have_attribute("aria-pressed", "true")
        expect_ids(page, forum[::-1])

        tabs.get_by_role("button", name="Rename…").click()
        page.get_by_role("dialog", name="Rename view").get_by_label("Name").fill("Forum")
        page.get_by_role("dialog", name="Rename view").get_by_label("Name").press("Enter")
        expect(tabs.get_by_role("button", name="Forum", exact=True)).to_be_visible()
        assert second.client.get("/api/views").json[0]["title"] == "Forum"

        # Changed, the view offers to save the change.
        page.get_by_role("button", name="ID", exact=True).click()
        expect(page.get_by_role("columnheader", name="ID")).to_have_attribute("aria-sort", "ascending")
        tabs.get_by_role("button", name="Save changes").click()
        expect(tabs.get_by_role("button", name="Save changes")).to_have_count(0)
        assert second.client.get("/api/views").json[0]["query"]["order"] == "id"

        tabs.get_by_role("button", name="Label", exact=True).click()
        expect(page).to_have_url(re.compile(r"/label\?query="))
        assert url_query(page)["title"] == ["Forum"]
        queue = parse_qs(url_query(page)["query"][0])
        assert json.loads(queue["filter"][0])["items"] == [{"field": "data.source", "op": "equal", "value": "forum"}]
        assert queue["order"] == ["id"]
        page.go_back()
        expect(tabs.get_by_role("button", name="Forum", exact=True)).to_have_attribute("aria-pressed", "true")

        tabs.get_by_role("button", name="Delete view").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("Delete the view “Forum”?")
        dialog.get_by_role("button", name="Delete view").click()
        expect(tabs.get_by_role("button", name="Forum", exact=True)).to_have_count(0)
        assert second.client.get("/api/views").json == []
        expect(page.locator(".count-line")).to_have_text(f"{len(ids)} tasks")


def test_cells_show_thumbnails_with_file_names_and_a_play_button(page, api):
    add_tasks(api, [{"image": "/assets/samples/sample.png", "audio": "/assets/samples/sample.wav", "note": "first"}])
    open_page(page, "/tasks")
    row = page.locator("table.data-table tbody tr").first
    expect(row.locator("img")).to_have_attribute("src", "/assets/samples/sample.png")
    expect(row.locator(".file-name").first).to_have_text("sample.png")
    play = row.get_by_role("button", name="Play sample.wav")
    play.click()
    expect(play).to_have_text("❚❚")
    play.click()
    expect(play).to_have_text("▶")
    assert shown_ids(page) == [api.get("/api/tasks?page=1&page_size=1").json[0]["id"]]
