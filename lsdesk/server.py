"""A threaded WSGI server from the standard library, so a slow request never blocks the others."""

import socketserver
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer


class _QuietHandler(WSGIRequestHandler):
    # A client that stops sending mid-request must not hold a thread for ever.
    timeout = 120

    def log_message(self, format, *args):
        pass


class ThreadedWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


def make_server(host, port, app):
    """Bind host:port (port 0 picks a free one) and serve `app`; call serve_forever() to run."""
    server = ThreadedWSGIServer((host, port), _QuietHandler)
    server.set_app(app)
    return server
