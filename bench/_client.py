"""The benchmark's side of the wire: `lsdesk serve` in a subprocess, and one connection per HTTP request."""

import http.client
import json
import subprocess
import sys
import time
from pathlib import Path


class UnexpectedAnswer(RuntimeError):
    """The server answered with another status than the benchmark expected."""


class Api:
    """Requests to a server on 127.0.0.1:`port`, each on a new connection (the server closes them anyway)."""

    def __init__(self, port):
        self.port = port

    def send(self, method, path, body=None):
        """(status, raw answer) of one request; `body` is bytes sent as JSON."""
        headers = {} if body is None else {"Content-Type": "application/json"}
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def call(self, method, path, payload=None, expect=200):
        """Send `payload` as JSON and return the decoded answer (None when it is empty)."""
        body = None if payload is None else json.dumps(payload).encode()
        raw = self._checked(method, path, *self.send(method, path, body), expect)
        return json.loads(raw) if raw else None

    def timed(self, method, path, body=None, expect=200):
        """Seconds from opening the connection to the last byte of the answer."""
        started = time.perf_counter()
        status, raw = self.send(method, path, body)
        elapsed = time.perf_counter() - started
        self._checked(method, path, status, raw, expect)
        return elapsed

    @staticmethod
    def _checked(method, path, status, raw, expect):
        if status != expect:
            raise UnexpectedAnswer(f"{method} {path}: expected {expect}, got {status}: {raw[:300]!r}")
        return raw


class Server:
    """`lsdesk serve` on a free port; `launched` is the perf_counter() reading taken just before starting it.

    It runs in its data folder, so `python -m lsdesk` imports the lsdesk this interpreter would import,
    never a copy that happens to sit in the caller's working directory.
    """

    def __init__(self, data_dir, project=None):
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "lsdesk", "serve", "--port", "0", "--data-dir", str(data_dir)]
        if project is not None:
            command += ["--project", str(project)]
        self.launched = time.perf_counter()
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, cwd=data_dir)
        line = self.process.stdout.readline()
        if " at http://" not in line:
            self.stop()
            raise RuntimeError(f"lsdesk serve did not start; it printed {line!r}")
        self.api = Api(int(line.rsplit(":", 1)[1]))

    def memory_mb(self):
        """The server's resident set size now and at its peak (VmRSS, VmHWM), in MB (10^6 bytes)."""
        with open(f"/proc/{self.process.pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status)
        return tuple(int(fields[name].split()[0]) * 1024 / 1e6 for name in ("VmRSS", "VmHWM"))

    def stop(self):
        """SIGTERM, which makes the server checkpoint and close its project files, then wait for it."""
        self.process.terminate()
        self.process.wait(timeout=300)
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
