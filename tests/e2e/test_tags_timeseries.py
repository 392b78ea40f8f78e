"""TimeSeries, Channel and TimeSeriesLabels in a real browser: channels from CSV, headless CSV and JSON
columns, ranges dragged and instants clicked (snapped to data points, in the time column's units or
text), move, resize, relabel, delete and undo, relations, per-region controls, zoom and pan, the
corpus templates with their sample results kept byte for byte, and a CSV imported as one task."""

import json
import os
import re
from pathlib import Path

import pytest

from lsdesk.config import parse_config
from lsdesk.formats.examples import example_task
from tests.corpus import CONFIGS, CORPUS
from tests.test_api_import import upload

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TS_CONFIGS = [path for path in CONFIGS if "<TimeSeries" in path.read_text()]

POINTS = 101  # times 0..100: one point per unit, so a point's time is its index

SEGMENTS = """<View>
  <TimeSeriesLabels name="label" toName="ts">
    <Label value="Run" background="#5b5"/><Label value="Walk" background="#55f"/>
  </TimeSeriesLabels>
  <TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time">
    <Channel column="a" strokeColor="#1f77b4" legend="Signal A" units="m/s" displayFormat=",.1f" height="120"/>
    <Channel column="b" strokeColor="#ff7f0e" height="80"/>
  </TimeSeries>
  <View visibleWhen="region-selected">
    <Choices name="quality" toName="ts" perRegion="true"><Choice value="Good"/><Choice value="Poor"/></Choices>
    <Rating name="score" toName="ts" perRegion="true" maxRating="5"/>
  </View>
</View>"""

DATA = {"ts": {"time": list(range(POINTS)), "a": [i % 10 for i in range(POINTS)], "b": [1000 * (i % 7) for i in range(POINTS)]}}


def open_series(editor, config=SEGMENTS, data=None, result=()):
    page = editor(config, DATA if data is None else data, result)
    page.wait_for_selector(".lsd-timeseries:not([data-state=loading])")
    return page


def result(page):
    return page.evaluate("window.editor.getResult()")


def plot_box(page, nth=0):
    return tuple(page.eval_on_selector_all(".lsd-ts-plot", f"""es => {{ const r = es[{nth}].getBoundingClientRect();
        return [r.x, r.y, r.width, r.height]; }}"""))


def x_of(page, t, nth=0):
    """The client x of time t when the whole series (0..POINTS-1) is shown."""
    left, _, width, _ = plot_box(page, nth)
    return left + t / (POINTS - 1) * width


def drag(page, x0, x1, y):
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move(x1, y, steps=5)
    page.mouse.up()


def draw_range(page, t0, t1):
    _, top, _, height = plot_box(page)
    drag(page, x_of(page, t0), x_of(page, t1), top + height / 2)


def without_id(item):
    assert re.fullmatch(r"[A-Za-z0-9_-]{10}", item.pop("id"))
    return item


def test_drag_with_a_label_armed_makes_a_range_snapped_to_data_points(editor):
    page = open_series(editor)
    assert page.get_attribute(".lsd-timeseries", "data-state") == "ready"
    assert page.eval_on_selector_all(".lsd-ts-legend", "es => es.map(e => e.textContent)") == ["Signal A (m/s)", "b"]
    assert page.eval_on_selector_all(".lsd-ts-ymax", "es => es.map(e => e.textContent)") == ["9.0", "6000"]
    draw_range(page, 20, 40)  # no label armed: nothing
    assert result(page) == []
    page.keyboard.press("2")  # arms Walk
    draw_range(page, 20.3, 39.8)
    [item] = result(page)
    assert json.dumps(without_id(item)) == json.dumps({"from_name": "label", "to_name": "ts", "type": "timeserieslabels",
                                                      "value": {"start": 20, "end": 40, "instant": False,
                                                                "timeserieslabels": ["Walk"]}})


def test_a_click_with_a_label_armed_makes_an_instant(editor):
    page = open_series(editor)
    page.keyboard.press("1")
    _, top, _, height = plot_box(page)
    page.mouse.click(x_of(page, 70.2), top + 10)
    [item] = result(page)
    assert without_id(item)["value"] == {"start": 70, "end": 70, "instant": True, "timeserieslabels": ["Run"]}
    assert page.get_attribute(".lsd-ts-region", "class") == "lsd-ts-region instant"


LOADED = [
    {"id": "r1", "from_name": "label", "to_name": "ts", "type": "timeserieslabels",
     "value": {"start": 10, "end": 30, "instant": False, "timeserieslabels": ["Run"]}},
    {"id": "r2", "from_name": "label", "to_name": "ts", "type": "timeserieslabels",
     "value": {"start": 60, "end": 80, "instant": False, "timeserieslabels": ["Walk"]}},
]


def region_box(page, region_id):
    return page.eval_on_selector(f"[data-region-id={region_id}]",
                                 "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }")


def test_move_resize_relabel_delete_and_undo(editor):
    page = open_series(editor, result=LOADED)
    _, top, _, height = plot_box(page)
    y = top + height / 2
    drag(page, x_of(page, 20), x_of(page, 25), y)  # move r1 by 5 points
    assert result(page)[0]["value"] == {"start": 15, "end": 35, "instant": False, "timeserieslabels": ["Run"]}
    left, _, width, _ = region_box(page, "r2")
    drag(page, left + width - 2, x_of(page, 90), y)  # resize r2's end
    assert result(page)[1]["value"] == {"start": 60, "end": 90, "instant": False, "timeserieslabels": ["Walk"]}
    page.click("[data-region-id=r2]")
    assert page.evaluate("window.editor.store.selected") == "r2"
    page.keyboard.press("1")  # relabel the selected range
    assert result(page)[1]["value"]["timeserieslabels"] == ["Run"]
    page.keyboard.press("Backspace")
    assert [item["id"] for item in result(page)] == ["r1"]
    for _ in range(4):
        page.keyboard.press("Control+z")
    assert json.dumps(result(page)) == json.dumps(LOADED)
    page.keyboard.press("Control+Shift+z")
    assert result(page)[0]["value"]["start"] == 15


def test_per_region_choices_and_rating_copy_the_range(editor):
    page = open_series(editor, result=LOADED[:1])
    page.click("[data-region-id=r1]")
    page.click("text=Poor")
    page.click(".lsd-rating [data-value='4'], .lsd-rating button >> nth=3")
    place = {"start": 10, "end": 30, "instant": False}
    assert json.dumps(result(page)) == json.dumps(LOADED[:1] + [
        {"id": "r1", "from_name": "quality", "to_name": "ts", "type": "choices", "value": {**place, "choices": ["Poor"]}},
        {"id": "r1", "from_name": "score", "to_name": "ts", "type": "rating", "value": {**place, "rating": 4}},
    ])


WHOLE = """<View>
  <TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time"><Channel column="a"/></TimeSeries>
  <Choices name="pattern" toName="ts"><Choice value="Growth"/><Choice value="Decay"/></Choices>
  <TextArea name="note" toName="ts"/>
  <Rating name="stars" toName="ts"/>
</View>"""


def test_whole_series_choices_text_and_rating(editor):
    page = open_series(editor, WHOLE)
    page.keyboard.press("2")  # Decay
    page.fill(".lsd-textarea textarea, .lsd-textarea input", "slow decay")
    page.keyboard.press("Enter")
    page.click(".lsd-rating button >> nth=2")
    items = [without_id(item) for item in result(page)]
    assert json.dumps(items) == json.dumps([
        {"from_name": "pattern", "to_name": "ts", "type": "choices", "value": {"choices": ["Decay"]}},
        {"from_name": "note", "to_name": "ts", "type": "textarea", "value": {"text": ["slow decay"]}},
        {"from_name": "stars", "to_name": "ts", "type": "rating", "value": {"rating": 3}},
    ])


RELATIONS = """<View>
  <TimeSeriesLabels name="labels1" toName="ts1"><Label value="Run"/></TimeSeriesLabels>
  <TimeSeries name="ts1" value="$ts" valueType="json" timeColumn="time"><Channel column="a"/></TimeSeries>
  <TimeSeriesLabels name="labels2" toName="ts2"><Label value="On"/></TimeSeriesLabels>
  <TimeSeries name="ts2" value="$ts" valueType="json"><Channel column="b"/></TimeSeries>
</View>"""


def test_relation_between_ranges_of_two_series(editor):
    page = open_series(editor, RELATIONS)
    page.keyboard.press("1")
    _, top, _, height = plot_box(page, 0)
    drag(page, x_of(page, 10, 0), x_of(page, 20, 0), top + height / 2)
    page.keyboard.press("1")  # disarm Run
    page.keyboard.press("2")
    _, top2, _, height2 = plot_box(page, 1)
    drag(page, x_of(page, 50, 1), x_of(page, 60, 1), top2 + height2 / 2)
    first, second = result(page)
    assert (first["to_name"], first["value"]["start"], second["to_name"], second["value"]["end"]) == ("ts1", 10, "ts2", 60)
    page.click(f"[data-region-id='{first['id']}']")
    page.keyboard.press("Alt+r")
    page.click(f"[data-region-id='{second['id']}']")
    assert result(page)[2] == {"from_id": first["id"], "to_id": second["id"], "type": "relation", "direction": "right", "labels": []}
    assert page.inner_text(".lsd-relations h3") == "Relations (1)"


def window_of(page):
    """The shown window's [start, end], read after the next frame is drawn."""
    return page.evaluate("""async () => {
        await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)));
        const [a, b] = document.querySelector('.lsd-ts-range').textContent.split(' – ');
        return [Number(a), Number(b)];
    }""")


def test_zoom_and_pan_by_keys_wheel_and_overview_keep_region_times(editor):
    page = open_series(editor, result=LOADED)
    assert window_of(page) == [0, 100]
    page.focus(".lsd-ts-plot")
    page.keyboard.press("+")
    assert window_of(page) == pytest.approx([16.67, 83.33], abs=0.01)
    page.keyboard.press("ArrowRight")
    assert window_of(page) == pytest.approx([23.33, 90], abs=0.01)
    page.keyboard.press("Home")
    assert window_of(page) == [0, 100]
    left, top, width, height = plot_box(page)
    page.mouse.move(left + width / 2, top + height / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    page.wait_for_function("document.querySelector('.lsd-ts-range').textContent !== '0 – 100'")
    assert window_of(page) == pytest.approx([10, 90], abs=0.01)
    # Drag the overview's brush by a quarter of the strip: the window moves by a quarter of the series.
    brush = page.eval_on_selector(".lsd-ts-brush", "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }")
    overview_width = page.eval_on_selector(".lsd-ts-overview", "e => e.clientWidth")
    cx, cy = brush[0] + brush[2] / 2, brush[1] + brush[3] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx - overview_width / 10, cy, steps=3)
    page.mouse.up()
    page.wait_for_function("!document.querySelector('.lsd-ts-range').textContent.startsWith('10 ')")
    assert window_of(page) == pytest.approx([0, 80], abs=0.5)
    # Regions follow the window: r1 (10..30) now spans a quarter of the plot from 1/8.
    r1 = region_box(page, "r1")
    assert r1[0] - left == pytest.approx(width * 10 / 80, abs=1.5)
    assert r1[2] == pytest.approx(width * 20 / 80, abs=1.5)
    assert json.dumps(result(page)) == json.dumps(LOADED)


def test_series_that_cannot_be_loaded_says_so(editor):
    page = open_series(editor, data={"ts": {"time": [0, 1], "x": [1, 2]}})
    assert page.get_attribute(".lsd-timeseries", "data-state") == "error"
    assert page.inner_text(".lsd-ts-message") == \
        'The time series could not be loaded: no column "a", "b" in the data (columns: time, x)'


CSV_CONFIG = """<View>
  <TimeSeriesLabels name="label" toName="ts"><Label value="Run"/></TimeSeriesLabels>
  <TimeSeries name="ts" valueType="url" value="$csv" sep="," timeColumn="time"
              timeFormat="%Y-%m-%d %H:%M:%S.%f" timeDisplayFormat="%Y-%m-%d">
    <Channel column="velocity"/>
  </TimeSeries>
</View>"""

CSV = "time,velocity\n" + "".join(f"2020-01-{day:02d} 00:00:00.000000,{day % 5}\n" for day in range(1, 32))


def test_csv_imported_into_a_time_series_project_is_one_task_labelled_in_the_cells_format(page, api):
    api.post("/api/project/config", json={"label_config": CSV_CONFIG})
    answer = upload(api, ("file", "walk.csv", CSV.encode()))
    assert answer.status == 201, answer
    [task] = api.get("/api/tasks").json
    assert list(task["data"]) == ["csv"] and re.fullmatch(r"/data/upload/[\w-]+\.csv", task["data"]["csv"])
    page.goto(f"{page.base_url}/label/{task['id']}")
    page.wait_for_selector(".lsd-timeseries[data-state=ready]")
    assert page.inner_text(".lsd-ts-range") == "2020-01-01 – 2020-01-31"
    page.keyboard.press("1")
    left, top, width, height = plot_box(page)
    drag(page, left + 3 / 30 * width, left + 10 / 30 * width, top + height / 2)
    page.keyboard.press("Control+Enter")
    page.wait_for_function(f"fetch('/api/tasks/{task['id']}').then(r => r.json()).then(t => t.completions.length === 1)")
    [completion] = api.get(f"/api/tasks/{task['id']}").json["completions"]
    [item] = completion["result"]
    assert item["value"] == {"start": "2020-01-04 00:00:00.000000", "end": "2020-01-11 00:00:00.000000",
                             "instant": False, "timeserieslabels": ["Run"]}


def test_headless_csv_and_csv_without_time_column_draw(editor):
    headless = """<View><TimeSeries name="ts" value="$csv" timeColumn="0"><Channel column="2"/></TimeSeries>
      <TimeSeriesLabels name="l" toName="ts"><Label value="On"/></TimeSeriesLabels></View>"""
    page = open_series(editor, headless, {"csv": "/samples/time-series.csv?time=0&values=1,2&headless=1"})
    assert page.get_attribute(".lsd-timeseries", "data-state") == "ready"
    assert page.inner_text(".lsd-ts-range") == "0 – 99"
    notime = """<View><TimeSeries name="ts" value="$csv"><Channel column="velocity"/></TimeSeries></View>"""
    page = open_series(editor, notime, {"csv": "/samples/time-series.csv?values=velocity"})
    assert page.inner_text(".lsd-ts-range") == "0 – 99"


def sample_result(xml):
    """The result of the sample completion (0.8) or annotation (1.x) a template carries in a comment, or []."""
    for comment in re.findall(r"<!--(.*?)-->", xml, re.S):
        try:
            parsed = json.loads(comment)
        except json.JSONDecodeError:
            continue
        if isinstance(parsed, dict) and (parsed.get("annotations") or parsed.get("completions")):
            return (parsed.get("annotations") or parsed.get("completions"))[0].get("result", [])
    return []


@pytest.mark.parametrize("path", TS_CONFIGS, ids=lambda path: str(path.relative_to(CORPUS).parent))
def test_corpus_time_series_templates_draw_and_keep_their_sample_results(editor, path):
    xml = path.read_text()
    loaded = sample_result(xml)
    page = editor(xml, example_task(parse_config(xml)), loaded)
    page.wait_for_function("[...document.querySelectorAll('.lsd-timeseries')].every(e => e.dataset.state !== 'loading')")
    assert page.eval_on_selector_all(".lsd-unsupported", "nodes => nodes.map(n => n.textContent)") == []
    assert set(page.eval_on_selector_all(".lsd-timeseries", "es => es.map(e => e.dataset.state)")) == {"ready"}
    ranges = {item["id"] for item in loaded if item.get("type") == "timeserieslabels"}
    assert len(page.query_selector_all(".lsd-ts-region")) == len(ranges)
    assert json.dumps(result(page)) == json.dumps(loaded)


def test_data_helpers_parse_format_and_decimate(page):
    page.goto(page.base_url + "/api/health")
    got = page.evaluate('''async () => {
        const d = await import("/assets/editor/timeseries-data.js");
        const parse = d.timeParser("%Y-%m-%d %H:%M:%S.%f");
        const ms = parse("2020-01-04 12:30:15.250000");
        const spike = new Float64Array(1000000);
        spike[654321] = 7;
        const times = Float64Array.from({ length: 1000000 }, (_, i) => i);
        const line = d.decimate(times, spike, 0, 999999, 500);
        let max = -Infinity;
        for (let k = 1; k < line.length; k += 2) max = Math.max(max, line[k]);
        return {
            ms, back: d.formatTime(ms, "%Y-%m-%d %H:%M:%S.%f"), day: d.formatTime(ms, "%d %b %Y"),
            epoch: d.timeParser("%s")("1600000000"), plain: [d.timeParser()("12.5"), d.timeParser()("2020-01-02T00:00:00Z")],
            numbers: [d.formatNumber(12345.678, ",.1f"), d.formatNumber(0.256, ".0%"), d.formatNumber(3, "d"), d.formatNumber(1 / 3, "")],
            table: d.parseTable('t,"a, quoted",b\\r\\n1,"x ""y""",2\\r\\n\\r\\n', ","),
            headless: d.parseTable("0;5\\n1;6\\n", ";", true),
            sep: [d.separatorOf("\\\\t"), d.separatorOf(undefined, "/data/upload/x.tsv"), d.separatorOf(";")],
            points: line.length / 2, max,
        };
    }''')
    assert got["ms"] == 1578141015250 and got["back"] == "2020-01-04 12:30:15.250000" and got["day"] == "04 Jan 2020"
    assert got["epoch"] == 1600000000000 and got["plain"] == [12.5, 1577923200000]
    assert got["numbers"] == ["12,345.7", "26%", "3", "0.333333"]
    assert got["table"] == {"t": ["1"], "a, quoted": ['x "y"'], "b": ["2"]}
    assert got["headless"] == {"0": ["0", "1"], "1": ["5", "6"]}
    assert got["sep"] == ["\t", "\t", ";"]
    assert got["points"] <= 4 * 501 and got["max"] == 7  # a million points, four per pixel column, the spike kept


@pytest.mark.skipif(not os.environ.get("LSDESK_SCREENSHOTS"), reason="set LSDESK_SCREENSHOTS=1 to write docs/screenshots")
def test_screenshot(page, api):
    xml = (CORPUS / "v08" / "ts_segmentation" / "config.xml").read_text()
    api.post("/api/project/config", json={"label_config": xml})
    day = "2020-01-{:02d} 00:00:00.000000".format
    regions = [("a1", 4, 11, "Run"), ("a2", 15, 15, "Swim"), ("a3", 20, 27, "Walk")]
    result = [{"id": id_, "from_name": "label", "to_name": "ts", "type": "timeserieslabels",
               "value": {"start": day(start), "end": day(end), "instant": start == end, "timeserieslabels": [label]}}
              for id_, start, end, label in regions]
    task = {"data": example_task(parse_config(xml)), "completions": [{"result": result}]}
    answer = api.post("/api/project/import", json=[task])
    [task_id] = answer.json["new_task_ids"]
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{page.base_url}/label/{task_id}")
    page.wait_for_selector(".lsd-timeseries[data-state=ready]")
    page.click("[data-region-id=a3]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / "timeseries.png"))
    assert (SCREENSHOTS / "timeseries.png").stat().st_size < 200_000
