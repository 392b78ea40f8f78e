"""Image size and channel count read from the first bytes of a PNG, JPEG, GIF, BMP or WebP file."""

import struct

# Enough for the header of every format here, and for a JPEG whose EXIF/ICC blocks come first.
HEAD_BYTES = 64 * 1024

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# JPEG start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range.
_JPEG_FRAME_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# JPEG markers that stand alone, without a length field.
_JPEG_BARE_MARKERS = frozenset(range(0xD0, 0xDA)) | {0x01}
# Bands Pillow reports for a PNG colour type: grey, RGB, palette, grey+alpha, RGBA.
_PNG_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def image_size(head):
    """(width, height) in pixels as stored in the file (EXIF orientation not applied), or None."""
    info = image_info(head)
    return info[:2] if info else None


def image_info(head):
    """(width, height, channels) with channels counted the way Pillow counts bands, or None."""
    if not head:
        return None
    head = bytes(head[:HEAD_BYTES])
    for reader in (_png, _jpeg, _gif, _bmp, _webp):
        try:
            info = reader(head)
        except (struct.error, IndexError, ValueError):
            info = None
        if info and info[0] > 0 and info[1] > 0:
            return info
    return None


def _png(head):
    if not head.startswith(_PNG_SIGNATURE) or head[12:16] != b"IHDR":
        return None
    width, height, _depth, colour_type = struct.unpack(">IIBB", head[16:26])
    return width, height, _PNG_CHANNELS.get(colour_type, 3)


def _jpeg(head):
    for at, marker, length in _jpeg_segments(head):
        if marker in _JPEG_FRAME_MARKERS:
            height, width, components = struct.unpack(">HHB", head[at + 5:at + 10])
            return width, height, components
        if length < 2:
            return None
    return None


def jpeg_scan_offset(head):
    """Where a JPEG's first scan (SOS segment) starts in `head`, or None when it is not there."""
    for at, marker, _length in _jpeg_segments(head):
        if marker == 0xDA:
            return at
    return None


def _jpeg_segments(head):
    """(offset, marker, length) of each JPEG segment that has a length field, in file order, up to the end of
    `head` or the first byte that is not a marker; nothing when `head` is not a JPEG."""
    if not head.startswith(b"\xff\xd8"):
        return
    at = 2
    while at + 4 <= len(head):
        if head[at] != 0xFF:
            return
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte before a marker
            at += 1
        elif marker in _JPEG_BARE_MARKERS:  # EOI (D9) among them
            at += 2
        else:
            (length,) = struct.unpack(">H", head[at + 2:at + 4])
            yield at, marker, length
            at += 2 + length


def _gif(head):
    if head[:6] not in (b"GIF87a", b"GIF89a"):
        return None
    width, height = struct.unpack("<HH", head[6:10])
    return width, height, 1


def _bmp(head):
    if not head.startswith(b"BM"):
        return None
    (header_size,) = struct.unpack("<I", head[14:18])
    if header_size == 12:  # BITMAPCOREHEADER
        width, height, _planes, bits = struct.unpack("<HHHH", head[18:26])
    else:
        width, height, _planes, bits = struct.unpack("<iiHH", head[18:30])
    return abs(width), abs(height), 1 if bits <= 8 else 3


def _webp(head):
    if head[:4] != b"RIFF" or head[8:12] != b"WEBP":
        return None
    chunk = head[12:16]
    if chunk == b"VP8 ":
        if head[23:26] != b"\x9d\x01\x2a":
            return None
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF, 3
    if chunk == b"VP8L":
        if head[20] != 0x2F:
            return None
        (bits,) = struct.unpack("<I", head[21:25])
        has_alpha = bits >> 28 & 1
        return (bits & 0x3FFF) + 1, (bits >> 14 & 0x3FFF) + 1, 4 if has_alpha else 3
    if chunk == b"VP8X":
        flags = head[20]
        width = int.from_bytes(head[24:27], "little") + 1
        height = int.from_bytes(head[27:30], "little") + 1
        return width, height, 4 if flags & 0x10 else 3
    return None
