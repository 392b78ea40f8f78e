"""Drawing long time series in Chromium: how long one channel of 10k, 100k and 1M points takes to draw
(the whole series on screen, the worst case: every point is read), and the frame time while panning a
window of half the series with the arrow key, one step per frame. Prints a table of medians.

Runs Debian's /usr/bin/chromium headless through playwright (as tests/e2e do) against `lsdesk serve`.
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
WIDTH = 1280

CONFIG = """<View>
  <TimeSeriesLabels name="label" toName="ts"><Label value="Event"/></TimeSeriesLabels>
  <TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time"><Channel column="signal"/></TimeSeries>
</View>"""

# Builds the series in the page (no 1M-number JSON through the wire), draws the editor, times it.
OPEN = """async ([config, points]) => {
    document.body.replaceChildren();
    const time = new Array(points), signal = new Array(points);
    for (let i = 0; i < points; i++) { time[i] = i; signal[i] = Math.sin(i / 500) + Math.sin(i * 1.7) * 0.2; }
    const { createEditor } = await import("/assets/editor/editor.js");
    const container = document.createElement("div");
    document.body.append(container);
    const started = performance.now();
    window.editor = createEditor(container, { config, task: { id: 1, data: { ts: { time, signal } } } });
    await window.editor.ready;
    while (document.querySelector(".lsd-timeseries").dataset.state === "loading") await new Promise(r => setTimeout(r, 5));
    return performance.now() - started;
}"""

# The same series as CSV text: parsing it and building the series (what a url-valued TimeSeries adds).
CSV = """async (points) => {
    const lines = ["time,signal"];
    for (let i = 0; i < points; i++) lines.push(`${i},${(Math.sin(i / 500) + Math.sin(i * 1.7) * 0.2).toFixed(5)}`);
    const text = lines.join("\\n") + "\\n";
    const { parseTable, buildSeries } = await import("/assets/editor/timeseries-data.js");
    const started = performance.now();
    buildSeries(parseTable(text, ","), { timeColumn: "time", channels: ["signal"] });
    return performance.now() - started;
}"""

FRAMES = """() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))"""

# Full-view draws: the "All" button redraws the whole series on the next frame; its draw time is kept.
FULL_DRAWS = """async (runs) => {
    const view = document.querySelector(".lsd-timeseries");
    const times = [];
    for (let run = 0; run < runs; run++) {
        document.querySelector(".lsd-ts-zoom-reset").click();
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        times.push(Number(view.dataset.drawMs));
    }
    return times;
}"""

# Pan a window of half the series one arrow-key step (10% of the window) per frame: each frame's draw
# time and the time between frames.
PAN = """async (frames) => {
    const view = document.querySelector(".lsd-timeseries");
    const plot = view.querySelector(".lsd-ts-plot");
    plot.focus();
    plot.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowDown", bubbles: true }));
    plot.dispatchEvent(new KeyboardEvent("keydown", { key: "Home", bubbles: true }));
    document.querySelector(".lsd-ts-zoom-in").click();
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    const draws = [], gaps = [];
    let last = performance.now();
    for (let frame = 0; frame < frames; frame++) {
        const key = Math.floor(frame / 4) % 2 ? "ArrowLeft" : "ArrowRight";
        plot.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
        await new Promise(r => requestAnimationFrame(r));
        await new Promise(r => setTimeout(r, 0));
        const now = performance.now();
        gaps.push(now - last);
        last = now;
        draws.push(Number(view.dataset.drawMs));
    }
    return { draws, gaps };
}"""


def measure(page, points, runs, frames):
    load_ms = page.evaluate(OPEN, [CONFIG, points])
    page.evaluate(FRAMES)
    full = page.evaluate(FULL_DRAWS, runs)
    pan = page.evaluate(PAN, frames)
    csv_ms = page.evaluate(CSV, points)
    return {"points": points, "load": load_ms, "csv": csv_ms, "draw": statistics.median(full),
            "pan_draw": statistics.median(pan["draws"]), "pan_frame": statistics.median(pan["gaps"])}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--runs", type=int, default=15, help="full-view draws per size")
    parser.add_argument("--frames", type=int, default=120, help="pan frames per size")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as folder, Server(folder) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": 800})
        page.goto(f"http://127.0.0.1:{server.api.port}/api/health")
        for points in (int(size) for size in args.sizes.split(",")):
            print(f"{points} points…", file=sys.stderr)
            rows.append(measure(page, points, args.runs, args.frames))
        browser.close()
    print(f"Chromium headless, viewport {WIDTH} px wide, one channel; medians of {args.runs} full draws "
          f"and {args.frames} pan frames; "
          "the first row's editor start includes loading the editor's modules")
    print()
    print("| points | editor ready (JSON columns) | CSV parsed to series | draw, whole series | pan: draw per frame "
          "| pan: frame interval (fps) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row['points']:,} | {row['load']:.0f} ms | {row['csv']:.0f} ms | {row['draw']:.1f} ms | {row['pan_draw']:.1f} ms "
              f"| {row['pan_frame']:.1f} ms ({1000 / row['pan_frame']:.0f}) |")


if __name__ == "__main__":
    main()
