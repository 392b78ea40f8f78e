"""Import examples: a sample task for every corpus config that the task validator accepts, and sample files."""

import csv
import io
import json
import pathlib
import struct
import wave
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest

from lsdesk.config import parse_config
from lsdesk.formats.examples import (
    AUDIO_URL, IMAGE_URL, OPTIONS, PDF_URL, SAMPLES, UNKNOWN_SAMPLE, example_file, example_task, time_series_csv,
)
from lsdesk.formats.readers import read_file
from lsdesk.formats.tasks import make_task_validator
from tests.corpus import CONFIGS, corpus_name

ROOT = pathlib.Path(__file__).resolve().parent.parent


def corpus_id(path):
    return corpus_name(path)


@pytest.mark.parametrize("path", CONFIGS, ids=corpus_id)
def test_every_corpus_config_gets_a_sample_task_its_validator_accepts(path):
    config = parse_config(path.read_text())
    task = example_task(config)
    assert list(task)[:len(config.data_keys)] == config.data_keys
    make_task_validator(config)(task)
    make_task_validator(config)(json.loads(example_file(config, "json")[1])[1])


@pytest.mark.parametrize("path", CONFIGS, ids=corpus_id)
def test_sample_files_of_corpus_configs_read_back_as_tasks(path):
    config = parse_config(path.read_text())
    task = example_task(config)
    validate = make_task_validator(config)
    formats = ["json"]
    if all(isinstance(value, str) for value in task.values()):
        formats += ["csv", "tsv"]  # lists and dicts are JSON text in a cell, which the validator rightly refuses
        if len(task) == 1:
            formats.append("txt")
    for q in formats:
        extension, content = example_file(config, q)
        items = list(read_file(f"sample.{extension}", io.BytesIO(content)))
        assert len(items) == 2
        expected = {key: " ".join(value.split()) for key, value in task.items()} if q == "txt" else task
        for item in items:
            assert validate(item)["data"] == expected  # a txt line cannot hold line breaks


def test_sample_values_follow_the_tags():
    task = example_task("""<View>
        <Text name="t1" value="$text"/><Text name="t2" value="$other" valueType="url"/>
        <Image name="img" value="$image"/><Image name="pages" valueList="$pages"/>
        <Audio name="au" value="$audio"/><Header value="$title"/><Table name="tab" value="$row"/>
        <Paragraphs name="p" value="$dialogue" nameKey="who" textKey="said" audioUrl="$sound"/>
        <Choices name="c" toName="t1" value="$options"/><Pdf name="doc" value="$doc"/>
        <Text name="inline">no data key</Text>
    </View>""")
    assert task["text"] and " " in task["text"]
    assert task["other"] == f"{SAMPLES}/sample.txt"
    assert task["image"] == IMAGE_URL
    assert task["pages"] == [IMAGE_URL, IMAGE_URL]
    assert task["audio"] == AUDIO_URL
    assert isinstance(task["title"], str)
    assert isinstance(task["row"], dict)
    assert all(set(entry) == {"who", "said"} for entry in task["dialogue"])
    assert task["sound"] == AUDIO_URL
    assert task["options"] == OPTIONS
    assert task["doc"] == PDF_URL


def test_two_text_keys_get_different_sentences():
    task = example_task('<View><Text name="a" value="$a"/><Text name="b" value="$b"/></View>')
    assert task["a"] != task["b"]


def test_unknown_object_tag_gets_something():
    config = parse_config('<View><Dialog name="d" value="$chat"/></View>')
    assert example_task(config) == {"chat": UNKNOWN_SAMPLE}


def test_special_key_names_get_matching_samples():
    task = example_task("""<View>
        <HyperText name="v" value="$video"/><HyperText name="p" value="$pdf"/>
        <HyperText name="w" value="$website"/><Text name="l" value="$longText"/>
        <TimeSeries name="ts" value="$headlessCsv"><Channel column="1"/></TimeSeries>
    </View>""")
    assert task["video"].startswith("<video ")
    assert PDF_URL in task["pdf"]
    assert task["website"].startswith("<iframe ")
    assert len(task["longText"]) > 1000
    assert parse_qs(urlsplit(task["headlessCsv"]).query)["headless"] == ["1"]


def test_time_series_json_sample_has_time_and_channel_columns_of_100_rows():
    task = example_task("""<View><TimeSeries name="ts" value="$ts" valueType="json" timeColumn="time">
        <Channel column="a"/><Channel column="b"/></TimeSeries></View>""")
    assert list(task["ts"]) == ["time", "a", "b"]
    assert task["ts"]["time"] == list(range(100))
    assert all(len(values) == 100 for values in task["ts"].values())


def test_time_series_url_sample_names_columns_and_its_csv_has_them():
    task = example_task("""<View><TimeSeries name="ts" value="$csv" valueType="url" timeColumn="time" sep=";"
        timeFormat="%Y-%m-%d"><Channel column="velocity"/></TimeSeries></View>""")
    url = urlsplit(task["csv"])
    query = {key: values[0] for key, values in parse_qs(url.query, keep_blank_values=True).items()}
    assert url.path == "/samples/time-series.csv"
    assert query == {"time": "time", "values": "velocity", "sep": ";", "tf": "%Y-%m-%d"}
    text = time_series_csv(query["time"], query["values"].split(","), query["sep"], query["tf"])
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["time", "velocity"]
    assert rows[1][0] == "2020-01-01" and len(rows) == 101


def test_headless_time_series_csv_puts_columns_at_their_positions():
    rows = list(csv.reader(io.StringIO(time_series_csv("0", ["2"], headless=True, rows=3))))
    assert len(rows) == 3 and all(len(row) == 3 for row in rows)
    assert [row[0] for row in rows] == ["0", "1", "2"]


def test_example_file_json_holds_two_copies():
    extension, content = example_file('<View><Text name="t" value="$text"/></View>', "json")
    task = example_task('<View><Text name="t" value="$text"/></View>')
    assert extension == "json"
    assert json.loads(content) == [task, task]


def test_example_file_tsv_has_header_and_two_rows():
    config = '<View><Text name="t" value="$text"/><Image name="i" value="$image"/></View>'
    extension, content = example_file(config, "tsv")
    lines = content.decode().splitlines()
    assert extension == "tsv"
    assert lines[0] == "text\timage" and len(lines) == 3


def test_example_file_txt_needs_one_data_key():
    with pytest.raises(ValueError, match="txt needs a config with one data key"):
        example_file('<View><Text name="a" value="$a"/><Text name="b" value="$b"/></View>', "txt")


def test_example_file_rejects_unknown_format():
    with pytest.raises(ValueError, match="unknown sample file format"):
        example_file('<View><Text name="a" value="$a"/></View>', "xlsx")


# -- the sample media shipped in assets/samples ----------------------------------------------------------------------


def sample_file(url):
    return ROOT / url.lstrip("/")


def test_sample_image_is_a_valid_png():
    data = sample_file(IMAGE_URL).read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) < 50_000
    width, height = struct.unpack(">II", data[16:24])
    chunks, position = {}, 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        crc = struct.unpack(">I", data[position + 8 + length:position + 12 + length])[0]
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        chunks[kind] = body
        position += 12 + length
    assert len(zlib.decompress(chunks[b"IDAT"])) == height * (1 + 3 * width)


def test_sample_audio_is_a_short_wav():
    path = sample_file(AUDIO_URL)
    assert path.stat().st_size < 50_000
    with wave.open(str(path)) as audio:
        assert audio.getnframes() / audio.getframerate() >= 1


def test_sample_pdf_and_text_exist():
    assert sample_file(PDF_URL).read_bytes().startswith(b"%PDF-")
    assert sample_file(f"{SAMPLES}/sample.txt").read_text().strip()
    assert "<html>" in sample_file(f"{SAMPLES}/sample.html").read_text()


def test_time_series_csv_takes_raw_query_values_safely():
    text = time_series_csv("", ["a", ""], sep="tab", time_format="%Q-not-a-format", rows=2)
    assert text.splitlines()[0] == "a" and len(text.splitlines()) == 3
