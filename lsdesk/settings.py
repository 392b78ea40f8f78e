"""Defaults a user might change: where we listen, page sizes, sampling, limits."""

HOST = "127.0.0.1"
PORT = 8080

PROJECT_SUFFIX = ".lsdesk"
DEFAULT_PROJECT_TITLE = "My project"

PAGE_SIZE = 10
MAX_PAGE_SIZE = 100_000

SAMPLING_MODES = ("sequential", "uniform", "prediction-score-min", "prediction-score-max")
DEFAULT_SAMPLING = "sequential"

# Label Studio 0.8 reports at most 100 item errors; the 100th says "...".
MAX_IMPORT_ERRORS = 100
IMPORT_BATCH = 20_000
# Imports from a URL (0.8 allowed 200 MiB in all).
MAX_DOWNLOAD_BYTES = 200 << 20
DOWNLOAD_TIMEOUT = 30
# Larger imports report their new ids as a range only.
MAX_LISTED_TASK_IDS = 10_000

# How long a reader or a second process waits for the writer before giving up.
BUSY_TIMEOUT_MS = 30_000

LABEL_STUDIO_VERSION = "0.8.2"
