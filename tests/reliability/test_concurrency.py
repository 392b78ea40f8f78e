"""8 client threads send mixed requests to one project at once: no errors, no "database is locked", exact counts.

Each thread imports its own tasks and writes completions only on them, so it knows exactly
what the project must hold when all are done; reads (next, pages, exports) run meanwhile.
"""

import json
import random
import threading
from collections import Counter

import pytest

from tests.client import ProcessServer
from tests.reliability.harness import read_state

THREADS = 8
_ORDERS = ["id", "-id", "completed_at", "-completed_at", "has_cancelled_completions", "-has_cancelled_completions"]


class Annotator(threading.Thread):
    """One client: `requests` random requests, keeping the tasks and completions it made."""

    def __init__(self, client, number, requests):
        super().__init__(daemon=True)
        self.client, self.number, self.requests = client, number, requests
        self.rnd = random.Random(number)
        self.tasks = []
        self.completions = {}  # completion id -> task id
        self.errors = []
        self.sent = Counter()

    def run(self):
        for step in range(self.requests):
            kinds = ["import_tasks", "next", "page", "export"]
            if self.tasks:
                kinds += ["create", "create"]
            if self.completions:
                kinds += ["update", "delete"]
            kind = self.rnd.choice(kinds)
            try:
                getattr(self, kind)(step)
            except Exception as error:  # a failed request is a finding, not a reason to stop
                self.errors.append(f"{kind}: {error!r}")
            self.sent[kind] += 1

    def expect(self, answer, *statuses):
        if answer.status not in statuses or b"locked" in answer.raw:
            raise AssertionError(answer)
        return answer

    def import_tasks(self, step):
        size = self.rnd.randint(1, 5)
        items = [{"text": f"annotator {self.number} step {step} item {n}"} for n in range(size)]
        answer = self.expect(self.client.post("/api/project/import", json=items), 201)
        self.tasks += answer.json["new_task_ids"]

    def create(self, step):
        task_id = self.rnd.choice(self.tasks)
        answer = self.expect(self.client.post(f"/api/tasks/{task_id}/completions", json=_result(step)), 201)
        self.completions[answer.json["id"]] = task_id

    def update(self, step):
        completion_id, task_id = self.rnd.choice(list(self.completions.items()))
        answer = self.expect(self.client.patch(f"/api/tasks/{task_id}/completions/{completion_id}",
                                               json=_result(step)), 201)
        assert answer.json["result"][0]["id"] == f"r{step}"

    def delete(self, _step):
        completion_id, task_id = self.rnd.choice(list(self.completions.items()))
        self.expect(self.client.delete(f"/api/tasks/{task_id}/completions/{completion_id}"), 204)
        del self.completions[completion_id]

    def next(self, _step):
        self.expect(self.client.get("/api/project/next"), 200, 404)

    def page(self, _step):
        order = self.rnd.choice(_ORDERS)
        answer = self.expect(self.client.get(f"/api/tasks?page={self.rnd.randint(1, 5)}&page_size=20&order={order}"),
                             200)
        assert isinstance(answer.json, list)

    def export(self, _step):
        answer = self.expect(self.client.get("/api/project/export?format=JSON"), 200)
        assert isinstance(json.loads(answer.raw), list)


def _result(step):
    return {"result": [{"id": f"r{step}", "from_name": "sentiment", "to_name": "text", "type": "choices",
                        "value": {"choices": ["Positive"]}}]}


def run_annotators(tmp_path, requests):
    with ProcessServer(tmp_path / "workspace") as server:
        path = server.client.get("/api/project").json["path"]
        annotators = [Annotator(server.client, number, requests) for number in range(THREADS)]
        for annotator in annotators:
            annotator.start()
        for annotator in annotators:
            annotator.join(timeout=1800)
        errors = [error for annotator in annotators for error in annotator.errors]
        assert errors == [], f"{len(errors)} errors, first: {errors[:5]}"
        tasks = sum(len(annotator.tasks) for annotator in annotators)
        completions = {cid: task for annotator in annotators for cid, task in annotator.completions.items()}
        project = server.client.get("/api/project").json
        assert (project["task_count"], project["total_completions"], project["completion_count"]) == (
            tasks, len(completions), len(set(completions.values())))
        exported = json.loads(server.client.get("/api/project/export?format=JSON").raw)
        assert {c["id"]: task["id"] for task in exported for c in task["completions"]} == completions
    assert "locked" not in server.process.stderr.read()
    state = read_state(path)
    assert (len(state.tasks), state.completions.keys()) == (tasks, completions.keys())
    return sum((annotator.sent for annotator in annotators), Counter())


def test_eight_annotators_at_once(tmp_path):
    sent = run_annotators(tmp_path, requests=100)
    assert sum(sent.values()) == THREADS * 100


@pytest.mark.slow
def test_eight_annotators_at_once_1000_requests_each(tmp_path):
    sent = run_annotators(tmp_path, requests=1000)
    print(f"\nconcurrency run: {sum(sent.values())} requests", dict(sent))
    assert sum(sent.values()) == THREADS * 1000
