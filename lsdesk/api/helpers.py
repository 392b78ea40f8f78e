"""Helpers: health, version, config validation without saving, sample tasks, the template gallery, and sample media."""

import time

from bottle import HTTPResponse

from lsdesk import __version__
from lsdesk import settings as defaults
from lsdesk.api.http import ApiError, json_response, no_content, param, query_text
from lsdesk.api.project import submitted_config
from lsdesk.formats.examples import example_file, example_task, time_series_csv
from lsdesk.project_view import current_config, validated_config
from lsdesk.templates import gallery

_FILE_TYPES = {"json": "application/json", "csv": "text/csv", "tsv": "text/tab-separated-values",
               "txt": "text/plain"}


def health():
    return json_response({"status": "up"})


def version():
    return json_response({
        "lsdesk": __version__,
        "label-studio-backend": defaults.LABEL_STUDIO_VERSION,
        "label-studio-frontend": {"name": "lsdesk", "version": __version__},
    })


def validate_config(store):
    validated_config(store, submitted_config())
    return no_content()


def import_example(store):
    """One sample task's data for the config given (label_config), as 0.8 did for its setup page."""
    xml = query_text("label_config")
    if xml is None:
        xml = submitted_config()
    return json_response(example_task(validated_config(store, xml)))


def templates():
    """Label Studio's template configs for the Setup page's gallery, each with its sample task's data."""
    return json_response({"templates": gallery()})


def import_example_file(store):
    """Two sample tasks for the current config, as a file to download (json, csv, tsv or txt)."""
    kind = param("q", "json")
    if kind not in _FILE_TYPES:
        raise ApiError(400, f"Unknown sample file format {kind!r}; use one of {list(_FILE_TYPES)}")
    config = current_config(store)
    if config is None:
        raise ApiError(400, "The project has no label config yet; save one first")
    try:
        extension, content = example_file(config, kind)
    except ValueError as error:
        raise ApiError(400, str(error)) from None
    headers = {"Content-Type": _FILE_TYPES[kind]}
    if not param("raw"):
        filename = f"sample-{time.strftime('%Y-%m-%d-%H-%M')}.{extension}"
        headers["Content-Disposition"] = f"attachment; filename={filename}"
        headers["filename"] = filename
    return HTTPResponse(content, headers=headers)


def time_series_sample():
    """The CSV behind a TimeSeries sample task whose value is a URL."""
    csv_text = time_series_csv(
        param("time") or None, param("values", "").split(","), sep=param("sep", ","),
        time_format=param("tf") or None, headless=bool(param("headless")))
    return HTTPResponse(csv_text, headers={"Content-Type": "text/csv"})

