"""What every part of the store shares: timestamps and the compact JSON stored in the file."""

import json
import time

compact_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode


def now():
    return int(time.time())
