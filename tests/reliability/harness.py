"""Drive a real `lsdesk serve` with writes, kill it, and read what its project file holds.

A Writer sends one write at a time from its own thread and records each: acknowledged
(a 2xx came back) or in flight (the connection died under it). The file is read back with
plain SQLite, as any other program would see it after the crash.
"""

import http.client
import os
import random
import re
import signal
import sqlite3
import threading
from dataclasses import dataclass, field

from tests.client import ProcessServer

CONFIGS = [f"""<View>
  <Header value="version {n}"/>
  <Text name="text" value="$text"/>
  <Choices name="choice" toName="text"><Choice value="yes"/><Choice value="no"/></Choices>
</View>""" for n in range(2)]


def start(data_dir, project_path):
    return ProcessServer(data_dir, "--project", str(project_path))


def kill(server):
    """SIGKILL: no handler runs, nothing is flushed or checkpointed."""
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)
    server.process.stdout.close()
    server.process.stderr.close()


@dataclass
class State:
    """What a project file holds, reduced to what the writes change."""

    tasks: dict = field(default_factory=dict)  # task id -> import batch
    completions: dict = field(default_factory=dict)  # completion id -> (task id, marker)
    config: str | None = None  # which of CONFIGS: its header, "version N"

    def copy(self):
        return State(dict(self.tasks), dict(self.completions), self.config)


def read_state(path):
    """The file's state, after checking it is whole and its counters agree with its rows."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tasks = dict(conn.execute("SELECT id, json_extract(data, '$.batch') FROM tasks"))
        completions = {cid: (task_id, marker) for cid, task_id, marker in conn.execute(
            "SELECT id, task_id, json_extract(body, '$.result[0].id') FROM completions")}
        config = conn.execute("SELECT json_extract(value, '$') FROM settings WHERE key = 'label_config'").fetchone()
        counters = dict(conn.execute("SELECT name, value FROM counters"))
        labeled = conn.execute("SELECT count(*) FROM tasks WHERE completions > 0").fetchone()[0]
        per_task = conn.execute(
            "SELECT count(*) FROM tasks WHERE completions != "
            "(SELECT count(*) FROM completions WHERE task_id = tasks.id)").fetchone()[0]
    finally:
        conn.close()
    assert (counters["tasks"], counters["completions"], counters["completed_tasks"], per_task) == (
        len(tasks), len(completions), labeled, 0), counters
    return State(tasks, completions, config_name(config[0]) if config else None)


def config_name(xml):
    return re.search(r"version \d+", xml).group()


@dataclass
class Write:
    kind: str
    method: str
    path: str
    body: object = None
    batch: str = None  # import: the batch every new task carries
    size: int = 0  # import: how many tasks
    marker: str = None  # completion create/update: the result id it writes
    task_id: int = None
    completion_id: int = None
    config: str = None
    status: int = None  # the answer; None while in flight or when none came


def apply(write, before, after_file):
    """The state `before` with `write` done; new ids are taken from the file read afterwards."""
    state = before.copy()
    if write.kind == "import":
        state.tasks.update({i: b for i, b in after_file.tasks.items() if b == write.batch})
    elif write.kind == "create":
        state.completions.update({c: v for c, v in after_file.completions.items() if v[1] == write.marker})
    elif write.kind == "update":
        state.completions[write.completion_id] = (write.task_id, write.marker)
    elif write.kind == "delete_completion":
        del state.completions[write.completion_id]
    elif write.kind == "delete_task":
        del state.tasks[write.task_id]
        state.completions = {c: v for c, v in state.completions.items() if v[0] != write.task_id}
    elif write.kind == "delete_all":
        state.tasks, state.completions = {}, {}
    elif write.kind == "config":
        state.config = write.config
    return state


class Writer:
    """Sends random writes one after another against `state` (kept up to date) until stopped or cut off."""

    def __init__(self, client, state, rnd, names, import_sizes=(1, 20, 500, 5000)):
        self.client, self.state, self.rnd, self.names = client, state, rnd, names
        self.import_sizes = import_sizes
        self.acknowledged = []
        self.in_flight = None
        self.error = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=60)

    def _run(self):
        while not self._stop.is_set():
            write = self.next_write()
            self.in_flight = write
            try:
                answer = self.client.request(write.method, write.path, json_body=write.body)
            except (OSError, http.client.HTTPException):
                return  # the server is gone: this write stays in flight
            write.status = answer.status
            if answer.status >= 300:
                self.error = f"{write.kind} {write.path} -> {answer}"
                return
            try:
                if write.kind == "create":
                    write.completion_id = answer.json["id"]
                created = _created(write, answer)
            except ValueError:
                return  # the kill cut the answer after its status line: this write stays in flight
            self.state = apply(write, self.state, created)
            self.acknowledged.append(write)
            self.in_flight = None

    def next_write(self):
        rnd, state, name = self.rnd, self.state, next(self.names)
        kinds = ["import", "config"]
        if state.tasks:
            kinds += ["create", "create", "delete_task"]
        if state.completions:
            kinds += ["update", "update", "delete_completion"]
        if len(state.tasks) > 20_000:
            kinds.append("delete_all")
        kind = rnd.choice(kinds)
        if kind == "import":
            size = rnd.choice(self.import_sizes)
            return Write("import", "POST", "/api/project/import", batch=name, size=size,
                         body=[{"text": f"{name} {n}", "batch": name} for n in range(size)])
        if kind == "config":
            config = CONFIGS[rnd.randrange(2)]
            return Write("config", "POST", "/api/project/config", body={"label_config": config},
                         config=config_name(config))
        if kind == "create":
            task_id = rnd.choice(list(state.tasks))
            return Write("create", "POST", f"/api/tasks/{task_id}/completions", body=_completion(name),
                         marker=name, task_id=task_id)
        if kind == "delete_task":
            task_id = rnd.choice(list(state.tasks))
            return Write("delete_task", "DELETE", f"/api/tasks/{task_id}", task_id=task_id)
        if kind == "delete_all":
            return Write("delete_all", "DELETE", "/api/tasks")
        completion_id = rnd.choice(list(state.completions))
        task_id = state.completions[completion_id][0]
        if kind == "update":
            return Write("update", "PATCH", f"/api/tasks/{task_id}/completions/{completion_id}",
                         body=_completion(name), marker=name, task_id=task_id, completion_id=completion_id)
        return Write("delete_completion", "DELETE", f"/api/tasks/{task_id}/completions/{completion_id}",
                     task_id=task_id, completion_id=completion_id)


def _completion(marker):
    return {"result": [{"id": marker, "from_name": "choice", "to_name": "text", "type": "choices",
                        "value": {"choices": [random.choice(["yes", "no"])]}}], "lead_time": 1.5}


def _created(write, answer):
    """What `apply` needs of the file after an acknowledged write: the ids the answer names."""
    if write.kind == "import":
        first, last = answer.json["new_task_id_range"]
        return State(tasks={i: write.batch for i in range(first, last + 1)})
    if write.kind == "create":
        return State(completions={write.completion_id: (write.task_id, write.marker)})
    return State()
