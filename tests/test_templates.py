"""The template gallery: every config of Label Studio's template corpus, shipped with lsdesk, with its title,
category, tags and a sample task lsdesk can show offline; GET /api/templates serves it."""

import pytest

from lsdesk.config import parse_config
from lsdesk.formats.tasks import make_task_validator
from lsdesk.templates import gallery, sample_data
from tests.corpus import CONFIGS, corpus_file

TEMPLATES = {entry["id"]: entry for entry in gallery()}


def test_the_gallery_offers_every_corpus_config_once_0_8s_first():
    assert len(gallery()) == len(CONFIGS) == 87
    ids = [entry["id"] for entry in gallery()]
    assert ids[0] == "v08/adv_layouts_columns2" and ids[54] == "v1/audio-speech-processing/automatic-speech-recognition-using-segments"
    assert {entry["category"] for entry in gallery()} == {
        "Audio", "Community", "HTML and documents", "Images", "Layouts", "Nested choices", "Other",
        "Per-region labeling", "Ranking and scoring", "Text", "Time series", "Video"}


def test_a_0_8_example_is_offered_as_0_8_offered_it_with_its_own_sample():
    entry = TEMPLATES["v08/text_named_entity"]
    text = corpus_file("v08/text_named_entity").read_text()
    assert (entry["title"], entry["category"], entry["source"]) == ("Named entity recognition", "Text", "Label Studio 0.8")
    assert entry["config"] == text.split("-->\n", 1)[1]
    assert entry["tags"] == ["Label", "Labels", "Text"]
    assert entry["data"]["text"].startswith("Showers continued throughout the week in the Bahia cocoa zone")


def test_a_1_x_template_leaves_its_sample_comment_out_and_swaps_urls_lsdesk_cannot_reach():
    entry = TEMPLATES["v1/videos/video-classification"]
    assert (entry["title"], entry["category"], entry["source"]) == ("Video classification", "Video", "Label Studio 1.x")
    assert entry["config"].endswith("</Choices>\n</View>\n") and "opossum" not in entry["config"]
    assert entry["data"] == {"video": "/assets/samples/sample.webm"}  # was /static/samples/opossum_snow.mp4


def test_sample_values_are_kept_unless_they_need_the_network():
    example = {"text": "sample", "image": "/assets/samples/sample.png", "pages": ["/assets/samples/sample.png"]}
    sample = {"text": "their text", "image": "https://example.com/a.jpg", "pages": ["/data/upload/a.png", "//cdn/b.png"]}
    assert sample_data(sample, example) == {"text": "their text", "image": "/assets/samples/sample.png",
                                            "pages": ["/assets/samples/sample.png"]}
    assert sample_data({"image": "/data/upload/a.png"}, example)["image"] == "/data/upload/a.png"


@pytest.mark.parametrize("entry", gallery(), ids=lambda entry: entry["id"])
def test_every_template_parses_and_its_sample_task_passes_it(entry):
    make_task_validator(parse_config(entry["config"]))({"data": entry["data"]})


def test_api_serves_the_gallery(api):
    answer = api.get("/api/templates")
    assert answer.status == 200
    assert answer.json["templates"] == gallery()
