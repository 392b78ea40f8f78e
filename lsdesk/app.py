"""Builds the Bottle app: the routes of every resource, JSON errors, and the local-server safety checks."""

import logging
import traceback
from urllib.parse import urlsplit

import bottle
from bottle import HTTPResponse, request

from lsdesk.api import (completions, desktop, drafts, exports, folders, frontend, helpers, imports, jobs, merge,
                        models, project, settings, tasks, uploads)
from lsdesk.api.http import ApiError, error_body, json_response
from lsdesk.jobs import Jobs

log = logging.getLogger("lsdesk")

_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
_SAFE_METHODS = {"GET", "HEAD"}


def make_app(workspace, bind_host="127.0.0.1", port=None, window=None):
    """The WSGI app serving `workspace`; `bind_host` and `port` say which Host/Origin are ours.

    `window` is the desktop window showing the app (None under `lsdesk serve`).
    """
    app = bottle.Bottle()
    app.config["catchall"] = False
    app.config["lsdesk.window"] = window
    app.config["lsdesk.jobs"] = Jobs()
    app.install(_json_errors)
    app.add_hook("before_request", _local_only(_allowed_hosts(bind_host), port))
    app.add_hook("before_request", _readable_length)
    app.default_error_handler = _bottle_error
    for resource in (project, imports, exports, tasks, completions, drafts, uploads, models, jobs, helpers,
                     merge, settings, folders, desktop, frontend):
        resource.add_routes(app, workspace)
    return _StripTrailingSlash(app)


def _allowed_hosts(bind_host):
    hosts = set(_LOOPBACK_HOSTS)
    if bind_host not in ("0.0.0.0", "::", ""):
        hosts.add(bind_host.strip("[]"))
    return hosts


def _host_name(netloc):
    """'localhost:8080' -> 'localhost', '[::1]:80' -> '::1'."""
    try:
        return (urlsplit(f"//{netloc}").hostname or "").lower()
    except ValueError:
        return None


def _local_only(hosts, port):
    """Refuse DNS-rebinding requests (a foreign Host) and cross-site requests (a foreign Origin).

    curl and other scripts send no Origin and keep working; our own pages send our origin.
    """

    def check():
        host = request.get_header("Host")
        if host is not None and _host_name(host) not in hosts:
            raise _refusal(f"Host {host!r} is not this server; lsdesk answers only on {sorted(hosts)}")
        origin = request.get_header("Origin")
        if origin is not None and not _is_our_origin(origin, hosts, port):
            raise _refusal(f"Requests from the web page at {origin!r} are not allowed")
        fetch_site = request.get_header("Sec-Fetch-Site")
        if origin is None and fetch_site in ("cross-site", "same-site") and request.method not in _SAFE_METHODS:
            raise _refusal("Requests from other web sites are not allowed")
        # Another site may link to the app's pages, but not reach the API or the files even with a GET
        # (an <img> on /api/project-switch would change the project; a load event tells a file exists).
        if fetch_site in ("cross-site", "same-site") and request.path.startswith(("/api/", "/data/")):
            raise _refusal("Requests from other web sites are not allowed")

    return check


def _readable_length():
    """A Content-Length that is no number of bytes would fail every handler that reads the body."""
    length = request.environ.get("CONTENT_LENGTH", "").strip()
    if length and not (length.isascii() and length.isdigit()):
        raise json_response(error_body(400, f"Content-Length {length!r} is not a number of bytes"), status=400)


def _is_our_origin(origin, hosts, port):
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in hosts:
        return False
    return port is None or (parts.port or 80) == port


def _refusal(detail):
    return json_response(error_body(403, detail), status=403)


def _json_errors(callback):
    """Every failure of a handler becomes a JSON body; no traceback reaches a client."""

    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except ApiError as error:
            return json_response(error_body(error.status, error.detail), status=error.status)
        except HTTPResponse:
            raise
        except Exception:
            log.error("%s %s failed:\n%s", request.method, request.path, traceback.format_exc())
            return json_response(error_body(500, "Internal error; the server log has the details"), status=500)

    return wrapper


def _bottle_error(error):
    """Bottle's own errors (no such route, wrong method) as JSON too."""
    if error.status_code == 404:
        detail = f"No such URL: {request.path}"
    elif error.status_code == 405:
        detail = f"{request.method} is not allowed on {request.path}"
    else:
        detail = str(error.body or error.status_line)
    bottle.response.content_type = "application/json"
    return json_response(error_body(error.status_code, detail), status=error.status_code).body


class _StripTrailingSlash:
    """Label Studio 0.8 answers every route with and without a trailing slash."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if len(path) > 1 and path.endswith("/"):
            environ["PATH_INFO"] = path.rstrip("/") or "/"
        return self.app(environ, start_response)
