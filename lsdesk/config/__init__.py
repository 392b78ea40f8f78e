"""The labeling-config language: parse and validate a config, describe it, check it against stored data."""

from lsdesk.config.compat import check_against_data
from lsdesk.config.model import ConfigInvalid, ControlTag, DataRef, LabelConfig, ObjectTag
from lsdesk.config.parse import parse_config, root_data_key

__all__ = [
    "ConfigInvalid", "ControlTag", "DataRef", "LabelConfig", "ObjectTag",
    "check_against_data", "parse_config", "root_data_key",
]
