"""Import items becoming tasks: accepted shapes, Label Studio 0.8's data rules and messages, corpus samples."""

import json
import time

import pytest

from lsdesk.config import parse_config
from lsdesk.formats.tasks import TaskInvalid, item_error, make_task_validator
from tests.corpus import SAMPLE_TASKS, corpus_file, corpus_name

FLAT = " [assume: item as is = task root with values]"
IN_DATA = ' [assume: item["data"] = task root with values]'

TEXT_CONFIG = parse_config('<View><Text name="text" value="$text"/>'
                           '<Choices name="c" toName="text"><Choice value="A"/></Choices></View>')


def error_of(validate, item):
    with pytest.raises(TaskInvalid) as raised:
        validate(item)
    return str(raised.value)


def validator_for(*body):
    return make_task_validator(parse_config("<View>" + "".join(body) + "</View>"))


# -- shapes -----------------------------------------------------------------------------------


def test_flat_item_becomes_the_task_data():
    validate = make_task_validator(TEXT_CONFIG)
    assert validate({"text": "hi", "extra": 1}) == {
        "data": {"text": "hi", "extra": 1}, "meta": None, "completions": [], "predictions": []}


def test_task_item_keeps_data_meta_completions_and_predictions():
    item = {
        "data": {"text": "hi"},
        "completions": [{"result": [], "lead_time": 2}],
        "predictions": [{"result": [{"id": "c1", "type": "choices"}], "score": 0.5}],
        "meta": {"source": "crm"},
    }
    assert make_task_validator(TEXT_CONFIG)(item) == {
        "data": {"text": "hi"}, "meta": {"source": "crm"},
        "completions": [{"result": [], "lead_time": 2}],
        "predictions": [{"result": [{"id": "c1", "type": "choices"}], "score": 0.5}],
    }


def test_label_studio_1_export_item_annotations_become_completions_and_extra_keys_are_ignored():
    item = {
        "id": 7, "inner_id": 1, "project": 3, "file_upload": "a.json", "created_at": "2024-01-01T00:00:00Z",
        "updated_at": "2024-01-01T00:00:00Z", "drafts": [{"result": []}], "total_annotations": 1,
        "data": {"text": "hi"},
        "annotations": [{"id": 1001, "result": [{"id": "c1", "type": "choices"}], "was_cancelled": False}],
        "predictions": [],
        "meta": [],
    }
    assert make_task_validator(TEXT_CONFIG)(item) == {
        "data": {"text": "hi"}, "meta": [],
        "completions": [{"id": 1001, "result": [{"id": "c1", "type": "choices"}], "was_cancelled": False}],
        "predictions": [],
    }


def test_completions_and_annotations_in_one_item_are_both_kept():
    item = {"data": {"text": "hi"}, "completions": [{"result": []}], "annotations": [{"result": [1]}]}
    assert make_task_validator(TEXT_CONFIG)(item)["completions"] == [{"result": []}, {"result": [1]}]


def test_null_meta_is_no_meta():
    assert make_task_validator(None)({"data": {}, "meta": None})["meta"] is None


def test_item_that_is_not_a_dict_is_rejected():
    for item in ([{"text": "x"}], "text", None, 3):
        assert error_of(make_task_validator(TEXT_CONFIG), item) == (
            'Task root must be dict with "data", "meta", "completions", "predictions" fields')


def test_data_must_be_a_dict_and_not_null():
    validate = make_task_validator(None)
    assert error_of(validate, {"data": None}) == "Task is empty (None)"
    assert error_of(validate, {"data": ["text"]}) == "Task[data] must be dict"
    assert error_of(validate, {"data": "text"}) == "Task[data] must be dict"


@pytest.mark.parametrize("field, noun", [("completions", "Completion"), ("annotations", "Annotation"),
                                         ("predictions", "Prediction")])
def test_completions_annotations_and_predictions_need_a_result_list(field, noun):
    validate = make_task_validator(TEXT_CONFIG)
    task = {"data": {"text": "hi"}}
    assert error_of(validate, {**task, field: {"result": []}}) == f"Task[{field}] must be list"
    assert error_of(validate, {**task, field: ["done"]}) == f"{noun} must be dict"
    assert error_of(validate, {**task, field: [{"lead_time": 1}]}) == f'{noun} must have "result" fields'
    assert error_of(validate, {**task, field: [{"result": {}}]}) == f'"result" field in {noun.lower()} must be list'


def test_meta_must_be_dict_or_list():
    assert error_of(make_task_validator(None), {"data": {}, "meta": "note"}) == "Task[meta] must be dict or list"


def test_without_a_config_only_the_shape_is_checked():
    validate = make_task_validator(None)
    assert validate({"$undefined$": "line"})["data"] == {"$undefined$": "line"}
    assert validate({"data": {"anything": [1]}})["data"] == {"anything": [1]}


# -- data rules (ls08-api.md §5.3) ----------------------------------------------------------------


def test_missing_data_key_is_reported_for_flat_and_task_items():
    validate = make_task_validator(TEXT_CONFIG)
    assert error_of(validate, {"foo": 1}) == '"text" key is expected in task data' + FLAT
    assert error_of(validate, {"data": {"foo": 1}}) == '"text" key is expected in task data' + IN_DATA


def test_first_missing_key_in_config_order_is_reported():
    validate = validator_for('<Image name="i" value="$image"/>', '<Audio name="a" value="$audio"/>',
                             '<Header value="$title"/>')
    assert error_of(validate, {"title": "t"}) == '"image" key is expected in task data' + FLAT


def test_undefined_key_moves_to_the_first_data_key_without_touching_the_item():
    validate = validator_for('<Image name="i" value="$image"/>', '<Header value="$title"/>')
    item = {"$undefined$": "/data/upload/cat.jpg", "title": "Cat"}
    assert validate(item)["data"] == {"title": "Cat", "image": "/data/upload/cat.jpg"}
    assert validate({"data": {"$undefined$": "x", "title": "t"}})["data"] == {"title": "t", "image": "x"}
    assert item == {"$undefined$": "/data/upload/cat.jpg", "title": "Cat"}


@pytest.mark.parametrize("tag, good, bad, expected", [
    ("Text", ["s", 1, 2.5], [["s"], {"a": 1}, None], "a string or a number"),
    ("Header", ["s", 3], [[1]], "a string or a number"),
    ("HyperText", ["<p>x</p>"], [1, ["x"]], "a string"),
    ("Image", ["http://x/a.jpg"], [1, ["x"]], "a string"),
    ("Audio", ["a.wav"], [1, {"url": "x"}], "a string"),
    ("Paragraphs", [[{"author": "a", "text": "b"}]], ["text", {"a": 1}], "a list"),
    ("Table", [{"a": 1}], ["a", [1]], "a dict"),
    ("TimeSeries", [{"t": [1]}, [1, 2], "a.csv"], [1, None], "a string, a list or a dict"),
    ("List", [[{"id": 1, "title": "x"}]], ["x"], "a list"),
])
def test_data_values_must_have_the_type_their_tag_reads(tag, good, bad, expected):
    validate = validator_for(f'<{tag} name="obj" value="$obj"/>')
    for value in good:
        assert validate({"obj": value})["data"] == {"obj": value}
    names = {str: "a string", int: "a number", list: "a list", dict: "a dict", type(None): "null"}
    for value in bad:
        assert error_of(validate, {"obj": value}) == (
            f'data["obj"] is {names[type(value)]}, but {tag} expects {expected}')


def test_value_list_image_and_options_from_data_read_lists():
    validate = validator_for('<Image name="pages" valueList="$pages"/>', '<Text name="t" value="$t"/>',
                             '<Choices name="c" toName="t" value="$options"/>')
    assert validate({"pages": ["1.jpg", "2.jpg"], "t": "x", "options": [{"value": "A"}]})
    assert error_of(validate, {"pages": "1.jpg", "t": "x", "options": []}) == (
        'data["pages"] is a string, but Image expects a list')
    assert error_of(validate, {"pages": [], "t": "x", "options": "A,B"}) == (
        'data["options"] is a string, but Choices expects a list')


def test_paragraphs_from_a_url_may_be_a_string():
    validate = validator_for('<Paragraphs name="p" value="$dialogue" valueType="url"/>')
    assert validate({"dialogue": "https://x/d.json"})
    assert validate({"dialogue": [{"author": "a", "text": "b"}]})


def test_a_key_read_by_two_tags_accepts_what_either_reads():
    validate = validator_for('<Video name="v" value="$url"/>', '<Audio name="a" value="$url"/>')
    assert error_of(validate, {"url": 1}) == 'data["url"] is a number, but Video/Audio expects a string'


def test_dotted_path_needs_its_top_level_key_or_the_literal_key():
    validate = validator_for('<Text name="t" value="$item.text"/>')
    assert validate({"item": {"text": "x"}})
    assert validate({"item.text": "x"})
    assert error_of(validate, {"text": "x"}) == '"item.text" key is expected in task data' + FLAT


def test_literal_values_and_templates_need_no_data():
    validate = validator_for('<Text name="t" value="Read carefully"/>', '<Header value="By $author"/>')
    assert validate({})["data"] == {}


def test_extra_data_keys_are_allowed():
    assert make_task_validator(TEXT_CONFIG)({"text": "x", "more": [1]})["data"] == {"text": "x", "more": [1]}


# -- the import's error line ---------------------------------------------------------------------


def test_item_error_names_the_index_message_and_item():
    assert item_error(3, {"foo": 1}, '"text" key is expected in task data') == (
        "Error at item 3: \"text\" key is expected in task data :: {'foo': 1}")


def test_item_error_shows_a_short_item_keeping_key_order():
    item = {"text": "x" * 10_000, "b": list(range(1000))}
    assert item_error(0, item, "m") == (
        "Error at item 0: m :: {'text': '" + "x" * 37 + "..." + "x" * 38 + "', 'b': [0, 1, 2, 3, 4, 5, 6, 7, ...]}")


def test_item_error_cuts_a_long_item_at_200_characters():
    item = {f"key{n}": "v" * 60 for n in range(8)}
    line = item_error(12, item, "m")
    assert line == "Error at item 12: m :: " + repr(item)[:200] + "..."


# -- the corpus samples --------------------------------------------------------------------------

SAMPLES = SAMPLE_TASKS
# These samples were shipped next to a config whose data keys they do not have.
SAMPLES_WITH_OTHER_KEYS = {
    "audio_classification": '"audio" key is expected in task data' + IN_DATA,
    "audio_transcribe": '"audio" key is expected in task data' + IN_DATA,
    "html_dialogues": '"dialogue" key is expected in task data' + IN_DATA,
    "image_mixedlabel": '"url" key is expected in task data' + IN_DATA,
    "text_classification": '"text" key is expected in task data' + IN_DATA,
}


def sample_items(path):
    items = json.loads(path.read_text(encoding="utf-8"))
    return items if isinstance(items, list) else [items]


def test_corpus_has_11_sample_task_files():
    assert len(SAMPLES) == 11


@pytest.mark.parametrize("path", SAMPLES, ids=corpus_name)
def test_corpus_sample_tasks_have_a_valid_shape(path):
    validate = make_task_validator(None)
    for item in sample_items(path):
        assert validate(item)["data"] == item["data"]


@pytest.mark.parametrize("path", [p for p in SAMPLES if corpus_name(p).split("/")[-1] not in SAMPLES_WITH_OTHER_KEYS],
                         ids=corpus_name)
def test_corpus_sample_tasks_pass_their_config(path):
    validate = make_task_validator(parse_config(corpus_file(corpus_name(path)).read_text(encoding="utf-8")))
    for item in sample_items(path):
        task = validate(item)
        assert (task["data"], task["predictions"]) == (item["data"], item.get("predictions", []))


@pytest.mark.parametrize("example", sorted(SAMPLES_WITH_OTHER_KEYS))
def test_corpus_samples_without_their_configs_keys_are_rejected_with_the_missing_key(example):
    name = f"v08/{example}"
    validate = make_task_validator(parse_config(corpus_file(name).read_text(encoding="utf-8")))
    item = sample_items(corpus_file(name, "tasks.json"))[0]
    assert error_of(validate, item) == SAMPLES_WITH_OTHER_KEYS[example]


def test_corpus_label_studio_1_sample_with_annotations_passes_its_config():
    text = corpus_file("v1/audio-speech-processing/intent-classification").read_text(encoding="utf-8")
    sample = json.loads(text[text.rindex("<!--") + 4:text.rindex("-->")])
    task = make_task_validator(parse_config(text))(sample)
    assert task["data"] == {"audio": "/static/samples/game.wav"}
    assert [item["type"] for item in task["completions"][0]["result"]] == ["labels", "choices"]


# -- speed -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_million_flat_items_validate_in_about_a_microsecond_each():
    validate = make_task_validator(TEXT_CONFIG)
    items = [{"text": f"item {n}"} for n in range(1_000_000)]
    started = time.perf_counter()
    for item in items:
        validate(item)
    assert time.perf_counter() - started < 1.0
