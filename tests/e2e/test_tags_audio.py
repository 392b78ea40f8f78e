"""Audio and AudioPlus in a real browser: the waveform, regions dragged on it in seconds, per-region
transcription, loaded completions kept byte for byte, delete and undo, and the corpus audio templates."""

import io
import json
import math
import re
import struct
import wave

import pytest

from lsdesk.config import parse_config
from lsdesk.formats.examples import example_task
from tests.corpus import CONFIGS, corpus_name
from tests.test_api_import import upload

AUDIO_CONFIGS = [path for path in CONFIGS if "<Audio" in path.read_text()]

SECONDS, RATE = 2, 8000

SEGMENTS = """<View>
  <Labels name="label" toName="audio"><Label value="Speech"/><Label value="Noise"/></Labels>
  <AudioPlus name="audio" value="$audio"/>
  <View visibleWhen="region-selected">
    <TextArea name="transcript" toName="audio" perRegion="true" rows="2"/>
  </View>
</View>"""


def sine_wav(seconds=SECONDS, rate=RATE, frequency=440, amplitudes=(0.5,)):
    """A 16-bit WAV of a sine tone, one channel per amplitude."""
    frames = b"".join(struct.pack(f"<{len(amplitudes)}h", *(round(a * 32767 * math.sin(2 * math.pi * frequency * i / rate))
                                                            for a in amplitudes))
                      for i in range(seconds * rate))
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(len(amplitudes))
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(frames)
    return out.getvalue()


def import_wav(api, data):
    """Import a WAV file into the test's project; returns the /data/upload URL of its task."""
    api.post("/api/project/config", json={"label_config": SEGMENTS})
    answer = upload(api, ("file", "tone.wav", data))
    assert answer.status == 201, answer
    [task] = api.get("/api/tasks").json
    url = task["data"]["audio"]
    assert url.startswith("/data/upload/") and url.endswith(".wav")
    return url


@pytest.fixture
def audio_url(api):
    """A 2 s, 8 kHz mono sine tone imported into the test's project."""
    return import_wav(api, sine_wav())


def open_audio(editor, config, url, result=()):
    page = editor(config, {"audio": url}, result)
    page.wait_for_selector(".lsd-audio[data-state=ready]")
    return page


def result(page):
    return page.evaluate("window.editor.getResult()")


def track_box(page):
    box = page.eval_on_selector(".lsd-audio-track", "e => { const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; }")
    return tuple(box)


def drag(page, x0, x1, y):
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move(x1, y, steps=5)
    page.mouse.up()


def seconds_at(box, x):
    left, _, width, _ = box
    return (x - left) / width * SECONDS


def draw_region(page, t0, t1):
    """Drag from t0 to t1 seconds on the waveform; returns the times those whole pixels stand for."""
    box = track_box(page)
    left, top, width, height = box
    x0, x1 = round(left + t0 / SECONDS * width), round(left + t1 / SECONDS * width)
    drag(page, x0, x1, top + height / 2)
    return seconds_at(box, x0), seconds_at(box, x1), SECONDS / width


def test_waveform_draws_the_tone_and_the_player_knows_its_length(editor, audio_url):
    page = open_audio(editor, SEGMENTS, audio_url)
    assert page.inner_text(".lsd-audio-time") == "0:00.00 / 0:02.00"
    # The sine's peaks (amplitude 0.5) reach about half way from the axis to the edge, all along.
    rows = page.evaluate("""() => {
        const canvas = document.querySelector('.lsd-audio-wave');
        const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        const inked = (x, y) => data[(y * width + x) * 4 + 3] > 0;
        const columns = [];
        for (const x of [5, Math.floor(width / 2), width - 5]) {
            let top = -1, bottom = -1;
            for (let y = 0; y < height; y++) if (inked(x, y)) { if (top < 0) top = y; bottom = y; }
            columns.push([top, bottom]);
        }
        return { width, height, columns, cssWidth: canvas.getBoundingClientRect().width };
    }""")
    height = rows["height"]
    for top, bottom in rows["columns"]:
        assert top >= 0, "the canvas is blank"
        span = (bottom - top + 1) / height
        assert 0.4 < span < 0.55, rows
    assert rows["cssWidth"] == pytest.approx(track_box(page)[2], abs=1)


def test_drag_with_a_label_armed_makes_a_region_in_seconds(editor, audio_url):
    page = open_audio(editor, SEGMENTS, audio_url)
    left, top, width, height = track_box(page)
    drag(page, left + 20, left + 120, top + height / 2)  # without a label armed a drag makes nothing
    assert result(page) == []
    page.keyboard.press("2")  # arms Noise
    start, end, per_pixel = draw_region(page, 0.5, 1.25)
    [item] = result(page)
    assert re.fullmatch(r"[A-Za-z0-9_-]{10}", item.pop("id"))
    value = item.pop("value")
    assert item == {"from_name": "label", "to_name": "audio", "type": "labels", "original_length": 2}
    assert list(value) == ["start", "end", "channel", "labels"]
    assert value["start"] == pytest.approx(start, abs=per_pixel)
    assert value["end"] == pytest.approx(end, abs=per_pixel)
    assert (value["channel"], value["labels"]) == (0, ["Noise"])
    assert page.inner_text(".lsd-audio-region-label") == "Noise"
    assert re.match(rf"Noise {value['start']:.2f}–{value['end']:.2f} s", page.inner_text(".lsd-regions li"))


def test_per_region_transcription_copies_the_region_times(editor, audio_url):
    page = open_audio(editor, SEGMENTS, audio_url)
    assert page.is_hidden(".lsd-textarea")
    page.keyboard.press("1")
    draw_region(page, 0.2, 0.9)
    page.click(".lsd-audio-region")
    assert page.is_visible(".lsd-textarea")
    page.fill(".lsd-textarea-input textarea", "hello there")
    page.keyboard.press("Enter")
    labels, text = result(page)
    assert text == {"id": labels["id"], "from_name": "transcript", "to_name": "audio", "type": "textarea",
                    "original_length": 2,
                    "value": {"start": labels["value"]["start"], "end": labels["value"]["end"], "channel": 0,
                              "text": ["hello there"]}}


def test_region_moves_and_resizes_with_its_transcription(editor, audio_url):
    loaded = [
        {"id": "r1", "from_name": "label", "to_name": "audio", "type": "labels", "original_length": 2,
         "value": {"start": 0.5, "end": 1.0, "channel": 0, "labels": ["Speech"]}},
        {"id": "r1", "from_name": "transcript", "to_name": "audio", "type": "textarea", "original_length": 2,
         "value": {"start": 0.5, "end": 1.0, "channel": 0, "text": ["hi"]}},
    ]
    page = open_audio(editor, SEGMENTS, audio_url, loaded)
    left, top, width, height = track_box(page)
    per_pixel = SECONDS / width
    y = top + height / 2
    middle = left + 0.75 / SECONDS * width
    drag(page, round(middle), round(middle) + 50, y)  # move right by 50 px
    moved = result(page)
    for item in moved:
        assert item["value"]["start"] == pytest.approx(0.5 + 50 * per_pixel, abs=2 * per_pixel)
        assert item["value"]["end"] - item["value"]["start"] == pytest.approx(0.5, abs=1e-9)
    end_x = left + moved[0]["value"]["end"] / SECONDS * width
    drag(page, end_x - 2, end_x + 40, y)  # grab the right edge and widen
    widened = result(page)
    assert widened[0]["value"]["start"] == moved[0]["value"]["start"]
    assert widened[0]["value"]["end"] == pytest.approx(moved[0]["value"]["end"] + 42 * per_pixel, abs=2 * per_pixel)
    assert widened[1]["value"]["end"] == widened[0]["value"]["end"]
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert result(page) == loaded


def test_loaded_completion_round_trips_byte_for_byte(editor, audio_url):
    loaded = [
        {"original_length": 3.77437641723356, "value": {"start": 0.9167245904503621, "end": 1.4340618436095824,
                                                        "labels": ["Speech"]},
         "id": "wavesurfer_8q3en87p138", "from_name": "label", "to_name": "audio", "type": "labels"},
        {"original_length": 3.77437641723356, "value": {"start": 0.9167245904503621, "end": 1.4340618436095824,
                                                        "text": ["Wow wow wow!!!...."]},
         "id": "wavesurfer_8q3en87p138", "from_name": "transcript", "to_name": "audio", "type": "textarea"},
        {"id": "x2", "from_name": "label", "to_name": "audio", "type": "labels", "readonly": True, "score": 0.25,
         "value": {"start": 1.5, "end": 1.75, "channel": 0, "labels": ["Noise", "Speech"]}},
    ]
    page = open_audio(editor, SEGMENTS, audio_url, loaded)
    assert page.eval_on_selector_all(".lsd-audio-region", "es => es.map(e => [e.dataset.regionId, e.textContent])") == [
        ["wavesurfer_8q3en87p138", "Speech"], ["x2", "Noise, Speech"]]
    page.click(".lsd-audio-region >> nth=0")
    page.click(".lsd-audio-region >> nth=0")  # select and unselect
    assert json.dumps(result(page)) == json.dumps(loaded)


def test_delete_a_region_then_undo_and_redo(editor, audio_url):
    loaded = [{"id": "r1", "from_name": "label", "to_name": "audio", "type": "labels", "original_length": 2,
               "value": {"start": 0.25, "end": 0.75, "channel": 0, "labels": ["Speech"]}},
              {"id": "r2", "from_name": "label", "to_name": "audio", "type": "labels", "original_length": 2,
               "value": {"start": 1.0, "end": 1.5, "channel": 0, "labels": ["Noise"]}}]
    page = open_audio(editor, SEGMENTS, audio_url, loaded)
    page.click("[data-region-id=r1]")
    assert page.evaluate("window.editor.store.selected") == "r1"
    assert page.get_attribute("[data-region-id=r1]", "class") == "lsd-audio-region selected"
    assert page.is_enabled(".lsd-audio-play-region")
    page.keyboard.press("Backspace")
    assert result(page) == loaded[1:]
    assert page.eval_on_selector_all(".lsd-audio-region", "es => es.map(e => e.dataset.regionId)") == ["r2"]
    page.click(".lsd-region-delete")  # from the regions list
    assert result(page) == []
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert result(page) == loaded
    page.keyboard.press("Control+Shift+z")
    assert result(page) == loaded[1:]


def test_play_pause_and_region_playback_stop_at_the_region_end(editor, audio_url):
    loaded = [{"id": "r1", "from_name": "label", "to_name": "audio", "type": "labels", "original_length": 2,
               "value": {"start": 0.5, "end": 0.7, "channel": 0, "labels": ["Speech"]}}]
    page = open_audio(editor, SEGMENTS, audio_url, loaded)
    page.click(".lsd-audio-play")
    page.wait_for_function("!document.querySelector('.lsd-audio audio').paused")
    assert page.inner_text(".lsd-audio-play") == "Pause"
    page.keyboard.press("Shift+Space")  # the default play/pause hotkey
    page.wait_for_function("document.querySelector('.lsd-audio audio').paused")
    page.dblclick("[data-region-id=r1]")
    page.wait_for_function("document.querySelector('.lsd-audio audio').currentTime > 0.55", timeout=5000)
    page.wait_for_function("document.querySelector('.lsd-audio audio').paused", timeout=5000)
    assert page.evaluate("document.querySelector('.lsd-audio audio').currentTime") == pytest.approx(0.7, abs=0.01)


def test_zoom_widens_the_track_and_keeps_region_times(editor, audio_url):
    page = open_audio(editor, """<View><Labels name="label" toName="audio"><Label value="A"/></Labels>
      <Audio name="audio" value="$audio" defaultZoom="4" speed="false" volume="false"/></View>""", audio_url)
    assert page.query_selector(".lsd-audio-speed") is None and page.query_selector(".lsd-audio-volume") is None
    view = page.eval_on_selector(".lsd-audio-scroll", "e => e.clientWidth")
    assert track_box(page)[2] == pytest.approx(4 * view, abs=1)
    page.keyboard.press("1")
    start, end, per_pixel = draw_region(page, 0.1, 0.3)
    [item] = result(page)
    assert (item["value"]["start"], item["value"]["end"]) == (pytest.approx(start, abs=per_pixel),
                                                              pytest.approx(end, abs=per_pixel))
    page.click(".lsd-audio-zoom-out")
    assert track_box(page)[2] == pytest.approx(4 / 1.5 * view, abs=1)


def test_split_channels_draw_one_lane_each_and_regions_keep_their_channel(editor, api):
    url = import_wav(api, sine_wav(amplitudes=(0.8, 0.2)))
    page = open_audio(editor, """<View><Labels name="label" toName="audio"><Label value="A"/></Labels>
      <Audio name="audio" value="$audio" splitChannels="true" height="120"/></View>""", url)
    left, top, width, height = track_box(page)
    assert height == 120
    page.keyboard.press("1")
    drag(page, left + 100, left + 200, top + 0.75 * height)  # in the second lane
    [item] = result(page)
    assert item["value"]["channel"] == 1
    assert page.eval_on_selector(".lsd-audio-region", "e => [e.offsetTop, e.offsetHeight]") == [60, 60]
    # Each lane holds its own channel: the loud one reaches further from its axis.
    spans = page.evaluate("""() => {
        const canvas = document.querySelector('.lsd-audio-wave');
        const { data, width, height } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        const x = Math.floor(width / 2);
        return [0, 1].map((lane) => {
            let inked = 0;
            for (let y = lane * height / 2; y < (lane + 1) * height / 2; y++) if (data[(y * width + x) * 4 + 3] > 0) inked++;
            return inked / (height / 2);
        });
    }""")
    assert spans[0] > 0.7 and 0.1 < spans[1] < 0.3, spans


def test_label_page_submits_an_audio_region_and_shows_it_again(page, api):
    url = import_wav(api, sine_wav())
    [task] = api.get("/api/tasks").json
    page.goto(f"{page.base_url}/label/{task['id']}")
    page.wait_for_selector(".lsd-audio[data-state=ready]")
    page.keyboard.press("1")
    start, end, per_pixel = draw_region(page, 1.0, 1.5)
    page.keyboard.press("Control+Enter")
    page.wait_for_function(f"fetch('/api/tasks/{task['id']}').then(r => r.json()).then(t => t.completions.length === 1)")
    [completion] = api.get(f"/api/tasks/{task['id']}").json["completions"]
    [item] = completion["result"]
    assert (item["to_name"], item["original_length"], item["value"]["labels"]) == ("audio", 2, ["Speech"])
    assert item["value"]["start"] == pytest.approx(start, abs=per_pixel)
    page.goto(f"{page.base_url}/label/{task['id']}")
    page.wait_for_selector(".lsd-audio[data-state=ready]")
    assert page.eval_on_selector_all(".lsd-audio-region", "es => es.map(e => e.dataset.regionId)") == [item["id"]]
    assert url.startswith("/data/upload/")


def test_audio_that_cannot_be_loaded_says_so(editor):
    page = editor(SEGMENTS, {"audio": "/data/upload/missing.wav"})
    page.wait_for_selector(".lsd-audio[data-state=error]")
    assert page.inner_text(".lsd-audio-message").startswith("The audio could not be loaded: /data/upload/missing.wav")
    page = editor(SEGMENTS, {})
    page.wait_for_selector(".lsd-audio[data-state=error]")
    assert page.inner_text(".lsd-audio-message") == \
        'The audio could not be loaded: no audio URL in task data for value="$audio"'


@pytest.mark.skipif(not AUDIO_CONFIGS, reason="the shared corpus is not beside the repository")
def test_corpus_audio_templates_draw_with_their_sample_tasks(editor):
    failures = []
    for path in AUDIO_CONFIGS:
        xml = path.read_text()
        data = example_task(parse_config(xml))
        sample = re.search(r"<!--\s*(\{.*\})\s*-->", xml, re.S)
        loaded = []
        if sample:
            try:
                loaded = json.loads(sample.group(1)).get("annotations", [{}])[0].get("result", [])
            except json.JSONDecodeError:
                loaded = []
        page = editor(xml, data, loaded)
        page.wait_for_selector(".lsd-audio:not([data-state=loading])")
        name = corpus_name(path)
        unsupported = page.eval_on_selector_all(".lsd-unsupported", "nodes => nodes.map(n => n.textContent)")
        if any("<Audio" in text for text in unsupported):
            failures.append(f"{name}: {unsupported}")
        if page.get_attribute(".lsd-audio", "data-state") != "ready":
            failures.append(f"{name}: {page.inner_text('.lsd-audio')}")
        regions = {item["id"] for item in loaded if "start" in item.get("value", {})}
        drawn = page.eval_on_selector_all(".lsd-audio-region", "es => es.map(e => e.dataset.regionId)")
        if sorted(drawn) != sorted(regions) or result(page) != loaded:
            failures.append(f"{name}: drew {drawn}, loaded {sorted(regions)}")
    assert not failures, "\n".join(failures)
