"""The project as the API and the desktop window both describe it: its parsed label config, and
Label Studio 0.8's GET /api/project view."""

from functools import lru_cache

from lsdesk.config import parse_config


@lru_cache(maxsize=32)
def parse_cached(xml):
    """The parsed label config, cached: the same text parses once."""
    return parse_config(xml)


def current_config(store):
    """The project's parsed label config, or None before one is saved."""
    xml = store.settings()["label_config"]
    return parse_cached(xml) if xml else None


def serialize(store):
    """The project as Label Studio 0.8's GET /api/project shows it, plus uuid, title and path."""
    project_settings = store.settings()
    counts = store.counts()
    config = current_config(store)
    return {
        "uuid": project_settings["uuid"],
        "title": project_settings["title"],
        "path": str(store.path),
        "project_name": project_settings["title"],
        "description": project_settings["description"],
        "task_count": counts["tasks"],
        "completion_count": counts["completed_tasks"],
        "total_completions": counts["completions"],
        "prediction_count": counts["predictions"],
        "config": {**{key: value for key, value in project_settings.items() if key != "uuid"},
                   "ml_backends": [{"url": backend["url"], "name": backend["name"]} for backend in store.ml_backends()]},
        "data_types": config.data_types if config else {},
        "label_config_line": config.line if config else "",
        "instruction": project_settings["instruction"],
        "sampling": project_settings["sampling"],
        "can_manage_tasks": True,
        "can_manage_completions": True,
        "can_delete_tasks": True,
        # 0.8 reports this inverted: true when the server is NOT in multi-session mode.
        "multi_session_mode": True,
        "source_storage": {"readable_path": _storage_path(project_settings, "source", store.path)},
        "target_storage": {"readable_path": _storage_path(project_settings, "target", store.path)},
        "source_syncing": False,
        "target_syncing": False,
    }


def _storage_path(project_settings, group, project_path):
    """Where a storage group reads or writes: its folder, or the project file itself."""
    storage = project_settings.get(group)
    return storage["path"] if storage else str(project_path)
