"""Merging copies of a project, and what comes after: disagreements, agreement statistics, versions."""

from pathlib import Path

from bottle import HTTPResponse

from lsdesk import settings as defaults
from lsdesk.agreement.report import ProjectAgreement, measured_controls, report_csv
from lsdesk.api.http import ApiError, int_param, json_response, param, path_id, read_json_object
from lsdesk.project_view import current_config
from lsdesk.store.merge import default_output, merge_projects


def _path_field(body, name, required):
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, f"Give {name} as the path of a project file, got {value!r}")
    return Path(value).expanduser()


def merge(store, workspace):
    body = read_json_object()
    other = _path_field(body, "other", required=True)
    output = _path_field(body, "output", required=False)
    if not other.is_file():
        raise ApiError(400, f"No project file at {other}")
    if output is not None and not output.parent.is_dir():
        raise ApiError(400, f"The folder {output.parent} does not exist")
    output = output or default_output(store.path, workspace.projects_dir)
    report = merge_projects(store.path, other, output, copy_a=store.save_copy)
    merged = workspace.open(output)
    return json_response({"path": str(merged.path), "report": report}, status=201)


def disagreements(store):
    page = int_param("page", 1, minimum=1)
    page_size = int_param("page_size", 30, minimum=1)
    if page_size > defaults.MAX_PAGE_SIZE:
        raise ApiError(400, f"page_size must be at most {defaults.MAX_PAGE_SIZE}, got {page_size}")
    total, tasks = store.disagreements_page(page, page_size, param("control") or None)
    return json_response({"total": total, "tasks": tasks})


def agreement(store, agreement_reports):
    report = agreement_report(store, agreement_reports)
    if param("format", "json").lower() == "csv":
        return HTTPResponse(report_csv(report), headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": "attachment; filename=agreement.csv",
        })
    return json_response(report)


def agreement_report(store, reports):
    """The project's agreement statistics, computed again only after completions or tasks changed.

    `reports` keeps the last report of each project file with the counters it was computed at."""
    config = current_config(store)
    counts = store.counts()
    key = (store.settings()["uuid"], counts["label_changes"], counts["task_changes"], config and config.xml)
    cached = reports.get(store.path)
    if cached and cached[0] == key:
        return cached[1]
    statistics = ProjectAgreement(measured_controls(config, store.result_schema()))
    for results in store.iter_results_by_annotator():
        statistics.add_task(results)
    report = statistics.report()
    reports[store.path] = (key, report)
    return report


def versions(store, task_id, completion_id):
    raw_task_id, raw_completion_id = task_id, completion_id
    found = store.completion_versions(path_id(raw_task_id, "Task"), path_id(raw_completion_id, "Completion"))
    if found is None:
        raise ApiError(404, f"Completion {raw_completion_id} of task {raw_task_id} not found")
    return json_response(found)


def resolve(store, task_id, completion_id):
    """Settle a completion both copies of a merge edited: {"version": null} keeps its edit, {"version": <id>}
    takes that older version back."""
    raw_task_id, raw_completion_id = task_id, completion_id
    version = read_json_object().get("version")
    if version is not None and (not isinstance(version, int) or isinstance(version, bool)):
        raise ApiError(400, f'"version" must be the id of one of the completion\'s versions or null, got {version!r}')
    completion = store.resolve_conflict(path_id(raw_task_id, "Task"), path_id(raw_completion_id, "Completion"), version)
    if completion is None:
        raise ApiError(404, f"Completion {raw_completion_id} of task {raw_task_id}"
                            + ("" if version is None else f" or its version {version}") + " not found")
    return json_response(completion, status=201)
