"""What lsdesk does with ML backends: connect one, check them, ask for predictions (for one task,
live for the next task, or for many tasks as a background job) and start training.

Functions take the project store and what they need of the request (the label config line,
the hostname a backend fetches uploaded files from); handlers turn the exceptions into answers.
"""

import logging
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

from lsdesk import settings as defaults
from lsdesk.errors import LsdeskError
from lsdesk.jobs import JobFailed
from lsdesk.ml.answers import as_prediction, is_current, predict_results, stamped, task_for_backend, train_body
from lsdesk.ml.client import BackendClient, BackendError, parse_backend

log = logging.getLogger("lsdesk")

# A backend that failed a live prediction is left alone this long, so a server that is down
# costs `next` one timeout, not one per task.
_LIVE_PAUSE_SECONDS = 30
# A prediction job stops when one backend fails this many requests in a row (a request fails
# when it brings errors and no prediction).
_FAILURES_TO_STOP = 5


class NotConnected(LsdeskError):
    """A backend that does not answer /health or /setup; the message is 0.8's plus the reason."""

    def __init__(self, url, reason):
        reason = str(reason)
        super().__init__(f'ML backend with URL: "{url}" is not connected. {reason[:1].upper()}{reason[1:]}'
                         + ("" if reason.endswith(".") else "."))


class DuplicateBackend(LsdeskError):
    status = 409


class TrainingRunning(LsdeskError):
    status = 409


# -- connecting and checking ---------------------------------------------------------------


def connect(store, text, label_config, hostname):
    """Check the backend that `text` names ("url" or "name=url") and remember it in the project.

    ValueError for a string that holds no URL, DuplicateBackend, NotConnected.
    """
    name, url = parse_backend(text)
    name = name or _default_name(store.path.stem)
    duplicate = DuplicateBackend(f'An ML backend named "{name}" is already connected')
    if any(backend["name"] == name for backend in store.ml_backends()):
        raise duplicate
    try:
        with BackendClient(url, defaults.ML_CHECK_TIMEOUT) as client:
            client.health()
        with BackendClient(url, defaults.ML_PREDICT_TIMEOUT) as client:
            model_version = client.setup(name, label_config, hostname=hostname)
    except BackendError as error:
        raise NotConnected(url, error) from None
    if not store.add_ml_backend(name, url, model_version):
        raise duplicate
    return {"name": name, "url": url, "model_version": model_version}


def _default_name(file_stem):
    """0.8 names a backend after the project folder plus four random hex digits."""
    return (re.sub(r"[^A-Za-z0-9_-]+", "", file_stem) or "model") + uuid.uuid4().hex[:4]


def statuses(store):
    """Each backend with whether it answers, its model version and whether it is training.

    All are asked at once with a short timeout, so a list of slow backends answers quickly.
    """
    backends = store.ml_backends()
    found = _at_once(_status, backends)
    for backend, status in zip(backends, found):
        if status["model_version"] != backend["model_version"] and status["connected"]:
            store.set_ml_model_version(backend["name"], status["model_version"])
    return found


def _status(backend):
    status = {"name": backend["name"], "url": backend["url"], "connected": False,
              "model_version": backend["model_version"], "is_training": None, "error": None}
    with BackendClient(backend["url"], defaults.ML_CHECK_TIMEOUT, retries=0) as client:
        try:
            client.health()
        except BackendError as error:
            return {**status, "error": str(error)}
        status["connected"] = True
        try:
            training = client.is_training(backend["name"])
        except BackendError as error:
            return {**status, "error": f"Can't validate whether model is training: {error}"}
    if isinstance(training, dict):
        status["is_training"] = bool(training.get("is_training"))
        if training.get("model_version") not in (None, ""):
            status["model_version"] = str(training["model_version"])
    return status


def reachable(backends):
    """The backends that answer /health now."""
    return [backend for backend, ok in zip(backends, _at_once(_answers_health, backends)) if ok]


def _answers_health(backend):
    with BackendClient(backend["url"], defaults.ML_CHECK_TIMEOUT, retries=0) as client:
        try:
            client.health()
        except BackendError:
            return False
    return True


def forget_tasks(backends):
    """Tell every backend that the project's tasks were deleted; a backend that fails is only logged."""
    def forget(backend):
        with BackendClient(backend["url"], defaults.ML_CHECK_TIMEOUT, retries=0) as client:
            try:
                client.forget(backend["name"])
            except BackendError as error:
                log.info("ML backend %s did not take /delete: %s", backend["name"], error)

    _at_once(forget, backends)


def _at_once(check, backends):
    """check(backend) for every backend, run side by side so that slow backends add no waiting."""
    if not backends:
        return []
    with ThreadPoolExecutor(max_workers=min(8, len(backends))) as pool:
        return list(pool.map(check, backends))


# -- predictions ---------------------------------------------------------------------------


class Predictor:
    """Asks one backend for predictions, several tasks per /predict request.

    Label Studio 0.8 sent one task per request, and some servers of that time answer only the
    first task of a request or fail on more: then the tasks are asked one by one from then on.
    """

    def __init__(self, client, backend, label_config, hostname, model_version=None):
        self.client = client
        self.name = backend["name"]
        self.model_version = model_version or backend["model_version"]
        self.label_config = label_config
        self.hostname = hostname
        self.batch_size = defaults.ML_PREDICT_BATCH

    def predict(self, tasks):
        """(task id, prediction) pairs for (id, data) tasks, and error messages for tasks left out.

        BackendError when a request fails as a whole.
        """
        if len(tasks) > self.batch_size:
            return self._each_alone(tasks)
        try:
            answer = self.client.predict([task_for_backend(task_id, data, self.hostname) for task_id, data in tasks],
                                         self.name, self.label_config, self.model_version)
        except BackendError as error:
            if error.status is None or len(tasks) == 1:
                raise
            return self._alone_after_failure(tasks, error)
        try:
            items, version = predict_results(answer)
        except ValueError as error:
            raise BackendError(str(error)) from None
        self.model_version = version or self.model_version
        if len(items) != len(tasks) and len(tasks) > 1:
            self.batch_size = 1
            return self._each_alone(tasks)
        predictions, errors = [], []
        for (task_id, _data), item in zip(tasks, items or [None]):
            prediction = as_prediction(item)
            if prediction is None:
                errors.append(f"task {task_id}: {self.name} gave no prediction (answer item {_short(item)})")
            else:
                predictions.append((task_id, stamped(prediction, self.name, self.model_version)))
        return predictions, errors

    def _alone_after_failure(self, tasks, error):
        """Some servers fail on more than one task per request: when asking one at a time works,
        keep doing so; when it does not, the backend is failing anyway."""
        self.batch_size = 1
        predictions, errors = self._each_alone(tasks)
        if not predictions:
            self.batch_size = defaults.ML_PREDICT_BATCH
            raise error
        return predictions, errors

    def _each_alone(self, tasks):
        predictions, errors = [], []
        for start in range(0, len(tasks), self.batch_size):
            chunk = tasks[start:start + self.batch_size]
            try:
                found, failed = self.predict(chunk)
            except BackendError as error:
                found, failed = [], [f"{_task_span(chunk)}: {error}"]
            predictions += found
            errors += failed
        return predictions, errors


def _short(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:80] + "…"


def _task_span(tasks):
    first, last = tasks[0][0], tasks[-1][0]
    return f"task {first}" if first == last else f"tasks {first}–{last}"


def predict_task(backends, task, label_config, hostname):
    """`task` ({"data", ...}) with a fresh prediction from each backend, as 0.8's mode=data answers.

    BackendError with every backend's reason when none gave a prediction.
    """
    predictions, reasons = [], []
    for backend in backends:
        with BackendClient(backend["url"], defaults.ML_PREDICT_TIMEOUT) as client:
            try:
                version = client.setup(backend["name"], label_config, backend["model_version"], hostname)
                found, errors = Predictor(client, backend, label_config, hostname, version).predict(
                    [(task.get("id"), task["data"])])
            except BackendError as error:
                found, errors = [], [str(error)]
        predictions += [prediction for _task_id, prediction in found]
        reasons += [f"{backend['name']}: {message}" for message in errors]
    if reasons and not predictions:
        raise BackendError("; ".join(reasons))
    return {**task, "predictions": predictions}


class LivePauses:
    """Backends that recently failed a live prediction, by URL, and until when they are skipped (one per app)."""

    def __init__(self):
        self._until = {}
        self._lock = threading.Lock()

    def paused(self, url):
        with self._lock:
            return self._until.get(url, 0) > time.monotonic()

    def pause(self, url):
        with self._lock:
            self._until[url] = time.monotonic() + _LIVE_PAUSE_SECONDS


def predict_live(store, backends, task, label_config, hostname, pauses):
    """`task` with predictions from the backends whose current model has not predicted it yet,
    each asked within what is left of a short time budget; stored, so each task is asked once
    per model version. A slow or failing backend leaves the task as it was, and is paused in `pauses`.
    """
    deadline = time.monotonic() + defaults.ML_LIVE_PREDICT_TIMEOUT
    asked = False
    for backend in backends:
        left = deadline - time.monotonic()
        if (left <= 0.05 or pauses.paused(backend["url"])
                or any(is_current(prediction, backend) for prediction in task["predictions"])):
            continue
        with BackendClient(backend["url"], left, retries=0) as client:
            predictor = Predictor(client, backend, label_config, hostname)
            try:
                found, _errors = predictor.predict([(task["id"], task["data"])])
            except BackendError:
                pauses.pause(backend["url"])
                continue
        if found:
            store.save_predictions(backend["name"], found)
            asked = True
        if predictor.model_version != backend["model_version"]:
            store.set_ml_model_version(backend["name"], predictor.model_version)
    return store.task(task["id"]) if asked else task


def prediction_work(store, backends, task_ids, label_config, hostname):
    """The work of a prediction job over `task_ids` (None: every task), for Jobs.start.

    Tasks are read and their predictions written ML_SAVE_BATCH at a time, one transaction each,
    so labeling goes on meanwhile; the job can be cancelled between requests.
    """

    def work(job):
        clients = [BackendClient(backend["url"], defaults.ML_PREDICT_TIMEOUT) for backend in backends]
        try:
            predictors = [_ready_predictor(client, backend, label_config, hostname)
                          for client, backend in zip(clients, backends)]
            stored = _predict_in_batches(job, store, predictors, task_ids)
        finally:
            for client in clients:
                client.close()
        for predictor, backend in zip(predictors, backends):
            if predictor.model_version != backend["model_version"]:
                store.set_ml_model_version(backend["name"], predictor.model_version)
        return {"predictions": stored}

    return work


def _ready_predictor(client, backend, label_config, hostname):
    try:
        version = client.setup(backend["name"], label_config, backend["model_version"], hostname)
    except BackendError as error:
        raise JobFailed(str(NotConnected(backend["url"], error))) from None
    return Predictor(client, backend, label_config, hostname, version)


def _predict_in_batches(job, store, predictors, task_ids):
    stored = 0
    failures = {predictor.name: 0 for predictor in predictors}
    for tasks in _task_batches(store, task_ids):
        found = {predictor.name: [] for predictor in predictors}
        try:
            for start in range(0, len(tasks), defaults.ML_PREDICT_BATCH):
                if job.cancelled:
                    break
                chunk = tasks[start:start + defaults.ML_PREDICT_BATCH]
                for predictor in predictors:
                    try:
                        predictions, errors = predictor.predict(chunk)
                    except BackendError as error:
                        predictions, errors = [], [f"{_task_span(chunk)}: {error}"]
                    failures[predictor.name] = failures[predictor.name] + 1 if errors and not predictions else 0
                    found[predictor.name] += predictions
                    for message in errors:
                        job.add_error(f"{predictor.name}: {message}")
                    if failures[predictor.name] >= _FAILURES_TO_STOP:
                        raise JobFailed(f"Stopped: {predictor.name} failed {_FAILURES_TO_STOP} requests in a row; "
                                        f"the last said: {errors[-1]}")
                job.advance(len(chunk))
        finally:
            for name, predictions in found.items():
                stored += store.save_predictions(name, predictions) if predictions else 0
        if job.cancelled:
            break
    return stored


def _task_batches(store, task_ids):
    """Lists of (id, data), ML_SAVE_BATCH tasks each: every task in id order, or those of `task_ids`."""
    size = defaults.ML_SAVE_BATCH
    if task_ids is not None:
        for start in range(0, len(task_ids), size):
            yield store.task_data_of(task_ids[start:start + size])
        return
    last = 0
    while True:
        tasks = store.task_data_after(last, size)
        if not tasks:
            return
        yield tasks
        last = tasks[-1][0]


# -- training ------------------------------------------------------------------------------


def check_can_train(backends):
    """Raise TrainingRunning if a backend reports a training in progress (0.8 asks /job_status for
    the job it started last, then /is_training).

    A backend without those routes, or whose answer is an error, does not stop training: 0.8
    refused then, but label-studio-ml 1.0.9 answers /is_training with a 500 once a model is loaded.
    """
    for backend in backends:
        with BackendClient(backend["url"], defaults.ML_CHECK_TIMEOUT) as client:
            if backend["train_job"] and _answer_or_none(client.job_status, backend["train_job"]).get(
                    "job_status") in ("queued", "started"):
                raise TrainingRunning("Can't start new training: Train job is running.")
            if _answer_or_none(client.is_training, backend["name"]).get("is_training"):
                raise TrainingRunning("Can't start new training: Train job is running.")


def _answer_or_none(call, argument):
    """The dict a status call answers, or {} when the backend has no answer."""
    try:
        answer = call(argument)
    except BackendError:
        return {}
    return answer if isinstance(answer, dict) else {}


def training_work(store, backends, label_config):
    """The work of a training job for Jobs.start: every labeled task sent to each backend's /train."""

    def work(job):
        tasks = store.labeled_tasks_for_training()
        answers, reasons = {}, []
        for backend in backends:
            body = train_body(tasks, backend["name"], label_config, str(store.path))
            with BackendClient(backend["url"], defaults.ML_TRAIN_TIMEOUT) as client:
                try:
                    answer = client.train(body)
                except BackendError as error:
                    reasons.append(f"Can't update model: ML backend returns an error: {error}")
                    job.add_error(f"{backend['name']}: {error}")
                    job.advance()
                    continue
            answers[backend["name"]] = answer
            if isinstance(answer, dict) and answer.get("job"):
                store.set_ml_train_job(backend["name"], str(answer["job"]))
            job.advance()
        if not answers:
            raise JobFailed(reasons[0] if len(reasons) == 1 else "; ".join(reasons))
        return {"tasks": len(tasks), "backends": answers}

    return work
