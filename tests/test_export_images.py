"""image_size: width and height from the first bytes of PNG, JPEG, GIF, BMP and WebP files built by hand."""

import struct
import zlib

import pytest

from lsdesk.formats.images import image_info, image_size


def png(width, height, colour_type=6):
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    rows = b"".join(b"\x00" + bytes(width * channels) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg(width, height, frame_marker=0xC0, components=3, before=b""):
    def segment(marker, body):
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    app0 = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    dqt = segment(0xDB, b"\x00" + bytes(range(64)))
    frame = segment(frame_marker, struct.pack(">BHHB", 8, height, width, components)
                    + b"".join(bytes([n + 1, 0x11, 0]) for n in range(components)))
    dht = segment(0xC4, b"\x00" + bytes(16))
    return b"\xff\xd8" + app0 + before + dqt + dht + frame + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\xff\xd9"


def gif(width, height):
    return b"GIF89a" + struct.pack("<HHBBB", width, height, 0, 0, 0) + b",\x00\x00\x00\x00" + b";"


def bmp(width, height, bits=24):
    row = (width * bits // 8 + 3) // 4 * 4
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, bits, 0, row * abs(height), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + len(info) + row * abs(height), 0, 0, 14 + len(info)) + info + bytes(
        row * abs(height))


def webp(chunk, body):
    body = chunk + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


def webp_lossy(width, height):
    return webp(b"VP8 ", b"\x10\x02\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height) + bytes(10))


def webp_lossless(width, height, alpha):
    bits = (width - 1) | (height - 1) << 14 | alpha << 28
    return webp(b"VP8L", b"\x2f" + struct.pack("<I", bits) + bytes(6))


def webp_extended(width, height, alpha):
    flags = 0x10 if alpha else 0
    return webp(b"VP8X", bytes([flags, 0, 0, 0]) + (width - 1).to_bytes(3, "little")
                + (height - 1).to_bytes(3, "little"))


@pytest.mark.parametrize("data, size", [
    (png(3, 2), (3, 2)),
    (png(1, 1, colour_type=0), (1, 1)),
    (jpeg(640, 480), (640, 480)),
    (jpeg(17, 9, frame_marker=0xC2), (17, 9)),
    (gif(5, 7), (5, 7)),
    (bmp(4, 3), (4, 3)),
    (bmp(4, -3), (4, 3)),
    (webp_lossy(300, 200), (300, 200)),
    (webp_lossless(16383, 2, alpha=1), (16383, 2)),
    (webp_extended(1, 70000, alpha=0), (1, 70000)),
])
def test_image_size_reads_the_header(data, size):
    assert image_size(data) == size


def test_image_size_skips_large_jpeg_segments_before_the_frame():
    exif = b"\xff\xe1" + struct.pack(">H", 40002) + b"Exif\x00\x00" + bytes(39994)
    assert image_size(jpeg(800, 600, before=exif)) == (800, 600)


def test_image_size_only_needs_the_head_of_the_file():
    assert image_size(png(3, 2)[:26]) == (3, 2)
    assert image_size(jpeg(640, 480)[:200]) == (640, 480)


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00", b"GIF89a\x00",
                                  b"RIFF\x00\x00\x00\x00WEBPVP8 ", png(3, 2)[:20], bytes(100)])
def test_image_size_is_none_for_unknown_or_cut_data(data):
    assert image_size(data) is None


@pytest.mark.parametrize("data, channels", [
    (png(2, 2, colour_type=6), 4), (png(2, 2, colour_type=2), 3), (png(2, 2, colour_type=0), 1),
    (png(2, 2, colour_type=3), 1), (jpeg(2, 2, components=1), 1), (jpeg(2, 2), 3), (gif(2, 2), 1),
    (bmp(2, 2), 3), (bmp(2, 2, bits=8), 1), (webp_lossless(2, 2, alpha=1), 4), (webp_extended(2, 2, alpha=0), 3),
])
def test_image_info_counts_channels_like_pillow(data, channels):
    assert image_info(data) == (2, 2, channels)
