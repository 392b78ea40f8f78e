"""`lsdesk push`, `lsdesk pull` and `lsdesk clone`: open the project, find the token, run the step, print its counts."""

import sys

from lsdesk.errors import LsdeskError
from lsdesk.progress import Progress
from lsdesk.teams import mapping
from lsdesk.teams.client import LabelStudio, normalized_url
from lsdesk.teams.sync import LinkError, clone, pull, push, token_for
from lsdesk.workspace import Workspace


class _Bar:
    """A job stand-in drawing the CLI's progress bar."""

    cancelled = False

    def __init__(self, doing):
        self._doing, self._progress, self.total, self.done, self.errors = doing, None, None, 0, []

    def advance(self, count=1, message=None):
        self.done += count
        if self.total and self._progress is None:
            self._progress = Progress(self._doing, self.total, "tasks")
        if self._progress is not None:
            self._progress.update(self.done)

    def add_error(self, message):
        self.errors.append(message)

    def close(self):
        if self._progress is not None:
            self._progress.close()
        for message in self.errors:
            print(f"lsdesk: {message}", file=sys.stderr)


def _print_error(error, doing):
    print(f"lsdesk: {doing}{error.message}", *error.details, sep="\n  ", file=sys.stderr)


def _client(workspace, url, token):
    url = normalized_url(url)
    client = LabelStudio(url, token_for(workspace, url, token))
    if token:
        workspace.remember_server_token(url, token)
    return client


def run_push(args):
    workspace = Workspace(args.data_dir)
    bar = _Bar("pushing")
    try:
        store = workspace.open(args.project) if args.project else workspace.active()
        link = store.server_link()
        url = args.to or (link and link["url"])
        if not url:
            raise LinkError(f"{store.path.name} is not linked to a server yet: give --to URL")
        counts = push(store, _client(workspace, url, args.token), title=args.title, job=bar)
    except LsdeskError as error:
        bar.close()
        _print_error(error, "push stopped: ")
        return 1
    finally:
        workspace.close()
    bar.close()
    link_line = "created the server project" if counts["project_created"] else "updated the server project"
    print(f"{link_line} {normalized_url(url)}/projects/{counts['project_id']}\n"
          f"  tasks sent: {counts['tasks']:,}; media files uploaded: {counts['media']:,}\n"
          f"  completions added: {counts['completions_added']:,}; edited: {counts['completions_updated']:,}; "
          f"predictions added: {counts['predictions']:,}")
    return 0


def run_pull(args):
    workspace = Workspace(args.data_dir)
    bar = _Bar("pulling")
    try:
        store = workspace.open(args.project) if args.project else workspace.active()
        link = store.server_link()
        if link is None:
            raise LinkError(f"{store.path.name} is not linked to a Label Studio server; push it or clone one first")
        counts = pull(store, _client(workspace, link["url"], args.token), apply_deletions=args.apply_deletions, job=bar)
    except LsdeskError as error:
        bar.close()
        _print_error(error, "nothing was pulled: ")
        return 1
    finally:
        workspace.close()
    bar.close()
    print(pull_summary(counts))
    return 0


def pull_summary(counts):
    get = lambda name: counts.get(name, 0)  # noqa: E731
    lines = [f"pulled {get('changed_tasks') + get('new_tasks'):,} changed tasks from the server",
             f"  new tasks: {get('new_tasks'):,}; new completions: {get('new_completions'):,}; "
             f"edited: {get('edited'):,}; cancelled: {get('cancelled'):,}",
             f"  edited on both sides (the newer kept, the other as a version): {get('edited_on_both'):,}"]
    if get("deleted"):
        lines.append(f"  deleted (as on the server): {get('deleted'):,}")
    if get("deleted_on_server"):
        lines.append(f"  deleted on the server but kept here: {get('deleted_on_server'):,} "
                     "(pull --apply-deletions deletes them)")
    return "\n".join(lines)


def run_clone(args):
    workspace = Workspace(args.data_dir)
    bar = _Bar("cloning")
    try:
        batch = mapping.batch_filter(args.filter) if args.filter else None
        store, counts = clone(workspace, _client(workspace, args.url, args.token), args.project_id, args.output,
                              job=bar, batch_filter=batch)
        path = store.path
    except ValueError as error:
        bar.close()
        print(f"not cloned: --filter: {error}", file=sys.stderr)
        return 2
    except LsdeskError as error:
        bar.close()
        _print_error(error, "not cloned: ")
        return 1
    finally:
        workspace.close()
    bar.close()
    print(f"cloned project {args.project_id} into {path}: {counts.get('new_tasks', 0):,} tasks, "
          f"{counts.get('new_completions', 0):,} completions")
    return 0
