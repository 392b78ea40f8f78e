"""Import benchmark (issue 19): lsdesk's import rate next to a raw baseline measured in the same run.

Rows:
- flat JSON items sent as JSON bodies of 100k items (bench_core's requests), at each --sizes;
- half-labeled items (one completion each, 30% of all items with a prediction), at each --sizes;
- a .json, .jsonl and .csv file of --file-size tasks uploaded as one multipart request.

Each import runs on a new server whose RSS is polled from /proc/<pid>/status while it imports; VmHWM is read
after. Baselines: json.loads (or one loads per line, or csv.DictReader) + executemany into SQLite in-process, the
median of RUNS. Compare ratios, not rates: the machine is shared.

    python bench/bench_import.py [--sizes 10000,100000] [--million] [--file-size 1000000] [--runs 3] [--out FILE]
"""

import argparse
import json
import shutil
import statistics
import time
from dataclasses import dataclass

from _client import Server, multipart
from bench_core import (
    LABEL_CONFIG, check_counts, flat_item, import_bodies, labeled_item, log, raw_import_seconds, run_benchmark,
    size_label,
)
from bench_io import ROW_READERS, gc_paused, write_import_files
from bench_io import raw_import_seconds as raw_file_import_seconds

HTTP_BUILDS = (("flat", "flat JSON items via HTTP", flat_item, 0),
               ("labeled", "half labeled, 30% predicted, via HTTP", labeled_item, 1))
FILE_KINDS = ("json", "jsonl", "csv")
RATE_TARGETS = {"flat": 200_000, "labeled": 100_000, "json": 200_000, "jsonl": 200_000, "csv": 200_000}
RATIO_TARGET = 1.5  # baseline ÷ lsdesk, for the HTTP rows
RSS_TARGET_MB = 150  # server RSS during a file import


def jsonl_rows(data):
    return (json.loads(line) for line in data.splitlines() if line.strip())


ROW_READERS.setdefault("jsonl", jsonl_rows)


@dataclass
class Measured:
    """One row: lsdesk's rate, the baseline's, and the server's memory during the import."""

    name: str
    title: str
    size: int
    rate: float
    baseline: float
    peak_mb: float
    hwm_mb: float

    def cells(self):
        ratio = self.baseline / self.rate
        target = RATE_TARGETS[self.name]
        rate_ok = self.rate >= target
        ratio_ok = ratio <= RATIO_TARGET or self.name in FILE_KINDS
        rss_ok = self.peak_mb <= RSS_TARGET_MB or self.name not in FILE_KINDS
        verdict = "pass" if rate_ok and ratio_ok and rss_ok else "**miss**"
        return (self.title, size_label(self.size), f"{self.rate / 1000:,.0f}k", f"{self.baseline / 1000:,.0f}k",
                f"{ratio:.2f}×", f"{self.peak_mb:,.0f} MB", f"{self.hwm_mb:,.0f} MB", verdict)


def http_import(bodies, size, labeled, folder):
    """One build from the JSON bodies on a new server: (tasks/s over the build, peak RSS, VmHWM)."""
    with Server(folder) as server:
        server.api.call("POST", "/api/project/config", {"label_config": LABEL_CONFIG}, expect=201)
        with server.peak_rss() as peak:
            started = time.perf_counter()
            for _count, body in bodies:
                server.api.timed("POST", "/api/project/import", body, expect=201)
            seconds = time.perf_counter() - started
        high = server.memory_mb()[1]
        check_counts(server.api, size, (size + 1) // 2 if labeled else 0)
    shutil.rmtree(folder)
    return size / seconds, peak.mb, high


def file_import(file, size, folder):
    """One multipart upload of `file` on a new server: (tasks/s, peak RSS, VmHWM)."""
    with Server(folder) as server:
        server.api.call("POST", "/api/project/config", {"label_config": LABEL_CONFIG}, expect=201)
        headers, body = multipart([file])
        with server.peak_rss() as peak:
            seconds = server.api.timed("POST", "/api/project/import", body, expect=201, headers=headers)
        high = server.memory_mb()[1]
        check_counts(server.api, size, 0)
    shutil.rmtree(folder)
    return size / seconds, peak.mb, high


def baseline_once(timed, size, path):
    """Tasks/s of one baseline run writing a fresh SQLite file at `path`."""
    rate = size / timed(path)
    for leftover in path.parent.glob(f"{path.name}*"):
        leftover.unlink()
    return rate


def summarised(name, title, size, baseline, runs):
    return Measured(name, title, size, statistics.median(run[0] for run in runs), baseline,
                    max(run[1] for run in runs), max(run[2] for run in runs))


def measure_http(size, workdir, runs):
    rows = []
    for name, title, make_item, labeled in HTTP_BUILDS:
        with gc_paused():
            bodies = import_bodies(size, make_item)
        log(f"{size_label(size)}: {name}, raw baseline and import via HTTP, alternating, x{runs}")
        baselines, imports = [], []
        for run in range(runs):  # alternate, so both see the same machine
            baselines.append(baseline_once(lambda path: raw_import_seconds(bodies, path), size, workdir / "baseline.sqlite"))
            imports.append(http_import(bodies, size, labeled, workdir / f"{name}-{run}"))
        rows.append(summarised(name, title, size, statistics.median(baselines), imports))
    return rows


def write_jsonl(json_path):
    """tasks.jsonl next to tasks.json, with the same items one per line."""
    path = json_path.with_suffix(".jsonl")
    with open(path, "w", encoding="utf-8") as out:
        out.writelines(json.dumps(item) + "\n" for item in json.loads(json_path.read_bytes()))
    return path


def measure_files(size, workdir, runs):
    log(f"{size_label(size)}: writing tasks.json, tasks.jsonl and tasks.csv")
    files = write_import_files(size, workdir)
    files["jsonl"] = write_jsonl(files["json"])
    rows = []
    for kind in FILE_KINDS:
        log(f"{size_label(size)}: .{kind} file, raw baseline and import via multipart, alternating, x{runs}")
        data = files[kind].read_bytes()
        baselines, imports = [], []
        for run in range(runs):
            read_rows = ROW_READERS[kind]
            baselines.append(baseline_once(lambda path, content=data: raw_file_import_seconds(read_rows, content, path),
                                           size, workdir / "baseline.sqlite"))
            imports.append(file_import(files[kind], size, workdir / f"file-{kind}-{run}"))
        del data
        file_mb = files[kind].stat().st_size / 1e6
        rows.append(summarised(kind, f".{kind} file ({file_mb:,.0f} MB) via multipart", size,
                               statistics.median(baselines), imports))
    return rows


def table(by_size):
    lines = ["| import | tasks | lsdesk tasks/s | baseline tasks/s | baseline ÷ lsdesk | server peak RSS | VmHWM | "
             "verdict |", "|---|---:|---:|---:|---:|---:|---:|---|"]
    for size in sorted(by_size):
        lines += ["| " + " | ".join(row.cells()) + " |" for row in by_size[size]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description="lsdesk import benchmark")
    parser.add_argument("--million", action="store_true", help="also send 1M items via HTTP")
    parser.add_argument("--file-size", type=int, default=1_000_000, help="tasks per uploaded file (0: none)")
    parser.add_argument("--runs", type=int, default=3, help="runs of every import and baseline")
    args, rest = parser.parse_known_args(argv)
    if "--sizes" not in rest:
        rest += ["--sizes", "10000,100000" + (",1000000" if args.million else "")]
    measured_files = set()

    def measure(size, workdir):
        rows = measure_http(size, workdir, args.runs)
        if args.file_size and args.file_size not in measured_files and size == max(sizes_of(rest)):
            measured_files.add(args.file_size)
            rows += measure_files(args.file_size, workdir, args.runs)
        return rows

    run_benchmark("lsdesk import benchmark", measure, table,
                  f"lsdesk: median of {args.runs} imports, each on a new server; baseline: median of {args.runs} "
                  f"in-process runs alternating with them. Peak RSS (polled every 50 ms) and VmHWM: the highest "
                  f"of the runs. Targets: ≥ {RATE_TARGETS['flat'] // 1000}k tasks/s flat and file imports, "
                  f"≥ {RATE_TARGETS['labeled'] // 1000}k half labeled, HTTP rows within {RATIO_TARGET}× of their "
                  f"baseline, file imports under {RSS_TARGET_MB} MB of server RSS.", "10000,100000", rest)


def sizes_of(rest):
    return [int(size) for size in rest[rest.index("--sizes") + 1].split(",")]


if __name__ == "__main__":
    main()
