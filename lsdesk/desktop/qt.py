"""Can a window open here, and the few Qt calls pywebview does not make for us: naming the app,
raising a window from another thread, and a one-line message instead of Qt's abort."""

import importlib
import os
import sys

# The exit code when no window can open here, so a script can fall back to `lsdesk serve`.
EXIT_NO_WINDOW = 3


def missing_backend():
    """Why no window can open here, as a phrase, or None when one can (as far as can be seen
    without starting the GUI; a failure inside Qt's start is caught by `exit_on_qt_fatal`)."""
    if not sys.platform.startswith("linux"):
        return None
    if not any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
        return "there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    try:
        # Loading the module loads the system libraries Qt WebEngine links to.
        importlib.import_module("PyQt6.QtWebEngineWidgets")
    except ImportError as error:
        return f"Qt WebEngine cannot load ({error}); the README lists the system libraries it needs"
    return None


def no_window_message(reason):
    return (f"lsdesk: cannot open a window: {reason}. Run `lsdesk serve` and open the URL it prints "
            "in a browser instead.")


def name_qt_app():
    """Name the app "lsdesk" however it was started (`python -m lsdesk` would be "__main__.py"),
    so desktops match its windows (the X11 WM_CLASS class, the Wayland app id) with lsdesk.desktop."""
    from PyQt6.QtGui import QGuiApplication

    QGuiApplication.setApplicationName("lsdesk")
    QGuiApplication.setDesktopFileName("lsdesk")


def raise_qt_window(widget):
    """Raise a Qt window from any thread: QWidget.raise is a slot, so the call is queued to the GUI thread."""
    from PyQt6.QtCore import QMetaObject, Qt

    QMetaObject.invokeMethod(widget, "raise", Qt.ConnectionType.QueuedConnection)


def exit_on_qt_fatal():
    """Qt aborts the process when its platform plugin cannot start (an unreachable display, a
    missing xcb library); say why in one line and exit instead. Qt's other messages are held
    until the window shows, so a failed start prints nothing else."""
    from PyQt6.QtCore import QtMsgType, qInstallMessageHandler

    held = []

    def handle(kind, _context, message):
        if kind == QtMsgType.QtFatalMsg:
            causes = [note for note in held if "could not connect" in note or "is needed" in note]
            print(no_window_message((causes or [message])[0].splitlines()[0].rstrip(".")),
                  file=sys.stderr, flush=True)
            os._exit(EXIT_NO_WINDOW)
        if held is not None:
            held.append(message)
        else:
            print(message, file=sys.stderr)

    qInstallMessageHandler(handle)

    def window_shown():
        nonlocal held
        for message in held:
            print(message, file=sys.stderr)
        held = None

    return window_shown
