"""The project file's schema, its version history, and the migrations between versions.

Each entry of MIGRATIONS takes a file from version N-1 to N; a new file runs them all.
Never edit a released step: add a new one, so old files keep a path to the present.
"""

import shutil
import sqlite3
from pathlib import Path

import sqlite_utils

from lsdesk.errors import LsdeskError
from lsdesk.store.common import data_hash_of

# Tasks keep counters of their completions so that "next", the task orders and the
# project counts are index look-ups, never scans. The partial indexes hold only the rows
# each query can return (unlabeled tasks for "next", labeled ones for completed_at orders).
_V1 = """
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
-- *_changes count writes that may reorder tasks: cached page positions compare them.
INSERT INTO counters (name, value) VALUES
    ('tasks', 0), ('completed_tasks', 0), ('completions', 0), ('predictions', 0),
    ('task_changes', 0), ('label_changes', 0);
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL,
    data TEXT NOT NULL,
    meta TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    completions INTEGER NOT NULL DEFAULT 0,
    cancelled INTEGER NOT NULL DEFAULT 0,
    completed_at INTEGER,
    score REAL
);
CREATE INDEX tasks_unlabeled ON tasks (id) WHERE completions = 0;
CREATE INDEX tasks_unlabeled_by_score ON tasks (score, id)
    WHERE completions = 0 AND score IS NOT NULL;
CREATE INDEX tasks_by_completed_at ON tasks (completed_at, id) WHERE completions > 0;
CREATE INDEX tasks_by_cancelled ON tasks (cancelled, completed_at, id) WHERE completions > 0;
CREATE TABLE completions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    was_cancelled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX completions_by_task ON completions (task_id);
CREATE TABLE predictions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    score REAL,
    model_version TEXT,
    created_by TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX predictions_by_task ON predictions (task_id);
CREATE TABLE data_key_sets (
    keys TEXT PRIMARY KEY,
    tasks INTEGER NOT NULL
);
CREATE TABLE result_labels (
    from_name TEXT NOT NULL,
    to_name TEXT NOT NULL,
    type TEXT NOT NULL,
    label TEXT NOT NULL,
    uses INTEGER NOT NULL,
    PRIMARY KEY (from_name, to_name, type, label)
);
"""

# Version 2 brings uploaded files into the project file, so a copy carries its media
# (the same bytes stored once, under any number of names), and a place for the labeling
# page's unsaved work.
_V2 = """
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    content BLOB NOT NULL
);
CREATE TABLE uploads (
    name TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    mime TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE drafts (
    task_id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
"""

# Version 3: model servers that pre-label tasks, folders of media labeled in place, and
# what merging two copies of a project keeps.
_V3 = """
-- ML backends (issue 6)
CREATE TABLE ml_backends (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    model_version TEXT,
    train_job TEXT,
    created_at INTEGER NOT NULL
);
-- Media roots and storages (issue 7)
-- A root is a folder the user added; its path is NULL once it left the list while its packed
-- files still serve tasks. Storage settings live in `settings` (keys "source" and "target").
CREATE TABLE media_roots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT,
    created_at INTEGER NOT NULL
);
-- Files under roots that the project knows: task_id is the task made from a media file (NULL for
-- a file of tasks); size and mtime (ns) tell a re-sync what changed; sha256 names the packed copy.
CREATE TABLE media_files (
    root_id INTEGER NOT NULL,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime INTEGER NOT NULL,
    task_id INTEGER,
    sha256 TEXT,
    PRIMARY KEY (root_id, path)
) WITHOUT ROWID;
CREATE INDEX media_files_by_task ON media_files (task_id);
CREATE INDEX media_files_by_blob ON media_files (sha256) WHERE sha256 IS NOT NULL;
-- Merge and agreement (issue 9)
-- The older side of a completion a merge found edited in both copies.
CREATE TABLE completion_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    completion_id INTEGER NOT NULL,
    task_id INTEGER NOT NULL,
    body TEXT NOT NULL,
    was_cancelled INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX completion_versions_by_completion ON completion_versions (completion_id);
CREATE INDEX completion_versions_by_task ON completion_versions (task_id);
-- Tasks whose annotators disagree (lowest agreement over controls first), kept up to date
-- by every completion write, and the same per control for the control filter.
CREATE TABLE disagreements (
    task_id INTEGER PRIMARY KEY,
    score REAL NOT NULL,
    controls TEXT NOT NULL,
    annotators TEXT NOT NULL
);
CREATE INDEX disagreements_by_score ON disagreements (score, task_id);
CREATE TABLE disagreement_controls (
    task_id INTEGER NOT NULL,
    from_name TEXT NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (task_id, from_name)
) WITHOUT ROWID;
CREATE INDEX disagreement_controls_by_score ON disagreement_controls (from_name, score, task_id);
"""

# Version 4 (issue 13): what a sync read of each media file (a fingerprint of its size and first and
# last 64 KiB, its pixel size), so "Locate" can tell a moved folder from one with other files of the
# same names, and why an image is truncated or unreadable (NULL when it is fine); and a completion
# both copies of a merge edited, waiting for someone to choose between the two edits. `version_id`
# is the older edit, kept in completion_versions; the row goes when the completion is saved again
# or one of the two is chosen. Exports read the tasks they hold through an index of their own.
_V4 = """
ALTER TABLE media_files ADD COLUMN fingerprint TEXT;
ALTER TABLE media_files ADD COLUMN width INTEGER;
ALTER TABLE media_files ADD COLUMN height INTEGER;
ALTER TABLE media_files ADD COLUMN problem TEXT;
CREATE TABLE completion_conflicts (
    completion_id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL,
    version_id INTEGER NOT NULL,
    editors TEXT NOT NULL
);
CREATE INDEX completion_conflicts_by_task ON completion_conflicts (task_id);
-- The states a completion had before each of its edits (a JSON list of completion_state hashes), so a
-- merge tells a completion edited in one copy (the other copy's state is among its earlier ones) from one
-- edited in both.
ALTER TABLE completions ADD COLUMN earlier TEXT;
-- The tasks every export holds by default (a completion that was not cancelled), read in id order.
CREATE INDEX tasks_labeled ON tasks (id) WHERE completions > cancelled;
"""

# Version 5, issue 17: the link to a Label Studio server the project was pushed to or cloned from. It travels
# with the file (never the token: that stays in the workspace). server_completions keeps, for each completion
# both sides hold, the annotation's id there (NULL until learnt: an import does not answer annotation ids) and
# the result_state both sides last agreed on, so a push sends local edits and a pull finds the server's.
# Version 5, issue 15: the task browser and imports that find duplicates. Saved views; full-text search over the values of task data (a
# contentless FTS5 index: imports write nothing to it, a search first indexes the tasks past the
# `search_indexed` mark in one statement, and triggers keep indexed tasks current when their data
# changes or they go); files a folder re-sync found removed; partial indexes for the state and score
# filters and orders (only rows that can match are in them, so unlabeled imports pay nothing); each task's
# content hash (data_hash_of its stored data text), so an import can find data that is already there.
# Text and integer values only: a real's text form may differ between SQLite versions, and a contentless index
# must be given the very text it indexed to delete a task's entry.
SEARCH_TEXT = ("(SELECT group_concat(atom, ' ') FROM json_tree({data}) "
               "WHERE type IN ('text', 'integer'))")
_V5 = f"""
CREATE TABLE views (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE VIRTUAL TABLE tasks_fts USING fts5(text, content='', tokenize='unicode61 remove_diacritics 2');
INSERT INTO tasks_fts (rowid, text) SELECT id, {SEARCH_TEXT.format(data="data")} FROM tasks;
INSERT INTO counters (name, value) VALUES ('search_indexed', (SELECT coalesce(max(id), 0) FROM tasks));
CREATE TRIGGER tasks_fts_data_changed AFTER UPDATE OF data ON tasks
    WHEN old.id <= (SELECT value FROM counters WHERE name = 'search_indexed') BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, text) VALUES ('delete', old.id, {SEARCH_TEXT.format(data="old.data")});
    INSERT INTO tasks_fts (rowid, text) VALUES (new.id, {SEARCH_TEXT.format(data="new.data")});
END;
CREATE TRIGGER tasks_fts_task_deleted AFTER DELETE ON tasks
    WHEN old.id <= (SELECT value FROM counters WHERE name = 'search_indexed') BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, text) VALUES ('delete', old.id, {SEARCH_TEXT.format(data="old.data")});
END;
ALTER TABLE media_files ADD COLUMN missing INTEGER NOT NULL DEFAULT 0;
CREATE INDEX media_files_missing ON media_files (task_id) WHERE missing;
CREATE INDEX tasks_by_cancelled_count ON tasks (cancelled, id) WHERE cancelled > 0;
CREATE INDEX tasks_by_score ON tasks (score, id) WHERE score IS NOT NULL;
CREATE INDEX tasks_by_completions ON tasks (completions, id) WHERE completions > 0;
ALTER TABLE tasks ADD COLUMN data_hash INTEGER;
UPDATE tasks SET data_hash = data_hash_of(data);
-- The link to a Label Studio server (issue 17)
CREATE TABLE server_link (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    url TEXT NOT NULL,
    project_id INTEGER NOT NULL,
    pushed_at INTEGER,
    pulled_at INTEGER,
    pull_mark TEXT,
    batch_filter TEXT,
    importing INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE server_tasks (
    task_id INTEGER PRIMARY KEY,
    server_id INTEGER NOT NULL UNIQUE
);
CREATE TABLE server_completions (
    completion_id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL,
    server_id INTEGER UNIQUE,
    state TEXT NOT NULL
);
CREATE INDEX server_completions_by_task ON server_completions (task_id);
CREATE TABLE server_predictions (
    prediction_id INTEGER PRIMARY KEY
);
CREATE TABLE server_media (
    local_url TEXT PRIMARY KEY,
    server_url TEXT NOT NULL
);
CREATE INDEX server_media_by_server_url ON server_media (server_url);
"""

# The index of content hashes is made by the first import that looks for duplicates, not by the migration:
# kept up to date, it halves the speed of a 1M-task import (random inserts into a B-tree larger than the
# page cache), a cost a project that never asks about duplicates need not pay. Until it exists imports leave
# data_hash NULL, and the check that makes it fills them in (see store/duplicates.py).
DATA_HASH_INDEX = "CREATE INDEX IF NOT EXISTS tasks_by_data_hash ON tasks (data_hash)"

MIGRATIONS = (_V1, _V2, _V3, _V4, _V5)
SCHEMA_VERSION = len(MIGRATIONS)


class ProjectFileError(LsdeskError):
    """A file that cannot be opened as a project, with the reason a user can act on."""


def schema_version(conn):
    return conn.execute("PRAGMA user_version").fetchone()[0]


def check_openable(path, conn):
    """Raise ProjectFileError unless conn holds a project file this version can use."""
    try:
        version = schema_version(conn)
        tables = set(sqlite_utils.Database(conn).table_names())
    except sqlite3.DatabaseError as error:
        raise ProjectFileError(f"{path} is not an lsdesk project file ({error})") from None
    if version > SCHEMA_VERSION:
        raise ProjectFileError(
            f"{path} was written by a newer lsdesk (file version {version}, this lsdesk "
            f"reads up to {SCHEMA_VERSION}); update lsdesk to open it. The file was not changed."
        )
    if version == 0 and tables:
        raise ProjectFileError(f"{path} is an SQLite file but not an lsdesk project file")
    return version


def migrate(path, conn, target=SCHEMA_VERSION):
    """Bring the file to `target`, writing a backup first when it already holds data.

    Returns the backup's path, or None for a new file.
    """
    version = check_openable(path, conn)
    if version >= target:
        return None
    backup = None
    register_functions(conn)
    if version > 0:
        backup = Path(f"{path}.v{version}.backup")
        _backup_to(conn, backup)
    for number in range(version + 1, target + 1):
        # Each step and its version bump go in one transaction: a crash leaves the old version.
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE; {MIGRATIONS[number - 1]}\nPRAGMA user_version = {number}; COMMIT;"
            )
        except sqlite3.Error as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise ProjectFileError(f"{path} could not be upgraded to version {number}: {error}") from None
    return backup


def register_functions(conn):
    """The Python functions the migrations' SQL calls."""
    conn.create_function("data_hash_of", 1, data_hash_of, deterministic=True)


def _backup_to(conn, backup):
    tmp = backup.with_name(backup.name + ".tmp")
    with sqlite3.connect(tmp) as copy:
        conn.backup(copy)
    copy.close()
    shutil.move(tmp, backup)
