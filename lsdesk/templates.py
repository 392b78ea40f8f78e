"""The template gallery: Label Studio's own configs, shipped in assets/templates/ (Apache-2.0, see its README),
each with a title, a category, the tags it uses and a sample task for the Setup page's preview.

A 0.8 example's config is the text after its leading comment line (as 0.8's setup page offered it), its
title and category come from that comment and its sample is the first task of its tasks.json; a 1.x
template's config is the XML up to its last `</View>`, its sample the JSON comment after it. Sample values
lsdesk cannot show offline (web URLs, Label Studio's /static/ files) become lsdesk's own samples.
"""

import functools
import json
import re

from lsdesk.config import parse_config
from lsdesk.formats.examples import example_task
from lsdesk.resources import ASSETS

FOLDER = ASSETS / "templates"

# Label Studio 0.8's categories and 1.x's groups, as one list of shelves.
CATEGORIES = {
    "image": "Images", "computer-vision": "Images",
    "text": "Text", "natural-language-processing": "Text",
    "audio": "Audio", "audio-speech-processing": "Audio",
    "videos": "Video",
    "time-series": "Time series", "time-series-analysis": "Time series",
    "html": "HTML and documents", "structured-data-parsing": "HTML and documents",
    "ranking-and-scoring": "Ranking and scoring",
    "per-region": "Per-region labeling", "nested": "Nested choices", "layouts": "Layouts",
    "community-contributions": "Community", "other": "Other",
}
SOURCES = {"v08": "Label Studio 0.8", "v1": "Label Studio 1.x"}
_OFFLINE_MISSING = re.compile(r"^(https?:)?//|^/?static/", re.IGNORECASE)
_TAG = re.compile(r"<([A-Z][A-Za-z]*)[\s/>]")


@functools.cache
def gallery():
    """Every template, 0.8's first, each {id, title, category, source, tags, config, data}."""
    return [template(path) for path in sorted(FOLDER.glob("*.xml"), key=lambda p: (p.name.split(".")[0] != "v08", p.name))]


def template(path):
    text = path.read_text(encoding="utf-8")
    parts = path.name.removesuffix(".xml").split(".")
    source = parts[0]
    if source == "v08":
        head, _, config = text.partition("-->")
        about = json.loads(head.strip().removeprefix("<!--"))
        title, group = about["title"], about["category"]
        config = config.lstrip("\n")
        tasks = path.with_name(path.name.removesuffix(".xml") + ".tasks.json")
        sample = _first_task(json.loads(tasks.read_text(encoding="utf-8"))) if tasks.exists() else {}
    else:
        group, name = parts[1], parts[2]
        title = name.replace("-", " ").capitalize()
        end = text.rindex("</View>") + len("</View>")
        config = text[:end].strip() + "\n"
        sample = _trailing_sample(text[end:])
    parsed = parse_config(config)
    return {
        "id": "/".join(parts),
        "title": title,
        "category": CATEGORIES.get(group, "Other"),
        "source": SOURCES[source],
        "tags": sorted(set(_TAG.findall(config)) - {"View"}),
        "config": config,
        "data": sample_data(sample, example_task(parsed)),
    }


def sample_data(sample, example):
    """The template's own sample values where lsdesk can show them offline, lsdesk's samples elsewhere."""
    data = {}
    for key, fallback in example.items():
        value = sample.get(key)
        data[key] = fallback if value is None or _needs_network(value) else value
    return data


def _needs_network(value):
    if isinstance(value, str):
        return bool(_OFFLINE_MISSING.match(value.strip()))
    if isinstance(value, list):
        return any(_needs_network(each) for each in value)
    return False


def _first_task(tasks):
    first = tasks[0] if isinstance(tasks, list) and tasks else tasks
    data = first.get("data") if isinstance(first, dict) else None
    return data if isinstance(data, dict) else {}


def _trailing_sample(text):
    """The data of the JSON sample in a comment after the config (a task, or its data alone), else {}."""
    for comment in re.findall(r"<!--(.*?)-->", text, re.DOTALL):
        try:
            found = json.loads(comment)
        except json.JSONDecodeError:
            continue
        if isinstance(found, dict):
            return found["data"] if isinstance(found.get("data"), dict) else found
    return {}
