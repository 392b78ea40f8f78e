"""One lsdesk per project file: an OS lock per open file, a note of where its holder answers, and asking
that holder to bring its window to the front. Needs no display, so tests call it directly."""

import hashlib
import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    import msvcrt

    fcntl = None

# How long a second `lsdesk FILE` waits for a starting lsdesk that holds FILE to answer.
FOCUS_WAIT = 15.0


class AppNotAnswering(Exception):
    """Another lsdesk holds the file but does not answer."""


class ProjectClaim:
    """This process's hold on one project file: an OS lock, which the OS frees however the
    process ends (so a crash leaves nothing stale), and a note of where the holder answers."""

    def __init__(self, data_dir, path):
        self.path = Path(path)
        folder = Path(data_dir) / "running"
        folder.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha256(str(self.path).encode()).hexdigest()[:20]
        self._lock_path, self._note_path = folder / f"{key}.lock", folder / f"{key}.json"
        self._lock_file = None

    def acquire(self):
        """True if this process holds the file now; False if another process does."""
        if self._lock_file is None:
            handle = open(self._lock_path, "a+b")
            try:
                _lock_exclusively(handle)
            except OSError:
                handle.close()
                return False
            self._lock_file = handle
        return True

    def publish(self, url):
        """Tell a later `lsdesk FILE` where to find us."""
        partial = self._note_path.with_name(f"{self._note_path.name}.{os.getpid()}")
        partial.write_text(json.dumps({"url": url, "pid": os.getpid(), "path": str(self.path)}))
        os.replace(partial, self._note_path)

    def holder_url(self):
        """The URL of the lsdesk holding the file, as it published it (None before it has)."""
        try:
            return json.loads(self._note_path.read_text())["url"]
        except (FileNotFoundError, ValueError, KeyError):
            return None

    def release(self):
        if self._lock_file is not None:
            self._note_path.unlink(missing_ok=True)
            # The lock file stays: deleting it would let two processes lock two different files.
            self._lock_file.close()
            self._lock_file = None


def _lock_exclusively(handle):
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)


def claim_or_focus(claim, wait=FOCUS_WAIT):
    """Take the file (True), or have the lsdesk holding it show its window (False).

    A holder that is still starting has not published its URL yet, so this retries until `wait`
    runs out; a holder that died meanwhile has freed the lock, and the file is ours.
    """
    deadline = time.monotonic() + wait
    while not claim.acquire():
        url = claim.holder_url()
        if url and ask_to_focus(url, claim.path):
            return False
        if time.monotonic() > deadline:
            raise AppNotAnswering(f"{claim.path} is open in another lsdesk that does not answer"
                                  + (f" at {url}" if url else ""))
        time.sleep(0.2)
    return True


def ask_to_focus(url, path):
    """POST /api/desktop/focus to a running lsdesk; True when it showed the window for `path`."""
    request = urllib.request.Request(f"{url}/api/desktop/focus", method="POST",
                                     data=json.dumps({"path": str(path)}).encode(),
                                     headers={"Content-Type": "application/json"})
    # Loopback never goes through a proxy, whatever the environment says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False
