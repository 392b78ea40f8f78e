"""Interrupted pushes and pulls against the real Label Studio server, through a proxy that loses an answer
or fails a call (tests/teams_faults.py): a rerun finishes with no duplicates, a failed pull changes nothing."""

import pytest

from lsdesk.teams import sync
from lsdesk.teams.client import LabelStudio, ServerError
from lsdesk.teams.sync import pull, push
from tests.teams_faults import FaultyProxy
from lsdesk.importer import upload_of
from tests.teams_projects import _Media, image_result, make_project, png


def is_task_import(method, path):
    return method == "POST" and "/import?" in path and "return_task_ids" in path


def snapshot(store):
    """What a pull may change: the counts, every task with its completions, the link's marks."""
    tasks = [store.task(task_id) for task_id in range(1, store.counts()["tasks"] + 1)]
    link = store.server_link()
    return store.counts(), tasks, (link["pull_mark"], link["pulled_at"])


def test_push_whose_import_answer_was_lost_finishes_on_rerun_without_duplicates(tmp_path, label_studio, monkeypatch):
    monkeypatch.setattr(sync, "IMPORT_BATCH", 2)
    workspace, store, _media = make_project(tmp_path / "ws", "image", tasks=5)
    with FaultyProxy(label_studio.url) as proxy:
        client = LabelStudio(proxy.url, label_studio.token)
        proxy.drop_after(is_task_import, nth=2)  # the server imports tasks 3-4; the answer never arrives
        with pytest.raises(ServerError):
            push(store, client)
        assert store.server_link()["importing"] is True
        counts = push(store, client)
    assert (counts["relinked_tasks"], counts["tasks"]) == (2, 1)
    project_id = store.server_link()["project_id"]
    tasks = label_studio.call("GET", f"/api/tasks?project={project_id}&page_size=100&fields=all")["tasks"]
    assert sorted(task["meta"]["lsdesk"]["task"] for task in tasks) == sorted(uuid_of(store, n) for n in range(1, 6))
    assert sum(task["total_annotations"] for task in tasks) == 4
    workspace.close()


def uuid_of(store, task_id):
    with store._read() as conn:
        return conn.execute("SELECT uuid FROM tasks WHERE id = ?", (task_id,)).fetchone()[0]


def test_failed_pull_changes_nothing_and_a_rerun_brings_everything_once(tmp_path, label_studio):
    workspace, store, _media = make_project(tmp_path / "ws", "image", tasks=2)
    with FaultyProxy(label_studio.url) as proxy:
        client = LabelStudio(proxy.url, label_studio.token)
        push(store, client)
        pull(store, client)
        project_id = store.server_link()["project_id"]
        first = min(task["id"] for task in label_studio.call(
            "GET", f"/api/tasks?project={project_id}&page_size=100")["tasks"])
        label_studio.call("POST", f"/api/tasks/{first}/annotations", {"result": image_result("Dog", "team")})
        stored = LabelStudio(label_studio.url, label_studio.token).upload_files(project_id, [("new", "new.png", png(200))])
        media_url = "/data/" + stored["new"]
        label_studio.call("POST", f"/api/projects/{project_id}/import",
                          [{"data": {"image": media_url}, "annotations": [{"result": image_result(), "ground_truth": False}]}])
        before = snapshot(store)
        # The new task's media download fails after the changes were read: nothing is written.
        proxy.fail(lambda method, path: method == "GET" and path.startswith("/data/upload/"))
        with pytest.raises(ServerError):
            pull(store, client)
        assert snapshot(store) == before
        proxy.drop_after(lambda method, path: "/download" in path)
        with pytest.raises(ServerError):
            pull(store, client)
        assert snapshot(store) == before
        counts = pull(store, client)
        assert counts == {"new_tasks": 1, "new_completions": 2, "changed_tasks": 1}
        assert pull(store, client) == {}
    assert store.counts()["tasks"] == 3 and store.counts()["completions"] == 3
    workspace.close()


def test_media_files_go_up_at_most_100_a_request(tmp_path, label_studio):
    workspace, store, _media = make_project(tmp_path / "ws", "image", tasks=1)
    uploads = [upload_of(_Media(f"p{n}.png", png(n + 1))) for n in range(130)]
    store.import_tasks([{"upload": u, "data": {"image": f"/data/upload/{u.name}"}} for u in uploads])
    with FaultyProxy(label_studio.url) as proxy:
        counts = push(store, LabelStudio(proxy.url, label_studio.token))
    assert counts["media"] == 131
    uploads_sent = [path for method, path in proxy.seen if method == "POST" and "commit_to_project=false" in path]
    assert len(uploads_sent) == 2
    workspace.close()
