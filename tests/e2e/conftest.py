"""Real headless Chromium (Debian's) driving the app served by a real `lsdesk serve`."""

import os

import pytest

from tests.client import Server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


@pytest.fixture(scope="session")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def app_server(tmp_path_factory):
    """A server of this test's own, on a workspace of its own."""
    with Server.ready_in(tmp_path_factory.getbasetemp()) as running:
        yield running


@pytest.fixture
def api(app_server):
    """The API client of this test's server, whose active project is the new, empty one it started with."""
    return app_server.client


@pytest.fixture
def page(browser, app_server, api):
    """A browser page on the app; uncaught errors and console errors fail the test.

    Chromium also logs every 4xx answer as a console error; the API answers 404 by design
    (no next task), so those lines are not errors of the page.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    page.base_url = app_server.url
    yield page
    context.close()
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture
def editor(page):
    """open_editor(config, data, result=()) draws the editor alone on a blank page of our origin;
    `window.editor` is the editor (getResult(), validate(), hotkeys(), store)."""

    def open_editor(config, data, result=()):
        page.goto(page.base_url + "/api/health")
        page.evaluate("""async ([config, data, result]) => {
            document.body.replaceChildren();
            document.body.style.margin = "8px";
            const { createEditor } = await import("/assets/editor/editor.js");
            const container = document.createElement("div");
            container.id = "editor";
            document.body.append(container);
            window.editor = createEditor(container, { config, task: { id: 1, data }, result });
            await window.editor.ready;
        }""", [config, data, list(result)])
        return page

    return open_editor
