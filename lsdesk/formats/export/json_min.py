"""JSON_MIN: one flat record per completion: the task data, the task id, one key per control, who and when."""

import json

from lsdesk.formats.export.items import items


def files(tasks, config, media=None):
    yield "result.json", chunks(tasks, config)


def chunks(tasks, config):
    """A JSON list laid out as label-studio-converter writes it (two-space indent), one record per chunk."""
    first = True
    for item in items(tasks, config):
        text = json.dumps(record(item), indent=2, ensure_ascii=False)
        yield ("[\n  " if first else ",\n  ").encode() + _utf8(text.replace("\n", "\n  "))
        first = False
    yield b"[]" if first else b"\n]"


def record(item):
    """The task data, then `id`, one key per control with its prettified values, then the annotation fields."""
    out = dict(item.data)
    if item.task_id is not None:
        out["id"] = item.task_id
    for name, values in item.outputs.items():
        out[name] = prettify(values)
    out.update(item.completion_fields(keep_int=True))
    return out


def prettify(values):
    """A control's values made short: one plain Choices or TextArea value becomes its only string.

    A plain multi-choice value stays a dict ({"choices": [...]}); anything else is a list of the values
    without their `type`. A Choices/TextArea value that belongs to a region (per-region, so it repeats the
    region's geometry) is kept whole in that list, so it keeps its region.
    """
    out = [_short(value) for value in values]
    if len(out) == 1 and values[0]["type"] in ("Choices", "TextArea") and _is_plain(values[0]):
        return out[0]
    return out


# Keys a whole-object Choices/TextArea value may have; anything else means it sits on a region.
_PLAIN_KEYS = {"type", "choices", "text", "original_width", "original_height"}


def _is_plain(value):
    return value.keys() <= _PLAIN_KEYS


def _short(value):
    rest = {key: v for key, v in value.items() if key != "type"}
    key = {"Choices": "choices", "TextArea": "text"}.get(value["type"])
    if key is None or not _is_plain(value):
        return rest
    options = value.get(key)
    if isinstance(options, list) and len(options) == 1:
        return options[0]
    return rest


def _utf8(text):
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates from escaped input: write them escaped
        return text.encode("utf-8", "backslashreplace")
