"""Parse a labeling config and check it the way the labeling frontend will use it, reporting every problem."""

import re
from dataclasses import dataclass, field

from lxml import etree

from lsdesk.config import tags
from lsdesk.config.model import ConfigInvalid, ControlTag, DataRef, LabelConfig, ObjectTag

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ONE_VARIABLE = re.compile(r"\$([^\s$]+)")
_PATH_STEP = re.compile(r"[.\[]")


def parse_config(xml):
    """The LabelConfig for `xml`, or ConfigInvalid listing every problem found."""
    if not isinstance(xml, str):
        raise ConfigInvalid(["can only parse strings"])
    text = xml.replace("\r\n", "\n")
    root = _parse_xml(text)
    elements = list(_walk(root))
    _collect_options(elements)
    problems = _problems(elements)
    if problems:
        raise ConfigInvalid(problems)
    return LabelConfig(
        xml=text,
        line=label_config_line(text),
        objects=tuple(_object_tag(el) for el in elements if el.tag in tags.OBJECT_TAGS),
        controls=tuple(_control_tag(el) for el in elements if _is_named_control(el)),
        data_refs=tuple(ref for el in elements for ref in _data_refs(el)),
    )


def label_config_line(text):
    """Label Studio 0.8's one-line form: comments removed and line breaks deleted, indentation kept."""
    return _COMMENT.sub("", text).replace("\n", "").replace("\r", "")


def data_key(value):
    """The task data key `value` names when it is exactly one $var, else None."""
    match = _ONE_VARIABLE.fullmatch(value) if value else None
    return match.group(1) if match else None


def root_data_key(key):
    """For a dotted or indexed path ("item.text", "pages[0]"), its top-level key; else None.

    The frontend resolves such paths inside task data; a flat key spelled the same way
    (a CSV column "item.text") works too, so callers accept either.
    """
    root = _PATH_STEP.split(key, 1)[0]
    return root if root != key else None


# -- reading the tree ------------------------------------------------------------------------


def _parse_xml(text):
    if not text.strip():
        raise ConfigInvalid(["the label config is empty: expected <View>...</View>"])
    # The text is already decoded, so its own encoding declaration must not apply again.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, encoding="utf-8")
    try:
        return etree.fromstring(text.encode("utf-8", "surrogatepass"), parser)
    except etree.XMLSyntaxError as error:
        # The parser's own log: the exception's log is per thread and keeps earlier parses' errors.
        messages = [f"line {entry.line}, column {entry.column}: {entry.message.strip()}"
                    for entry in parser.error_log if entry.level >= etree.ErrorLevels.ERROR]
        raise ConfigInvalid(list(dict.fromkeys(messages)) or [str(error)]) from None


@dataclass(eq=False)
class _Element:
    written: str          # the tag name as written
    tag: str | None       # the canonical Label Studio tag; None for HTML and unknown names
    line: int
    attrs: dict           # attribute names lower-cased, as the frontend reads them
    has_content: bool     # text or child elements inside
    control: "_Element | None"  # the nearest enclosing option-bearing control
    options: list = field(default_factory=list)  # for option-bearing controls: their Label/Choice values
    option_count: int = 0

    def get(self, attribute):
        return self.attrs.get(attribute.lower())

    @property
    def name(self):
        return self.get("name")

    @property
    def to_names(self):
        return tuple(part.strip() for part in (self.get("toName") or "").split(",") if part.strip())

    def described(self):
        return f"{self.tag} '{self.name}'" if self.name is not None else self.tag


def _walk(root):
    """Every element in document order, without descending into content (CSS, inline text or HTML)."""
    stack = [(root, None)]
    while stack:
        node, control = stack.pop()
        children = [child for child in node if isinstance(child.tag, str)]
        element = _Element(
            written=node.tag,
            tag=tags.canonical_tag(node.tag),
            line=node.sourceline,
            attrs={name.lower(): value for name, value in node.attrib.items()},
            has_content=bool(children or (node.text or "").strip()),
            control=control,
        )
        yield element
        if element.tag in tags.OPAQUE_BODY_TAGS:
            continue
        inner_control = element if element.tag in tags.OPTION_ITEM else control
        stack.extend((child, inner_control) for child in reversed(children))


def _collect_options(elements):
    """Give each option-bearing control the Label/Choice values inside it (alias wins, as in results)."""
    for element in elements:
        control = element.control
        if control is None or tags.OPTION_ITEM[control.tag] != element.tag:
            continue
        control.option_count += 1
        option = element.get("alias") or element.get("value")
        if option is not None:
            control.options.append(option)


# -- what the config describes ---------------------------------------------------------------


def _is_named_control(element):
    return element.tag in tags.CONTROL_TAGS and element.name is not None


def _object_source(element):
    """The attribute naming an object's data: `value`, or its alternative (an Image's `valueList`)."""
    value = element.get("value")
    if value is None and element.tag in tags.VALUE_ALTERNATIVE:
        value = element.get(tags.VALUE_ALTERNATIVE[element.tag])
    return value


def _object_tag(element):
    value = _object_source(element)
    return ObjectTag(
        name=element.name,
        tag=element.tag,
        value=value,
        data_key=data_key(value),
        value_type=element.get("valueType"),
    )


def _control_tag(element):
    return ControlTag(
        name=element.name,
        tag=element.tag,
        to_names=element.to_names,
        labels=tuple(element.options),
        result_type=element.tag.lower(),
    )


def _data_refs(element):
    if element.tag is None:
        return
    for attribute in ("value", "valueList"):
        key = data_key(element.get(attribute))
        if key is not None:
            yield DataRef(key=key, tag=element.tag, attribute=attribute, value_type=element.get("valueType"))


# -- the rules -------------------------------------------------------------------------------


def _problems(elements):
    object_names = {el.name for el in elements if el.tag in tags.OBJECT_TAGS and el.name is not None}
    control_names = {el.name for el in elements if _is_named_control(el)}
    earlier_line = _lines_of_earlier_namesakes(elements)
    problems = _root_problems(elements[0])
    for element in elements:
        messages = _tag_problems(element) if element.tag is None else [
            *_duplicate_name_problems(element, earlier_line),
            *_attribute_problems(element),
            *_to_name_problems(element, object_names, control_names),
            *_option_problems(element),
        ]
        problems += (f"line {element.line}: {message}" for message in messages)
    return problems


def _root_problems(root):
    if root.tag == "View":
        return []
    return [f"line {root.line}: the root tag must be <View>, not <{root.written}>"]


def _tag_problems(element):
    if tags.is_html_element(element.written):
        return []
    return [f"unknown tag <{element.written}>"]


def _lines_of_earlier_namesakes(elements):
    """For each tag whose name an earlier tag already has: the line of that first tag."""
    first_line, earlier_line = {}, {}
    for element in elements:
        if element.tag is None or element.name is None:
            continue
        if element.name in first_line:
            earlier_line[element] = first_line[element.name]
        else:
            first_line[element.name] = element.line
    return earlier_line


def _duplicate_name_problems(element, earlier_line):
    if element not in earlier_line:
        return []
    return [f"duplicate name '{element.name}' (also on line {earlier_line[element]})"]


def _attribute_problems(element):
    tag = element.tag
    if tag in tags.OBJECT_TAGS:
        return _object_attribute_problems(element)
    if tag in tags.CONTROL_TAGS:
        return _control_attribute_problems(element)
    if tag == "Filter" and not element.to_names:
        return [f"{element.described()} needs a 'toName' attribute"]
    required = tags.REQUIRED_ITEM_ATTRIBUTE.get(tag)
    if required and element.get(required) is None:
        return [f"{tag} needs a '{required}' attribute"]
    return []


def _object_attribute_problems(element):
    problems = []
    if element.name is None:
        problems.append(f"{element.tag} needs a 'name' attribute")
    inline = element.tag in tags.INLINE_CONTENT_TAGS and element.has_content
    if _object_source(element) is None and not inline:
        problems.append(f"{element.described()} needs {_value_wanted(element.tag)}")
    return problems


def _value_wanted(tag):
    if tag in tags.VALUE_ALTERNATIVE:
        return f"a 'value' or '{tags.VALUE_ALTERNATIVE[tag]}' attribute"
    if tag in tags.INLINE_CONTENT_TAGS:
        return "a 'value' attribute or inline content"
    return "a 'value' attribute"


def _control_attribute_problems(element):
    problems = []
    if element.name is None and element.tag not in tags.CONTROLS_WITHOUT_NAME:
        problems.append(f"{element.tag} needs a 'name' attribute")
    if not element.to_names and element.tag not in tags.CONTROLS_WITHOUT_TO_NAME:
        problems.append(f"{element.described()} needs a 'toName' attribute")
    return problems


def _to_name_problems(element, object_names, control_names):
    # A Filter searches a control's options; every other toName points at an object.
    if element.tag == "Filter":
        targets, kind = control_names, "control"
    elif element.tag in tags.CONTROL_TAGS:
        targets, kind = object_names, "object"
    else:
        return []
    to_name = element.get("toName")
    return [f"{element.described()} has toName='{to_name}' but no {kind} tag is named '{name}'"
            for name in element.to_names if name not in targets]


def _option_problems(element):
    item = tags.OPTION_ITEM.get(element.tag)
    if item is None or element.option_count or _has_dynamic_options(element):
        return []
    return [f"{element.described()} needs at least one <{item}>"]


def _has_dynamic_options(element):
    """Options that come from task data (value="$field") or, for Taxonomy, from a server (apiUrl)."""
    return data_key(element.get("value")) is not None or (
        element.tag == "Taxonomy" and element.get("apiUrl") is not None)
