"""The Settings page (saved settings shown again after a reload, the project deleted from the page) and the
Import page's fixes in place (a file's key mapped to the config's, the duplicates question answered both ways)."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.test_pages import SCREENSHOTS, add_tasks, open_page, set_config


def texts(api):
    return [task["data"].get("text") for task in api.get("/api/tasks?page_size=100").json]


# -- settings ------------------------------------------------------------------------------------


def test_settings_are_saved_and_shown_after_a_reload(page, api):
    open_page(page, "/projects")
    page.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", name="Project settings")).to_be_visible()
    page.get_by_label("Title").fill("Reviews, spring batch")
    page.get_by_label("Description").fill("Product reviews from the April scrape")
    page.get_by_label("Labeling instructions").fill("Choose <b>Negative</b> for any complaint.")
    page.get_by_label("Which task comes next").select_option(label="At random")
    page.get_by_label("Offer “Skip” on the Label page").uncheck()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved")).to_be_visible()
    expect(page.locator("#project-title")).to_have_text("Reviews, spring batch")

    project = api.get("/api/project").json
    assert (project["title"], project["description"], project["instruction"], project["sampling"], project["show_skip"]) == (
        "Reviews, spring batch", "Product reviews from the April scrape", "Choose <b>Negative</b> for any complaint.",
        "uniform", False)
    page.reload()
    expect(page.get_by_label("Title")).to_have_value("Reviews, spring batch")
    expect(page.get_by_label("Description")).to_have_value("Product reviews from the April scrape")
    expect(page.get_by_label("Labeling instructions")).to_have_value("Choose <b>Negative</b> for any complaint.")
    expect(page.get_by_label("Which task comes next")).to_have_value("uniform")
    expect(page.get_by_label("Offer “Skip” on the Label page")).not_to_be_checked()
    expect(page.locator("#settings-path")).to_have_text(project["path"])


def test_an_empty_title_is_not_saved(page, api):
    title = api.get("/api/project").json["title"]
    open_page(page, "/settings")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_label("Title")).to_have_js_property("validity.valueMissing", True)
    assert api.get("/api/project").json["title"] == title


def test_deleting_the_project_names_its_file_and_goes_to_the_projects_page(page, api):
    kept = api.get("/api/project").json
    doomed = api.post("/api/project", json={"desc": "Doomed"}).json
    name = Path(doomed["path"]).name
    open_page(page, "/settings")
    page.get_by_role("button", name="Delete project…").click()
    dialog = page.get_by_role("dialog", name="Delete “Doomed”?")
    expect(dialog).to_contain_text(doomed["path"])
    dialog.get_by_role("button", name="Cancel").click()
    assert Path(doomed["path"]).exists()

    page.get_by_role("button", name="Delete project…").click()
    page.get_by_role("dialog").get_by_role("button", name=f"Delete {name}").click()
    expect(page).to_have_url(re.compile(r"/projects$"))
    expect(page.get_by_text(f"Deleted {name}")).to_be_visible()
    expect(page.locator("#project-title")).to_have_text(kept["title"])
    expect(page.get_by_role("row", name=kept["title"])).to_contain_text("Active")
    expect(page.get_by_role("row", name="Doomed")).to_have_count(0)
    assert not Path(doomed["path"]).exists()


# -- import: a key mapped in the page --------------------------------------------------------------


def test_a_missing_key_is_fixed_by_mapping_the_files_column_in_the_page(page, api):
    set_config(api)
    open_page(page, "/import")
    page.get_by_label("Files to import").set_input_files([
        {"name": "people.csv", "mimeType": "text/csv", "buffer": b"sentence,id\nThe food was cold,1\nGreat service,2\n"}])
    fix = page.get_by_role("region", name="Fix it here: map the file's keys to the config's")
    expect(fix).to_contain_text('people.csv, data row 1: the config\'s <Text> reads $text; the item has sentence, id.')
    expect(page.locator(".import-status .notice.error")).to_contain_text('"text" key is expected in task data')
    assert api.get("/api/project").json["task_count"] == 0

    fix.get_by_label("Key for $text").select_option("sentence")
    fix.get_by_role("button", name="Import with this mapping").click()
    expect(page.locator(".import-status")).to_contain_text("Imported 2 tasks")
    assert [task["data"] for task in api.get("/api/tasks").json] == [
        {"text": "The food was cold", "id": 1}, {"text": "Great service", "id": 2}]


def test_the_mapping_waits_for_a_choice_and_offers_setup_instead(page, api):
    set_config(api)
    open_page(page, "/import")
    page.get_by_role("textbox", name="Paste JSON or CSV").fill('[{"sentence": "a", "note": "n"}]')
    page.get_by_role("button", name="Import pasted text").click()
    fix = page.get_by_role("region", name="Fix it here: map the file's keys to the config's")
    expect(fix).to_contain_text("The pasted JSON: the config's <Text> reads $text; the item has sentence, note.")
    fix.get_by_role("button", name="Import with this mapping").click()
    expect(fix.get_by_role("alert")).to_have_text("Choose the file's key for $text first.")
    assert api.get("/api/project").json["task_count"] == 0
    fix.get_by_role("link", name="Or change the config's value on Setup").click()
    expect(page).to_have_url(re.compile(r"/setup$"))


# -- import: duplicates --------------------------------------------------------------------------


def _import_again(page):
    open_page(page, "/import")
    page.get_by_role("textbox", name="Paste JSON or CSV").fill("text\nalready here\nnew one\nnew one\n")
    page.get_by_role("button", name="Import pasted text").click()
    question = page.get_by_role("region", name="2 tasks of 3 tasks to import are already there")
    expect(question).to_contain_text("Item 1 of the import is task 1 of the project")
    expect(question).to_contain_text("Item 3 of the import is the same as its item 2")
    return question


def test_duplicates_are_skipped_when_the_user_says_so(page, api):
    set_config(api)
    add_tasks(api, [{"text": "already here"}])
    question = _import_again(page)
    assert texts(api) == ["already here"]
    question.get_by_role("button", name="Skip duplicates").click()
    status = page.locator(".import-status")
    expect(status).to_contain_text("Imported 1 task")
    expect(status).to_contain_text("Skipped 2 duplicates: their data was already there")
    assert texts(api) == ["already here", "new one"]


def test_duplicates_are_imported_anyway_when_the_user_says_so(page, api):
    set_config(api)
    add_tasks(api, [{"text": "already here"}])
    question = _import_again(page)
    question.get_by_role("button", name="Import anyway").click()
    expect(page.locator(".import-status")).to_contain_text("Imported 3 tasks")
    expect(page.locator(".import-status")).not_to_contain_text("Skipped")
    assert texts(api) == ["already here", "already here", "new one", "new one"]


# -- screenshots for the README (LSDESK_SCREENSHOTS=1 pytest tests/e2e -k screenshots) ----------


@pytest.mark.skipif(not os.environ.get("LSDESK_SCREENSHOTS"), reason="set LSDESK_SCREENSHOTS=1 to write docs/screenshots")
def test_screenshots_of_settings_and_the_import_mapping(page, api):
    api.patch("/api/settings", json={"annotator": "Ann"})
    api.post("/api/project", json={"desc": "Product reviews"})
    set_config(api)
    api.patch("/api/project", json={
        "description": "Reviews from the April scrape, one sentence each.",
        "instruction": "Choose Negative for any complaint, even a mild one. Skip reviews that are not in English.",
        "sampling": "uniform"})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_page(page, "/settings")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / "settings.png"), full_page=True)
    open_page(page, "/import")
    page.get_by_label("Files to import").set_input_files([
        {"name": "reviews.csv", "mimeType": "text/csv", "buffer": b"sentence,stars\nThe battery died after two days.,1\n"}])
    page.get_by_label("Key for $text").select_option("sentence")
    page.locator(".key-mapping").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "import-mapping.png"))
    for name in ("settings", "import-mapping"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size < 200_000
