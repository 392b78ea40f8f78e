"""The `lsdesk` command: parses arguments, then hands over to the package."""

import argparse
import io
import signal
import sys
import time
from pathlib import Path

from lsdesk import __version__
from lsdesk import settings as defaults
from lsdesk.teams import commands as teams_cli
from lsdesk.app import make_app
from lsdesk.desktop import launch
from lsdesk.desktop.install import install_desktop, uninstall_desktop
from lsdesk.errors import LsdeskError
from lsdesk.exporter import export_stream, write_export
from lsdesk.importer import DUPLICATES, import_files
from lsdesk.progress import CountingReader, Progress
from lsdesk.project_view import current_config
from lsdesk.server import make_server
from lsdesk.store.exports import TaskSelection
from lsdesk.store.merge import default_output, merge_projects
from lsdesk.workspace import Workspace


def main(argv=None):
    parser = argparse.ArgumentParser(prog="lsdesk", description="Label data on your own machine.")
    parser.add_argument("--version", action="version", version=f"lsdesk {__version__}")
    commands = parser.add_subparsers(dest="command")
    opening = commands.add_parser("open", help="show a project in a window (the default command)")
    opening.add_argument("file", nargs="?", metavar="FILE", help="project file (default: the last one used)")
    opening.add_argument("--data-dir", help="workspace folder (default: the user data dir, or $LSDESK_DATA_DIR)")
    commands.add_parser("install-desktop", help="add lsdesk to the Linux desktop: menu entry, icon, *.lsdesk files")
    commands.add_parser("uninstall-desktop", help="remove what install-desktop added")
    serve = commands.add_parser("serve", help="serve the API and the labeling app over HTTP")
    serve.add_argument("--host", default=defaults.HOST, help="address to listen on (default %(default)s)")
    serve.add_argument("--port", type=int, default=defaults.PORT,
                       help="port to listen on, 0 for any free one (default %(default)s)")
    serve.add_argument("--data-dir", help="workspace folder (default: the user data dir, or $LSDESK_DATA_DIR)")
    serve.add_argument("--project", help="project file to open (default: the last one used)")
    importing = commands.add_parser("import", help="import task files into a project")
    importing.add_argument("files", nargs="+", metavar="FILE")
    importing.add_argument("--duplicates", choices=DUPLICATES, default="import",
                           help="tasks whose data is already in the project: import them (default), skip them, "
                                "or ask (import nothing and say how many there are)")
    exporting = commands.add_parser("export", help="export a project's completions")
    exporting.add_argument("--format", required=True, help="JSON, JSON_MIN, CSV, TSV, CONLL2003, COCO, VOC, ...")
    exporting.add_argument("-o", "--output", help="file to write (default: the export's own name)")
    exporting.add_argument("--archive", action="store_true", help="always write a zip")
    exporting.add_argument("--all-tasks", action="store_true",
                           help="every task, not only those with a completion that was not cancelled")
    exporting.add_argument("--leave-out-disagreeing", action="store_true",
                           help="leave out the tasks whose annotators disagree and that have no ground truth")
    merging = commands.add_parser("merge", help="merge two copies of a project into a new project file")
    merging.add_argument("a", metavar="A.lsdesk")
    merging.add_argument("b", metavar="B.lsdesk")
    merging.add_argument("-o", "--output", help="file to write (default: a free <A>-merged.lsdesk beside A)")
    pushing = commands.add_parser("push", help="send the project to a Label Studio server (later: what changed)")
    pushing.add_argument("--to", metavar="URL", help="the server (default: the one the project is linked to)")
    pushing.add_argument("--title", help="the server project's title (default: the project's)")
    pulling = commands.add_parser("pull", help="bring back what the team did on the Label Studio server")
    pulling.add_argument("--apply-deletions", action="store_true",
                         help="delete completions whose annotations were deleted on the server (else only reported)")
    cloning = commands.add_parser("clone", help="take a Label Studio server project offline as a new project file")
    cloning.add_argument("url", metavar="URL")
    cloning.add_argument("--project-id", type=int, required=True, help="the server project's id")
    cloning.add_argument("-o", "--output", help="file to write (default: a new file in the workspace)")
    cloning.add_argument("--filter", metavar="JSON", help="take only the tasks this Label Studio Data Manager filter "
                         'selects, e.g. \'[{"filter": "filter:tasks:id", "operator": "less", "type": "Number", '
                         '"value": 501}]\'; later pulls keep to them')
    for command in (pushing, pulling, cloning):
        command.add_argument("--token", help="the server's API token (default: $LABEL_STUDIO_TOKEN, or the one "
                                             "kept in the workspace)")
    for command in (importing, exporting, pushing, pulling):
        command.add_argument("--project", help="project file (default: the workspace's active project)")
    for command in (importing, exporting, pushing, pulling, cloning):
        command.add_argument("--data-dir", help="workspace folder (default: the user data dir)")
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] not in commands.choices and argv[0] not in ("-h", "--help", "--version"):
        # `lsdesk` and `lsdesk FILE.lsdesk` (how a file manager starts us) open the window.
        argv = ["open", *argv]
    args = parser.parse_args(argv)
    run = {"open": run_window, "install-desktop": run_install_desktop, "uninstall-desktop": run_uninstall_desktop,
           "serve": run_server, "import": run_import, "export": run_export, "merge": run_merge,
           "push": teams_cli.run_push, "pull": teams_cli.run_pull, "clone": teams_cli.run_clone}[args.command]
    sys.exit(run(args))


def run_window(args):
    return launch.run(args.data_dir, args.file)


def run_install_desktop(_args):
    if not sys.platform.startswith("linux"):
        print("lsdesk: install-desktop writes Linux desktop files; the README's \"Desktop app\" section says how "
              "to do the same on macOS and Windows", file=sys.stderr)
        return 2
    for path in install_desktop():
        print(f"wrote {path}")
    print("Project files (*.lsdesk) now open in lsdesk, which is in the applications menu.")
    return 0


def run_uninstall_desktop(_args):
    removed = uninstall_desktop()
    for path in removed:
        print(f"removed {path}")
    if not removed:
        print("lsdesk was not installed on this desktop")
    return 0


def _print_error(error, doing=""):
    """An LsdeskError as the window shows it too: its message, then its details one a line."""
    print(f"lsdesk: {doing}{error.message}", *error.details, sep="\n  ", file=sys.stderr)


def _open_project(args):
    workspace = Workspace(args.data_dir)
    return workspace, (workspace.open(args.project) if args.project else workspace.active())


def run_import(args):
    """Import files with the same code path as POST /api/project/import, with a progress bar."""
    paths = [Path(name) for name in args.files]
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        print(f"lsdesk: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        workspace, store = _open_project(args)
    except LsdeskError as error:
        _print_error(error)
        return 2
    progress = Progress("importing", sum(path.stat().st_size for path in paths), "bytes")
    done_before = 0
    files = []
    for path in paths:
        reader = io.BufferedReader(
            CountingReader(path.open("rb"), lambda read, base=done_before: progress.update(base + read)))
        done_before += path.stat().st_size
        files.append((path.name, reader))
    try:
        summary = import_files(store, files, current_config(store), duplicates=args.duplicates)
    except LsdeskError as error:
        progress.close()
        _print_error(error, "nothing was imported: ")
        return 1
    finally:
        workspace.close()
    progress.close()
    print(f"imported {summary['task_count']:,} tasks ({summary['completion_count']:,} completions, "
          f"{summary['prediction_count']:,} predictions) into {store.path} in {summary['duration']:.1f} s"
          + (f"; skipped {summary['skipped_duplicates']:,} duplicates" if summary.get("skipped_duplicates") else ""))
    return 0


def run_export(args):
    """Export with the same code path as GET /api/project/export, with a progress bar."""
    try:
        workspace, store = _open_project(args)
    except LsdeskError as error:
        _print_error(error)
        return 2
    try:
        selection = TaskSelection(all_tasks=args.all_tasks, leave_out_disagreeing=args.leave_out_disagreeing)
        counts = store.export_counts()
        progress = Progress("exporting", counts["tasks"] if args.all_tasks else counts["labeled_tasks"], "tasks")
        try:
            filename, _type, chunks = export_stream(
                _ProgressStore(store, progress), current_config(store), args.format, archive=args.archive,
                stamp=time.strftime("%Y-%m-%d-%H-%M-%S"), selection=selection)
        except LsdeskError as error:
            _print_error(error)
            return 1
        output = write_export(chunks, args.output or filename)
        progress.close()
    finally:
        workspace.close()
    print(f"exported {args.format.upper()} to {output}")
    return 0


def run_merge(args):
    """Merge with the same code path as POST /api/projects/merge; a refusal leaves no file."""
    try:
        output = Path(args.output) if args.output else default_output(args.a, Path(args.a).resolve().parent)
        report = merge_projects(args.a, args.b, output)
    except LsdeskError as error:
        _print_error(error, "not merged: ")
        return 2
    tasks, completions = report["tasks"], report["completions"]
    config = {"same": "the same in both", "a": f"{Path(args.a).name}'s (a superset)",
              "b": f"{Path(args.b).name}'s (a superset)"}[report["config"]]
    print(f"merged {args.b} into a copy of {args.a}: {output}\n"
          f"  tasks: {tasks['total']:,} ({tasks['from_a']:,} from A, {tasks['added_from_b']:,} added from B, "
          f"{tasks['matched']:,} in both)\n"
          f"  completions: {completions['total']:,} ({completions['added_from_b']:,} added from B, "
          f"{completions['edited_on_both']:,} edited on both sides; {completions['versions_kept']:,} older "
          f"versions kept)\n"
          f"  label config: {config}\n"
          f"  tasks where annotators disagree: {report['disagreements']:,}\n"
          f"  tasks with a completion edited in both copies, to choose between: {report['conflicts']:,}")
    return 0


class _ProgressStore:
    """The store as the exporter reads it, counting tasks on the progress bar as they go by."""

    def __init__(self, store, progress):
        self._store, self._progress = store, progress

    def iter_tasks(self, **selection):
        return self._counted(self._store.iter_tasks(**selection))

    def iter_labeled_task_texts(self, **selection):
        return self._counted(self._store.iter_labeled_task_texts(**selection))

    def _counted(self, tasks):
        for done, task in enumerate(tasks, 1):
            self._progress.update(done)
            yield task

    def __getattr__(self, name):
        return getattr(self._store, name)


def _interrupt(*_):
    # Stop like Ctrl+C: finish in-flight writes, checkpoint and close the files.
    raise KeyboardInterrupt


def run_server(args):
    try:
        workspace = Workspace(args.data_dir)
        store = workspace.open(args.project) if args.project else workspace.active()
    except LsdeskError as error:
        _print_error(error)
        return 2
    try:
        server = make_server(args.host, args.port, None)
    except OSError as error:
        print(f"lsdesk: cannot listen on {args.host}:{args.port}: {error.strerror}", file=sys.stderr)
        workspace.close()
        return 2
    port = server.server_address[1]
    server.set_app(make_app(workspace, bind_host=args.host, port=port))
    shown_host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"lsdesk {__version__}: serving {store.path} at http://{shown_host}:{port}", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        workspace.close()
    return 0
