"""CONLL2003: the text of each completion split into tokens, one `token -X- _ TAG` line each, IOB tags from Labels."""

import re

from lsdesk.formats.export.items import chosen_items, first_object_key

HEADER = "-DOCSTART- -X- O\n"


def files(tasks, config, media=None):
    yield "result.conll", chunks(tasks, config)


def chunks(tasks, config):
    """The header, then per item its token lines and a blank line."""
    key = first_object_key(config, {"Text"}, {"Labels"})
    yield HEADER.encode()
    lines = []
    for item in chosen_items(tasks, config):
        text = item.data.get(key)
        if not isinstance(text, str):
            continue
        spans = _first_labels(item.outputs)
        for token, tag in zip(*tokens_and_tags(text, spans)):
            lines.append(f"{token} -X- _ {tag}\n")
        lines.append("\n")
        if len(lines) >= 10000:
            yield "".join(lines).encode("utf-8", "backslashreplace")
            lines = []
    yield "".join(lines).encode("utf-8", "backslashreplace")


def _first_labels(outputs):
    """The values of the first control, in result order, whose tag is exactly Labels."""
    for values in outputs.values():
        if values and values[0]["type"].lower() == "labels":
            return values
    return None


def tokens_and_tags(text, spans):
    """Tokens of `text` and a tag for each: B-/I-<first label> for tokens a span overlaps, else O.

    Spans are taken in order of their start. Each token is compared with the current span; once a token
    starts past it, later spans are tried until one has not ended yet. The first token overlapping a span
    gets B-, the following ones I-.
    """
    offsets = span_tokenize(text)
    tokens = [text[start:end] for start, end in offsets]
    if not spans or any(span.get("start") is None or span.get("end") is None for span in spans):
        return tokens, ["O"] * len(tokens)
    pending = sorted(spans, key=lambda span: span["start"])
    span = pending.pop(0)
    first, last = span["start"], span["end"] - 1  # `last` is the span's last character
    prefix = "B-"
    tags = []
    for (start, end), token in zip(offsets, tokens):
        token_last = start + len(token) - 1
        if start > last:
            while pending:
                span = pending.pop(0)
                first, last = span["start"], span["end"] - 1
                prefix = "B-"
                if start <= last:
                    break
        labels = span.get("labels")
        if span and labels and first <= token_last and last >= start:
            tags.append(prefix + labels[0])
            prefix = "I-"
        else:
            tags.append("O")
    return tokens, tags


# -- the Penn Treebank tokenizer, as NLTK implements it, with label-studio-converter's punctuation rules ---------

_STARTING_QUOTES = [
    (re.compile(r'^"'), r"``"),
    (re.compile(r"(``)"), r" \1 "),
    (re.compile(r"([ \(\[{<])(\"|\'{2})"), r"\1 `` "),
]
# The converter's rules add "/" to the symbols split off on their own.
_PUNCTUATION = [
    (re.compile(r"([:,])([^\d])"), r" \1 \2"),
    (re.compile(r"([:,])$"), r" \1 "),
    (re.compile(r"\.\.\."), r" ... "),
    (re.compile(r"[;@#$/%&]"), r" \g<0> "),
    (re.compile(r'([^\.])(\.)([\]\)}>"\']*)\s*$'), r"\1 \2\3 "),  # a period ending the text
    (re.compile(r"[?!]"), r" \g<0> "),
    (re.compile(r"([^'])' "), r"\1 ' "),
]
_BRACKETS = (re.compile(r"[\]\[\(\)\{\}\<\>]"), r" \g<0> ")
_DOUBLE_DASHES = (re.compile(r"--"), r" -- ")
_ENDING_QUOTES = [
    (re.compile(r"''"), " '' "),
    (re.compile(r'"'), " '' "),
    (re.compile(r"([^' ])('[sS]|'[mM]|'[dD]|') "), r"\1 \2 "),
    (re.compile(r"([^' ])('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) "), r"\1 \2 "),
]
_CONTRACTIONS = [re.compile(pattern) for pattern in (
    r"(?i)\b(can)(not)\b",
    r"(?i)\b(d)('ye)\b",
    r"(?i)\b(gim)(me)\b",
    r"(?i)\b(gon)(na)\b",
    r"(?i)\b(got)(ta)\b",
    r"(?i)\b(lem)(me)\b",
    r"(?i)\b(more)('n)\b",
    r"(?i)\b(wan)(na)(?=\s)",
    r"(?i) ('t)(is)\b",
    r"(?i) ('t)(was)\b",
)]
_QUOTES = re.compile(r"``|'{2}|\"")


def tokenize(text):
    """Treebank tokens of `text`; double quotes come out as `` and ''."""
    for pattern, replacement in _STARTING_QUOTES + _PUNCTUATION + [_BRACKETS, _DOUBLE_DASHES]:
        text = pattern.sub(replacement, text)
    text = f" {text} "
    for pattern, replacement in _ENDING_QUOTES:
        text = pattern.sub(replacement, text)
    for pattern in _CONTRACTIONS:
        text = pattern.sub(r" \1 \2 ", text)
    return text.split()


def span_tokenize(text):
    """(start, end) of each token in `text`, found by searching for each token after the previous one."""
    tokens = tokenize(text)
    if '"' in text or "''" in text:
        # The tokenizer rewrote quotes; put back the quote actually written at each place.
        written = iter(match.group() for match in _QUOTES.finditer(text))
        tokens = [next(written, token) if token in ('"', "``", "''") else token for token in tokens]
    offsets = []
    point = 0
    for token in tokens:
        start = text.find(token, point)
        if start < 0:
            continue
        point = start + len(token)
        offsets.append((start, point))
    return offsets
