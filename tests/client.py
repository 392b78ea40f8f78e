"""A tiny HTTP client for tests: real requests to a real server, answers as (status, body)."""

import json
import subprocess
import sys
import urllib.error
import urllib.request


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


class Server:
    """`lsdesk serve` in a subprocess on a free loopback port."""

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
