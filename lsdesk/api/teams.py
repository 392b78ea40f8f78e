"""Working with a Label Studio server from the Projects page: the link's state, and push, pull and clone as
jobs (the same layer as `lsdesk push`, `pull` and `clone`)."""

from pathlib import Path

from lsdesk.api.http import ApiError, json_response, read_json_object
from lsdesk.errors import LsdeskError
from lsdesk.jobs import JobFailed
from lsdesk.teams import mapping
from lsdesk.teams.client import LabelStudio, ServerError, normalized_url
from lsdesk.teams.sync import clone, pull, push, token_for

# How long the page waits to learn whether the linked server answers.
_CHECK_SECONDS = 3


def link_state(store, workspace):
    """The link of the active project: server, project, last push and pull, and whether the server answers."""
    link = store.server_link()
    if link is None:
        return json_response({"linked": False})
    token = token_for(workspace, link["url"])
    reachable, problem = None, None
    if token:
        try:
            LabelStudio(link["url"], token, timeout=_CHECK_SECONDS).whoami()
            reachable = True
        except ServerError as error:
            reachable, problem = False, error.message
    return json_response({"linked": True, **link, "token_known": bool(token), "reachable": reachable,
                          "problem": problem})


def start_push(store, workspace, jobs):
    body = read_json_object()
    link = store.server_link()
    url = _text(body, "url", required=link is None) or link["url"]
    client = _client(workspace, url, _text(body, "token", required=False))
    title = _text(body, "title", required=False)
    job = jobs.start("server-push", store.path, _failing_clearly(lambda job: push(store, client, title=title, job=job)),
                     f"Push to {client.url}")
    return json_response({"job": job.as_json()}, status=202)


def start_pull(store, workspace, jobs):
    body = read_json_object()
    link = store.server_link()
    if link is None:
        raise ApiError(409, "The project is not linked to a Label Studio server; share it with one first")
    client = _client(workspace, link["url"], _text(body, "token", required=False))
    apply_deletions = body.get("apply_deletions") is True
    job = jobs.start("server-pull", store.path,
                     _failing_clearly(lambda job: pull(store, client, apply_deletions=apply_deletions, job=job)),
                     f"Pull from {client.url}")
    return json_response({"job": job.as_json()}, status=202)


def start_clone(store, workspace, jobs):
    body = read_json_object()
    client = _client(workspace, _text(body, "url", required=True), _text(body, "token", required=False))
    project_id = body.get("project_id")
    if not isinstance(project_id, int) or isinstance(project_id, bool) or project_id < 1:
        raise ApiError(400, f"Give project_id as the server project's number, got {project_id!r}")
    try:
        batch = mapping.batch_filter(body["filter"]) if body.get("filter") else None
    except ValueError as error:
        raise ApiError(400, f"filter: {error}") from None
    output = _text(body, "output", required=False)
    if output and not Path(output).expanduser().parent.is_dir():
        raise ApiError(400, f"The folder {Path(output).expanduser().parent} does not exist")

    def work(job):
        cloned, counts = clone(workspace, client, project_id, output, job=job, batch_filter=batch)
        return {**counts, "path": str(cloned.path)}

    job = jobs.start("server-clone", store.path, _failing_clearly(work), f"Take project {project_id} of {client.url} offline")
    return json_response({"job": job.as_json()}, status=202)


def _failing_clearly(work):
    """A job whose server refusals end it as failed with the server's own words."""
    def run(job):
        try:
            return work(job)
        except LsdeskError as error:
            if job.cancelled:  # a clone stopped part way leaves no file: the job ends as cancelled
                return None
            raise JobFailed(error.message) from None
    return run


def _client(workspace, url, token):
    try:
        url = normalized_url(url)
        client = LabelStudio(url, token_for(workspace, url, token))
    except ServerError as error:
        raise ApiError(400, error.message) from None
    if token:
        workspace.remember_server_token(url, token)
    return client


def _text(body, name, required):
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, f"Give {name} as text, got {value!r}")
    return value.strip()
