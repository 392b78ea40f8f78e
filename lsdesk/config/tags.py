"""The tag vocabulary of the labeling-config language: every tag name, its role, and what it holds."""

# Tags that show task data; a control's toName must name one of these.
OBJECT_TAGS = frozenset({
    "Image", "Text", "HyperText", "Audio", "AudioPlus", "Video", "TimeSeries", "Paragraphs",
    "Table", "List", "Pdf", "Dialog",
})

# Tags that create results; the result's type is the tag name in lower case.
CONTROL_TAGS = frozenset({
    "Labels", "RectangleLabels", "PolygonLabels", "KeyPointLabels", "EllipseLabels", "BrushLabels",
    "HyperTextLabels", "ParagraphLabels", "TimeSeriesLabels",
    "Rectangle", "Polygon", "KeyPoint", "Ellipse", "Brush", "VideoRectangle",
    "Choices", "TextArea", "Rating", "Ranker", "Pairwise", "Relations", "Taxonomy", "DateTime", "Number",
})

# Children that only make sense inside another tag (a control, or TimeSeries for Channel).
ITEM_TAGS = frozenset({"Label", "Choice", "Relation", "Bucket", "Shortcut", "Channel"})

# Layout only.
VISUAL_TAGS = frozenset({"View", "Header", "Style", "Filter", "Collapse", "Panel", "Repeater"})

ALL_TAGS = OBJECT_TAGS | CONTROL_TAGS | ITEM_TAGS | VISUAL_TAGS

# The item that holds each option-bearing control's values: these controls need at least one.
OPTION_ITEM = {
    **{tag: "Label" for tag in CONTROL_TAGS if tag.endswith("Labels")},
    "Choices": "Choice",
    "Taxonomy": "Choice",
    "Relations": "Relation",
}

# Controls that stand alone: Relations labels pairs of regions, TextArea may be a free-form input.
CONTROLS_WITHOUT_TO_NAME = frozenset({"Relations", "TextArea"})
CONTROLS_WITHOUT_NAME = frozenset({"Relations"})

# Objects whose data may be written inside the tag instead of coming from `value`.
INLINE_CONTENT_TAGS = frozenset({"Text", "HyperText"})

# Tags whose body is content (CSS, text, HTML), never more config to check.
OPAQUE_BODY_TAGS = INLINE_CONTENT_TAGS | {"Style"}

# Attributes that must be present on items, by item tag.
REQUIRED_ITEM_ATTRIBUTE = {
    "Label": "value",
    "Choice": "value",
    "Relation": "value",
    "Shortcut": "value",
    "Channel": "column",
}

# Where an object's data can come from besides `value` (multi-image mode).
VALUE_ALTERNATIVE = {"Image": "valueList"}

HTML_ELEMENTS = frozenset("""
    a abbr address area article aside audio b bdi bdo big blockquote body br button canvas caption
    center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset
    figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input
    ins kbd label legend li link main map mark menu meta meter nav noscript object ol optgroup option
    output p param picture pre progress q rp rt ruby s samp script section select small source span
    strike strong style sub summary sup table tbody td template textarea tfoot th thead time title tr
    track tt u ul var video wbr
""".split())

_TAGS_BY_LOWER_NAME = {tag.lower(): tag for tag in ALL_TAGS}


def canonical_tag(written):
    """The Label Studio tag a written name means, or None for an HTML element or an unknown name.

    The frontend reads tag names case-insensitively, but a lower-case HTML name is taken as HTML:
    a <table> or <video> inside a View is markup, while <Table> and <TABLE> are the object tag.
    """
    if written in ALL_TAGS:
        return written
    if written in HTML_ELEMENTS:
        return None
    return _TAGS_BY_LOWER_NAME.get(written.lower())


def is_html_element(written):
    return written in HTML_ELEMENTS
