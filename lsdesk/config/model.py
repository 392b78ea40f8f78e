"""What a parsed labeling config tells the rest of lsdesk: its objects, controls and data keys."""

from dataclasses import dataclass
from functools import cached_property


class ConfigInvalid(ValueError):
    """The config cannot be used; `messages` lists every problem found, each saying where."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class ObjectTag:
    """A tag that shows task data (Image, Text, ...)."""

    name: str
    tag: str
    value: str | None      # the raw attribute (`valueList` for a multi-image Image), None for inline content
    data_key: str | None   # `value` without "$" when it is one $var, else None (a literal or a template)
    value_type: str | None  # the `valueType` attribute


@dataclass(frozen=True)
class ControlTag:
    """A tag that creates results (Labels, Choices, TextArea, ...)."""

    name: str
    tag: str
    to_names: tuple[str, ...]
    labels: tuple[str, ...]  # Label/Choice values in document order, alias instead of value when set
    result_type: str


@dataclass(frozen=True)
class DataRef:
    """One place the config takes task data: `<tag attribute="$key">`."""

    key: str
    tag: str
    attribute: str  # "value" or "valueList"
    value_type: str | None


@dataclass(frozen=True)
class LabelConfig:
    """A valid config, small enough to keep per project; build it with parse_config."""

    xml: str    # the text as saved ("\r\n" already turned into "\n")
    line: str   # Label Studio's label_config_line: no comments, no line breaks, indentation kept
    objects: tuple[ObjectTag, ...]
    controls: tuple[ControlTag, ...]
    data_refs: tuple[DataRef, ...]

    @property
    def data_types(self):
        """Data key -> tag name, as Label Studio 0.8 reports it (a later tag wins, the first keeps its place)."""
        return {ref.key: ref.tag for ref in self.data_refs}

    @property
    def data_keys(self):
        return list(self.data_types)

    @property
    def referenced_data_keys(self):
        """Data keys of the object tags some control labels: the keys existing tasks must have."""
        referenced = {name for control in self.controls for name in control.to_names}
        keys = (obj.data_key for obj in self.objects if obj.name in referenced and obj.data_key)
        return list(dict.fromkeys(keys))

    def control(self, name):
        return self._controls_by_name.get(name)

    def labels_for(self, control_name):
        control = self.control(control_name)
        return control.labels if control else ()

    @cached_property
    def _controls_by_name(self):
        return {control.name: control for control in self.controls}
