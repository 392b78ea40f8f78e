"""The task browser's query parameters (filter, search, order) and selections read from a request, shared by
the tasks, bulk and export handlers."""

import json

from lsdesk.api.http import ApiError, param
from lsdesk.store.task_query import task_query

MAX_SEARCH_CHARS = 1000


def browse_query(order=True):
    """The TaskQuery of ?filter=<JSON>&search=<words>&order=<name>."""
    raw = param("filter")
    filter_spec = None
    if raw is not None and raw.strip():
        try:
            filter_spec = json.loads(raw)
        except ValueError as error:
            raise ApiError(400, f"Parameter filter is not valid JSON: {error}") from None
    return query_of(filter_spec, param("search"), param("order", "id") if order else "id")


def query_of(filter_spec, search, order="id"):
    if search is not None and not isinstance(search, str):
        raise ApiError(400, f"search must be a string of words, got {json.dumps(search)}")
    if search and len(search) > MAX_SEARCH_CHARS:
        raise ApiError(400, f"search is longer than {MAX_SEARCH_CHARS} characters")
    return task_query(filter_spec, search, order)


def id_list(value, name):
    """A JSON list of task ids, or a 400 naming where it was given."""
    if not isinstance(value, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        raise ApiError(400, f"{name} must be a list of task ids, got {json.dumps(value)[:100]}")
    return value


def comma_ids(text, name):
    """Task ids given as a comma list (?ids=1,2,3), or a 400 naming the parameter."""
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ApiError(400, f"{name} must be task ids separated by commas, got {text!r}") from None
