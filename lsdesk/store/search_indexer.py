"""The background indexer of one open project: it adds the tasks past the full-text index's mark in short
writes (store.index_search_slice) while the project has had no request and no other write for a moment, so
a run of import batches, a labeling session or a benchmark is neither held up nor slowed by it (on two
cores, indexing a million tasks next to them would be felt)."""

import logging
import threading
import time

log = logging.getLogger("lsdesk")

# How long after the last request or other write the indexer waits before its next slice.
QUIET_SECONDS = 1.0


class SearchIndexer:
    """A thread indexing one store's tasks until stop()."""

    def __init__(self, store):
        self._store = store
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._last_activity = 0.0
        self._thread = threading.Thread(target=self._run, name=f"search-index {store.path.name}", daemon=True)

    def start(self):
        self._wake.set()  # a project may open with tasks past the mark
        self._thread.start()

    def heard_request(self):
        """A request reached the project: wait until it has been quiet for a moment."""
        self._last_activity = time.monotonic()

    def heard_write(self):
        """After any write of the store (in the thread that wrote): tasks may have come."""
        if threading.current_thread() is not self._thread:
            self._last_activity = time.monotonic()
            self._wake.set()

    def stop(self):
        """Stop, waiting for the slice being written (a few ms) to commit."""
        self._stopping.set()
        self._wake.set()
        if threading.current_thread() is not self._thread:
            self._thread.join()

    def _run(self):
        while True:
            self._wake.wait()
            self._wake.clear()
            if self._stopping.is_set():
                return
            try:
                self._catch_up()
            except Exception:  # the index stays behind (searches read past it); the next write retries
                log.exception("indexing %s for search failed", self._store.path)

    def _catch_up(self):
        while not self._stopping.is_set():
            quiet = self._last_activity + QUIET_SECONDS - time.monotonic()
            if quiet > 0:
                self._stopping.wait(quiet)
            elif not self._store.index_search_slice():
                return
