"""A Label Studio 1.x server's REST API over urllib: authentication, JSON calls, file uploads in batches,
export snapshots. No SQL and no project file here: lsdesk/teams/sync.py drives it."""

import email.utils
import json
import mimetypes
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

from lsdesk.errors import LsdeskError

# Label Studio refuses more than 100 files in one upload request.
MAX_FILES_PER_UPLOAD = 100
# Under the server's default upload limit (250 MiB) with room for the multipart framing.
MAX_UPLOAD_BYTES = 64 << 20
TIMEOUT = 600  # an import of 1,000 tasks or an export snapshot of 10,000 can take minutes on a busy server
# How long a refreshed access token is used before it is refreshed again (they last minutes).
ACCESS_TOKEN_SECONDS = 240


class ServerError(LsdeskError):
    """The server refused or failed a call; the message names the call, the status and the server's words."""

    status = 502

    def __init__(self, message, http_status=None, details=()):
        super().__init__(message, details=details)
        self.http_status = http_status


class Unreachable(ServerError):
    """No answer from the server at all (refused connection, timeout, broken connection)."""


class LabelStudio:
    """One server and one token. A legacy API token is sent as `Token`; a personal access token
    (a JWT refresh token) is exchanged at /api/token/refresh/ for short-lived `Bearer` access tokens."""

    def __init__(self, url, token, timeout=TIMEOUT):
        if not token:
            raise ServerError("No token for the Label Studio server: give --token, set $LABEL_STUDIO_TOKEN, "
                              "or push once with a token so lsdesk keeps it in the workspace")
        self.url = normalized_url(url)
        self.token = token
        self.timeout = timeout
        self._access = None
        self._access_until = 0
        self._personal = _looks_like_jwt(token)
        self.server_date = None  # the Date of the server's last answer: its own clock

    # -- calls ---------------------------------------------------------------------------------

    def get(self, path, **query):
        return self._json("GET", path, query=query)

    def post(self, path, body=None, **query):
        return self._json("POST", path, body, query)

    def patch(self, path, body):
        return self._json("PATCH", path, body)

    def delete(self, path):
        return self._json("DELETE", path)

    def download(self, path, **query):
        """The bytes at `path` (a media file under /data/, an export's download)."""
        return self._call("GET", path, None, {}, query, lambda response: response.read())

    def whoami(self):
        return self.get("/api/current-user/whoami")

    def server_time(self):
        """The server's clock (from its answer's Date header, to the second), as an aware datetime."""
        if self.server_date is None:
            self.whoami()
        return email.utils.parsedate_to_datetime(self.server_date)

    def upload_files(self, project_id, files):
        """Upload [(key, file name, bytes)] without creating tasks; returns {key: server path under /data/}.

        Batches keep each request under the server's limits (files per request, body size); each file
        has a field name of its own, since the server keeps only the last file of a repeated one."""
        stored = {}
        for batch in _upload_batches(files):
            fields = [(f"file{number}", name, content) for number, (_key, name, content) in enumerate(batch)]
            body, content_type = _multipart(fields)
            answer = self._call("POST", f"/api/projects/{project_id}/import", body, {"Content-Type": content_type},
                                {"commit_to_project": "false"}, _read_json)
            ids = answer.get("file_upload_ids") or []
            if len(ids) != len(batch):
                raise ServerError(f"the server stored {len(ids)} of {len(batch)} uploaded files")
            listed = self.get(f"/api/projects/{project_id}/file-uploads", ids=json.dumps(ids))
            by_id = {item["id"]: item["file"] for item in listed}
            for (key, _name, _content), upload_id in zip(batch, ids):
                stored[key] = by_id[upload_id]
        return stored

    # -- plumbing --------------------------------------------------------------------------------

    def _json(self, method, path, body=None, query=None):
        data = None if body is None else json.dumps(body).encode()
        headers = {} if body is None else {"Content-Type": "application/json"}
        return self._call(method, path, data, headers, query or {}, _read_json)

    def _call(self, method, path, data, headers, query, read):
        query = {key: value for key, value in query.items() if value is not None}
        url = self.url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        request = urllib.request.Request(url, data=data, method=method,
                                         headers={**headers, "Authorization": self._authorization()})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.server_date = response.headers.get("Date") or self.server_date
                return read(response)
        except urllib.error.HTTPError as error:
            raise _refusal(method, path, error) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise Unreachable(f"{method} {self.url}{path}: no answer from the server ({reason})") from None

    def _authorization(self):
        if not self._personal:
            return f"Token {self.token}"
        if self._access is None or time.monotonic() > self._access_until:
            self._refresh_access()
        return f"Bearer {self._access}"

    def _refresh_access(self):
        request = urllib.request.Request(self.url + "/api/token/refresh/", method="POST",
                                         data=json.dumps({"refresh": self.token}).encode(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self._access = _read_json(response)["access"]
        except urllib.error.HTTPError as error:
            raise _refusal("POST", "/api/token/refresh/", error, "the personal access token was refused") from None
        except (urllib.error.URLError, OSError) as error:
            raise Unreachable(f"{self.url}: no answer from the server ({getattr(error, 'reason', error)})") from None
        self._access_until = time.monotonic() + ACCESS_TOKEN_SECONDS


def normalized_url(url):
    """The server's base URL without a trailing slash; ServerError for anything but http(s)://host."""
    parts = urllib.parse.urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ServerError(f"{url!r} is not a Label Studio server's address; give it as http://host:port")
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _looks_like_jwt(token):
    return token.count(".") == 2 and token.startswith("ey")


def _read_json(response):
    text = response.read()
    return json.loads(text) if text else None


def _refusal(method, path, error, what=None):
    """A ServerError with the server's own message (its `detail` for a 401)."""
    try:
        text = error.read().decode("utf-8", "replace")
    except OSError:
        text = ""
    said = text
    try:
        body = json.loads(text)
        if isinstance(body, dict):
            said = " ".join(part if isinstance(part, str) else json.dumps(part) for part in (
                body.get("detail"), body.get("validation_errors"), body.get("errors")) if part) or json.dumps(body)
    except ValueError:
        pass
    said = " ".join(said.split())[:500]
    if error.code == 401:
        what = what or "the token was refused"
    prefix = f"{what}: " if what else ""
    return ServerError(f"{prefix}{method} {path} answered {error.code} {error.reason}: {said or '(no message)'}",
                       error.code)


def _upload_batches(files):
    batch, size = [], 0
    for key, name, content in files:
        if batch and (len(batch) >= MAX_FILES_PER_UPLOAD or size + len(content) > MAX_UPLOAD_BYTES):
            yield batch
            batch, size = [], 0
        batch.append((key, name, content))
        size += len(content)
    if batch:
        yield batch


def _multipart(fields):
    """A multipart/form-data body of (field name, file name, bytes); field names must be unique."""
    boundary = uuid.uuid4().hex
    parts = []
    for field, filename, content in fields:
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        quoted = filename.replace('"', "%22").replace("\r", "").replace("\n", "")
        parts += [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{quoted}\"\r\n"
                  f"Content-Type: {mime}\r\n\r\n".encode(), content, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
