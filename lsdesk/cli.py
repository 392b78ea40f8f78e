"""The `lsdesk` command: parses arguments, then hands over to the package."""

import argparse
import signal
import sys

from lsdesk import __version__
from lsdesk import settings as defaults
from lsdesk.app import make_app
from lsdesk.server import make_server
from lsdesk.store.schema import ProjectFileError
from lsdesk.store.workspace import Workspace


def main(argv=None):
    parser = argparse.ArgumentParser(prog="lsdesk", description="Label data on your own machine.")
    parser.add_argument("--version", action="version", version=f"lsdesk {__version__}")
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve the API and the labeling app over HTTP")
    serve.add_argument("--host", default=defaults.HOST, help="address to listen on (default %(default)s)")
    serve.add_argument("--port", type=int, default=defaults.PORT,
                       help="port to listen on, 0 for any free one (default %(default)s)")
    serve.add_argument("--data-dir", help="workspace folder (default: the user data dir, or $LSDESK_DATA_DIR)")
    serve.add_argument("--project", help="project file to open (default: the last one used)")
    args = parser.parse_args(argv)
    if args.command is None:
        args = parser.parse_args(["serve", *(argv or sys.argv[1:])])
    sys.exit(run_server(args))


def _interrupt(*_):
    # Stop like Ctrl+C: finish in-flight writes, checkpoint and close the files.
    raise KeyboardInterrupt


def run_server(args):
    try:
        workspace = Workspace(args.data_dir)
        store = workspace.open(args.project) if args.project else workspace.active()
    except ProjectFileError as error:
        print(f"lsdesk: {error}", file=sys.stderr)
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
