"""A progress bar for the terminal commands: a line redrawn on stderr, only when it is a terminal."""

import io
import sys
import time


class Progress:
    """Call update(done) as work advances; close() ends the line. Silent when stderr is not a terminal."""

    def __init__(self, label, total, unit, stream=sys.stderr):
        self.label, self.total, self.unit, self.stream = label, total, unit, stream
        self.enabled = stream.isatty()
        self._shown_at = 0.0

    def update(self, done, extra=""):
        now = time.monotonic()
        if not self.enabled or now - self._shown_at < 0.1:
            return
        self._shown_at = now
        share = min(1.0, done / self.total) if self.total else 0.0
        bar = "#" * int(share * 30)
        self.stream.write(f"\r{self.label} [{bar:<30}] {share:4.0%} {done:,}/{self.total:,} {self.unit} {extra}")
        self.stream.flush()

    def close(self):
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


class CountingReader(io.RawIOBase):
    """A binary stream that reports how many bytes were read through it (wrap it in io.BufferedReader)."""

    def __init__(self, raw, on_read):
        super().__init__()
        self._raw, self._on_read, self.read_bytes = raw, on_read, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        count = self._raw.readinto(buffer)
        self.read_bytes += count or 0
        self._on_read(self.read_bytes)
        return count

    def seekable(self):
        return self._raw.seekable()

    def seek(self, offset, whence=io.SEEK_SET):
        return self._raw.seek(offset, whence)

    def tell(self):
        return self._raw.tell()

    def close(self):
        self._raw.close()
        super().close()
