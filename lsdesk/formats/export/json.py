"""JSON: Label Studio's own format, a list of every labeled task with all of its completions."""

import json
from json import encoder as _json_encoder

# Tasks per output chunk.
BATCH = 2000


def _task_encoder(ensure_ascii):
    """A function from one object to its JSON text.

    The C encoder built once is the fastest stdlib path: json.dumps builds a new one on every call.
    """
    make = _json_encoder.c_make_encoder
    if make is None:
        return json.JSONEncoder(ensure_ascii=ensure_ascii, check_circular=False).encode
    escape = _json_encoder.c_encode_basestring_ascii if ensure_ascii else _json_encoder.c_encode_basestring
    encode = make(None, None, escape, None, ": ", ", ", False, False, True)
    return lambda value: "".join(encode(value, 0))


_encode = _task_encoder(ensure_ascii=False)
_encode_ascii = _task_encoder(ensure_ascii=True)


def files(tasks, config=None, media=None):
    yield "result.json", chunks(tasks)


def chunks(tasks):
    """`[`, one task per line for the tasks that have completions (cancelled ones too), then `]`."""
    yield b"["
    batch = []
    first = True
    for task in tasks:
        if not task.get("completions"):
            continue
        batch.append(exported(task))
        if len(batch) >= BATCH:
            yield (b"\n" if first else b",\n") + _encoded(batch)
            batch, first = [], False
    if batch:
        yield (b"\n" if first else b",\n") + _encoded(batch)
        first = False
    yield b"]" if first else b"\n]"


def files_of_texts(texts):
    yield "result.json", chunks_of_texts(texts)


def chunks_of_texts(texts):
    """The same file from tasks already serialised as JSON text (the store's fast path)."""
    yield b"["
    first = True
    for batch in _batched(texts, BATCH):
        yield (b"\n" if first else b",\n") + ",\n".join(batch).encode()
        first = False
    yield b"]" if first else b"\n]"


def _batched(items, size):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def exported(task):
    """The task as the export holds it: id, data, meta (when set), completions, predictions.

    What GET /api/tasks adds for the task list (completed_at, ...) is left out.
    """
    out = {"id": task.get("id"), "data": task.get("data")}
    if "meta" in task:
        out["meta"] = task["meta"]
    out["completions"] = task["completions"]
    if "predictions" in task:
        out["predictions"] = task["predictions"]
    return out


def _encoded(batch):
    try:
        return ",\n".join(map(_encode, batch)).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate from "\ud83d"-style input: escape it as JSON allows
        return ",\n".join(map(_encode_ascii, batch)).encode("utf-8")
