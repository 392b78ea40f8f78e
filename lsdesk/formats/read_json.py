"""Streaming reader for .json import files: a top-level list is split into its elements chunk by chunk.

The file is never held whole. A sliding text window is filled from the byte stream; complete elements are decoded
in place by `json`'s own scanner, one call each, for as long as each is followed by its comma inside the window.
Whatever that cannot vouch for (an element cut by the window's end, the last element, malformed input) goes
through `_TextWindow.element_end`, a bracket counter that can resume after a refill, and is decoded alone.
Errors carry the line and column of the file, as `json` reports them, and the byte offset.

Top-level shapes: a list yields its elements; an object yields that one object (several objects separated by
whitespace, i.e. JSON Lines saved as .json, yield one item each); `null` or any other scalar is an error.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from typing import BinaryIO, Iterator

from lsdesk.formats.read_base import ImportParseError

CHUNK_SIZE = 1 << 18  # bytes read from the stream at a time
_RUN_LENGTH = 1000  # elements scanned one by one before they are handed on
_MAX_FAILED_RUNS = 2  # then the file's elements are scanned one by one

# Every pattern below can match its text in one way only, so nothing is lost by never backtracking. Python 3.11+
# has possessive quantifiers, which keep the regex engine from saving a backtracking point per repetition (a long
# string full of escapes would otherwise cost ~15 bytes of memory per character); 3.10 gets the plain ones.
_MANY = "*+" if sys.version_info >= (3, 11) else "*"

_STRING = rf'"[^"\\]{_MANY}(?:\\.[^"\\]{_MANY}){_MANY}"'
_WHITESPACE = re.compile(r"[ \t\n\r]*")
# a string, a bracket or a comma; a lone quote is a string that the window's end cuts
_TOKEN = re.compile(_STRING + r'|[\[\]{},]|"', re.S)
_INFINITY = float("inf")


def _last_object_boundary(text: str, start: int) -> int:
    """The position of the last `}` after `start` that a comma and a `{` follow (whitespace between), or -1."""
    end = len(text)
    while (end := text.rfind("},", start, end)) > start:
        following = _WHITESPACE.match(text, end + 2).end()
        if text[following:following + 1] == "{":
            return end
    return -1


class _NotStorable(ValueError):
    """Text `json` decodes that is no JSON value anyone can read back: NaN, Infinity, 1e400."""

    def __init__(self, text: str, reason: str):
        super().__init__(reason)
        self.text = text


def _reject_constant(literal: str) -> float:
    raise _NotStorable(literal, f"{literal} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (_INFINITY, -_INFINITY):
        raise _NotStorable(text, f"the number {text} is too large")
    return value


_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite_float)
# A \u escape of half a surrogate pair without its other half decodes to no character.
_LONE_SURROGATE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])"
                             r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_STRUCTURE = re.compile(r'[\[\]{},"]')


class _TextWindow:
    """The decoded text of a byte stream, read in chunks; remembers where its first character lies in the file."""

    def __init__(self, filename: str, stream: BinaryIO, chunk_size: int):
        self.filename = filename
        self.stream = stream
        self.chunk_size = chunk_size
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text = ""
        self.at_eof = False
        self.first_line = 1
        self.first_column = 1
        self.first_byte = 0
        self.bytes_read = 0
        self.bom_checked = False
        self.failed_runs = 0  # runs load_complete could not decode at once

    def refill(self, keep_from: int) -> int:
        """Drop the text before `keep_from`, append the next chunk; returns how far positions moved (subtract it).

        Reads more than a chunk when the kept text is already large, so one huge element costs linear time.
        """
        self.forget(keep_from)
        size = max(self.chunk_size, len(self.text))
        data = self.stream.read(size)
        self.at_eof = not data
        self.text += self.decode(data)
        self.bytes_read += len(data)
        return keep_from

    def decode(self, data: bytes) -> str:
        """Decode the next bytes (the final call gets b""), dropping a leading byte-order mark."""
        pending = len(self.decoder.getstate()[0])
        try:
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as error:
            raise ImportParseError(self.filename, f"not UTF-8 text ({error.reason})",
                                   offset=self.bytes_read - pending + error.start) from None
        if not self.bom_checked and text:
            self.bom_checked = True
            if text.startswith("\ufeff"):
                text = text[1:]
                self.first_byte += 3
        return text

    def forget(self, upto: int) -> None:
        """Discard the text before `upto`, keeping count of its lines, columns and bytes."""
        if upto <= 0:
            return
        gone = self.text[:upto]
        newlines = gone.count("\n")
        self.first_line += newlines
        self.first_column = upto - gone.rfind("\n") if newlines else self.first_column + upto
        self.first_byte += len(gone.encode("utf-8"))
        self.text = self.text[upto:]

    def error(self, position: int, reason: str) -> ImportParseError:
        """An ImportParseError placed at `position` of the window."""
        text = self.text
        newlines = text.count("\n", 0, position)
        line = self.first_line + newlines
        column = position - text.rfind("\n", 0, position) if newlines else self.first_column + position
        offset = self.first_byte + len(text[:position].encode("utf-8"))
        return ImportParseError(self.filename, reason, line=line, column=column, offset=offset)

    def skip_whitespace(self, position: int) -> int:
        """The position of the next non-blank character, reading on as needed (== len(text) at end of file)."""
        while True:
            position = _WHITESPACE.match(self.text, position).end()
            if position < len(self.text) or self.at_eof:
                return position
            position -= self.refill(position)

    def element_end(self, start: int) -> tuple[int, int]:
        """Where the element starting at `start` ends, reading on as needed: returns (start, end), both adjusted.

        A container ends at the bracket that closes it (brackets inside strings do not count), a string at its
        closing quote, anything else (numbers, literals, garbage) before the next string, bracket or comma.
        At end of file an unfinished element ends with the text; `json.loads` then says what is missing.
        """
        if self.text[start] not in '[{"':
            return self._scalar_end(start)
        depth = 0
        resume = start
        while True:
            for token in _TOKEN.finditer(self.text, resume):
                char = self.text[token.start()]
                if char == '"':
                    if token.end() - token.start() == 1:  # the window's end cuts this string
                        resume = token.start()
                        break
                    if depth == 0:
                        return start, token.end()
                elif char in "[{":
                    depth += 1
                elif char != ",":
                    depth -= 1
                    if depth == 0:
                        return start, token.end()
            else:
                resume = len(self.text)
            if self.at_eof:
                return start, len(self.text)
            moved = self.refill(start)
            start -= moved
            resume -= moved

    def _scalar_end(self, start: int) -> tuple[int, int]:
        """(start, end) of a number, literal or stray text: it ends where a string, bracket or comma starts."""
        resume = start
        while True:
            found = _STRUCTURE.search(self.text, resume)
            if found:
                return start, found.start()
            if self.at_eof:
                return start, len(self.text)
            resume = len(self.text)
            moved = self.refill(start)
            start -= moved
            resume -= moved

    def load(self, start: int, end: int) -> object:
        """Decode the text between start and end as one JSON value."""
        try:
            return self.checked(_DECODER.decode(self.text[start:end]), start, end)
        except json.JSONDecodeError as error:
            raise self.error(start + error.pos, error.msg) from None
        except (_NotStorable, RecursionError) as error:
            raise self.unreadable(error, start, end) from None

    def load_element(self, start: int, end: int) -> tuple[object, int]:
        """Decode the JSON value at the start of text[start:end]; returns it and where it ends.

        Whatever follows the value (`1x`) is left for the caller's delimiter check, as `json` itself reports it.
        """
        try:
            value, length = _DECODER.raw_decode(self.text[start:end])
        except json.JSONDecodeError as error:
            raise self.error(start + error.pos, error.msg) from None
        except (_NotStorable, RecursionError) as error:
            raise self.unreadable(error, start, end) from None
        return self.checked(value, start, start + length), start + length

    def load_complete(self, position: int) -> tuple[list, int]:
        """Decode the complete elements from `position` on, in place: returns them and the position after the last
        one's comma (or `position` and none). Whatever is left (an element the window's end cuts, the list's last
        element, anything `json` refuses) is for the careful path.

        While it works, the run up to the window's last `}, {` is decoded with one `json` call: if it decodes as a
        list, that `}` closes a top-level element (inside a string the run would end in an open string, inside an
        element with a bracket left open), so the run's elements are exactly the file's. Else the elements are
        scanned one by one, each vouched for by its comma (a number cut by the window's end decodes fine)."""
        text = self.text
        position = _WHITESPACE.match(text, position).end()
        if self.failed_runs < _MAX_FAILED_RUNS:
            last = _last_object_boundary(text, position)
            if last > position:
                try:
                    values = _DECODER.decode("[" + text[position:last + 1] + "]")
                except (ValueError, RecursionError):
                    self.failed_runs += 1  # a `}, {` inside an element (a list of objects): scan instead
                else:
                    return self.checked(values, position, last + 1), last + 2
        return self._scan_complete(position)

    def _scan_complete(self, position: int) -> tuple[list, int]:
        """load_complete one element at a time, at most _RUN_LENGTH of them."""
        text, start, values = self.text, position, []
        scan = _DECODER.scan_once
        while len(values) < _RUN_LENGTH:
            try:
                value, end = scan(text, position)
            except (StopIteration, ValueError, RecursionError):  # said again, with its place, by the careful path
                break
            if text[end:end + 1] != ",":
                end = _WHITESPACE.match(text, end).end()
                if text[end:end + 1] != ",":
                    break
            values.append(value)
            position = _WHITESPACE.match(text, end + 1).end()
        if values:
            self.checked(values, start, position)
        return values, position

    def unreadable(self, error: Exception, start: int, end: int) -> ImportParseError:
        """The parse error for a value `json` reads but nothing can store: placed at its text when it has one."""
        if isinstance(error, RecursionError):
            return self.error(start, "nested too deeply")
        found = self.text.find(error.text, start, end)
        return self.error(start if found < 0 else found, str(error))

    def checked(self, value: object, start: int, end: int) -> object:
        """`value`, decoded from text[start:end], unless a lone surrogate escape made it text no file can hold."""
        if self.text.find("\\u", start, end) >= 0:
            lone = _LONE_SURROGATE.search(self.text, start, end)
            if lone:
                try:
                    json.dumps(value, ensure_ascii=False).encode("utf-8")
                except UnicodeEncodeError:
                    raise self.error(lone.start(), f"{lone.group()} is half of a surrogate pair, "
                                                   "no character by itself") from None
        return value


def load_line(line: bytes) -> object:
    """Decode one line of JSON Lines as the .json reader does; ValueError (with no place) for what it refuses."""
    text = line.decode("utf-8")
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if "\\u" in text and _LONE_SURROGATE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a \\u escape is half of a surrogate pair, no character by itself") from None
    return value


def read_json(filename: str, stream: BinaryIO, chunk_size: int = CHUNK_SIZE) -> Iterator[object]:
    """Yield the import items of a .json file: a list's elements, or the top-level object(s)."""
    window = _TextWindow(filename, stream, chunk_size)
    position = window.skip_whitespace(0)
    if position == len(window.text):
        raise ImportParseError(filename, "the file is empty: expected a list of tasks or one task object",
                               line=window.first_line, column=window.first_column, offset=window.first_byte)
    first = window.text[position]
    if first == "[":
        yield from _list_elements(window, position + 1)
    elif first == "{":
        yield from _top_level_objects(window, position)
    else:
        _reject_scalar(window, position)


def _list_elements(window: _TextWindow, position: int) -> Iterator[object]:
    """Yield the elements of the list whose `[` ends just before `position`, then check nothing follows it."""
    position = window.skip_whitespace(position)
    if position < len(window.text) and window.text[position] == "]":
        _expect_end(window, position + 1)
        return
    while True:
        values, position = window.load_complete(position)
        if values:
            yield from values
            continue
        position = window.skip_whitespace(position)
        if position == len(window.text) or window.text[position] in ",]":
            raise window.error(position, "Expecting value")
        start, end = window.element_end(position)
        item, end = window.load_element(start, end)
        yield item
        position = window.skip_whitespace(end)
        following = window.text[position:position + 1]
        if following == "]":
            _expect_end(window, position + 1)
            return
        if following != ",":
            raise window.error(position, "Expecting ',' delimiter")
        position += 1


def _top_level_objects(window: _TextWindow, position: int) -> Iterator[object]:
    """Yield the object at `position` and any further top-level objects after it (JSON Lines saved as .json)."""
    while True:
        start, end = window.element_end(position)
        item, end = window.load_element(start, end)
        yield item
        position = window.skip_whitespace(end)
        if position == len(window.text):
            return
        if window.text[position] != "{":
            raise window.error(position, "Extra data")


def _expect_end(window: _TextWindow, position: int) -> None:
    """Raise unless only whitespace is left after the top-level list."""
    position = window.skip_whitespace(position)
    if position < len(window.text):
        raise window.error(position, "Extra data")


def _reject_scalar(window: _TextWindow, position: int) -> None:
    """The file holds `null` or another scalar: raise with what it is (after checking that it is valid JSON)."""
    while not window.at_eof:
        position -= window.refill(position)
    value = window.load(position, len(window.text))
    if value is None:
        raise window.error(position, "null is not allowed: expected a list of tasks or one task object")
    raise window.error(position, f'a JSON {type(value).__name__} is not a task: '
                                 'expected a list of tasks or one task object')
