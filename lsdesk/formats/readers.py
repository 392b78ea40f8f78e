"""Import file readers: `read_file` turns one uploaded file into a stream of import items, chosen by `kind_of`.

Items are yielded one at a time and are not validated here (`lsdesk.formats.tasks` does that):
- json   a list's elements, or the one top-level object (`read_json`)
- jsonl  one item per non-blank line
- csv, tsv  one dict per row (`read_csv`)
- txt    {"$undefined$": line} per line that is not blank
- html   (.html, .htm, .xml) one {"$undefined$": the document's text}
- zip    every member read by its own kind, nested archives included
- media  anything else: one MediaFile(name, data) that the caller stores as a blob and turns into a task
"""

from __future__ import annotations

import json
import posixpath
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from typing import BinaryIO, Iterator

from lsdesk.formats.read_base import ImportParseError, MediaFile
from lsdesk.formats.read_csv import read_delimited
from lsdesk.formats.read_json import CHUNK_SIZE, load_line, read_json

__all__ = ["ImportParseError", "MediaFile", "kind_of", "read_file"]

UNDEFINED_KEY = "$undefined$"  # the validator moves this key to the config's first data key
MAX_ARCHIVE_DEPTH = 8  # a zip inside a zip inside ... this many levels at most
_SPOOL_IN_MEMORY = 32 << 20  # a nested archive larger than this is spooled to a temporary file

_KINDS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
    ".txt": "txt",
    ".zip": "zip",
    ".html": "html",
    ".htm": "html",
    ".xml": "html",
}


def kind_of(filename: str) -> str:
    """The reader for a file name, by its extension (any case): json, jsonl, csv, tsv, txt, zip, html or media."""
    extension = posixpath.splitext(filename.replace("\\", "/"))[1].lower()
    return _KINDS.get(extension, "media")


def read_file(filename: str, stream: BinaryIO, *, chunk_size: int = CHUNK_SIZE) -> Iterator[object]:
    """Yield the import items of one file, read from a binary stream by the reader its name calls for.

    Raises ImportParseError (while iterating) when the file is malformed. `chunk_size` is the JSON reader's
    read size; tests make it tiny.
    """
    return _read(filename, stream, chunk_size, depth=0)


def _read(filename: str, stream: BinaryIO, chunk_size: int, depth: int) -> Iterator[object]:
    """Dispatch on kind; `depth` counts the archives this file sits in."""
    kind = kind_of(filename)
    if kind == "json":
        return read_json(filename, stream, chunk_size)
    if kind == "zip":
        return _read_zip(filename, stream, chunk_size, depth)
    if kind == "csv":
        return read_delimited(filename, stream, ",")
    if kind == "tsv":
        return read_delimited(filename, stream, "\t")
    return _SIMPLE_READERS[kind](filename, stream)


def _read_json_lines(filename: str, stream: BinaryIO) -> Iterator[object]:
    """One JSON value per non-blank line."""
    for number, raw in enumerate(stream, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if not raw.strip():
            continue
        try:
            yield load_line(raw)
        except json.JSONDecodeError as error:
            raise ImportParseError(filename, error.msg, line=number, column=error.colno) from None
        except UnicodeDecodeError as error:
            raise ImportParseError(filename, f"not UTF-8 text ({error.reason})", line=number) from None
        except ValueError as error:
            raise ImportParseError(filename, str(error), line=number) from None


def _read_text_lines(filename: str, stream: BinaryIO) -> Iterator[dict]:
    """{"$undefined$": line} for every line with something other than whitespace; the line ending is dropped."""
    for number, raw in enumerate(stream, 1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        line = _utf8(filename, raw, line=number).rstrip("\r\n")
        if line.strip():
            yield {UNDEFINED_KEY: line}


def _read_markup(filename: str, stream: BinaryIO) -> Iterator[dict]:
    """The whole document as one item, without the whitespace around it (0.8 minified it; we keep it as written)."""
    data = stream.read()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    yield {UNDEFINED_KEY: _utf8(filename, data).strip()}


def _read_media(filename: str, stream: BinaryIO) -> Iterator[MediaFile]:
    """The file's bytes as they are, named by its own name (not its folder)."""
    yield MediaFile(name=posixpath.basename(filename.replace("\\", "/")), data=stream.read())


def _read_zip(filename: str, stream: BinaryIO, chunk_size: int, depth: int) -> Iterator[object]:
    """Every member of the archive by its own kind; folders and macOS metadata are skipped."""
    if depth >= MAX_ARCHIVE_DEPTH:
        raise ImportParseError(filename, f"archives nested more than {MAX_ARCHIVE_DEPTH} levels deep")
    with _seekable(stream, spool=depth > 0) as seekable:
        try:
            archive = zipfile.ZipFile(seekable)
        except (zipfile.BadZipFile, OSError) as error:
            raise ImportParseError(filename, f"not a readable zip archive ({error})") from None
        with archive:
            for member in archive.infolist():
                if member.is_dir() or _is_metadata(member.filename):
                    continue
                yield from _read_member(filename, archive, member, chunk_size, depth)


def _read_member(filename: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo,
                 chunk_size: int, depth: int) -> Iterator[object]:
    """The items of one archive member, errors named `archive.zip/member`."""
    name = f"{filename}/{member.filename}"
    try:
        with archive.open(member) as content:
            yield from _read(name, content, chunk_size, depth + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError) as error:
        raise ImportParseError(name, f"cannot extract this member ({error})") from None


def _is_metadata(member_name: str) -> bool:
    """Files macOS adds to archives it makes (`__MACOSX/`, `._name`, `.DS_Store`), which hold no data."""
    base = posixpath.basename(member_name)
    return member_name.startswith("__MACOSX/") or base.startswith("._") or base == ".DS_Store"


@contextmanager
def _seekable(stream: BinaryIO, spool: bool) -> Iterator[BinaryIO]:
    """The stream itself when it can seek and `spool` is off, else a copy in a spooled temporary file."""
    if not spool and _can_seek(stream):
        yield stream
        return
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY) as copy:
        shutil.copyfileobj(stream, copy, 1 << 20)
        copy.seek(0)
        yield copy


def _can_seek(stream: BinaryIO) -> bool:
    """Whether zipfile can seek in the stream."""
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, OSError):
        return False


def _utf8(filename: str, data: bytes, line: int | None = None) -> str:
    """Bytes decoded as UTF-8, or an ImportParseError saying where they are not."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        offset = None if line is not None else error.start
        raise ImportParseError(filename, f"not UTF-8 text ({error.reason})", line=line, offset=offset) from None


_SIMPLE_READERS = {
    "jsonl": _read_json_lines,
    "txt": _read_text_lines,
    "html": _read_markup,
    "media": _read_media,
}
