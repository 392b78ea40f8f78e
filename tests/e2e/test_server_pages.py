"""The Projects page's Label Studio server panel in Chromium, against the real Label Studio server: share,
pull updates, take the server project offline."""

import re

from playwright.sync_api import expect

from tests.e2e.test_pages import add_tasks, choice_result, open_page, set_config


def test_share_pull_and_take_offline_from_the_projects_page(page, api, label_studio):
    set_config(api)
    ids = add_tasks(api, [{"text": f"Sentence {n}"} for n in range(1, 4)])
    assert api.post(f"/api/tasks/{ids[0]}/completions", json={"result": choice_result("Positive")}).status == 201
    open_page(page, "/projects")
    panel = page.get_by_role("region", name="Label Studio server")
    expect(panel.get_by_text("not linked to a Label Studio server")).to_be_visible()
    expect(panel.get_by_role("button", name="Pull updates")).to_be_disabled()
    panel.get_by_label("Server address").fill(label_studio.url)
    panel.get_by_label("API token").fill(label_studio.token)
    panel.get_by_role("button", name="Share with a Label Studio server…").click()
    expect(panel.locator(".job-result")).to_have_text(re.compile(r"^Sent 3 tasks, 0 media files"), timeout=120_000)
    link = api.get("/api/project/server").json
    expect(panel.get_by_text(f"{label_studio.url}/projects/{link['project_id']}")).to_be_visible()
    expect(panel.get_by_text("answers")).to_be_visible()

    server_task = min(task["id"] for task in label_studio.call(
        "GET", f"/api/tasks?project={link['project_id']}&page_size=10")["tasks"])
    label_studio.call("POST", f"/api/tasks/{server_task}/annotations", {"result": choice_result("Negative")})
    panel.get_by_role("button", name="Pull updates").click()
    expect(panel.locator(".job-result")).to_contain_text("1 new completions", timeout=120_000)
    assert len(api.get(f"/api/tasks/{ids[0]}").json["completions"]) == 2

    panel.get_by_label("Server project number (to take offline)").fill(str(link["project_id"]))
    panel.get_by_role("button", name="Take a server project offline…").click()
    expect(panel.locator(".job-result")).to_contain_text("Took the project offline", timeout=120_000)
    project = api.get("/api/project").json
    assert project["task_count"] == 3 and project["path"] != link.get("path")
    assert api.get("/api/project/server").json["project_id"] == link["project_id"]
