"""Label page benchmark: what a person feels while labeling, measured inside real Chromium.

For each scenario (a 100k-task text-classification project; an image task whose 2000x1500 image is
already in the browser's cache; a task whose prediction has 200 boxes) it opens /label and measures
in the page, with performance.now() and requestAnimationFrame:

- first paint: from navigation start to the frame that first shows the task;
- hotkey: from the choice hotkey's keydown to the frame that shows the choice checked;
- submit: from Ctrl+Enter's keydown to the frame that shows the next task's content;
- drag (with --regions): an image with 500 boxes, one box dragged: from each pointer move to the next
  animation frame, and the script, style and layout each move costs;
- editor alone (image scenarios): from createEditor(...) to the frame that shows the task, with the
  editor alone on a page: the editor's own part of "next task painted", without the network or the Label page.

The server's own save (POST completion) and next (GET /api/project/next) times, read over HTTP from the
same server in the same run, are the baseline.

    python bench/bench_label.py [--tasks 100000] [--samples 40] [--huge] [--out FILE]
"""

import argparse
import json
import random
import statistics
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path

from _client import Server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
CHUNK = 100_000
WORDS = ("the service was quick slow friendly rude and the food arrived cold hot late early "
         "we would come back never again price fair too high for a table of four").split()

TEXT_CONFIG = ('<View><Text name="text" value="$text"/><Choices name="sentiment" toName="text">'
               '<Choice value="Positive"/><Choice value="Negative"/></Choices></View>')
# The Choices come first, so that hotkey 1 is a choice, as in the text project.
IMAGE_CONFIG = ('<View><Image name="img" value="$image"/>'
                '<Choices name="quality" toName="img"><Choice value="Good"/><Choice value="Bad"/></Choices>'
                '<RectangleLabels name="box" toName="img"><Label value="Car"/><Label value="Tree"/></RectangleLabels></View>')

_started = time.perf_counter()


def log(message):
    print(f"[{time.perf_counter() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


# In the page before any script of it: the time of the newest keydown, and a helper that resolves with
# the milliseconds from that keydown to the first animation frame in which `ready()` holds.
PROBE = """
window.__bench = { keys: {} };
window.addEventListener("keydown", (event) => { window.__bench.keys[event.key] = event.timeStamp; }, true);
window.__frameWhen = (ready, key) => new Promise((resolve, reject) => {
  const asked = performance.now();
  const since = () => (key ? window.__bench.keys[key] ?? Infinity : 0);
  // performance.now(), not the frame's own timestamp: that is when the frame was due, which a long
  // task may have delayed past.
  const check = () => {
    const now = performance.now();
    if (now > since() && ready()) resolve(now - since());
    else if (now - asked > 5000) reject(new Error(`not ready 5 s after the key: ${ready}`));
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
});
"""


def png(width, height):
    """An RGB PNG of a gradient, width x height."""
    row = bytes((x * 255 // width) for x in range(width)) * 3
    raw = b"".join(b"\x00" + row for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")


def boxes(count, rng, prefix="p"):
    items = []
    for n in range(count):
        x, y = rng.uniform(0, 90), rng.uniform(0, 90)
        items.append({"id": f"{prefix}{n}", "from_name": "box", "to_name": "img", "type": "rectanglelabels",
                      "original_width": 2000, "original_height": 1500,
                      "value": {"x": x, "y": y, "width": rng.uniform(2, 9), "height": rng.uniform(2, 9),
                                "rotation": 0, "rectanglelabels": [rng.choice(["Car", "Tree"])]}})
    return items


def import_text(api, size):
    api.call("POST", "/api/project/config", {"label_config": TEXT_CONFIG}, expect=201)
    rng = random.Random(8)
    for start in range(0, size, CHUNK):
        items = [{"text": " ".join(rng.choices(WORDS, k=12)) + f" #{n}"} for n in range(start, min(size, start + CHUNK))]
        api.call("POST", "/api/project/import", items, expect=201)


def import_images(api, workdir, count, predicted_boxes=0):
    """`count` tasks showing one uploaded 2000x1500 image, each with a prediction of `predicted_boxes` boxes."""
    api.call("POST", "/api/project/config", {"label_config": IMAGE_CONFIG}, expect=201)
    image = Path(workdir) / "photo.png"
    image.write_bytes(png(2000, 1500))
    uploaded = api.upload("/api/project/import", [image])
    [first] = uploaded["new_task_ids"] if "new_task_ids" in uploaded else [None]
    url = api.call("GET", f"/api/tasks/{first}")["data"]["image"]
    api.call("DELETE", f"/api/tasks/{first}", expect=204)
    rng = random.Random(3)
    items = []
    for _ in range(count):
        item = {"image": url}
        if predicted_boxes:
            item = {"data": item, "predictions": [{"result": boxes(predicted_boxes, rng), "score": 0.5}]}
        items.append(item)
    api.call("POST", "/api/project/import", items, expect=201)
    return url


# -- in the browser -----------------------------------------------------------------------------


def editor_ready(page):
    page.wait_for_function("() => document.querySelector('.lsd-editor .lsd-main')"
                           " && !document.querySelector('.label-actions button.primary').disabled")


def heading_id(page):
    return page.evaluate("() => document.querySelector('#task-heading')?.textContent ?? ''")


def shows_task_js(kind):
    """JS: is the task whose heading is `want` shown, with its content drawn?"""
    content = {
        "text": "document.querySelector('.lsd-editor .lsd-text')?.textContent?.length > 0",
        "image": "[...document.querySelectorAll('.lsd-editor img')].some((img) => img.complete && img.naturalWidth > 0)",
        "boxes": "document.querySelectorAll('.lsd-editor svg rect, .lsd-editor [data-region]').length >= 200",
    }[kind]
    return (f"(want) => document.querySelector('#task-heading')?.textContent !== want"
            f" && document.querySelector('#task-heading') && ({content})")


def first_paint(page, base, kind, runs):
    times = []
    ready = shows_task_js(kind)
    for _ in range(runs):
        page.goto(base + "/label", wait_until="commit")
        times.append(page.evaluate(f"() => window.__frameWhen(() => ({ready})(''), null)"))
        editor_ready(page)
    return times


def hotkey_times(page, samples):
    """Choice hotkey → checked, toggling the first choice on and off."""
    times = []
    for n in range(samples):
        want = "true" if n % 2 == 0 else "false"
        page.evaluate(f"""() => {{ delete window.__bench.keys["1"]; window.__wait = window.__frameWhen(
            () => document.querySelector('.lsd-editor input[type=checkbox], .lsd-editor input[type=radio]')?.checked === {want}, "1"); }}""")
        page.keyboard.press("1")
        times.append(page.evaluate("() => window.__wait"))
    return times


def submit_times(page, kind, samples, choose=True):
    """Ctrl+Enter → the next task's content painted."""
    times = []
    ready = shows_task_js(kind)
    for _ in range(samples):
        editor_ready(page)
        if choose:
            page.keyboard.press("1")
        page.wait_for_timeout(60)  # a person's pause: the page may use it
        before = heading_id(page)
        page.evaluate(f"""(want) => {{ delete window.__bench.keys.Enter;
            window.__wait = window.__frameWhen(() => ({ready})(want), "Enter"); }}""", before)
        page.keyboard.press("Control+Enter")
        times.append(page.evaluate("() => window.__wait"))
    return times


def drag_times(page, moves):
    """Drag the first box of 500 by small steps: per pointer move, (ms from the event to the next animation
    frame, ms of script, style and layout: from the first listener to the end of a layout forced after the last)."""
    page.wait_for_selector(".lsd-editor svg rect")
    box = page.evaluate("""() => { const r = [...document.querySelectorAll('.lsd-editor svg rect')]
        .map((e) => e.getBoundingClientRect()).find((b) => b.width > 8 && b.height > 8);
        return r && {x: r.x + r.width / 2, y: r.y + r.height / 2}; }""")
    if not box:
        return [], []
    page.evaluate("""() => { window.__moves = []; window.__work = []; let began = 0;
        window.addEventListener('pointermove', (event) => {
            began = performance.now();
            const start = event.timeStamp; requestAnimationFrame(() => window.__moves.push(performance.now() - start)); }, true);
        window.addEventListener('pointermove', () => {
            document.documentElement.getBoundingClientRect();
            window.__work.push(performance.now() - began); }); }""")
    page.mouse.move(box["x"], box["y"])
    page.mouse.down()
    for step in range(moves):
        page.mouse.move(box["x"] + step % 40, box["y"] + (step // 40) % 20)
        page.wait_for_timeout(5)
    page.mouse.up()
    page.wait_for_timeout(100)
    return page.evaluate("() => [window.__moves, window.__work]")


# The editor alone on a page of the app's origin: for each task, destroy the previous editor and make the
# next one (as the Label page does), and time createEditor → the first animation frame showing the task.
EDITOR_ALONE = """async ([config, tasks, kind]) => {
  const { createEditor } = await import("/assets/editor/editor.js");
  const host = document.createElement("div");
  host.style.width = "1000px";
  document.body.replaceChildren(host);
  const shown = {
    image: () => [...host.querySelectorAll("img")].some((img) => img.complete && img.naturalWidth > 0),
    boxes: () => host.querySelectorAll("svg rect").length >= 200,
  }[kind];
  const frameWhen = (ready, since) => new Promise((resolve) => {
    const check = () => (ready() ? resolve(performance.now() - since) : requestAnimationFrame(check));
    requestAnimationFrame(check);
  });
  const times = [];
  let editor = null;
  for (const task of tasks) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = performance.now();
    editor?.destroy();
    editor = createEditor(host, { config, task, result: task.predictions?.[0]?.result ?? [] });
    times.push(await frameWhen(shown, started));
    await editor.ready;
  }
  editor?.destroy();
  return times.slice(1);  // the first loads the tag modules
}"""


def editor_alone_times(page, base, api, kind, samples):
    config = api.call("GET", "/api/project")["config"]["label_config"]
    ids = [task["id"] for task in api.call("GET", f"/api/tasks?page=1&page_size={samples + 1}&fields=id")]
    tasks = [api.call("GET", f"/api/tasks/{task_id}") for task_id in ids]
    page.goto(base + "/api/health")
    return page.evaluate(EDITOR_ALONE, [config, tasks, kind])


# -- the server's own times ---------------------------------------------------------------------


def server_times(api, samples):
    save, nexts = [], []
    for _ in range(samples):
        nexts.append(api.timed("GET", "/api/project/next") * 1000)
        task = api.call("GET", "/api/project/next")
        body = json.dumps({"result": [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                       "value": {"choices": ["Positive"]}}]}).encode()
        save.append(api.timed("POST", f"/api/tasks/{task['id']}/completions", body, expect=201) * 1000)
    return save, nexts


# -- the table ----------------------------------------------------------------------------------


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def row(name, values, goal=""):
    if not values:
        return f"| {name} | – | – | – | {goal} |"
    return f"| {name} | {statistics.median(values):.1f} | {p95(values):.1f} | {len(values)} | {goal} |"


def run_scenario(browser, workdir, name, build, kind, samples, choose=True, drag=0):
    rows = []
    with Server(Path(workdir) / name) as server:
        log(f"{name}: building")
        build(server.api)
        base = f"http://127.0.0.1:{server.api.port}"
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        context.add_init_script(PROBE)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(base + "/label")
        editor_ready(page)  # warms the caches (modules, the image)
        log(f"{name}: first paint, hotkey, submit")
        rows.append(row(f"{name}: first paint of /label (from navigation)", first_paint(page, base, kind, 8), "≤150"))
        if choose:
            rows.append(row(f"{name}: choice hotkey → checked", hotkey_times(page, samples), "≤16 p95"))
        if samples:
            rows.append(row(f"{name}: Ctrl+Enter → next task painted", submit_times(page, kind, samples, choose),
                            "≤25 / ≤35 p95"))
        if drag:
            to_frame, work = drag_times(page, drag)
            rows.append(row(f"{name}: drag a box, per pointer move", to_frame, "≤16"))
            rows.append(row(f"{name}: drag a box, script+style+layout per pointer move", work, "≤16"))
        if kind in ("image", "boxes") and samples:
            rows.append(row(f"{name}: editor alone, createEditor → task painted", editor_alone_times(page, base, server.api, kind, samples),
                            "≤25 / ≤35 p95"))
        if kind == "text":
            save, nexts = server_times(server.api, samples)
            rows.append(row(f"{name}: server save (POST completion, HTTP)", save, "baseline"))
            rows.append(row(f"{name}: server next (GET /api/project/next, HTTP)", nexts, "baseline"))
        if errors:
            rows.append(f"| {name}: errors in the page: {errors[:2]} | | | | |")
        context.close()
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--huge", action="store_true", help="also the text project at 1M tasks")
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--regions", type=int, default=500, help="boxes of the drag scenario (0 leaves it out)")
    parser.add_argument("--out")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = [args.tasks] + ([1_000_000] if args.huge else [])
    rows = []
    with tempfile.TemporaryDirectory(prefix="lsdesk-bench-label-") as workdir, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for size in sizes:
            rows += run_scenario(browser, workdir, f"text {size // 1000}k", lambda api, s=size: import_text(api, s),
                                 "text", args.samples)
        rows += run_scenario(browser, workdir, "image 2000×1500",
                             lambda api: import_images(api, workdir, args.samples * 2 + 20), "image", args.samples)
        rows += run_scenario(browser, workdir, "image, 200 predicted boxes",
                             lambda api: import_images(api, workdir, args.samples + 20, 200), "boxes", args.samples,
                             choose=False)
        if args.regions:
            rows += run_scenario(browser, workdir, f"image, {args.regions} boxes",
                                 lambda api: import_images(api, workdir, 3, args.regions), "boxes", 0,
                                 choose=False, drag=120)
        browser.close()
    table = "\n".join(["| row (ms) | median | p95 | n | goal |", "|---|---:|---:|---:|---|", *rows])
    print(table)
    if args.out:
        Path(args.out).write_text(table + "\n")


if __name__ == "__main__":
    main()
