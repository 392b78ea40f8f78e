"""`lsdesk import` and `lsdesk export` use the API's code paths on a project file."""

import json
import os
import pty
import subprocess
import sys


def lsdesk(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "lsdesk", *args], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


def test_import_then_export_json(tmp_path):
    data = tmp_path / "tasks.csv"
    data.write_text("text\nhello\nworld\n")
    workspace = str(tmp_path / "ws")
    imported = lsdesk("import", str(data), "--data-dir", workspace)
    assert imported.returncode == 0, imported.stderr
    assert "imported 2 tasks" in imported.stdout
    out = tmp_path / "out.json"
    exported = lsdesk("export", "--format", "json_min", "-o", str(out), "--data-dir", workspace)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(out.read_text()) == []  # an export holds the labeled tasks
    exported = lsdesk("export", "--format", "json_min", "--all-tasks", "-o", str(out), "--data-dir", workspace)
    assert exported.returncode == 0, exported.stderr
    assert [row["text"] for row in json.loads(out.read_text())] == ["hello", "world"]


def test_import_skips_or_asks_about_duplicates_like_the_api(tmp_path):
    data = tmp_path / "tasks.csv"
    data.write_text("text\nhello\nworld\nhello\n")
    workspace = str(tmp_path / "ws")
    assert lsdesk("import", str(data), "--data-dir", workspace).returncode == 0
    asked = lsdesk("import", str(data), "--duplicates", "ask", "--data-dir", workspace)
    assert asked.returncode == 1
    assert "nothing was imported: 3 of the 3 tasks to import have data equal to" in asked.stderr
    skipped = lsdesk("import", str(data), "--duplicates", "skip", "--data-dir", workspace)
    assert skipped.returncode == 0, skipped.stderr
    assert "imported 0 tasks" in skipped.stdout and "; skipped 3 duplicates" in skipped.stdout


def test_broken_file_imports_nothing_and_says_where(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.json"
    good.write_text("one\n")
    bad.write_text('[{"text": 1},\n{"x" 2}]')
    workspace = str(tmp_path / "ws")
    run = lsdesk("import", str(good), str(bad), "--data-dir", workspace)
    assert run.returncode == 1
    assert "bad.json: line 2, column 6" in run.stderr
    assert "Traceback" not in run.stderr
    out = tmp_path / "all.json"
    lsdesk("export", "--format", "JSON_MIN", "-o", str(out), "--data-dir", workspace)
    assert json.loads(out.read_text()) == []


def test_unknown_format_and_missing_file_are_one_line_errors(tmp_path):
    workspace = str(tmp_path / "ws")
    run = lsdesk("export", "--format", "XLS", "--data-dir", workspace)
    assert run.returncode == 1 and "Unknown export format 'XLS'" in run.stderr
    run = lsdesk("import", str(tmp_path / "nope.csv"), "--data-dir", workspace)
    assert run.returncode == 2 and "no such file" in run.stderr


def test_progress_bar_shows_on_a_terminal(tmp_path):
    data = tmp_path / "big.txt"
    data.write_text("".join(f"line {n}\n" for n in range(200_000)))
    main, child = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "lsdesk", "import", str(data), "--data-dir",
                                str(tmp_path / "ws")], stdin=child, stdout=child, stderr=child)
    os.close(child)
    output = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    assert process.wait(timeout=120) == 0
    assert b"importing [" in output and b"bytes" in output
    assert b"imported 200,000 tasks" in output
