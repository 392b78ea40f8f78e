"""Helpers: health, version, and config validation without saving."""

from lsdesk import __version__
from lsdesk import settings as defaults
from lsdesk.api.http import json_response, no_content
from lsdesk.api.project import ConfigProblems, submitted_config, validated_config


def add_routes(app, workspace):
    app.route("/api/health", ["GET"], lambda: json_response({"status": "up"}))
    app.route("/version", ["GET"], version)
    app.route("/api/version", ["GET"], version)
    app.route("/api/validate-config", ["POST"], lambda: validate_config(workspace.active()))


def version():
    return json_response({
        "lsdesk": __version__,
        "label-studio-backend": defaults.LABEL_STUDIO_VERSION,
        "label-studio-frontend": {"name": "lsdesk", "version": __version__},
    })


def validate_config(store):
    try:
        validated_config(store, submitted_config())
    except ConfigProblems as error:
        return json_response({"label_config": error.detail}, status=400)
    return no_content()
