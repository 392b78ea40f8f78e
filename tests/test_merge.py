"""Merging two copies of a project made and labeled through the API, through the API and the CLI."""

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from lsdesk.agreement import latest_by_annotator, task_agreement
from lsdesk.store.merge import merge_projects
from lsdesk.store.bookkeeping import tally_labels
from lsdesk.store.common import data_hash_of
from lsdesk.store.schema import SCHEMA_VERSION
from tests.client import Server
from tests.conftest import TEXT_CONFIG, choice
from tests.test_folders import IMAGE_CONFIG, add_and_sync

SUPERSET_CONFIG = TEXT_CONFIG.replace('<Choice value="Negative"/>', '<Choice value="Negative"/>\n    <Choice value="Neutral"/>')
CONFLICTING_CONFIG = TEXT_CONFIG.replace('<Choice value="Negative"/>', '<Choice value="Mixed"/>')


def lsdesk(*args):
    return subprocess.run([sys.executable, "-m", "lsdesk", *args], capture_output=True, text=True, timeout=120)


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def label(api, task_id, value):
    answer = api.post(f"/api/tasks/{task_id}/completions", json={"result": choice(value)})
    assert answer.status == 201, answer
    return answer.json["id"]


def open_file(api, path):
    assert api.post("/api/projects/open", json={"path": str(path)}).status == 200


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """A labeled by ann, B (a copy) by bob, C an untouched copy, D another project; the server is kept."""
    folder = tmp_path_factory.mktemp("merge")
    with Server(folder / "workspace") as server:
        api = server.client
        assert api.patch("/api/settings", json={"annotator": "ann"}).json == {
            "annotator": "ann", "annotator_confirmed": True}
        api.post("/api/project", json={"desc": "shared"})
        api.post("/api/project/config", json={"label_config": TEXT_CONFIG})
        tasks = api.post("/api/project/import", json=[{"text": f"t{n}"} for n in range(1, 5)]).json["new_task_ids"]
        shared = label(api, tasks[0], "Positive")
        label(api, tasks[1], "Positive")
        a = folder / "a.lsdesk"
        shutil.copy(api.get("/api/project").json["path"], a)
        b, c = folder / "b.lsdesk", folder / "c.lsdesk"
        shutil.copy(a, b)
        shutil.copy(a, c)

        open_file(api, a)
        api.patch(f"/api/tasks/{tasks[0]}/completions/{shared}", json={"result": choice("Negative")})
        label(api, tasks[2], "Negative")
        label(api, tasks[3], "Negative")
        time.sleep(1.1)  # timestamps are in seconds: B's edit of the shared completion is the newer

        open_file(api, b)
        api.patch("/api/settings", json={"annotator": "bob"})
        assert api.post("/api/project/config", json={"label_config": SUPERSET_CONFIG}).status == 201
        api.patch(f"/api/tasks/{tasks[0]}/completions/{shared}", json={"result": choice("Positive"), "lead_time": 9})
        label(api, tasks[1], "Positive")
        label(api, tasks[2], "Negative")
        label(api, tasks[3], "Neutral")
        added = api.post("/api/project/import", json=[{"text": "t5"}, {"text": "t6"}]).json["new_task_ids"]
        label(api, added[0], "Positive")

        open_file(api, c)
        assert api.post("/api/project/config", json={"label_config": CONFLICTING_CONFIG}).status == 201
        api.post("/api/project", json={"desc": "another project"})
        d = folder / "d.lsdesk"
        shutil.copy(api.get("/api/project").json["path"], d)

        open_file(api, a)
        yield {"api": api, "folder": folder, "a": a, "b": b, "c": c, "d": d, "tasks": tasks, "shared": shared,
               "digests": {path: digest(path) for path in (a, b)}}


REPORT = {
    "tasks": {"total": 6, "from_a": 4, "added_from_b": 2, "matched": 4},
    "completions": {"total": 8, "added_from_b": 4, "edited_on_both": 1, "versions_kept": 1},
    "config": "b",
    "disagreements": 1,
    "conflicts": 1,
}


def test_merge_through_the_api(copies):
    api, folder = copies["api"], copies["folder"]
    open_file(api, copies["a"])
    output = folder / "merged-api.lsdesk"
    answer = api.post("/api/projects/merge", json={"other": str(copies["b"]), "output": str(output)})
    assert answer.status == 201, answer
    assert answer.json == {"path": str(output), "report": REPORT}
    project = api.get("/api/project").json
    assert project["path"] == str(output)
    assert (project["task_count"], project["completion_count"], project["total_completions"]) == (6, 5, 8)
    assert "Neutral" in project["config"]["label_config"]
    # The one task nobody labeled is B's second new task, numbered after A's tasks.
    assert api.get("/api/project/next").json["data"] == {"text": "t6"}
    tasks = {task["data"]["text"]: task for task in api.get("/api/tasks?page_size=10").json}
    assert [len(tasks[f"t{n}"]["completions"]) for n in range(1, 7)] == [1, 2, 2, 2, 1, 0]
    assert [task["id"] for task in api.get("/api/tasks?page_size=10").json] == [1, 2, 3, 4, 5, 6]

    # The shared completion keeps B's later edit; A's is a version of it.
    (shared,) = tasks["t1"]["completions"]
    assert shared["result"] == choice("Positive") and shared["lead_time"] == 9 and shared["completed_by"] == "ann"
    assert shared["updated_by"] == "bob"
    versions = api.get(f"/api/tasks/{tasks['t1']['id']}/completions/{shared['id']}/versions").json["versions"]
    assert [(v["result"], v["completed_by"], v["updated_by"], v["was_cancelled"]) for v in versions] == [
        (choice("Negative"), "ann", "ann", False)]
    assert api.get(f"/api/tasks/{tasks['t1']['id']}/completions/99999/versions").status == 404

    # Only t4 has two annotators who disagree (t2 and t3 agree; t1 and t5 have one annotator); t1's one
    # completion was edited in both copies, which comes first.
    t4 = tasks["t4"]["id"]
    disagreements = api.get("/api/project/disagreements").json
    conflict = {"id": tasks["t1"]["id"], "score": None, "controls": {}, "annotators": ["ann", "bob"], "conflict": {
        "reason": "edited in both copies", "completions": [shared["id"]], "editors": ["ann", "bob"]}}
    assert disagreements == {"total": 2, "tasks": [
        conflict, {"id": t4, "score": 0, "controls": {"sentiment": 0}, "annotators": ["ann", "bob"], "conflict": None}]}
    assert api.get("/api/project/disagreements?control=sentiment").json["total"] == 1
    assert api.get("/api/project/disagreements?control=other").json == {"total": 0, "tasks": []}

    # kappa over t2 (Pos,Pos), t3 (Neg,Neg), t4 (Neg,Neutral): p_o = 2/3; ann Pos 1 Neg 2, bob Pos 1 Neg 1
    # Neutral 1: p_e = (1*1 + 2*1)/9 = 1/3; kappa = (2/3 - 1/3) / (2/3) = 0.5.
    # Per label, chose it or not: Positive agrees everywhere (1.0); Negative: p_o 2/3, p_e 4/9: 0.4;
    # Neutral: p_o 2/3, p_e 2/3: 0.
    stats = api.get("/api/project/agreement").json
    assert stats["annotators"] == ["ann", "bob"] and stats["tasks"] == 3
    (sentiment,) = stats["controls"]
    assert (sentiment["metric"], sentiment["tasks"]) == ("cohen_kappa", 3)
    assert sentiment["value"] == pytest.approx(0.5)
    assert {label: (entry["value"], entry["tasks"]) for label, entry in sentiment["labels"].items()} == {
        "Positive": (pytest.approx(1), 1), "Negative": (pytest.approx(0.4), 2), "Neutral": (pytest.approx(0), 1)}
    csv_answer = api.get("/api/project/agreement?format=csv")
    assert csv_answer.headers["Content-Type"].startswith("text/csv")
    assert csv_answer.raw.decode().splitlines()[:2] == [
        "from_name,to_name,type,metric,label,value,tasks", "sentiment,text,choices,cohen_kappa,,0.5,3"]

    # Adjudication: ground truth moves between completions, the others are kept.
    first, second = tasks["t4"]["completions"]
    for marked, other in ((first, second), (second, first)):
        answer = api.patch(f"/api/tasks/{t4}/completions/{marked['id']}", json={"ground_truth": True})
        assert answer.status == 201 and answer.json["ground_truth"] is True
        completions = {c["id"]: c for c in api.get(f"/api/tasks/{t4}").json["completions"]}
        assert completions[marked["id"]]["ground_truth"] is True and "ground_truth" not in completions[other["id"]]
    new = api.post(f"/api/tasks/{t4}/completions", json={"result": choice("Negative"), "ground_truth": True}).json
    marked = [c["id"] for c in api.get(f"/api/tasks/{t4}").json["completions"] if c.get("ground_truth")]
    assert marked == [new["id"]]

    # Settling t4 takes it off the list and the statistics follow.
    api.patch(f"/api/tasks/{t4}/completions/{second['id']}", json={"result": choice("Negative")})
    assert api.get("/api/project/disagreements").json == {"total": 1, "tasks": [conflict]}
    assert api.get("/api/project/agreement").json["controls"][0]["value"] == pytest.approx(1)
    assert derived_state_problems(output) == []
    assert {path: digest(path) for path in copies["digests"]} == copies["digests"]


def test_merge_through_the_cli(copies):
    folder = copies["folder"]
    run = lsdesk("merge", str(copies["a"]), str(copies["b"]))
    assert run.returncode == 0, run.stderr
    output = folder / "a-merged.lsdesk"
    assert run.stdout.splitlines() == [
        f"merged {copies['b']} into a copy of {copies['a']}: {output}",
        "  tasks: 6 (4 from A, 2 added from B, 4 in both)",
        "  completions: 8 (4 added from B, 1 edited on both sides; 1 older versions kept)",
        "  label config: b.lsdesk's (a superset)",
        "  tasks where annotators disagree: 1",
        "  tasks with a completion edited in both copies, to choose between: 1",
    ]
    assert derived_state_problems(output) == []
    # The next free name; then the merged file opens with the right counts.
    again = lsdesk("merge", str(copies["a"]), str(copies["b"]))
    assert str(folder / "a-merged-2.lsdesk") in again.stdout
    api = copies["api"]
    open_file(api, output)
    project = api.get("/api/project").json
    assert (project["task_count"], project["completion_count"], project["total_completions"]) == (6, 5, 8)
    assert api.get("/api/project/next").json["data"] == {"text": "t6"}
    # Merging the merged file with B again changes nothing: everything is matched.
    run = lsdesk("merge", str(output), str(copies["b"]), "-o", str(folder / "twice.lsdesk"))
    assert "tasks: 6 (6 from A, 0 added from B, 6 in both)" in run.stdout
    assert "completions: 8 (0 added from B, 0 edited on both sides; 1 older versions kept)" in run.stdout
    assert derived_state_problems(folder / "twice.lsdesk") == []
    assert {path: digest(path) for path in copies["digests"]} == copies["digests"]


def test_refused_merges_leave_no_file(copies):
    api, folder, a = copies["api"], copies["folder"], copies["a"]
    before = sorted(path.name for path in folder.iterdir())
    run = lsdesk("merge", str(a), str(copies["c"]), "-o", str(folder / "no.lsdesk"))
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == ("lsdesk: not merged: the label configs conflict: a.lsdesk's 'sentiment' has ['Negative'] "
                          "that the other lacks, and c.lsdesk's 'sentiment' has ['Mixed'] that the other lacks; "
                          "neither is a superset of the other\n")
    run = lsdesk("merge", str(a), str(copies["d"]), "-o", str(folder / "no.lsdesk"))
    assert run.returncode == 2 and "a.lsdesk and d.lsdesk are different projects" in run.stderr
    assert len(run.stderr.splitlines()) == 1

    open_file(api, a)
    text_file = folder / "notes.txt"
    text_file.write_text("not a project\n" * 100)
    before.append(text_file.name)
    refusals = [
        ({"other": str(copies["c"])}, 409, "the label configs conflict"),
        ({"other": str(copies["d"])}, 409, "are different projects"),
        ({"other": str(a)}, 409, "is the project itself"),
        ({"other": str(copies["b"]), "output": str(copies["c"])}, 409, "already exists"),
        ({"other": str(folder / "missing.lsdesk")}, 400, "No project file at"),
        ({"other": str(text_file)}, 400, "is not an lsdesk project file"),
        ({"other": 3}, 400, "Give other as the path of a project file"),
    ]
    for body, status, words in refusals:
        answer = api.post("/api/projects/merge", json=body)
        assert answer.status == status and words in answer.json["detail"], (body, answer)
    assert sorted(path.name for path in folder.iterdir()) == sorted(before)
    assert api.get("/api/project").json["path"] == str(a)
    assert {path: digest(path) for path in copies["digests"]} == copies["digests"]


def test_annotator_setting(copies):
    api = copies["api"]
    for bad in ("", "  ", 5, "x" * 101):
        answer = api.patch("/api/settings", json={"annotator": bad})
        assert answer.status == 400 and "annotator must be" in answer.json["detail"]
    assert api.patch("/api/settings", json={"colour": "red"}).status == 400
    assert api.patch("/api/settings", json={"annotator": " Cy "}).json == {"annotator": "Cy", "annotator_confirmed": True}
    assert api.get("/api/settings").json == {"annotator": "Cy", "annotator_confirmed": True}


def derived_state_problems(path):
    """Every way the derived state of a project file differs from what its rows say."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    problems = []
    counters = dict(conn.execute("SELECT name, value FROM counters"))
    recounted = conn.execute(
        "SELECT (SELECT count(*) FROM tasks), (SELECT count(DISTINCT task_id) FROM completions), "
        "(SELECT count(*) FROM completions), (SELECT count(*) FROM predictions)").fetchone()
    if [counters[name] for name in ("tasks", "completed_tasks", "completions", "predictions")] != list(recounted):
        problems.append(f"counters {counters} but rows say {recounted}")
    stale = conn.execute(
        "SELECT count(*) FROM tasks AS t WHERE (t.completions, t.cancelled, coalesce(t.completed_at, -1)) IS NOT "
        "(SELECT count(*), coalesce(sum(was_cancelled), 0), coalesce(max(created_at), -1) FROM completions "
        "WHERE task_id = t.id)").fetchone()[0]
    if stale:
        problems.append(f"{stale} tasks with stale completion columns")
    tally, completions = Counter(), {}
    for task_id, body, cancelled in conn.execute(
            "SELECT task_id, body, was_cancelled FROM completions ORDER BY task_id, updated_at, id"):
        body = json.loads(body)
        tally_labels(body["result"], tally, +1)
        completions.setdefault(task_id, []).append((body, cancelled))
    stored = {row[:4]: row[4] for row in conn.execute("SELECT from_name, to_name, type, label, uses FROM result_labels")}
    if stored != {key: uses for key, uses in tally.items() if uses}:
        problems.append(f"result_labels {stored} but completions say {dict(tally)}")
    key_sets = Counter(json.dumps(sorted(json.loads(data)), separators=(",", ":"), ensure_ascii=False)
                       for (data,) in conn.execute("SELECT data FROM tasks"))
    if dict(conn.execute("SELECT keys, tasks FROM data_key_sets")) != dict(key_sets):
        problems.append("data_key_sets differ from the tasks' data")
    # A hash may be left out (NULL) only while no duplicates check has made their index.
    hashes_kept = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'tasks_by_data_hash'").fetchone()
    stale_hashes = [task_id for task_id, data, data_hash in conn.execute("SELECT id, data, data_hash FROM tasks")
                    if data_hash != data_hash_of(data) and (data_hash is not None or hashes_kept)]
    if stale_hashes:
        problems.append(f"tasks {stale_hashes} have a data_hash that is not their data's")
    expected = {}
    for task_id, rows in completions.items():
        scores = task_agreement(latest_by_annotator(rows))
        if scores and min(scores.values()) < 1:
            expected[task_id] = (min(scores.values()), scores)
    stored = {task_id: (score, json.loads(controls))
              for task_id, score, controls in conn.execute("SELECT task_id, score, controls FROM disagreements")}
    if stored != expected:
        problems.append(f"disagreements {stored} but completions say {expected}")
    conn.close()
    return problems



def test_copies_from_an_older_lsdesk_merge_through_upgraded_temporary_copies(tmp_path):
    fixture = Path(__file__).parent / "fixtures" / "versions" / "v2.lsdesk"
    a, b = tmp_path / "a.lsdesk", tmp_path / "b.lsdesk"
    shutil.copy(fixture, a)
    shutil.copy(fixture, b)
    before = digest(a), digest(b)

    report = merge_projects(a, b, tmp_path / "merged.lsdesk")

    assert report["tasks"]["total"] == report["tasks"]["matched"] == 4
    assert report["completions"]["total"] == 2 and report["completions"]["added_from_b"] == 0
    assert (digest(a), digest(b)) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.lsdesk", "b.lsdesk", "merged.lsdesk"]
    merged = sqlite3.connect(tmp_path / "merged.lsdesk")
    assert merged.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_folders_added_to_each_copy_after_copying_keep_their_images(tmp_path):
    """Both copies add a folder after the copy (id 2 in each): B's becomes another folder here."""
    folders = {}
    for name in ("shared", "only_a", "only_b"):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        (folders[name] / f"{name}.jpg").write_bytes(f"image of {name}".encode())
    with Server(tmp_path / "workspace") as server:
        api = server.client
        assert api.post("/api/project", json={"desc": "photos"}).status == 201
        assert api.post("/api/project/config", json={"label_config": IMAGE_CONFIG}).status == 201
        add_and_sync(api, folders["shared"])
        a = Path(api.get("/api/project").json["path"])
        b = tmp_path / "b.lsdesk"
        shutil.copy(a, b)
        add_and_sync(api, folders["only_a"])
        open_file(api, b)
        add_and_sync(api, folders["only_b"])
        open_file(api, a)

        merged = api.post("/api/projects/merge", json={"other": str(b)})
        assert merged.status == 201, merged

        listed = {Path(folder["path"]).name: folder["id"] for folder in api.get("/api/project/folders").json["folders"]}
        assert sorted(listed) == ["only_a", "only_b", "shared"] and len(set(listed.values())) == 3
        for task in api.get("/api/tasks?page_size=10").json:
            url = task["data"]["image"]
            name = url.split("/")[-1].removesuffix(".jpg")
            assert url.startswith(f"/data/folder/{listed[name]}/")
            answer = api.get(url)
            assert answer.status == 200 and answer.raw == f"image of {name}".encode()
        # B's tasks name their folder by its new id here: their content hashes follow their new data.
        assert derived_state_problems(Path(api.get("/api/project").json["path"])) == []
