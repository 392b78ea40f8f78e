"""Duplicates on import: tasks whose data is already in the project, found by the tasks' content hash."""

from lsdesk.errors import LsdeskError
from lsdesk.store.schema import DATA_HASH_INDEX, register_functions


def hashes_kept(conn):
    """Whether tasks' content hashes are kept: once the first duplicates check made their index, every task
    written gets one; before, imports leave them out (NULL) and that check fills them in."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'tasks_by_data_hash'"
                        ).fetchone() is not None


class DuplicatesFound(LsdeskError):
    """An import asked about duplicates, and some of its tasks have data that is already there."""

    status = 409

    def __init__(self, count, items, examples):
        super().__init__(f"{count} of the {items} tasks to import have data equal to an existing task's or an "
                         "earlier one's of this import: import them anyway (duplicates=import) or skip them "
                         "(duplicates=skip)")
        self.count, self.items, self.examples = count, items, examples

    def body(self):
        return {"error": self.message, **super().body(), "duplicates": self.count, "task_count": self.items,
                "examples": self.examples}


class DuplicateFinder:
    """What an import found already there: tasks stored before it (by the data_hash index, then equal data
    text) and earlier tasks of the import itself (the batch not yet written is looked up in a dict)."""

    MAX_EXAMPLES = 5

    def __init__(self, conn, first_id):
        register_functions(conn)
        # Tasks written without a hash: all of them the first time, afterwards the few that came another way.
        conn.execute("UPDATE tasks SET data_hash = data_hash_of(data) WHERE data_hash IS NULL")
        conn.execute(DATA_HASH_INDEX)
        self._conn, self._first_id = conn, first_id
        self._unwritten = {}  # data text -> task id, for the batch not yet written
        self._skipped = []  # item numbers left out, in order
        self.count = self.items = 0
        self.examples = []

    def seen(self, item, data_hash, data_text, task_id):
        """Whether the item's data is already there (then it is counted and left out), else remember it."""
        self.items = item + 1
        same = self._unwritten.get(data_text)
        if same is None:
            row = self._conn.execute("SELECT id FROM tasks WHERE data_hash = ? AND data = ? LIMIT 1",
                                     (data_hash, data_text)).fetchone()
            same = row and row[0]
        if same is None:
            self._unwritten[data_text] = task_id
            return False
        self.count += 1
        if len(self.examples) < self.MAX_EXAMPLES:
            self.examples.append({"item": item, "task_id": same} if same < self._first_id
                                 else {"item": item, "same_as_item": self._item_of(same)})
        self._skipped.append(item)
        return True

    def flushed(self):
        self._unwritten.clear()

    def _item_of(self, task_id):
        """The item number of a task this import stored: ids run on over the items left out."""
        item = task_id - self._first_id
        for skipped in self._skipped:
            if skipped > item:
                break
            item += 1
        return item
