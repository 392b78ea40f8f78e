"""Two copies of a project labeled by two annotators, merged from the projects page, then the
disagreement filter, the adjudication view, the review queue and the agreement section, in Chromium."""

import re
import shutil
import time

from playwright.sync_api import expect

from tests.e2e.test_desktop_pages import desktop_calls, fake_window
from tests.e2e.test_pages import add_tasks, choice_result, open_page, set_config


def set_annotator(api, name):
    answer = api.patch("/api/settings", json={"annotator": name})
    assert answer.status == 200, answer


def label_as(api, name, task_ids, choices):
    set_annotator(api, name)
    for task_id, choice in zip(task_ids, choices):
        assert api.post(f"/api/tasks/{task_id}/completions", json={"result": choice_result(choice)}).status == 201


def open_file(api, path):
    answer = api.post("/api/projects/open", json={"path": str(path)})
    assert answer.status in (200, 201), answer


def completions_of(api, task_id):
    return api.get(f"/api/tasks/{task_id}").json["completions"]


def two_labeled_copies(api, tmp_path):
    """The active project (Ann's copy) and a copy of it labeled by Bob, who disagree on the 2nd and 4th task.
    -> (task ids, Ann's file, Bob's file), Ann's the active project."""
    set_config(api)
    ids = add_tasks(api, [{"text": f"Sentence {n}"} for n in range(1, 5)])
    original = api.get("/api/project").json["path"]
    copy = tmp_path / "bobs-copy.lsdesk"
    shutil.copyfile(original, copy)
    label_as(api, "Ann", ids, ["Positive", "Positive", "Negative", "Positive"])
    open_file(api, copy)
    label_as(api, "Bob", ids, ["Positive", "Negative", "Negative", "Negative"])
    open_file(api, original)
    return ids, original, copy


def merged_copies(api, tmp_path):
    ids, _original, copy = two_labeled_copies(api, tmp_path)
    answer = api.post("/api/projects/merge", json={"other": str(copy)})
    assert answer.status == 201, answer
    return ids


def test_first_start_asks_for_the_name_once_and_the_projects_page_changes_it(page, api):
    assert api.get("/api/settings").json["annotator_confirmed"] is False
    default = api.get("/api/settings").json["annotator"]
    open_page(page, "/projects")
    question = page.get_by_role("form", name="Your name")
    expect(question.get_by_label("Your name")).to_have_value(default)
    question.get_by_label("Your name").fill("Ann")
    question.get_by_role("button", name="Use this name").click()
    expect(question).to_have_count(0)
    assert api.get("/api/settings").json == {"annotator": "Ann", "annotator_confirmed": True}
    expect(page.get_by_label("Display name")).to_have_value("Ann")

    page.get_by_label("Display name").fill("Ann Lee")
    page.get_by_role("button", name="Change name").click()
    expect(page.locator("#toasts")).to_contain_text("Your completions are recorded as “Ann Lee”")
    assert api.get("/api/settings").json["annotator"] == "Ann Lee"
    page.reload()
    expect(page.get_by_label("Display name")).to_have_value("Ann Lee")
    expect(page.get_by_role("form", name="Your name")).to_have_count(0)


def test_agreement_with_one_annotator_is_an_empty_state(page, api):
    set_config(api)
    [task_id] = add_tasks(api, [{"text": "alone"}])
    label_as(api, "Ann", [task_id], ["Positive"])
    open_page(page, "/stats")
    agreement = page.get_by_role("region", name="Agreement")
    expect(agreement).to_contain_text("One annotator only")
    expect(agreement.get_by_role("link", name="Merge another copy")).to_have_attribute("href", "/projects")


def test_merge_another_copy_from_the_projects_page(page, api, tmp_path):
    _ids, original, copy = two_labeled_copies(api, tmp_path)
    stranger = api.post("/api/project", json={"desc": "Someone else's project"}).json["path"]
    open_file(api, original)

    open_page(page, "/projects")
    merge = page.get_by_role("form", name="Merge another copy…")
    merge.get_by_label("Path of the other copy").fill(stranger)
    merge.get_by_role("button", name="Merge").click()
    expect(merge.get_by_role("alert")).to_contain_text("These copies were not merged")

    merge.get_by_label("Path of the other copy").fill(str(copy))
    merge.get_by_role("button", name="Merge").click()
    report = page.get_by_role("region", name="Merge report")
    expect(report).to_contain_text("4: 4 from this copy, 0 added from the other, 4 in both")
    expect(report).to_contain_text("8: 4 added from the other copy")
    expect(report).to_contain_text("the same in both copies")
    expect(report).to_contain_text("Disagreements2 tasks")
    merged = api.get("/api/project").json
    assert merged["path"].endswith("-merged.lsdesk") and merged["total_completions"] == 8
    expect(page.locator("#project-title")).to_have_text(merged["title"])
    expect(merge.get_by_label("Path of the other copy")).to_have_value("")


def test_disagreement_filter_and_adjudication_in_the_review_queue(page, api, tmp_path):
    ids = merged_copies(api, tmp_path)
    open_page(page, "/tasks")
    page.get_by_role("button", name="Disagreement").click()
    expect(page).to_have_url(page.base_url + "/tasks?filter=disagreement")
    rows = page.locator("table.data-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(f"{ids[1]}0.00sentiment 0.00Ann, Bob")
    expect(rows.nth(1)).to_contain_text(f"{ids[3]}0.00sentiment 0.00Ann, Bob")

    rows.nth(0).get_by_role("link", name="Compare", exact=True).click()
    expect(page).to_have_url(page.base_url + f"/label/{ids[1]}/compare?queue=1")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Task {ids[1]}: compare completions")
    expect(page.locator(".queue-line")).to_have_text("Review queue: 1 of 2 · agreement 0.00 · disagree on sentiment 0.00")
    ann, bob = completions_of(api, ids[1])
    ann_card = page.get_by_role("region", name=f"Completion #{ann['id']} by Ann")
    bob_card = page.get_by_role("region", name=f"Completion #{bob['id']} by Bob")
    # Each completion drawn read-only: its own choice checked, no input taken.
    expect(ann_card.get_by_label("Positive")).to_be_checked()
    expect(bob_card.get_by_label("Negative")).to_be_checked()
    assert ann_card.locator(".lsd-editor").evaluate("element => element.inert")

    bob_card.get_by_role("button", name=f"Use this one: #{bob['id']} by Bob").click()
    expect(bob_card.get_by_text("Ground truth")).to_be_visible()
    expect(page.locator(".ground-truth-line")).to_have_text(f"Ground truth: #{bob['id']} by Bob.")
    assert [c.get("ground_truth", False) for c in completions_of(api, ids[1])] == [False, True]

    page.get_by_role("button", name="Next ›").click()
    expect(page).to_have_url(page.base_url + f"/label/{ids[3]}/compare?queue=2")
    expect(page.get_by_role("button", name="Next ›")).to_be_disabled()
    ann, bob = completions_of(api, ids[3])
    page.get_by_role("button", name=f"Edit final from #{ann['id']} by Ann").click()
    final = page.get_by_role("region", name=re.compile("^Final completion"))
    expect(final.get_by_label("Positive")).to_be_checked()
    final.get_by_label("Negative").click()
    final.get_by_role("button", name="Save as final").click()
    expect(page.locator(".ground-truth-line")).to_contain_text("Ground truth: #")
    after = completions_of(api, ids[3])
    assert [c["id"] for c in after[:2]] == [ann["id"], bob["id"]] and len(after) == 3
    assert [c.get("ground_truth", False) for c in after] == [False, False, True]
    [final_choice] = after[2]["result"]  # Ann's item came without an id: the editor gave it one
    assert re.fullmatch(r"[A-Za-z0-9_-]{10}", final_choice.pop("id"))
    assert [final_choice] == choice_result("Negative")

    # The label page leads to the same view.
    open_page(page, f"/label/{ids[1]}")
    page.get_by_role("link", name="Compare side by side").click()
    expect(page).to_have_url(page.base_url + f"/label/{ids[1]}/compare")
    expect(page.get_by_role("region", name=re.compile(r"by Bob$"))).to_contain_text("Ground truth")


def test_agreement_section_and_the_review_queue_link(page, api, tmp_path):
    merged_copies(api, tmp_path)
    figures = api.get("/api/project/agreement").json
    [control] = figures["controls"]
    open_page(page, "/stats")
    agreement = page.get_by_role("region", name="Agreement")
    expect(agreement.locator(".agreement-summary")).to_have_text(
        f"Ann, Bob · 4 tasks labeled by two or more · overall {figures['overall']['value']:.2f} over 4 tasks")
    expect(agreement.get_by_role("img", name=f"Agreement per control: sentiment: {control['value']:.2f}")).to_be_visible()
    expect(agreement.get_by_role("row", name=re.compile("^sentiment → text"))).to_contain_text(
        f"choicesCohen's κ{control['value']:.2f}4")
    labels = agreement.get_by_role("table", name="Agreement per label of sentiment")
    for label, entry in control["labels"].items():
        expect(labels.get_by_role("row", name=re.compile(f"^{label}"))).to_have_text(f"{label}{entry['value']:.2f}{entry['tasks']}")
    csv = agreement.get_by_role("link", name="Download CSV")
    expect(csv).to_have_attribute("href", "/api/project/agreement?format=csv")
    with page.expect_download() as download:
        csv.click()
    assert download.value.suggested_filename == "agreement.csv"

    agreement.get_by_role("link", name="Review queue, worst first →").click()
    first = api.get("/api/project/disagreements?page=1&page_size=1").json["tasks"][0]["id"]
    expect(page).to_have_url(page.base_url + f"/label/{first}/compare?queue=1")


def test_merge_picks_the_other_copy_with_the_native_dialog_in_the_desktop_window(page, api):
    fake_window(page, {})
    page.add_init_script("""window.pywebview.api.choose_project_file = () => {
        window.desktopCalls.push(["choose_project_file", []]);
        return Promise.resolve({path: "/home/me/birds (Sam's copy).lsdesk"});
    };""")
    open_page(page, "/projects")
    merge = page.get_by_role("form", name="Merge another copy…")
    merge.get_by_role("button", name="Choose file…").click()
    expect(merge.get_by_label("Path of the other copy")).to_have_value("/home/me/birds (Sam's copy).lsdesk")
    assert desktop_calls(page) == [["choose_project_file", []]]


def test_compare_view_draws_the_older_version_a_merge_kept(page, api, tmp_path):
    set_config(api)
    [task_id] = add_tasks(api, [{"text": "edited on both sides"}])
    label_as(api, "Ann", [task_id], ["Positive"])
    [completion] = completions_of(api, task_id)
    original = api.get("/api/project").json["path"]
    copy = tmp_path / "copy.lsdesk"
    shutil.copyfile(original, copy)
    open_file(api, copy)
    api.patch(f"/api/tasks/{task_id}/completions/{completion['id']}", json={"result": choice_result("Negative")})
    open_file(api, original)
    report = api.post("/api/projects/merge", json={"other": str(copy)}).json["report"]
    assert report["completions"]["versions_kept"] == 1
    [older] = api.get(f"/api/tasks/{task_id}/completions/{completion['id']}/versions").json["versions"]
    kept = completions_of(api, task_id)[0]["result"][0]["value"]["choices"][0]
    assert {kept, older["result"][0]["value"]["choices"][0]} == {"Positive", "Negative"}

    open_page(page, f"/label/{task_id}/compare")
    card = page.get_by_role("region", name=f"Completion #{completion['id']} by Ann")
    card.get_by_text("1 earlier version").click()
    version = card.locator(".compare-versions li")
    expect(version.locator(".hint")).to_have_text(re.compile(r"^Ann · "))
    expect(version.get_by_label(kept)).not_to_be_checked()
    expect(version.get_by_label("Positive" if kept == "Negative" else "Negative")).to_be_checked()


def test_compare_view_shows_who_made_each_edit_of_a_completion_edited_in_both_copies(page, api, tmp_path):
    set_config(api)
    [task_id] = add_tasks(api, [{"text": "edited in both copies"}])
    label_as(api, "Ann", [task_id], ["Positive"])
    [completion] = completions_of(api, task_id)
    original = api.get("/api/project").json["path"]
    copy = tmp_path / "bobs-copy.lsdesk"
    shutil.copyfile(original, copy)
    edit = f"/api/tasks/{task_id}/completions/{completion['id']}"
    assert api.patch(edit, json={"result": choice_result("Negative")}).status == 201
    time.sleep(1.1)  # timestamps are in seconds: Bob's edit is the newer
    open_file(api, copy)
    set_annotator(api, "Bob")
    assert api.patch(edit, json={"result": choice_result("Positive")}).status == 201
    open_file(api, original)
    assert api.post("/api/projects/merge", json={"other": str(copy)}).json["report"]["conflicts"] == 1

    open_page(page, "/tasks?filter=disagreement")
    rows = page.locator("table.data-table tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text(f"{task_id}—edited in both copies: Ann, BobAnn, Bob")
    row.get_by_role("link", name="Compare", exact=True).click()
    expect(page).to_have_url(page.base_url + f"/label/{task_id}/compare?queue=1")
    expect(page.locator(".queue-line")).to_have_text("Review queue: 1 of 1 · edited in both copies (Ann, Bob)")
    card = page.get_by_role("region", name=f"Completion #{completion['id']} by Ann")
    expect(card.locator(".compare-head")).to_contain_text("Edited in both copies")
    expect(card.locator(".hint").first).to_contain_text(f"#{completion['id']} · edited by Bob · ")
    expect(card.locator(".compare-editor").first.get_by_label("Positive")).to_be_checked()
    conflict = card.get_by_role("region", name=f"Edited in both copies: #{completion['id']}")
    expect(conflict).to_contain_text(re.compile(r"Shown above: Bob's edit of .+ \(the newer\)\. The other copy had Ann's edit of "))
    expect(conflict.get_by_label("Negative")).to_be_checked()

    conflict.get_by_role("button", name="Use Ann's edit").click()
    expect(page.locator("#toasts")).to_contain_text("Using Ann's edit of")
    expect(card.get_by_role("region", name=re.compile("^Edited in both copies"))).to_have_count(0)
    expect(card.locator(".compare-editor").first.get_by_label("Negative")).to_be_checked()
    [settled] = completions_of(api, task_id)
    assert (settled["result"], settled["completed_by"], settled["updated_by"]) == (choice_result("Negative"), "Ann", "Ann")
    assert api.get("/api/project/disagreements").json == {"total": 0, "tasks": []}
    card.get_by_text("1 earlier version").click()
    expect(card.locator(".compare-versions li .hint")).to_have_text(re.compile(r"^Bob · "))
