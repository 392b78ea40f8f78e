"""Storage benchmark: sync a folder of small image files into tasks, re-sync it with nothing new, pack it
into the project file, and serve one of its files, at 20k files by default.

Each run uses a new project on one server; a timing runs from the POST that starts the job to the
GET that sees it done (polled every 10 ms). Baselines measured in the same run: walking the folder
and stat-ing every file (what any sync must do), reading every file (what packing must do), and
GET /api/health (the HTTP floor under serving one file).

    python bench/bench_folders.py [--sizes 20000] [--out FILE]
"""

import os
import statistics
import struct
import time

from _client import Server
from bench_core import log, run_benchmark, size_label

RUNS = 3
FILES_PER_FOLDER = 1000  # the files sit in subfolders of this many, as a camera's card has them
FILE_BYTES = 2048
IMAGE_CONFIG = ('<View><Image name="image" value="$image"/><Choices name="kind" toName="image">'
                '<Choice value="Cat"/><Choice value="Dog"/></Choices></View>')
# (key, title, the baseline it is compared with)
ROWS = (("walk", "raw baseline: walk the folder and stat every file", None),
        ("sync", "sync, every file new", "walk"),
        ("resync", "re-sync, nothing new", "walk"),
        ("read", "raw baseline: read every file", None),
        ("pack", "pack into the project file", "read"),
        ("health", "GET /api/health (ms, the HTTP floor)", None),
        ("serve", "GET one file (ms)", "health"))


def walk_and_stat(folder):
    started = time.perf_counter()
    for directory, _folders, files in os.walk(folder):
        for name in files:
            os.stat(os.path.join(directory, name))
    return time.perf_counter() - started


def read_every_file(folder):
    started = time.perf_counter()
    for directory, _folders, files in os.walk(folder):
        for name in files:
            with open(os.path.join(directory, name), "rb") as file:
                file.read()
    return time.perf_counter() - started


def small_jpeg(total):
    """A well-formed JPEG of `total` bytes (its header, a comment as padding, an end marker): what a sync
    reads of a real photo, without needing an image library."""
    def segment(marker, body):
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    frame = segment(0xC0, struct.pack(">BHHB", 8, 48, 64, 3) + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00")
    scan = segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    padding = total - 2 - len(frame) - 4 - len(scan) - 2
    return b"\xff\xd8" + frame + segment(0xFE, bytes(padding)) + scan + b"\xff\xd9"


def make_folder(folder, size):
    content = small_jpeg(FILE_BYTES)
    for index in range(size):
        subfolder = folder / f"card-{index // FILES_PER_FOLDER:03d}"
        if index % FILES_PER_FOLDER == 0:
            subfolder.mkdir(parents=True)
        (subfolder / f"IMG_{index:06d}.jpg").write_bytes(content)


def job_seconds(api, path, payload=None, expect=202):
    """Seconds from starting a job to seeing it done; its result."""
    started = time.perf_counter()
    job = api.call("POST", path, payload, expect=expect)["job"]
    while job["state"] == "running":
        time.sleep(0.01)
        job = api.call("GET", f"/api/jobs/{job['id']}")
    seconds = time.perf_counter() - started
    if job["state"] != "done":
        raise RuntimeError(f"{path}: job ended {job['state']}: {job['message']} {job['errors']}")
    return seconds, job["result"]


def measure(size, workdir):
    folder = workdir / "photos"
    log(f"{size_label(size)}: writing {size:,} files")
    make_folder(folder, size)
    samples = {key: [] for key, _title, _baseline in ROWS}
    with Server(workdir / "data") as server:
        api = server.api
        for run in range(RUNS):
            api.call("POST", "/api/project", {"desc": f"storage bench {run}"}, expect=201)
            api.call("POST", "/api/project/config", {"label_config": IMAGE_CONFIG}, expect=201)
            root = api.call("POST", "/api/project/folders", {"path": str(folder)}, expect=201)["id"]
            samples["walk"].append(walk_and_stat(folder))
            samples["read"].append(read_every_file(folder))
            seconds, result = job_seconds(api, f"/api/project/folders/{root}/sync")
            assert result["added"] == size, result
            samples["sync"].append(seconds)
            seconds, result = job_seconds(api, f"/api/project/folders/{root}/sync")
            assert result["added"] == 0 and result["unchanged"] == size, result
            samples["resync"].append(seconds)
            seconds, result = job_seconds(api, "/api/project/pack")
            assert result["packed"] == size, result
            samples["pack"].append(seconds)
            samples["health"].append(1000 * api.timed("GET", "/api/health"))
            samples["serve"].append(1000 * api.timed("GET", f"/data/folder/{root}/card-000/IMG_000000.jpg"))
            log(f"{size_label(size)} run {run + 1}: " + ", ".join(f"{k} {v[-1]:.3f}" for k, v in samples.items()))
    return {key: statistics.median(values) for key, values in samples.items()}


def table(results):
    sizes = sorted(results)
    lines = [f"| metric | {' | '.join(f'{size_label(size)} files' for size in sizes)} |",
             "|---|" + "---:|" * len(sizes)]
    for key, title, baseline in ROWS:
        unit = "" if key in ("serve", "health") else " s"
        cells = " | ".join(f"{results[size][key]:.3f}{unit}"
                           + (f" ({results[size][key] / results[size][baseline]:.1f}×)" if baseline else "")
                           for size in sizes)
        lines.append(f"| {title} | {cells} |")
    rates = " | ".join(f"{size / results[size]['sync']:,.0f}" for size in sizes)
    lines.append(f"| sync rate (files/s) | {rates} |")
    return "\n".join(lines)


def main(argv=None):
    run_benchmark("lsdesk folders benchmark", measure, table,
                  f"Medians of {RUNS} runs, each on a new project; {FILE_BYTES}-byte files, {FILES_PER_FOLDER} "
                  "per subfolder; (n×) is the ratio to the baseline row above it.", "20000", argv)


if __name__ == "__main__":
    main()
