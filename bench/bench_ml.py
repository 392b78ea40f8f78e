"""ML benchmark: a prediction job over every task of a project, against the test ML backend.

For each size N: a project of N text tasks, the test backend (tests/ml_backend.py, in its own
process) connected, then POST /api/models/predictions?mode=all_tasks. While the job runs, GET
/api/project/next and a middle page of GET /api/tasks are timed again and again; their medians are
compared with the same requests before the job. After it, `next` by prediction score.

    python bench/bench_ml.py [--sizes 100000] [--out FILE]
"""

import json
import statistics
import subprocess
import sys
import threading
from pathlib import Path

from _client import Server
from bench_core import LABEL_CONFIG, flat_item, import_bodies, log, run_benchmark, size_label

REPO = Path(__file__).resolve().parent.parent
SAMPLES = 30  # requests of each kind before the job, and at least this many while it runs
PAGE_SIZE = 10


def start_backend():
    """The test ML backend in its own process (so its work does not slow the timing client); (process, url)."""
    process = subprocess.Popen([sys.executable, "-m", "tests.ml_backend"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    return process, process.stdout.readline().strip()


def median_ms(api, path, samples=SAMPLES):
    return statistics.median(api.timed("GET", path) for _ in range(samples)) * 1000


def run_job_and_time_requests(api, paths):
    """Start the job; time each of `paths` in turn until it ends. (job as it ended, {path: [ms, ...]}).

    The request that starts the job waits up to 3 s for it, so it is sent from a thread and the
    timing starts at once.
    """
    started = {}

    def start():
        status, raw = api.send("POST", "/api/models/predictions?mode=all_tasks")
        if status not in (200, 202):
            raise RuntimeError(f"the job did not start: {status} {raw[:300]!r}")
        started.update(json.loads(raw))

    starter = threading.Thread(target=start)
    starter.start()
    timings = {path: [] for path in paths}
    job = {"state": "running"}
    while job["state"] == "running":
        for path in paths:
            timings[path].append(api.timed("GET", path) * 1000)
        if "job" in started:
            job = api.call("GET", f"/api/jobs/{started['job']['id']}")
    starter.join()
    return job, timings


def measure(size, workdir):
    backend, url = start_backend()
    try:
        with Server(workdir / "data") as server:
            api = server.api
            log(f"{size_label(size)}: importing")
            api.call("POST", "/api/project/config", {"label_config": LABEL_CONFIG}, expect=201)
            for _count, body in import_bodies(size, flat_item):
                api.send("POST", "/api/project/import", body)
            api.call("PATCH", "/api/project", {"ml_backend": f"bench={url}"}, expect=201)
            next_path = "/api/project/next"
            page_path = f"/api/tasks?page={size // PAGE_SIZE // 2}&page_size={PAGE_SIZE}"
            api.call("GET", next_path)  # its live prediction is made once, before timing
            before = {path: median_ms(api, path) for path in (next_path, page_path)}
            log(f"{size_label(size)}: predicting every task")
            job, during = run_job_and_time_requests(api, (next_path, page_path))
            if job["state"] != "done" or job["done"] != size:
                raise RuntimeError(f"the job ended {job['state']} after {job['done']} of {size}: {job['message']}")
            api.call("PATCH", "/api/project", {"sampling": "prediction-score-min"}, expect=201)
            by_score = median_ms(api, next_path)
            predictions = api.call("GET", "/api/project")["prediction_count"]
    finally:
        backend.terminate()
        backend.wait()
    seconds = job["finished_at"] - job["started_at"]
    return {
        "seconds": seconds, "rate": size / seconds, "predictions": predictions, "samples": len(during[next_path]),
        "next before": before[next_path], "next during": statistics.median(during[next_path]),
        "page before": before[page_path], "page during": statistics.median(during[page_path]),
        "next by score": by_score,
    }


ROWS = (
    ("predictions stored", lambda r: f"{r['predictions']:,}"),
    ("job time", lambda r: f"{r['seconds']:.1f} s"),
    ("tasks/s", lambda r: f"{r['rate']:,.0f}"),
    ("next, median before the job", lambda r: f"{r['next before']:.1f} ms"),
    ("next, median while it runs", lambda r: f"{r['next during']:.1f} ms ({r['next during'] / r['next before']:.1f}×)"),
    ("middle page, median before", lambda r: f"{r['page before']:.1f} ms"),
    ("middle page, median while it runs",
     lambda r: f"{r['page during']:.1f} ms ({r['page during'] / r['page before']:.1f}×)"),
    ("requests timed while it runs (each kind)", lambda r: str(r["samples"])),
    ("next by prediction-score-min after it", lambda r: f"{r['next by score']:.1f} ms"),
)


def table(results):
    sizes = sorted(results)
    lines = [f"| metric | {' | '.join(size_label(size) for size in sizes)} |", "|---|" + "---:|" * len(sizes)]
    lines += [f"| {title} | {' | '.join(cell(results[size]) for size in sizes)} |" for title, cell in ROWS]
    return "\n".join(lines)


def main(argv=None):
    run_benchmark("lsdesk ML prediction job benchmark", measure, table,
                  "Medians of client-side latencies; (n×) is the ratio to the same request before the job.",
                  "100000", argv)


if __name__ == "__main__":
    main()
