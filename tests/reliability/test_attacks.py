"""What a web page, a hostile file or a misbehaving client can try against the local server, and its refusal.

Routes are read from the app itself, so a route added later is attacked too: foreign Host
on every route (DNS rebinding), foreign Origin and cross-site fetches on every state-changing
route, CORS preflights, path traversal on every file-serving route, uploads that carry script,
script in task data, oversized and malformed bodies, and a client that sends its body byte by byte.
"""

import http.client
import json
import re
import socket
import threading
import time

import pytest

from lsdesk import settings as defaults
from lsdesk.app import make_app
from lsdesk.workspace import Workspace
from tests.client import Server

_SAFE = {"GET", "HEAD"}
_FOREIGN_HOSTS = ["evil.example", "evil.example:{port}", "localhost.evil.com", "127.0.0.1.nip.io", "0x7f000001",
                  "[::ffff:127.0.0.1]:{port}", "evil.example#@localhost", "localhost:{port}@evil.example"]
_FOREIGN_ORIGINS = ["https://evil.example", "null", "http://localhost:{other_port}", "http://127.0.0.1.nip.io:{port}",
                    "file://", "http://localhost.evil.com:{port}", "chrome-extension://abcdef"]
# Answers that would mean a file outside what the route serves was read.
_SECRETS = [b"root:", b"[build-system]", b"SQLite format 3", b"BUSY_TIMEOUT_MS", b"PRIVATE"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with Server(tmp_path_factory.mktemp("attacks")) as running:
        yield running


@pytest.fixture
def api(server, request):
    assert server.client.post("/api/project", json={"desc": request.node.name}).status == 201
    assert server.client.post("/api/project/import", json=[{"text": "kept"}]).status == 201
    return server.client


@pytest.fixture(scope="module")
def app_rules(tmp_path_factory):
    """(method, rule) of every route of the app."""
    app = make_app(Workspace(tmp_path_factory.mktemp("routes")))
    return sorted({(route.method, route.rule) for route in app.app.routes})


@pytest.fixture(scope="module")
def routes(app_rules):
    """(method, path) of every route, with each URL parameter filled in."""
    return sorted({(method, re.sub(r"<[^>]+>", "1", rule)) for method, rule in app_rules})


def raw(server, method, path, headers=None, body=None, host=None):
    """A request exactly as given: our Host unless `host` says otherwise, no other header added."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or f"127.0.0.1:{server.port}")
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    answer = connection.getresponse()
    content = answer.read()
    connection.close()
    return answer.status, answer.headers, content


def snapshot(api):
    return api.get("/api/project").raw, api.get("/api/tasks?page_size=50").raw


def _grants_cors(headers):
    return any(name.lower().startswith("access-control-allow") for name in headers)


def test_foreign_host_is_refused_on_every_route(server, api, routes):
    before, tried, failures = snapshot(api), 0, []
    for method, path in routes:
        for host in _FOREIGN_HOSTS:
            host = host.format(port=server.port)
            status, headers, body = raw(server, method, path, {"Content-Type": "application/json"}, b"{}", host=host)
            tried += 1
            if status != 403 or (method != "HEAD" and b"is not this server" not in body) or _grants_cors(headers):
                failures.append((method, path, host, status))
    assert failures == []
    assert tried == len(routes) * len(_FOREIGN_HOSTS)
    assert snapshot(api) == before


def test_foreign_origin_is_refused_on_every_state_changing_route(server, api, routes):
    before, failures = snapshot(api), []
    writes = [(method, path) for method, path in routes if method not in _SAFE]
    assert len(writes) > 20
    for method, path in writes:
        for origin in _FOREIGN_ORIGINS:
            origin = origin.format(port=server.port, other_port=server.port + 1)
            status, headers, _ = raw(server, method, path, {"Origin": origin, "Content-Type": "application/json"},
                                     b'[{"text": "injected"}]')
            if status != 403 or _grants_cors(headers):
                failures.append((method, path, origin, status))
        # A cross-site fetch that sends no Origin (a form post from a browser that leaves it out).
        status, _, _ = raw(server, method, path, {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
                           b'[{"text": "injected"}]')
        if status != 403:
            failures.append((method, path, "Sec-Fetch-Site: cross-site", status))
    assert failures == []
    assert snapshot(api) == before


def test_cors_preflight_grants_nothing(server, api, routes):
    failures = []
    for path in sorted({path for _, path in routes}):
        for origin in ("https://evil.example", f"http://127.0.0.1:{server.port}"):
            status, headers, _ = raw(server, "OPTIONS", path, {
                "Origin": origin, "Access-Control-Request-Method": "DELETE",
                "Access-Control-Request-Headers": "content-type"})
            if _grants_cors(headers) or status < 400 or status >= 500:
                failures.append((path, origin, status))
    assert failures == []


_TRAVERSALS = ["../pyproject.toml", "..%2fpyproject.toml", "%2e%2e%2fpyproject.toml", "%2e%2e/%2e%2e/etc/passwd",
               "..%252fpyproject.toml", "%252e%252e%252fpyproject.toml", "..\\pyproject.toml", "..%5cpyproject.toml",
               "..%5c..%5cetc%5cpasswd", "%00", "index.html%00.png", "..%00/pyproject.toml", "/etc/passwd",
               "%2fetc%2fpasswd", "....//....//etc/passwd", "..;/pyproject.toml", "../" * 12 + "etc/passwd",
               "..%c0%af..%c0%afetc/passwd", "%c0%ae%c0%ae/pyproject.toml", "../lsdesk/settings.py",
               "/work/main/pyproject.toml", "file:///etc/passwd", "{project}", "..%2f..%2f{project}"]


def test_path_traversal_is_refused_on_every_file_route(server, api, app_rules):
    """Every route that takes a path (`<name:path>`) is a file route."""
    project = api.get("/api/project").json["path"]
    prefixes = sorted({rule[:rule.index("/<")] for method, rule in app_rules if method == "GET" and ":path>" in rule})
    assert {"/assets", "/data/upload"} <= set(prefixes)
    failures, tried = [], 0
    for prefix in prefixes:
        for attack in _TRAVERSALS:
            attack = attack.replace("{project}", project.lstrip("/").replace("/", "%2f"))
            status, _, body = raw(server, "GET", f"{prefix}/{attack}")
            tried += 1
            if status not in (400, 403, 404) or any(secret in body for secret in _SECRETS):
                failures.append((prefix, attack, status, body[:80]))
    assert failures == [] and tried >= 2 * len(_TRAVERSALS)


def _upload(api, name, content):
    boundary = "attackboundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    answer = api.request("POST", "/api/project/import", body=body,
                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert answer.status == 201, answer
    return api.get(f"/api/tasks/{answer.json['new_task_ids'][0]}").json["data"]


_PAGE = b"<html><body><script>alert(document.cookie)</script></body></html>"
_XML_PAGE = (b'<x xmlns:h="http://www.w3.org/1999/xhtml"><h:script>alert(document.cookie)</h:script></x>')
# Files kept as uploads (.html, .htm and .xml become task text instead) that a browser would run.
_SCRIPT_FILES = {
    "evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>',
    "evil.svgz": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    "evil.xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
    "evil.shtml": _PAGE,
    "evil.js": b"alert(1)",
    "evil.mjs": b"alert(1)",
    "evil.xsl": _XML_PAGE,
    "evil.rdf": _XML_PAGE,
    "evil.atom": _XML_PAGE,
    "evil.mml": _XML_PAGE,
}


@pytest.mark.parametrize("name", sorted(_SCRIPT_FILES))
def test_uploaded_file_that_can_run_script_is_served_as_an_inert_attachment(server, name):
    api = server.client
    assert api.post("/api/project", json={"desc": name}).status == 201
    [url] = _upload(api, name, _SCRIPT_FILES[name]).values()
    status, headers, body = raw(server, "GET", url)
    assert status == 200 and body == _SCRIPT_FILES[name]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert headers["Content-Security-Policy"] == "sandbox"


def test_html_in_a_file_named_like_an_image_is_served_as_that_image_unsniffed(server, api):
    [url] = _upload(api, "photo.png", _PAGE).values()
    _, headers, _ = raw(server, "GET", url)
    assert (headers["Content-Type"], headers["X-Content-Type-Options"]) == ("image/png", "nosniff")


@pytest.mark.parametrize("name", ["../../evil.svg", "..\\..\\evil.svg", "..%2f..%2fevil.svg", "ev'il;x=y.svg",
                                  "/etc/passwd.svg", "C:\\Windows\\evil.svg"])
def test_upload_name_cannot_reach_outside_or_break_headers(server, api, name):
    [url] = _upload(api, name, _PAGE).values()
    stored = url.removeprefix("/data/upload/")
    assert re.fullmatch(r"[0-9a-f]{16}-[\w.\-]+", stored), url
    _, headers, _ = raw(server, "GET", url)
    assert headers["Content-Disposition"] == f'attachment; filename="{stored}"'


def test_script_in_task_data_is_stored_and_returned_as_data(server, api):
    data = {"text": "<script>alert(1)</script>", "html": '<img src=x onerror="alert(2)">',
            "image": "javascript:alert(3)", "link": "JaVaScRiPt:alert(4)"}
    assert api.post("/api/project/import", json=[data]).status == 201
    status, headers, body = raw(server, "GET", "/api/tasks?page_size=10&order=-id")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body)[0]["data"] == data


def test_form_body_beyond_the_memory_limit_is_413_and_writes_nothing(server, api):
    before = snapshot(api)
    status, _, body = raw(server, "POST", "/api/project/import",
                          {"Content-Type": "application/x-www-form-urlencoded"}, b"url=" + b"x" * 200_000)
    assert status == 413, body
    assert snapshot(api) == before


@pytest.mark.parametrize("method,path", [("PATCH", "/api/project"), ("POST", "/api/project/config"),
                                         ("POST", "/api/tasks/1/completions"), ("PUT", "/api/tasks/1/draft")])
def test_json_body_claiming_more_than_the_limit_is_413_before_it_is_read(server, api, method, path):
    before = snapshot(api)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                           "Content-Type: application/json\r\n"
                           f"Content-Length: {defaults.MAX_JSON_BODY_BYTES + 1}\r\n\r\n{{".encode())
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.0 413"), answer[:200]
    assert snapshot(api) == before


@pytest.mark.parametrize("length", ["abc", "1e3", "10, 20", "-5", "٣"])
def test_content_length_that_is_no_number_is_400(server, api, length):
    before = snapshot(api)
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as connection:
        connection.sendall(f"POST /api/project/import HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                           f"Content-Type: application/json\r\nContent-Length: {length}\r\n"
                           "Connection: close\r\n\r\n".encode() + b'[{"text": "x"}]')
        connection.shutdown(socket.SHUT_WR)
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.0 400"), answer[:200]
    assert snapshot(api) == before


class _Trickle(threading.Thread):
    """A client sending a request body one byte at a time."""

    def __init__(self, server, method, path, body, delay):
        super().__init__(daemon=True)
        self.server, self.method, self.path, self.body, self.delay = server, method, path, body, delay
        self.answer = b""
        self.last_byte_sent = None

    def run(self):
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=60) as connection:
            connection.sendall(f"{self.method} {self.path} HTTP/1.1\r\nHost: 127.0.0.1:{self.server.port}\r\n"
                               f"Content-Type: application/json\r\nContent-Length: {len(self.body)}\r\n"
                               "Connection: close\r\n\r\n".encode())
            for byte in self.body:
                time.sleep(self.delay)
                connection.sendall(bytes([byte]))
            self.last_byte_sent = time.monotonic()
            while chunk := connection.recv(65536):
                self.answer += chunk


@pytest.mark.parametrize("method,path", [("POST", "/api/project/import"), ("PATCH", "/api/project")])
def test_slow_client_blocks_no_other_request(server, api, method, path):
    body = b'[{"text": "slow"}]' if path.endswith("import") else b'{"title": "slowly"}'
    slow = _Trickle(server, method, path, body, delay=2.0 / len(body))
    slow.start()
    time.sleep(0.2)
    task_id = api.get("/api/tasks").json[0]["id"]
    assert api.post("/api/project/import", json=[{"text": "fast"}]).status == 201
    assert api.post(f"/api/tasks/{task_id}/completions", json={"result": []}).status == 201
    assert api.patch("/api/project", json={"description": "fast"}).status == 201
    assert api.get("/api/project/export?format=JSON").status == 200
    others_done = time.monotonic()
    slow.join(timeout=30)
    assert others_done < slow.last_byte_sent, "the other requests waited for the slow body"
    assert slow.answer.split(b" ")[1] == b"201", slow.answer[:300]


_EXTERNAL = '<!DOCTYPE View [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_LAUGHS = ('<!DOCTYPE View [<!ENTITY a "lollollollollol">'
           + "".join(f'<!ENTITY {b} "{("&" + a + ";") * 10}">' for a, b in zip("abcdefgh", "bcdefghi")) + "]>")


@pytest.mark.parametrize("xml", [
    f'{_EXTERNAL}<View><Header value="&xxe;"/><Text name="text" value="$text"/></View>',
    f'{_EXTERNAL}<View><Header value="x">&xxe;</Header><Text name="text" value="$text"/></View>',
    f'{_LAUGHS}<View><Header value="&i;"/><Text name="text" value="$text"/></View>',
    f'{_LAUGHS}<View><Header value="x">&i;</Header><Text name="text" value="$text"/></View>'],
    ids=["external entity in attribute", "external entity in text", "billion laughs in attribute",
         "billion laughs in text"])
def test_entities_in_a_config_are_never_expanded(server, api, xml):
    for path in ("/api/project/config", "/api/validate-config", "/api/import-example"):
        answer = api.request("POST", path, body=xml, headers={"Content-Type": "application/xml"})
        assert answer.status < 500 and b"root:" not in answer.raw and b"lollollollollollol" not in answer.raw
    shown = api.get("/api/project").raw
    assert b"root:" not in shown and b"lollollollollollol" not in shown
