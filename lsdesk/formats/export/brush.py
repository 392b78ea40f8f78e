"""BRUSH_TO_NUMPY and BRUSH_TO_PNG: each brush region's mask as a .npy array or a greyscale .png, one file each."""

import struct
import zlib
from collections import Counter

from lsdesk.formats.export.files import NameRegistry, safe_name
from lsdesk.formats.export.items import chosen_items


def numpy_files(tasks, config, media=None):
    return _files(tasks, config, ".npy", npy_bytes)


def png_files(tasks, config, media=None):
    return _files(tasks, config, ".png", png_bytes)


def _files(tasks, config, suffix, encode):
    """Per completion and control, `task-<id>-annotation-<id>-by-<who>-<control>-<labels>-<n><suffix>`."""
    names = NameRegistry()
    try:
        for item in chosen_items(tasks, config):
            who = "".join(c for c in str(item.annotator("")) if c.isalnum() or c in "@.")
            for control, values in item.outputs.items():
                for layer, (width, height, mask) in masks(control, values).items():
                    name = f"task-{item.task_id}-annotation-{item.get('id')}-by-{who}-{layer}{suffix}"
                    name, _new = names.claim(safe_name(name), (item.task_id, item.get("id"), control, layer))
                    yield name, [encode(width, height, mask)]
    finally:
        names.close()


def masks(control, values):
    """`<control>-<labels joined by "-">-<n>` -> (width, height, mask): the alpha channel of each brush region."""
    layers = {}
    seen = Counter()
    for value in values:
        kind = value["type"].lower()
        key = "brushlabels" if kind == "brushlabels" else "labels" if kind == "labels" else None
        if key is None or "rle" not in value:
            continue
        width, height = value.get("original_width"), value.get("original_height")
        labels = value.get(key, ["no_label"])
        if not _positive_int(width) or not _positive_int(height) or not isinstance(labels, list):
            continue
        layer = f"{control}-{'-'.join(str(label) for label in labels)}"
        number = seen[layer]
        seen[layer] += 1
        try:
            pixels = decode_rle(value["rle"], expected=width * height * 4)
        except ValueError:
            continue
        layers[f"{layer}-{number}"] = (width, height, bytes(pixels[3::4]))
    return layers


class _Bits:
    """Reads big-endian bit fields from bytes."""

    def __init__(self, data):
        self.data = data
        self.position = 0
        self.total = len(data) * 8

    def read(self, count):
        start, end = self.position, self.position + count
        if end > self.total:
            raise ValueError("brush RLE ends too early")
        first, last = start >> 3, (end + 7) >> 3
        chunk = int.from_bytes(self.data[first:last], "big")
        self.position = end
        return (chunk >> ((last << 3) - end)) & ((1 << count) - 1)


def decode_rle(rle, expected=None):
    """The values packed by @thi.ng/rle-pack (Label Studio's brush format) as a bytearray.

    The stream holds: 32 bits count, 5 bits word size - 1, four 4-bit run-length sizes - 1, then chunks
    of a repeat flag, a 2-bit size choice, the length - 1, and one value (repeat) or that many values.
    """
    try:
        bits = _Bits(bytes(rle))
    except (TypeError, ValueError):
        raise ValueError("brush RLE is not a list of bytes") from None
    count = bits.read(32)
    if expected is not None and count != expected:
        raise ValueError(f"brush RLE holds {count} values, expected {expected}")
    word = bits.read(5) + 1
    sizes = [bits.read(4) + 1 for _ in range(4)]
    out = bytearray(count)
    at = 0
    while at < count:
        repeat = bits.read(1)
        end = min(at + 1 + bits.read(sizes[bits.read(2)]), count)
        if repeat:
            out[at:end] = bytes((bits.read(word) & 0xFF,)) * (end - at)
            at = end
        else:
            while at < end:
                out[at] = bits.read(word) & 0xFF
                at += 1
    return out


def npy_bytes(width, height, mask):
    """A NumPy .npy file (format 1.0) holding the mask as a (height, width) uint8 array, as numpy.save writes it."""
    header = "{'descr': '|u1', 'fortran_order': False, 'shape': (%d, %d), }" % (height, width)
    header += " " * (21 - len(str(height)))  # numpy leaves room to grow the first axis in place
    padding = 64 - (10 + len(header) + 1) % 64
    header += " " * (padding % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin-1") + mask


def png_bytes(width, height, mask):
    """An 8-bit greyscale PNG of the mask."""
    rows = b"".join(b"\x00" + mask[row * width:(row + 1) * width] for row in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + _chunk(b"IDAT", zlib.compress(rows, 6))
            + _chunk(b"IEND", b""))


def _chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0
