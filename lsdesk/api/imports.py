"""POST /api/project/import: a JSON body, uploaded files, or a URL to download; all or nothing."""

import posixpath
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from bottle import request

from lsdesk import settings as defaults
from lsdesk.api.http import ApiError, body_stream, form_text, json_response, query_text, query_texts
from lsdesk.api.multipart import boundary_of, file_parts
from lsdesk.importer import DUPLICATES, REQUEST_BODY, ImportRejected, import_files, parse_key_map
from lsdesk.project_view import current_config


def import_tasks(store):
    key_map = parse_key_map(query_texts("map"))
    duplicates = query_text("duplicates") or "import"
    if duplicates not in DUPLICATES:
        raise ApiError(400, f"duplicates must be one of {', '.join(DUPLICATES)}, got {duplicates!r}")
    kind = request.content_type.split(";")[0].strip().lower()
    if kind == "application/json":
        files = [(REQUEST_BODY, body_stream())]
    elif kind == "multipart/form-data":
        boundary, charset = boundary_of(request.environ.get("CONTENT_TYPE", ""))  # content_type is lowercased
        files = [(_file_name(name, filename), stream)
                 for name, filename, stream in file_parts(body_stream(), boundary, charset)]
    elif kind == "application/x-www-form-urlencoded" and form_text("url"):
        files = [_download(form_text("url"))]
    else:
        files = []
    if not files:
        raise ApiError(400, "No data found: send tasks as a JSON body, files as multipart/form-data, "
                            "or a url= form field")
    try:
        summary = import_files(store, files, current_config(store), key_map, duplicates)
    except ImportRejected as rejected:
        if query_text("explain") not in ("1", "true"):
            raise
        return json_response(rejected.explained_body(), status=rejected.status)
    return json_response(summary, status=201)


def _file_name(field, filename):
    """The uploaded file's own name (0.8 used the form field's name instead)."""
    return posixpath.basename((filename or field or "upload").replace("\\", "/"))


def _download(url):
    """Fetch a URL to import into a temporary file, refusing anything too large."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError(400, f"url must be an http or https address, got {url!r}")
    name = posixpath.basename(parts.path) or "download"
    spool = tempfile.SpooledTemporaryFile(max_size=16 << 20)
    try:
        with urllib.request.urlopen(url, timeout=defaults.DOWNLOAD_TIMEOUT) as response:
            while chunk := response.read(1 << 20):
                if spool.tell() + len(chunk) > defaults.MAX_DOWNLOAD_BYTES:
                    raise ApiError(400, f"{url} is larger than {defaults.MAX_DOWNLOAD_BYTES} bytes")
                spool.write(chunk)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ApiError(400, f"Could not download {url}: {getattr(error, 'reason', error)}") from None
    spool.seek(0)
    return name, spool
