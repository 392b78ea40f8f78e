"""The local server refuses foreign Hosts (DNS rebinding) and foreign Origins (cross-site requests)."""

import http.client

import pytest


def raw(server, method, path, headers, body=None):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.putrequest(method, path, skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    if body is not None:
        connection.putheader("Content-Length", str(len(body)))
    connection.endheaders(body)
    answer = connection.getresponse()
    return answer.status, answer.read()


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8080", "127.0.0.1.nip.io", "localhost.evil.com"])
def test_foreign_host_is_refused(server, host):
    status, body = raw(server, "GET", "/api/project", {"Host": host})
    assert status == 403
    assert b"is not this server" in body


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]"])
def test_loopback_hosts_are_ours(server, host):
    status, _ = raw(server, "GET", "/api/health", {"Host": f"{host}:{server.port}"})
    assert status == 200


@pytest.mark.parametrize("method,path", [("POST", "/api/project/import"), ("DELETE", "/api/tasks"),
                                         ("PATCH", "/api/project"), ("POST", "/api/project/config"),
                                         ("GET", "/api/tasks"), ("OPTIONS", "/api/tasks")])
def test_foreign_origin_is_refused_and_nothing_changes(api, server, method, path):
    api.post("/api/project/import", json=[{"x": "kept"}])
    status, body = raw(server, method, path, {
        "Host": f"127.0.0.1:{server.port}", "Origin": "https://evil.example", "Content-Type": "application/json"},
        body=b'[{"x": "injected"}]' if method != "GET" else None)
    assert status == 403
    assert b"not allowed" in body
    assert [t["data"] for t in api.get("/api/tasks").json] == [{"x": "kept"}]


def test_other_local_port_is_a_foreign_origin(server):
    status, _ = raw(server, "POST", "/api/project", {
        "Host": f"localhost:{server.port}", "Origin": f"http://localhost:{server.port + 1}"}, body=b"")
    assert status == 403


def test_our_own_origin_may_write(server, api):
    status, _ = raw(server, "PATCH", "/api/project", {
        "Host": f"localhost:{server.port}", "Origin": f"http://localhost:{server.port}",
        "Content-Type": "application/json"}, body=b'{"title": "mine"}')
    assert status == 201


def test_cross_site_fetch_without_origin_cannot_write(server):
    status, _ = raw(server, "POST", "/api/project/import", {
        "Host": f"127.0.0.1:{server.port}", "Sec-Fetch-Site": "cross-site",
        "Content-Type": "application/json"}, body=b'{"x": 1}')
    assert status == 403


@pytest.mark.parametrize("path", ["/api/project-switch?uuid=0", "/api/project", "/data/upload/x.png"])
def test_other_sites_cannot_reach_the_api_or_files_even_with_a_get(server, path):
    """An <img> on another site must not switch projects or probe files; its page may still link to the app."""
    for site in ("cross-site", "same-site"):
        status, _ = raw(server, "GET", path, {"Host": f"127.0.0.1:{server.port}", "Sec-Fetch-Site": site,
                                              "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"})
        assert status == 403, (path, site)


def test_other_sites_may_link_to_the_app_page(server):
    status, _ = raw(server, "GET", "/", {"Host": f"127.0.0.1:{server.port}", "Sec-Fetch-Site": "cross-site",
                                         "Sec-Fetch-Mode": "navigate"})
    assert status == 200
