"""Imports go downward only: the entry points (CLI, window) and the layers below never import a handler."""

import ast
from pathlib import Path

import lsdesk

PACKAGE = Path(lsdesk.__file__).parent


def imported_modules(path):
    """Every module `path` imports, absolute (lsdesk.x.y) as written."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def importers_of(prefixes, paths):
    return sorted(f"{path.relative_to(PACKAGE)} imports {module}" for path in paths
                  for module in imported_modules(path) if module.startswith(prefixes))


def test_cli_and_window_never_import_a_handler():
    entry_points = [PACKAGE / "cli.py", PACKAGE / "__main__.py", *(PACKAGE / "desktop").rglob("*.py")]
    assert importers_of(("lsdesk.api", "lsdesk.routes"), entry_points) == []


def test_layers_below_the_handlers_know_nothing_of_http():
    above = {PACKAGE / "app.py", PACKAGE / "routes.py", PACKAGE / "server.py", PACKAGE / "cli.py",
             PACKAGE / "__main__.py"}
    below = [path for path in PACKAGE.rglob("*.py")
             if path not in above and not path.is_relative_to(PACKAGE / "api")
             and not path.is_relative_to(PACKAGE / "desktop")]
    assert importers_of(("lsdesk.api", "lsdesk.app", "lsdesk.routes", "bottle"), below) == []
