"""supported_formats: which exports a labeling config allows, and why not (config-and-results §5.3)."""

import pytest

from lsdesk.config import parse_config
from lsdesk.formats.export import FORMATS, ExportFormat, supported_formats

ALWAYS = ["JSON", "JSON_MIN", "CSV", "TSV"]


def supported(xml):
    return [entry["name"] for entry in supported_formats(parse_config(xml) if xml else None) if entry["supported"]]


def reasons(xml):
    return {entry["name"]: entry["reason"] for entry in supported_formats(parse_config(xml))}


def test_registry_has_every_format_with_upper_case_names():
    assert list(FORMATS) == ["JSON", "JSON_MIN", "CSV", "TSV", "CONLL2003", "COCO", "VOC", "YOLO",
                             "YOLO_SEG", "BRUSH_TO_NUMPY", "BRUSH_TO_PNG", "ASR_MANIFEST"]
    assert all(isinstance(f, ExportFormat) and f.name == name for name, f in FORMATS.items())
    assert [name for name, f in FORMATS.items() if f.single_file] == ALWAYS + ["CONLL2003"]
    assert FORMATS["VOC"].title == "Pascal VOC XML" and FORMATS["JSON_MIN"].title == "JSON-MIN"


def test_every_entry_has_name_title_description_supported_and_reason():
    entries = supported_formats(None)
    assert [e["name"] for e in entries] == list(FORMATS)
    for entry in entries:
        assert list(entry) == ["name", "title", "description", "one_completion", "tasks", "completions", "supported",
                               "reason"]
        # The formats that hold one label set per task take its ground truth, else its newest completion.
        assert entry["one_completion"] == (entry["name"] not in ("JSON", "JSON_MIN", "CSV", "TSV"))
        assert "?all_tasks=1" in entry["tasks"]
        assert entry["completions"].startswith("Each task's ground-truth" if entry["one_completion"] else "Every")
        assert entry["description"]
        assert (entry["reason"] is None) == entry["supported"]


def test_without_a_config_only_the_general_formats():
    assert supported(None) == ALWAYS


def test_text_with_labels_adds_conll():
    xml = ('<View><Text name="text" value="$text"/><Labels name="ner" toName="text"><Label value="PER"/></Labels>'
           '<Choices name="c" toName="text"><Choice value="A"/></Choices></View>')
    assert supported(xml) == ALWAYS + ["CONLL2003"]


def test_text_with_choices_only_gets_the_general_formats_and_reasons():
    xml = '<View><Text name="text" value="$text"/><Choices name="c" toName="text"><Choice value="A"/></Choices></View>'
    assert supported(xml) == ALWAYS
    why = reasons(xml)
    assert why["CONLL2003"] == "needs a Text with Labels"
    assert why["COCO"] == "needs an Image with RectangleLabels or PolygonLabels (or Rectangle/Polygon and Labels)"
    assert why["VOC"] == "needs an Image with RectangleLabels (or Rectangle and Labels)"
    assert why["BRUSH_TO_PNG"] == "needs an Image with BrushLabels (or Brush and Labels)"
    assert why["ASR_MANIFEST"] == "needs an Audio with a TextArea"


@pytest.mark.parametrize("controls, expected", [
    ('<RectangleLabels name="r" toName="img"><Label value="A"/></RectangleLabels>', ["COCO", "VOC", "YOLO", "YOLO_SEG"]),
    ('<PolygonLabels name="p" toName="img"><Label value="A"/></PolygonLabels>', ["COCO", "YOLO", "YOLO_SEG"]),
    ('<Rectangle name="r" toName="img"/><Labels name="l" toName="img"><Label value="A"/></Labels>',
     ["COCO", "VOC", "YOLO", "YOLO_SEG"]),
    ('<Polygon name="p" toName="img"/><Labels name="l" toName="img"><Label value="A"/></Labels>', ["COCO", "YOLO", "YOLO_SEG"]),
    ('<BrushLabels name="b" toName="img"><Label value="A"/></BrushLabels>', ["BRUSH_TO_NUMPY", "BRUSH_TO_PNG"]),
    ('<Brush name="b" toName="img"/><Labels name="l" toName="img"><Label value="A"/></Labels>',
     ["BRUSH_TO_NUMPY", "BRUSH_TO_PNG"]),
    ('<KeyPointLabels name="k" toName="img"><Label value="A"/></KeyPointLabels>', []),
    ('<Rectangle name="r" toName="img"/>', []),
])
def test_image_configs(controls, expected):
    assert supported(f'<View><Image name="img" value="$image"/>{controls}</View>') == ALWAYS + expected


@pytest.mark.parametrize("tag", ["Audio", "AudioPlus"])
def test_audio_with_textarea_adds_asr_manifest(tag):
    xml = f'<View><{tag} name="a" value="$audio"/><TextArea name="t" toName="a"/></View>'
    assert supported(xml) == ALWAYS + ["ASR_MANIFEST"]


def test_two_labeled_data_fields_allow_only_the_general_formats():
    xml = ('<View><Image name="img" value="$image"/><Text name="text" value="$caption"/>'
           '<RectangleLabels name="r" toName="img"><Label value="A"/></RectangleLabels>'
           '<Labels name="ner" toName="text"><Label value="PER"/></Labels></View>')
    assert supported(xml) == ALWAYS
    assert reasons(xml)["COCO"] == "needs the config to label one data field, but it labels 2 ($image, $caption)"


def test_tag_and_attribute_names_are_read_in_any_case():
    xml = ('<View><Image name="img" value="$image"/>'
           '<rectanglelabels name="r" toname="img"><Label value="A"/></rectanglelabels></View>')
    assert supported(xml) == ALWAYS + ["COCO", "VOC", "YOLO", "YOLO_SEG"]
