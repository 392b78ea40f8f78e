"""Export formats by name, and which of them a labeling config supports (label-studio-converter 0.0.59's rules)."""

from dataclasses import dataclass
from typing import Callable

from lsdesk.formats.export import (
    asr_manifest, brush, coco, conll2003, csv, json, json_min, voc, yolo,
)


@dataclass(frozen=True)
class ExportFormat:
    name: str
    title: str
    description: str
    single_file: bool
    writer: Callable
    # The config check: None when the config can use the format, else why not.
    requirement: Callable = None
    # For a format whose tasks are the store's own JSON: its files from tasks as JSON text,
    # so the export never decodes and re-encodes them.
    from_texts: Callable = None
    # True for the formats that hold one label set per task (its ground truth, else its newest completion);
    # the others hold every completion.
    one_completion: bool = False

    def files(self, tasks, config, media=None):
        """(path inside the export, iterable of byte chunks) for each file, produced while `tasks` is read once."""
        return self.writer(tasks, config, media)

    def unsupported_reason(self, config):
        return self.requirement(_Tags(config)) if self.requirement else None


class _Tags:
    """The tag names a config uses, and the data keys its controls label."""

    def __init__(self, config):
        self.objects = {obj.tag for obj in config.objects} if config else set()
        self.controls = {control.tag for control in config.controls} if config else set()
        self.data_keys = config.referenced_data_keys if config else []
        names = {obj.name: obj.tag for obj in config.objects} if config else {}
        self.pairs = {(control.tag, names.get(to_name)) for control in config.controls
                      for to_name in control.to_names} if config else set()

    def has(self, *controls):
        return all(control in self.controls for control in controls)


def _one_data_key(check):
    def requirement(tags):
        if len(tags.data_keys) > 1:
            keys = ", ".join(f"${key}" for key in tags.data_keys)
            return f"needs the config to label one data field, but it labels {len(tags.data_keys)} ({keys})"
        return check(tags)
    return requirement


@_one_data_key
def _conll(tags):
    if ("Labels", "Text") not in tags.pairs:
        return "needs a Text with Labels"
    return None


@_one_data_key
def _boxes(tags):
    if "Image" in tags.objects and (tags.has("RectangleLabels") or tags.has("Rectangle", "Labels")):
        return None
    return "needs an Image with RectangleLabels (or Rectangle and Labels)"


@_one_data_key
def _regions(tags):
    if "Image" in tags.objects and (tags.has("RectangleLabels") or tags.has("PolygonLabels")
                                    or tags.has("Rectangle", "Labels") or tags.has("Polygon", "Labels")):
        return None
    return "needs an Image with RectangleLabels or PolygonLabels (or Rectangle/Polygon and Labels)"


@_one_data_key
def _brush(tags):
    if "Image" in tags.objects and (tags.has("BrushLabels") or tags.has("Brush", "Labels")):
        return None
    return "needs an Image with BrushLabels (or Brush and Labels)"


@_one_data_key
def _asr(tags):
    if tags.objects & {"Audio", "AudioPlus"} and tags.has("TextArea"):
        return None
    return "needs an Audio with a TextArea"


_ALL = [
    ExportFormat(
        "JSON", "JSON",
        "Each task with its data and all its completions, in one JSON list: Label Studio's own "
        "format, which it imports back.",
        True, json.files, from_texts=json.files_of_texts),
    ExportFormat(
        "JSON_MIN", "JSON-MIN",
        "One flat JSON record per completion: the task data, then each control's name with its values.",
        True, json_min.files),
    ExportFormat(
        "CSV", "CSV",
        "One row per completion, comma-separated: a column per data field and per control.",
        True, csv.csv_files),
    ExportFormat(
        "TSV", "TSV",
        "One row per completion, tab-separated: a column per data field and per control.",
        True, csv.tsv_files),
    ExportFormat(
        "CONLL2003", "CONLL2003",
        "Named entities for sequence labeling: one token per line with its IOB tag (CoNLL-2003).",
        True, conll2003.files, _conll, one_completion=True),
    ExportFormat(
        "COCO", "COCO",
        "Object detection and segmentation: one result.json with images, categories and boxes or "
        "polygons, plus the images.",
        False, coco.files, _regions, one_completion=True),
    ExportFormat(
        "VOC", "Pascal VOC XML",
        "Object detection: one XML file of boxes per image, plus the images.",
        False, voc.files, _boxes, one_completion=True),
    ExportFormat(
        "YOLO", "YOLO detection",
        "Object detection: one text file per image with a class and normalized box per line (a polygon "
        "as its bounding box), classes.txt, plus the images.",
        False, yolo.detection_files, _regions, one_completion=True),
    ExportFormat(
        "YOLO_SEG", "YOLO segmentation",
        "Instance segmentation: one text file per image with a class and normalized polygon per line (a "
        "rectangle as its four corners), classes.txt, plus the images.",
        False, yolo.segmentation_files, _regions, one_completion=True),
    ExportFormat(
        "BRUSH_TO_NUMPY", "Brush labels to NumPy",
        "Image segmentation: each brush region as a 2-D NumPy array (.npy).",
        False, brush.numpy_files, _brush, one_completion=True),
    ExportFormat(
        "BRUSH_TO_PNG", "Brush labels to PNG",
        "Image segmentation: each brush region as a greyscale PNG mask.",
        False, brush.png_files, _brush, one_completion=True),
    ExportFormat(
        "ASR_MANIFEST", "ASR Manifest",
        "Speech recognition: the NVIDIA NeMo JSON-lines manifest of WAV files with their transcripts, "
        "plus the audio.",
        False, asr_manifest.files, _asr, one_completion=True),
]

FORMATS = {export_format.name: export_format for export_format in _ALL}

# What every format's entry in the formats list says of the tasks it holds and of their completions.
TASK_SET = ("The tasks with a completion that was not cancelled; ?all_tasks=1 adds the others, "
            "?leave_out_disagreeing=1 drops those whose annotators disagree and that have no ground truth.")
ONE_COMPLETION = "Each task's ground-truth completion when one is marked, else its newest that was not cancelled."
EVERY_COMPLETION = "Every completion of each task."


def supported_formats(config):
    """Every format, whether `config` (a LabelConfig, or None) supports it, and if not, why."""
    out = []
    for export_format in _ALL:
        reason = export_format.unsupported_reason(config)
        out.append({"name": export_format.name, "title": export_format.title,
                    "description": export_format.description, "one_completion": export_format.one_completion,
                    "tasks": TASK_SET,
                    "completions": ONE_COMPLETION if export_format.one_completion else EVERY_COMPLETION,
                    "supported": reason is None, "reason": reason})
    return out
