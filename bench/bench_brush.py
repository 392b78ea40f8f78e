"""Brush masks on a large image: a 4000×3000 picture with 20 masks, strokes timed per pointer event in Chromium.

    python bench/bench_brush.py                 # 20 masks, 5 strokes of 100 pointer events per row
    python bench/bench_brush.py --strokes 10    # more samples

Runs Debian's /usr/bin/chromium headless through playwright against `lsdesk serve` (as tests/e2e do).
The picture and the masks are made in the page (a canvas turned into a blob URL; masks painted and
encoded with the editor's own modules), then the editor loads them as a completion. Each pointer event
is dispatched to the image's viewport and timed from dispatch to the end of its handlers, which paint
the mask, compose the touched pixels and put them on the natural-size canvas. "release" is the
stroke's end: the RLE encoded, the result changed (one undo step) and the view synced.
Prints a table of medians and 95th percentiles in milliseconds.
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._client import Server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
WIDTH, HEIGHT, MASKS = 4000, 3000, 20
LABELS = ["Road", "Car", "Tree", "Sky", "Person"]
CONFIG = ('<View><Image name="image" value="$image"/><BrushLabels name="tag" toName="image">'
          + "".join(f'<Label value="{label}"/>' for label in LABELS) + "</BrushLabels></View>")

SETUP = """async ([config, width, height, masks, labels]) => {
  const canvas = document.createElement("canvas");
  canvas.width = width; canvas.height = height;
  const g = canvas.getContext("2d");
  g.fillStyle = "#6a8"; g.fillRect(0, 0, width, height);
  for (let i = 0; i < 200; i += 1) { g.fillStyle = `hsl(${i * 37 % 360} 50% 50%)`; g.fillRect((i * 523) % width, (i * 331) % height, 300, 200); }
  const url = URL.createObjectURL(await new Promise((resolve) => canvas.toBlob(resolve)));
  const { paintSegment } = await import("/assets/editor/brush-mask.js");
  const { encodeMask } = await import("/assets/editor/rle.js");
  const result = [];
  for (let m = 0; m < masks; m += 1) {
    const alpha = new Uint8Array(width * height);
    const cx = 300 + (m % 5) * 800, cy = 300 + Math.floor(m / 5) * 700;
    for (let k = 0; k < 12; k += 1) {
      paintSegment(alpha, width, height, [cx + k * 40, cy + (k % 3) * 60], [cx + k * 40 + 200, cy + 300 - (k % 4) * 50], 120, 255);
    }
    result.push({ id: `m${m}`, from_name: "tag", to_name: "image", type: "brushlabels", original_width: width,
      original_height: height, image_rotation: 0,
      value: { format: "rle", rle: encodeMask(alpha), brushlabels: [labels[m % (labels.length - 1)]] } });
  }
  document.body.replaceChildren();
  const container = document.createElement("div");
  document.body.append(container);
  const { createEditor } = await import("/assets/editor/editor.js");
  const started = performance.now();
  window.editor = createEditor(container, { config, task: { id: 1, data: { image: url } }, result });
  await window.editor.ready;
  while (document.querySelector(".lsd-image").dataset.state !== "ready") await new Promise((r) => setTimeout(r, 5));
  return performance.now() - started;
}"""

# One stroke of `moves` pointer events along a zigzag, each event timed; then the release and an undo.
STROKE = """([moves, seed, undo]) => {
  const viewport = document.querySelector(".lsd-image-viewport");
  const box = document.querySelector(".lsd-image-overlay").getBoundingClientRect();
  const view = viewport.getBoundingClientRect();
  const at = (i) => {
    const x = Math.min(Math.max(box.left + box.width * (0.1 + 0.8 * ((seed * 0.17 + i * 0.004) % 1)), view.left + 2), view.right - 2);
    const y = Math.min(Math.max(box.top + box.height * (0.2 + 0.3 * Math.abs(Math.sin(seed + i / 9))), view.top + 2), view.bottom - 2);
    return { clientX: x, clientY: y };
  };
  const send = (type, i) => {
    const event = new PointerEvent(type, { bubbles: true, cancelable: true, pointerId: 1, button: 0, buttons: 1, ...at(i) });
    const started = performance.now();
    viewport.dispatchEvent(event);
    return performance.now() - started;
  };
  const down = send("pointerdown", 0);
  const move = [];
  for (let i = 1; i <= moves; i += 1) move.push(send("pointermove", i));
  const up = send("pointerup", moves);
  let undone = null;
  if (undo) {
    const started = performance.now();
    window.editor.store.undo();
    undone = performance.now() - started;
  }
  return { down, move, up, undone };
}"""


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def row(name, samples):
    return f"| {name} | {len(samples)} | {statistics.median(samples):.2f} | {percentile(samples, 0.95):.2f} | {max(samples):.2f} |"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--strokes", type=int, default=5)
    parser.add_argument("--moves", type=int, default=100)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, Server(Path(folder) / "ws") as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"http://127.0.0.1:{server.api.port}/api/health")
        load = page.evaluate(SETUP, [CONFIG, WIDTH, HEIGHT, MASKS, LABELS])
        print(f"{WIDTH}×{HEIGHT} image, {MASKS} masks: editor ready in {load:.0f} ms", file=sys.stderr)
        lines = ["| stroke | events | median ms | p95 ms | max ms |", "|---|---|---|---|---|"]
        scenarios = [
            ("new mask (label 5), size 30", ["5", "]", "]", "]", "]", "]"], False),
            ("grow a mask (label 1), size 30", ["5", "1"], True),
            ("size 120", ["]", "]", "]"], True),
            ("eraser over all 20 masks, size 120", ["e"], True),
            ("zoomed ×8, size 120, eraser", ["ctrl+=", "ctrl+=", "ctrl+=", "ctrl+=", "ctrl+=", "ctrl+=",
                                             "ctrl+=", "ctrl+=", "ctrl+=", "ctrl+="], True),
        ]
        for name, keys, undo in scenarios:
            for key in keys:
                page.keyboard.press(key.replace("ctrl+", "Control+"))
            moves, downs, ups, undos = [], [], [], []
            for seed in range(args.strokes):
                timed = page.evaluate(STROKE, [args.moves, seed + 1, undo])
                moves += timed["move"]
                downs.append(timed["down"])
                ups.append(timed["up"])
                if timed["undone"] is not None:
                    undos.append(timed["undone"])
            lines.append(row(f"{name}: pointermove", moves))
            lines.append(row(f"{name}: pointerdown", downs))
            lines.append(row(f"{name}: release (encode + commit)", ups))
            if undos:
                lines.append(row(f"{name}: undo", undos))
        print(f"Brush on a {WIDTH}×{HEIGHT} image with {MASKS} masks (editor ready in {load:.0f} ms), Chromium headless")
        print("\n".join(lines))
        browser.close()


if __name__ == "__main__":
    main()
