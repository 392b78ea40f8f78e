"""Names and media inside an export archive: unique names kept in a temporary database, media read once."""

import json
import posixpath
import sqlite3
import tempfile
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from lsdesk.formats.export.geometry import first_dimensions
from lsdesk.formats.images import HEAD_BYTES, image_info


def temporary_database():
    """A private SQLite database that lives in memory and spills to a temporary file as it grows.

    Exports are generators the web server may resume on another thread, hence check_same_thread=False;
    each database is only ever used by one export at a time.
    """
    return sqlite3.connect("", check_same_thread=False)


class NameRegistry:
    """Hands out names that stay unique inside one folder of an archive, without holding them all in memory.

    Asking again for the same owner returns the name it already has; a name another owner holds gets a
    numbered suffix before its extension ("cat.jpg", "cat_2.jpg", ...).
    """

    def __init__(self):
        self._db = temporary_database()
        self._db.executescript("""
            CREATE TABLE names (name TEXT PRIMARY KEY, owner TEXT);
            CREATE INDEX names_by_owner ON names (owner);
            CREATE TABLE suffixes (name TEXT PRIMARY KEY, last INTEGER);
        """)

    def claim(self, name, owner):
        """(the name `owner` gets, True when it is new)."""
        owner = str(owner)
        row = self._db.execute("SELECT name FROM names WHERE owner = ?", (owner,)).fetchone()
        if row:
            return row[0], False
        candidate = name
        if self._taken(candidate):
            stem, ext = _split_extension(name)
            row = self._db.execute("SELECT last FROM suffixes WHERE name = ?", (name,)).fetchone()
            number = row[0] if row else 1
            while self._taken(candidate):
                number += 1
                candidate = f"{stem}_{number}{ext}"
            self._db.execute("INSERT OR REPLACE INTO suffixes VALUES (?, ?)", (name, number))
        self._db.execute("INSERT INTO names VALUES (?, ?)", (candidate, owner))
        return candidate, True

    def _taken(self, name):
        return self._db.execute("SELECT 1 FROM names WHERE name = ?", (name,)).fetchone() is not None

    def close(self):
        self._db.close()


@dataclass(frozen=True)
class MediaFile:
    url: str
    name: str            # the file's name inside the folder (unique per URL)
    path: str | None     # folder/name when the file is in the archive, None when it could not be read
    info: tuple | None   # what `describe` found in the file: for images (width, height, channels)


def describe_image(data):
    return image_info(data[:HEAD_BYTES])


class MediaFolder:
    """The media files of one archive folder ("images", "audio"): each URL read once and named uniquely.

    `describe(data)` reads what the exporter needs from a file (a tuple, or None when the file is unusable);
    it is kept per URL, so a file used by many tasks is read and described once.
    """

    def __init__(self, media, folder, describe=describe_image):
        self.media = media
        self.folder = folder
        self.describe = describe
        self._names = NameRegistry()
        self._known = temporary_database()
        self._known.execute("CREATE TABLE files (url TEXT PRIMARY KEY, name TEXT, present INT, info TEXT)")

    def get(self, url):
        """(MediaFile, the file's bytes the first time the URL is seen and could be read, else None)."""
        row = self._known.execute("SELECT name, present, info FROM files WHERE url = ?", (url,)).fetchone()
        if row:
            name, present, info = row
            info = tuple(json.loads(info)) if info else None
            return MediaFile(url, name, f"{self.folder}/{name}" if present else None, info), None
        data = self.read(url)
        name, _new = self._names.claim(self.filename(url), url)
        info = self.describe(data) if data else None
        self._known.execute("INSERT INTO files VALUES (?, ?, ?, ?)",
                            (url, name, data is not None, json.dumps(info) if info else None))
        return MediaFile(url, name, f"{self.folder}/{name}" if data is not None else None, info), data

    def read(self, url):
        if self.media is None:
            return None
        try:
            return self.media.read(url)
        except (OSError, ValueError):
            return None

    def filename(self, url):
        name = self.media.filename(url) if self.media is not None else None
        return safe_name(name or basename_of_url(url))

    def close(self):
        self._names.close()
        self._known.close()


def basename_of_url(url):
    return posixpath.basename(unquote(urlparse(url).path))


def safe_name(name, fallback="file"):
    """`name` usable as one path component inside an archive: no separators, not "." or ".."."""
    name = str(name).replace("/", "_").replace("\\", "_").replace("\x00", "").strip()
    return fallback if name in ("", ".", "..") else name


def stem_of(name):
    return _split_extension(name)[0]


def _split_extension(name):
    stem, ext = posixpath.splitext(name)
    return (stem, ext) if stem else (name, "")


def readable_images(items, key, folder, warnings):
    """(item, MediaFile, the image's bytes the first time it is met or None) for each item whose image in
    data[key] can be read; the others are left out of the image formats with a warning. A list of images
    (an Image with valueList) gives one entry per image, each with the results of that image."""
    for item in items:
        urls = item.data.get(key)
        if isinstance(urls, list):
            pages = [(item.on_image(index), url, f"image {index} of ${key}") for index, url in enumerate(urls)]
        else:
            pages = [(item, urls, f"${key}")]
        for page, url, where in pages:
            if not isinstance(url, str):
                warnings.add(f"task {item.task_id}: left out, it has no image URL in {where}")
                continue
            file, data = folder.get(url)
            if file.path is None:
                warnings.unreadable_media(item.task_id, url)
                continue
            yield page, file, data


def task_image_size(values, file, task_id, warnings):
    """(width, height) of a task's image: as its results state it, else as read from the file; None, with a
    warning that the task is left out, when neither knows."""
    width, height = first_dimensions(values)
    if width is None and file.info:
        width, height = file.info[:2]
    if width is None:
        warnings.add(f"task {task_id}: left out, the size of {file.url} could not be read")
        return None
    return width, height


class ExportWarnings:
    """What an export left out and why, one line each, written last as warnings.txt (only when there are any)."""

    NAME = "warnings.txt"

    def __init__(self):
        self._lines = tempfile.SpooledTemporaryFile(max_size=1024 * 1024, mode="w+b")
        self.count = 0

    def add(self, line):
        self._lines.write(line.encode("utf-8", "backslashreplace") + b"\n")
        self.count += 1

    def unreadable_media(self, task_id, url):
        self.add(f"task {task_id}: left out, its file {url} could not be read")

    def files(self):
        """The warnings file, if anything was left out; the temporary file is closed once read."""
        if self.count:
            yield self.NAME, self._chunks()
        else:
            self._lines.close()

    def _chunks(self):
        self._lines.seek(0)
        while block := self._lines.read(64 * 1024):
            yield block
        self._lines.close()
