"""Whether a new config still fits the tasks and completions a project already holds (LS 0.8 §4.3)."""

from lsdesk.config.parse import root_data_key

# Results these types produce cannot go stale with a config change, so 0.8 never checks them.
_UNCHECKED_RESULT_TYPES = frozenset({"relation", "rating", "pairwise"})

_INCOMPATIBLE_TASKS = "You have already imported tasks and they are incompatible with a new config. "
_INCOMPATIBLE_COMPLETIONS = ("You've already completed some tasks, "
                             "but some of them couldn't be loaded with this config: ")


def check_against_data(config, data_keys, output_schema):
    """Every reason `config` cannot show the stored data, in Label Studio 0.8's words; [] if none.

    `data_keys`: the data keys every stored task has (None or empty when there are no tasks).
    `output_schema`: (from_name, to_name, type, label or None) for each thing stored completions use.
    """
    return [*_data_key_problems(config, data_keys), *_result_problems(config, output_schema)]


def _data_key_problems(config, data_keys):
    if not data_keys:
        return []
    return [f"{_INCOMPATIBLE_TASKS}You've specified value=${key}, "
            f"but imported tasks contain only keys: {sorted(data_keys)}"
            for key in config.referenced_data_keys
            if key not in data_keys and root_data_key(key) not in data_keys]


def _result_problems(config, output_schema):
    labels_by_use = {}
    for from_name, to_name, kind, label in output_schema:
        if kind in _UNCHECKED_RESULT_TYPES:
            continue
        labels = labels_by_use.setdefault((from_name, to_name, kind), set())
        if label is not None:
            labels.add(label)
    problems = []
    lost_labels = {}
    for (from_name, to_name, kind), labels in sorted(labels_by_use.items()):
        control = config.control(from_name)
        if not _still_produces(control, to_name, kind):
            problems.append(f"{_INCOMPATIBLE_COMPLETIONS}name={from_name}, toName={to_name}, type={kind} are expected")
        elif control.labels:  # no labels: options come from task data, or the control has none
            lost_labels.setdefault(from_name, set()).update(labels.difference(control.labels))
    problems += (f'{_INCOMPATIBLE_COMPLETIONS}there are labels already created for "{from_name}":\n{sorted(lost)}'
                 for from_name, lost in sorted(lost_labels.items()) if lost)
    return problems


def _still_produces(control, to_name, kind):
    """Whether `control` can still make a result of this type for this object.

    0.8 compared with the first toName only; any listed object is accepted here, since a control
    with several (Choices over four images) labels each of them. A control without toName
    (a free-standing TextArea) attaches to whichever object the frontend chose.
    """
    if control is None or control.result_type != kind:
        return False
    return not control.to_names or to_name in control.to_names
