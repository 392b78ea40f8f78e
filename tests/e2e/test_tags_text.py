"""The text and classification tags in a real browser: spans made by selecting text, choices,
text areas, ratings, per-region controls, visibleWhen, HyperText sanitising, Paragraphs, Table."""

import time

NER = """<View>
  <Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Text name="text" value="$text"/>
</View>"""

SELECT_JS = """([selector, start, end]) => {
    // Select [start, end) (UTF-16 units) of the text drawn in `selector`, then end the
    // selection the way a mouse does (mouseup on the text).
    const root = document.querySelector(selector);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let seen = 0;
    let startSet = false;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.data.length;
        if (!startSet && start <= seen + length) { range.setStart(node, start - seen); startSet = true; }
        if (end <= seen + length) { range.setEnd(node, end - seen); break; }
        seen += length;
    }
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    root.dispatchEvent(new MouseEvent("mouseup", {bubbles: true, button: 0}));
}"""


def select_text(page, selector, start, end):
    page.evaluate(SELECT_JS, [selector, start, end])


def result(page):
    return page.evaluate("window.editor.getResult()")


def without_ids(items):
    return [{key: value for key, value in item.items() if key != "id"} for item in items]


# -- Text --------------------------------------------------------------------------------------

def test_text_span_by_selection_counts_code_points_after_emoji(editor):
    text = "😀 Hi John Smith from Paris"
    page = editor(NER, {"text": text})
    assert page.inner_text(".lsd-text") == text
    page.keyboard.press("1")  # arms PER
    start_units = len(text[:text.index("John")].encode("utf-16-le")) // 2  # the emoji is two UTF-16 units
    assert start_units == 6
    select_text(page, ".lsd-text", start_units, start_units + len("John Smith"))
    items = result(page)
    assert without_ids(items) == [{"from_name": "label", "to_name": "text", "type": "labels",
                                   "value": {"start": 5, "end": 15, "text": "John Smith", "labels": ["PER"]}}]
    assert text[5:15] == "John Smith"  # Python indexing = code points
    assert len(items[0]["id"]) == 10
    assert page.locator(".lsd-span").inner_text() == "John Smith"


def test_text_span_by_mouse_drag(editor):
    page = editor(NER, {"text": "Alice met Bob in Berlin."})
    page.click("text=LOC")
    box = page.evaluate("""() => {
        const node = document.querySelector('.lsd-text').firstChild;
        const range = document.createRange();
        const at = node.data.indexOf('Berlin');
        range.setStart(node, at); range.setEnd(node, at + 6);
        const r = range.getBoundingClientRect();
        return {x0: r.left + 1, x1: r.right - 1, y: r.top + r.height / 2};
    }""")
    page.mouse.move(box["x0"], box["y"])
    page.mouse.down()
    page.mouse.move(box["x1"], box["y"], steps=5)
    page.mouse.up()
    [item] = result(page)
    assert item["value"]["labels"] == ["LOC"]
    assert item["value"]["text"] in ("Berlin", "Berli", "erlin", "erli")
    assert item["value"]["end"] - item["value"]["start"] == len(item["value"]["text"])


def test_inline_text_and_word_granularity(editor):
    config = """<View><Labels name="l" toName="t"><Label value="W"/></Labels>
      <Text name="t" granularity="word">Some inline words here</Text></View>"""
    page = editor(config, {})
    page.keyboard.press("1")
    select_text(page, ".lsd-text", 7, 14)  # "line wo"
    assert without_ids(result(page)) == [{"from_name": "l", "to_name": "t", "type": "labels",
                                          "value": {"start": 5, "end": 17, "text": "inline words", "labels": ["W"]}}]


def test_select_span_and_relabel_it_by_hotkey(editor):
    loaded = [{"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}}]
    page = editor(NER, {"text": "Alice in Paris"}, loaded)
    page.click(".lsd-span")
    assert page.evaluate("window.editor.store.selected") == "s1"
    assert page.get_attribute(".lsd-span", "class") == "lsd-span selected"
    page.keyboard.press("2")
    assert result(page)[0]["value"]["labels"] == ["LOC"]
    page.keyboard.press("Control+z")
    assert result(page) == loaded


def test_overlapping_spans_nest(editor):
    loaded = [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 9, "text": "New York", "labels": ["LOC"]}},
        {"id": "b", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 4, "end": 14, "text": "York Times", "labels": ["PER"]}},
    ]
    page = editor(NER, {"text": "New York Times"}, loaded)
    assert page.inner_text(".lsd-text") == "New York Times"
    nested = page.evaluate("[...document.querySelectorAll('.lsd-span .lsd-span')].map(e => [e.parentNode.dataset.region, e.dataset.region, e.textContent])")
    assert nested == [["a", "b", "York "]]
    assert result(page) == loaded


def test_one_megabyte_text_renders_and_takes_a_span(editor):
    text = ("lorem ipsum dolor sit amet " * 40000)[:1_000_000] + "TARGET"
    started = time.monotonic()
    page = editor(NER, {"text": text})
    page.wait_for_selector(".lsd-text")
    page.keyboard.press("1")
    select_text(page, ".lsd-text", len(text) - 6, len(text))
    assert without_ids(result(page))[0]["value"] == {"start": 1_000_000, "end": 1_000_006, "text": "TARGET", "labels": ["PER"]}
    page.click(".lsd-span")
    assert page.evaluate("window.editor.store.selected")
    assert time.monotonic() - started < 15


# -- Choices -----------------------------------------------------------------------------------

CHOICES = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text" choice="single" showInline="true">
    <Choice value="Positive"/><Choice value="Negative" alias="neg"/><Choice value="Neutral" hotkey="n"/>
  </Choices>
  <Choices name="topics" toName="text" choice="multiple">
    <Choice value="Sports"/><Choice value="Politics"/>
  </Choices>
</View>"""


def test_choices_single_by_click_and_hotkey_with_alias(editor):
    page = editor(CHOICES, {"text": "hello"})
    page.click("label.lsd-choice:has-text('Positive')")
    assert without_ids(result(page)) == [{"from_name": "sentiment", "to_name": "text", "type": "choices",
                                          "value": {"choices": ["Positive"]}}]
    page.keyboard.press("2")  # Negative, written as its alias
    assert result(page)[0]["value"] == {"choices": ["neg"]}
    assert page.is_checked("label.lsd-choice:has-text('Negative') input")
    assert not page.is_checked("label.lsd-choice:has-text('Positive') input")
    page.keyboard.press("n")
    assert result(page)[0]["value"] == {"choices": ["Neutral"]}
    page.keyboard.press("n")  # toggling the only choice off removes the item
    assert result(page) == []


def test_choices_multiple_keeps_config_order(editor):
    page = editor(CHOICES, {"text": "hello"})
    page.keyboard.press("4")  # Politics (1, 2 go to the first control; n is explicit; 3 is next)
    page.click("label.lsd-choice:has-text('Sports')")
    assert without_ids(result(page)) == [{"from_name": "topics", "to_name": "text", "type": "choices",
                                          "value": {"choices": ["Sports", "Politics"]}}]
    page.click("label.lsd-choice:has-text('Sports')")
    assert result(page)[0]["value"] == {"choices": ["Politics"]}


def test_choices_single_radio_and_select_layout(editor):
    config = """<View><Text name="t" value="$t"/>
      <Choices name="r" toName="t" choice="single-radio"><Choice value="A"/><Choice value="B"/></Choices>
      <Choices name="s" toName="t" layout="select" choice="multiple"><Choice value="X"/><Choice value="Y"/></Choices></View>"""
    page = editor(config, {"t": "x"})
    assert page.locator(".lsd-choices[data-control=r] input[type=radio]").count() == 2
    page.click("text=B")
    page.click("text=B")  # a radio stays chosen
    page.select_option("select", ["X", "Y"])
    assert sorted((item["from_name"], item["value"]["choices"]) for item in result(page)) == [("r", ["B"]), ("s", ["X", "Y"])]


def test_choices_default_on_a_new_annotation_and_options_from_task_data(editor):
    config = """<View><Text name="t" value="$t"/>
      <Choices name="q" toName="t"><Choice value="Fine" selected="true"/><Choice value="Broken"/></Choices>
      <Choices name="tags" toName="t" value="$options" choice="multiple"/></View>"""
    options = [{"value": "Red", "alias": "r"}, "Green"]
    page = editor(config, {"t": "x", "options": options})
    assert without_ids(result(page)) == [{"from_name": "q", "to_name": "t", "type": "choices", "value": {"choices": ["Fine"]}}]
    page.click("text=Green")
    page.click("text=Red")
    assert result(page)[1]["value"] == {"choices": ["r", "Green"]}
    loaded = [{"id": "a", "from_name": "tags", "to_name": "t", "type": "choices", "value": {"choices": ["Green"]}}]
    page = editor(config, {"t": "x", "options": options}, loaded)
    assert result(page) == loaded  # a loaded annotation gets no defaults


# -- TextArea ----------------------------------------------------------------------------------

def test_textarea_entries_do_not_trigger_hotkeys(editor):
    config = """<View><Text name="text" value="$text"/>
      <Choices name="c" toName="text"><Choice value="One"/><Choice value="Two"/></Choices>
      <TextArea name="notes" toName="text" maxSubmissions="2" editable="true" placeholder="Note">
        <Shortcut value=" apples" hotkey="ctrl+shift+a"/></TextArea></View>"""
    page = editor(config, {"text": "x"})
    field = page.locator(".lsd-textarea-input textarea")
    field.click()
    page.keyboard.type("12")
    page.keyboard.press("Control+Shift+A")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("and 2 pears")
    page.keyboard.press("Enter")
    assert without_ids(result(page)) == [{"from_name": "notes", "to_name": "text", "type": "textarea",
                                          "value": {"text": ["12 apples\nand 2 pears"]}}]
    field.fill("second")
    page.click("button.lsd-textarea-add")
    assert result(page)[0]["value"]["text"] == ["12 apples\nand 2 pears", "second"]
    assert page.locator(".lsd-textarea-input").is_hidden()  # maxSubmissions reached
    entry = page.locator("textarea.lsd-entry-text").nth(1)
    entry.fill("changed")
    entry.press("Enter")
    assert result(page)[0]["value"]["text"] == ["12 apples\nand 2 pears", "changed"]
    page.click("button[aria-label='Delete entry 1']")
    assert result(page)[0]["value"]["text"] == ["changed"]
    page.click("button[aria-label='Delete entry 1']")
    assert result(page) == []


def test_textarea_without_to_name_uses_first_object(editor):
    config = """<View><Header value="Describe"/><Text name="body" value="$t"/><TextArea name="d"/></View>"""
    page = editor(config, {"t": "x"})
    page.fill(".lsd-textarea-input textarea", "fine")
    page.press(".lsd-textarea-input textarea", "Enter")
    assert without_ids(result(page)) == [{"from_name": "d", "to_name": "body", "type": "textarea",
                                          "value": {"text": ["fine"]}}]


# -- Rating ------------------------------------------------------------------------------------

def test_rating_by_click_and_hotkey(editor):
    config = """<View><Text name="t" value="$t"/><Rating name="stars" toName="t" maxRating="3" hotkey="r"/></View>"""
    page = editor(config, {"t": "x"})
    page.click("button[aria-label='2 of 3']")
    assert without_ids(result(page)) == [{"from_name": "stars", "to_name": "t", "type": "rating", "value": {"rating": 2}}]
    page.keyboard.press("r")
    assert result(page)[0]["value"] == {"rating": 3}
    page.keyboard.press("r")  # past the top clears it
    assert result(page) == []
    page.click("button[aria-label='1 of 3']")
    page.click("button[aria-label='1 of 3']")
    assert result(page) == []


# -- per-region controls and visibleWhen ---------------------------------------------------------

PER_REGION = """<View>
  <Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Text name="text" value="$text"/>
  <View visibleWhen="region-selected">
    <Header value="About this span"/>
    <TextArea name="note" toName="text" perRegion="true"/>
  </View>
  <Choices name="kind" toName="text" perRegion="true"><Choice value="Real"/><Choice value="Fake"/></Choices>
  <View visibleWhen="no-region-selected"><Header value="Pick a span"/></View>
</View>"""


def test_per_region_textarea_and_choices_on_a_span(editor):
    loaded = [{"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}}]
    page = editor(PER_REGION, {"text": "Alice in Paris"}, loaded)
    assert page.locator(".lsd-textarea").is_hidden()
    assert page.locator(".lsd-choices").is_hidden()
    assert page.locator("text=Pick a span").is_visible()
    page.click(".lsd-span")
    assert page.locator(".lsd-textarea").is_visible()
    assert page.locator("text=Pick a span").is_hidden()
    page.fill(".lsd-textarea-input textarea", "a person")
    page.press(".lsd-textarea-input textarea", "Enter")
    page.click("text=Fake")
    assert result(page) == loaded + [
        {"id": "s1", "from_name": "note", "to_name": "text", "type": "textarea",
         "value": {"start": 0, "end": 5, "text": ["a person"]}},
        {"id": "s1", "from_name": "kind", "to_name": "text", "type": "choices",
         "value": {"start": 0, "end": 5, "text": "Alice", "choices": ["Fake"]}},
    ]
    page.keyboard.press("Escape")
    assert page.locator(".lsd-textarea").is_hidden()
    assert page.evaluate("window.editor.validate()") == []


def test_required_per_region_control_selects_the_region_missing_it(editor):
    config = """<View><Labels name="label" toName="text"><Label value="PER"/></Labels>
      <Text name="text" value="$text"/>
      <TextArea name="note" toName="text" perRegion="true" required="true"/></View>"""
    loaded = [{"id": "s1", "from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": 0, "end": 5, "text": "Alice", "labels": ["PER"]}}]
    page = editor(config, {"text": "Alice"}, loaded)
    assert page.evaluate("window.editor.validate()") == ['"note" is required (every region needs it)']
    assert page.evaluate("window.editor.store.selected") == "s1"


def test_visible_when_choice_selected(editor):
    config = """<View><Text name="t" value="$t"/>
      <Choices name="q" toName="t"><Choice value="Good"/><Choice value="Bad"/></Choices>
      <View visibleWhen="choice-selected" whenTagName="q" whenChoiceValue="Bad">
        <TextArea name="why" toName="t" required="true"/>
      </View>
      <Choices name="more" toName="t" visibleWhen="choice-selected" whenTagName="q"><Choice value="More"/></Choices>
    </View>"""
    page = editor(config, {"t": "x"})
    assert page.locator(".lsd-textarea").is_hidden()
    assert page.locator(".lsd-choices[data-control=more]").is_hidden()
    assert page.evaluate("window.editor.validate()") == []  # hidden: not required
    page.click("text=Good")
    assert page.locator(".lsd-choices[data-control=more]").is_visible()
    assert page.locator(".lsd-textarea").is_hidden()
    page.click("text=Bad")
    assert page.locator(".lsd-textarea").is_visible()
    assert page.evaluate("window.editor.validate()") == ['"why" is required']


# -- HyperText ---------------------------------------------------------------------------------

EVIL_HTML = """<div><p>Hello <b>big</b> world</p>
<img src=x onerror="alert('img')"><script>alert('script')</script>
<a href="javascript:alert('link')" onclick="alert('click')">link</a>
<iframe srcdoc="<script>alert('frame')</script>"></iframe>
<svg onload="alert('svg')"><circle r=1></circle></svg>
<p style="background:url(javascript:alert('css'))">Second paragraph</p>
<form action="https://evil.example"><input value=stolen></form>
<object data="javascript:alert('obj')"></object><details open ontoggle="alert('toggle')">d</details></div>"""


def test_hypertext_runs_no_task_script_and_takes_a_span(editor, page):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    config = """<View><HyperTextLabels name="ner" toName="html"><Label value="Thing"/></HyperTextLabels>
      <HyperText name="html" value="$html"/></View>"""
    editor(config, {"html": EVIL_HTML})
    page.wait_for_timeout(300)
    page.click(".lsd-hypertext a")  # not navigated, no handler
    assert dialogs == []
    html = page.inner_html(".lsd-hypertext")
    for bad in ("script", "onerror", "onclick", "javascript", "iframe", "svg", "object", "form", "input", "url(", "ontoggle"):
        assert bad not in html.lower(), bad
    assert page.locator(".lsd-hypertext b").inner_text() == "big"
    page.keyboard.press("1")
    whole = page.evaluate("document.querySelector('.lsd-hypertext').textContent")
    start = whole.index("big")
    select_text(page, ".lsd-hypertext", start, start + len("big world"))
    assert without_ids(result(page)) == [{"from_name": "ner", "to_name": "html", "type": "hypertextlabels", "value": {
        "start": "/div[1]/p[1]/b[1]/text()[1]", "startOffset": 0, "end": "/div[1]/p[1]/text()[2]", "endOffset": 6,
        "globalOffsets": {"start": 6, "end": 15}, "text": "big world", "hypertextlabels": ["Thing"]}}]
    assert page.locator(".lsd-hypertext .lsd-span").all_inner_texts() == ["big", " world"]
    assert dialogs == []


def test_hypertext_loads_label_studio_spans_by_xpath(editor):
    html = "<div><p>First 😀 line</p><p>Michael <i>Jordan</i> plays</p></div>"
    loaded = [{"id": "h1", "from_name": "ner", "to_name": "html", "type": "labels",
               "value": {"start": "/div[1]/p[2]/text()[1]", "startOffset": 0, "end": "/div[1]/p[2]/i[1]/text()[1]",
                         "endOffset": 6, "text": "Michael Jordan", "labels": ["Person"]}, "origin": "prediction"}]
    config = """<View><Labels name="ner" toName="html"><Label value="Person"/></Labels><HyperText name="html" value="$html"/></View>"""
    page = editor(config, {"html": html}, loaded)
    assert "".join(page.locator(".lsd-hypertext .lsd-span").all_inner_texts()) == "Michael Jordan"
    assert result(page) == loaded


# -- Paragraphs and Table ------------------------------------------------------------------------

def test_paragraph_span_across_phrases(editor):
    config = """<View><ParagraphLabels name="pl" toName="dialog"><Label value="Greeting"/></ParagraphLabels>
      <Paragraphs name="dialog" value="$dialog" layout="dialogue" nameKey="speaker" textKey="phrase"/></View>"""
    dialog = [{"speaker": "Ann", "phrase": "Hi 👋 there"}, {"speaker": "Bob", "phrase": "Hello Ann"},
              {"speaker": "Ann", "phrase": "How are you?"}]
    page = editor(config, {"dialog": dialog})
    assert page.locator(".lsd-phrase-author").all_inner_texts() == ["Ann", "Bob", "Ann"]
    page.keyboard.press("1")
    page.evaluate("""() => {
        const texts = document.querySelectorAll('.lsd-phrase-text');
        const range = document.createRange();
        range.setStart(texts[0].firstChild, 6);   // "there" (after the two-unit emoji)
        range.setEnd(texts[1].firstChild, 5);     // "Hello"
        getSelection().removeAllRanges(); getSelection().addRange(range);
        texts[1].dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    assert without_ids(result(page)) == [{"from_name": "pl", "to_name": "dialog", "type": "paragraphlabels", "value": {
        "start": 0, "end": 1, "startOffset": 5, "endOffset": 5, "text": "there\nHello", "paragraphlabels": ["Greeting"]}}]
    assert page.locator(".lsd-span").all_inner_texts() == ["there", "Hello"]


def test_table_sorts_keys_case_insensitively(editor):
    config = """<View><Table name="tbl" value="$row"/><Choices name="c" toName="tbl"><Choice value="ok"/></Choices></View>"""
    page = editor(config, {"row": {"beta": 2, "Alpha": "<b>x</b>", "gamma": {"n": 1}, "Delta": None}})
    rows = page.evaluate("[...document.querySelectorAll('.lsd-table tr')].map(r => [...r.cells].map(c => c.textContent))")
    assert rows == [["Alpha", "<b>x</b>"], ["beta", "2"], ["Delta", ""], ["gamma", '{"n":1}']]


# -- Number, DateTime, Taxonomy, Pairwise, Ranker, Filter, Collapse ------------------------------

def test_number_datetime_and_taxonomy(editor):
    config = """<View><Text name="t" value="$t"/>
      <Number name="n" toName="t" min="0" max="10" step="2" hotkey="alt+n"/>
      <DateTime name="d" toName="t" only="date,time" format="%d.%m.%Y %H:%M"/>
      <Taxonomy name="tax" toName="t" showFullPath="true" leafsOnly="true">
        <Choice value="Animal"><Choice value="Cat"/><Choice value="Dog" alias="dog"/></Choice><Choice value="Plant"/>
      </Taxonomy></View>"""
    page = editor(config, {"t": "x"})
    page.fill(".lsd-number input", "4")
    page.press(".lsd-number input", "Tab")
    page.evaluate("document.activeElement.blur()")  # hotkeys do nothing while a field has the focus
    page.keyboard.press("Alt+n")
    page.fill("input[type=date]", "2022-06-24")
    page.fill("input[type=time]", "17:01")
    page.press("input[type=time]", "Tab")
    page.click(".lsd-taxonomy summary")
    assert page.locator(".lsd-taxonomy summary input").count() == 0  # not a leaf
    page.click(".lsd-taxonomy label:has-text('Dog')")
    page.click(".lsd-taxonomy label:has-text('Plant')")
    assert page.locator(".lsd-chip > span").all_inner_texts() == ["Animal / Dog", "Plant"]
    assert sorted((item["from_name"], item["value"]) for item in result(page)) == [
        ("d", {"datetime": "24.06.2022 17:01"}), ("n", {"number": 6}),
        ("tax", {"taxonomy": [["Animal", "dog"], ["Plant"]]})]
    page.fill(".lsd-number input", "")
    page.press(".lsd-number input", "Tab")
    assert "n" not in [item["from_name"] for item in result(page)]


def test_pairwise_ranker_filter_and_collapse(editor):
    config = """<View><Filter toName="c" minlength="2"/>
      <Choices name="c" toName="a"><Choice value="Apple"/><Choice value="Apricot"/><Choice value="Banana"/></Choices>
      <Text name="a" value="$a"/><Text name="b" value="$b"/><Pairwise name="pw" toName="a,b"/>
      <List name="l" value="$items"/><Ranker name="r" toName="l"/>
      <Collapse><Panel value="First"><Header value="one"/></Panel><Panel value="Second"><Header value="two"/></Panel></Collapse>
    </View>"""
    items = [{"id": "x", "title": "X", "body": "<img src=x onerror=alert(1)>"}, {"id": "y", "title": "Y", "body": ""}]
    page = editor(config, {"a": "left text", "b": "right text", "items": items})
    page.fill(".lsd-filter", "ap")
    assert page.locator(".lsd-choice:visible").all_inner_texts() == ["Apple\n1", "Apricot\n2"]
    page.fill(".lsd-filter", "")
    assert page.locator(".lsd-choice:visible").count() == 3
    page.click("text=Right →")
    assert page.locator(".lsd-ranker-body").first.inner_text() == "<img src=x onerror=alert(1)>"
    page.click("button[aria-label='Move Y up']")
    assert sorted((item["type"], item["to_name"], item["value"]) for item in result(page)) == [
        ("pairwise", "pw", {"selected": "right"}), ("ranker", "l", {"ranker": {"r": ["y", "x"]}})]
    page.click("summary:has-text('First')")
    page.click("summary:has-text('Second')")
    assert page.evaluate("[...document.querySelectorAll('.lsd-panel')].map(d => d.open)") == [False, True]


def test_single_choices_are_radios_chosen_one_of(editor):
    config = """<View><Text name="t" value="$t"/>
      <Choices name="s" toName="t" choice="single"><Choice value="A"/><Choice value="B"/></Choices>
      <Choices name="r" toName="t" choice="single-radio"><Choice value="X"/><Choice value="Y"/></Choices></View>"""
    page = editor(config, {"t": "x"})
    assert page.locator(".lsd-choices input[type=radio]").count() == 4
    assert page.locator(".lsd-choices input[type=checkbox]").count() == 0
    page.get_by_role("radio", name="A").click()
    page.get_by_role("radio", name="B").click()
    page.get_by_role("radio", name="X").click()
    page.get_by_role("radio", name="Y").click()
    assert without_ids(result(page)) == [
        {"from_name": "s", "to_name": "t", "type": "choices", "value": {"choices": ["B"]}},
        {"from_name": "r", "to_name": "t", "type": "choices", "value": {"choices": ["Y"]}}]
    assert [page.is_checked(f"input[value={value}]") for value in "ABXY"] == [False, True, False, True]
    page.get_by_role("radio", name="Y").click()  # a single-radio choice stays chosen
    page.get_by_role("radio", name="B").click()  # a single one is unchosen, as a checkbox would be
    assert without_ids(result(page)) == [{"from_name": "r", "to_name": "t", "type": "choices", "value": {"choices": ["Y"]}}]
    assert [page.is_checked(f"input[value={value}]") for value in "ABXY"] == [False, False, False, True]


def test_a_choices_only_config_shows_no_regions_panel(editor):
    page = editor(CHOICES, {"text": "hello"})
    assert page.locator(".lsd-choices").count() == 2
    assert not page.locator(".lsd-side").is_visible()
    page = editor(NER, {"text": "hello"})  # a config that makes regions has the panel, empty or not
    assert page.locator(".lsd-side").is_visible()
