"""Background jobs over HTTP: list them, follow one's progress, cancel it."""

from bottle import request

from lsdesk.api.http import ApiError, json_response, path_id


def add_routes(app, workspace):
    app.route("/api/jobs", ["GET"], lambda: json_response({"jobs": [job.as_json() for job in app_jobs().all()]}))
    app.route("/api/jobs/<job_id>", ["GET"], lambda job_id: json_response(_job_or_404(job_id).as_json()))
    app.route("/api/jobs/<job_id>", ["DELETE"], cancel_job)


def app_jobs():
    """The Jobs of the app serving this request."""
    return request.app.config["lsdesk.jobs"]


def _job_or_404(raw_id):
    job = app_jobs().get(path_id(raw_id, "Job"))
    if job is None:
        raise ApiError(404, f"Job {raw_id!r} not found")
    return job


def cancel_job(job_id):
    job = _job_or_404(job_id)
    app_jobs().cancel(job.id)
    return json_response(job.as_json())
