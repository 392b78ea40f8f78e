"""GET /api/project/export: every converter format, streamed as the file itself or as a zip, and what an
export will hold."""

import time

from bottle import HTTPResponse

from lsdesk.api.http import ApiError, is_true, json_response, param
from lsdesk.exporter import export_stream, export_summary
from lsdesk.formats.export import supported_formats
from lsdesk.project_view import current_config
from lsdesk.store.exports import TaskSelection


def formats(store):
    return json_response(supported_formats(current_config(store)))


def summary(store):
    return json_response(export_summary(store, current_config(store), _selection()))


def _selection():
    """?all_tasks=1 adds the tasks without a completion; ?leave_out_disagreeing=1 drops the tasks whose
    annotators disagree and that have no ground truth."""
    return TaskSelection(all_tasks=is_true(param("all_tasks", "")),
                         leave_out_disagreeing=is_true(param("leave_out_disagreeing", "")))


def export(store):
    name = param("format")
    if not name:
        raise ApiError(400, "Give the export format as ?format=, e.g. ?format=JSON")
    filename, content_type, chunks = export_stream(
        store, current_config(store), name, archive=is_true(param("archive", "")),
        stamp=time.strftime("%Y-%m-%d-%H-%M-%S"), selection=_selection())
    return HTTPResponse(chunks, headers={
        "Content-Type": content_type,
        "Content-Disposition": f"attachment; filename={filename}",
        # The 0.8 frontend reads the file name from this header.
        "filename": filename,
    })
