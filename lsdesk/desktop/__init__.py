"""The desktop app: the Bottle app in a native pywebview window, one window per project file.

`lsdesk` (or `lsdesk FILE`) serves the same app as `lsdesk serve` on a free loopback port and shows
it in a window (`launch`). A project file is held by at most one running lsdesk (`claim`): a second
`lsdesk FILE` asks the holder to bring its window to the front and exits. `qt` says whether a window
can open here, `window` is the window, `bridge` what its pages call, `install` the Linux desktop
entry and file type, `file_manager` the "show in file manager" action.

Nothing is imported here, so the API can use `file_manager` without loading the window.
"""
