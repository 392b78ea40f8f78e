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
IMPORT_BATCH = 5_000
# Imports from a URL (0.8 allowed 200 MiB in all).
MAX_DOWNLOAD_BYTES = 200 << 20
DOWNLOAD_TIMEOUT = 30
# Larger imports report their new ids as a range only.
MAX_LISTED_TASK_IDS = 10_000

# Files of a folder compared with what the project recorded when the folder is located elsewhere.
LOCATE_SAMPLE = 20

# Request bodies other than imports (a completion, a config, settings) are read whole; larger ones get a 413.
MAX_JSON_BODY_BYTES = 64 << 20

# How long a reader or a second process waits for the writer before giving up.
BUSY_TIMEOUT_MS = 30_000

LABEL_STUDIO_VERSION = "0.8.2"

# ML backends: how long lsdesk waits for a model server, in seconds. Checks (/health,
# /is_training) and the live prediction for the next task are short so the app never waits
# long on a slow server; /setup may load a model and /train may run the whole training.
ML_CHECK_TIMEOUT = 2
ML_LIVE_PREDICT_TIMEOUT = 1.5
ML_PREDICT_TIMEOUT = 60
ML_TRAIN_TIMEOUT = 3600
# Transient failures (refused or reset connections, 502/503/504) are retried this many
# times, after 0.2 s, 0.4 s, ...
ML_RETRIES = 2
ML_RETRY_DELAY = 0.2
# Tasks per /predict request in a prediction job, and per write of its predictions.
ML_PREDICT_BATCH = 16
ML_SAVE_BATCH = 500
# A request that starts a prediction or training job answers when the job ends or after this long.
ML_JOB_WAIT = 3
