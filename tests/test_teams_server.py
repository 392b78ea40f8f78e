"""Push, pull and clone against a real Label Studio 1.23.2 server (tests/label_studio.py)."""

import json
import time
import urllib.error

import pytest

from lsdesk.cli import main
from lsdesk.teams.client import LabelStudio, ServerError
from lsdesk.teams.sync import pull, push
from lsdesk.workspace import Workspace
from tests.teams_projects import image_result, make_project, text_result


def client_of(label_studio, token=None):
    return LabelStudio(label_studio.url, token or label_studio.token)


def server_tasks(label_studio, project_id):
    return label_studio.call("GET", f"/api/tasks?project={project_id}&page_size=1000&fields=all")["tasks"]


def annotations_of(label_studio, task_id):
    return label_studio.call("GET", f"/api/tasks/{task_id}/annotations")


def run_cli(*argv):
    with pytest.raises(SystemExit) as ended:
        main(list(argv))
    return ended.value.code


@pytest.mark.parametrize("kind", ["image", "text", "audio"])
def test_push_sends_tasks_media_annotations_predictions_and_authors(tmp_path, label_studio, kind):
    workspace, store, media = make_project(tmp_path / "ws", kind)
    counts = push(store, client_of(label_studio), title=f"lsdesk {kind} push")
    assert (counts["tasks"], counts["media"]) == (3, len(media))
    project_id = store.server_link()["project_id"]
    project = label_studio.call("GET", f"/api/projects/{project_id}")
    assert (project["title"], project["description"]) == (f"lsdesk {kind} push", f"{kind} tasks")
    assert project["label_config"] == store.settings()["label_config"]
    tasks = sorted(server_tasks(label_studio, project_id), key=lambda task: task["id"])
    assert len(tasks) == 3
    local = [store.task(task_id) for task_id in (1, 2, 3)]
    for server_task, local_task in zip(tasks, local):
        for key, value in local_task["data"].items():
            if value in media:
                served = server_task["data"][key]
                assert served.startswith(f"/data/upload/{project_id}/")
                assert label_studio.call("GET", served, raw=True) == media[value]
            else:
                assert server_task["data"][key] == value
        annotations = annotations_of(label_studio, server_task["id"])
        assert [a["result"] for a in annotations] == [c["result"] for c in local_task["completions"]]
        assert all(a["completed_by"] == 1 and a["ground_truth"] is False for a in annotations)
        assert server_task["meta"]["lsdesk"]["task"] == store_uuid(store, local_task["id"])
        assert list(server_task["meta"]["lsdesk"]["authors"].values()) == ["ann"] * len(annotations)
        predictions = server_task["predictions"]
        assert [(p["result"], p["score"]) for p in predictions] == [
            (p["result"], p["score"]) for p in local_task["predictions"]]
    workspace.close()


def store_uuid(store, task_id):
    with store._read() as conn:
        return conn.execute("SELECT uuid FROM tasks WHERE id = ?", (task_id,)).fetchone()[0]


def test_second_push_sends_only_new_tasks_and_new_or_edited_completions(tmp_path, label_studio):
    workspace, store, _media = make_project(tmp_path / "ws", "text")
    client = client_of(label_studio)
    push(store, client)
    project_id = store.server_link()["project_id"]
    store.update_completion(1, 1, {"result": text_result()[:1]})
    store.add_completion(3, {"result": text_result()}, False, "bob")
    store.import_tasks([{"data": {"text": "Bo lives in Oslo"}}])
    counts = push(store, client)
    assert (counts["tasks"], counts["media"], counts["completions_added"], counts["completions_updated"]) == (1, 0, 1, 1)
    tasks = sorted(server_tasks(label_studio, project_id), key=lambda task: task["id"])
    assert len(tasks) == 4
    assert [a["result"] for a in annotations_of(label_studio, tasks[0]["id"])] == [text_result()[:1]]
    assert [a["result"] for a in annotations_of(label_studio, tasks[2]["id"])] == [text_result()]
    assert push(store, client)["completions_added"] == 0
    assert len(server_tasks(label_studio, project_id)) == 4
    workspace.close()


def test_pull_brings_back_two_users_work_with_exact_counts(tmp_path, label_studio):
    workspace, store, _media = make_project(tmp_path / "ws", "image", tasks=4)
    client = client_of(label_studio)
    push(store, client)
    assert pull(store, client) == {}  # nothing changed on the server since the push
    project_id = store.server_link()["project_id"]
    tasks = sorted(server_tasks(label_studio, project_id), key=lambda task: task["id"])
    _sam_id, sam_token = label_studio.add_user(f"sam{project_id}@example.com")
    # Sam adds an annotation to task 1 and one to the unlabeled task 4; the lead edits task 2's, cancels
    # task 3's, which was also edited here (later), and deletes task 1's.
    label_studio.call("POST", f"/api/tasks/{tasks[0]['id']}/annotations", {"result": image_result("Dog")}, token=sam_token)
    label_studio.call("POST", f"/api/tasks/{tasks[3]['id']}/annotations", {"result": image_result("Cat", "new")},
                      token=sam_token)
    (on_two,) = annotations_of(label_studio, tasks[1]["id"])
    label_studio.call("PATCH", f"/api/annotations/{on_two['id']}", {"result": image_result("Dog", "edited")})
    (on_three,) = annotations_of(label_studio, tasks[2]["id"])
    label_studio.call("PATCH", f"/api/annotations/{on_three['id']}", {"was_cancelled": True, "result": []})
    (on_one,) = [a for a in annotations_of(label_studio, tasks[0]["id"]) if a["import_id"]]
    label_studio.call("DELETE", f"/api/annotations/{on_one['id']}")
    completion_three = store.task(3)["completions"][0]["id"]
    time.sleep(1.1)  # lsdesk keeps whole seconds: this edit is the newer one
    store.update_completion(3, completion_three, {"result": image_result("Cat", "mine")})
    before = store.counts()["completions"]
    counts = pull(store, client)
    assert counts == {"new_completions": 2, "edited": 1, "edited_on_both": 1, "deleted_on_server": 1, "changed_tasks": 4}
    assert store.counts()["completions"] == before + 2
    sam = [c for c in store.task(1)["completions"] if c.get("completed_by") == f"sam{project_id}@example.com"]
    assert [c["result"] for c in sam] == [image_result("Dog")]
    assert store.task(2)["completions"][0]["result"] == image_result("Dog", "edited")
    assert len(store.completion_versions(2, store.task(2)["completions"][0]["id"])["versions"]) == 1
    # Edited on both: the newer (this copy's edit) wins, the server's cancellation is kept as a version to choose.
    three = store.task(3)["completions"][0]
    assert (three["result"], three.get("was_cancelled")) == (image_result("Cat", "mine"), None)
    versions = store.completion_versions(3, three["id"])
    assert [(v["result"], v["was_cancelled"]) for v in versions["versions"]] == [([], True)]
    assert versions["conflict"] is not None
    assert pull(store, client) == {}
    applied = pull_with_deletions_after_touch(label_studio, store, client, tasks[0]["id"])
    assert applied["deleted"] == 1
    workspace.close()


def pull_with_deletions_after_touch(label_studio, store, client, server_task):
    """Deletions come with a changed task: touch it (a new annotation by the lead), then pull applying them."""
    label_studio.call("POST", f"/api/tasks/{server_task}/annotations", {"result": image_result("Cat", "lead")})
    return pull(store, client, apply_deletions=True)


def test_clone_then_label_offline_then_push_sends_the_work_back(tmp_path, label_studio):
    source_ws, source, _media = make_project(tmp_path / "source", "image")
    push(source, client_of(label_studio))
    project_id = source.server_link()["project_id"]
    source_ws.close()
    output = tmp_path / "offline.lsdesk"
    data_dir = tmp_path / "laptop"
    assert run_cli("clone", label_studio.url, "--project-id", str(project_id), "--token", label_studio.token,
                   "-o", str(output), "--data-dir", str(data_dir)) == 0
    workspace = Workspace(data_dir)
    store = workspace.open(output)
    assert store.counts()["tasks"] == 3 and store.counts()["completions"] == 2
    first = store.task(1)
    assert first["completions"][0]["completed_by"] == "ann"
    assert b"".join(store.read_upload(first["data"]["image"].rsplit("/", 1)[-1])).startswith(b"\x89PNG")
    store.add_completion(3, {"result": image_result("Dog", "offline")}, False, "field-worker")
    workspace.close()
    # The token was kept in the workspace (readable by the user only), not in the file.
    assert label_studio.token not in output.read_bytes().decode("latin-1")
    tokens = data_dir / "server-tokens.json"
    assert json.loads(tokens.read_text()) == {label_studio.url: label_studio.token}
    assert tokens.stat().st_mode & 0o777 == 0o600
    assert run_cli("push", "--project", str(output), "--data-dir", str(data_dir)) == 0
    tasks = sorted(server_tasks(label_studio, project_id), key=lambda task: task["id"])
    assert len(tasks) == 3
    assert [a["result"] for a in annotations_of(label_studio, tasks[2]["id"])] == [image_result("Dog", "offline")]


def test_clone_of_a_filtered_batch_takes_only_those_tasks_and_pulls_keep_to_them(tmp_path, label_studio):
    source_ws, source, _media = make_project(tmp_path / "source", "text")
    client = client_of(label_studio)
    push(source, client)
    project_id = source.server_link()["project_id"]
    source_ws.close()
    server_ids = sorted(task["id"] for task in server_tasks(label_studio, project_id))
    batch = [{"filter": "filter:tasks:id", "operator": "less", "type": "Number", "value": server_ids[1] + 1}]
    output, data_dir = tmp_path / "batch.lsdesk", tmp_path / "laptop"
    assert run_cli("clone", label_studio.url, "--project-id", str(project_id), "--token", label_studio.token,
                   "-o", str(output), "--data-dir", str(data_dir), "--filter", json.dumps(batch)) == 0
    workspace = Workspace(data_dir)
    store = workspace.open(output)
    assert store.counts()["tasks"] == 2
    assert store.server_link()["batch_filter"] == batch
    # A task outside the batch changes on the server: the next pull does not bring it in.
    label_studio.call("POST", f"/api/tasks/{server_ids[-1]}/annotations", {"result": text_result()})
    counts = pull(store, client)
    assert store.counts()["tasks"] == 2 and counts.get("new_tasks", 0) == 0
    workspace.close()
    assert run_cli("clone", label_studio.url, "--project-id", str(project_id), "--token", label_studio.token,
                   "-o", str(tmp_path / "bad.lsdesk"), "--data-dir", str(data_dir), "--filter", "[{}]") == 2
    assert not (tmp_path / "bad.lsdesk").exists()


def test_a_refused_token_says_which_call_and_the_servers_words(label_studio):
    with pytest.raises(ServerError) as refused:
        LabelStudio(label_studio.url, "not-a-token").whoami()
    assert refused.value.http_status == 401
    assert "the token was refused" in refused.value.message and "401" in refused.value.message
    assert "Invalid token" in refused.value.message


def test_pull_of_a_project_never_linked_is_refused(tmp_path, label_studio):
    workspace, store, _media = make_project(tmp_path / "ws", "text")
    assert run_cli("pull", "--project", str(store.path), "--data-dir", str(tmp_path / "ws"),
                   "--token", label_studio.token) == 1
    workspace.close()


def test_link_state_shows_on_the_api(tmp_path, label_studio):
    from tests.client import Server
    with Server.ready_in(tmp_path) as server:
        api = server.client
        assert api.get("/api/project/server").json == {"linked": False}
        api.post("/api/project/config", json={"label_config": "<View><Text name='t' value='$text'/></View>"})
        api.post("/api/project/import", json=[{"text": "one"}, {"text": "two"}])
        answer = api.post("/api/project/server/push", json={"url": label_studio.url, "token": label_studio.token})
        assert answer.status == 202
        job = wait_for(api, answer.json["job"]["id"])
        assert (job["state"], job["result"]["tasks"]) == ("done", 2), job
        state = api.get("/api/project/server").json
        assert (state["linked"], state["reachable"], state["tasks"]) == (True, True, 2)
        pulled = wait_for(api, api.post("/api/project/server/pull", json={}).json["job"]["id"])
        assert pulled["state"] == "done", pulled
        refused = api.post("/api/project/server/push", json={"url": "ftp://x", "token": "t"})
        assert refused.status == 400 and "http://host:port" in json.dumps(refused.json)


def wait_for(api, job_id, seconds=120):
    import time
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = api.get(f"/api/jobs/{job_id}").json
        if job["state"] != "running":
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running")


def test_a_personal_access_token_is_refreshed_into_bearer_access_tokens(tmp_path, label_studio, monkeypatch):
    from lsdesk.teams import client as client_module
    try:
        personal = label_studio.call("POST", "/api/token/")["token"]
    except urllib.error.HTTPError as error:  # one per user: a server reused across sessions already gave it
        pytest.skip(f"the lead's personal access token exists already ({error.code})")
    monkeypatch.setattr(client_module, "ACCESS_TOKEN_SECONDS", 0)  # refresh before every call
    client = LabelStudio(label_studio.url, personal)
    assert client.whoami()["email"] == "lead@example.com"
    workspace, store, _media = make_project(tmp_path / "ws", "text", tasks=2)
    assert push(store, client)["tasks"] == 2
    with pytest.raises(ServerError) as refused:
        LabelStudio(label_studio.url, personal[:-4] + "abcd").whoami()
    assert refused.value.http_status == 401 and "personal access token was refused" in refused.value.message
    workspace.close()
