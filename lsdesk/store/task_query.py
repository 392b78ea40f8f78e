"""The task browser's query language turned into SQL: a filter (fields, ops, values, and/or), full-text search
words and an order become one condition on `tasks` and its order as index-ordered runs (pure functions, no
connection).

Conditions are written so SQLite can use the indexes that exist for them: state through the completion
counters and their partial indexes, scores through tasks.score, agreement through the disagreements table.
"""

import json
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

from lsdesk.errors import LsdeskError
from lsdesk.store.schema import SEARCH_TEXT
from lsdesk.store.search_tail import tokens

MAX_FILTER_ITEMS = 50
_SQLITE_INTEGERS = 1 << 63
# Tasks past this mark are not in the full-text index yet (imports write nothing to it; a background indexer
# catches up): a search reads their text one by one, matching as the index would (store/search_tail.py).
SEARCH_MARK = "(SELECT value FROM counters WHERE name = 'search_indexed')"
# A task whose stored data is ASCII (as many bytes as characters) can only match when its lower-cased text
# holds every folded search token: checked in SQL first, the search text is built for far fewer tasks.
_ASCII_DATA = "length(CAST(tasks.data AS BLOB)) = length(tasks.data)"
MAX_ID_LIST = 100_000
_STATES = {
    "labeled": "tasks.completions > tasks.cancelled",
    "unlabeled": "tasks.completions = 0",
    "skipped": "tasks.cancelled > 0",
    "has_draft": "tasks.id IN (SELECT task_id FROM drafts)",
}
# A task's agreement: the disagreement table's score, or 1 when two or more completions agree.
AGREEMENT = ("coalesce((SELECT d.score FROM disagreements AS d WHERE d.task_id = tasks.id), "
             "CASE WHEN tasks.completions - tasks.cancelled >= 2 THEN 1.0 END)")
# Orders as runs of tasks ("segments"), each read through an index of its own and concatenated: the first
# page of any of them is a few index steps, never a sort of the whole table. name -> (ascending segments);
# a segment is (which tasks, sort key columns); descending reverses the segments and each key.
_SEGMENTS = {
    "id": [("1", ("tasks.id",))],
    "created_at": [("1", ("tasks.created_at", "tasks.id"))],
    "total_annotations": [("tasks.completions = 0", ("tasks.id",)),
                          ("tasks.completions > 0", ("tasks.completions", "tasks.id"))],
    "cancelled_annotations": [("tasks.cancelled = 0", ("tasks.id",)),
                              ("tasks.cancelled > 0", ("tasks.cancelled", "tasks.id"))],
    "total_predictions": [("1", ("(SELECT count(*) FROM predictions AS p WHERE p.task_id = tasks.id)", "tasks.id"))],
    "predictions_score": [("tasks.score IS NULL", ("tasks.id",)),
                          ("tasks.score IS NOT NULL", ("tasks.score", "tasks.id"))],
    # No agreement (fewer than two annotators), the disagreeing tasks by score, then full agreement.
    "agreement": [("tasks.completions - tasks.cancelled < 2", ("tasks.id",)),
                  ("tasks.id IN (SELECT task_id FROM disagreements)", (AGREEMENT, "tasks.id")),
                  ("tasks.completions >= 2 AND tasks.completions - tasks.cancelled >= 2 "
                   "AND tasks.id NOT IN (SELECT task_id FROM disagreements)", ("tasks.id",))],
}
# 0.8's orders: the labeled tasks in the order asked for, then the unlabeled ones by id in either direction.
_LABELED_FIRST = {
    "completed_at": ("tasks.completed_at", "tasks.id"),
    "has_cancelled_completions": ("tasks.cancelled", "tasks.completed_at", "tasks.id"),
}
ORDER_NAMES = ("id", "created_at", "completed_at", "has_cancelled_completions", "total_annotations",
               "cancelled_annotations", "total_predictions", "predictions_score", "agreement", "data.<key>")
# (field, or the prefix of a field family) -> its ops
FIELD_OPS = {
    "id": ("equal", "in", "between"),
    "data.": ("contains", "not_contains", "equal", "not_equal", "less", "greater", "between", "empty"),
    "state": ("equal",),
    "completions.": ("has", "any"),
    "predictions.": ("has", "any"),
    "annotator": ("equal",),
    "prediction_score": ("less", "greater", "between"),
    "model_version": ("equal",),
    "agreement": ("less", "greater", "between"),
    "disagreement": ("equal",),
    "created_at": ("less", "greater", "between"),
    "completed_at": ("less", "greater", "between"),
    "media_missing": ("equal",),
}


class QueryInvalid(LsdeskError):
    """A filter, search or order that cannot be run: a 400 naming the item, its field and what is allowed."""

    def __init__(self, message, item=None, field=None):
        super().__init__(message)
        self.item, self.field = item, field

    def body(self):
        extra = {"item": self.item, "field": self.field} if self.item is not None else {}
        return {**super().body(), **extra}


@dataclass(frozen=True)
class TaskQuery:
    """A condition on `tasks` and an ORDER BY, each with its parameters; `search` says whether it reads the
    full-text index (and the tasks past it: `unindexed`)."""

    where: str = "1"
    params: tuple = ()
    segments: tuple = (("1", "tasks.id"),)  # (which tasks, ORDER BY) runs, read one after the other
    order_params: tuple = ()
    match: str | None = None  # the FTS5 query of the search words
    unindexed: str = "0"  # the search's condition on the tasks past the index (unindexed_match)
    unindexed_params: tuple = ()
    filter_where: str = "1"  # `where` without the search
    filter_params: tuple = ()

    @property
    def search(self):
        return self.match is not None

    @property
    def found_ids(self):
        """(SQL selecting the ids the search words match, indexed then not yet indexed, its parameters)."""
        return ("SELECT rowid AS id FROM tasks_fts WHERE tasks_fts MATCH ? "
                f"UNION ALL SELECT tasks.id FROM tasks WHERE {self.unindexed}", (self.match, *self.unindexed_params))

    @property
    def filtered(self):
        return self.where != "1"


def task_query(filter_spec=None, search=None, order="id"):
    """The TaskQuery of a parsed filter ({"conjunction", "items"} or None), search words and an order name."""
    filter_where, filter_params = filter_condition(filter_spec)
    where, params = filter_where, filter_params
    words = search_words(search or "")
    match = search_expression(search or "")
    segments, order_params = order_segments(order)
    query = TaskQuery(where, params, segments, order_params, filter_where=filter_where, filter_params=filter_params)
    if not match:
        return query
    unindexed, unindexed_params = unindexed_match(words)
    query = replace(query, match=match, unindexed=unindexed, unindexed_params=unindexed_params)
    # Read row by row (an export or a bulk action goes through the tasks in id order), the tasks past the
    # index are matched as they come: a union of every match would be made again for each run of ids.
    return replace(query, where=f"({where}) AND (tasks.id IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ?) "
                                f"OR ({unindexed}))", params=(*params, match, *unindexed_params))


def search_words(text):
    """The words of a search: what FTS5's unicode61 tokenizer keeps (letters and digits), at most 32."""
    return re.findall(r"[^\W_]+", text)[:32]


def unindexed_match(words):
    """(condition, parameters) selecting the tasks past the full-text index that the search words match."""
    folded = sorted({token for word in words for token in tokens(word)})
    holds_tokens = " AND ".join(["instr(lower(tasks.data), ?)"] * len(folded)) or "1"
    return (f"tasks.id > {SEARCH_MARK} AND (NOT {_ASCII_DATA} OR ({holds_tokens})) "
            f"AND search_tail_match({SEARCH_TEXT.format(data='tasks.data')}, ?)", (*folded, json.dumps(words)))


def search_expression(text):
    """An FTS5 query where every word must match (the last as a prefix), or None when there are no words.

    Each word is quoted, so nothing a user types (quotes, `*`, `-`, NEAR, AND) is read as query syntax.
    """
    words = search_words(text)
    if not words:
        return None
    return " ".join(f'"{word}"' for word in words) + "*"


def order_segments(order):
    """((which tasks, ORDER BY) per segment, ORDER BY parameters) of an order name, `-` first for descending;
    ties go by id in the same direction."""
    if not isinstance(order, str) or not order:
        raise QueryInvalid(f"Unknown order {order!r}; use one of {list(ORDER_NAMES)}, '-' first for descending")
    descending = order.startswith("-")
    name = order[1:] if descending else order
    direction = " DESC" if descending else ""
    if name in _LABELED_FIRST:
        labeled = ", ".join(key + direction for key in _LABELED_FIRST[name])
        return (("tasks.completions > 0", labeled), ("tasks.completions = 0", "tasks.id")), ()
    if name in _SEGMENTS:
        segments = _SEGMENTS[name][::-1] if descending else _SEGMENTS[name]
        return tuple((which, ", ".join(key + direction for key in keys)) for which, keys in segments), ()
    if name.startswith("data.") and len(name) > 5:
        return (("1", f"json_extract(tasks.data, ?){direction}, tasks.id{direction}"),), (data_path(name[5:]),)
    raise QueryInvalid(f"Unknown order {order!r}; use one of {list(ORDER_NAMES)}, '-' first for descending")


def data_path(key):
    """The JSON path of a top-level data key, quoted so any key (dots, spaces, quotes) names itself."""
    return "$." + json.dumps(key)


def filter_condition(filter_spec):
    """(SQL condition, parameters) of a filter; QueryInvalid names what is wrong."""
    if filter_spec is None:
        return "1", ()
    if not isinstance(filter_spec, dict):
        raise QueryInvalid('filter must be a JSON object {"conjunction": "and"|"or", "items": [...]}')
    unknown = sorted(set(filter_spec) - {"conjunction", "items"})
    if unknown:
        raise QueryInvalid(f"filter has unknown keys {unknown}; it takes conjunction and items")
    conjunction = filter_spec.get("conjunction", "and")
    if conjunction not in ("and", "or"):
        raise QueryInvalid(f'filter conjunction must be "and" or "or", got {conjunction!r}')
    items = filter_spec.get("items", [])
    if not isinstance(items, list):
        raise QueryInvalid("filter items must be a list of {field, op, value}")
    if len(items) > MAX_FILTER_ITEMS:
        raise QueryInvalid(f"filter has {len(items)} items; at most {MAX_FILTER_ITEMS}")
    if not items:
        return "1", ()
    terms, params = [], []
    for index, item in enumerate(items):
        sql, item_params = _item_condition(index, item)
        terms.append(f"({sql})")
        params += item_params
    return f" {conjunction.upper()} ".join(terms), tuple(params)


def _item_condition(index, item):
    if not isinstance(item, dict) or not isinstance(item.get("field"), str) or not isinstance(item.get("op"), str):
        raise QueryInvalid(f'filter item {index} must be an object {{"field": ..., "op": ..., "value": ...}} '
                           "with field and op strings", item=index)
    field, op, value = item["field"], item["op"], item.get("value")
    family = _family(field)
    if family is None:
        raise QueryInvalid(f"filter item {index}: unknown field {field!r}; use one of "
                           f"{[name + '<key>' if name.endswith('.') else name for name in FIELD_OPS]}",
                           item=index, field=field)
    if op not in FIELD_OPS[family]:
        raise QueryInvalid(f"filter item {index} (field {field!r}): op {op!r} is not allowed; use one of "
                           f"{list(FIELD_OPS[family])}", item=index, field=field)
    check = _ValueCheck(index, field, op, value)
    return _CONDITIONS[family](check, field[len(family):] if family.endswith(".") else field, op, value)


def _family(field):
    if field in FIELD_OPS and not field.endswith("."):
        return field
    for prefix in ("data.", "completions.", "predictions."):
        if field.startswith(prefix) and len(field) > len(prefix):
            return prefix
    return None


class _ValueCheck:
    """Checks an item's value, raising QueryInvalid that names the item, its field and what it takes."""

    def __init__(self, index, field, op, value):
        self.index, self.field, self.op, self.value = index, field, op, value

    def fail(self, wanted):
        raise QueryInvalid(f"filter item {self.index} (field {self.field!r}, op {self.op!r}): value must be "
                           f"{wanted}, got {json.dumps(self.value)}", item=self.index, field=self.field)

    def number(self, value=None, integer=False):
        value = self.value if value is None else value
        kinds = (int,) if integer else (int, float)
        if not isinstance(value, kinds) or isinstance(value, bool):
            self.fail("an integer" if integer else "a number")
        if isinstance(value, int) and not -_SQLITE_INTEGERS <= value < _SQLITE_INTEGERS:
            self.fail("a number SQLite can hold (a 64-bit integer)")
        return value

    def pair(self, convert):
        """[lo, hi] where either may be null; converted by `convert`."""
        if not isinstance(self.value, list) or len(self.value) != 2 or self.value == [None, None]:
            self.fail("[low, high] (either may be null, not both)")
        return [None if part is None else convert(part) for part in self.value]

    def boolean(self):
        if not isinstance(self.value, bool):
            self.fail("true or false")
        return self.value

    def text(self):
        if not isinstance(self.value, str):
            self.fail("a string")
        return self.value

    def moment(self, part, end):
        """Unix seconds of an ISO date or datetime; a date's end is the start of the next day."""
        if not isinstance(part, str):
            self.fail("an ISO date or datetime (2024-05-31 or 2024-05-31T12:00:00Z), or [from, to]")
        try:
            if len(part) == 10:
                day = date.fromisoformat(part) + timedelta(days=int(end))
                return int(datetime(day.year, day.month, day.day, tzinfo=timezone.utc).timestamp())
            moment = datetime.fromisoformat(part)
        except ValueError:
            self.fail("an ISO date or datetime (2024-05-31 or 2024-05-31T12:00:00Z), or [from, to]")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return moment.timestamp()


def _range(check, column, op, convert):
    """less / greater / between on a column, values converted by `convert(value)`."""
    if op == "between":
        low, high = check.pair(convert)
        terms = ([f"{column} >= ?"] if low is not None else []) + ([f"{column} <= ?"] if high is not None else [])
        return " AND ".join(terms), [v for v in (low, high) if v is not None]
    return f"{column} {'<' if op == 'less' else '>'} ?", [convert(check.value)]


def _id_condition(check, _field, op, value):
    if op == "equal":
        return "tasks.id = ?", [check.number(integer=True)]
    if op == "in":
        if not isinstance(value, list) or len(value) > MAX_ID_LIST:
            check.fail(f"a list of at most {MAX_ID_LIST} task ids")
        for part in value:
            check.number(part, integer=True)
        return "tasks.id IN (SELECT value FROM json_each(?))", [json.dumps(value)]
    return _range(check, "tasks.id", op, lambda part: check.number(part, integer=True))


def _like_pattern(text):
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _numeric(path_param):
    """A data value as a number: JSON numbers, and strings that spell one (" 12", "1e3"); NULL otherwise.
    Extracted once per task (SQLite parses the JSON on each json_extract)."""
    return ("(SELECT CASE WHEN typeof(v) IN ('integer', 'real') THEN v WHEN typeof(v) = 'text' "
            "AND trim(v) GLOB '*[0-9]*' AND NOT trim(v) GLOB '*[^0-9eE.+-]*' THEN CAST(trim(v) AS REAL) END "
            f"FROM (SELECT json_extract(tasks.data, {path_param}) AS v))")


def _data_condition(check, key, op, value):
    path = data_path(key)
    extracted = "json_extract(tasks.data, ?)"
    if op in ("contains", "not_contains"):
        sql = f"{extracted} LIKE ? ESCAPE '\\'"
        params = [path, _like_pattern(check.text())]
        return (sql, params) if op == "contains" else (f"coalesce(NOT ({sql}), 1)", params)
    if op == "empty":
        sql = f"coalesce({extracted}, '') = ''"
        return (sql if check.boolean() else f"NOT ({sql})"), [path]
    if op in ("equal", "not_equal"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            sql, params = f"{_numeric('?')} = ?", [path, value]
        else:
            sql, params = f"{extracted} = ?", [path, check.text()]
        return (sql, params) if op == "equal" else (f"coalesce(NOT ({sql}), 1)", params)
    sql, params = _range(check, _numeric("?"), op, lambda part: check.number(part))
    return sql, [item for param in params for item in (path, param)]


def _state_condition(check, _field, _op, value):
    if value not in _STATES:
        check.fail(f"one of {list(_STATES)}")
    return _STATES[value], []


def _result_condition(table):
    """has / any on the result items of one control in a task's completions or predictions."""
    cancelled = " AND NOT c.was_cancelled" if table == "completions" else ""

    def condition(check, from_name, op, value):
        items = (f"EXISTS (SELECT 1 FROM {table} AS c, json_each(c.body, '$.result') AS r "
                 f"WHERE c.task_id = tasks.id{cancelled} AND json_extract(r.value, '$.from_name') = ?")
        if op == "any":
            return (items + ")") if check.boolean() else f"NOT {items})", [from_name]
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            check.fail("a label, choice or text value")
        # Any list in the item's value (choices, labels, text, taxonomy paths) holding it, or a rating.
        return (items + " AND EXISTS (SELECT 1 FROM json_each(r.value, '$.value') AS v WHERE "
                        "(v.key = 'rating' AND v.atom = ?) OR EXISTS (SELECT 1 FROM json_tree("
                        "CASE WHEN v.type = 'array' THEN v.value ELSE '[]' END) AS t WHERE t.atom = ?)))",
                [from_name, value, value])
    return condition


def _annotator_condition(check, _field, _op, _value):
    name = check.text()
    return ("EXISTS (SELECT 1 FROM completions AS c WHERE c.task_id = tasks.id AND "
            "(json_extract(c.body, '$.completed_by') = ? OR json_extract(c.body, '$.updated_by') = ?))", [name, name])


def _score_condition(check, _field, op, _value):
    return _range(check, "tasks.score", op, lambda part: check.number(part))


def _model_version_condition(check, _field, _op, _value):
    return ("EXISTS (SELECT 1 FROM predictions AS p WHERE p.task_id = tasks.id AND p.model_version = ?)",
            [check.text()])


def _agreement_condition(check, _field, op, value):
    def share(part):
        check.number(part)
        if not 0 <= part <= 1:
            check.fail("between 0 and 1")
        return part
    high = share(value) if op == "less" else (share(value[1]) if op == "between" and isinstance(value, list)
                                              and len(value) == 2 and value[1] is not None else None)
    if high is not None and (high < 1 or op == "less"):
        # Below full agreement only tasks in the disagreement table match: read them through its index.
        sql, params = _range(check, "score", op, share)
        return f"tasks.id IN (SELECT task_id FROM disagreements WHERE {sql})", params
    return _range(check, AGREEMENT, op, share)


def _disagreement_condition(check, _field, _op, _value):
    sql = "tasks.id IN (SELECT task_id FROM disagreements)"
    return (sql if check.boolean() else f"NOT {sql}"), []


def _date_condition(column):
    def condition(check, _field, op, value):
        if op == "between":
            low, high = check.pair(lambda part: part)
            terms, params = [], []
            if low is not None:
                terms, params = [f"{column} >= ?"], [check.moment(low, end=False)]
            if high is not None:
                inclusive = len(high) != 10  # a date runs to its end, a datetime is an instant
                terms.append(f"{column} {'<=' if inclusive else '<'} ?")
                params.append(check.moment(high, end=True))
            return " AND ".join(terms), params
        if op == "less":
            return f"{column} < ?", [check.moment(value, end=False)]
        return f"{column} {'>=' if isinstance(value, str) and len(value) == 10 else '>'} ?", [check.moment(value, end=True)]
    return condition


def _media_missing_condition(check, _field, _op, _value):
    sql = "tasks.id IN (SELECT task_id FROM media_files WHERE missing)"
    return (sql if check.boolean() else f"NOT {sql}"), []


_CONDITIONS = {
    "id": _id_condition,
    "data.": _data_condition,
    "state": _state_condition,
    "completions.": _result_condition("completions"),
    "predictions.": _result_condition("predictions"),
    "annotator": _annotator_condition,
    "prediction_score": _score_condition,
    "model_version": _model_version_condition,
    "agreement": _agreement_condition,
    "disagreement": _disagreement_condition,
    "created_at": _date_condition("tasks.created_at"),
    "completed_at": _date_condition("tasks.completions > 0 AND +tasks.completed_at"),
    "media_missing": _media_missing_condition,
}
