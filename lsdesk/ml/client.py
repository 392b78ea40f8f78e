"""The HTTP client of one ML backend: /health, /setup, /predict, /is_training, /job_status, /train.

Every call has a timeout; refused or reset connections and 502/503/504 answers are retried
with a growing delay; any other failure becomes a BackendError whose message keeps what the
backend itself said.
"""

import http.client
import json
import socket
import time
from urllib.parse import quote, urlsplit

from lsdesk import __version__
from lsdesk import settings as defaults

_TRANSIENT_STATUSES = {502, 503, 504}
# The largest answer read: predictions for a batch of tasks are far smaller.
_MAX_ANSWER_BYTES = 256 << 20
# How much of a backend's error text a message keeps.
_MESSAGE_CHARS = 500


class BackendError(Exception):
    """A backend that could not be reached, or that answered with an error (`status` set then)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


def parse_backend(text):
    """(name or None, url) from "http://host:port" or "name=http://host:port"; ValueError if no URL."""
    name, url = None, text.strip()
    if "=http" in url:
        name, url = (part.strip() for part in url.split("=", 1))
    if not _looks_like_url(url):
        raise ValueError(f'Specified string "{url}" doesn\'t look like URL.')
    if name == "":
        raise ValueError(f'No name before "=" in "{text}"')
    return name, url.rstrip("/")


def _looks_like_url(url):
    try:
        parts = urlsplit(url)
        parts.port  # a port that is not a number raises ValueError
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def backend_message(text):
    """The useful part of an error answer: 0.8 and label-studio-ml send {"detail": ...}."""
    try:
        answer = json.loads(text)
    except ValueError:
        answer = None
    if isinstance(answer, dict) and answer.get("detail"):
        text = str(answer["detail"])
    elif isinstance(answer, str):
        text = answer
    text = " ".join(text.split())
    return text[:_MESSAGE_CHARS] + ("…" if len(text) > _MESSAGE_CHARS else "") if text else "(no message)"


class BackendClient:
    """Calls one backend over one kept-alive connection. Not thread-safe: one per thread."""

    def __init__(self, url, timeout, retries=defaults.ML_RETRIES):
        parts = urlsplit(url)
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self._scheme, self._netloc, self._prefix = parts.scheme, parts.netloc, parts.path.rstrip("/")
        self._connection = None

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the protocol ------------------------------------------------------------------

    def health(self):
        return self.call("GET", "/health")

    def setup(self, project, schema, model_version=None, hostname=""):
        """The backend's model version for this project and config (None if it names none)."""
        body = {"project": project, "schema": schema, "hostname": hostname}
        if model_version is not None:
            body["model_version"] = model_version
        answer = self.call("POST", "/setup", body)
        version = answer.get("model_version") if isinstance(answer, dict) else None
        return None if version is None else str(version)

    def predict(self, tasks, project, label_config, model_version):
        """The backend's raw /predict answer for `tasks` (see answers.read_predict_answer)."""
        return self.call("POST", "/predict", {
            "tasks": tasks, "model_version": model_version, "project": project, "label_config": label_config,
            "params": {"force_load": True, "login": "", "password": ""}})

    def is_training(self, project):
        """{"is_training": bool, ...}, or None when the backend has no /is_training."""
        return self._optional("GET", f"/is_training?project={quote(project, safe='')}")

    def job_status(self, job):
        """{"job_status": ...} of a training job, or None when the backend has no /job_status."""
        return self._optional("POST", "/job_status", {"job": job})

    def forget(self, project):
        """Tell the backend the project's tasks are gone (0.8 did on DELETE /api/tasks); None when it has no /delete."""
        return self._optional("POST", "/delete", {"project": project})

    def train(self, body):
        """Send a train request; `body` is the JSON already encoded (it can be large)."""
        # Training is not idempotent: retry only failures that show the request was not handled.
        return self.call("POST", "/train", body, retry_sent=False)

    # -- HTTP --------------------------------------------------------------------------

    def _optional(self, method, path, body=None):
        try:
            return self.call(method, path, body)
        except BackendError as error:
            if error.status in (404, 405, 410):
                return None
            raise

    def call(self, method, path, body=None, retry_sent=True):
        """The JSON answer of one request, retrying transient failures; BackendError otherwise."""
        payload = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        for attempt in range(self.retries + 1):
            try:
                status, text = self._exchange(method, path, payload)
            except ConnectionRefusedError:
                failure, transient = "connection refused", True
            except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as error:
                failure, transient = f"connection lost ({error.__class__.__name__})", retry_sent
            except (socket.timeout, TimeoutError):
                failure, transient = f"no answer within {self.timeout:g} s", False
            except (OSError, http.client.HTTPException) as error:
                failure, transient = str(error) or error.__class__.__name__, False
            else:
                if status < 300:
                    return _json_answer(path, text)
                failure = f"{path} answered HTTP {status}: {backend_message(text)}"
                if status not in _TRANSIENT_STATUSES or attempt == self.retries:
                    raise BackendError(failure, status)
                transient = True
            self.close()
            if not transient or attempt == self.retries:
                raise BackendError(failure)
            time.sleep(defaults.ML_RETRY_DELAY * 2 ** attempt)

    def _exchange(self, method, path, payload):
        """(status, text) of one request; the answer must arrive whole within the timeout."""
        deadline = time.monotonic() + self.timeout
        if self._connection is None:
            self._connection = self._open()
        headers = {"User-Agent": f"lsdesk/{__version__}", "Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        self._connection.request(method, self._prefix + path, body=payload, headers=headers)
        response = self._connection.getresponse()
        body, size = [], 0
        while chunk := response.read(1 << 16):
            size += len(chunk)
            if size > _MAX_ANSWER_BYTES:
                self.close()
                raise BackendError(f"{path} answered with more than {_MAX_ANSWER_BYTES:,} bytes")
            if time.monotonic() > deadline:
                raise TimeoutError
            body.append(chunk)
        if response.will_close:
            self.close()
        return response.status, b"".join(body).decode("utf-8", "replace")

    def _open(self):
        kind = http.client.HTTPSConnection if self._scheme == "https" else http.client.HTTPConnection
        connection = kind(self._netloc, timeout=self.timeout)
        connection.connect()
        # Headers and body go out in separate writes; without this each request would wait for
        # the backend's delayed ACK (about 40 ms).
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection


def _json_answer(path, text):
    try:
        return json.loads(text)
    except ValueError:
        raise BackendError(f"{path} answered with something that is not JSON: {backend_message(text)}") from None
