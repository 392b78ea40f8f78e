"""Request and response helpers shared by the handlers: JSON bodies, parameters, errors."""

import io
import json
import shutil
import tempfile

from bottle import HTTPResponse, request

from lsdesk import settings as defaults
from lsdesk.errors import LsdeskError

_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_strict = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
_SQLITE_INTEGER_LIMIT = 1 << 63
# Larger bodies wait in a temporary file: kept in memory, each request thread's buffer would stay
# in its own malloc arena afterwards (a 1M-task import in 100k-task requests doubled the server's RSS).
_BODY_IN_MEMORY = 1 << 20


class ApiError(LsdeskError):
    """Something wrong with the request itself; {"detail", "status"} with that status, plus `extra` fields."""

    def __init__(self, status, detail, **extra):
        super().__init__(detail, status)
        self.extra = extra

    def body(self):
        return {**super().body(), **self.extra}


def json_response(body, status=200, headers=None):
    return HTTPResponse(_compact(body), status=status,
                        headers={"Content-Type": "application/json", **(headers or {})})


def error_response(error):
    """The HTTP answer to an LsdeskError: its own body and status."""
    return json_response(error.body(), status=error.status)


def no_content():
    return HTTPResponse(status=204)


class _BodyStream(io.RawIOBase):
    """The request body read straight from the socket, up to Content-Length, in pieces as
    large as asked for (bottle's request.body copies it 100 KB at a time)."""

    def __init__(self, raw, length):
        super().__init__()
        self._raw, self._left = raw, length

    def readable(self):
        return True

    def readinto(self, buffer):
        if self._left <= 0:
            return 0
        data = self._raw.read(min(len(buffer), self._left))
        self._left -= len(data)
        buffer[:len(data)] = data
        return len(data)


def body_stream():
    """The request body as a binary stream, received whole before the caller reads it.

    An import reads its body while it holds the one writer: a client sending slowly must not
    hold up every other write meanwhile. Large bodies wait in a temporary file.
    """
    length = max(request.content_length, 0)
    spool = tempfile.SpooledTemporaryFile(max_size=_BODY_IN_MEMORY)
    shutil.copyfileobj(_BodyStream(request.environ["wsgi.input"], length), spool, 1 << 20)
    spool.seek(0)
    return spool


def is_json_request():
    return request.content_type.split(";")[0].strip().lower() == "application/json"


def read_json(required=True):
    """The request body parsed as JSON; a 400 that says where it is broken otherwise."""
    if request.content_length > defaults.MAX_JSON_BODY_BYTES:
        raise ApiError(413, f"The request body is larger than {defaults.MAX_JSON_BODY_BYTES} bytes")
    raw = request.body.read()
    if not raw.strip():
        if required:
            raise ApiError(400, "The request body is empty; send JSON with Content-Type: application/json")
        return None
    try:
        body = json.loads(raw)
        # What parses may still not be storable: NaN, 1e400, a lone "\ud800", thousands of levels deep.
        _strict(body).encode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(400, f"The request body is not UTF-8: byte {error.start}") from None
    except UnicodeEncodeError:
        raise ApiError(400, "The request body holds a lone UTF-16 surrogate (a \\ud800-\\udfff escape without "
                            "its pair), which is no character") from None
    except RecursionError:
        raise ApiError(400, "The request body is nested too deeply") from None
    except ValueError as error:
        raise ApiError(400, f"The request body is not valid JSON: {error}") from None
    return body


def read_json_object():
    body = read_json()
    if not isinstance(body, dict):
        raise ApiError(400, f"The request body must be a JSON object, not {_json_type(body)}")
    return body


def _json_type(value):
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


def param(name, default=None):
    """A query-string (or form) parameter."""
    value = query_text(name)
    if value is None and request.content_type.startswith("application/x-www-form-urlencoded"):
        value = form_text(name)
    return default if value is None else value


def query_text(name):
    """A query-string parameter as the UTF-8 text the URL carries, or None."""
    return _utf8(name, request.query.get(name))


def query_texts(name):
    """Every value of a repeated query-string parameter, as UTF-8 text."""
    return [_utf8(name, value) for value in request.query.getall(name)]


def form_text(name):
    """A form field (urlencoded or multipart) as UTF-8 text, or None."""
    return _utf8(name, request.forms.get(name))


def params_text():
    """Every form field and query-string parameter (the query's win), as UTF-8 text."""
    return {name: _utf8(name, source[name]) for source in (request.forms, request.query) for name in source}


def _utf8(name, value):
    """Bottle hands parameters over as PEP 3333's native strings, each byte a latin-1 character; clients send
    UTF-8 (browsers and curl percent-encode it), so "café" would arrive as "cafÃ©"."""
    if value is None:
        return None
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        raise ApiError(400, f"Parameter {name} is not UTF-8 text") from None


def int_param(name, default, minimum=None, status=400):
    raw = param(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"Parameter {name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ApiError(status, f"Parameter {name} must be at least {minimum}, got {value}")
    return value


def is_true(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def path_id(raw, what):
    """A numeric id from the URL; anything else (or beyond SQLite's integers) names no object, so it is a 404."""
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not -_SQLITE_INTEGER_LIMIT <= value < _SQLITE_INTEGER_LIMIT:
        raise ApiError(404, f"{what} {raw!r} not found")
    return value
