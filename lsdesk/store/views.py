"""The SQL of saved views: the task browser's named queries, kept in the project file so they travel with it
(a mixin of ProjectStore). A view's query is JSON the server stores without reading."""

import json

from lsdesk.store.common import compact_json, now

_COLUMNS = "id, title, query, created_at, updated_at"


class ViewStore:
    """Methods use self._read() and self._write() of ProjectStore."""

    def views(self):
        with self._read() as conn:
            return [_view(row) for row in conn.execute(f"SELECT {_COLUMNS} FROM views ORDER BY id")]

    def add_view(self, title, query):
        stamp = now()
        with self._write() as conn:
            row = conn.execute(f"INSERT INTO views (title, query, created_at, updated_at) VALUES (?, ?, ?, ?) "
                               f"RETURNING {_COLUMNS}", (title, compact_json(query), stamp, stamp)).fetchone()
        return _view(row)

    def update_view(self, view_id, changes):
        """Change a view's title and/or query; the view, or None when there is no such view."""
        with self._write() as conn:
            row = conn.execute(
                f"UPDATE views SET title = coalesce(?, title), query = coalesce(?, query), updated_at = ? "
                f"WHERE id = ? RETURNING {_COLUMNS}",
                (changes.get("title"), compact_json(changes["query"]) if "query" in changes else None, now(),
                 view_id)).fetchone()
        return None if row is None else _view(row)

    def delete_view(self, view_id):
        with self._write() as conn:
            return conn.execute("DELETE FROM views WHERE id = ?", (view_id,)).rowcount > 0


def _view(row):
    view_id, title, query, created_at, updated_at = row
    return {"id": view_id, "title": title, "query": json.loads(query), "created_at": created_at,
            "updated_at": updated_at}
