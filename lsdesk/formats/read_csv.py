"""Streaming reader for .csv and .tsv import files: one dict per row, the header row gives the keys.

What Label Studio 0.8 did with pandas, and what we do instead, one row at a time:
- numbers: pandas typed whole columns. We convert each cell on its own: a cell that reads as an integer becomes an
  int, one that reads as a decimal or exponent number becomes a float, everything else stays a string. So a
  column holding `1`, `x` gives 1 and "x" (pandas: "1" and "x"), and `1`, `` gives 1 and "" (pandas: 1.0 and "").
  Integers written with leading zeros (`007`, zip codes, ids) stay strings, and so do `nan`, `inf` and the
  other words pandas read as missing (`NA`, `null`, ...), which pandas turned into "".
- the separator is sniffed from the file's first few KiB: `,` `;` `\t` or `|`, whichever splits the header into the
  most columns that the next rows repeat; a file that splits on none keeps its extension's default.
- an empty cell is "". A row with fewer or more cells than the header is an error; the reader reads on and reports
  every such row (up to MAX_REPORTED_ROWS) once the file is read, so one import shows them all.
- blank lines are skipped; a header cell that is empty becomes `Unnamed: <index>`, a repeated one gets `.1`, `.2`.
- text is UTF-8 with or without a byte-order mark; quoted cells may hold the delimiter, quotes and newlines.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import sys
from typing import BinaryIO, Iterator

from lsdesk.formats.read_base import ImportParseError

_INTEGER = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"[-+]?(?:(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)")
_NUMBER_START = frozenset("+-.0123456789")
SEPARATORS = (",", ";", "\t", "|")
_SNIFF_CHARS = 8192  # enough for a header and a few rows; the rest of the file is never looked at twice
MAX_REPORTED_ROWS = 20


def read_delimited(filename: str, stream: BinaryIO, delimiter: str = ",") -> Iterator[dict]:
    """Yield one dict per data row of a CSV or TSV file; `delimiter` is the default when sniffing finds none."""
    _allow_large_cells()
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        lines, head = _with_head(filename, text)
        rows = csv.reader(lines, delimiter=sniff_separator(head, delimiter))
        header = None
        misfits: list[tuple[int, str]] = []
        for line, cells in _numbered_rows(filename, rows):
            if header is None:
                header = _column_names(cells)
            elif len(cells) == len(header):
                yield _row_dict(header, cells)
            elif len(misfits) <= MAX_REPORTED_ROWS:
                misfits.append((line, f"{len(cells)} cells but the header has {len(header)}"))
        if misfits:
            raise _misfit_rows_error(filename, misfits)
    finally:
        text.detach()  # leave the caller's stream open


def sniff_separator(head: str, default: str) -> str:
    """The separator that splits the head's first record into the most columns, preferring one that every complete
    record in the head repeats, and `default` when none splits it at all (a one-column file)."""
    complete = head[:head.rfind("\n") + 1] or head
    best, best_score = default, (True, 1)
    for separator in (default, *(s for s in SEPARATORS if s != default)):
        try:
            records = [cells for cells in csv.reader(io.StringIO(complete, newline=""), delimiter=separator) if cells]
        except csv.Error:
            continue
        if not records:
            return default
        columns = len(records[0])
        score = (all(len(cells) == columns for cells in records), columns)
        if columns > 1 and score > best_score:
            best, best_score = separator, score
    return best


def _with_head(filename: str, text: io.TextIOWrapper) -> tuple[Iterator[str], str]:
    """(all the text's lines, its first few KiB) without reading anything twice from the stream."""
    try:
        head = text.read(_SNIFF_CHARS)
        head += text.readline()  # finish the line the read stopped in
    except UnicodeDecodeError as error:
        raise ImportParseError(filename, f"not UTF-8 text ({error.reason})", line=1) from None
    return itertools.chain(io.StringIO(head, newline=""), text), head


def _misfit_rows_error(filename: str, misfits: list[tuple[int, str]]) -> ImportParseError:
    """One error placed at the first row whose cell count differs from the header's, naming every such row."""
    (line, reason), *others = misfits
    listed = [f"line {other_line}: {other_reason}" for other_line, other_reason in others[:MAX_REPORTED_ROWS - 1]]
    if len(others) >= MAX_REPORTED_ROWS:
        listed.append("and more")
    return ImportParseError(filename, "; ".join([reason, *listed]), line=line)


def _numbered_rows(filename: str, rows) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for every non-blank record, with reading errors placed by line."""
    while True:
        line = rows.line_num + 1
        try:
            cells = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            raise ImportParseError(filename, str(error), line=rows.line_num) from None
        except UnicodeDecodeError as error:
            raise ImportParseError(filename, f"not UTF-8 text ({error.reason})", line=line) from None
        if cells:
            yield line, cells


def _column_names(cells: list[str]) -> list[str]:
    """Header cells as keys: empty ones named `Unnamed: <index>`, repeats suffixed `.1`, `.2` (as pandas did)."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells):
        name = cell or f"Unnamed: {index}"
        base, copy = name, 0
        while name in seen:
            copy += 1
            name = f"{base}.{copy}"
        seen.add(name)
        names.append(name)
    return names


def _row_dict(header: list[str], cells: list[str]) -> dict:
    """The row as {column: value}."""
    return {name: _typed(cell) for name, cell in zip(header, cells)}


def _typed(cell: str) -> object:
    """An int or float when the cell reads as one, else the cell's text unchanged."""
    if not cell or cell[0] not in _NUMBER_START:
        return cell
    if _INTEGER.fullmatch(cell):
        return int(cell)
    if _DECIMAL.fullmatch(cell):
        number = float(cell)
        return number if number not in (float("inf"), float("-inf")) else cell
    return cell


def _allow_large_cells() -> None:
    """Lift the csv module's 128 KiB cell limit (a process-wide setting) so long documents can be imported."""
    limit = min(sys.maxsize, 2**31 - 1)
    if csv.field_size_limit() < limit:
        csv.field_size_limit(limit)
