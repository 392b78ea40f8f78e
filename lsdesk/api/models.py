"""ML backends: the 0.8 routes, answering as a project with no backend connected (yet)."""

from lsdesk.api.http import ApiError, json_response, read_json_object


def add_routes(app, workspace):
    app.route("/api/models", ["GET"], lambda: json_response({"models": []}))
    app.route("/api/models", ["DELETE"], delete_model)
    app.route("/api/models/train", ["POST"], no_backend)
    app.route("/api/models/predictions", ["GET", "POST"], no_backend)


def delete_model():
    name = read_json_object().get("name")
    raise ApiError(404, f"No ML backend named {name!r}")


def no_backend():
    raise ApiError(400, "No ML backend")
