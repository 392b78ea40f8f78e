"""Two apps in one process (two windows, or a test beside a server) keep their own state."""

import threading
import time

import pytest

from lsdesk.app import make_app
from lsdesk.server import make_server
from lsdesk.workspace import Workspace
from tests.client import Client

IMAGE_CONFIG = '<View><Image name="img" value="$image"/><Choices name="kind" toName="img">' \
               '<Choice value="Cat"/></Choices></View>'


@pytest.fixture
def two_apps(tmp_path):
    """Two apps over two workspaces, each served on its own loopback port in this process."""
    running = []
    for name in ("a", "b"):
        workspace = Workspace(tmp_path / name)
        server = make_server("127.0.0.1", 0, None)
        app = make_app(workspace, port=server.server_address[1])
        server.set_app(app)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        running.append((app, server, workspace))
    yield [(app, Client(f"http://127.0.0.1:{server.server_address[1]}")) for app, server, _ in running]
    for _app, server, workspace in running:
        server.shutdown()
        server.server_close()
        workspace.close()


def state_of(app):
    return app.app.config["lsdesk.state"]


def test_two_apps_share_no_state(two_apps):
    (first, _), (second, _) = two_apps
    for name in ("jobs", "agreement_reports", "live_pauses", "folder_work"):
        assert getattr(state_of(first), name) is not getattr(state_of(second), name), name


def test_a_folder_job_of_one_app_does_not_hold_up_another_apps_sync(two_apps, tmp_path):
    (first, _), (_second, client) = two_apps
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(b"\xff\xd8 image a")
    assert client.post("/api/project/config", json={"label_config": IMAGE_CONFIG}).status == 201
    root = client.post("/api/project/folders", json={"path": str(folder)}).json
    # The first app is busy packing or syncing its own folders meanwhile.
    with state_of(first).folder_work:
        job = client.post(f"/api/project/folders/{root['id']}/sync", json={}).json["job"]
        deadline = time.monotonic() + 10
        while job["state"] == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
            job = client.get(f"/api/jobs/{job['id']}").json
    assert job["state"] == "done", job
    assert job["result"]["added"] == 1
