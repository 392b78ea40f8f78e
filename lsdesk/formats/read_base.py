"""What every import reader shares: the parse error that says where a file is broken, and the media-file item."""

from __future__ import annotations

from dataclasses import dataclass

from lsdesk.errors import LsdeskError


class ImportParseError(LsdeskError, ValueError):
    """An import file that cannot be read, with the place it breaks: line and column (1-based), byte offset."""

    def __init__(self, filename: str, reason: str, *, line: int | None = None,
                 column: int | None = None, offset: int | None = None):
        self.filename = filename
        self.reason = reason
        self.line = line
        self.column = column
        self.offset = offset
        super().__init__(self.describe())

    def describe(self) -> str:
        """`name: line L, column C: reason`, leaving out the parts that are not known."""
        place = []
        if self.line is not None:
            place.append(f"line {self.line}")
            if self.column is not None:
                place.append(f"column {self.column}")
        elif self.offset is not None:
            place.append(f"byte {self.offset}")
        where = ", ".join(place)
        return f"{self.filename}: {where}: {self.reason}" if where else f"{self.filename}: {self.reason}"


@dataclass
class MediaFile:
    """A file imported as it is (an image, audio, anything without a reader): the caller stores it and makes a task."""

    name: str
    data: bytes

    def __repr__(self) -> str:
        return f"MediaFile(name={self.name!r}, {len(self.data)} bytes)"
