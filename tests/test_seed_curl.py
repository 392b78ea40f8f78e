"""The seed page's curl examples, run with real curl exactly as written (only the port differs)."""

import json
import shutil
import subprocess

import pytest

from tests.client import Server

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")

SEED_CONFIG = """<View>
  <Text name="my_key" value="$my_key"/>
  <Choices name="sentiment" toName="my_key"><Choice value="Good"/><Choice value="Bad"/></Choices>
</View>"""


@pytest.fixture
def seed(tmp_path):
    (tmp_path / "config.xml").write_text(SEED_CONFIG)
    with Server(tmp_path / "ws") as server:

        def curl(line, status_line=True):
            line = line.replace("localhost:8080", f"localhost:{server.port}")
            if status_line:
                line += " -s -w '\\n%{http_code}'"
            run = subprocess.run(["bash", "-c", line + "; wait"], cwd=tmp_path,
                                 capture_output=True, text=True, timeout=60)
            body, _, status = run.stdout.rpartition("\n")
            return (int(status), body) if status_line else run.stdout

        yield curl


def test_seed_examples_as_written(seed):
    status, body = seed(r'''curl -X POST -H Content-Type:application/json http://localhost:8080/api/project/config \
--data "{\"label_config\": \"<View><Text name=\\\"my_key\\\" value=\\\"\$my_key\\\"/></View>\"}"''')
    assert status == 201, body
    status, body = seed("curl -X POST -H Content-Type:application/xml http://localhost:8080/api/project/config \\\n"
                        "--data @config.xml")
    assert status == 201, body
    status, body = seed(r'''curl -X POST -H Content-Type:application/json http://localhost:8080/api/project/import \
--data "[{\"my_key\": \"my_value_1\"}, {\"my_key\": \"my_value_2\"}]"''')
    assert status == 201, body
    assert json.loads(body)["task_count"] == 2
    status, body = seed("curl http://localhost:8080/api/project/")
    assert status == 200
    assert json.loads(body)["task_count"] == 2
    status, body = seed('curl "http://localhost:8080/api/tasks?page=1&page_size=10&order=-completed_at"')
    assert status == 200
    assert [task["data"] for task in json.loads(body)] == [{"my_key": "my_value_1"}, {"my_key": "my_value_2"}]


def test_seed_file_upload_as_written(seed, tmp_path):
    (tmp_path / "test.jpg").write_bytes(bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9"))
    (tmp_path / "image.xml").write_text('<View><Image name="image" value="$image"/></View>')
    seed("curl -X POST -H Content-Type:application/xml http://localhost:8080/api/project/config --data @image.xml")
    status, body = seed('curl -X POST -F "FileUpload=@test.jpg" http://localhost:8080/api/project/import')
    assert status == 201, body
    assert json.loads(body)["task_count"] == 1
    status, body = seed("curl http://localhost:8080/api/tasks")
    url = json.loads(body)[0]["data"]["image"]
    assert url.startswith("/data/upload/") and url.endswith("-test.jpg")
    status, _ = seed(f"curl -o got.jpg http://localhost:8080{url}")
    assert status == 200
    assert (tmp_path / "got.jpg").read_bytes() == (tmp_path / "test.jpg").read_bytes()


def test_seed_tasks_line_unquoted_still_answers(seed):
    # Unquoted in a shell, "&" ends the command after page=1: the server still answers a task list.
    output = seed("curl http://localhost:8080/api/tasks?page=1&page_size=10&order=-completed_at",
                  status_line=False)
    assert json.loads(output) == []
