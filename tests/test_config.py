"""Labeling-config parsing, validation messages, what a config describes, and the checks against stored data."""

import pytest

from lsdesk.config import ConfigInvalid, check_against_data, parse_config
from tests.corpus import CONFIGS, corpus_file, corpus_name

CORPUS_CONFIGS = CONFIGS


def corpus_config(name):
    return parse_config(corpus_file(name).read_text(encoding="utf-8"))


def problems(xml):
    with pytest.raises(ConfigInvalid) as raised:
        parse_config(xml)
    return raised.value.messages


def view(*lines):
    """A config whose body lines start on line 2, so line numbers in messages are easy to read."""
    return "\n".join(["<View>", *lines, "</View>"])


# -- the corpus -------------------------------------------------------------------------------


def test_corpus_has_all_87_configs():
    assert len(CORPUS_CONFIGS) == 87


@pytest.mark.parametrize("path", CORPUS_CONFIGS, ids=corpus_name)
def test_every_corpus_config_is_valid(path):
    config = parse_config(path.read_text(encoding="utf-8"))
    assert config.controls or config.objects


def test_corpus_text_classification_describes_its_data_and_choices():
    config = corpus_config("v08/text_classification")
    assert config.data_types == {"text": "Text"}
    assert config.data_keys == ["text"]
    assert config.referenced_data_keys == ["text"]
    assert config.labels_for("sentiment") == ("Positive", "Negative", "Neutral")
    assert config.line == (
        '<View>  <Text name="text" value="$text"/>  <Choices name="sentiment" toName="text" choice="single">'
        '    <Choice value="Positive"/>    <Choice value="Negative"/>    <Choice value="Neutral"/>  </Choices></View>')


def test_corpus_mixed_label_uses_aliases_and_keeps_literal_text_out_of_data_types():
    config = corpus_config("v08/image_mixedlabel")
    assert config.data_types == {"image": "Image", "url": "Audio", "text": "Text"}
    assert config.labels_for("choices1") == ("yes", "no", "unknown")
    literal = next(obj for obj in config.objects if obj.name == "text1")
    assert (literal.tag, literal.value, literal.data_key) == ("Text", "Select label, click and drag on image", None)


def test_corpus_taxonomy_with_empty_name_collects_nested_choices():
    config = corpus_config("v08/text_taxonomy")
    taxonomy = config.control("")
    assert (taxonomy.tag, taxonomy.to_names, taxonomy.result_type) == ("Taxonomy", ("text",), "taxonomy")
    assert taxonomy.labels == ("Archaea", "Bacteria", "Eukarya", "Human", "Oppossum", "Extraterrestial")


def test_corpus_choices_grouped_in_nested_views_keep_document_order():
    config = corpus_config("v08/text_multi_class")
    assert config.labels_for("sentiment") == (
        "Politics", "Business", "Sport", "Cheerful", "Melancholy", "Romantic")


def test_corpus_unreferenced_object_is_not_a_referenced_data_key():
    config = corpus_config("v08/html_video_timeline")
    assert config.data_types == {"video": "HyperText", "videoSource": "AudioPlus"}
    assert config.referenced_data_keys == ["videoSource"]


def test_corpus_data_key_used_twice_reports_the_later_tag_like_label_studio():
    config = corpus_config("v1/videos/video-timeline-segmentation")
    assert config.data_types == {"video_url": "Audio"}
    assert [(obj.name, obj.data_key) for obj in config.objects] == [("video", "video_url"), ("audio", "video_url")]


def test_corpus_multi_page_image_takes_its_data_key_from_value_list():
    config = corpus_config("v1/computer-vision/multipage-documents")
    assert config.data_types == {"pages": "Image"}
    assert config.objects[0].value == "$pages"
    assert config.referenced_data_keys == ["pages"]


def test_corpus_filter_and_unnamed_relations_are_not_controls():
    assert [c.name for c in corpus_config("v08/adv_other_filter").controls] == ["ner"]
    assert [c.name for c in corpus_config("v08/adv_other_relations").controls] == ["label"]


def test_corpus_control_over_four_images_lists_every_to_name():
    config = corpus_config("v1/community-contributions/breast-cancer-mammogram-classification")
    assert config.control("birads_left").to_names == ("left_cc", "right_cc", "left_mlo", "right_mlo")
    assert config.referenced_data_keys == ["img1", "img3", "img2", "img4"]


def test_corpus_pairwise_result_type_and_two_objects():
    pairwise = corpus_config("v08/adv_other_pairwise").control("pw")
    assert (pairwise.to_names, pairwise.labels, pairwise.result_type) == (("text1", "text2"), (), "pairwise")


# -- describing a config ------------------------------------------------------------------------


def test_line_removes_comments_and_line_breaks_but_keeps_indentation():
    config = parse_config('<!-- title -->\r\n<View>\r\n  <!-- a\nnote -->\r\n  <Header value="x"/>\r\n</View>\r\n')
    assert config.xml == '<!-- title -->\n<View>\n  <!-- a\nnote -->\n  <Header value="x"/>\n</View>\n'
    assert config.line == '<View>    <Header value="x"/></View>'


def test_data_types_include_every_tag_with_a_dollar_value_in_document_order():
    config = parse_config(view(
        '<Header value="$title"/>',
        '<Text name="text" value="$text"/>',
        '<Header value="Review by $author"/>',
        '<Choices name="c" toName="text" value="$options"/>',
    ))
    assert config.data_types == {"title": "Header", "text": "Text", "options": "Choices"}
    assert config.referenced_data_keys == ["text"]


def test_object_tags_record_value_data_key_and_value_type():
    config = parse_config(view(
        '<TimeSeries name="ts" value="$csv" valueType="url"><Channel column="a"/></TimeSeries>',
        '<Text name="inline">Read this</Text>',
        '<Text name="path" value="$item.text"/>',
    ))
    assert [tuple(vars(obj).values()) for obj in config.objects] == [
        ("ts", "TimeSeries", "$csv", "csv", "url"),
        ("inline", "Text", None, None, None),
        ("path", "Text", "$item.text", "item.text", None),
    ]


def test_control_lookup_and_labels_for_unknown_control():
    config = parse_config(view('<Text name="t" value="$t"/>', '<TextArea name="notes" toName="t"/>'))
    assert config.control("notes").labels == ()
    assert config.control("missing") is None
    assert config.labels_for("missing") == ()


def test_tag_and_attribute_names_are_read_case_insensitively_and_reported_canonically():
    config = parse_config(view(
        '<TEXT NAME="text" VALUE="$text"/>',
        '<choices name="c" toname="text"><choice value="A"/></choices>',
    ))
    assert config.data_types == {"text": "Text"}
    control = config.control("c")
    assert (control.tag, control.to_names, control.labels, control.result_type) == (
        "Choices", ("text",), ("A",), "choices")


def test_a_single_choice_is_enough():
    config = parse_config(view(
        '<Text name="t" value="$t"/>',
        '<Choices name="c" toName="t"><Choice value="A"/></Choices>',
    ))
    assert config.labels_for("c") == ("A",)


def test_lower_case_html_elements_are_allowed_inside_views():
    config = parse_config(view(
        '<div><h1>Title</h1><p>Read <b>this</b>, <a href="#x" name="x">here</a></p>',
        '<table><tr><td/></tr></table></div>',
        '<Text name="x" value="$x"/>',
    ))
    assert config.data_keys == ["x"]


def test_inline_hypertext_content_is_not_checked_as_config():
    config = parse_config(view('<HyperText name="h"><p>Hello <Foo>world</Foo></p></HyperText>'))
    assert config.objects[0].value is None


def test_xml_declaration_with_another_encoding_does_not_garble_text():
    config = parse_config('<?xml version="1.0" encoding="ISO-8859-1"?><View><Header value="café"/></View>')
    assert config.line.endswith('<Header value="café"/></View>')


# -- validation messages ------------------------------------------------------------------------


def test_non_string_config_cannot_be_parsed():
    for value in (None, 5, b"<View/>"):
        assert problems(value) == ["can only parse strings"]


def test_empty_config_says_it_is_empty():
    assert problems("") == ["the label config is empty: expected <View>...</View>"]
    assert problems(" \n ") == ["the label config is empty: expected <View>...</View>"]


def test_syntax_error_gives_line_and_column_from_lxml():
    assert problems('<View><Text name="text" value="$text"></View>') == [
        "line 1, column 46: Opening and ending tag mismatch: Text line 1 and View"]


def test_syntax_errors_are_all_listed():
    assert problems("<View>\n<Text name=text/>\n</View>") == [
        "line 2, column 12: AttValue: \" or ' expected",
        "line 2, column 12: attributes construct error",
        "line 2, column 12: Couldn't find end of Start Tag Text line 2",
    ]


def test_syntax_errors_of_an_earlier_config_are_not_repeated():
    assert problems("<View><a></View>") == ["line 1, column 17: Opening and ending tag mismatch: a line 1 and View"]
    assert problems("<View><b></View>") == ["line 1, column 17: Opening and ending tag mismatch: b line 1 and View"]


def test_text_that_is_not_xml_is_a_syntax_error():
    assert problems("hello") == ["line 1, column 1: Start tag expected, '<' not found"]


def test_root_must_be_view():
    assert problems('<Labels name="l" toName="t"><Label value="A"/></Labels>') == [
        "line 1: the root tag must be <View>, not <Labels>",
        "line 1: Labels 'l' has toName='t' but no object tag is named 't'",
    ]


def test_duplicate_name_reports_both_lines():
    assert problems(view(
        '<Text name="text" value="$a"/>',
        '<Text name="other" value="$b"/>',
        '<Text name="text" value="$c"/>',
    )) == ["line 4: duplicate name 'text' (also on line 2)"]


def test_every_to_name_entry_must_name_an_object_tag():
    assert problems(view(
        '<Image name="image" value="$image"/>',
        '<Labels name="label" toName="img"><Label value="A"/></Labels>',
        '<Pairwise name="pw" toName="image, label"/>',
    )) == [
        "line 3: Labels 'label' has toName='img' but no object tag is named 'img'",
        "line 4: Pairwise 'pw' has toName='image, label' but no object tag is named 'label'",
    ]


def test_filter_to_name_must_name_a_control_tag():
    assert problems(view(
        '<Text name="text" value="$text"/>',
        '<Filter name="filter" toName="text"/>',
        '<Labels name="ner" toName="text"><Label value="A"/></Labels>',
    )) == ["line 3: Filter 'filter' has toName='text' but no control tag is named 'text'"]


def test_controls_need_name_and_to_name():
    assert problems(view(
        '<Text name="t" value="$t"/>',
        '<Choices toName="t"><Choice value="A"/></Choices>',
        '<Rating name="r"/>',
        '<Filter name="f"/>',
    )) == [
        "line 3: Choices needs a 'name' attribute",
        "line 4: Rating 'r' needs a 'toName' attribute",
        "line 5: Filter 'f' needs a 'toName' attribute",
    ]


def test_relations_and_text_area_may_stand_alone():
    config = parse_config(view('<Relations><Relation value="r"/></Relations>', '<TextArea name="notes"/>'))
    assert [(c.name, c.to_names) for c in config.controls] == [("notes", ())]


def test_object_tags_need_a_name_and_a_value():
    assert problems(view(
        '<Image name="img"/>',
        '<Text name="text"/>',
        '<Audio name="audio"/>',
        '<Video value="$video"/>',
    )) == [
        "line 2: Image 'img' needs a 'value' or 'valueList' attribute",
        "line 3: Text 'text' needs a 'value' attribute or inline content",
        "line 4: Audio 'audio' needs a 'value' attribute",
        "line 5: Video needs a 'name' attribute",
    ]


def test_option_controls_need_at_least_one_option():
    assert problems(view(
        '<Text name="t" value="$t"/>',
        '<Labels name="labels" toName="t"></Labels>',
        '<Choices name="choices" toName="t"><View><Header value="Empty group"/></View></Choices>',
        '<RectangleLabels name="boxes" toName="t"><Choice value="wrong item"/></RectangleLabels>',
        '<Taxonomy name="tax" toName="t"/>',
        '<Relations/>',
    )) == [
        "line 3: Labels 'labels' needs at least one <Label>",
        "line 4: Choices 'choices' needs at least one <Choice>",
        "line 5: RectangleLabels 'boxes' needs at least one <Label>",
        "line 6: Taxonomy 'tax' needs at least one <Choice>",
        "line 7: Relations needs at least one <Relation>",
    ]


def test_options_from_task_data_make_children_optional():
    config = parse_config(view(
        '<Text name="t" value="$t"/>',
        '<Choices name="c" toName="t" value="$options"/>',
        '<Taxonomy name="tax" toName="t" apiUrl="https://example.org/tree"/>',
    ))
    assert config.labels_for("c") == ()


def test_options_in_a_nested_group_count():
    config = parse_config(view(
        '<Text name="t" value="$t"/>',
        '<Choices name="c" toName="t"><View><Header value="Topics"/><Choice value="A"/></View></Choices>',
    ))
    assert config.labels_for("c") == ("A",)


def test_items_need_their_value():
    assert problems(view(
        '<Text name="t" value="$t"/>',
        '<Labels name="l" toName="t"><Label value="A"/><Label alias="b"/></Labels>',
        '<Choices name="c" toName="t"><Choice/></Choices>',
        '<TimeSeries name="ts" value="$ts"><Channel legend="x"/></TimeSeries>',
    )) == [
        "line 3: Label needs a 'value' attribute",
        "line 4: Choice needs a 'value' attribute",
        "line 5: Channel needs a 'column' attribute",
    ]


def test_unknown_tags_are_rejected_with_their_line():
    assert problems(view(
        '<Text name="t" value="$t"/>',
        '<Foo/>',
        '<foo/>',
        '<Lables name="l" toName="t"/>',
    )) == [
        "line 3: unknown tag <Foo>",
        "line 4: unknown tag <foo>",
        "line 5: unknown tag <Lables>",
    ]


def test_all_problems_are_reported_in_document_order():
    assert problems('<Foo>\n<Image name="a"/>\n<Text name="a" value="$a"/>\n</Foo>') == [
        "line 1: the root tag must be <View>, not <Foo>",
        "line 1: unknown tag <Foo>",
        "line 2: Image 'a' needs a 'value' or 'valueList' attribute",
        "line 3: duplicate name 'a' (also on line 2)",
    ]


def test_config_invalid_is_a_value_error_listing_the_messages():
    error = ConfigInvalid(["one", "two"])
    assert isinstance(error, ValueError)
    assert (error.messages, str(error)) == (["one", "two"], "one\ntwo")


# -- checks against stored tasks and completions (ls08-api.md §4.3) ----------------------------

SENTIMENT = parse_config(view(
    '<Text name="text" value="$text"/>',
    '<Text name="note" value="$note"/>',
    '<Choices name="sentiment" toName="text">',
    '<Choice value="Positive"/><Choice alias="neg" value="Negative"/>',
    '</Choices>',
))


def test_no_stored_data_means_nothing_to_check():
    assert check_against_data(SENTIMENT, None, []) == []
    assert check_against_data(SENTIMENT, set(), []) == []


def test_referenced_object_keys_must_be_in_every_task():
    assert check_against_data(SENTIMENT, {"text", "other"}, []) == []
    assert check_against_data(SENTIMENT, {"body"}, []) == [
        "You have already imported tasks and they are incompatible with a new config. "
        "You've specified value=$text, but imported tasks contain only keys: ['body']"]


def test_unreferenced_object_keys_are_not_required_of_stored_tasks():
    assert check_against_data(SENTIMENT, {"text"}, []) == []


def test_stored_results_must_still_have_their_control_object_and_type():
    schema = [
        ("sentiment", "text", "choices", "Positive"),
        ("sentiment", "note", "choices", "Positive"),
        ("topic", "text", "choices", None),
        ("sentiment", "text", "labels", None),
    ]
    prefix = "You've already completed some tasks, but some of them couldn't be loaded with this config: "
    assert check_against_data(SENTIMENT, None, schema) == [
        prefix + "name=sentiment, toName=note, type=choices are expected",
        prefix + "name=sentiment, toName=text, type=labels are expected",
        prefix + "name=topic, toName=text, type=choices are expected",
    ]


def test_stored_labels_must_still_exist_aliases_included():
    schema = [("sentiment", "text", "choices", label) for label in ("Positive", "neg", "Negative", "Neutral")]
    assert check_against_data(SENTIMENT, None, schema) == [
        "You've already completed some tasks, but some of them couldn't be loaded with this config: "
        "there are labels already created for \"sentiment\":\n['Negative', 'Neutral']"]


def test_relation_rating_and_pairwise_results_are_not_checked():
    schema = [("gone", "text", kind, None) for kind in ("relation", "rating", "pairwise")]
    assert check_against_data(SENTIMENT, None, schema) == []


def test_any_listed_object_of_a_multi_object_control_is_accepted():
    config = corpus_config("v1/community-contributions/breast-cancer-mammogram-classification")
    schema = [("birads_left", "right_mlo", "choices", "1 - Negative")]
    assert check_against_data(config, {"img1", "img2", "img3", "img4"}, schema) == []


def test_labels_from_task_data_are_not_checked():
    config = parse_config(view('<Text name="t" value="$t"/>', '<Choices name="c" toName="t" value="$options"/>'))
    assert check_against_data(config, None, [("c", "t", "choices", "Anything")]) == []


def test_data_and_result_problems_are_reported_together():
    messages = check_against_data(SENTIMENT, {"body"}, [("topic", "text", "choices", None)])
    assert [message[:30] for message in messages] == [
        "You have already imported task", "You've already completed some "]
