"""CSV and TSV: one row per completion, columns from task data, the task id, the controls, who and when."""

import csv
import io
import json
import tempfile

from lsdesk.formats.export.items import items
from lsdesk.formats.export.json_min import prettify

# Columns every export has, whatever the data.
FIXED_COLUMNS = {"annotator", "annotation_id", "created_at", "updated_at", "lead_time"}
ROWS_PER_CHUNK = 1000
_SPILL_IN_MEMORY = 8 * 1024 * 1024


def csv_files(tasks, config, media=None):
    yield "result.csv", chunks(tasks, config, ",")


def tsv_files(tasks, config, media=None):
    yield "result.tsv", chunks(tasks, config, "\t")


def chunks(tasks, config, delimiter):
    """The header (every column any row has, sorted), then the rows, each value quoted unless a number.

    The columns are only known once every task is read, so rows wait in a temporary file meanwhile.
    """
    columns = set(FIXED_COLUMNS)
    with tempfile.SpooledTemporaryFile(max_size=_SPILL_IN_MEMORY, mode="w+b") as spill:
        for item in items(tasks, config):
            row = record(item)
            columns.update(row)
            spill.write(json.dumps(row, ensure_ascii=False).encode("utf-8", "backslashreplace") + b"\n")
        spill.seek(0)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=sorted(columns), quoting=csv.QUOTE_NONNUMERIC,
                                delimiter=delimiter)
        writer.writeheader()
        count = 0
        for line in spill:
            writer.writerow(json.loads(line))
            count += 1
            if count % ROWS_PER_CHUNK == 0:
                yield _drain(buffer)
        yield _drain(buffer)


def record(item):
    """One row: values that are not strings are written as compact JSON."""
    row = {}
    if item.task_id is not None:
        row["id"] = item.task_id
    for name, values in item.outputs.items():
        pretty = prettify(values)
        row[name] = pretty if isinstance(pretty, str) else compact_json(pretty)
    for name, value in item.data.items():
        row[name] = compact_json(value) if isinstance(value, (dict, list)) else value
    row.update(item.completion_fields())
    return row


def compact_json(value):
    """JSON as label-studio-converter writes it in a cell: no spaces, non-ASCII kept, "/" written as "\\/"."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/")


def _drain(buffer):
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8", "backslashreplace")
