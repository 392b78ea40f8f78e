"""Saved views of the task browser: list, save, change and delete named queries kept in the project file."""

import json

from lsdesk.api.http import ApiError, json_response, no_content, path_id, read_json_object

MAX_QUERY_BYTES = 64 * 1024
MAX_TITLE_CHARS = 200


def list_views(store):
    return json_response(store.views())


def create_view(store):
    body = _checked(read_json_object(), required=True)
    return json_response(store.add_view(body["title"], body["query"]), status=201)


def update_view(store, view_id):
    changes = _checked(read_json_object(), required=False)
    view = store.update_view(path_id(view_id, "View"), changes)
    if view is None:
        raise ApiError(404, f"View {view_id} not found")
    return json_response(view)


def delete_view(store, view_id):
    if not store.delete_view(path_id(view_id, "View")):
        raise ApiError(404, f"View {view_id} not found")
    return no_content()


def _checked(body, required):
    """{"title", "query"} of a view: a non-empty title and a JSON object query of at most 64 KB."""
    unknown = sorted(set(body) - {"title", "query"})
    if unknown:
        raise ApiError(400, f"Unknown view keys {unknown}; a view has title and query")
    if required or "title" in body:
        title = body.get("title")
        if not isinstance(title, str) or not title.strip() or len(title) > MAX_TITLE_CHARS:
            raise ApiError(400, f"title must be a non-empty string of at most {MAX_TITLE_CHARS} characters")
    if required or "query" in body:
        query = body.get("query")
        if not isinstance(query, dict):
            raise ApiError(400, "query must be a JSON object (filter, search, order, columns, page_size...)")
        if len(json.dumps(query, ensure_ascii=False).encode()) > MAX_QUERY_BYTES:
            raise ApiError(400, f"query is larger than {MAX_QUERY_BYTES} bytes")
    return body
