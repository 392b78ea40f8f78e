"""Sample task data for a labeling config (the import-example helpers): one sample value per data key, by tag.

`example_task` gives the data of one task that the config can show; `example_file` writes two copies of it as a
json, csv, tsv or txt import file; `time_series_csv` makes the CSV that a url-valued TimeSeries sample points at
(served at TIME_SERIES_PATH by the HTTP layer). Media samples ship in assets/samples (the video:
a 2 s, 24 frame/s WebM with a tone, made with ffmpeg's test source).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from lxml import etree

from lsdesk.config import LabelConfig, parse_config

SAMPLES = "/assets/samples"
IMAGE_URL = f"{SAMPLES}/sample.png"
AUDIO_URL = f"{SAMPLES}/sample.wav"
PDF_URL = f"{SAMPLES}/sample.pdf"
TEXT_URL = f"{SAMPLES}/sample.txt"
HTML_URL = f"{SAMPLES}/sample.html"
VIDEO_URL = f"{SAMPLES}/sample.webm"
WEBSITE_URL = "https://example.com/"
TIME_SERIES_PATH = "/samples/time-series.csv"
TIME_SERIES_ROWS = 100
UNKNOWN_SAMPLE = "Something"  # what Label Studio 0.8 gave tags it had no sample for

SENTENCES = [  # the first Text key gets the first, a second Text key the next (so pairs differ)
    "The quick brown fox jumps over the lazy dog while the cat watches from the fence.",
    "Our flight to Oslo was delayed by two hours, but the crew handled it calmly and kindly.",
    "The new library opens on Saturday with a reading by a local author and free coffee.",
    "Heavy rain is expected in the north tomorrow, so the marathon may start an hour later.",
]
HEADER = "Sample header"
HTML_SNIPPET = (
    "<div><h3>Sample article</h3>"
    "<p>Acme Corporation opened a new office in Lisbon on Monday, led by Maria Silva.</p>"
    "<p>The team plans to hire <b>forty</b> engineers by the end of the year.</p></div>"
)
LONG_TEXT = "\n\n".join([
    "This is a long sample text, meant to show how a config with a scrolling text area behaves. "
    "Read it, select spans, and label them as the config allows.",
    "Lorem-free filler follows. The river ran past the old mill, where the miller counted sacks of flour "
    "every morning before the carts arrived from the valley. Nobody remembered when the wheel was built, "
    "but everyone knew the sound it made when the water was high.",
    "In spring the carts came twice a day. In summer they came once, and in autumn the miller walked to the "
    "market himself, carrying news from the hills and bringing back salt, nails and newspapers.",
    "By winter the mill was quiet. The miller mended sacks, oiled the gears and wrote letters to his sister, "
    "who had moved to the city years ago and sent back postcards of tall buildings and crowded trams.",
] * 3)
PARAGRAPHS = [
    ("Alice", "Hi! Did the new labeling tool arrive?"),
    ("Bob", "Yes, it was installed this morning."),
    ("Alice", "Great, let's try it on the sample tasks."),
]
TABLE = {"name": "Ada Lovelace", "born": 1815, "field": "Mathematics", "known for": "Analytical Engine notes"}
LIST_ITEMS = [
    {"id": "item-1", "title": "First result", "body": "A short description of the first result."},
    {"id": "item-2", "title": "Second result", "body": "A short description of the second result."},
    {"id": "item-3", "title": "Third result", "body": "A short description of the third result."},
]
OPTIONS = [{"value": "Option A"}, {"value": "Option B"}, {"value": "Option C"}]

_ONE_VARIABLE = re.compile(r"\$([^\s$]+)")

# Controls that can take their options from task data (value="$key").
_OPTION_CONTROLS = frozenset({
    "labels", "rectanglelabels", "polygonlabels", "keypointlabels", "ellipselabels", "brushlabels",
    "hypertextlabels", "paragraphlabels", "timeserieslabels", "choices", "taxonomy",
})


@dataclass
class _Source:
    """The config element a data key comes from: its tag (lower case), attributes (names in lower case), channels."""

    tag: str
    attributes: dict = field(default_factory=dict)
    channels: list = field(default_factory=list)
    from_value_list: bool = False
    ordinal: int = 0  # how many earlier data keys come from the same tag

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attributes.get(name.lower(), default)


def example_task(config: LabelConfig | str) -> dict:
    """One sample task's data for the config: {data key: sample value} in the config's key order."""
    config = _as_config(config)
    sources = _sources_by_key(config)
    data = {key: _sample(key, sources[key]) for key in config.data_types}
    for key in _audio_url_keys(sources.values()):
        data.setdefault(key, AUDIO_URL)
    for key in _video_keys(config):
        data[key] = VIDEO_URL  # a Video and an Audio of one key (sync): the video file serves both
    return data


def example_file(config: LabelConfig | str, q: str) -> tuple[str, bytes]:
    """(extension, content) of an import file with two copies of the sample task; q is json, csv, tsv or txt."""
    writers = {"json": _json_file, "csv": _delimited_file, "tsv": _delimited_file, "txt": _text_file}
    if q not in writers:
        raise ValueError(f"unknown sample file format {q!r}: use json, csv, tsv or txt")
    tasks = [example_task(config)] * 2
    return q, writers[q](tasks, q)


def time_series_csv(time_column: str | None, value_columns: list[str], sep: str = ",",
                    time_format: str | None = None, headless: bool = False, rows: int = TIME_SERIES_ROWS) -> str:
    """A CSV of sample signals: a time column (when named) and one wave per value column.

    Headless: no header row; columns named by 0-based position (`timeColumn="0"`, `column="1"`) go to that
    position, other names in their order. Empty column names are ignored; a separator that is not one
    character becomes ",". Safe to call with the query parameters of a TIME_SERIES_PATH URL as they come.
    """
    value_columns = [column for column in value_columns if column]
    columns = ([time_column] if time_column else []) + value_columns
    series = _time_series_columns(time_column, value_columns, time_format, rows)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=sep if sep and len(sep) == 1 else ",", lineterminator="\n")
    if headless:
        writer.writerows(_headless_rows(columns, series, rows))
    else:
        writer.writerow(columns)
        writer.writerows(zip(*(series[column] for column in columns)))
    return out.getvalue()


def _headless_rows(columns: list[str], series: dict, rows: int) -> list[list]:
    """Rows without a header: each column's values at its position (0 where no column is placed)."""
    positions = ([int(c) for c in columns] if all(c.isdigit() for c in columns)
                 else list(range(len(columns))))
    width = max(positions, default=-1) + 1
    table = []
    for index in range(rows):
        row = [0] * width
        for position, column in zip(positions, columns):
            row[position] = series[column][index]
        table.append(row)
    return table


# -- one sample per tag --------------------------------------------------------------------------------------------


def _sample(key: str, source: _Source) -> object:
    """The sample value for one data key: special key names first, then the tag's sample."""
    special = _special_key_sample(key, source)
    if special is not None:
        return special
    if source.tag in _OPTION_CONTROLS:
        return [dict(option) for option in OPTIONS]
    if source.from_value_list:
        return [IMAGE_URL, IMAGE_URL]
    sample = _TAG_SAMPLES.get(source.tag)
    return sample(source) if sample else UNKNOWN_SAMPLE


def _special_key_sample(key: str, source: _Source) -> object | None:
    """Keys that Label Studio's examples name on purpose get a matching sample (only for the tag they suit)."""
    if source.tag == "hypertext":
        snippets = {
            "video": f'<video src="{VIDEO_URL}" controls width="100%"></video>',
            "pdf": f'<embed src="{PDF_URL}" type="application/pdf" width="100%" height="600px">',
            "website": f'<iframe src="{WEBSITE_URL}" width="100%" height="600px"></iframe>',
        }
        return snippets.get(key)
    if key == "longText" and source.tag == "text":
        return LONG_TEXT
    if key == "headlessCsv" and source.tag == "timeseries":
        return _time_series_url(source, headless=True)
    return None


def _text(source: _Source) -> str:
    return TEXT_URL if _value_type(source) == "url" else SENTENCES[source.ordinal % len(SENTENCES)]


def _hypertext(source: _Source) -> str:
    return HTML_URL if _value_type(source) == "url" else HTML_SNIPPET


def _paragraphs(source: _Source) -> list:
    name_key = source.get("nameKey", "author")
    text_key = source.get("textKey", "text")
    return [{name_key: name, text_key: text} for name, text in PARAGRAPHS]


def _time_series(source: _Source) -> object:
    if _value_type(source) == "json":
        time_column = source.get("timeColumn")
        return _time_series_columns(time_column, source.channels, source.get("timeFormat"), TIME_SERIES_ROWS)
    return _time_series_url(source, headless=False)


_TAG_SAMPLES = {
    "text": _text,
    "header": lambda source: HEADER,
    "hypertext": _hypertext,
    "image": lambda source: IMAGE_URL,
    "audio": lambda source: AUDIO_URL,
    "audioplus": lambda source: AUDIO_URL,
    "video": lambda source: VIDEO_URL,
    "pdf": lambda source: PDF_URL,
    "paragraphs": _paragraphs,
    "table": lambda source: dict(TABLE),
    "list": lambda source: [dict(item) for item in LIST_ITEMS],
    "timeseries": _time_series,
}


def _value_type(source: _Source) -> str:
    """The object's valueType; TimeSeries defaults to url, everything else to inline data."""
    default = "url" if source.tag == "timeseries" else "text"
    return (source.get("valueType") or default).lower()


# -- time series ---------------------------------------------------------------------------------------------------


def _time_series_url(source: _Source, headless: bool) -> str:
    """The TIME_SERIES_PATH URL whose CSV has the time column and channels this TimeSeries reads."""
    time_column = source.get("timeColumn") or ""
    columns = source.channels
    headless = headless or _is_headless(time_column, columns)
    query = {"time": time_column, "values": ",".join(columns), "sep": source.get("sep", ","),
             "tf": source.get("timeFormat") or ""}
    if headless:
        query["headless"] = "1"
    return f"{TIME_SERIES_PATH}?{urlencode(query)}"


def _is_headless(time_column: str, columns: list[str]) -> bool:
    """Columns named by their position (`0`, `1`, ...) mean a CSV without a header row."""
    named = [c for c in [time_column, *columns] if c]
    return bool(named) and all(c.isdigit() for c in named)


def _time_series_columns(time_column: str | None, value_columns: list[str], time_format: str | None,
                         rows: int) -> dict:
    """{column: values}: the time column (numbers, or dates one day apart when time_format is set), then waves."""
    columns = {}
    if time_column:
        columns[time_column] = _times(time_format, rows)
    for number, column in enumerate(value_columns):
        columns[column] = [round(math.sin(index / (6 + 3 * number)) * (number + 1) + number, 4)
                           for index in range(rows)]
    return columns


def _times(time_format: str | None, rows: int) -> list:
    """0..rows-1, or formatted dates from 2020-01-01 when a strftime format is given and works."""
    if time_format:
        start = datetime.datetime(2020, 1, 1)
        try:
            return [(start + datetime.timedelta(days=index)).strftime(time_format) for index in range(rows)]
        except ValueError:
            pass
    return list(range(rows))


# -- reading the config --------------------------------------------------------------------------------------------


def _as_config(config: LabelConfig | str) -> LabelConfig:
    return parse_config(config) if isinstance(config, str) else config


def _sources_by_key(config: LabelConfig) -> dict[str, _Source]:
    """For every data key, the element whose tag `data_types` reports (the last one, as data_types keeps)."""
    found: dict[str, _Source] = {}
    for element in _elements(config.xml):
        attributes = {str(name).lower(): value for name, value in element.attrib.items()}
        for attribute in ("value", "valuelist"):
            key = _variable(attributes.get(attribute))
            if key is not None and config.data_types.get(key, "").lower() == element.tag.lower():
                found[key] = _Source(element.tag.lower(), attributes, _channels(element), attribute == "valuelist")
    sources: dict[str, _Source] = {}
    for key, tag in config.data_types.items():
        source = found.get(key) or _Source(tag.lower())
        source.ordinal = sum(1 for earlier in sources.values() if earlier.tag == source.tag)
        sources[key] = source
    return sources


def _channels(element) -> list[str]:
    """The `column` of each Channel inside a TimeSeries element."""
    return [child.get("column") for child in element
            if isinstance(child.tag, str) and child.tag.lower() == "channel" and child.get("column")]


def _video_keys(config: LabelConfig) -> list[str]:
    """Data keys a Video shows."""
    return [key for element in _elements(config.xml) if element.tag.lower() == "video"
            for key in [_variable(element.get("value"))] if key in config.data_types]


def _audio_url_keys(sources) -> list[str]:
    """Data keys named by Paragraphs' audioUrl="$key" (not data keys of the config, but the player reads them)."""
    keys = (_variable(source.get("audioUrl")) for source in sources if source.tag == "paragraphs")
    return [key for key in keys if key]


def _variable(value: str | None) -> str | None:
    """`key` for an attribute that is exactly one `$key`, else None."""
    match = _ONE_VARIABLE.fullmatch(value) if value else None
    return match.group(1) if match else None


def _elements(xml: str):
    """Every element of the config, in document order (comments and processing instructions left out)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, encoding="utf-8")
    root = etree.fromstring(xml.encode("utf-8", "surrogatepass"), parser)
    return (element for element in root.iter() if isinstance(element.tag, str))


# -- sample files --------------------------------------------------------------------------------------------------


def _json_file(tasks: list[dict], q: str) -> bytes:
    return json.dumps(tasks, ensure_ascii=False, indent=2).encode("utf-8")


def _delimited_file(tasks: list[dict], q: str) -> bytes:
    """Header of data keys, one row per task; lists and dicts are written as JSON text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t" if q == "tsv" else ",", lineterminator="\n")
    keys = list(tasks[0])
    writer.writerow(keys)
    for task in tasks:
        writer.writerow([_cell(task[key]) for key in keys])
    return out.getvalue().encode("utf-8")


def _text_file(tasks: list[dict], q: str) -> bytes:
    """One line per task; only a config with exactly one data key can be imported this way."""
    if len(tasks[0]) != 1:
        raise ValueError("txt needs a config with one data key")
    lines = [" ".join(str(_cell(value)).split()) for task in tasks for value in task.values()]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cell(value: object) -> object:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value
