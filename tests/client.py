"""A tiny HTTP client for tests: real requests to a real server, answers as (status, body); and the
server, `lsdesk serve` in a process of its own."""

import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


class Response:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw

    @property
    def json(self):
        return json.loads(self.raw)

    def __repr__(self):
        return f"<Response {self.status} {self.raw[:300]!r}>"


class Client:
    def __init__(self, base_url):
        self.base_url = base_url

    def request(self, method, path, body=None, json_body=None, headers=None):
        headers = dict(headers or {})
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode()
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.request("POST", path, json_body=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.request("PATCH", path, json_body=json, **kwargs)

    def delete(self, path, json=None, **kwargs):
        return self.request("DELETE", path, json_body=json, **kwargs)


class ProcessServer:
    """`python -m lsdesk serve` in a new interpreter on a free loopback port, for tests that need the real
    process (its pid, stdout and stderr, a SIGKILL); it takes ~0.4 s to start where a Server takes ~20 ms."""

    def __init__(self, data_dir, *args):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "lsdesk", "serve", "--port", "0", "--data-dir", str(data_dir), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if "http://" not in line:
            self.process.kill()
            raise RuntimeError(f"server did not start: {line}{self.process.stderr.read()}")
        self.url = line.strip().split(" at ")[-1]
        self.port = int(self.url.rsplit(":", 1)[1])
        self.client = Client(self.url)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class Server:
    """`lsdesk serve` on a free loopback port, in a process forked from one that has imported lsdesk already:
    it starts in milliseconds where a new interpreter takes ~0.4 s, so each test can have a server of its own.
    It runs what `python -m lsdesk serve` runs (lsdesk.cli.main) and stops on SIGTERM as on Ctrl+C."""

    def __init__(self, data_dir, *args, answer=None):
        answer = answer or _ask_forker({"start": ["serve", "--port", "0", "--data-dir", str(data_dir), *args]})
        if "url" not in answer:
            raise RuntimeError(f"server did not start (exit code {answer['exit']}): {answer['output']}")
        self.data_dir = Path(answer.get("data_dir", data_dir))
        self.pid = answer["pid"]
        self.url = answer["url"]
        self.port = int(self.url.rsplit(":", 1)[1])
        self.client = Client(self.url)

    @classmethod
    def ready_in(cls, folder):
        """A server on a new workspace in `folder`, started while the previous test ran (the next one
        starts while this one runs): a test that has its own server does not wait for it."""
        return cls(None, answer=_ask_forker({"ready_in": str(folder)}))

    def stop(self):
        _ask_forker({"stop": self.pid})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


_forker = None


def _ask_forker(request):
    global _forker
    if _forker is None or _forker.poll() is not None:
        _forker = subprocess.Popen([sys.executable, "-c", "from tests.client import forker; forker()"],
                                   cwd=Path(__file__).resolve().parents[1], text=True,
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    _forker.stdin.write(json.dumps(request) + "\n")
    _forker.stdin.flush()
    return json.loads(_forker.stdout.readline())


def forker():
    """The forking process: imports lsdesk once, then starts and stops `lsdesk serve` processes as asked on
    stdin, answering one JSON line each: {"start": argv}, {"stop": pid}, or {"ready_in": folder} for a
    server started ahead on a new workspace in that folder. A server's stdout and stderr go to an unnamed
    file, read for its URL or, if it exits instead, for why. When stdin closes (the test run is over) it
    stops the servers still running."""
    from lsdesk import cli

    _warm_up()
    running, spares, workspaces = set(), {}, itertools.count()

    def start(argv):
        output = tempfile.TemporaryFile()
        pid = _fork_server(cli, argv, output.fileno())
        running.add(pid)
        return pid, output

    def started(pid, output):
        with output:
            return _wait_for_url(pid, output.fileno())

    def spare_in(folder):
        data_dir = os.path.join(folder, f"workspace-{next(workspaces)}")
        return (data_dir, *start(["serve", "--port", "0", "--data-dir", data_dir]))

    for line in sys.stdin:
        request = json.loads(line)
        if "start" in request:
            answer = started(*start(request["start"]))
        elif "ready_in" in request:
            folder = request["ready_in"]
            data_dir, pid, output = spares.pop(folder, None) or spare_in(folder)
            answer = {**started(pid, output), "data_dir": data_dir}
            spares[folder] = spare_in(folder)
        else:
            running.discard(request["stop"])
            answer = {"exit": _stop(request["stop"])}
        print(json.dumps(answer), flush=True)
    for pid in running:
        _stop(pid)


def _warm_up():
    """Make a project and an app once, so each fork finds that code's lazy imports and caches ready
    (it halves a server's start); no thread is left running to be lost in a fork."""
    import shutil
    import threading

    from lsdesk.app import make_app
    from lsdesk.workspace import Workspace

    folder = tempfile.mkdtemp(prefix="lsdesk-warm-up-")
    workspace = Workspace(folder)
    workspace.active()
    make_app(workspace)
    workspace.close()
    shutil.rmtree(folder)
    assert threading.active_count() == 1, threading.enumerate()


def _fork_server(cli, argv, output):
    sys.stdout.flush()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        code = cli.main(argv) or 0
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 1
    except BaseException:
        import traceback
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _wait_for_url(pid, output, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        first_line = os.pread(output, 4096, 0).decode(errors="replace").partition("\n")[0]
        if "http://" in first_line:
            return {"pid": pid, "url": first_line.strip().split(" at ")[-1]}
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return {"pid": pid, "exit": os.waitstatus_to_exitcode(status),
                    "output": os.pread(output, 1 << 16, 0).decode(errors="replace")}
        time.sleep(0.002)
    return {"pid": pid, "exit": _stop(pid), "output": os.pread(output, 1 << 16, 0).decode(errors="replace")}


def _stop(pid, seconds=30):
    """SIGTERM (lsdesk serve stops as on Ctrl+C), then SIGKILL if it is still there after `seconds`."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.002)
        os.kill(pid, signal.SIGKILL)
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except (ChildProcessError, ProcessLookupError):
        return None
