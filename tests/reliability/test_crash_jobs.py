"""SIGKILL `lsdesk serve` while a background job writes: a folder sync, packing media, a prediction job.

After each kill the file passes `PRAGMA integrity_check` and its counters agree with its rows;
started again, the same job finishes the work without a duplicate task or a lost file.
"""

import random
import sqlite3
import time

import pytest

from lsdesk.store.project import ProjectStore
from tests.ml_backend import MLBackend
from tests.reliability.harness import kill, start
from tests.test_folders import IMAGE_CONFIG, wait_for

FILES = 3000
TEXT_CONFIG = """<View><Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text"><Choice value="Positive"/><Choice value="Negative"/></Choices></View>"""


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    for index in range(FILES):
        part = folder / f"part-{index // 500}"
        part.mkdir(parents=True, exist_ok=True)
        (part / f"img-{index:05d}.jpg").write_bytes(f"image {index}".encode())
    return folder


def run_job(client, path, body=None, expect=202):
    answer = client.post(path, json=body or {})
    assert answer.status == expect, answer
    return answer.json["job"]


def checked(path):
    """A connection to the file after checking it is whole and its task and prediction counters are exact."""
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    counters = dict(conn.execute("SELECT name, value FROM counters"))
    assert (counters["tasks"], counters["predictions"]) == conn.execute(
        "SELECT (SELECT count(*) FROM tasks), (SELECT count(*) FROM predictions)").fetchone()
    return conn


def file_facts(path):
    """(tasks, distinct image URLs among them, media files linked to a task, packed files)."""
    conn = checked(path)
    try:
        return conn.execute(
            "SELECT (SELECT count(*) FROM tasks), (SELECT count(DISTINCT json_extract(data, '$.image')) FROM tasks), "
            "(SELECT count(*) FROM media_files WHERE task_id IS NOT NULL), "
            "(SELECT count(*) FROM media_files WHERE sha256 IS NOT NULL)").fetchone()
    finally:
        conn.close()


def test_a_killed_sync_and_a_killed_pack_finish_when_run_again(tmp_path, photos):
    path, data_dir = tmp_path / "jobs.lsdesk", tmp_path / "workspace"
    ProjectStore(path, create=True).close()
    timing = random.Random(5)
    server = start(data_dir, path)
    assert server.client.post("/api/project/config", json={"label_config": IMAGE_CONFIG}).status == 201
    root = server.client.post("/api/project/folders", json={"path": str(photos)}).json["id"]
    for job_path in (f"/api/project/folders/{root}/sync", "/api/project/pack"):
        for _kill in range(3):
            run_job(server.client, job_path)
            time.sleep(timing.uniform(0.01, 0.15))
            kill(server)
            tasks, images, linked, _packed = file_facts(path)
            assert tasks == images == linked <= FILES
            server = start(data_dir, path)
        wait_for(server.client, run_job(server.client, job_path), seconds=60)
    server.stop()
    assert file_facts(path) == (FILES, FILES, FILES, FILES)


def test_a_killed_prediction_job_leaves_whole_batches_and_finishes_when_run_again(tmp_path):
    path, data_dir = tmp_path / "predict.lsdesk", tmp_path / "workspace"
    ProjectStore(path, create=True).close()
    with MLBackend() as backend:
        backend.delays["/predict"] = 0.05
        server = start(data_dir, path)
        client = server.client
        assert client.post("/api/project/config", json={"label_config": TEXT_CONFIG}).status == 201
        assert client.post("/api/project/import", json=[{"text": f"t{n}"} for n in range(2000)]).status == 201
        assert client.patch("/api/project", json={"ml_backend": f"model={backend.url}"}).status == 201
        answer = client.post("/api/models/predictions?mode=all_tasks")
        assert answer.status == 202, answer
        time.sleep(0.5)
        kill(server)
        conn = checked(path)
        stored, scored = conn.execute(
            "SELECT (SELECT count(*) FROM predictions), (SELECT count(*) FROM tasks WHERE score IS NOT NULL)").fetchone()
        conn.close()
        assert stored == scored < 2000
        backend.delays["/predict"] = 0
        with start(data_dir, path) as server:
            answer = server.client.post("/api/models/predictions?mode=all_tasks")
            assert answer.status in (200, 202), answer
            wait_for(server.client, answer.json["job"], seconds=60)
            assert server.client.get("/api/project").json["prediction_count"] == 2000
