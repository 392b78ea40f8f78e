"""The labeling app: one page (assets/index.html) for every app route, under a strict content policy,
and the files it loads (see lsdesk/asset_loading.py)."""

import html

from bottle import HTTPResponse, request, static_file

from lsdesk.asset_loading import AssetVersion, ModuleGraph
from lsdesk.errors import LsdeskError
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

# The app's own module, before which the page's modulepreload links go.
_APP_SCRIPT = '<script type="module" src="/assets/app.js"></script>'
MODULES = ModuleGraph(ASSETS)
VERSION = AssetVersion(ASSETS)
FOREVER = "public, max-age=31536000, immutable"


def app_page(window, workspace, **_params):
    """The app's one page, whatever its route (the page reads `task_id` from the URL itself): its files
    under this version's URLs, and the modules and API answers its route will ask for named up front."""
    page = (ASSETS / "index.html").read_text("utf-8")
    links = "".join(f'<link rel="modulepreload" href="/assets/{html.escape(path)}">\n  '
                    for path in MODULES.closure(_entry_modules(request.path, workspace)))
    links += "".join(f'<link rel="preload" href="{html.escape(url)}" as="fetch" crossorigin>\n  '
                     for url in _entry_requests(request.path, request.query_string))
    page = page.replace(_APP_SCRIPT, links + _APP_SCRIPT).replace('"/assets/', f'"/v/{VERSION.current()}/assets/')
    answer = HTTPResponse(page)
    answer.set_header("Content-Type", "text/html; charset=UTF-8")
    answer.set_header("Content-Security-Policy", CONTENT_POLICY if window is None else WINDOW_CONTENT_POLICY)
    answer.set_header("Cache-Control", "no-cache")
    return answer


def versioned_asset(version, path):
    """A file of the frontend, for good when `version` is the current one; an older page's version gets
    today's file, to be asked for again."""
    answer = static_file(path, root=ASSETS)
    kept = version == VERSION.current() and answer.status_code in (200, 304)
    answer.set_header("Cache-Control", FOREVER if kept else "no-cache")
    return answer


def asset(path):
    """A file of the frontend at its unversioned URL (task data, tests, the desktop's own pages): asked
    for again each time, so that it is never older than the lsdesk serving it."""
    answer = static_file(path, root=ASSETS)
    answer.set_header("Cache-Control", "no-cache")
    return answer


def _entry_modules(path, workspace):
    """The modules the page at `path` imports as it opens: the app's, its page's (as assets/app.js routes it),
    and with the editor, on the Label page, the tag modules of the active project's config."""
    parts = path.strip("/").split("/")
    if parts[0] != "label":
        return ["app.js", f"pages/{parts[0]}.js"]
    if parts[-1] == "compare" or parts[1:] == ["review"]:
        return ["app.js", "pages/adjudicate.js", "editor/editor.js"]
    try:
        tags = MODULES.tag_modules(workspace.active().settings()["label_config"])
    except LsdeskError:
        tags = []  # the page says what is wrong with the project
    return ["app.js", "pages/label.js", "editor/editor.js", *tags]


def _entry_requests(path, query_string):
    """What the page at `path` asks the API for as it opens (the same URLs as its scripts ask, so that the
    browser hands them the answer it already has): the project, and on /label the sampler's next task."""
    return ["/api/project", *(["/api/project/next?if_none=null&draft=1"] if path == "/label" and not query_string else [])]
