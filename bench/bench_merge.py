"""Merge benchmark: two copies of one project labeled by different annotators, merged into a new file.

For each size N: a project of N tasks, of which N/100 carry a completion by "ann" before it is
copied. Copy A: ann edits those and labels tasks up to N/2 (N/2 completions in all). Copy B: bob
edits the same N/100 (later, so his edits win), labels tasks N/4+1 .. 3N/4 (agreeing with ann
4 times in 5) and imports N/100 new tasks. The copies are built with ProjectStore in this process
(synchronous=OFF while building; not timed). Then `merge_projects` runs 3 times, each in a new
process, timed inside that process; peak RSS is that process's own (ru_maxrss from wait4). The
baseline, measured in the same run: copying A with SQLite's backup API, the first step of a merge
and the least any merge into a new file can cost.

    python bench/bench_merge.py [--sizes 100000] [--out FILE]
"""

import json
import os
import sqlite3
import statistics
import subprocess
import sys
import time

from bench_core import log, run_benchmark

from lsdesk.store.project import ProjectStore

CONFIG = ('<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">'
          '<Choice value="Positive"/><Choice value="Negative"/></Choices></View>')
RUNS = 3

# Runs in a new process: the merge alone, timed where it happens.
_MERGE = """
import json, sys, time
from lsdesk.store.merge import merge_projects
started = time.perf_counter()
report = merge_projects(sys.argv[1], sys.argv[2], sys.argv[3])
print(json.dumps({"seconds": time.perf_counter() - started, "report": report}))
"""
_IDLE = "import lsdesk.store.merge"


def result(value):
    return [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [value]}}]


def build(size, workdir):
    base = ProjectStore(workdir / "base.lsdesk", create=True)
    base.update_settings({"label_config": CONFIG})
    shared = size // 100
    base.import_tasks({"data": {"text": f"task {n}"}} for n in range(1, size + 1))
    base._writer.execute("PRAGMA synchronous = OFF")
    shared_ids = [base.add_completion(n, {"result": result("Positive")}, False, "ann") for n in range(1, shared + 1)]
    paths = {side: base.save_copy(workdir / f"{side}.lsdesk") for side in ("a", "b")}
    base.close()
    stores = {side: ProjectStore(path) for side, path in paths.items()}
    for store in stores.values():
        store._writer.execute("PRAGMA synchronous = OFF")
    a, b = stores["a"], stores["b"]
    log(f"{size:,}: A, ann's completions")
    for task_id, completion_id in enumerate(shared_ids, 1):
        a.update_completion(task_id, completion_id, {"result": result("Negative")})
    for n in range(shared + 1, size // 2 + 1):
        a.add_completion(n, {"result": result("Positive" if n % 2 else "Negative")}, False, "ann")
    log(f"{size:,}: B, bob's completions")
    for task_id, completion_id in enumerate(shared_ids, 1):
        b.update_completion(task_id, completion_id, {"result": result("Positive"), "lead_time": 1})
    for n in range(size // 4 + 1, size * 3 // 4 + 1):
        agrees = n % 5 != 0
        ann_said = "Positive" if n % 2 else "Negative"
        other = "Negative" if ann_said == "Positive" else "Positive"
        b.add_completion(n, {"result": result(ann_said if agrees else other)}, False, "bob")
    b.import_tasks({"data": {"text": f"new task {n}"}} for n in range(size // 100))
    counts = {side: store.counts() for side, store in stores.items()}
    for store in stores.values():
        store.close()
    return paths, counts


def run_merge(paths, output):
    process = subprocess.Popen([sys.executable, "-c", _MERGE, str(paths["a"]), str(paths["b"]), str(output)],
                               stdout=subprocess.PIPE, text=True)
    started = time.perf_counter()
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    assert status == 0, out
    return {**json.loads(out), "wall": wall, "peak_rss": usage.ru_maxrss * 1024}


def idle_rss():
    process = subprocess.Popen([sys.executable, "-c", _IDLE])
    _pid, _status, usage = os.wait4(process.pid, 0)
    return usage.ru_maxrss * 1024


def agreement_seconds(path):
    """Time of the first agreement report on the merged file (what GET /api/project/agreement computes)."""
    from lsdesk.agreement import ProjectAgreement
    store = ProjectStore(path)
    started = time.perf_counter()
    statistics_ = ProjectAgreement([("sentiment", "text", "choices", ("Positive", "Negative"))])
    for results in store.iter_results_by_annotator():
        statistics_.add_task(results)
    report = statistics_.report()
    seconds = time.perf_counter() - started
    total, _page = store.disagreements_page(1, 30)
    store.close()
    return seconds, report, total


def copy_seconds(source, target):
    """Seconds to copy a project file with SQLite's backup API."""
    started = time.perf_counter()
    with sqlite3.connect(source) as reading, sqlite3.connect(target) as writing:
        reading.backup(writing)
    seconds = time.perf_counter() - started
    target.unlink()
    return seconds


def measure(size, workdir):
    log(f"{size:,}: building the copies")
    paths, counts = build(size, workdir)
    copies = [copy_seconds(paths["a"], workdir / "copy.lsdesk") for _run in range(RUNS)]
    runs = []
    for run in range(RUNS):
        output = workdir / f"merged-{run}.lsdesk"
        log(f"{size:,}: merge {run + 1} of {RUNS}")
        runs.append(run_merge(paths, output))
        if run < RUNS - 1:
            output.unlink()
    seconds, agreement, disagreements = agreement_seconds(workdir / f"merged-{RUNS - 1}.lsdesk")
    return {"counts": counts, "runs": runs, "copy_seconds": statistics.median(copies), "idle_rss": idle_rss(),
            "agreement_seconds": seconds,
            "kappa": agreement["controls"][0]["value"], "disagreements": disagreements,
            "sizes": {name: path.stat().st_size for name, path in
                      (*paths.items(), ("merged", workdir / f"merged-{RUNS - 1}.lsdesk"))}}


def table(results):
    sizes = sorted(results)
    rows = [
        ("A: tasks / completions", lambda r: f"{r['counts']['a']['tasks']:,} / {r['counts']['a']['completions']:,}"),
        ("B: tasks / completions", lambda r: f"{r['counts']['b']['tasks']:,} / {r['counts']['b']['completions']:,}"),
        ("merged: tasks / completions", lambda r: "{total:,} / ".format(**r["runs"][0]["report"]["tasks"])
         + "{total:,}".format(**r["runs"][0]["report"]["completions"])),
        ("tasks matched / added from B", lambda r: "{matched:,} / {added_from_b:,}".format(**r["runs"][0]["report"]["tasks"])),
        ("completions added from B / edited on both", lambda r: "{added_from_b:,} / {edited_on_both:,}".format(
            **r["runs"][0]["report"]["completions"])),
        ("tasks where annotators disagree", lambda r: f"{r['runs'][0]['report']['disagreements']:,}"),
        ("raw baseline: copy A with SQLite's backup API (median of 3)", lambda r: f"{r['copy_seconds']:.2f} s"),
        ("**merge time** (median of 3; min, max)", lambda r: _spread([run["seconds"] for run in r["runs"]])),
        ("merge time ÷ baseline", lambda r: f"{statistics.median(run['seconds'] for run in r['runs']) / r['copy_seconds']:.1f}×"),
        ("merge process, start to exit (median)", lambda r: f"{statistics.median(run['wall'] for run in r['runs']):.2f} s"),
        ("**peak RSS of the merging process** (highest of 3)",
         lambda r: f"{max(run['peak_rss'] for run in r['runs']) / 1e6:.0f} MB"),
        ("peak RSS of the same process doing nothing", lambda r: f"{r['idle_rss'] / 1e6:.0f} MB"),
        ("file sizes A / B / merged", lambda r: " / ".join(f"{r['sizes'][name] / 1e6:.0f} MB"
                                                           for name in ("a", "b", "merged"))),
        ("agreement statistics, first report", lambda r: f"{r['agreement_seconds']:.2f} s (kappa {r['kappa']:.3f})"),
    ]
    lines = ["| | " + " | ".join(f"{size:,} tasks" for size in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    lines += [f"| {title} | " + " | ".join(cell(results[size]) for size in sizes) + " |" for title, cell in rows]
    return "\n".join(lines)


def _spread(values):
    return f"{statistics.median(values):.2f} s ({min(values):.2f}, {max(values):.2f})"


def main(argv=None):
    run_benchmark("lsdesk merge benchmark", measure, table,
        "MB = 10^6 bytes. The merge reads A and B, writes the new file and renames it; times are wall clock.",
        "100000", argv)


if __name__ == "__main__":
    main()
