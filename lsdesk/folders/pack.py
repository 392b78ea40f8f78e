"""Packing media into the project file, so a copy shows every image with the folders gone, and
unpacking it back into a folder (background jobs' work). Packing is resumable: it copies only
the files that have no packed copy yet."""

import hashlib
import os
import shutil
import stat
from pathlib import Path

from lsdesk.folders.paths import PathRefused, check_relative, folder_references, resolve_inside

# Files read whole and stored in one write, up to this many bytes or _PACK_BATCH_FILES files.
_PACK_BATCH_BYTES = 32 << 20
_PACK_BATCH_FILES = 500
# Larger files are hashed, then copied into their blob in chunks.
_LARGE_FILE = 16 << 20
# SQLite's largest blob (SQLITE_MAX_LENGTH as built by default).
_MAX_BLOB = 1_000_000_000
_CHUNK = 1 << 20
# Tasks read at a time when looking for folder URLs in data that no sync made.
_REFERENCE_BATCH = 1000


def pack_media(store, job):
    """Copy every file a task shows from a folder into the project; returns the job's result."""
    with job.exclusive:
        job.advance(0, "looking for files that tasks show")
        link_referenced_files(store)
        todo = store.files_to_pack()
        job.total = len(todo)
        batch, batch_bytes, packed, errors = [], 0, 0, 0
        for root_id, root_path, relative in todo:
            if job.cancelled:
                break
            try:
                if root_path is None or not os.path.isdir(root_path):
                    raise OSError(f"its folder is not available ({root_path}); locate it first")
                with open(resolve_inside(root_path, relative), "rb") as stream:
                    info = os.fstat(stream.fileno())
                    if not stat.S_ISREG(info.st_mode):
                        raise OSError("not a regular file")
                    if info.st_size > _MAX_BLOB:
                        raise OSError(f"{info.st_size:,} bytes is more than a project file can hold in one piece")
                    if info.st_size > _LARGE_FILE:
                        sha256 = _hash(stream)
                        stream.seek(0)
                        store.store_packed_stream(root_id, relative, info.st_size, info.st_mtime_ns, sha256, stream)
                        packed += 1
                    else:
                        content = stream.read()
                        batch.append((root_id, relative, len(content), info.st_mtime_ns,
                                      hashlib.sha256(content).hexdigest(), content))
                        batch_bytes += len(content)
            except (OSError, PathRefused, ValueError) as error:
                errors += 1
                job.add_error(f"{relative}: {getattr(error, 'strerror', None) or error}")
            if batch_bytes >= _PACK_BATCH_BYTES or len(batch) >= _PACK_BATCH_FILES:
                packed += _store_batch(store, batch)
                batch_bytes = 0
            job.advance(1)
        packed += _store_batch(store, batch)
    return {"packed": packed, "errors": errors, "remaining": len(todo) - packed}


def _store_batch(store, batch):
    count = len(batch)
    if batch:
        store.store_packed(batch)
        batch.clear()
    return count


def _hash(stream):
    digest = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def link_referenced_files(store):
    """Link the files that folder URLs in tasks a sync did not make (tasks imported from JSON) name,
    so packing takes them too and their folder is not removed while they need it."""
    roots = {root["id"]: root["path"] for root in store.media_roots()}
    after = 0
    while rows := store.tasks_naming_folder_files(after, _REFERENCE_BATCH):
        files = []
        for task_id, data in rows:
            for root_id, relative in folder_references(data):
                if roots.get(root_id) is None:
                    continue
                try:
                    info = os.stat(resolve_inside(roots[root_id], relative))
                except (OSError, PathRefused):
                    continue
                if stat.S_ISREG(info.st_mode):
                    files.append((root_id, relative, info.st_size, info.st_mtime_ns, task_id))
        if files:
            store.add_referenced_files(files)
        after = rows[-1][0]


def unpack_media(store, target, job):
    """Write every root's files into a folder of its own under `target` and point the root there;
    the packed copies are then dropped. A root with a file that could not be written keeps
    pointing where it did, and keeps its packed copies."""
    target = Path(target)
    with job.exclusive:
        roots = store.roots_with_files()
        listings = {root_id: store.packed_files(root_id) for root_id, _path in roots}
        job.total = sum(len(files) for files in listings.values())
        target.mkdir(parents=True, exist_ok=True)
        moved, errors = 0, 0
        for (root_id, old_path), name in zip(roots, _folder_names(roots)):
            folder = target / name
            written, failed = [], 0
            for relative, sha256, needed in listings[root_id]:
                if job.cancelled:
                    return {"folders": moved, "errors": errors}
                try:
                    destination = folder.joinpath(*check_relative(relative).split("/"))
                    if _write_file(store, destination, sha256, old_path, relative, needed):
                        info = destination.stat()
                        written.append((relative, info.st_size, info.st_mtime_ns))
                except (OSError, PathRefused) as error:
                    failed += 1
                    job.add_error(f"{relative}: {getattr(error, 'strerror', None) or error}")
                job.advance(1)
            errors += failed
            if failed:
                job.add_error(f"{failed} files of {old_path or name} could not be written; "
                              "that folder was left as it was")
                continue
            # The files must be on disk before their only other copy goes (_write_file syncs
            # each one where the system cannot sync them all at once).
            if hasattr(os, "sync"):
                os.sync()
            store.unpacked_root(root_id, folder, written)
            moved += 1
    return {"folders": moved, "errors": errors}


def _folder_names(roots):
    """A folder name per root: its own folder's name, made unique with the root's id."""
    names, taken = [], set()
    for root_id, path in roots:
        name = (Path(path).name if path else None) or f"folder-{root_id}"
        if name in taken:
            name = f"{name}-{root_id}"
        taken.add(name)
        names.append(name)
    return names


def _write_file(store, destination, sha256, old_path, relative, needed):
    """Write one file from its packed copy, or copy it from the old folder; False when there is
    neither and no task needs it."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    if sha256 is not None:
        with open(partial, "wb") as out:
            for chunk in store.read_blob(sha256):
                out.write(chunk)
    elif old_path is not None and os.path.isfile(os.path.join(old_path, *relative.split("/"))):
        shutil.copy2(resolve_inside(old_path, relative), partial)
    elif needed:
        raise OSError("it is neither packed nor in its folder")
    else:
        return False
    if not hasattr(os, "sync"):
        with open(partial, "rb+") as written:
            os.fsync(written.fileno())
    os.replace(partial, destination)
    return True
