"""Where the files shipped inside the package are: the frontend (the repository's assets/, installed as
the package lsdesk.assets) and the app's icon. The API and the desktop window both read them from here."""

from importlib import resources
from pathlib import Path

# An editable install maps lsdesk.assets onto the checkout's assets/, a wheel holds it inside the
# package: either way it is a folder on disk, which Bottle's static_file needs.
ASSETS = Path(str(resources.files("lsdesk.assets")))
ICON = ASSETS / "lsdesk.svg"
