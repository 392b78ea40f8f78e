"""Import items: turn each into a task {"data", "meta", "completions", "predictions"} or say why it is invalid.

The rules and messages are Label Studio 0.8's TaskValidator (ls08-api.md §5), plus Label Studio 1.x
export items (`annotations` become completions). Imports run to millions of items, so
make_task_validator does all per-config work once and the per-item path is a few dict lookups.
"""

import itertools
import reprlib

from lsdesk.config import root_data_key
from lsdesk.formats.regions import with_region_ids

NOT_A_TASK = 'Task root must be dict with "data", "meta", "completions", "predictions" fields'
UNDEFINED_KEY = "$undefined$"  # what txt and file uploads use when the data key is not known yet

# How the item was read, appended to data messages as 0.8 does, so the user sees which shape applied.
_FLAT_ITEM = " [assume: item as is = task root with values]"
_DATA_ITEM = ' [assume: item["data"] = task root with values]'

_STRING_OR_NUMBER = (str, int, float)
# Accepted data types by tag (0.8); any tag not listed takes a string.
_TYPES_BY_TAG = {
    "Text": _STRING_OR_NUMBER,
    "Header": _STRING_OR_NUMBER,
    "HyperText": (str,),
    "Image": (str,),
    "Paragraphs": (list,),
    "Table": (dict,),
    "TimeSeries": (dict, list, str),
    "List": (list,),  # Ranker's items; 0.8.2 wanted a string here, which no List can be
}
# Controls whose options come from task data (value="$options") read a list of option objects.
_DYNAMIC_OPTION_TAGS = frozenset({
    "Labels", "RectangleLabels", "PolygonLabels", "KeyPointLabels", "EllipseLabels", "BrushLabels",
    "HyperTextLabels", "ParagraphLabels", "TimeSeriesLabels", "Choices", "Taxonomy",
})
_TYPE_NAMES = {str: "a string", int: "a number", float: "a number", bool: "a boolean",
               list: "a list", dict: "a dict", type(None): "null"}

_MAX_ITEM_REPR = 200


class _ShortRepr(reprlib.Repr):
    """A bounded repr (a huge item costs no more than a small one) that keeps dict keys in their order."""

    def __init__(self):
        super().__init__()
        self.maxstring, self.maxother, self.maxdict, self.maxlist, self.maxlevel = 80, 80, 8, 8, 3

    def repr_dict(self, x, level):
        if not x:
            return "{}"
        if level <= 0:
            return "{...}"
        pieces = [f"{self.repr1(key, level - 1)}: {self.repr1(value, level - 1)}"
                  for key, value in itertools.islice(x.items(), self.maxdict)]
        if len(x) > self.maxdict:
            pieces.append("...")
        return "{" + ", ".join(pieces) + "}"


_short = _ShortRepr()


class TaskInvalid(ValueError):
    """One import item cannot become a task; the message says why (0.8 wording, no item prefix)."""


class MissingDataKey(TaskInvalid):
    """The item lacks a key the config reads; it keeps the key, the tags reading it and the keys the item has."""

    _MAX_KEYS_SHOWN = 10

    def __init__(self, message, key, tags, data):
        super().__init__(message)
        self.key = key
        self.tags = tags
        self.keys = list(itertools.islice(data, self._MAX_KEYS_SHOWN + 1))

    def present_keys(self):
        """`the item has "a", "b"` (at most ten named), or that it has none."""
        if not self.keys:
            return "the item has no keys"
        named = ", ".join(f'"{key}"' for key in self.keys[:self._MAX_KEYS_SHOWN])
        more = ", ..." if len(self.keys) > self._MAX_KEYS_SHOWN else ""
        return f"the item has {named}{more}"


def item_error(index, item, message):
    """The line an import reports for a bad item: what is wrong, then a short look at the item."""
    shown = _short.repr(item)
    if len(shown) > _MAX_ITEM_REPR:
        shown = shown[:_MAX_ITEM_REPR] + "..."
    return f"Error at item {index}: {message} :: {shown}"


def make_task_validator(config):
    """A function item -> task dict that raises TaskInvalid; `config` None checks the shape only."""
    check_data = _data_checker(config)

    def validate(item):
        if not isinstance(item, dict):
            raise TaskInvalid(NOT_A_TASK)
        if "data" in item:
            return _task_from_task_item(item, check_data)
        return {"data": check_data(item, _FLAT_ITEM), "meta": None, "completions": [], "predictions": []}

    return validate


def _task_from_task_item(item, check_data):
    data = item["data"]
    if data is None:
        raise TaskInvalid("Task is empty (None)")
    if not isinstance(data, dict):
        raise TaskInvalid("Task[data] must be dict")
    data = check_data(data, _DATA_ITEM)
    completions = _with_results(item, "completions", "Completion") + _with_results(item, "annotations", "Annotation")
    predictions = _with_results(item, "predictions", "Prediction")
    meta = item.get("meta")
    if meta is not None and not isinstance(meta, (dict, list)):
        raise TaskInvalid("Task[meta] must be dict or list")
    return {"data": data, "meta": meta, "completions": completions, "predictions": predictions}


def _with_results(item, field, noun):
    """The item's list under `field` (a new list), each entry a dict with a "result" list whose
    region items all have ids (an entry whose items had them is passed on as it was)."""
    entries = item.get(field)
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise TaskInvalid(f"Task[{field}] must be list")
    checked = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise TaskInvalid(f"{noun} must be dict")
        if "result" not in entry:
            raise TaskInvalid(f'{noun} must have "result" fields')
        result = entry["result"]
        if not isinstance(result, list):
            raise TaskInvalid(f'"result" field in {noun.lower()} must be list')
        with_ids = with_region_ids(result)
        checked.append(entry if with_ids is result else {**entry, "result": with_ids})
    return checked


def _data_checker(config):
    """check(data, assumption) -> data: the config's data rules, prepared once for every item."""
    if config is None or not config.data_keys:
        return _unchecked
    first_key = config.data_keys[0]
    fields = _required_fields(config)

    def check(data, assumption):
        if UNDEFINED_KEY in data:
            data = _with_undefined_moved(data, first_key)
        for key, root, types, tags in fields:
            try:
                value = data[key]
            except KeyError:
                if root is not None and root in data:
                    continue  # a path such as "item.text": the frontend looks inside data["item"]
                raise MissingDataKey(f'"{key}" key is expected in task data{assumption}', key, tags, data) from None
            if not isinstance(value, types):
                raise TaskInvalid(_wrong_type(key, value, types, tags))
        return data

    return check


def _unchecked(data, assumption):
    return data


def _with_undefined_moved(data, first_key):
    """A copy of data with the "$undefined$" value under the config's first data key (as 0.8 does)."""
    moved = dict(data)
    moved[first_key] = moved.pop(UNDEFINED_KEY)
    return moved


def _required_fields(config):
    """(key, top-level key of a path or None, accepted types, tag names) per data key, in config order."""
    types_by_key = {}
    tags_by_key = {}
    for ref in config.data_refs:
        types_by_key.setdefault(ref.key, set()).update(_accepted_types(ref))
        tags_by_key.setdefault(ref.key, []).append(ref.tag)
    return tuple(
        (key, root_data_key(key), _ordered_types(types_by_key[key]), "/".join(dict.fromkeys(tags_by_key[key])))
        for key in config.data_keys
    )


def _accepted_types(ref):
    if ref.attribute == "valueList" or ref.tag in _DYNAMIC_OPTION_TAGS:
        return (list,)
    types = _TYPES_BY_TAG.get(ref.tag, (str,))
    if (ref.value_type or "").lower() == "url":
        return (*types, str)  # Paragraphs or Table loaded from a URL
    return types


def _ordered_types(types):
    """A fixed order, so messages read the same on every run."""
    return tuple(t for t in (str, int, float, list, dict) if t in types)


def _wrong_type(key, value, types, tags):
    *others, last = dict.fromkeys(_TYPE_NAMES[t] for t in types)
    expected = f"{', '.join(others)} or {last}" if others else last
    return f'data["{key}"] is {_TYPE_NAMES.get(type(value), type(value).__name__)}, but {tags} expects {expected}'
