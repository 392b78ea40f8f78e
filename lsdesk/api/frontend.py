"""The labeling app: one page (assets/index.html) for every app route, under a strict content policy."""

from bottle import static_file

from lsdesk.resources import ASSETS

APP_ROUTES = ("/", "/projects", "/setup", "/import", "/tasks", "/label", "/label/<task_id>",
              "/label/<task_id>/compare", "/export", "/stats", "/models", "/settings")

# Task content is data: no inline or foreign script can run in our origin. Media may
# come from anywhere the task points to; HyperText renders in a sandboxed frame.
CONTENT_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                  "img-src 'self' data: blob: http: https:; media-src 'self' data: blob: http: https:; "
                  "frame-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'")


# pywebview builds window.pywebview.api's functions with `new Function`, which CSP counts as
# eval; the window's pages allow that and nothing more (inline and foreign scripts stay out).
WINDOW_CONTENT_POLICY = CONTENT_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-eval'")


def app_page(window, **_params):
    """The app's one page, whatever its route (the page reads `task_id` from the URL itself)."""
    page = static_file("index.html", root=ASSETS)
    page.set_header("Content-Security-Policy", CONTENT_POLICY if window is None else WINDOW_CONTENT_POLICY)
    page.set_header("Cache-Control", "no-cache")
    return page
