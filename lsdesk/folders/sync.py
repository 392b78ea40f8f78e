"""Syncing a folder into tasks (a background job's work): new files become tasks, changed ones are
noted, missing ones reported; a file that already has its task never gets a second one."""

import os
from collections import Counter
from dataclasses import dataclass

from lsdesk.formats.tasks import TaskInvalid, make_task_validator
from lsdesk.jobs import JobFailed
from lsdesk.formats.image_check import MediaCheck, is_checked_image
from lsdesk.folders.folder_tasks import default_data_key, is_task_file, media_filter, media_task, tasks_of_file
from lsdesk.folders.media_check import check_file
from lsdesk.folders.scan import compile_filter, scan_folder
from lsdesk.store.folders import SourceFile

# Files looked at per import transaction: progress moves, and a cancelled sync keeps what it stored.
SYNC_BATCH = 2000
# Removed and unreadable files a sync names in its result; it counts all of them.
_LISTED_FILES = 100


@dataclass(frozen=True)
class SyncOptions:
    glob: str | None = None
    regex: str | None = None
    data_key: str | None = None
    recursive: bool = True


def sync_folder(store, root_id, options, config, job):
    """Make a task of every new file under a root; returns the job's result (counts, removed files)."""
    with job.exclusive:  # one folder job at a time: two syncs of a folder could both see a file as new
        root = store.media_root(root_id)
        if root is None or root["path"] is None:
            raise JobFailed(f"Folder {root_id} is not in the project")
        folder = root["path"]
        if not os.path.isdir(folder):
            raise JobFailed(f"{folder} is not available; locate the folder first")
        job.advance(0, "reading the folder")
        known = store.media_file_index(root_id)
        found = list(scan_folder(folder, options.recursive))
        job.total = len(found)
        counts = Counter(added=0, changed=0, unchanged=0, skipped=0, errors=0, unreadable=0)
        files = _FileTasks(root_id, folder, options, config, job, counts)
        for start in range(0, len(found), SYNC_BATCH):
            batch = found[start:start + SYNC_BATCH]
            tasks, changed = [], []
            for file in batch:
                entry = known.get(file.path)
                if entry is None or not (entry[2] or entry[3]):
                    tasks += files.tasks_of(file)
                elif entry[:2] == (file.size, file.mtime):
                    counts["unchanged"] += 1
                elif entry[3]:
                    counts["errors"] += 1
                    job.add_error(f"{file.path}: changed since its tasks were made; they were not made again "
                                  "(import the file to add its tasks)")
                else:
                    changed.append((file.path, file.size, file.mtime, files.check(file)))
            if tasks:
                store.import_tasks(tasks)
                counts["added"] += len(tasks)
            if changed:
                store.update_media_files(root_id, changed)
                counts["changed"] += len(changed)
            job.advance(len(batch), f"{start + len(batch):,} of {len(found):,} files")
            if job.cancelled:
                break
        seen = {file.path for file in found}
        removed = sorted(path for path in known
                         if path not in seen and not os.path.exists(os.path.join(folder, *path.split("/"))))
        if not job.cancelled:
            store.mark_missing_files(root_id, removed)
    return {**counts, "removed": len(removed), "removed_files": removed[:_LISTED_FILES],
            "unreadable_files": files.unreadable}


class _FileTasks:
    """The tasks one file makes in a sync, with what the sync counts and reports about it."""

    def __init__(self, root_id, folder, options, config, job, counts):
        self.root_id, self.folder, self.config, self.job, self.counts = root_id, folder, config, job, counts
        self.accepts = compile_filter(options.glob, options.regex)
        self.data_key = options.data_key or default_data_key(config)
        self.shows = media_filter(config, self.data_key)
        self.validate = make_task_validator(config)
        self.unreadable = []  # {"path", "problem"} of the first _LISTED_FILES truncated or unreadable images

    def tasks_of(self, file):
        if not self.accepts(file.path):
            self.counts["skipped"] += 1
            return []
        if is_task_file(file.path):
            tasks, error = tasks_of_file(os.path.join(self.folder, *file.path.split("/")), file.path, self.config)
            if error:
                return self._failed(error)
            tasks[0]["source_file"] = SourceFile(self.root_id, file.path, file.size, file.mtime, media=False)
            return tasks
        if not self.shows(file.path):
            self.counts["skipped"] += 1
            return []
        try:
            task = self.validate(media_task(self.root_id, file.path, self.data_key))
        except TaskInvalid as error:
            return self._failed(f"{file.path}: {error}")
        task["source_file"] = SourceFile(self.root_id, file.path, file.size, file.mtime, media=True,
                                         check=self.check(file))
        return [task]

    def check(self, file):
        """What the file's bytes say (None when it cannot be opened and is no image we check); a truncated
        or unreadable image still becomes a task, and the sync reports it."""
        try:
            check = check_file(os.path.join(self.folder, *file.path.split("/")), file.path, file.size)
        except OSError as error:
            if not is_checked_image(file.path):
                return None
            check = MediaCheck(None, None, None, f"unreadable: {error.strerror or error}")
        if check.problem:
            self.counts["unreadable"] += 1
            self.job.add_error(f"{file.path}: {check.problem}")
            if len(self.unreadable) < _LISTED_FILES:
                self.unreadable.append({"path": file.path, "problem": check.problem})
        return check

    def _failed(self, message):
        self.counts["errors"] += 1
        self.job.add_error(message)
        return []
