"""I/O benchmark: import JSON and CSV files by multipart upload, export JSON, CSV and COCO, at 100k and 1M tasks.

Every import and export runs on a server of its own, whose memory is polled while it works. Baselines are
measured in the same run: json.loads or csv.DictReader + one executemany transaction for the imports,
json.dumps to /dev/null for the exports. bench/README.md says what each row means.

    python bench/bench_io.py [--sizes 100000,1000000] [--out FILE]
"""

import contextlib
import csv
import functools
import gc
import io
import json
import os
import random
import shutil
import sqlite3
import statistics
import struct
import time
import zlib
from dataclasses import dataclass

from _client import Server, multipart
from bench_core import (
    CHOICES, LABEL_CONFIG, SEED, WORDS, check_counts, choice_result, import_bodies, log, run_benchmark,
    size_label,
)

RUNS = 3  # of every import, export and baseline; each import and export on a new server
LONG_RUN = 15  # seconds: an export or export baseline whose first run takes longer is not run again
TEXT_WORDS = 16  # words per task text: about 100 bytes per task in the .json file
FILE_FORMATS = ("json", "csv")
# Each export format and the project it reads: "text" (Text + Choices) or "image" (Image + RectangleLabels).
EXPORT_FORMATS = (("JSON", "text"), ("CSV", "text"), ("COCO", "image"))
IMAGE_CONFIG = (
    '<View><Image name="image" value="$image"/><RectangleLabels name="label" toName="image">'
    '<Label value="Cat"/><Label value="Dog"/></RectangleLabels></View>'
)
IMAGE_LABELS = ("Cat", "Dog")
IMAGE_SIZE = (64, 48)  # pixels of the one PNG that every image task shows
FLAT_MARGIN_MB = 20  # "flat RSS": an export's growth at the largest size is within this of its growth at the smallest



@contextlib.contextmanager
def gc_paused():
    """No cyclic garbage collection while the benchmark builds its large untimed inputs (timed code keeps it on)."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def repeated(run_once):
    """The results of RUNS calls of `run_once`, or of one call when it took LONG_RUN seconds or more:
    a run that long already averages the machine's noise, and three of them would not fit the time budget."""
    started = time.perf_counter()
    runs = [run_once()]
    if time.perf_counter() - started < LONG_RUN:
        runs += [run_once() for _ in range(RUNS - 1)]
    return runs


# -- the tasks ---------------------------------------------------------------------------------


def text_data(_index, rng):
    return {"text": " ".join(rng.choices(WORDS, k=TEXT_WORDS))}


def text_task(index, rng):
    """A text task with one completion choosing a sentiment (read by the JSON and CSV exports)."""
    return {"data": text_data(index, rng), "completions": [{"result": choice_result(rng.choice(CHOICES))}]}


def rectangle_result(rng):
    width, height = IMAGE_SIZE
    box = {"x": round(rng.uniform(0, 50), 2), "y": round(rng.uniform(0, 50), 2),
           "width": round(rng.uniform(5, 50), 2), "height": round(rng.uniform(5, 50), 2), "rotation": 0,
           "rectanglelabels": [rng.choice(IMAGE_LABELS)]}
    return [{"id": "r1", "from_name": "label", "to_name": "image", "type": "rectanglelabels",
             "original_width": width, "original_height": height, "image_rotation": 0, "value": box}]


def image_task_maker(url):
    """Image tasks that all show the file uploaded at `url`, each with one rectangle (read by the COCO export)."""
    def image_task(_index, rng):
        return {"data": {"image": url}, "completions": [{"result": rectangle_result(rng)}]}
    return image_task


def png_bytes(width, height):
    """A valid RGB PNG of a colour gradient."""
    rows = b"".join(b"\x00" + b"".join(bytes((x * 4 % 256, y * 5 % 256, 128)) for x in range(width))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits per channel, RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def write_import_files(size, workdir):
    """tasks.json (a list of {"text"}, one per line) and tasks.csv (header `text`) holding the same `size` texts."""
    rng = random.Random(SEED)
    with gc_paused():
        texts = [text_data(index, rng)["text"] for index in range(size)]
    json_path, csv_path = workdir / "tasks.json", workdir / "tasks.csv"
    with open(json_path, "w", encoding="utf-8") as out:
        out.write("[\n" + ",\n".join(json.dumps({"text": text}) for text in texts) + "\n]\n")
    with open(csv_path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["text"])
        writer.writerows([text] for text in texts)
    return {"json": json_path, "csv": csv_path}


# -- the baselines -----------------------------------------------------------------------------


def json_rows(data):
    return json.loads(data)


def csv_rows(data):
    return csv.DictReader(io.StringIO(data.decode("utf-8")))


ROW_READERS = {"json": json_rows, "csv": csv_rows}


def raw_import_seconds(read_rows, data, path):
    """Parse the file's bytes and insert each row, as JSON, into a fresh file in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t (data) VALUES (?)", ((json.dumps(row),) for row in read_rows(data)))
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


def import_baseline_rate(kind, file, size, workdir):
    """Tasks/s of the raw import of `file`, median of RUNS, from its bytes already in memory."""
    data = file.read_bytes()
    runs = []
    for run in range(RUNS):
        path = workdir / f"baseline-{kind}-{run}.sqlite"
        runs.append(raw_import_seconds(ROW_READERS[kind], data, path))
        for leftover in workdir.glob(f"{path.name}*"):
            leftover.unlink()
    return size / statistics.median(runs)


def exported_tasks(bodies):
    """The tasks of the import bodies as the JSON export holds them: id, data, completions (with their ids,
    lead_time and timestamps), predictions."""
    stamp = int(time.time())
    tasks = []
    for _count, body in bodies:
        for item in json.loads(body):
            number = len(tasks) + 1
            completions = [{"id": number, **completion, "lead_time": 0, "created_at": stamp, "updated_at": stamp}
                           for completion in item["completions"]]
            tasks.append({"id": number, "data": item["data"], "completions": completions, "predictions": []})
    return tasks


def dumps_seconds(tasks):
    """json.dumps of the whole list, encoded and written to /dev/null: (seconds, bytes)."""
    with open(os.devnull, "wb") as sink:
        started = time.perf_counter()
        data = json.dumps(tasks).encode()
        sink.write(data)
        return time.perf_counter() - started, len(data)


def export_baseline(project, bodies, size):
    """Tasks/s and MB/s of json.dumps of the project's tasks, median of RUNS; the list is built once, untimed."""
    with gc_paused():
        tasks = exported_tasks(bodies)
    runs = repeated(functools.partial(dumps_seconds, tasks))
    seconds = statistics.median(run[0] for run in runs)
    return {f"baseline {project}": size / seconds, f"baseline {project} MB/s": runs[0][1] / 1e6 / seconds,
            f"baseline {project} runs": len(runs)}


# -- imports through the API -------------------------------------------------------------------


def measured_import(kind, file, size, folder):
    """One import of `file` on a new server: (seconds, RSS at rest, polled peak RSS, VmHWM after)."""
    with Server(folder) as server:
        server.api.call("POST", "/api/project/config", {"label_config": LABEL_CONFIG}, expect=201)
        rest = server.memory_mb()[0]
        headers, body = multipart([file])
        with server.peak_rss() as peak:
            seconds = server.api.timed("POST", "/api/project/import", body, expect=201, headers=headers)
        high = server.memory_mb()[1]
        check_counts(server.api, size, 0)
    shutil.rmtree(folder)
    return seconds, rest, peak.mb, high


def measure_imports(size, files, workdir):
    results = {}
    for kind in FILE_FORMATS:
        file = files[kind]
        log(f"{size_label(size)}: .{kind} file, raw baseline x{RUNS}")
        baseline = import_baseline_rate(kind, file, size, workdir)
        log(f"{size_label(size)}: .{kind} file, import via multipart x{RUNS}")
        runs = [measured_import(kind, file, size, workdir / f"import-{kind}-{run}") for run in range(RUNS)]
        rate = size / statistics.median(run[0] for run in runs)
        results.update({
            f"file {kind} MB": file.stat().st_size / 1e6,
            f"import {kind}": rate,
            f"baseline {kind}": baseline,
            f"import {kind} vs baseline": baseline / rate,
            f"import {kind} rest": statistics.median(run[1] for run in runs),
            f"import {kind} peak": max(run[2] for run in runs),
            f"import {kind} hwm": max(run[3] for run in runs),
        })
    return results


# -- exports through the API -------------------------------------------------------------------


def build(api, bodies, size):
    """Import the bodies (untimed as far as the table goes) and check every task is labeled."""
    started = time.perf_counter()
    for _count, body in bodies:
        api.timed("POST", "/api/project/import", body, expect=201)
    log(f"{size_label(size)}: built in {time.perf_counter() - started:.1f} s")
    check_counts(api, size, size)
    return api.call("GET", "/api/project")["path"]


def build_text_project(size, folder):
    """A Text + Choices project of `size` labeled tasks: (its file, the import bodies)."""
    with gc_paused():
        bodies = import_bodies(size, text_task)
    with Server(folder) as server:
        server.api.call("POST", "/api/project/config", {"label_config": LABEL_CONFIG}, expect=201)
        return build(server.api, bodies, size), bodies


def build_image_project(size, folder):
    """An Image + RectangleLabels project of `size` labeled tasks that all show one uploaded PNG."""
    folder.mkdir(parents=True)
    png = folder / "cat.png"
    png.write_bytes(png_bytes(*IMAGE_SIZE))
    with Server(folder) as server:
        api = server.api
        api.call("POST", "/api/project/config", {"label_config": IMAGE_CONFIG}, expect=201)
        # Uploading the image makes a task of it; the file stays in the project once that task is gone.
        (task_id,) = api.upload("/api/project/import", [png])["new_task_ids"]
        url = api.call("GET", f"/api/tasks/{task_id}")["data"]["image"]
        api.call("DELETE", f"/api/tasks/{task_id}", expect=204)
        with gc_paused():
            bodies = import_bodies(size, image_task_maker(url))
        return build(api, bodies, size), bodies


def measured_export(name, folder, project):
    """One export on a new server opened on `project`: its Download, RSS at rest, polled peak RSS, VmHWM after."""
    with Server(folder, project=project) as server:
        server.api.call("GET", "/api/project")
        rest = server.memory_mb()[0]
        with server.peak_rss() as peak:
            download = server.api.download(f"/api/project/export?format={name}")
        high = server.memory_mb()[1]
    return download, rest, peak.mb, high


def measure_exports(size, workdir):
    results = {}
    builders = {"text": build_text_project, "image": build_image_project}
    for project, build_project in builders.items():
        log(f"{size_label(size)}: building the {project} project")
        folder = workdir / f"export-{project}"
        path, bodies = build_project(size, folder)
        log(f"{size_label(size)}: {project} project, json.dumps baseline x{RUNS} (x1 if a run takes {LONG_RUN} s)")
        results.update(export_baseline(project, bodies, size))
        del bodies
        for name in (name for name, reads in EXPORT_FORMATS if reads == project):
            log(f"{size_label(size)}: export {name} x{RUNS} (x1 if a run takes {LONG_RUN} s)")
            runs = repeated(functools.partial(measured_export, name, folder, path))
            seconds = statistics.median(run[0].seconds for run in runs)
            rest = statistics.median(run[1] for run in runs)
            peak = max(run[2] for run in runs)
            results.update({
                f"export {name}": size / seconds,
                f"export {name} MB/s": statistics.median(run[0].size / 1e6 / run[0].seconds for run in runs),
                f"export {name} MB": runs[0][0].size / 1e6,
                f"export {name} first byte": statistics.median(run[0].first_byte for run in runs) * 1000,
                f"export {name} rest": rest,
                f"export {name} peak": peak,
                f"export {name} growth": peak - rest,
                f"export {name} hwm": max(run[3] for run in runs),
                f"export {name} vs baseline": results[f"baseline {project}"] / (size / seconds),
                f"export {name} runs": len(runs),
            })
        shutil.rmtree(folder)
    return results


def measure(size, workdir):
    """Every row of the table for one size."""
    log(f"{size_label(size)}: writing tasks.json and tasks.csv")
    results = measure_imports(size, write_import_files(size, workdir), workdir)
    results.update(measure_exports(size, workdir))
    return results


# -- the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    unit: str  # "tasks/s", "×", "MB", "MB/s" or "ms"
    target: float | None = None
    at_least: bool = False  # the target is a minimum, not a maximum
    flat: bool = False  # the target is "flat": no more than FLAT_MARGIN_MB above the smallest size's value
    runs: str | None = None  # the key of the number of runs behind the value, when it may be fewer than RUNS

    def cell(self, results):
        text = self._number(results[self.key])
        if self.runs and results[self.runs] < RUNS:
            text += f" ({results[self.runs]} run)"
        return text

    def _number(self, value):
        if self.unit == "tasks/s":
            return f"{value / 1000:,.0f}k tasks/s"
        if self.unit == "×":
            return f"{value:.2f}×"
        if self.unit == "ms":
            return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"
        return f"{value:,.1f} {self.unit}"

    def target_text(self):
        if self.flat:
            return f"flat (≤ smallest size + {FLAT_MARGIN_MB} MB)"
        if self.target is None:
            return ""
        shown = f"{self.target / 1000:,.0f}k tasks/s" if self.unit == "tasks/s" else f"{self.target:g} {self.unit}"
        return f"{'≥' if self.at_least else '≤'} {shown}"

    def verdict(self, by_size):
        sizes = sorted(by_size)
        value = by_size[sizes[-1]][self.key]
        if self.flat:
            if len(sizes) < 2:
                return "(one size)"
            passed = value <= by_size[sizes[0]][self.key] + FLAT_MARGIN_MB
        elif self.target is None:
            return ""
        else:
            passed = value >= self.target if self.at_least else value <= self.target
        return "pass" if passed else "**miss**"


def import_rows(kind):
    file = f".{kind} file"
    return (
        Row(f"file {kind} MB", f"{file}: size", "MB"),
        Row(f"import {kind}", f"{file}: import via multipart", "tasks/s"),
        Row(f"baseline {kind}", f"{file}: raw baseline ({'json.loads' if kind == 'json' else 'csv.DictReader'} "
                                "+ executemany)", "tasks/s"),
        Row(f"import {kind} vs baseline", f"{file}: raw baseline ÷ import", "×"),
        Row(f"import {kind} rest", f"{file}: server RSS at rest before the import", "MB"),
        Row(f"import {kind} peak", f"{file}: server peak RSS during the import (polled)", "MB", 500),
        Row(f"import {kind} hwm", f"{file}: server VmHWM after the import", "MB", 500),
    )


def export_rows(name, project):
    json_only = name == "JSON"
    runs = f"export {name} runs"
    return (
        Row(f"export {name}", f"export {name}", "tasks/s", 200_000 if json_only else None, at_least=True, runs=runs),
        Row(f"export {name} MB/s", f"export {name}: throughput", "MB/s", runs=runs),
        Row(f"export {name} MB", f"export {name}: size", "MB"),
        Row(f"export {name} first byte", f"export {name}: time to first byte", "ms", runs=runs),
        Row(f"export {name} vs baseline", f"export {name}: json.dumps baseline ({project} tasks) ÷ export", "×"),
        Row(f"export {name} rest", f"export {name}: server RSS at rest before the export", "MB", runs=runs),
        Row(f"export {name} peak", f"export {name}: server peak RSS during the export (polled)", "MB", runs=runs),
        Row(f"export {name} growth", f"export {name}: peak RSS − RSS at rest", "MB", flat=json_only, runs=runs),
        Row(f"export {name} hwm", f"export {name}: server VmHWM after the export", "MB", runs=runs),
    )


def baseline_rows(project):
    runs = f"baseline {project} runs"
    return (
        Row(f"baseline {project}", f"json.dumps baseline, {project} tasks", "tasks/s", runs=runs),
        Row(f"baseline {project} MB/s", f"json.dumps baseline, {project} tasks: throughput", "MB/s", runs=runs),
    )


ROWS = (
    *(row for kind in FILE_FORMATS for row in import_rows(kind)),
    *(row for project in ("text", "image")
      for row in (*baseline_rows(project),
                  *(row for name, reads in EXPORT_FORMATS if reads == project for row in export_rows(name, project)))),
)


def table(by_size):
    """The Markdown table: a row per metric, a column per size, the target and its verdict at the largest size."""
    sizes = sorted(by_size)
    lines = [
        f"| metric | {' | '.join(size_label(size) for size in sizes)} | target | verdict at {size_label(sizes[-1])} |",
        "|---|" + "---:|" * len(sizes) + "---|---|",
    ]
    for row in ROWS:
        cells = " | ".join(row.cell(by_size[size]) for size in sizes)
        lines.append(f"| {row.title} | {cells} | {row.target_text()} | {row.verdict(by_size)} |")
    return "\n".join(lines)


def main(argv=None):
    run_benchmark("lsdesk I/O benchmark", measure, table,
        f"Rates and times: medians of {RUNS} runs (one where a cell says so: its first run took over {LONG_RUN} s), "
        f"each import and export on a new server. Peak RSS and VmHWM: the highest of those runs. MB = 10^6 bytes.",
        "100000,1000000", argv)


if __name__ == "__main__":
    main()
