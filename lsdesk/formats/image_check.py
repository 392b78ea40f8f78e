"""What a media file's bytes say about it, read through a `read(start, length)` callable: a fingerprint
(its size and a hash of its first and last 64 KiB, enough to tell the same file from another with the
same name without reading it all), its pixel size, and whether an image is truncated or unreadable."""

import hashlib
import posixpath
import struct
from dataclasses import dataclass

from lsdesk.formats.images import HEAD_BYTES, image_info, jpeg_scan_offset

EDGE_BYTES = HEAD_BYTES
# Read at a time when a file's end marker is not in its last EDGE_BYTES (a truncated file, or data
# appended after the image): the whole file is searched then.
_SCAN_CHUNK = 1 << 20
_IMAGE_EXTENSIONS = {".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".jfif": "JPEG", ".png": "PNG",
                     ".gif": "GIF", ".bmp": "BMP", ".webp": "WebP"}
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_END = b"\xff\xd9"


@dataclass(frozen=True)
class MediaCheck:
    fingerprint: str
    width: int | None
    height: int | None
    problem: str | None  # "truncated: ..." or "unreadable: ...", for images only


def is_checked_image(name):
    """Whether `name` is an image of a format whose header and end this module can check."""
    return posixpath.splitext(name)[1].lower() in _IMAGE_EXTENSIONS


def check_media(name, size, read):
    """The MediaCheck of a file of `size` bytes named `name` (its extension says whether it should be an image)."""
    head = read(0, EDGE_BYTES) if size else b""
    tail = read(max(len(head), size - EDGE_BYTES), EDGE_BYTES) if size > len(head) else b""
    digest = hashlib.blake2b(f"{size}:".encode(), digest_size=16)
    digest.update(head)
    digest.update(tail)
    info = image_info(head)
    width, height = info[:2] if info else (None, None)
    problem = None
    expected = _IMAGE_EXTENSIONS.get(posixpath.splitext(name)[1].lower())
    if expected is not None:
        problem = _image_problem(expected, info, head, tail or head, size, read)
    return MediaCheck(digest.hexdigest(), width, height, problem)


def _image_problem(expected, info, head, tail, size, read):
    if size == 0:
        return "unreadable: the file is empty"
    if info is None and not (head.startswith(b"\xff\xd8") and len(head) == EDGE_BYTES):
        # (A JPEG whose metadata fills its first EDGE_BYTES is not read further, nor blamed.)
        return f"unreadable: no image header could be read (the name says {expected})"
    if head.startswith(b"\x89PNG"):
        if not _ends_with_marker(_PNG_END, tail, size, read, start=8):
            return f"truncated: the PNG ends after {size:,} bytes, before its IEND chunk"
    elif head.startswith(b"\xff\xd8"):
        # Entropy-coded data never holds FF D9 (its FF bytes are stuffed), so an end marker after
        # the first scan starts is the image's own, not an embedded thumbnail's.
        if not _ends_with_marker(_JPEG_END, tail, size, read, start=jpeg_scan_offset(head) or 2):
            return f"truncated: the JPEG ends after {size:,} bytes, without its end-of-image marker (FF D9)"
    elif head.startswith(b"GIF"):
        if not tail.endswith(b";"):
            return f"truncated: the GIF ends after {size:,} bytes, without its trailer"
    elif head.startswith(b"BM"):
        (declared,) = struct.unpack("<I", head[2:6])
        if declared > size:
            return f"truncated: the BMP header says {declared:,} bytes, the file has {size:,}"
    elif head.startswith(b"RIFF"):
        declared = struct.unpack("<I", head[4:8])[0] + 8
        if declared > size:
            return f"truncated: the WebP header says {declared:,} bytes, the file has {size:,}"
    return None


def _ends_with_marker(marker, tail, size, read, start):
    """Whether `marker` occurs at or after byte `start`: looked for in the tail first, then in the whole file."""
    tail_start = size - len(tail)
    if tail.rfind(marker, max(0, start - tail_start)) >= 0:
        return True
    position, carry = start, b""
    while position < size:
        chunk = read(position, _SCAN_CHUNK)
        if not chunk:
            return False
        if (carry + chunk).find(marker) >= 0:
            return True
        carry = chunk[-(len(marker) - 1):]
        position += len(chunk)
    return False
