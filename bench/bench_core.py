"""Core benchmark: build projects of 10k, 100k and 1M tasks through the HTTP API and print a table of medians.

Baselines are measured in the same run, so ratios hold on a busy machine: the raw import
(json.loads + one executemany transaction) and the HTTP floor (GET /api/health).
bench/README.md says what each row means.

    python bench/bench_core.py [--sizes 10000,100000,1000000] [--out FILE]
"""

import argparse
import json
import math
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import lsdesk
from _client import Server

CHUNK = 100_000  # tasks per import request
PAGE_SIZE = 10
READ_SAMPLES = 30  # requests per page and per sampling mode
SAMPLES = 50  # requests of GET /api/health, GET /api/project and completion saves
BASELINE_RUNS = 3
START_RUNS = 5
DELETED_IN_MIDDLE = 5  # tasks deleted for the "with gaps" pages
PREDICTED_SHARE = 0.3
SEED = 8

LABEL_CONFIG = (
    '<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">'
    '<Choice value="Positive"/><Choice value="Negative"/></Choices></View>'
)
CHOICES = ("Positive", "Negative")
WORDS = ("the service was quick slow friendly rude and the food arrived cold hot late early "
         "we would come back never again price fair too high for a table of four").split()
SAMPLING_MODES = ("sequential", "uniform", "prediction-score-min", "prediction-score-max")
# Each series of pages: its order and its title; "id-gaps" is read after deleting tasks in the middle.
PAGE_SERIES = {
    "id": ("id", "order=id, no gaps"),
    "completed": ("-completed_at", "order=-completed_at"),
    "id-gaps": ("id", "order=id, with gaps"),
}
# A page is read from whichever end of its index is nearer, so the slowest page of an order lies a quarter
# (labeled tasks by completed_at, when half are labeled) or a half (ids with gaps) of the way in.
PAGE_POSITIONS = ("first", "quarter", "middle", "last")

_started = time.perf_counter()


def log(message):
    print(f"[{time.perf_counter() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


# -- the tasks ---------------------------------------------------------------------------------


def choice_result(choice):
    return [{"id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices",
             "value": {"choices": [choice]}}]


def flat_item(_index, rng):
    return {"text": " ".join(rng.choices(WORDS, k=12))}


def labeled_item(index, rng):
    """Import item `index`: every other one has a completion, about 30% a scored prediction, the rest are flat."""
    data = flat_item(index, rng)
    labeled = index % 2 == 0
    predicted = rng.random() < PREDICTED_SHARE
    if not (labeled or predicted):
        return data
    item = {"data": data}
    if labeled:
        item["completions"] = [{"result": choice_result(rng.choice(CHOICES))}]
    if predicted:
        item["predictions"] = [{"result": choice_result(rng.choice(CHOICES)), "score": round(rng.random(), 4)}]
    return item


# The imports measured: flat items alone, then the half-labeled project the latencies are read from.
BUILDS = (("flat", "flat items"), ("labeled", "half labeled, 30% predicted"))


def import_bodies(size, make_item):
    """The import requests for `size` tasks: (task count, JSON body) per chunk of CHUNK tasks."""
    rng = random.Random(SEED)
    bodies = []
    for start in range(0, size, CHUNK):
        items = [make_item(index, rng) for index in range(start, min(size, start + CHUNK))]
        bodies.append((len(items), json.dumps(items).encode()))
    return bodies


# -- the raw baseline --------------------------------------------------------------------------


def raw_import_seconds(bodies, path):
    """Parse each body and insert its items, re-encoded, into a fresh file in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
    started = time.perf_counter()
    conn.execute("BEGIN")
    for _count, body in bodies:
        conn.executemany("INSERT INTO t (data) VALUES (?)", ((json.dumps(item),) for item in json.loads(body)))
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def baseline_rate(bodies, size, workdir):
    """Tasks/s of the raw baseline, median of BASELINE_RUNS runs."""
    runs = []
    for run in range(BASELINE_RUNS):
        path = workdir / f"baseline-{run}.sqlite"
        runs.append(raw_import_seconds(bodies, path))
        path.unlink()
    return size / statistics.median(runs)


# -- measurements through the API --------------------------------------------------------------


def latency(api, key, requests, expect=200):
    """Median ms of `requests` ((method, path, body) each) under `key`, and under "<key> floor" the median ms
    of GET /api/health sent just before each of them: the HTTP floor at that moment of a noisy machine."""
    seconds, floor = [], []
    for method, path, body in requests:
        floor.append(api.timed("GET", "/api/health"))
        seconds.append(api.timed(method, path, body, expect))
    return {key: statistics.median(seconds) * 1000, f"{key} floor": statistics.median(floor) * 1000}


def repeated(method, path, samples):
    return [(method, path, None)] * samples


def import_rates(api, bodies, size):
    """Import every body: tasks/s over the whole build, and of the median request."""
    request_rates = []
    started = time.perf_counter()
    for count, body in bodies:
        request_rates.append(count / api.timed("POST", "/api/project/import", body, expect=201))
    return size / (time.perf_counter() - started), statistics.median(request_rates)


def measure_import(api, size, workdir, build, make_item):
    """The raw baseline and the import through `api` of the same `size` items."""
    log(f"{size_label(size)}: {build} items, raw baseline x{BASELINE_RUNS} and import through the API")
    bodies = import_bodies(size, make_item)
    baseline = baseline_rate(bodies, size, workdir)
    api.call("POST", "/api/project/config", {"label_config": LABEL_CONFIG}, expect=201)
    whole, request = import_rates(api, bodies, size)
    return {f"baseline {build}": baseline, f"import {build}": whole, f"import {build} request": request,
            f"import {build} vs baseline": baseline / whole}


def check_counts(api, tasks, labeled):
    project = api.call("GET", "/api/project")
    if (project["task_count"], project["completion_count"]) != (tasks, labeled):
        raise RuntimeError(f"expected {tasks} tasks, {labeled} labeled; the project has "
                           f"{project['task_count']}, {project['completion_count']} labeled")


def page_latencies(api, series):
    """The first, quarter, middle and last page of one of PAGE_SERIES."""
    order, _title = PAGE_SERIES[series]
    last = math.ceil(api.call("GET", "/api/project")["task_count"] / PAGE_SIZE)
    results = {}
    for position, page in zip(PAGE_POSITIONS, (1, math.ceil(last / 4), math.ceil(last / 2), last)):
        path = f"/api/tasks?page={page}&page_size={PAGE_SIZE}&order={order}"
        if not api.call("GET", path):
            raise RuntimeError(f"GET {path} answered no tasks")
        results.update(latency(api, f"page {series} {position}", repeated("GET", path, READ_SAMPLES)))
    return results


def next_latencies(api):
    """GET /api/project/next in each sampling mode."""
    results = {}
    for mode in SAMPLING_MODES:
        api.call("PATCH", "/api/project", {"sampling": mode}, expect=201)
        results.update(latency(api, f"next {mode}", repeated("GET", "/api/project/next", READ_SAMPLES)))
    return results


def save_latency(api, first_id, size):
    """Saving a completion of SAMPLES distinct unlabeled tasks (odd indexes)."""
    body = json.dumps({"result": choice_result("Positive"), "lead_time": 1.0}).encode()
    indexes = random.Random(SEED).sample(range(1, size, 2), SAMPLES)
    saves = [("POST", f"/api/tasks/{first_id + index}/completions", body) for index in indexes]
    return latency(api, "save", saves, expect=201)


def delete_middle_tasks(api, first_id, size):
    for offset in range(DELETED_IN_MIDDLE):
        api.call("DELETE", f"/api/tasks/{first_id + size // 2 + offset}", expect=204)


def latencies(api, size):
    """Every latency row; the "with gaps" pages come last, after deleting tasks in the middle."""
    first_id = api.call("GET", "/api/tasks?page=1&page_size=1&order=id")[0]["id"]
    results = latency(api, "health", repeated("GET", "/api/health", SAMPLES))
    results.update(latency(api, "project", repeated("GET", "/api/project", SAMPLES)))
    results.update(page_latencies(api, "id"))
    results.update(page_latencies(api, "completed"))
    results.update(next_latencies(api))
    results.update(save_latency(api, first_id, size))
    delete_middle_tasks(api, first_id, size)
    results.update(page_latencies(api, "id-gaps"))
    return results


def memory(server, when):
    rss, peak = server.memory_mb()
    return {f"rss {when}": rss, f"peak {when}": peak}


def start_to_first_page_seconds(workdir, project_path):
    """Seconds from starting a server on an existing file to the first 200 answer of page 1."""
    with Server(workdir, project=project_path) as server:
        server.api.call("GET", "/api/tasks?page=1")
        return time.perf_counter() - server.launched


def measure(size, workdir):
    """Every row of the table for one project size."""
    with Server(workdir / "flat") as server:
        results = measure_import(server.api, size, workdir, "flat", flat_item)
        check_counts(server.api, size, 0)
    with Server(workdir / "labeled") as server:
        results.update(measure_import(server.api, size, workdir, "labeled", labeled_item))
        check_counts(server.api, size, (size + 1) // 2)
        results.update(memory(server, "build"))
        log(f"{size_label(size)}: latencies")
        results.update(latencies(server.api, size))
        results.update(memory(server, "end"))
        project_path = server.api.call("GET", "/api/project")["path"]
    log(f"{size_label(size)}: start to first page x{START_RUNS}")
    results["start"] = statistics.median(start_to_first_page_seconds(workdir / "labeled", project_path)
                                         for _ in range(START_RUNS))
    return results


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    unit: str  # "tasks/s", "×", "ms", "MB" or "s"
    target: float | None = None
    at_least: bool = False  # the target is a minimum, not a maximum

    def cell(self, results):
        value = results[self.key]
        if self.unit == "ms":
            return f"{value:.2f} ms ({value / results[f'{self.key} floor']:.1f}×)"
        return _number(value, self.unit)

    def target_text(self):
        if self.target is None:
            return ""
        if self.unit == "tasks/s":
            shown = _number(self.target, self.unit)
        else:
            shown = f"{self.target:g}{'' if self.unit == '×' else ' '}{self.unit}"
        return f"{'≥' if self.at_least else '≤'} {shown}"

    def verdict(self, results):
        if self.target is None:
            return ""
        value = results[self.key]
        return "pass" if (value >= self.target if self.at_least else value <= self.target) else "**miss**"


def _number(value, unit):
    if unit == "tasks/s":
        return f"{value / 1000:,.0f}k tasks/s"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:.2f} s"


def import_rows(build, title):
    return (
        Row(f"import {build}", f"import via HTTP, whole build ({title})", "tasks/s", 200_000, at_least=True),
        Row(f"import {build} request", f"import via HTTP, median request ({title})", "tasks/s", 200_000,
            at_least=True),
        Row(f"baseline {build}", f"raw baseline: json.loads + executemany ({title})", "tasks/s"),
        Row(f"import {build} vs baseline", f"raw baseline ÷ import, whole build ({title})", "×", 2),
    )


ROWS = (
    *(row for build, title in BUILDS for row in import_rows(build, title)),
    Row("health", "GET /api/health (the HTTP floor)", "ms"),
    *(Row(f"page {series} {position}", f"page {position}, {title}", "ms", 10)
      for series, (_order, title) in PAGE_SERIES.items() for position in PAGE_POSITIONS),
    *(Row(f"next {mode}", f"next, {mode}", "ms", 5) for mode in SAMPLING_MODES),
    Row("save", "completion save", "ms", 5),
    Row("project", "GET /api/project", "ms"),
    Row("rss build", "server RSS after the build", "MB", 150),
    Row("peak build", "server peak RSS (VmHWM) after the build", "MB", 150),
    Row("rss end", "server RSS after the measurements", "MB", 150),
    Row("peak end", "server peak RSS (VmHWM) after the measurements", "MB", 150),
    Row("start", "start to first page of the existing file", "s", 1),
)


def size_label(size):
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def table(results):
    """The Markdown table: a row per metric, a column per size, the target and its verdict at the largest size."""
    sizes = sorted(results)
    largest = results[sizes[-1]]
    lines = [
        f"| metric | {' | '.join(size_label(size) for size in sizes)} | target | verdict at {size_label(sizes[-1])} |",
        "|---|" + "---:|" * len(sizes) + "---|---|",
    ]
    for row in ROWS:
        cells = " | ".join(row.cell(results[size]) for size in sizes)
        lines.append(f"| {row.title} | {cells} | {row.target_text()} | {row.verdict(largest)} |")
    return "\n".join(lines)


def lsdesk_source():
    """Which lsdesk the servers run: its folder, and its commit when that folder is in a git checkout."""
    folder = Path(lsdesk.__file__).parent
    source = f"lsdesk {lsdesk.__version__} from {folder}"
    git = ["git", "-C", str(folder)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    if not commit:
        return source
    changed = subprocess.run([*git, "status", "--porcelain", "--", "."], capture_output=True, text=True).stdout
    return f"{source} at {commit}{' with uncommitted changes' if changed else ''}"


def run_benchmark(title, measure, table, notes, default_sizes, argv=None):
    """The command of a benchmark: measure each --sizes in a temporary folder, print the report.

    The report's head says which lsdesk was measured, on what machine and under what load.
    """
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--sizes", default=default_sizes,
                        type=lambda text: sorted(int(size) for size in text.split(",")),
                        help="project sizes in tasks, comma-separated (default %(default)s)")
    parser.add_argument("--out", type=Path, help="also write the table to this file")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    source = lsdesk_source()
    results = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="lsdesk-bench-") as workdir:
            results[size] = measure(size, Path(workdir))
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join([
        f"{title}, {when}: {source}.",
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{os.cpu_count()} CPUs, load average {load_before:.2f} before and {os.getloadavg()[0]:.2f} after, "
        f"{(time.perf_counter() - _started) / 60:.1f} min in all.",
        notes,
        "",
        table(results),
        "",
    ])
    print(text)
    if args.out:
        args.out.write_text(text)


def main(argv=None):
    run_benchmark("lsdesk core benchmark", measure, table,
        "Medians. (n×) after a latency: its ratio to the median GET /api/health sent just before each of its "
        "requests.", "10000,100000,1000000", argv)


if __name__ == "__main__":
    main()
