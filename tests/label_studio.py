"""A real Label Studio 1.23.2 server for the tests: started from its own virtualenv (.ci/run installs it in
.ls-venv) on a free loopback port with a known token, stopped by its process id."""

import hashlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

VENV = Path(os.environ.get("LSDESK_LS_VENV") or Path(__file__).resolve().parent.parent / ".ls-venv")
ADMIN_EMAIL = "lead@example.com"
ADMIN_PASSWORD = "lead-password-1"
ADMIN_TOKEN = "0123456789abcdef0123456789abcdef01234567"
START_SECONDS = 600
# Label Studio sends its errors to Sentry unless told not to: nothing leaves this machine.
NO_ERROR_REPORTS = {"SENTRY_DSN": "", "FRONTEND_SENTRY_DSN": ""}


def executable():
    return VENV / "bin" / "label-studio"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LabelStudioServer:
    """One Label Studio server on a data folder of its own."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = ADMIN_TOKEN
        self.process = None
        self.log_path = self.data_dir / "label-studio.log"

    @classmethod
    def running(cls, url, data_dir):
        """One started by hand with the same admin and token (LSDESK_TEST_LS_URL, LSDESK_TEST_LS_DIR)."""
        server = cls(data_dir)
        server.url = url.rstrip("/")
        return server

    def start(self):
        env = {key: value for key, value in os.environ.items() if key not in ("USERNAME", "PASSWORD", "HOST", "PORT")}
        env.update(LABEL_STUDIO_BASE_DATA_DIR=str(self.data_dir), LABEL_STUDIO_USERNAME=ADMIN_EMAIL,
                   LABEL_STUDIO_PASSWORD=ADMIN_PASSWORD, LABEL_STUDIO_USER_TOKEN=ADMIN_TOKEN,
                   LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true", LATEST_VERSION_CHECK="false",
                   COLLECT_ANALYTICS="false", LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="false", **NO_ERROR_REPORTS)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [str(executable()), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(self.port)],
            cwd=self.data_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Label Studio exited with {self.process.returncode}: {self.log_tail()}")
            try:
                self.call("GET", "/api/current-user/whoami")
                return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Label Studio did not answer within {START_SECONDS} s: {self.log_tail()}")

    def log_tail(self):
        return self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        # Its own session: the signal reaches the workers it started, and nothing else.
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def call(self, method, path, body=None, token=None, raw=False):
        """A JSON call as the admin (or the user of `token`); returns the decoded answer."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method, headers={
            "Authorization": f"Token {token or self.token}", **({"Content-Type": "application/json"} if data else {})})
        with urllib.request.urlopen(request, timeout=60) as response:
            content = response.read()
        if raw:
            return content
        return json.loads(content) if content else None

    def add_user(self, email, password="member-password-1"):
        """A second member of the organisation with a legacy token of its own (`label-studio init` on the same
        data folder adds a user to the organisation); returns (user id, token)."""
        token = hashlib.sha1(email.encode()).hexdigest()
        env = {key: value for key, value in os.environ.items() if key not in ("USERNAME", "PASSWORD", "HOST", "PORT")}
        env.update(LABEL_STUDIO_BASE_DATA_DIR=str(self.data_dir), LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
                   **NO_ERROR_REPORTS)
        out = subprocess.run([str(executable()), "init", "--username", email, "--password", password,
                              "--user-token", token, "--quiet"],
                             cwd=self.data_dir, env=env, capture_output=True, text=True, timeout=300)
        if out.returncode:
            raise RuntimeError(out.stdout + out.stderr)
        return self.call("GET", "/api/current-user/whoami", token=token)["id"], token
