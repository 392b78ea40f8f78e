"""The Export page says which tasks and which completion each export holds, counts the disagreeing tasks
without a ground truth with the choice to leave them out, and names the images the image formats leave out."""

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.e2e.test_pages import open_page
from tests.export_trainer_helpers import BOXES_CONFIG, box, label, upload_images


def test_export_page_states_the_task_set_the_completion_and_the_warnings(page, api):
    assert api.post("/api/project/config", json={"label_config": BOXES_CONFIG}).status in (200, 201)
    tasks = upload_images(api, "agreed", "disputed", "unlabeled")
    label(api, tasks["agreed"], [box(32, 48, 96, 72)])
    label(api, tasks["disputed"], [box(0, 0, 32, 32)], completed_by={"email": "a@x"})
    label(api, tasks["disputed"], [box(200, 100, 32, 32)], completed_by={"email": "b@x"})
    (lost,) = api.post("/api/project/import", json=[{"image": "/data/upload/gone.png"}]).json["new_task_ids"]
    label(api, {"id": lost}, [box(32, 48, 96, 72)])

    open_page(page, "/export")
    expect(page.locator("#export-task-set")).to_have_text(
        "Every export holds the 3 tasks with a completion that was not cancelled, of 4.")
    expect(page.locator("#export-which-completion")).to_contain_text(
        "its ground-truth completion when one is marked (on the Compare page), else its newest completion")
    disagreeing = page.locator("#export-disagreeing")
    expect(disagreeing).to_contain_text("1 task has disagreeing completions and no ground truth")
    warnings = page.locator("#export-warnings")
    expect(warnings).to_contain_text("1 image cannot be read")
    expect(warnings).to_contain_text(f"Task {lost}: /data/upload/gone.png")
    expect(warnings).to_contain_text("left out of COCO, VOC, YOLO, YOLO_SEG")

    page.get_by_role("radio", name="YOLO segmentation").check()
    disagreeing.get_by_label("Leave out the tasks whose annotators disagree").check()
    link = page.get_by_role("link", name="Download YOLO segmentation")
    expect(link).to_have_attribute("href", "/api/project/export?format=YOLO_SEG&leave_out_disagreeing=1")
    page.get_by_label("Also tasks without a completion").check()
    expect(page.locator("#export-task-set")).to_contain_text("Every export holds all 4 tasks")
    query = parse_qs(urlsplit(link.get_attribute("href")).query)
    assert query == {"format": ["YOLO_SEG"], "all_tasks": ["1"], "leave_out_disagreeing": ["1"]}
