"""Builds the Bottle app: its state, the routes table, JSON errors, and the local-server safety checks."""

import functools
import inspect
import logging
import threading
import traceback
from urllib.parse import urlsplit

import bottle
from bottle import HTTPResponse, request

from lsdesk.api.http import ApiError, error_response
from lsdesk.errors import LsdeskError
from lsdesk.jobs import Jobs
from lsdesk.ml.backends import LivePauses
from lsdesk.routes import ROUTES

log = logging.getLogger("lsdesk")

_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}
_SAFE_METHODS = {"GET", "HEAD"}


def make_app(workspace, bind_host="127.0.0.1", port=None, window=None):
    """The WSGI app serving `workspace`; `bind_host` and `port` say which Host/Origin are ours.

    `window` is the desktop window showing the app (None under `lsdesk serve`).
    """
    app = bottle.Bottle()
    app.config["catchall"] = False
    state = AppState(workspace, window)
    app.config["lsdesk.state"] = state
    app.install(_json_errors)
    app.add_hook("before_request", _local_only(_allowed_hosts(bind_host), port))
    app.add_hook("before_request", _readable_length)
    app.default_error_handler = _bottle_error
    for methods, path, handler in ROUTES:
        app.route(path, methods.split(), _with_state(handler, path, state))
    return _StripTrailingSlash(app)


class AppState:
    """What one app keeps between requests; two apps in one process share none of it.

    A handler gets an attribute by naming it as a parameter; `store` is the workspace's active project.
    """

    def __init__(self, workspace, window=None):
        self.workspace = workspace
        self.window = window  # the desktop window showing the app; None under `lsdesk serve`
        self.jobs = Jobs()
        self.agreement_reports = {}  # the last agreement report of each project file (lsdesk/api/merge.py)
        self.live_pauses = LivePauses()  # ML backends that just failed a live prediction
        self.folder_work = threading.Lock()  # one folder job (sync, pack, unpack) at a time
        self._indexing = None  # the project whose search index is caught up in the background
        self._indexing_lock = threading.Lock()

    def get(self, name):
        if name != "store":
            return getattr(self, name)
        store = self.workspace.active()
        if store is not self._indexing:
            self._index_in_background(store)
        store.heard_request()
        return store

    def _index_in_background(self, store):
        """The active project's search index is caught up between requests; a switch stops the last one's."""
        with self._indexing_lock:
            previous, self._indexing = self._indexing, store
        if previous is not None:
            previous.stop_search_indexer()
        store.index_search_in_background()


def _with_state(handler, path, state):
    """The handler as Bottle calls it: URL parameters by name, plus what it names of the app's state."""
    parameters = inspect.signature(handler).parameters
    wanted = [name for name in parameters if name == "store" or hasattr(state, name)]
    unknown = [name for name, parameter in parameters.items() if name not in wanted
               and parameter.kind != parameter.VAR_KEYWORD and f"<{name}" not in path]
    if unknown:
        raise TypeError(f"{handler.__qualname__} for {path} takes {unknown}: neither in its URL nor of the app")

    @functools.wraps(handler)
    def route(**url_params):
        return handler(**{name: state.get(name) for name in wanted}, **url_params)

    return route


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
        raise error_response(ApiError(400, f"Content-Length {length!r} is not a number of bytes"))


def _is_our_origin(origin, hosts, port):
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in hosts:
        return False
    return port is None or (parts.port or 80) == port


def _refusal(detail):
    return error_response(ApiError(403, detail))


def _json_errors(callback):
    """Every failure of a handler becomes a JSON body; no traceback reaches a client."""

    def wrapper(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except LsdeskError as error:
            return error_response(error)
        except HTTPResponse:
            raise
        except Exception:
            log.error("%s %s failed:\n%s", request.method, request.path, traceback.format_exc())
            return error_response(ApiError(500, "Internal error; the server log has the details"))

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
    return error_response(ApiError(error.status_code, detail)).body


class _StripTrailingSlash:
    """Label Studio 0.8 answers every route with and without a trailing slash."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if len(path) > 1 and path.endswith("/"):
            environ["PATH_INFO"] = path.rstrip("/") or "/"
        return self.app(environ, start_response)
