"""What every part of the store shares: timestamps, the compact JSON stored in the file and a task's
content hash of it, the project counters, and how a prediction row is written."""

import hashlib
import json
import time
import uuid
import zlib
from json.encoder import c_make_encoder, encode_basestring


def _compact_encoder():
    """json.dumps with ensure_ascii=False and no spaces. JSONEncoder.encode makes a new C encoder on every call,
    which costs twice what encoding a small task does; this one is made once."""
    python = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
    if c_make_encoder is None:
        return python.encode
    encode = c_make_encoder(None, python.default, encode_basestring, None, ":", ",", False, False, True)
    return lambda value: "".join(encode(value, 0))


compact_json = _compact_encoder()


def completion_state(body, was_cancelled):
    """A short hash of a completion's saved state (its body text and whether it was cancelled): each edit
    keeps the one it replaces, so a merge can tell whether one copy's completion is an earlier state of
    the other's."""
    return hashlib.sha256(f"{int(was_cancelled)}:{body}".encode("utf-8", "surrogatepass")).hexdigest()[:16]


def data_hash_of(data_text):
    """A task's content hash: the CRC-32 of its stored data text. Equal hashes are only a hint (a duplicate
    is a task whose data text is equal too), so a cheap checksum will do: an import computes one per task."""
    return zlib.crc32(data_text.encode("utf-8", "surrogatepass"))


def now():
    return int(time.time())


def bump(conn, **deltas):
    """Add to the named rows of the counters table (inside a write)."""
    conn.executemany("UPDATE counters SET value = value + ? WHERE name = ?",
                     [(delta, name) for name, delta in deltas.items() if delta])


def batches(items, size=500):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def prediction_row(task_id, prediction, stamp):
    """(uuid, task_id, body, score, model_version, created_by, created_at) of a prediction to insert, with a
    new random uuid."""
    task_id, body, *rest = prediction_fields(task_id, prediction, stamp)
    return (str(uuid.uuid4()), task_id, compact_json(body), *rest)


def prediction_fields(task_id, prediction, stamp):
    """[task_id, body, score, model_version, created_by, created_at] of a prediction, its body not yet encoded."""
    score = prediction.get("score")
    if not isinstance(score, (int, float)) or isinstance(score, bool):
        score = None
    body = {k: v for k, v in prediction.items() if k not in ("id", "created_at")}
    return [task_id, body, score, _text_or_none(prediction.get("model_version")),
            _text_or_none(prediction.get("created_by")), stamp]


def insert_prediction_rows(conn, rows):
    conn.executemany(
        "INSERT INTO predictions (uuid, task_id, body, score, model_version, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def mean_score(scores):
    """A task's score for prediction-score sampling: the mean of its predictions' scores."""
    scores = [score for score in scores if score is not None]
    return sum(scores) / len(scores) if scores else None


def _text_or_none(value):
    return None if value is None else str(value)
