"""Task browser benchmark: the first page of every filter kind and every order, search and count, on a project
of 100k and 1M tasks built through the HTTP API.

    python bench/bench_browse.py [--sizes 100000,1000000] [--out FILE]
"""

import json
import random
import sqlite3
import statistics
import time
import urllib.parse
from dataclasses import dataclass

from _client import Server
from bench_core import CHOICES, LABEL_CONFIG, SEED, WORDS, choice_result, log, run_benchmark, size_label

CHUNK = 100_000
PAGE_SIZE = 30
SAMPLES = 7
SOURCES = ("forum", "mail", "web")
# The columns the Tasks page asks for beside the task itself.
FIELDS = "id,data,total_annotations,cancelled_annotations,annotators,predictions_score"
INDEXED_TARGET_MS = 10
TARGET_MS = 50


def item(index, rng):
    """Half labeled (by alice, 1 in 50 also by bob, who disagrees), 1 in 20 skipped, 30% predicted."""
    data = {"text": " ".join(rng.choices(WORDS, k=12)), "source": SOURCES[index % 3], "n": index % 1000}
    if index % 1000 == 7:
        data["text"] += " zanzibar"  # a rare word
    task = {"data": data}
    if index % 2 == 0:
        chosen = rng.choice(CHOICES)
        task["completions"] = [{"result": choice_result(chosen), "completed_by": "alice"}]
        if index % 100 == 0:
            other = CHOICES[1 - CHOICES.index(chosen)]
            task["completions"].append({"result": choice_result(other), "completed_by": "bob"})
    elif index % 20 == 1:
        task["completions"] = [{"result": [], "completed_by": "alice", "was_cancelled": True}]
    if rng.random() < 0.3:
        task["predictions"] = [{"result": choice_result(rng.choice(CHOICES)), "score": round(rng.random(), 4),
                                "model_version": f"v{index % 4}"}]
    return task


def one(field, op, value):
    return {"conjunction": "and", "items": [{"field": field, "op": op, "value": value}]}


# (row key, filter) of the first pages measured; indexed ones have the tighter target.
INDEXED_FILTERS = {
    "state labeled": one("state", "equal", "labeled"),
    "state unlabeled": one("state", "equal", "unlabeled"),
    "state skipped": one("state", "equal", "skipped"),
    "annotator (alice, half the tasks)": one("annotator", "equal", "alice"),
    "prediction score > 0.9": one("prediction_score", "greater", 0.9),
}
OTHER_FILTERS = {
    "id between": one("id", "between", [500, 900]),
    "data.source = forum": one("data.source", "equal", "forum"),
    "data.text contains": one("data.text", "contains", "friendly"),
    "data.n > 990 (numbers)": one("data.n", "greater", 990),
    "data.source empty (none match)": one("data.source", "empty", True),
    "state has_draft (none)": one("state", "equal", "has_draft"),
    "annotator bob (1 in 100)": one("annotator", "equal", "bob"),
    "completions has Positive": one("completions.sentiment", "has", "Positive"),
    "predictions has Negative": one("predictions.sentiment", "has", "Negative"),
    "model_version = v1": one("model_version", "equal", "v1"),
    "agreement < 0.5": one("agreement", "less", 0.5),
    "disagreement": one("disagreement", "equal", True),
    "created_at between": one("created_at", "between", ["2000-01-01", "2100-01-01"]),
    "completed_at between": one("completed_at", "between", ["2000-01-01", "2100-01-01"]),
    "media_missing (none)": one("media_missing", "equal", True),
    "labeled and forum, or skipped": {"conjunction": "or", "items": [
        {"field": "state", "op": "equal", "value": "skipped"},
        {"field": "data.source", "op": "equal", "value": "forum"}]},
}
ORDERS = ("id", "-id", "created_at", "-completed_at", "has_cancelled_completions", "total_annotations",
          "-total_annotations", "cancelled_annotations", "total_predictions", "-predictions_score", "agreement",
          "data.n", "-data.text")
SEARCHES = {"common word": "friendly", "two words": "food quick", "rare word": "zanzibar", "prefix": "frie"}
FIRST_SEARCHES = (("common word", "page of a common word ('friendly')"),
                  ("rare word", "page of a rare word ('zanzibar')"), ("count", "count of a common word"))
COUNTS = {
    "all tasks": {},
    "state labeled": {"filter": INDEXED_FILTERS["state labeled"]},
    "data.source = forum": {"filter": OTHER_FILTERS["data.source = forum"]},
    "search common word": {"search": "friendly"},
}


@dataclass(frozen=True)
class Row:
    key: str
    title: str
    target: float | None


ROWS = [
    Row("build", "import via HTTP, whole build (tasks/s)", None),
    # One request each, sent right after the build, while the search index is behind (an import indexes
    # nothing); the "search" rows further down are the same searches once it has caught up.
    *(Row(f"first {name}", f"first search after the build: {title}, ms", None) for name, title in FIRST_SEARCHES),
    Row("caught-up", "search index caught up, s after the build", None),
    Row("page", "first page, no filter (0.8 list)", INDEXED_TARGET_MS),
    *(Row(f"filter {name}", f"filter: {name}", INDEXED_TARGET_MS) for name in INDEXED_FILTERS),
    *(Row(f"filter {name}", f"filter: {name}", TARGET_MS) for name in OTHER_FILTERS),
    *(Row(f"order {name}", f"order={name}", TARGET_MS) for name in ORDERS),
    *(Row(f"search {name}", f"search: {name} ({text!r})", TARGET_MS) for name, text in SEARCHES.items()),
    *(Row(f"count {name}", f"count: {name}", TARGET_MS) for name in COUNTS),
]


def url(path, **params):
    return path + "?" + urllib.parse.urlencode(
        {key: json.dumps(value) if key == "filter" else value for key, value in params.items()})


def median_ms(api, path):
    """(median ms of GET `path`, median ms of GET /api/health sent just before each: the HTTP floor then)."""
    seconds, floor = [], []
    for _ in range(SAMPLES):
        floor.append(api.timed("GET", "/api/health"))
        seconds.append(api.timed("GET", path))
    return statistics.median(seconds) * 1000, statistics.median(floor) * 1000


def build(api, size):
    """Import `size` tasks CHUNK at a time; tasks/s over the import requests (making their bodies not counted)."""
    rng = random.Random(SEED)
    api.call("POST", "/api/project/config", {"label_config": LABEL_CONFIG}, expect=201)
    seconds = 0.0
    for start in range(0, size, CHUNK):
        body = json.dumps([item(index, rng) for index in range(start, min(size, start + CHUNK))]).encode()
        seconds += api.timed("POST", "/api/project/import", body, expect=201)
    return size / seconds


def measure(size, workdir):
    results = {}
    with Server(workdir / "data") as server:
        api = server.api
        log(f"{size_label(size)}: building")
        results["build"] = build(api, size)
        built = time.perf_counter()
        log(f"{size_label(size)}: first searches")
        results["first common word"] = api.timed("GET", url("/api/tasks", search="friendly", fields=FIELDS,
                                                            page_size=PAGE_SIZE)) * 1000
        results["first rare word"] = api.timed("GET", url("/api/tasks", search="zanzibar", fields=FIELDS,
                                                          page_size=PAGE_SIZE)) * 1000
        results["first count"] = api.timed("GET", url("/api/tasks/count", search="friendly")) * 1000
        results["caught-up"] = wait_until_indexed(api, size) - built
        results["page"] = median_ms(api, url("/api/tasks", page_size=PAGE_SIZE))
        for name, spec in {**INDEXED_FILTERS, **OTHER_FILTERS}.items():
            log(f"{size_label(size)}: filter {name}")
            results[f"filter {name}"] = median_ms(api, url("/api/tasks", filter=spec, fields=FIELDS,
                                                           page_size=PAGE_SIZE))
        for name in ORDERS:
            log(f"{size_label(size)}: order {name}")
            results[f"order {name}"] = median_ms(api, url("/api/tasks", order=name, fields=FIELDS,
                                                          page_size=PAGE_SIZE))
        for name, text in SEARCHES.items():
            results[f"search {name}"] = median_ms(api, url("/api/tasks", search=text, fields=FIELDS,
                                                           page_size=PAGE_SIZE))
        for name, params in COUNTS.items():
            results[f"count {name}"] = median_ms(api, url("/api/tasks/count", **params))
    return results


def wait_until_indexed(api, size):
    """When (time.perf_counter()) the project's search index holds all `size` tasks, read from its file."""
    path = api.call("GET", "/api/project")["path"]
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        while conn.execute("SELECT value FROM counters WHERE name = 'search_indexed'").fetchone()[0] < size:
            time.sleep(0.05)
    return time.perf_counter()


def cell(row, value):
    if row.key == "build":
        return f"{value / 1000:,.0f}k"
    if row.key == "caught-up":
        return f"{value:.1f}"
    if row.key.startswith("first "):
        return f"{value:,.0f}"
    milliseconds, floor = value
    return f"{milliseconds:.1f} ms ({milliseconds / floor:.1f}×)"


def table(by_size):
    sizes = sorted(by_size)
    largest = by_size[sizes[-1]]
    lines = [f"| metric | {' | '.join(size_label(size) for size in sizes)} | target | verdict at {size_label(sizes[-1])} |",
             "|---|" + "---:|" * len(sizes) + "---|---|"]
    for row in ROWS:
        cells = " | ".join(cell(row, by_size[size][row.key]) for size in sizes)
        target, verdict = "", ""
        if row.target is not None:
            target = f"≤ {row.target} ms"
            verdict = "pass" if largest[row.key][0] <= row.target else "**miss**"
        lines.append(f"| {row.title} | {cells} | {target} | {verdict} |")
    return "\n".join(lines)


def main(argv=None):
    run_benchmark("lsdesk task browser benchmark", measure, table,
        f"Medians of {SAMPLES} requests, client-timed (new connection each); (n×) is the ratio to the median "
        f"GET /api/health sent just before each (the HTTP floor of a busy machine). Pages of {PAGE_SIZE} tasks with the "
        f"columns {FIELDS}. Half the tasks labeled by alice, 1 in 100 also by bob (disagreeing), 1 in 20 skipped, "
        "30% predicted.", "100000,1000000", argv)


if __name__ == "__main__":
    main()
