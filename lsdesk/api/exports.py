"""GET /api/project/export: every converter format, streamed as the file itself or as a zip, and what an
export will hold."""

import time

from bottle import HTTPResponse

from lsdesk.api.browse import browse_query, comma_ids
from lsdesk.api.http import ApiError, is_true, json_response, param
from lsdesk.exporter import export_stream, export_summary
from lsdesk.formats.export import supported_formats
from lsdesk.project_view import current_config
from lsdesk.store.exports import TaskSelection


def formats(store):
    return json_response(supported_formats(current_config(store)))


def summary(store):
    return json_response(export_summary(store, current_config(store), _selection(store)))


def _selection(store):
    """?all_tasks=1 adds the tasks without a completion; ?leave_out_disagreeing=1 drops the tasks whose
    annotators disagree and that have no ground truth. The task browser's ?ids=1,2,3 or ?filter=&search= export
    those tasks, labeled or not unless all_tasks is given."""
    ids = param("ids")
    ids = comma_ids(ids, "ids") if ids is not None else None
    query = browse_query(order=False) if param("filter") is not None or param("search") else None
    chosen = ids is not None or query is not None
    all_tasks = param("all_tasks")
    return TaskSelection(all_tasks=is_true(all_tasks) if all_tasks is not None or not chosen else True,
                         leave_out_disagreeing=is_true(param("leave_out_disagreeing", "")),
                         ids=tuple(ids) if ids is not None else None, query=query)


def export(store):
    name = param("format")
    if not name:
        raise ApiError(400, "Give the export format as ?format=, e.g. ?format=JSON")
    filename, content_type, chunks = export_stream(
        store, current_config(store), name, archive=is_true(param("archive", "")),
        stamp=time.strftime("%Y-%m-%d-%H-%M-%S"), selection=_selection(store))
    return HTTPResponse(chunks, headers={
        "Content-Type": content_type,
        "Content-Disposition": f"attachment; filename={filename}",
        # The 0.8 frontend reads the file name from this header.
        "filename": filename,
    })
