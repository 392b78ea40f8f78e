"""ML backends: the protocol client, connecting, listing, predicting (one task, live for `next`, jobs), training.

A real HTTP backend (tests/ml_backend.py) runs on loopback beside a real `lsdesk serve`.
"""

import json
import socket
import time

import pytest

from lsdesk.ml import client as client_module
from lsdesk.ml.answers import as_prediction, predict_results, task_for_backend, train_body
from lsdesk.ml.client import BackendClient, BackendError, backend_message, parse_backend
from tests.conftest import TEXT_CONFIG, choice
from tests.ml_backend import MLBackend


@pytest.fixture
def backend():
    with MLBackend() as running:
        yield running


@pytest.fixture
def project(api):
    assert api.post("/api/project/config", json={"label_config": TEXT_CONFIG}).status == 201
    return api


def import_texts(api, count, **extra):
    answer = api.post("/api/project/import", json=[{"text": f"text {i}", **extra} for i in range(count)])
    assert answer.status == 201, answer
    return answer.json["new_task_ids"]


def connect(api, backend, name="model"):
    answer = api.patch("/api/project", json={"ml_backend": f"{name}={backend.url}"})
    assert answer.status == 201, answer
    return answer


def wait_for(api, job, seconds=20):
    deadline = time.time() + seconds
    while job["state"] == "running" and time.time() < deadline:
        time.sleep(0.05)
        job = api.get(f"/api/jobs/{job['id']}").json
    return job


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# -- pure parts ------------------------------------------------------------------------------


def test_parse_backend_takes_url_or_name_equals_url():
    assert parse_backend("http://127.0.0.1:9090/") == (None, "http://127.0.0.1:9090")
    assert parse_backend("mine=https://models.local/api") == ("mine", "https://models.local/api")
    for bad in ("not a url", "ftp://host", "http://", "http://host:port", "=http://host"):
        with pytest.raises(ValueError):
            parse_backend(bad)
    with pytest.raises(ValueError, match='Specified string "not a url" doesn\'t look like URL.'):
        parse_backend("not a url")


def test_predict_answers_in_every_shape_give_one_prediction_per_task():
    result = choice("Positive")
    assert predict_results({"results": [{"result": result}], "model_version": 7}) == ([{"result": result}], "7")
    assert predict_results({"results": []}) == ([], None)
    assert predict_results([[*result]]) == ([[*result]], None)
    with pytest.raises(ValueError):
        predict_results({"predictions": []})
    assert as_prediction({"result": result, "score": 0.3}) == {"result": result, "score": 0.3}
    assert as_prediction(result) == {"result": result}
    assert as_prediction([{"result": result, "score": 1}, {"result": [], "score": 0}]) == {"result": result, "score": 1}
    assert as_prediction({"score": 1}) is None and as_prediction(None) is None and as_prediction([]) is None


def test_task_for_backend_makes_uploaded_file_urls_absolute():
    task = task_for_backend(3, {"image": "/data/upload/ab-x.png", "text": "/data is a word"}, "http://127.0.0.1:8080")
    assert task == {"id": 3, "data": {"image": "http://127.0.0.1:8080/data/upload/ab-x.png",
                                      "text": "/data is a word"}, "predictions": []}
    assert task_for_backend(None, {"text": "x"}, "") == {"data": {"text": "x"}, "predictions": []}


def test_train_body_sends_completions_as_0_8_and_annotations_as_1_x():
    cancelled = {"id": 2, "result": [], "was_cancelled": True}
    body = json.loads(train_body([{"id": 1, "data": {"text": "a"}, "completions": [cancelled]}], "m", "<View/>", "/p"))
    assert body["completions"] == body["annotations"]
    assert body["completions"][0]["annotations"] == [{**cancelled, "skipped": True}]
    assert body["project"] == "m" and body["params"]["project_full_path"] == "/p"


def test_backend_message_keeps_the_detail_of_an_error_envelope():
    assert backend_message('{"status": 500, "detail": "ValueError: boom", "result": {}}') == "ValueError: boom"
    assert backend_message('"No completions found."') == "No completions found."
    assert backend_message("<h1>Bad\n gateway</h1>") == "<h1>Bad gateway</h1>"


# -- the client against a real backend --------------------------------------------------------------


def test_client_retries_transient_failures_then_succeeds(backend):
    backend.flaky["/health"] = ["reset", 502]
    with BackendClient(backend.url, timeout=2, retries=2) as client:
        assert client.health()["status"] == "UP"
    assert len(backend.calls("/health")) == 3


def test_client_gives_up_after_retries_with_the_backends_own_message(backend):
    backend.flaky["/health"] = [503, 503, 503]
    with BackendClient(backend.url, timeout=2, retries=2) as client, pytest.raises(BackendError) as failure:
        client.health()
    assert str(failure.value) == "/health answered HTTP 503: transient 503"
    assert failure.value.status == 503


def test_client_does_not_retry_a_backend_error(backend):
    backend.errors["/predict"] = (500, {"status": 500, "detail": "ValueError: model exploded"})
    with BackendClient(backend.url, timeout=2) as client, pytest.raises(BackendError, match="model exploded"):
        client.predict([{"data": {"text": "x"}}], "m", "<View/>", "v1")
    assert len(backend.calls("/predict")) == 1


def test_client_times_out_on_a_slow_backend(backend):
    backend.delays["/predict"] = 2
    started = time.monotonic()
    with BackendClient(backend.url, timeout=0.3) as client, pytest.raises(BackendError, match="no answer within 0.3 s"):
        client.predict([{"data": {"text": "x"}}], "m", "<View/>", "v1")
    assert time.monotonic() - started < 1


def test_client_refuses_an_oversized_answer(backend, monkeypatch):
    monkeypatch.setattr(client_module, "_MAX_ANSWER_BYTES", 100_000)
    backend.errors["/predict"] = (200, {"results": ["x" * 200_000]})
    with BackendClient(backend.url, timeout=2) as client, \
            pytest.raises(BackendError, match="answered with more than 100,000 bytes"):
        client.predict([{"data": {"text": "x"}}], "m", "<View/>", "v1")
    with BackendClient(backend.url, timeout=2) as client:
        assert client.health()["status"] == "UP"


def test_client_reports_an_unreachable_backend():
    with BackendClient(f"http://127.0.0.1:{closed_port()}", timeout=1, retries=1) as client, \
            pytest.raises(BackendError, match="connection refused"):
        client.health()


def test_client_treats_404_of_optional_routes_as_absent(backend):
    backend.training, backend.job_status = None, None
    with BackendClient(backend.url, timeout=2) as client:
        assert client.is_training("m") is None
        assert client.job_status("job-1") is None


# -- connecting ------------------------------------------------------------------------------------


def test_connect_checks_health_and_setup_and_keeps_the_backend(project, backend):
    answer = connect(project, backend)
    assert answer.json["config"]["ml_backends"] == [{"url": backend.url, "name": "model"}]
    setup = backend.calls("/setup")[0]
    assert setup["project"] == "model" and setup["schema"].startswith("<View>")
    assert setup["hostname"].startswith("http://127.0.0.1:")
    assert backend.calls("/health")
    assert project.get("/api/models").json["models"] == ["model"]


def test_connect_without_name_makes_one_up(project, backend):
    answer = project.patch("/api/project", json={"ml_backend": backend.url})
    assert answer.status == 201
    [stored] = answer.json["config"]["ml_backends"]
    assert stored["url"] == backend.url and len(stored["name"]) > 4


def test_connect_refuses_bad_urls_unreachable_backends_and_duplicate_names(project, backend):
    answer = project.patch("/api/project", json={"ml_backend": "not a url"})
    assert (answer.status, answer.json["detail"]) == (400, 'Specified string "not a url" doesn\'t look like URL.')
    url = f"http://127.0.0.1:{closed_port()}"
    answer = project.patch("/api/project", json={"ml_backend": url})
    assert answer.status == 400
    assert answer.json["detail"] == f'ML backend with URL: "{url}" is not connected. Connection refused.'
    backend.errors["/setup"] = (500, {"detail": "no model for this config"})
    answer = project.patch("/api/project", json={"ml_backend": backend.url})
    assert answer.status == 400 and "no model for this config" in answer.json["detail"]
    del backend.errors["/setup"]
    connect(project, backend)
    assert project.patch("/api/project", json={"ml_backend": f"model={backend.url}"}).status == 409
    assert project.patch("/api/project", json={"ml_backend": 5}).status == 400
    assert project.get("/api/models").json["models"] == ["model"]


def test_models_lists_health_version_and_training_without_waiting_on_slow_backends(project, backend):
    with MLBackend() as slow:
        connect(project, backend, "fast")
        connect(project, slow, "slow")
        slow.delays["/health"] = 10
        backend.model_version, backend.training = "v2", True
        started = time.monotonic()
        answer = project.get("/api/models").json
        assert time.monotonic() - started < 5
    assert answer["models"] == ["fast", "slow"]
    fast, slow_status = answer["backends"]
    assert fast == {"name": "fast", "url": backend.url, "connected": True, "model_version": "v2",
                    "is_training": True, "error": None}
    assert slow_status["connected"] is False and "no answer within" in slow_status["error"]


def test_delete_model_removes_it_and_unknown_is_404(project, backend):
    connect(project, backend)
    assert project.delete("/api/models", json={"name": "nope"}).status == 404
    assert project.delete("/api/models", json={"name": "model"}).status == 204
    assert project.get("/api/models").json == {"models": [], "backends": []}
    assert project.get("/api/project").json["config"]["ml_backends"] == []


def test_routes_without_backend_answer_no_ml_backend(project):
    for path in ("/api/models/train", "/api/models/predictions?mode=all_tasks"):
        answer = project.post(path)
        assert (answer.status, answer.json["detail"]) == (400, "No ML backend")


# -- predictions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["1.x", "0.8", "bare-list"])
def test_predict_data_answers_the_task_with_predictions(project, backend, shape):
    connect(project, backend)
    backend.shape = shape
    answer = project.post("/api/models/predictions?mode=data", json={"text": "hello"})
    assert answer.status == 200, answer
    [prediction] = answer.json["predictions"]
    assert answer.json["data"] == {"text": "hello"}
    [item] = prediction["result"]
    assert len(item.pop("id")) == 10  # the backend sent none; Label Studio 1.x gives every result one
    assert [item] == backend.result() and prediction["created_by"] == "model"
    assert prediction["model_version"] == "v1" and "created_date" in prediction
    assert backend.calls("/predict")[-1]["tasks"] == [{"data": {"text": "hello"}, "predictions": []}]


def test_predict_data_errors(project, backend):
    connect(project, backend)
    assert project.post("/api/models/predictions?mode=data").json == {
        "detail": "no task data found in request json", "status": 422}
    assert project.post("/api/models/predictions?mode=nope").json == {"detail": "unknown mode", "status": 422}
    backend.errors["/predict"] = (500, {"detail": "ValueError: model exploded"})
    answer = project.post("/api/models/predictions", json={"data": {"text": "x"}})
    assert answer.status == 400 and "ValueError: model exploded" in answer.json["detail"]


def test_predict_data_retries_a_transient_failure(project, backend):
    connect(project, backend)
    backend.flaky["/predict"] = [503, "reset"]
    answer = project.post("/api/models/predictions?mode=data", json={"text": "x"})
    assert answer.status == 200 and len(answer.json["predictions"]) == 1
    assert len(backend.calls("/predict")) == 3


@pytest.mark.parametrize("shape", ["1.x", "first-only", "one-task-only"])
def test_predict_all_tasks_stores_predictions_replacing_the_backends_older_ones(project, backend, shape):
    ids = import_texts(project, 40)
    project.patch(f"/api/tasks/{ids[0]}", json={"data": {"text": "text 0"},
                                                 "predictions": [{"result": choice("Negative"), "score": 0.1}]})
    connect(project, backend)
    backend.shape = shape
    for version in ("v1", "v2"):
        backend.model_version = version
        answer = project.post("/api/models/predictions?mode=all_tasks")
        assert answer.status == 200, answer
        assert answer.json["details"] == "predictions are ready"
        job = answer.json["job"]
        assert (job["kind"], job["state"], job["done"], job["total"]) == ("predict", "done", 40, 40)
    first = project.get(f"/api/tasks/{ids[0]}").json["predictions"]
    assert [(p.get("created_by"), p.get("model_version")) for p in first] == [(None, None), ("model", "v2")]
    last = project.get(f"/api/tasks/{ids[-1]}").json["predictions"]
    assert [(p["created_by"], p["model_version"], p["score"]) for p in last] == [("model", "v2", 0.5)]
    assert project.get("/api/project").json["prediction_count"] == 41
    if shape != "1.x":
        # The first request held 16 tasks; once the answer came short or failed, tasks went one at a time.
        assert [len(call["tasks"]) for call in backend.calls("/predict")][:3] == [16, 1, 1]


def test_stored_predictions_give_id_less_items_an_id_and_keep_the_backends_own_ids(project, backend):
    ids = import_texts(project, 2)
    connect(project, backend)
    assert project.post("/api/models/predictions?mode=specific_tasks", json=[ids[0]]).status == 200
    [prediction] = project.get(f"/api/tasks/{ids[0]}").json["predictions"]
    [item] = prediction["result"]
    assert len(item["id"]) == 10 and {key: value for key, value in item.items() if key != "id"} == backend.result()[0]
    assert project.get(f"/api/tasks/{ids[0]}").json["predictions"] == [prediction]  # stored, not made up per read
    backend.result = lambda: choice("Negative")  # a backend that sends ids
    backend.model_version = "v2"
    assert project.post("/api/models/predictions?mode=specific_tasks", json=[ids[1]]).status == 200
    [prediction] = project.get(f"/api/tasks/{ids[1]}").json["predictions"]
    assert prediction["result"] == choice("Negative")


def test_predict_specific_tasks_from_body_or_query(project, backend):
    ids = import_texts(project, 5)
    connect(project, backend)
    assert project.post("/api/models/predictions?mode=specific_tasks", json=[ids[0]]).status == 200
    assert project.post("/api/models/predictions?mode=specific_tasks", json={"task_ids": [ids[1]]}).status == 200
    answer = project.get(f"/api/models/predictions?mode=specific_tasks&task_ids={ids[2]},{ids[3]}")
    assert answer.status == 200 and answer.json["job"]["total"] == 2
    predicted = [bool(project.get(f"/api/tasks/{i}").json["predictions"]) for i in ids]
    assert predicted == [True, True, True, True, False]
    answer = project.get(f"/api/models/predictions?mode=specific_tasks&task_ids={ids[3]}&task_ids={ids[4]}")
    assert answer.status == 200 and answer.json["job"]["total"] == 2
    answer = project.post("/api/models/predictions?mode=specific_tasks", json=[ids[0], 999999])
    assert (answer.status, answer.json["detail"]) == (404, "1 of the task_ids name no task: 999999")
    assert project.post("/api/models/predictions?mode=specific_tasks").status == 400
    assert project.get("/api/models/predictions?mode=specific_tasks&task_ids=a,b").status == 400


def test_prediction_job_runs_in_background_with_progress_and_cancel(project, backend):
    import_texts(project, 400)
    connect(project, backend)
    backend.delays["/predict"] = 0.25
    answer = project.post("/api/models/predictions?mode=all_tasks")
    assert answer.status == 202 and answer.json["details"] == "Predicting 400 tasks"
    job = answer.json["job"]
    assert project.get("/api/project/next").status == 200  # the project stays usable
    progress = project.get(f"/api/jobs/{job['id']}").json
    assert progress["state"] == "running" and 0 < progress["done"] < 400
    assert project.post("/api/models/predictions?mode=all_tasks").status == 409
    project.delete(f"/api/jobs/{job['id']}")
    job = wait_for(project, job)
    assert job["state"] == "cancelled" and job["done"] < 400
    assert project.get("/api/project").json["prediction_count"] == job["result"]["predictions"] > 0


def test_prediction_job_stops_when_the_backend_keeps_failing(project, backend):
    import_texts(project, 200)
    connect(project, backend)
    backend.errors["/predict"] = (500, {"detail": "ValueError: model exploded"})
    answer = project.post("/api/models/predictions?mode=all_tasks")
    assert answer.status == 400
    assert "failed 5 requests in a row" in answer.json["detail"] and "model exploded" in answer.json["detail"]
    job = [job for job in project.get("/api/jobs").json["jobs"] if job["kind"] == "predict"][-1]
    assert job["state"] == "failed" and job["error_count"] == 5


def test_prediction_job_refuses_an_unreachable_backend(project, backend):
    import_texts(project, 2)
    connect(project, backend)
    backend.stop()
    answer = project.post("/api/models/predictions?mode=all_tasks")
    assert answer.status == 400 and "is not connected" in answer.json["detail"]


# -- live prediction in next, and sampling by score ---------------------------------------------------------


def test_next_predicts_the_served_task_once_per_model_version(project, backend):
    ids = import_texts(project, 3)
    connect(project, backend)
    task = project.get("/api/project/next").json
    assert task["id"] == ids[0] and [p["model_version"] for p in task["predictions"]] == ["v1"]
    assert project.get(f"/api/tasks/{ids[0]}").json["predictions"] == task["predictions"]
    assert project.get("/api/project/next").json["predictions"] == task["predictions"]
    assert len(backend.calls("/predict")) == 1
    backend.model_version = "v2"
    project.get("/api/models")  # learns the new version from /is_training
    task = project.get("/api/project/next").json
    assert [p["model_version"] for p in task["predictions"]] == ["v2"]
    assert len(backend.calls("/predict")) == 2


def test_next_serves_the_task_without_prediction_when_the_backend_is_slow(project, backend):
    import_texts(project, 2)
    connect(project, backend)
    backend.delays["/predict"] = 5
    started = time.monotonic()
    task = project.get("/api/project/next").json
    assert time.monotonic() - started < 3 and task["predictions"] == []
    started = time.monotonic()
    assert project.get("/api/project/next").json["predictions"] == []
    assert time.monotonic() - started < 0.5  # a failing backend is left alone for a while
    assert len(backend.calls("/predict")) == 1


def test_next_by_prediction_score_uses_the_backends_scores(project, backend):
    answer = project.post("/api/project/import", json=[{"text": t, "score": s} for t, s in
                                                        (("mid", 0.5), ("low", 0.1), ("high", 0.9))])
    ids = answer.json["new_task_ids"]
    connect(project, backend)
    assert project.post("/api/models/predictions?mode=all_tasks").status == 200
    project.patch("/api/project", json={"sampling": "prediction-score-min"})
    assert project.get("/api/project/next").json["id"] == ids[1]
    project.patch("/api/project", json={"sampling": "prediction-score-max"})
    assert project.get("/api/project/next").json["id"] == ids[2]


# -- training ------------------------------------------------------------------------------------------


def test_train_sends_completions_and_remembers_the_job(project, backend):
    ids = import_texts(project, 2)
    project.post(f"/api/tasks/{ids[0]}/completions", json={"result": choice("Negative")})
    connect(project, backend)
    answer = project.post("/api/models/train")
    assert answer.status == 200 and answer.json["details"] == "Training started"
    assert answer.json["job"]["kind"] == "train"
    [sent] = backend.calls("/train")
    assert sent["project"] == "model" and sent["label_config"].startswith("<View>")
    assert [task["id"] for task in sent["completions"]] == [ids[0]] and sent["annotations"] == sent["completions"]
    assert sent["completions"][0]["completions"][0]["result"] == choice("Negative")
    # The job the backend started is asked about before training again.
    backend.job_status = "started"
    answer = project.post("/api/models/train")
    assert (answer.status, answer.json["detail"]) == (409, "Can't start new training: Train job is running.")
    backend.job_status, backend.training = "finished", True
    assert project.post("/api/models/train").status == 409
    # label-studio-ml 1.0.9 answers /is_training with a 500 once a model is loaded; training goes on.
    backend.errors["/is_training"] = (500, {"detail": "TypeError: argument of type 'ModelWrapper' is not iterable"})
    assert project.post("/api/models/train").status == 200
    assert len(backend.calls("/train")) == 2


def test_train_reports_the_backends_error(project, backend):
    connect(project, backend)
    answer = project.post("/api/models/train")
    assert answer.status == 400
    assert answer.json["detail"] == ("Can't update model: ML backend returns an error: "
                                     "/train answered HTTP 400: No completions found.")


def test_train_without_a_reachable_backend(project, backend):
    connect(project, backend)
    backend.stop()
    answer = project.post("/api/models/train")
    assert answer.status == 400
    assert answer.json["detail"] == "Training is not started: seems that you don't have any ML backend connected"


def test_deleting_every_task_tells_the_backends_as_0_8_did(project, backend):
    connect(project, backend)
    import_texts(project, 2)
    assert project.delete("/api/tasks").status == 204
    assert backend.calls("/delete") == [{"project": "model"}]


def test_deleting_every_task_does_not_wait_on_a_stopped_backend(project, backend):
    connect(project, backend)
    backend.stop()
    assert project.delete("/api/tasks").status == 204
