"""Test tools for the desktop app: an Xvfb display, `lsdesk` in a window on it, the X11 calls a user's
window manager would make, and a minimal DevTools client to run JavaScript in the window's page."""

import base64
import ctypes
import ctypes.util
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

PAGE_SHOWN = "!!document.querySelector('#main .page h1') && !document.querySelector('#main .loading')"
XVFB_MISSING = "Xvfb is not installed (apt-get install xvfb xauth xdotool x11-utils; .ci/run does)"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, timeout, what, details=lambda: ""):
    """Poll `check` until it returns something truthy; fail saying `what` did not happen, and `details()`."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{details()}")
        time.sleep(0.1)


class Xvfb:
    """A virtual X display on a number Xvfb picks itself, so tests never collide with another display.

    -noreset: an X server resets when its last client leaves, and refuses connections meanwhile;
    the tests close one lsdesk and start the next at once.
    """

    def __init__(self):
        read_end, write_end = os.pipe()
        self.process = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1440x900x24", "-nolisten", "tcp", "-noreset"],
            pass_fds=[write_end], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_end)
        with os.fdopen(read_end) as announced:
            self.display = f":{announced.readline().strip()}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class DesktopApp:
    """`lsdesk ARGS` in a subprocess on `display`, with Chromium's DevTools on a free port.

    `command` runs another lsdesk (the self-contained app's executable); `base_env` replaces this
    process's environment as the one `env` is added to."""

    def __init__(self, display, log_dir, *args, env=None, command=(sys.executable, "-m", "lsdesk"), base_env=None):
        self.display = display
        self.devtools_port = free_port()
        log_dir.mkdir(parents=True, exist_ok=True)
        self._stdout = log_dir / f"lsdesk-{self.devtools_port}.out"
        self._stderr = log_dir / f"lsdesk-{self.devtools_port}.err"
        environment = {**(os.environ if base_env is None else base_env), **(env or {}), "DISPLAY": display,
                       "QTWEBENGINE_REMOTE_DEBUGGING": f"127.0.0.1:{self.devtools_port}"}
        with self._stdout.open("w") as out, self._stderr.open("w") as err:
            self.process = subprocess.Popen([*command, *args], stdout=out, stderr=err, env=environment)
        self.url = wait_for(self._announced_url, 60, "lsdesk to print its URL")

    def _announced_url(self):
        match = re.search(r"http://127\.0\.0\.1:\d+", self._stdout.read_text())
        if match:
            return match.group(0)
        if self.process.poll() is not None:
            raise AssertionError(f"lsdesk exited with {self.process.returncode}:\n{self.logs()}")
        return None

    def logs(self):
        return (f"windows: {sorted(windows(self.display))}\nlsdesk exit code: {self.process.poll()}\n"
                + self._stdout.read_text() + self._stderr.read_text())

    def api(self, method, path, body=None):
        request = urllib.request.Request(self.url + path, method=method,
                                         data=None if body is None else json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read() or "null")

    def js(self, expression):
        """The value of a JavaScript expression (awaited if a promise) in the window's page."""
        return evaluate_in_page(self.devtools_port, expression)

    def wait_for(self, check, timeout, what):
        """wait_for, with this app's output in the failure."""
        return wait_for(check, timeout, what, details=self.logs)

    def window(self, title, timeout=30):
        """(id, width, height) of the window titled `title`, once it shows."""
        return self.wait_for(lambda: windows(self.display).get(title), timeout, f"a window titled {title!r}")

    def wait_for_page(self):
        """Until the app has drawn its page: a heading, and no "Loading…" left."""
        self.wait_for(lambda: self.js(PAGE_SHOWN), 30, "the app's page to show")

    def wait_for_js_api(self):
        ready = "!!(window.pywebview && window.pywebview.api && window.pywebview.api.open_project)"
        self.wait_for(lambda: self.js(ready), 30, "window.pywebview.api in the page")

    def wait_exit(self, timeout=30):
        return self.process.wait(timeout=timeout)

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


# -- the display ---------------------------------------------------------------------------------


def windows(display):
    """{title: (id, width, height)} of the display's named top-level windows."""
    tree = subprocess.run(["xwininfo", "-root", "-children"], capture_output=True, encoding="utf-8",
                          env=_x_env(display), check=True).stdout
    found = {}
    for window_id, title, width, height in re.findall(r'(0x[0-9a-f]+) "(.*)": \(.*\)\s+(\d+)x(\d+)', tree):
        found[title] = (int(window_id, 16), int(width), int(height))
    return found


def xdotool(display, *args):
    return subprocess.run(["xdotool", *args], capture_output=True, encoding="utf-8",
                          env=_x_env(display), check=True).stdout.strip()


def _x_env(display):
    # X tools print window titles in the locale's charset; ours have an em dash.
    return {**os.environ, "DISPLAY": display, "LC_ALL": "C.UTF-8"}


def screenshot(display, window_id, path):
    """Save a window's pixels as PNG with Qt (which lsdesk brings), as a user's screenshot tool would."""
    script = ("import sys\nfrom PyQt6.QtGui import QGuiApplication\napp = QGuiApplication(sys.argv[:1])\n"
              "image = QGuiApplication.primaryScreen().grabWindow(int(sys.argv[1])).toImage()\n"
              "sys.exit(0 if image.save(sys.argv[2], 'PNG', 0) else 1)\n")
    subprocess.run([sys.executable, "-c", script, str(window_id), str(path)], check=True, timeout=60,
                   env={**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}, capture_output=True)


class _ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]


class _XEvent(ctypes.Union):
    _fields_ = [("xclient", _ClientMessage), ("pad", ctypes.c_long * 24)]


def close_window(display, window_id):
    """Ask a window to close as its close button does: the WM_DELETE_WINDOW message of ICCCM."""
    xlib = ctypes.cdll.LoadLibrary(ctypes.util.find_library("X11"))
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                                ctypes.POINTER(_XEvent)]
    xlib.XFlush.argtypes = xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    connection = xlib.XOpenDisplay(display.encode())
    event = _XEvent()
    event.xclient.type = 33  # ClientMessage
    event.xclient.window = window_id
    event.xclient.message_type = xlib.XInternAtom(connection, b"WM_PROTOCOLS", False)
    event.xclient.format = 32
    event.xclient.data[0] = xlib.XInternAtom(connection, b"WM_DELETE_WINDOW", False)
    xlib.XSendEvent(connection, window_id, False, 0, ctypes.byref(event))
    xlib.XFlush(connection)
    xlib.XCloseDisplay(connection)


def have_xvfb():
    return all(shutil.which(tool) for tool in ("Xvfb", "xdotool", "xwininfo"))


# -- DevTools --------------------------------------------------------------------------------------


def evaluate_in_page(port, expression, timeout=30):
    """Run JavaScript in the first page of the Chromium whose DevTools listen on `port` (Runtime.evaluate)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=5) as answer:
        target = next(t["webSocketDebuggerUrl"] for t in json.load(answer) if t["type"] == "page")
    parts = urlsplit(target)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        reader = sock.makefile("rb")
        while reader.readline() not in (b"\r\n", b""):
            pass
        _send_text(sock, json.dumps({"id": 1, "method": "Runtime.evaluate", "params": {
            "expression": expression, "awaitPromise": True, "returnByValue": True}}))
        while True:
            message = json.loads(_receive_text(reader))
            if message.get("id") == 1:
                if "exceptionDetails" in message["result"]:
                    raise AssertionError(f"{expression} threw {message['result']['exceptionDetails']}")
                return message["result"]["result"].get("value")


def _send_text(sock, text):
    """One masked text frame, as RFC 6455 asks of a client."""
    payload, mask = text.encode(), os.urandom(4)
    if len(payload) < 126:
        length = bytes([0x80 | len(payload)])
    elif len(payload) < 1 << 16:
        length = bytes([0x80 | 126]) + struct.pack(">H", len(payload))
    else:
        length = bytes([0x80 | 127]) + struct.pack(">Q", len(payload))
    sock.sendall(bytes([0x81]) + length + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))


def _receive_text(reader):
    message = b""
    while True:
        first, second = reader.read(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", reader.read(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", reader.read(8))[0]
        message += reader.read(length)
        if first & 0x80:
            return message
