"""Opening /label: each module once, from one versioned folder, and the project and the next task once."""

import re

from playwright.sync_api import expect

from tests.e2e.test_tags_image import RECT_CONFIG, SAMPLE


def test_opening_the_label_page_asks_for_each_module_and_the_project_once(page, api):
    api.post("/api/project/config", json={"label_config": RECT_CONFIG})
    api.post("/api/project/import", json=[SAMPLE, SAMPLE])
    asked = []
    page.on("request", lambda request: asked.append(request.url.removeprefix(page.base_url)))
    page.goto(page.base_url + "/label")
    expect(page.locator(".lsd-image[data-state=ready]")).to_be_visible()
    modules = [url for url in asked if url.endswith(".js")]
    [version] = {re.match(r"/v/([0-9a-f]+)/assets/", url).group(1) for url in modules}
    assert len(modules) == len(set(modules))  # the editor and its tags exist once on the page
    assert f"/v/{version}/assets/tags/image.js" in modules
    before_image = asked[:asked.index(SAMPLE["image"])]
    # Asked for by the page's preload links and taken by the page's scripts: once each.
    assert before_image.count("/api/project") == 1
    assert before_image.count("/api/project/next?if_none=null&draft=1") == 1

