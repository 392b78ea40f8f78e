"""The project as the API, the CLI and the desktop window all see it: its parsed label config, a config
checked before it is saved, and Label Studio 0.8's GET /api/project view."""

from functools import lru_cache

from lsdesk.config import ConfigInvalid, check_against_data, parse_config
from lsdesk.errors import LsdeskError


class ConfigProblems(LsdeskError):
    """A label config that can't be used, as Label Studio answers it: 400 {"label_config": [messages]}."""

    def __init__(self, messages):
        super().__init__("\n".join(messages))
        self.messages = messages

    def body(self):
        return {"label_config": self.messages}


@lru_cache(maxsize=32)
def parse_cached(xml):
    """The parsed label config, cached: the same text parses once."""
    return parse_config(xml)


def current_config(store):
    """The project's parsed label config, or None before one is saved."""
    xml = store.settings()["label_config"]
    return parse_cached(xml) if xml else None


def parsed_config(xml):
    """Parse a submitted config; ConfigProblems with every problem."""
    if not isinstance(xml, str) or not xml.strip():
        raise ConfigProblems(["No label config given: send label_config (JSON or form) or an XML body"])
    try:
        return parse_cached(xml.replace("\r\n", "\n"))
    except ConfigInvalid as error:
        raise ConfigProblems(error.messages) from None


def validated_config(store, xml):
    """Parse `xml` and check it against the project's tasks and completions; ConfigProblems with every problem."""
    config = parsed_config(xml)
    problems = check_against_data(config, store.data_keys_in_every_task(), store.result_schema())
    if problems:
        raise ConfigProblems(problems)
    return config


def save_config(store, xml):
    """Check `xml` and save it as the project's label config, in one write; ConfigProblems when it can't be."""
    config = parsed_config(xml)
    problems = store.save_label_config(config.xml, lambda keys, schema: check_against_data(config, keys, schema))
    if problems:
        raise ConfigProblems(problems)
    return config


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
        "task_columns": project_settings["task_columns"],
        "show_skip": project_settings["show_skip"],
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
