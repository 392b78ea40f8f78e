"""The orders of GET /api/tasks and their pages: each order is a run of index segments, and a deep
page starts from a remembered mark instead of an OFFSET scan (a mixin of ProjectStore)."""

from dataclasses import dataclass

from lsdesk.store.task_text import load_tasks


@dataclass(frozen=True)
class _Segment:
    """A run of tasks in one sort order, read through one index: which tasks, how many, in what order."""

    where: str
    size: str  # the counts() entry that holds how many tasks the segment has
    index: str
    columns: tuple  # the sort key, all in one direction
    descending: bool = False
    # The counters that change when this segment's order may have changed.
    changes: tuple = ("task_changes", "label_changes")

    def order_by(self, reverse=False):
        direction = " DESC" if self.descending != reverse else ""
        return ", ".join(column + direction for column in self.columns)

    def seeks(self, key):
        """(condition, parameters) for the tasks at or after a sort key, as index seeks in order.

        SQLite seeks on only the first column of a row-value comparison, so "(a, b) >= (x, y)"
        becomes "a = x AND b >= y", then "a > x": each one seek into the index.
        """
        strict, inclusive = ("<", "<=") if self.descending else (">", ">=")
        last = len(self.columns) - 1
        return [(" AND ".join([f"{column} = ?" for column in self.columns[:depth]]
                              + [f"{self.columns[depth]} {inclusive if depth == last else strict} ?"]),
                 key[:depth + 1])
                for depth in range(last, -1, -1)]


# Each order of GET /api/tasks is a list of segments: labeled tasks in the order asked
# for, then the unlabeled ones by id (Label Studio puts tasks without completions last).
# Ties in has_cancelled_completions are broken by completed_at then id in the same
# direction, so one index serves both directions.
_UNLABELED = _Segment("completions = 0", "unlabeled_tasks", "tasks_unlabeled", ("id",))


def _labeled(index, columns, descending):
    return [_Segment("completions > 0", "completed_tasks", index, columns, descending), _UNLABELED]


_ORDERS = {
    "id": [_Segment("1", "tasks", "sqlite_autoindex", ("id",), changes=("task_changes",))],
    "-id": [_Segment("1", "tasks", "sqlite_autoindex", ("id",), descending=True, changes=("task_changes",))],
    "completed_at": _labeled("tasks_by_completed_at", ("completed_at", "id"), False),
    "-completed_at": _labeled("tasks_by_completed_at", ("completed_at", "id"), True),
    "has_cancelled_completions": _labeled("tasks_by_cancelled", ("cancelled", "completed_at", "id"), False),
    "-has_cancelled_completions": _labeled("tasks_by_cancelled", ("cancelled", "completed_at", "id"), True),
}
# A deep page starts from a mark: the sort key of every PAGE_MARK_STEP-th task of a
# segment, found in one scan and kept until tasks or completions change. Then any page
# is a few index seeks plus fewer than PAGE_MARK_STEP steps, at any project size.
PAGE_MARK_STEP = 1024
TASK_ORDERS = tuple(_ORDERS)


class TaskPages:
    """Methods use self._read() and self._page_marks of ProjectStore."""

    def tasks_page(self, page, page_size, order="id"):
        """One page (1-based) of tasks in one of TASK_ORDERS, without scanning the table."""
        with self._read() as conn:
            return load_tasks(conn, self._page_ids(conn, page, page_size, order))

    def page_ids(self, page, page_size, order="id"):
        """The ids of tasks_page()."""
        with self._read() as conn:
            return self._page_ids(conn, page, page_size, order)

    def _page_ids(self, conn, page, page_size, order):
        offset = (page - 1) * page_size
        counts = dict(conn.execute("SELECT name, value FROM counters"))
        counts["unlabeled_tasks"] = counts["tasks"] - counts["completed_tasks"]
        ids = []
        for segment in _ORDERS[order]:
            size = counts[segment.size]
            version = tuple(counts[name] for name in segment.changes)
            ids += self._segment_ids(conn, segment, size, offset, page_size - len(ids), version)
            offset = max(0, offset - size)
        return ids

    def _segment_ids(self, conn, segment, size, offset, limit, version):
        """Ids at [offset, offset+limit) of a segment: a short scan from its nearer end, or from a mark."""
        count = min(limit, size - offset)
        if count <= 0:
            return []
        index = "" if segment.index == "sqlite_autoindex" else f" INDEXED BY {segment.index}"
        select = f"SELECT id FROM tasks{index} WHERE {segment.where}"
        if offset < PAGE_MARK_STEP:
            rows = conn.execute(f"{select} ORDER BY {segment.order_by()} LIMIT ? OFFSET ?", (count, offset))
            return [row[0] for row in rows]
        from_end = size - offset - count
        if from_end < PAGE_MARK_STEP:
            rows = conn.execute(f"{select} ORDER BY {segment.order_by(reverse=True)} LIMIT ? OFFSET ?",
                                (count, from_end)).fetchall()
            return [row[0] for row in reversed(rows)]
        if segment.where == "1":
            low, high = conn.execute("SELECT (SELECT min(id) FROM tasks), (SELECT max(id) FROM tasks)").fetchone()
            if high - low + 1 == size:
                # No task was ever deleted in between: a page of ids is arithmetic.
                first = high - offset if segment.descending else low + offset
                return list(range(first, first - count, -1) if segment.descending else range(first, first + count))
        mark, key = self._page_mark(conn, segment, offset, version)
        skip = offset - mark
        ids = []
        for condition, parameters in segment.seeks(key):
            rows = conn.execute(f"{select} AND {condition} ORDER BY {segment.order_by()} LIMIT ?",
                                (*parameters, skip + count - len(ids)))
            ids += [row[0] for row in rows]
            if len(ids) >= skip + count:
                break
        return ids[skip:skip + count]

    def _page_mark(self, conn, segment, offset, version):
        """(position, sort key) of the nearest mark at or before `offset`, rebuilding stale marks."""
        cached = self._page_marks.get(segment)
        if cached is None or cached[0] != version:
            columns = ", ".join(segment.columns)
            keys = conn.execute(
                f"SELECT {columns} FROM (SELECT {columns}, row_number() OVER (ORDER BY {segment.order_by()}) - 1 "
                f"AS position FROM tasks WHERE {segment.where}) WHERE position % {PAGE_MARK_STEP} = 0").fetchall()
            cached = self._page_marks[segment] = (version, keys)
        number = offset // PAGE_MARK_STEP
        return number * PAGE_MARK_STEP, cached[1][number]
