"""A small ML backend for tests: speaks the Label Studio ML protocol on 127.0.0.1 and records requests.

    with MLBackend(shape="0.8") as backend:
        ... backend.url ...; backend.requests; backend.delays["/predict"] = 3

or on its own, printing its URL: python -m tests.ml_backend

Every prediction chooses `backend.choice` for the Choices "sentiment" of Text "text", scored by
the task's data["score"] (0.5 when absent). Knobs, all changeable while it runs:
- shape: "1.x" ({"results", "model_version"}), "0.8" ({"results"} only), "first-only" (answers
  only the first task of a request, as many 0.8 servers do), "one-task-only" (a 500 for more than
  one task per request), "bare-list" (a list of result lists);
- delays: {path: seconds} before answering; errors: {path: (status, body)} answered instead;
- flaky: {path: [status or "reset", ...]} answered once each, in order, before answering normally;
- training: what /is_training says (None: no such route); job_status: what /job_status says
  (None: no such route); train_job: the job id /train returns (None: {}).
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class MLBackend:
    def __init__(self, shape="1.x", model_version="v1", choice="Positive"):
        self.shape = shape
        self.model_version = model_version
        self.choice = choice
        self.delays, self.errors, self.flaky = {}, {}, {}
        self.training = False
        self.job_status = None
        self.train_job = "job-1"
        self.requests = []
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", 0), _handler_for(self))
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self):
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def calls(self, path):
        """The bodies (or query) of the requests to `path`, in order."""
        return [body for _method, called, body in list(self.requests) if called == path]

    def answer(self, method, path, query, body):
        """(status, JSON-able body, or "reset" to drop the connection) for one request."""
        with self._lock:
            self.requests.append((method, path, body if method == "POST" else query))
            flaky = self.flaky.get(path)
            planned = flaky.pop(0) if flaky else None
        time.sleep(self.delays.get(path, 0))
        if planned == "reset":
            return "reset", None
        if planned is not None:
            return planned, {"detail": f"transient {planned}"}
        if path in self.errors:
            return self.errors[path]
        route = {"/health": self._health, "/setup": self._setup, "/predict": self._predict, "/train": self._train,
                 "/is_training": self._is_training, "/job_status": self._job_status,
                 "/delete": self._delete}.get(path)
        return route(body) if route else (404, {"detail": "not found"})

    def _health(self, _body):
        return 200, {"status": "UP", "model_dir": "/tmp/models"}

    def _setup(self, _body):
        return 200, {"model_version": self.model_version}

    def _predict(self, body):
        if self.shape == "one-task-only" and len(body["tasks"]) > 1:
            return 500, {"detail": "IndexError: list index out of range"}
        tasks = body["tasks"][:1] if self.shape == "first-only" else body["tasks"]
        results = [{"result": self.result(), "score": task["data"].get("score", 0.5)} for task in tasks]
        if self.shape == "bare-list":
            return 200, [[*prediction["result"]] for prediction in results]
        if self.shape in ("0.8", "first-only"):
            return 200, {"results": results}
        return 200, {"results": results, "model_version": self.model_version}

    def result(self):
        return [{"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [self.choice]}}]

    def _train(self, body):
        if not body.get("completions") and not body.get("annotations"):
            return 400, "No completions found."
        return 201, {"job": self.train_job} if self.train_job else {}

    def _is_training(self, _body):
        if self.training is None:
            return 404, {"detail": "not found"}
        return 200, {"is_training": self.training, "backend": "none", "model_version": self.model_version}

    def _delete(self, _body):
        return 200, {}

    def _job_status(self, _body):
        if self.job_status is None:
            return 404, {"detail": "not found"}
        return 200, {"job_status": self.job_status}


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # lsdesk hanging up on a slow answer (timeout tests) is no error of the backend


def _handler_for(backend):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _serve(self):
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            status, answer = backend.answer(self.command, parts.path, parse_qs(parts.query), body)
            if status == "reset":
                self.close_connection = True
                return
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, format, *args):
            pass

    return Handler


if __name__ == "__main__":
    # `python -m tests.ml_backend`: serve until killed, for benchmarks and trying the Models page by hand.
    backend = MLBackend()
    print(backend.url, flush=True)
    backend._server.serve_forever()
