"""The benchmark's side of the wire: `lsdesk serve` in a subprocess, and one connection per HTTP request."""

import http.client
import json
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

BLOCK = 1 << 20  # bytes of a file sent, or of an answer read, at a time


class UnexpectedAnswer(RuntimeError):
    """The server answered with another status than the benchmark expected."""


class Api:
    """Requests to a server on 127.0.0.1:`port`, each on a new connection (the server closes them anyway)."""

    def __init__(self, port):
        self.port = port

    def send(self, method, path, body=None, headers=None):
        """(status, raw answer) of one request; `body` is bytes sent as JSON, unless `headers` are given
        (then `body` may be any iterable of bytes, with its Content-Length among the headers)."""
        if headers is None:
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

    def timed(self, method, path, body=None, expect=200, headers=None):
        """Seconds from opening the connection to the last byte of the answer."""
        started = time.perf_counter()
        status, raw = self.send(method, path, body, headers)
        elapsed = time.perf_counter() - started
        self._checked(method, path, status, raw, expect)
        return elapsed

    def upload(self, path, files, expect=201):
        """POST `files` (paths) as multipart/form-data and return the decoded answer."""
        headers, body = multipart(files)
        raw = self._checked("POST", path, *self.send("POST", path, body, headers), expect)
        return json.loads(raw) if raw else None

    def download(self, path, expect=200):
        """GET `path`, reading the answer block by block as it arrives and keeping none of it."""
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            if response.status != expect:
                self._checked("GET", path, response.status, response.read(), expect)
            size, first_byte = 0, None
            while block := response.read1(BLOCK):
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                size += len(block)
            seconds = time.perf_counter() - started
            return Download(size, seconds if first_byte is None else first_byte, seconds)
        finally:
            connection.close()

    @staticmethod
    def _checked(method, path, status, raw, expect):
        if status != expect:
            raise UnexpectedAnswer(f"{method} {path}: expected {expect}, got {status}: {raw[:300]!r}")
        return raw


@dataclass(frozen=True)
class Download:
    """An answer read by Api.download: its body's size, and seconds from opening the connection to its first
    and to its last byte."""

    size: int
    first_byte: float
    seconds: float


def multipart(files):
    """(headers, body) of a multipart/form-data request with one part per file, named after the file.

    The body is a generator that reads each file in BLOCK pieces as it is sent, so it serves one request.
    """
    boundary = uuid.uuid4().hex
    files = [Path(file) for file in files]
    heads = [(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{file.name}\"; "
              f"filename=\"{file.name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").encode()
             for file in files]
    tail = f"--{boundary}--\r\n".encode()
    length = sum(len(head) + file.stat().st_size + 2 for head, file in zip(heads, files)) + len(tail)

    def body():
        for head, file in zip(heads, files):
            yield head
            with open(file, "rb") as stream:
                while block := stream.read(BLOCK):
                    yield block
            yield b"\r\n"
        yield tail

    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)}
    return headers, body()


def status_mb(pid, names=("VmRSS", "VmHWM")):
    """The fields `names` of /proc/<pid>/status (VmRSS, VmHWM, ...) in MB (10^6 bytes)."""
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return tuple(int(fields[name].split()[0]) * 1024 / 1e6 for name in names)


class PeakRss:
    """The highest VmRSS of process `pid` while in the `with` block, read every `interval` seconds in a thread."""

    def __init__(self, pid, interval=0.05):
        self.pid, self.interval = pid, interval
        self.mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _sample(self):
        self.mb = max(self.mb, status_mb(self.pid, ("VmRSS",))[0])

    def _poll(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self):
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()


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
        return status_mb(self.process.pid)

    def peak_rss(self, interval=0.05):
        """A PeakRss of the server: `with server.peak_rss() as peak: ...`, then peak.mb."""
        return PeakRss(self.process.pid, interval)

    def stop(self):
        """SIGTERM, which makes the server checkpoint and close its project files, then wait for it."""
        self.process.terminate()
        self.process.wait(timeout=300)
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
