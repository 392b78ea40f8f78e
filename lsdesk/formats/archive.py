"""A zip archive written as a stream: no seeking, sizes in data descriptors, Zip64 when it grows past 4 GiB."""

import struct
import tempfile
import time
import zlib

# Flush output once this much is waiting, so chunks are neither tiny nor whole members.
CHUNK_BYTES = 64 * 1024
# Members already compressed gain nothing from a thorough deflate; a fast one keeps CPU low.
_COMPRESSED_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".mp3", ".mp4", ".m4a", ".ogg",
                        ".flac", ".webm", ".zip", ".gz")
_CENTRAL_DIRECTORY_IN_MEMORY = 4 * 1024 * 1024

_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_DESCRIPTOR = struct.Struct("<IIII")
_DESCRIPTOR_64 = struct.Struct("<IIQQ")
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_END_64 = struct.Struct("<IQHHIIQQQQ")
_END_64_LOCATOR = struct.Struct("<IIQI")

_FLAG_DESCRIPTOR = 0x08
_FLAG_UTF8 = 0x800
_DEFLATE = 8
_VERSION = 20
_VERSION_ZIP64 = 45
_MADE_BY_UNIX = 3 << 8
_REGULAR_FILE = 0o100644 << 16
_MAX_32 = 0xFFFFFFFF
_MAX_16 = 0xFFFF


def zip_stream(files):
    """Yield the bytes of a zip holding each (path, byte chunks) of `files`, in order, as they are produced."""
    dos_time, dos_date = _dos_timestamp(time.localtime())
    central = tempfile.SpooledTemporaryFile(max_size=_CENTRAL_DIRECTORY_IN_MEMORY)
    offset = 0
    count = 0
    pending = []
    pending_size = 0
    for path, chunks in files:
        name = _member_name(path)
        flags = _FLAG_DESCRIPTOR | (0 if name.isascii() else _FLAG_UTF8)
        encoded = name.encode("utf-8")
        header = _LOCAL_HEADER.pack(0x04034B50, _VERSION, flags, _DEFLATE, dos_time, dos_date,
                                    0, 0, 0, len(encoded), 0) + encoded
        member_offset = offset
        pending.append(header)
        pending_size += len(header)
        offset += len(header)
        level = 1 if name.lower().endswith(_COMPRESSED_SUFFIXES) else 6
        compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
        crc = 0
        size = 0
        compressed = 0
        for chunk in chunks:
            if not chunk:
                continue
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
            out = compressor.compress(chunk)
            if out:
                pending.append(out)
                pending_size += len(out)
                compressed += len(out)
            if pending_size >= CHUNK_BYTES:
                yield b"".join(pending)
                pending, pending_size = [], 0
        out = compressor.flush()
        compressed += len(out)
        zip64 = size > _MAX_32 or compressed > _MAX_32
        if zip64:
            descriptor = _DESCRIPTOR_64.pack(0x08074B50, crc, compressed, size)
        else:
            descriptor = _DESCRIPTOR.pack(0x08074B50, crc, compressed, size)
        pending += [out, descriptor]
        pending_size += len(out) + len(descriptor)
        offset += compressed + len(descriptor)
        central.write(_central_record(encoded, flags, dos_time, dos_date, crc, compressed, size, member_offset))
        count += 1
        if pending_size >= CHUNK_BYTES:
            yield b"".join(pending)
            pending, pending_size = [], 0
    directory_offset = offset
    directory_size = central.tell()
    central.seek(0)
    while True:
        block = central.read(CHUNK_BYTES)
        if not block:
            break
        pending.append(block)
        yield b"".join(pending)
        pending = []
    central.close()
    pending.append(_end_records(count, directory_size, directory_offset))
    yield b"".join(pending)


def _member_name(path):
    name = str(path).replace("\\", "/").lstrip("/")
    if not name or any(part in ("", ".", "..") for part in name.split("/")):
        raise ValueError(f"bad path inside an export archive: {path!r}")
    return name


def _dos_timestamp(moment):
    year = max(moment.tm_year, 1980)
    dos_time = moment.tm_hour << 11 | moment.tm_min << 5 | moment.tm_sec // 2
    dos_date = (year - 1980) << 9 | moment.tm_mon << 5 | moment.tm_mday
    return dos_time, dos_date


def _central_record(encoded, flags, dos_time, dos_date, crc, compressed, size, offset):
    extra = b""
    if size >= _MAX_32:
        extra += struct.pack("<Q", size)
        size = _MAX_32
    if compressed >= _MAX_32:
        extra += struct.pack("<Q", compressed)
        compressed = _MAX_32
    if offset >= _MAX_32:
        extra += struct.pack("<Q", offset)
        offset = _MAX_32
    if extra:
        extra = struct.pack("<HH", 0x0001, len(extra)) + extra
    version = _VERSION_ZIP64 if extra else _VERSION
    return _CENTRAL_HEADER.pack(
        0x02014B50, _MADE_BY_UNIX | version, version, flags, _DEFLATE, dos_time, dos_date,
        crc, compressed, size, len(encoded), len(extra), 0, 0, 0, _REGULAR_FILE, offset,
    ) + encoded + extra


def _end_records(count, directory_size, directory_offset):
    zip64 = count >= _MAX_16 or directory_size >= _MAX_32 or directory_offset >= _MAX_32
    records = b""
    if zip64:
        end_64_offset = directory_offset + directory_size
        records += _END_64.pack(0x06064B50, _END_64.size - 12, _MADE_BY_UNIX | _VERSION_ZIP64,
                                _VERSION_ZIP64, 0, 0, count, count, directory_size, directory_offset)
        records += _END_64_LOCATOR.pack(0x07064B50, 0, end_64_offset, 1)
    return records + _END.pack(
        0x06054B50, 0, 0, min(count, _MAX_16), min(count, _MAX_16),
        min(directory_size, _MAX_32), min(directory_offset, _MAX_32), 0,
    )
