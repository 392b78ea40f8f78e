"""Background jobs over HTTP: list them, follow one's progress, cancel it."""

from lsdesk.api.http import ApiError, json_response, path_id


def list_jobs(jobs):
    return json_response({"jobs": [job.as_json() for job in jobs.all()]})


def get_job(jobs, job_id):
    return json_response(_job_or_404(jobs, job_id).as_json())


def _job_or_404(jobs, raw_id):
    job = jobs.get(path_id(raw_id, "Job"))
    if job is None:
        raise ApiError(404, f"Job {raw_id!r} not found")
    return job


def cancel_job(jobs, job_id):
    job = _job_or_404(jobs, job_id)
    jobs.cancel(job.id)
    return json_response(job.as_json())
