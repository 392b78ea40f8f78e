"""Helpers, model stubs, unknown routes and the error envelope."""


def test_health_and_version(api):
    assert api.get("/api/health").json == {"status": "up"}
    version = api.get("/version").json
    assert version["label-studio-backend"] == "0.8.2"
    assert "lsdesk" in version


def test_unknown_api_route_is_json_404(api):
    answer = api.get("/api/nothing/here")
    assert answer.status == 404
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json == {"detail": "No such URL: /api/nothing/here", "status": 404}


def test_wrong_method_is_json_405(api):
    answer = api.request("PUT", "/api/tasks")
    assert answer.status == 405
    assert answer.json["status"] == 405


def test_trailing_slashes_are_accepted(api):
    assert api.get("/api/tasks/").status == 200
    assert api.get("/api/health/").status == 200


def test_models_without_a_backend(api):
    assert api.get("/api/models").json == {"models": [], "backends": []}
    assert api.post("/api/models/train").status == 400
    assert api.get("/api/models/predictions?mode=data").json == {"detail": "No ML backend", "status": 400}
    assert api.delete("/api/models", json={"name": "nope"}).status == 404
