"""Background jobs: long work (predicting every task, syncing a folder, packing media) runs in
a thread while the project stays usable; clients poll its progress and may cancel it."""

import itertools
import logging
import threading
import time
from contextlib import nullcontext

log = logging.getLogger("lsdesk")

RUNNING, DONE, FAILED, CANCELLED = "running", "done", "failed", "cancelled"

# Finished jobs kept for their status; older ones are forgotten.
_KEEP_FINISHED = 50
# A job reports at most this many item errors; the count of all of them is kept.
_KEEP_ERRORS = 20


class JobFailed(Exception):
    """Raised by a job's work to end it as failed with a message for the user."""


class Job:
    """One piece of background work and what a client may ask about it."""

    def __init__(self, job_id, kind, project, description, total, exclusive=None):
        self.id = job_id
        self.kind = kind
        self.project = project
        self.description = description
        self.total = total
        self.done = 0
        self.state = RUNNING
        self.message = ""
        self.errors = []
        self.error_count = 0
        self.result = None
        self.started_at = time.time()
        self.finished_at = None
        # What the work holds while only one such job may run at a time (the app's folder jobs share a lock).
        self.exclusive = exclusive or nullcontext()
        self._cancel = threading.Event()
        self._finished = threading.Event()

    @property
    def cancelled(self):
        """True once a client asked to stop; the work checks it between batches."""
        return self._cancel.is_set()

    def advance(self, count=1, message=None):
        self.done += count
        if message is not None:
            self.message = message

    def cancel(self):
        self._cancel.set()

    def wait(self, timeout):
        """Wait up to `timeout` seconds for the job to end; True when it has."""
        return self._finished.wait(timeout)

    def add_error(self, message):
        self.error_count += 1
        if len(self.errors) < _KEEP_ERRORS:
            self.errors.append(message)

    def as_json(self):
        return {
            "id": self.id, "kind": self.kind, "project": str(self.project), "description": self.description,
            "state": self.state,
            "done": self.done, "total": self.total, "message": self.message,
            "errors": self.errors, "error_count": self.error_count, "result": self.result,
            "started_at": self.started_at, "finished_at": self.finished_at,
        }


class Jobs:
    """The jobs of one app. Thread-safe."""

    def __init__(self):
        self._jobs = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def start(self, kind, project, work, description="", total=None, exclusive=None):
        """Run `work(job)` for the project file `project` in a thread; its return value becomes the job's result.

        `exclusive` (a lock) is what the work holds as `job.exclusive` while no other such job may run."""
        with self._lock:
            job = Job(next(self._ids), kind, project, description, total, exclusive)
            self._jobs[job.id] = job
            self._forget_old()
        threading.Thread(target=self._run, args=(job, work), name=f"job-{job.id}", daemon=True).start()
        return job

    def _run(self, job, work):
        try:
            job.result = work(job)
            job.state = CANCELLED if job.cancelled else DONE
        except JobFailed as failure:
            job.state, job.message = FAILED, str(failure)
        except Exception as error:  # a job must never take the server down
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.state, job.message = FAILED, f"Internal error: {error}"
        job.finished_at = time.time()
        job._finished.set()

    def _forget_old(self):
        finished = [job for job in self._jobs.values() if job.state != RUNNING]
        for job in finished[:-_KEEP_FINISHED]:
            del self._jobs[job.id]

    def get(self, job_id):
        return self._jobs.get(job_id)

    def all(self):
        return list(self._jobs.values())

    def running(self, kind, project):
        """The running job of this kind for this project, or None."""
        return next((job for job in self.all() if job.kind == kind and job.project == project and job.state == RUNNING),
                    None)

    def cancel(self, job_id):
        job = self._jobs.get(job_id)
        if job is not None:
            job.cancel()
        return job
