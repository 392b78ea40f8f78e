"""ML backends: Label Studio 0.8's routes to list, remove and train backends and to ask them for predictions.

Connecting a backend is PATCH /api/project {"ml_backend": ...} (lsdesk/api/project.py). Work that
may take long (predicting many tasks, training) runs as a background job (/api/jobs); the
request that starts it waits a few seconds, so a quick job answers as 0.8 did.
"""


from lsdesk import settings as defaults
from lsdesk.api.http import ApiError, json_response, no_content, param, query_texts, read_json, read_json_object
from lsdesk.api.project import config_line, request_origin
from lsdesk.jobs import CANCELLED, DONE, FAILED
from lsdesk.ml.backends import (NotConnected, check_can_train, predict_task, prediction_work, reachable, statuses,
                                training_work)
from lsdesk.ml.client import BackendError

_PREDICTION_MODES = ("data", "all_tasks", "specific_tasks")


def list_models(store):
    found = statuses(store)
    return json_response({"models": [backend["name"] for backend in found], "backends": found})


def delete_model(store):
    name = read_json_object().get("name")
    if not isinstance(name, str):
        raise ApiError(400, 'Give the backend to remove as {"name": "<backend name>"}')
    if not store.remove_ml_backend(name):
        raise ApiError(404, f'Can\'t remove ML backend with name "{name}": not found.')
    return no_content()


def _backends_or_400(store):
    backends = store.ml_backends()
    if not backends:
        raise ApiError(400, "No ML backend")
    return backends


def train(store, jobs):
    backends = _backends_or_400(store)
    connected = reachable(backends)
    if not connected:
        raise ApiError(400, "Training is not started: seems that you don't have any ML backend connected")
    if jobs.running("train", store.path):
        raise ApiError(409, "Can't start new training: Train job is running.")
    check_can_train(connected)
    names = ", ".join(backend["name"] for backend in connected)
    job = jobs.start("train", store.path, training_work(store, connected, config_line(store)),
                           f"Training {names}", total=len(connected))
    job.wait(defaults.ML_JOB_WAIT)
    if job.state == FAILED:
        raise ApiError(400, job.message)
    return json_response({"details": "Training started", "job": job.as_json()})


def predictions(store, jobs):
    backends = _backends_or_400(store)
    mode = param("mode", "data")
    if mode not in _PREDICTION_MODES:
        raise ApiError(422, "unknown mode")
    if mode == "data":
        return predict_data(store, backends)
    task_ids = _requested_task_ids(store) if mode == "specific_tasks" else None
    return start_predictions(store, jobs, backends, task_ids)


def predict_data(store, backends):
    """mode=data: predictions for the task (or bare data) in the body, not stored."""
    body = read_json(required=False)
    if not isinstance(body, dict) or not body:
        raise ApiError(422, "no task data found in request json")
    task = body if "data" in body else {"data": body}
    if not isinstance(task["data"], dict):
        raise ApiError(422, "The task's data must be a JSON object")
    try:
        return json_response(predict_task(backends, task, config_line(store), request_origin()))
    except BackendError as error:
        raise ApiError(400, f"ML backend returns an error: {error}") from None


def _requested_task_ids(store):
    """task_ids of mode=specific_tasks: a JSON list or {"task_ids": [...]} body, ?task_ids=1,2,3 or
    ?task_ids=1&task_ids=2."""
    raw = ",".join(query_texts("task_ids")) or param("task_ids")
    if raw is not None:
        try:
            ids = [int(part) for part in raw.split(",") if part.strip()]
        except ValueError:
            raise ApiError(400, f"task_ids must be task ids separated by commas, got {raw!r}") from None
    else:
        body = read_json(required=False)
        ids = body.get("task_ids") if isinstance(body, dict) else body
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise ApiError(400, 'Give the tasks to predict as task_ids: a JSON list of ids, {"task_ids": [...]} '
                                'or ?task_ids=1,2,3')
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ApiError(400, "task_ids is empty: name at least one task to predict")
    missing = store.missing_task_ids(ids)
    if missing:
        shown = ", ".join(map(str, missing[:10])) + (", …" if len(missing) > 10 else "")
        raise ApiError(404, f"{len(missing)} of the task_ids name no task: {shown}")
    return ids


def start_predictions(store, jobs, backends, task_ids):
    """mode=all_tasks / specific_tasks: a background job that predicts and stores the tasks."""
    running = jobs.running("predict", store.path)
    if running:
        raise ApiError(409, f"Prediction job {running.id} is running; wait for it or cancel it "
                            f"(DELETE /api/jobs/{running.id})")
    connected = reachable(backends)
    if not connected:
        raise NotConnected(backends[0]["url"], "It does not answer /health.")
    total = store.counts()["tasks"] if task_ids is None else len(task_ids)
    names = ", ".join(backend["name"] for backend in connected)
    work = prediction_work(store, connected, task_ids, config_line(store), request_origin())
    job = jobs.start("predict", store.path, work,
                           f"Predicting {total} tasks with {names}", total=total)
    job.wait(defaults.ML_JOB_WAIT)
    if job.state == FAILED:
        raise ApiError(400, job.message)
    if job.state == DONE:
        return json_response({"details": "predictions are ready", "job": job.as_json()})
    if job.state == CANCELLED:
        return json_response({"details": "Prediction cancelled", "job": job.as_json()})
    return json_response({"details": f"Predicting {total} tasks", "job": job.as_json()}, status=202)
