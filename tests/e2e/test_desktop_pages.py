"""The pages inside the desktop window: a fake `window.pywebview.api` stands in for pywebview's bridge,
records each call and answers as the window would; without it the pages stay as in a browser."""

import json
import time

from playwright.sync_api import expect

from tests.e2e.test_pages import labeled_project, open_page, set_config

# How long the pages wait for `pywebviewready` before deciding they are in a browser, with room to spare.
BROWSER_DECIDES_MS = 800


def fake_window(page, answers):
    """Install the fake bridge before any page script runs; `answers` maps a function name to its answer."""
    page.add_init_script("""(() => {
        const answers = %s;
        window.desktopCalls = [];
        const api = {};
        for (const name of ["open_project", "new_project", "save_copy_as", "import_files", "export_to",
                            "reveal_in_file_manager"]) {
            api[name] = (...args) => {
                window.desktopCalls.push([name, args]);
                return Promise.resolve(name in answers ? answers[name] : null);
            };
        }
        window.pywebview = { api };
        window.dispatchEvent(new Event("pywebviewready"));
    })();""" % json.dumps(answers))


def desktop_calls(page):
    return page.evaluate("window.desktopCalls")


def toasts(page):
    return page.locator("#toasts")


# -- projects ---------------------------------------------------------------------------------


def test_projects_page_in_a_browser_has_no_dialog_buttons(page, api):
    open_page(page, "/projects")
    expect(page.get_by_role("button", name="Reveal in file manager").first).to_be_visible()
    page.wait_for_timeout(BROWSER_DECIDES_MS)
    for name in ["Open project…", "New project…", "Save a copy as…"]:
        expect(page.get_by_role("button", name=name)).to_have_count(0)


def test_projects_page_desktop_open_shows_a_file_open_elsewhere(page, api):
    fake_window(page, {"open_project": {"elsewhere": "/home/me/birds.lsdesk"}})
    open_page(page, "/projects")
    page.get_by_role("button", name="Open project…").click()
    expect(toasts(page)).to_contain_text("/home/me/birds.lsdesk is open in another window")
    assert desktop_calls(page) == [["open_project", []]]
    expect(page).to_have_url(page.base_url + "/projects")


def test_projects_page_desktop_open_and_new_reload_the_app(page, api):
    project = api.get("/api/project").json
    fake_window(page, {"open_project": {"project": project}, "new_project": {"project": project}})
    for button in ["Open project…", "New project…"]:
        open_page(page, "/projects")
        page.get_by_role("button", name=button).click()
        # "/" sends the new, unconfigured project on to its setup.
        expect(page).to_have_url(page.base_url + "/setup")


def test_projects_page_desktop_save_a_copy_and_its_error(page, api):
    fake_window(page, {"save_copy_as": {"path": "/home/me/copy.lsdesk"}})
    open_page(page, "/projects")
    page.get_by_role("button", name="Save a copy as…").click()
    expect(toasts(page)).to_contain_text("Saved a copy to /home/me/copy.lsdesk")
    assert desktop_calls(page) == [["save_copy_as", []]]

    page.evaluate("""window.pywebview.api.save_copy_as = () => Promise.resolve({error: "Disk full"})""")
    page.get_by_role("button", name="Save a copy as…").click()
    expect(toasts(page).locator(".toast.error")).to_have_text("Disk full")


def test_projects_page_desktop_cancel_changes_nothing(page, api):
    fake_window(page, {})
    open_page(page, "/projects")
    page.get_by_role("button", name="Open project…").click()
    page.wait_for_function("window.desktopCalls.length === 1")
    expect(page).to_have_url(page.base_url + "/projects")
    expect(toasts(page).locator(".toast")).to_have_count(0)


def test_projects_page_reveals_a_file_through_the_window(page, api):
    project = api.get("/api/project").json
    fake_window(page, {"reveal_in_file_manager": {"path": project["path"]}})
    open_page(page, "/projects")
    page.get_by_role("button", name=f"Reveal in file manager: {project['title']}").click()
    expect(toasts(page)).to_contain_text(f"Shown in the file manager: {project['path']}")
    assert desktop_calls(page) == [["reveal_in_file_manager", [project["path"]]]]


def test_projects_page_reveals_a_file_through_the_server_in_a_browser(page, api):
    project = api.get("/api/project").json
    asked = []

    def answer(route):
        asked.append(route.request.post_data_json)
        route.fulfill(status=200, content_type="application/json", body=json.dumps({"path": project["path"]}))

    page.route("**/api/desktop/reveal", answer)
    open_page(page, "/projects")
    page.get_by_role("button", name=f"Reveal in file manager: {project['title']}").click()
    expect(toasts(page)).to_contain_text(f"Shown in the file manager: {project['path']}")
    assert asked == [{"path": project["path"]}]


def test_projects_page_reveal_shows_the_servers_refusal(page, api):
    project = api.get("/api/project").json
    page.route("**/api/desktop/reveal", lambda route: route.fulfill(
        status=503, content_type="application/json", body=json.dumps({"detail": "No file manager could show it"})))
    open_page(page, "/projects")
    page.get_by_role("button", name=f"Reveal in file manager: {project['title']}").click()
    expect(toasts(page).locator(".toast.error")).to_have_text("No file manager could show it")


def test_recent_files_are_ordered_by_last_opened(page, api):
    first = api.get("/api/project").json
    time.sleep(1.1)  # last_opened counts whole seconds
    second = api.post("/api/project", json={"desc": "Opened second"}).json
    time.sleep(1.1)
    reopened = api.post("/api/projects/open", json={"path": first["path"]})
    assert reopened.status in (200, 201), reopened
    open_page(page, "/projects")
    recent = page.get_by_role("region", name="Recent files").locator("li")
    expect(recent.nth(0)).to_contain_text(first["path"])
    expect(recent.nth(0)).to_contain_text("Active")
    expect(recent.nth(1)).to_contain_text(second["path"])
    assert recent.count() <= 8

    recent.nth(1).get_by_role("button", name="Opened second").click()
    expect(page.locator("#project-title")).to_have_text("Opened second")
    expect(recent.nth(0)).to_contain_text(second["path"])


# -- import -----------------------------------------------------------------------------------


def test_import_page_in_a_browser_has_no_import_files_button(page, api):
    set_config(api)
    open_page(page, "/import")
    page.wait_for_timeout(BROWSER_DECIDES_MS)
    expect(page.get_by_role("button", name="Import files…")).to_have_count(0)
    expect(page.get_by_role("button", name="Choose files…")).to_be_visible()


def test_import_page_desktop_shows_the_summary(page, api):
    set_config(api)
    fake_window(page, {"import_files": {"summary": {"task_count": 3, "completion_count": 1, "prediction_count": 0,
                                                    "formats": {".json": 1}}, "files": ["birds.json"]}})
    open_page(page, "/import")
    page.get_by_role("button", name="Import files…").click()
    status = page.locator(".import-status")
    expect(status).to_contain_text("Imported 3 tasks")
    expect(status).to_contain_text("1 completion")
    expect(status).to_contain_text("birds.json")
    expect(status).to_contain_text(".json (1)")
    assert desktop_calls(page) == [["import_files", []]]


def test_import_page_desktop_shows_each_error(page, api):
    set_config(api)
    fake_window(page, {"import_files": {"error": "Nothing was imported from birds.json",
                                        "errors": ["Error at item 2: no data"]}})
    open_page(page, "/import")
    page.get_by_role("button", name="Import files…").click()
    alert = page.locator(".import-status").get_by_role("alert")
    expect(alert).to_contain_text("Nothing was imported from birds.json")
    expect(alert).to_contain_text("Error at item 2: no data")


# -- export -----------------------------------------------------------------------------------


def test_export_page_in_a_browser_has_no_export_to_buttons(page, api):
    labeled_project(api, count=2, labeled=(0,))
    open_page(page, "/export")
    page.wait_for_timeout(BROWSER_DECIDES_MS)
    expect(page.get_by_role("button", name="Export to…")).to_have_count(0)
    expect(page.get_by_role("link", name="Download JSON")).to_be_visible()


def test_export_page_desktop_exports_each_supported_format(page, api):
    labeled_project(api, count=2, labeled=(0,))
    fake_window(page, {"export_to": {"path": "/home/me/export.json"}})
    open_page(page, "/export")
    json_cell = page.locator(".format-choice").filter(has=page.get_by_role("radio", name="JSON", exact=True))
    expect(json_cell.get_by_role("button", name="Export to…")).to_be_visible()
    supported = [f for f in api.get("/api/project/export/formats").json if f["supported"]]
    expect(page.get_by_role("button", name="Export to…")).to_have_count(len(supported))
    expect(page.locator(".format-choice .format.unsupported")).to_have_count(0)
    json_cell.get_by_role("button", name="Export to…").click()
    expect(page.get_by_text("Saved to /home/me/export.json")).to_be_visible()

    page.get_by_label("As a zip archive").check()
    csv_cell = page.locator(".format-choice").filter(has=page.get_by_role("radio", name="CSV"))
    csv_cell.get_by_role("button", name="Export to…").click()
    page.wait_for_function("window.desktopCalls.length === 2")
    assert desktop_calls(page) == [["export_to", ["JSON", False]], ["export_to", ["CSV", True]]]
    expect(page.get_by_role("link", name="Download JSON (zip)")).to_be_visible()


def test_export_page_desktop_shows_an_export_error(page, api):
    labeled_project(api, count=2, labeled=(0,))
    fake_window(page, {"export_to": {"error": "Could not write /readonly/export.json: Permission denied"}})
    open_page(page, "/export")
    page.get_by_role("button", name="Export to…").first.click()
    expect(page.get_by_role("alert")).to_contain_text("Permission denied")
