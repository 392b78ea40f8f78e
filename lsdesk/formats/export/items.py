"""How every exporter except JSON reads tasks: one item per kept completion, newest first, values per control;
the one-label-set formats take one item per task."""

from dataclasses import dataclass, field

# The controls whose regions the image formats (COCO, VOC, YOLO) export.
IMAGE_REGION_CONTROLS = frozenset({"RectangleLabels", "PolygonLabels", "Labels", "Rectangle", "Polygon"})


@dataclass
class Item:
    """One non-cancelled completion of a task (or the task alone when it has none), as label-studio-converter sees it.

    `outputs` maps each control name to the values of its results, in result order; each value is a copy of
    the result's `value` plus `type` (the control's tag, e.g. "RectangleLabels") and the result's
    `original_width`/`original_height` when it has them.

    For an Image with `valueList` (several images in one task), `on_image(index)` is the item of one image:
    the results whose `item_index` is that index (0 when they have none, as for a single image).
    """

    task: dict
    completion: dict | None
    outputs: dict = field(default_factory=dict)
    controls: dict = field(default_factory=dict, repr=False, compare=False)
    image_index: int | None = None

    @property
    def task_id(self):
        return self.task.get("id")

    @property
    def owner(self):
        """Who a file named after this item's image belongs to: the task, or one image of its list."""
        return self.task_id if self.image_index is None else f"{self.task_id}/{self.image_index}"

    def on_image(self, index):
        outputs = _outputs(self.completion, self.controls, index) if self.completion else {}
        return Item(self.task, self.completion, outputs, self.controls, index)

    @property
    def data(self):
        data = self.task.get("data")
        return data if isinstance(data, dict) else {}

    def get(self, key):
        return self.completion.get(key) if self.completion else None

    @property
    def completed_by(self):
        return self.completion.get("completed_by", {}) if self.completion else {}

    def annotator(self, default=None, keep_int=False):
        """Who made the completion: an email when `completed_by` is a dict, else the value as a string."""
        who = self.completed_by
        if isinstance(who, dict):
            return who.get("email", default)
        if keep_int and isinstance(who, int) and not isinstance(who, bool):
            return who
        return str(who)

    def completion_fields(self, keep_int=False):
        """What the flat formats (CSV, TSV, JSON_MIN) write after the data and the controls: who made the
        completion, its id, when and how long, and the task's agreement when it has one."""
        fields = {"annotator": self.annotator(keep_int=keep_int), "annotation_id": self.get("id"),
                  "created_at": self.get("created_at"), "updated_at": self.get("updated_at"),
                  "lead_time": self.get("lead_time")}
        if "agreement" in self.task:
            fields["agreement"] = self.task["agreement"]
        return fields

    def values(self):
        """Every value of every control, control by control."""
        return [value for values in self.outputs.values() for value in values]


def task_items(tasks, config):
    """For each task that has something to export: (task, its items), newest completion first.

    A task without completions gives one item with no outputs. Cancelled (or 0.8.0 "skipped") completions
    are left out, and a task whose completions are all cancelled is left out entirely.
    """
    controls = _controls_by_name(config)
    for task in tasks:
        completions = task.get("completions")
        if completions is None:
            completions = task.get("annotations")
        if completions is None:
            continue
        if not completions:
            yield task, [Item(task, None, controls=controls)]
            continue
        kept = [c for c in completions if not (c.get("was_cancelled") or c.get("skipped"))]
        if not kept:
            continue
        # Completions made within one second are told apart by their ids, which grow.
        kept.sort(key=lambda completion: (completion.get("created_at") or 0, _number(completion.get("id"))),
                  reverse=True)
        yield task, [Item(task, completion, _outputs(completion, controls), controls) for completion in kept]


def items(tasks, config):
    """Every item of every task, in task order."""
    for _task, task_items_ in task_items(tasks, config):
        yield from task_items_


def chosen_items(tasks, config):
    """One item per task, for the formats that hold one label set per task: its ground-truth completion
    when one is marked, else its newest one (cancelled completions never count)."""
    for _task, task_items_ in task_items(tasks, config):
        yield chosen(task_items_)


def chosen(task_items_):
    """The ground-truth item of a task's items (newest first), else the newest."""
    for item in task_items_:
        if item.get("ground_truth") is True:
            return item
    return task_items_[0]


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _controls_by_name(config):
    if config is None:
        return {}
    return {control.name: control for control in config.controls if control.tag != "Relations"}


def _outputs(completion, controls, item_index=None):
    outputs = {}
    for result in completion.get("result") or ():
        if not isinstance(result, dict):
            continue
        if item_index is not None and result.get("item_index", 0) != item_index:
            continue
        control = controls.get(result.get("from_name"))
        value = result.get("value")
        if control is None or not isinstance(value, dict):
            continue
        value = dict(value)
        value["type"] = control.tag
        for key in ("original_width", "original_height"):
            if key in result:
                value[key] = result[key]
        outputs.setdefault(control.name, []).append(value)
    return outputs


def first_object_key(config, object_tags, control_tags=None):
    """The data key of the first object tag of `object_tags` that a control (of `control_tags`, if given) labels.

    Falls back to the first such object tag at all, then to the first data key a control labels.
    """
    if config is None:
        return None
    targets = {name for control in config.controls
               if control_tags is None or control.tag in control_tags for name in control.to_names}
    candidates = [obj for obj in config.objects if obj.tag in object_tags and obj.data_key]
    for obj in candidates:
        if obj.name in targets:
            return obj.data_key
    if candidates:
        return candidates[0].data_key
    keys = config.referenced_data_keys
    return keys[0] if keys else None


def labels_of(value, keys=("rectanglelabels", "polygonlabels", "labels")):
    """The label list under the first of `keys` that holds a non-empty list, else []."""
    for key in keys:
        labels = value.get(key)
        if labels and isinstance(labels, list):
            return labels
    return []
