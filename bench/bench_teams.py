"""Label Studio server benchmark: push and clone of N tasks naming N/10 images, an incremental pull of 5
changes among them, an incremental push of 5 edits; and the baseline, Label Studio's own import of the
same N task items into a new project (one request, as the push sends them in batches).

The project is built with ProjectStore in this process (not timed): N tasks, each naming one of N/10
PNG images kept in the file (about 3 KB each), every other task with one completion and one prediction.
The server is a Label Studio 1.23.2 started from .ls-venv (as the tests start it) unless --url and
--token name a running one. Each row is one run, timed around the call (push, clone and pull run the
same functions as `lsdesk push`, `clone` and `pull`).

    python bench/bench_teams.py [--tasks 10000] [--url URL --token TOKEN]
"""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lsdesk.importer import upload_of  # noqa: E402
from lsdesk.teams import mapping  # noqa: E402
from lsdesk.teams.client import LabelStudio  # noqa: E402
from lsdesk.teams.sync import clone, pull, push  # noqa: E402
from lsdesk.workspace import Workspace  # noqa: E402
from tests.label_studio import LabelStudioServer  # noqa: E402

CONFIG = ('<View><Image name="img" value="$image"/><Choices name="kind" toName="img">'
          '<Choice value="cat"/><Choice value="dog"/></Choices></View>')


class _Media:
    def __init__(self, name, data):
        self.name, self.data = name, data


def choice(value):
    return [{"id": "c1", "from_name": "kind", "to_name": "img", "type": "choices", "value": {"choices": [value]}}]


def build(workspace, tasks):
    store = workspace.create("bench team project")
    store.update_settings({"label_config": CONFIG})
    rng = random.Random(17)
    images = [upload_of(_Media(f"img{n}.png", b"\x89PNG\r\n\x1a\n" + rng.randbytes(3000))) for n in range(tasks // 10)]
    items = []
    for number in range(tasks):
        image = images[number % len(images)]
        item = {"data": {"image": f"/data/upload/{image.name}", "n": number}}
        if number < len(images):
            item["upload"] = image
        if number % 2 == 0:
            item["completions"] = [{"result": choice("cat"), "completed_by": "ann"}]
            item["predictions"] = [{"result": choice("dog"), "score": rng.random()}]
        items.append(item)
    store.import_tasks(items)
    return store, len(images)


def timed(call):
    started = time.perf_counter()
    answer = call()
    return time.perf_counter() - started, answer


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=10_000)
    parser.add_argument("--url")
    parser.add_argument("--token")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-teams-"))
    server = None
    if args.url:
        url, token = args.url, args.token
    else:
        print("starting Label Studio…", file=sys.stderr)
        server = LabelStudioServer(folder / "label-studio").start()
        url, token = server.url, server.token
    try:
        client = LabelStudio(url, token)
        workspace = Workspace(folder / "lsdesk")
        store, image_count = build(workspace, args.tasks)
        rows = []

        # Baseline: the server's own import of the same items, media already uploaded, in one request.
        baseline_project = client.post("/api/projects", {"title": "bench baseline", "label_config": CONFIG})["id"]
        batch = store.unlinked_tasks(0, args.tasks)
        media = {url: f"/data/upload/{baseline_project}/x.png" for url in mapping.media_urls(batch[0][0]["data"])}
        items = [mapping.task_for_server(task, media, completions, [p[1:] for p in predictions])
                 for task, completions, predictions in batch]
        seconds, _ = timed(lambda: client.post(f"/api/projects/{baseline_project}/import", items, return_task_ids="true"))
        rows.append((f"Label Studio's own import of {args.tasks:,} task items (one request)", seconds))

        seconds, counts = timed(lambda: push(store, client, title="bench push"))
        rows.append((f"lsdesk push, first: {counts['tasks']:,} tasks, {counts['media']:,} images", seconds))
        project_id = counts["project_id"]
        seconds, _ = timed(lambda: pull(store, client))
        rows.append(("lsdesk pull right after (nothing changed since the push)", seconds))

        seconds, (cloned, clone_counts) = timed(lambda: clone(workspace, client, project_id, folder / "clone.lsdesk"))
        rows.append((f"lsdesk clone: {clone_counts['new_tasks']:,} tasks, {image_count:,} images downloaded", seconds))

        server_ids = sorted(task["id"] for task in client.get("/api/tasks", project=project_id, page_size=5,
                                                               fields="all")["tasks"])
        for server_task in server_ids[:5]:
            client.post(f"/api/tasks/{server_task}/annotations", {"result": choice("dog"), "task": server_task})
        seconds, pulled = timed(lambda: pull(store, client))
        rows.append((f"lsdesk pull, incremental: {pulled.get('new_completions', 0)} changes among {args.tasks:,}", seconds))

        for task_id in (2, 4, 6, 8, 10):
            store.add_completion(task_id, {"result": choice("cat")}, False, "bob")
        seconds, pushed = timed(lambda: push(store, client))
        rows.append((f"lsdesk push, incremental: {pushed['completions_added']} new completions", seconds))
        workspace.close()
    finally:
        if server:
            server.stop()
    print(f"Label Studio server at {url}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores\n")
    print("| step | seconds |\n| --- | ---: |")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
