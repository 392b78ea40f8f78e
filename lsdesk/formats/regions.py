"""Region ids for result items that came without one (many ML backends and scripts send none).

Label Studio 1.x gives every result item an `id`; the editor lists, draws and deletes regions by
it. Id-less items that share a place (same `to_name`, equal `value` apart from the answer) are one
region and share an id, as a box's labels and its per-region text do; an item with no place (a
whole-task classification) gets an id of its own. Relations have no id and are left as they are.
The editor applies the same rule on load (withRegionIds in assets/editor/store.js): keep the two in step.
"""

import secrets

# Keys of an item's `value` that hold its answer, not its place: the key named by its type,
# "text" (a span's text, or a TextArea's answer), and a per-item "score" some backends send.
_ANSWER_KEYS = ("text", "score")


def new_region_id():
    """A 10-character random id in Label Studio's alphabet (letters, digits, "_" and "-")."""
    return secrets.token_urlsafe(8)[:10]


def lacks_id(item):
    """Whether a result item is a region's item without an id (relations never have one)."""
    return isinstance(item, dict) and item.get("id") in (None, "") and item.get("type") != "relation"


def with_region_ids(result):
    """`result` itself when no item lacks an id; else a new list in which each id-less item is a
    copy with an id first. Items that have an id, and relations, are the same objects as before."""
    for item in result:  # the common case, every item with its id, costs one quick pass and no copy
        if not (type(item) is dict and item.get("id")) and lacks_id(item):
            break
    else:
        return result
    open_regions = {}  # (to_name, place) -> (id, from_names already in that region)
    out = []
    for item in result:
        if not lacks_id(item):
            out.append(item)
            continue
        place = region_place(item)
        if place is None:
            out.append(_with_id(item, new_region_id()))
            continue
        key = (_frozen(item.get("to_name")), place)
        control = _frozen(item.get("from_name"))
        region = open_regions.get(key)
        if region is None or control in region[1]:
            region = open_regions[key] = (new_region_id(), set())
        region[1].add(control)
        out.append(_with_id(item, region[0]))
    return out


def _with_id(item, region_id):
    """A copy of `item` with `region_id` first (replacing an empty or null "id" it came with)."""
    return {"id": region_id, **{key: part for key, part in item.items() if key != "id"}}


def region_place(item):
    """The item's place as a hashable value (its `value` without the answer), or None if it has none."""
    value = item.get("value")
    if not isinstance(value, dict):
        return None
    answer = (item.get("type"), *_ANSWER_KEYS)
    place = tuple(sorted((key, _frozen(part)) for key, part in value.items() if key not in answer))
    return place or None


def _frozen(value):
    """A hashable copy of a JSON value; equal JSON values (1 and 1.0 too) give equal copies."""
    if isinstance(value, dict):
        return ("{}", tuple(sorted((key, _frozen(part)) for key, part in value.items())))
    if isinstance(value, list):
        return ("[]", tuple(_frozen(part) for part in value))
    return value
