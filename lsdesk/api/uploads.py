"""GET /data/upload/<name>: files kept inside the project, with ranges and caching, always as data;
media_response is how every file the server holds is sent."""

import re

from bottle import HTTPResponse, request

from lsdesk.api.http import ApiError

# Types a browser would run as a page (script included): never rendered in our origin. Browsers
# render any XML type (atom, rdf, xslt, mathml...) as a document in which XHTML script runs.
_ACTIVE_TYPES = re.compile(r"^(text/html|text/xml|application/xml|[^;]*\+xml"
                           r"|application/javascript|text/javascript)")


# One range is what media players ask for; anything else (several ranges) gets the whole file.
_SINGLE_RANGE = re.compile(r"\s*bytes=(\d*)-(\d*)\s*")
# What a download's file name may hold (a quote would end the header's value).
_SAFE_NAME = re.compile(r'[^\w.\- ]', re.ASCII)


def serve_upload(store, name):
    found = store.upload(name)
    if found is None:
        raise ApiError(404, f"No uploaded file named {name!r}")
    mime, size, sha256 = found
    return media_response(name, mime, size, sha256,
                          lambda start, length: store.read_upload(name, start, length))


def media_response(name, mime, size, etag, read, cache_control="private, max-age=3600"):
    """Serve a file's bytes as data: its type with nosniff, never a page of ours (HTML, SVG), an
    ETag, and one byte range. `read(start, length)` yields the bytes; it is not called for HEAD."""
    headers = {
        "Content-Type": mime,
        "ETag": f'"{etag}"',
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": cache_control,
    }
    if _ACTIVE_TYPES.match(mime):
        headers["Content-Disposition"] = f'attachment; filename="{_SAFE_NAME.sub("_", name.rsplit("/", 1)[-1])}"'
        headers["Content-Security-Policy"] = "sandbox"
    if mime == "application/pdf":  # shown by the browser's viewer in a frame of ours: no script there
        headers["Content-Security-Policy"] = "script-src 'none'"
    if f'"{etag}"' in request.get_header("If-None-Match", ""):
        return HTTPResponse(status=304, headers=headers)
    start, length, status = 0, size, 200
    wanted = _SINGLE_RANGE.fullmatch(request.get_header("Range", ""))
    if wanted:
        byte_range = _satisfiable(wanted, size)
        if byte_range is None:
            return HTTPResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
        start, end = byte_range
        length, status = end - start + 1, 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(length)
    body = b"" if request.method == "HEAD" else read(start, length)
    return HTTPResponse(body, status=status, headers=headers)


def _satisfiable(match, size):
    """(first, last) byte of a single `bytes=` range, or None when it can't be served."""
    first, last = match.groups()
    if first == last == "":
        return None
    if first == "":
        start, end = max(0, size - int(last)), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start > end or start >= size:
        return None
    return start, end
