"""Loaded results of the text and classification tags come back byte for byte: getResult() of an
untouched editor deep-equals what was loaded (extra keys, old shapes and all; an item loaded
without an id gets one), and what was loaded is shown."""

import re

import pytest

CONFIG = """<View>
  <Labels name="ner" toName="text"><Label value="PER"/><Label value="ORG" alias="organisation"/></Labels>
  <Text name="text" value="$text"/>
  <HyperTextLabels name="hner" toName="html"><Label value="Person"/></HyperTextLabels>
  <HyperText name="html" value="$html"/>
  <ParagraphLabels name="pl" toName="dialog"><Label value="Greeting"/></ParagraphLabels>
  <Paragraphs name="dialog" value="$dialog"/>
  <Table name="tbl" value="$row"/>
  <List name="results" value="$items" title="Results"/>
  <Choices name="sentiment" toName="text" choice="multiple"><Choice value="Positive"/><Choice value="Negative" alias="neg"/></Choices>
  <Choices name="span_kind" toName="text" perRegion="true"><Choice value="Real"/><Choice value="Fake"/></Choices>
  <TextArea name="comment" toName="text"/>
  <TextArea name="old_comment" toName="text"/>
  <TextArea name="note" toName="text" perRegion="true"/>
  <Rating name="stars" toName="text"/>
  <Number name="count" toName="text"/>
  <DateTime name="when" toName="text" only="date"/>
  <Taxonomy name="tax" toName="text"><Choice value="One"/><Choice value="Three"><Choice value="Sub"/></Choice></Taxonomy>
  <Pairwise name="pw" toName="text,html"/>
  <Ranker name="rank" toName="results"/>
  <Ranker name="bucketed" toName="results"><Bucket name="best" title="Best"/><Bucket name="ads" title="Ads"/></Ranker>
  <Collapse><Panel value="More"><Choices name="inner" toName="text"><Choice value="X"/></Choices></Panel></Collapse>
  <Filter toName="sentiment"/>
</View>"""

DATA = {
    "text": "😀 John Smith works at ACME.",
    "html": "<div><p>Michael <i>Jordan</i></p><p>plays</p></div>",
    "dialog": [{"author": "A", "text": "Hi there"}, {"author": "B", "text": "Hello 👋 you"}, {"author": "A", "text": "Bye"}],
    "row": {"b": 1, "A": 2},
    "items": [{"id": "mdn", "title": "MDN", "body": "docs"}, {"id": "wiki", "title": "Wiki", "body": ""},
              {"id": "blog", "title": "Blog", "body": "<b>not html</b>"}],
}

RESULT = [
    # a text span with extra keys, a per-region textarea and choices on it
    {"id": "s1", "from_name": "ner", "to_name": "text", "type": "labels", "origin": "prediction", "score": 0.87,
     "readonly": False, "meta": {"text": ["check"]},
     "value": {"start": 2, "end": 12, "text": "John Smith", "labels": ["PER"]}},
    {"id": "s1", "from_name": "note", "to_name": "text", "type": "textarea",
     "value": {"start": 2, "end": 12, "text": ["a person"]}},
    {"id": "s1", "from_name": "span_kind", "to_name": "text", "type": "choices",
     "value": {"start": 2, "end": 12, "text": "John Smith", "choices": ["Real"]}},
    # a span without text (saveTextResult=no elsewhere) and an alias label
    {"id": "s2", "from_name": "ner", "to_name": "text", "type": "labels",
     "value": {"start": 22, "end": 26, "labels": ["organisation"]}},
    # hypertext: one by xpath, one with globalOffsets only
    {"id": "h1", "from_name": "hner", "to_name": "html", "type": "hypertextlabels",
     "value": {"start": "/div[1]/p[1]/text()[1]", "startOffset": 0, "end": "/div[1]/p[1]/i[1]/text()[1]", "endOffset": 6,
               "globalOffsets": {"start": 0, "end": 14}, "text": "Michael Jordan", "hypertextlabels": ["Person"]}},
    {"id": "h2", "from_name": "hner", "to_name": "html", "type": "hypertextlabels",
     "value": {"start": "/nowhere[9]", "startOffset": 0, "end": "/nowhere[9]", "endOffset": 5,
               "globalOffsets": {"start": 14, "end": 19}, "hypertextlabels": ["Person"]}},
    # paragraphs: indices as numbers and, in old data, as strings
    {"id": "p1", "from_name": "pl", "to_name": "dialog", "type": "paragraphlabels",
     "value": {"start": 0, "end": 1, "startOffset": 3, "endOffset": 7, "text": "there\nHello 👋", "paragraphlabels": ["Greeting"]}},
    {"id": "p2", "from_name": "pl", "to_name": "dialog", "type": "paragraphlabels",
     "value": {"start": "2", "end": "2", "startOffset": 0, "endOffset": 3, "text": "Bye", "paragraphlabels": ["Greeting"]}},
    # whole-object answers
    {"id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices", "origin": "manual",
     "value": {"choices": ["neg", "Positive"]}},
    {"id": "t1", "from_name": "comment", "to_name": "text", "type": "textarea", "value": {"text": ["nice", "two\nlines"]}},
    {"id": "t2", "from_name": "old_comment", "to_name": "text", "type": "textarea", "value": {"text": "a bare string"}},
    {"id": "r1", "from_name": "stars", "to_name": "text", "type": "rating", "value": {"rating": 4}},
    {"id": "n1", "from_name": "count", "to_name": "text", "type": "number", "value": {"number": 2.5}},
    {"id": "d1", "from_name": "when", "to_name": "text", "type": "datetime", "value": {"datetime": "1879-03-14"}},
    {"id": "x1", "from_name": "tax", "to_name": "text", "type": "taxonomy", "value": {"taxonomy": [["One"], ["Three", "Sub"]]}},
    {"id": "w1", "from_name": "pw", "to_name": "pw", "type": "pairwise", "value": {"selected": "right"}},
    {"from_name": "rank", "to_name": "results", "type": "ranker", "value": {"ranker": {"rank": ["wiki", "mdn", "blog"]}}},
    {"id": "k2", "from_name": "bucketed", "to_name": "results", "type": "ranker", "value": {"ranker": {"best": ["mdn"], "ads": ["blog"]}}},
    {"id": "i1", "from_name": "inner", "to_name": "text", "type": "choices", "value": {"choices": ["X"]}},
    # a relation and an item of a control this config does not have
    {"from_id": "s1", "to_id": "s2", "type": "relation", "direction": "right", "labels": []},
    {"id": "zz", "from_name": "gone", "to_name": "text", "type": "choices", "value": {"choices": ["?"]}},
]


def as_loaded(page):
    """RESULT as the editor holds it: the same items, the one without an id (the "rank" ranker)
    given a Label Studio id of its own, so it is a region that can be listed and deleted."""
    loaded = page.evaluate("window.editor.getResult()")
    [given] = [item["id"] for item, sent in zip(loaded, RESULT) if "id" not in sent and sent["type"] != "relation"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{10}", given)
    return [{"id": given, **item} if "id" not in item and item["type"] != "relation" else item for item in RESULT]


def test_every_text_tag_round_trips_untouched(editor):
    page = editor(CONFIG, DATA, RESULT)
    loaded = as_loaded(page)
    assert page.evaluate("window.editor.getResult()") == loaded
    # what was loaded is shown
    assert page.locator(".lsd-text .lsd-span").all_inner_texts() == ["John Smith", "ACME"]
    assert "".join(page.locator(".lsd-hypertext .lsd-span").all_inner_texts()) == "Michael Jordanplays"
    assert page.locator(".lsd-paragraphs .lsd-span").all_inner_texts() == ["there", "Hello 👋", "Bye"]
    assert page.is_checked(".lsd-choices[data-control=sentiment] input[value=neg]")
    assert page.is_checked(".lsd-choices[data-control=sentiment] input[value=Positive]")
    assert page.locator(".lsd-textarea[data-control=comment] .lsd-entry-text").all_inner_texts() == ["nice", "two\nlines"]
    assert page.locator(".lsd-textarea[data-control=old_comment] .lsd-entry-text").all_inner_texts() == ["a bare string"]
    assert page.locator(".lsd-star.on").count() == 4
    assert page.input_value(".lsd-number input") == "2.5"
    assert page.input_value(".lsd-datetime input") == "1879-03-14"
    assert page.locator(".lsd-chip > span").all_inner_texts() == ["One", "Sub"]
    assert page.get_attribute(".lsd-pairwise button:nth-child(2)", "aria-pressed") == "true"
    assert page.locator(".lsd-ranker[data-control=rank] .lsd-ranker-title").all_inner_texts() == ["Wiki", "MDN", "Blog"]
    assert page.locator(".lsd-ranker[data-control=bucketed] .lsd-ranker-item").evaluate_all(
        "cards => cards.map(c => [c.closest('section').querySelector('h4').textContent, c.dataset.id])") == [
        ["Unsorted", "wiki"], ["Best", "mdn"], ["Ads", "blog"]]
    # selecting and unselecting regions, and undo after an edit, change nothing
    page.click(".lsd-text .lsd-span >> nth=0")
    assert page.locator(".lsd-textarea[data-control=note] .lsd-entry-text").all_inner_texts() == ["a person"]
    assert page.is_checked(".lsd-choices[data-control=span_kind] input[value=Real]")
    page.keyboard.press("Escape")
    page.click("button[aria-label='5 of 5']")
    assert page.evaluate("window.editor.getResult()") != loaded
    page.keyboard.press("Control+z")
    assert page.evaluate("window.editor.getResult()") == loaded


CASES = {
    "text": ("""<View><Labels name="l" toName="t"><Label value="A"/></Labels><Text name="t" value="$t" saveTextResult="no"/></View>""",
             {"t": "abc def"},
             [{"id": "a", "from_name": "l", "to_name": "t", "type": "labels", "value": {"start": 4, "end": 7, "labels": ["A"]},
               "origin": "prediction-changed"}]),
    "choices_single_radio": ("""<View><Text name="t" value="$t"/><Choices name="c" toName="t" choice="single-radio" showInline="true">
               <Choice value="A"/><Choice value="B"/></Choices></View>""",
             {"t": "x"},
             [{"id": "c", "from_name": "c", "to_name": "t", "type": "choices", "value": {"choices": ["Unknown"]}, "score": 0.5}]),
    "textarea_no_to_name": ("""<View><Image name="img" value="$img"/><TextArea name="d" toName="d"/></View>""",
             {"img": "/assets/samples/sample.png"},
             [{"id": "d", "from_name": "d", "to_name": "d", "type": "textarea", "value": {"text": [""]}}]),
    "per_region_on_image": ("""<View><Image name="img" value="$img"/><Rating name="r" toName="img" perRegion="true"/></View>""",
             {"img": "/assets/samples/sample.png"},
             [{"id": "b", "from_name": "r", "to_name": "img", "type": "rating", "original_width": 10, "original_height": 10,
               "image_rotation": 0, "value": {"x": 1, "y": 2, "width": 3, "height": 4, "rotation": 0, "rating": 2}}]),
    "datetime_formatted": ("""<View><Text name="t" value="$t"/><DateTime name="d" toName="t" format="%d.%m.%Y %H:%M"/></View>""",
             {"t": "x"},
             [{"id": "d", "from_name": "d", "to_name": "t", "type": "datetime", "value": {"datetime": "24.06.2022 17:01"}}]),
    "ranker_old_array": ("""<View><List name="l" value="$items"/><Ranker name="r" toName="l"/></View>""",
             {"items": [{"id": 1, "title": "one"}, {"id": 2, "title": "two"}]},
             [{"id": "r", "from_name": "r", "to_name": "l", "type": "ranker", "value": {"ranker": [2, 1]}}]),
    "paragraphs_dialogue": ("""<View><Labels name="l" toName="p"><Label value="Q"/></Labels>
               <Paragraphs name="p" value="$p" layout="dialogue" textKey="line"/></View>""",
             {"p": [{"author": "x", "line": "why?"}]},
             [{"id": "p", "from_name": "l", "to_name": "p", "type": "labels",
               "value": {"start": 0, "end": 0, "startOffset": 0, "endOffset": 4, "labels": ["Q"]}}]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_single_tag_round_trips(editor, case):
    config, data, result = CASES[case]
    page = editor(config, data, result)
    assert page.evaluate("window.editor.getResult()") == result
