"""The Models page in real Chromium against a real ML backend, and its predictions as pre-annotations."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_pages import add_tasks, label, set_config
from tests.ml_backend import MLBackend


@pytest.fixture
def backend():
    with MLBackend(choice="Negative") as running:
        yield running


def open_models(page):
    page.goto(page.base_url + "/models")
    expect(page.get_by_role("heading", level=1)).to_have_text("Models")


def connect(page, text):
    page.get_by_label("Backend URL").fill(text)
    page.get_by_role("button", name="Connect").click()


def test_connect_list_and_remove_a_backend(page, api, backend):
    set_config(api)
    open_models(page)
    expect(page.get_by_text("No backend connected")).to_be_visible()
    expect(page.get_by_role("button", name="Predict all tasks")).to_be_disabled()
    connect(page, "not a url")
    expect(page.locator("#backend-url-error")).to_have_text('Specified string "not a url" doesn\'t look like URL.')
    connect(page, f"mine={backend.url}")
    row = page.get_by_role("row", name=re.compile("^mine"))
    expect(row).to_contain_text("Connected")
    expect(row).to_contain_text("v1")
    expect(row).to_contain_text("Idle")
    expect(page.get_by_label("Backend URL")).to_have_value("")
    backend.stop()
    page.get_by_role("button", name="Check again").click()
    expect(row).to_contain_text("Not answering")
    expect(row).to_contain_text("connection refused")
    row.get_by_role("button", name="Remove mine").click()
    page.get_by_role("dialog").get_by_role("button", name="Remove").click()
    expect(page.get_by_text("No backend connected")).to_be_visible()
    assert api.get("/api/models").json["models"] == []


def test_predict_all_then_chosen_tasks_and_train(page, api, backend):
    set_config(api)
    ids = add_tasks(api, [{"text": f"sentence {n}"} for n in range(30)])
    label(api, ids[0])
    open_models(page)
    connect(page, f"mine={backend.url}")
    expect(page.get_by_role("row", name=re.compile("^mine"))).to_contain_text("Connected")
    page.get_by_role("button", name="Predict all tasks").click()
    expect(page.get_by_text("Done: 30 predictions stored for 30 tasks.")).to_be_visible()
    page.get_by_label("Task ids").fill("x")
    page.get_by_role("button", name="Predict these tasks").click()
    expect(page.locator("#predict-ids-error")).to_contain_text('"x" is not a task id')
    page.get_by_label("Task ids").fill(f"{ids[1]}-{ids[3]}, {ids[9]}")
    page.get_by_role("button", name="Predict these tasks").click()
    expect(page.get_by_text("Done: 4 predictions stored for 4 tasks.")).to_be_visible()
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text("Training request sent with 1 labeled task.")).to_be_visible()
    assert len(backend.calls("/train")) == 1


def test_prediction_job_shows_progress_and_cancels(page, api, backend):
    set_config(api)
    add_tasks(api, [{"text": f"sentence {n}"} for n in range(400)])
    open_models(page)
    connect(page, f"mine={backend.url}")
    expect(page.get_by_role("row", name=re.compile("^mine"))).to_contain_text("Connected")
    backend.delays["/predict"] = 0.25
    page.get_by_role("button", name="Predict all tasks").click()
    expect(page.get_by_text(re.compile(r"Predicting 400 tasks with mine: \d+ of 400"))).to_be_visible(timeout=10_000)
    expect(page.get_by_role("progressbar", name="Prediction progress")).to_be_visible()
    # Leaving the page and coming back finds the job of this project again.
    page.goto(page.base_url + "/tasks")
    open_models(page)
    expect(page.get_by_role("progressbar", name="Prediction progress")).to_be_visible()
    job = next(job for job in api.get("/api/jobs").json["jobs"] if job["state"] == "running")
    assert job["project"] == api.get("/api/project").json["path"]
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_text(re.compile(r"^Cancelled after \d+ of 400\.$"))).to_be_visible()


def test_backend_prediction_shows_as_pre_annotation_on_the_label_page(page, api, backend):
    set_config(api)
    [task_id] = add_tasks(api, [{"text": "the model says negative"}])
    assert api.patch("/api/project", json={"ml_backend": f"mine={backend.url}"}).status == 201
    page.goto(page.base_url + "/label")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Task {task_id}")
    expect(page.locator(".mode").first).to_have_text(re.compile(r"^New completion from prediction #\d+$"))
    expect(page.get_by_label("Negative")).to_be_checked()
    expect(page.get_by_role("region", name="Predictions")).to_contain_text(re.compile(r"#\d+ v1\s*score 0.5"))
