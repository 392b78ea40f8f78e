"""Every route of the app, its methods and its handler, in the order of the README's API table.

A handler takes its URL's parameters by name, and names what else it needs of the app
(`store`, `workspace`, `jobs`, `window`, ...: see AppState in lsdesk/app.py).
"""

from lsdesk.api import (completions, desktop, drafts, exports, folders, frontend, helpers, imports, jobs, merge,
                        models, project, settings, tasks, uploads)

TASK = "/api/tasks/<task_id>"
COMPLETION = f"{TASK}/completions/<completion_id>"
FOLDER = "/api/project/folders/<root_id>"

ROUTES = (
    ("GET", "/api/project", project.get_project),
    ("POST", "/api/project", project.create_project),
    ("PATCH", "/api/project", project.patch_project),
    ("POST", "/api/project/config", project.post_config),
    ("POST", "/api/validate-config", helpers.validate_config),
    ("POST", "/api/project/import", imports.import_tasks),
    ("GET HEAD", "/data/upload/<name:path>", uploads.serve_upload),
    ("GET", "/api/project/export", exports.export),
    ("GET", "/api/project/export/formats", exports.formats),
    ("GET", "/api/project/export/summary", exports.summary),
    ("GET POST", "/api/import-example", helpers.import_example),
    ("GET", "/api/import-example-file", helpers.import_example_file),
    ("GET", f"{TASK}/draft", drafts.get_draft),
    ("PUT POST", f"{TASK}/draft", drafts.save_draft),
    ("DELETE", f"{TASK}/draft", drafts.delete_draft),
    ("GET", "/api/project/next", tasks.next_task),
    ("GET", "/api/tasks", tasks.list_tasks),
    ("DELETE", "/api/tasks", tasks.delete_all_tasks),
    ("GET", TASK, tasks.get_task),
    ("DELETE", TASK, tasks.delete_task),
    ("PATCH POST", TASK, tasks.replace_task),
    ("POST", f"{TASK}/completions", completions.create),
    ("DELETE", f"{TASK}/completions", completions.delete_of_task),
    ("PATCH POST", COMPLETION, completions.update),
    ("DELETE", COMPLETION, completions.delete),
    ("GET", "/api/completions", completions.completed_task_ids),
    ("DELETE", "/api/completions", completions.delete_all),
    ("GET", "/api/projects", project.list_projects),
    ("POST", "/api/projects/open", project.open_project),
    ("GET POST", "/api/project-switch", project.switch_project),
    ("GET", "/api/health", helpers.health),
    ("GET", "/version", helpers.version),
    ("GET", "/api/version", helpers.version),
    ("GET", "/api/models", models.list_models),
    ("DELETE", "/api/models", models.delete_model),
    ("POST", "/api/models/train", models.train),
    ("GET POST", "/api/models/predictions", models.predictions),
    ("GET", "/api/jobs", jobs.list_jobs),
    ("GET", "/api/jobs/<job_id>", jobs.get_job),
    ("DELETE", "/api/jobs/<job_id>", jobs.cancel_job),
    ("GET", "/api/project/folders", folders.list_folders),
    ("POST", "/api/project/folders", folders.add_folder),
    ("PATCH", FOLDER, folders.locate_folder),
    ("DELETE", FOLDER, folders.remove_folder),
    ("POST", f"{FOLDER}/sync", folders.sync),
    ("GET", "/api/project/storage-settings", folders.storage_settings),
    ("POST", "/api/project/storage-settings", folders.save_storage),
    ("POST", "/api/project/pack", folders.pack),
    ("POST", "/api/project/unpack", folders.unpack),
    ("GET HEAD", "/data/folder/<root_id>/<relative:path>", folders.serve_folder_file),
    ("GET", "/api/settings", settings.get_settings),
    ("PATCH", "/api/settings", settings.patch_settings),
    ("POST", "/api/projects/merge", merge.merge),
    ("GET", "/api/project/disagreements", merge.disagreements),
    ("GET", "/api/project/agreement", merge.agreement),
    ("GET", f"{COMPLETION}/versions", merge.versions),
    ("POST", f"{COMPLETION}/resolve", merge.resolve),
    ("POST", "/api/desktop/focus", desktop.focus),
    ("POST", "/api/desktop/reveal", desktop.reveal),
    # Not in the README's table: what the pages themselves fetch.
    ("GET", f"{TASK}/media-problems", folders.media_problems),
    ("GET", "/samples/time-series.csv", helpers.time_series_sample),
    ("GET HEAD", "/assets/<path:path>", helpers.asset),
    *(("GET", page, frontend.app_page) for page in frontend.APP_ROUTES),
)
