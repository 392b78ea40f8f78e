"""A stdlib proxy in front of the real Label Studio server that makes the faults the server itself cannot be
made to show: an answer lost after the server did the work, and a 500."""

import http.server
import threading
import urllib.error
import urllib.request


class FaultyProxy:
    """Forwards every request to `target`; the n-th request a rule matches is spoiled once.

    `drop_after(match, n)`: the request reaches the server, its answer is lost (the connection closes).
    `fail(match, n)`: the server never sees the request; the client gets a 500."""

    def __init__(self, target):
        self.target = target.rstrip("/")
        self.rules = []
        self.seen = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) or None
                proxy.seen.append((self.command, self.path))
                rule = proxy._spoiling(self.command, self.path)
                if rule and rule[0] == "fail":
                    self.send_response(500)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"detail": "injected failure"}')
                    return
                headers = {key: value for key, value in self.headers.items() if key.lower() not in ("host", "connection")}
                request = urllib.request.Request(proxy.target + self.path, data=body, method=self.command, headers=headers)
                try:
                    with urllib.request.urlopen(request, timeout=300) as answer:
                        status, answer_headers, content = answer.status, answer.headers, answer.read()
                except urllib.error.HTTPError as error:
                    status, answer_headers, content = error.code, error.headers, error.read()
                if rule and rule[0] == "drop":
                    self.close_connection = True
                    return
                self.send_response(status)
                for key, value in answer_headers.items():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def drop_after(self, match, nth=1):
        self.rules.append(["drop", match, nth])

    def fail(self, match, nth=1):
        self.rules.append(["fail", match, nth])

    def _spoiling(self, method, path):
        for rule in self.rules:
            if rule[1](method, path):
                rule[2] -= 1
                if rule[2] == 0:
                    self.rules.remove(rule)
                    return rule
        return None

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
