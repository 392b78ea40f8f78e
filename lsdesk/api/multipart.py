"""multipart/form-data bodies read in place: the file parts of a body already received whole into one file.

Bottle's parser reads a body line by line in Python and copies each part into a temporary file of its own
(for a 100 MB upload, a million Python iterations and two copies of the data). Here the boundaries are found
with bytes.find over large blocks, and each file part is a stream over its own byte range of the body's file.
What counts as a file part is bottle's rule, so imports take the same parts as before: a part with a file name,
or one larger than bottle.BaseRequest.MEMFILE_MAX; of several file parts with one field name, the last.
"""

import io

from bottle import BaseRequest, _parse_http_header

from lsdesk.api.http import ApiError

_BLOCK = 1 << 20  # bytes searched for a boundary at a time
_MAX_HEADERS = 1 << 16  # bytes of one part's headers


def multipart_error(reason):
    return ApiError(400, f"MultipartError: {reason}")


def boundary_of(content_type):
    """The boundary parameter of a multipart Content-Type header (ApiError 400 if there is none)."""
    try:
        options = _parse_http_header(content_type)[0][1]
    except (ValueError, IndexError):
        options = {}
    if not options.get("boundary"):
        raise multipart_error("Invalid content type header, missing boundary")
    return options["boundary"], options.get("charset") or "utf-8"


def file_parts(body, boundary, charset="utf-8"):
    """[(field name, file name or None, binary stream)] of the file parts of the multipart body in the
    seekable binary file `body`, in the order their field names first appear; ApiError 400 if it is malformed."""
    parts = _Parts(body, boundary.encode("latin-1"), charset)
    last_file = {}
    for name, filename, start, end in parts.each():
        last_file.setdefault(name, None)
        if filename or end - start > BaseRequest.MEMFILE_MAX:
            last_file[name] = (filename, start, end)
    return [(name, filename, io.BufferedReader(_Range(body, start, end), _BLOCK))
            for name, found in last_file.items() if found for filename, start, end in [found]]


class _Parts:
    """The parts of one body: (name, filename, start, end) each, found by searching for CRLF--boundary."""

    def __init__(self, body, boundary, charset):
        self.body = body
        self.separator = b"\r\n--" + boundary
        self.charset = charset

    def each(self):
        start = self._first_boundary()
        while True:
            after = self._read(start, 4)
            if after[:2] == b"--" and after[2:] in (b"", b"\r\n"):  # the closing boundary
                return
            name, filename, body_start = self._headers(start + 2)
            end = self._next_boundary(body_start)
            yield name, filename, body_start, end
            start = end + len(self.separator)

    def _first_boundary(self):
        """Where the text after the first boundary line's `--boundary` starts (a preamble is skipped)."""
        opening = self.separator[2:]
        if self._read(0, len(opening)) == opening and self._ends_line(len(opening)):
            return len(opening)
        return self._next_boundary(0, missing="Stream does not contain boundary") + len(self.separator)

    def _ends_line(self, at):
        after = self._read(at, 4)
        return after[:2] == b"\r\n" or (after[:2] == b"--" and after[2:] in (b"", b"\r\n"))

    def _next_boundary(self, start, missing="Unexpected end of multipart stream."):
        """The offset of the next CRLF--boundary that ends its line (or closes the body)."""
        pattern = self.separator
        while True:
            found = self._find(pattern, start)
            if found < 0:
                raise multipart_error(missing)
            if self._ends_line(found + len(pattern)):
                return found
            start = found + 1

    def _find(self, pattern, start):
        while True:
            block = self._read(start, _BLOCK + len(pattern))
            found = block.find(pattern)
            if found >= 0:
                return start + found
            if len(block) < _BLOCK + len(pattern):
                return -1
            start += _BLOCK

    def _read(self, start, size):
        self.body.seek(start)
        return self.body.read(size)

    def _headers(self, start):
        """(name, filename or None, where the part's content starts) of the part whose headers start at `start`."""
        block = self._read(start, _MAX_HEADERS)
        if block.startswith(b"\r\n"):
            raise multipart_error("Content-Disposition header is missing.")
        end = block.find(b"\r\n\r\n")
        if end < 0:
            raise multipart_error("Unexpected end of line in header.")
        headers = []
        for raw in block[:end].split(b"\r\n"):
            try:
                line = raw.decode(self.charset)
            except (UnicodeDecodeError, LookupError):
                raise multipart_error("a part's header is not text in its charset") from None
            if line[:1] in (" ", "\t") and headers:
                headers[-1] = (headers[-1][0], headers[-1][1] + line.strip())
            elif ":" not in line:
                raise multipart_error("Syntax error in header: No colon.")
            else:
                key, value = line.split(":", 1)
                headers.append((key.strip(), value.strip()))
        disposition = [value for key, value in headers if key.lower() == "content-disposition"]
        if not disposition:
            raise multipart_error("Content-Disposition header is missing.")
        try:
            options = _parse_http_header(disposition[-1])[0][1]
        except (ValueError, IndexError):
            raise multipart_error(f"Content-Disposition {disposition[-1]!r} cannot be read") from None
        return options.get("name"), options.get("filename"), start + end + 4


class _Range(io.RawIOBase):
    """Bytes start to end of a seekable file that other _Ranges share: each read seeks to its own place first."""

    def __init__(self, file, start, end):
        super().__init__()
        self._file, self._start, self._end = file, start, end
        self._at = start

    def readable(self):
        return True

    def seekable(self):
        return True

    def readinto(self, buffer):
        size = min(len(buffer), self._end - self._at)
        if size <= 0:
            return 0
        self._file.seek(self._at)
        data = self._file.read(size)
        buffer[:len(data)] = data
        self._at += len(data)
        return len(data)

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: self._start, io.SEEK_CUR: self._at, io.SEEK_END: self._end}[whence]
        self._at = max(self._start, base + offset)
        return self._at - self._start

    def tell(self):
        return self._at - self._start
