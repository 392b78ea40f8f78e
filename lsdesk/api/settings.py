"""Workspace settings: the annotator's display name that every new completion records."""

from lsdesk.api.http import ApiError, json_response, read_json_object

_MAX_NAME_LENGTH = 100


def get_settings(workspace):
    return json_response(serialize(workspace))


def serialize(workspace):
    return {"annotator": workspace.annotator, "annotator_confirmed": workspace.annotator_confirmed}


def patch_settings(workspace):
    changes = read_json_object()
    unknown = sorted(set(changes) - {"annotator"})
    if unknown:
        raise ApiError(400, f"Unknown settings {unknown}; editable: ['annotator']")
    if "annotator" in changes:
        name = changes["annotator"]
        if not isinstance(name, str) or not name.strip():
            raise ApiError(400, f"annotator must be a non-empty string, got {name!r}")
        if len(name.strip()) > _MAX_NAME_LENGTH:
            raise ApiError(400, f"annotator must be at most {_MAX_NAME_LENGTH} characters, got {len(name.strip())}")
        workspace.set_annotator(name.strip())
    return json_response(serialize(workspace))
