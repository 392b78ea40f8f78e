"""An import's batches: short rows for plain tasks, full rows for the others, written by a second thread, and
still all or nothing."""

import re

import pytest

import lsdesk.store.tasks as store_tasks
from lsdesk import settings as defaults
from lsdesk.store.project import ProjectStore

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}")
RESULT = [{"id": "r1", "from_name": "c", "to_name": "t", "type": "choices", "value": {"choices": ["A"]}}]


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setattr(defaults, "IMPORT_BATCH", 3)
    opened = ProjectStore(tmp_path / "p.lsdesk", create=True)
    yield opened
    opened.close()


def task(number, completions=0, predictions=0, meta=None):
    return {"data": {"text": f"task {number}"}, "meta": meta,
            "completions": [{"result": RESULT} for _ in range(completions)],
            "predictions": [{"result": RESULT, "score": 0.5} for _ in range(predictions)]}


def rows(store, sql):
    with store._read() as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.parametrize("kinds", ["pppppppp", "plpplppm", "lllppppp", "ppplmppp"])
def test_every_mix_of_plain_and_labeled_tasks_is_stored_whole(store, kinds):
    tasks = [task(n, completions=kind == "l", predictions=kind == "l", meta={"m": n} if kind == "m" else None)
             for n, kind in enumerate(kinds)]
    stored = store.import_tasks(iter(tasks))
    assert stored["task_count"] == len(kinds)
    found = rows(store, "SELECT id, uuid, data, meta, created_at = updated_at, completions, cancelled, score, "
                        "data_hash IS NOT NULL FROM tasks ORDER BY id")
    assert [row[0] for row in found] == list(range(1, len(kinds) + 1))
    for (_id, uuid, data, meta, same_times, completions, cancelled, score, hashed), kind, number in zip(
            found, kinds, range(len(kinds))):
        assert UUID.fullmatch(uuid) and data == f'{{"text":"task {number}"}}' and same_times and hashed
        assert meta == (f'{{"m":{number}}}' if kind == "m" else None)
        assert (completions, cancelled, score) == ((1, 0, 0.5) if kind == "l" else (0, 0, None))
    assert len({row[1] for row in found}) == len(found)


def test_completions_and_predictions_get_distinct_uuids(store):
    store.import_tasks(iter([task(n, completions=2, predictions=2) for n in range(5)]))
    store.import_tasks(iter([task(n, completions=2, predictions=2) for n in range(5, 10)]))
    uuids = [row[0] for row in rows(store, "SELECT uuid FROM completions UNION ALL SELECT uuid FROM predictions")]
    assert len(uuids) == 40 == len(set(uuids))
    assert all(UUID.fullmatch(uuid) for uuid in uuids)


def test_an_error_after_batches_were_handed_to_the_writer_stores_nothing(store):
    def items():
        for number in range(10):
            yield task(number, completions=number % 2)
        raise ValueError("item 10 is invalid")

    with pytest.raises(ValueError, match="item 10"):
        store.import_tasks(items())
    assert rows(store, "SELECT count(*) FROM tasks") == [(0,)]
    assert rows(store, "SELECT count(*) FROM completions") == [(0,)]
    assert store.import_tasks(iter([task(1)]))["task_count"] == 1


def test_a_batch_that_fails_to_write_fails_the_import_and_stores_nothing(store, monkeypatch):
    written = []

    def failing_second(conn, *batch):
        written.append(batch)
        if len(written) == 2:
            raise RuntimeError("disk full")
        real_write(conn, *batch)

    real_write = store_tasks._write_batch
    monkeypatch.setattr(store_tasks, "_write_batch", failing_second)
    with pytest.raises(RuntimeError, match="disk full"):
        store.import_tasks(iter([task(number) for number in range(10)]))
    assert rows(store, "SELECT count(*) FROM tasks") == [(0,)]
    monkeypatch.setattr(store_tasks, "_write_batch", real_write)
    assert store.import_tasks(iter([task(1)]))["task_count"] == 1
