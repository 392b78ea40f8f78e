"""lsdesk: a desktop, offline, single-annotator labeling tool speaking the Label Studio 0.8 API."""

__version__ = "0.1.0"
