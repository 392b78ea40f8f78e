"""An import's batches: JSON arrays or short rows for plain tasks, full rows for the others, written by a second
thread, and still all or nothing."""

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lsdesk.store.task_import as store_tasks
from lsdesk import settings as defaults
from lsdesk.store.common import compact_json, data_hash_of
from lsdesk.store.project import ProjectStore
from lsdesk.store.schema import DATA_HASH_INDEX

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


@pytest.mark.parametrize("array_run", [1, 1000], ids=["json-arrays", "row-by-row"])
@pytest.mark.parametrize("hashing", [False, True], ids=["no-hashes", "hashes-kept"])
@pytest.mark.parametrize("kinds", ["pppppppp", "plpplppm", "lllppppp", "ppplmppp"])
def test_every_mix_of_plain_and_labeled_tasks_is_stored_whole(store, monkeypatch, kinds, hashing, array_run):
    monkeypatch.setattr(store_tasks, "_MIN_ARRAY_RUN", array_run)
    if hashing:
        with store._write() as conn:
            conn.execute(DATA_HASH_INDEX)
    tasks = [task(n, completions=kind == "l", predictions=kind == "l", meta={"m": n} if kind == "m" else None)
             for n, kind in enumerate(kinds)]
    stored = store.import_tasks(iter(tasks))
    assert stored["task_count"] == len(kinds)
    found = rows(store, "SELECT id, uuid, data, meta, created_at = updated_at, completions, cancelled, score, "
                        "data_hash FROM tasks ORDER BY id")
    assert [row[0] for row in found] == list(range(1, len(kinds) + 1))
    for (_id, uuid, data, meta, same_times, completions, cancelled, score, data_hash), kind, number in zip(
            found, kinds, range(len(kinds))):
        assert UUID.fullmatch(uuid) and data == f'{{"text":"task {number}"}}' and same_times
        assert data_hash == (data_hash_of(data) if hashing else None)
        assert meta == (f'{{"m":{number}}}' if kind == "m" else None)
        assert (completions, cancelled, score) == ((1, 0, 0.5) if kind == "l" else (0, 0, None))
    assert len({row[1] for row in found}) == len(found)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(st.characters(blacklist_categories=["Cs"])),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(datas=st.lists(st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=5), min_size=1, max_size=6))
def test_a_json_array_of_plain_tasks_stores_each_one_as_compact_json_would(store, monkeypatch, datas):
    monkeypatch.setattr(store_tasks, "_MIN_ARRAY_RUN", 1)
    stored = store.import_tasks(iter([{"data": data, "meta": None, "completions": [], "predictions": []}
                                      for data in datas]))
    texts = rows(store, f"SELECT data FROM tasks WHERE id >= {stored['first_id']} ORDER BY id")
    assert [text for (text,) in texts] == [compact_json(data) for data in datas]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(JSON_VALUES, min_size=1, max_size=5),
       scores=st.lists(st.floats(allow_nan=False, allow_infinity=False) | st.integers(-2**53, 2**53),
                       min_size=1, max_size=5))
def test_labeled_rows_store_their_bodies_meta_and_scores_exactly(store, values, scores):
    tasks = [{"data": {"v": value}, "meta": {"m": value},
              "completions": [{"result": [], "extra": value, "lead_time": score}],
              "predictions": [{"result": [], "score": score, "model_version": "v1"}]}
             for value, score in zip(values, scores)]
    stored = store.import_tasks(iter(tasks))
    first = stored["first_id"]
    assert rows(store, f"SELECT data, meta, score FROM tasks WHERE id >= {first} ORDER BY id") == [
        (compact_json(task["data"]), compact_json(task["meta"]), task["predictions"][0]["score"]) for task in tasks]
    assert rows(store, f"SELECT body FROM completions WHERE task_id >= {first} ORDER BY id") == [
        (compact_json(task["completions"][0]),) for task in tasks]
    assert rows(store, f"SELECT body, score, model_version FROM predictions WHERE task_id >= {first} ORDER BY id") == [
        (compact_json(task["predictions"][0]), task["predictions"][0]["score"], "v1") for task in tasks]


@pytest.mark.parametrize("kind", ["plain tasks", "tasks", "completions"])
def test_rows_whose_json_array_sqlite_refuses_go_in_one_by_one(store, kind):
    data = [{"text": "a"}, {"text": "b"}]
    sql = {"plain tasks": store_tasks._PLAIN_TASKS, "tasks": store_tasks._TASKS,
           "completions": store_tasks._ROWS["completions"]}[kind]
    rows_of = {"plain tasks": data, "tasks": [[1, data[0], None, 0, 0, None, None, None],
                                               [2, data[1], {"m": 1}, 0, 0, None, 0.25, None]],
               "completions": [[1, {"result": []}, 0, 5, 6], [1, {"result": [1]}, 1, 7, 8]]}[kind]
    array = store_tasks._Array(store_tasks._filled(sql, prefix="00000000-0000-4000-a000-", stamp=1), 1, rows_of)
    array.text = "[" * 5000 + "]" * 5000  # deeper than SQLite's JSON parser goes
    with store._write() as conn:
        if kind == "completions":
            plain = store_tasks._filled(store_tasks._PLAIN_TASKS, prefix="00000000-0000-4000-a001-", stamp=1)
            store_tasks._Array(plain, 1, data).write(conn)
        array.write(conn)
    if kind == "completions":
        assert rows(store, "SELECT uuid, task_id, body, was_cancelled, created_at, updated_at FROM completions") == [
            ("00000000-0000-4000-a000-000000000001", 1, '{"result":[]}', 0, 5, 6),
            ("00000000-0000-4000-a000-000000000002", 1, '{"result":[1]}', 1, 7, 8)]
    else:
        assert rows(store, "SELECT id, data, meta, score FROM tasks") == [
            (1, '{"text":"a"}', None, None), (2, '{"text":"b"}', '{"m":1}' if kind == "tasks" else None,
                                               0.25 if kind == "tasks" else None)]


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


def test_a_duplicates_check_finds_tasks_imported_without_hashes(store, monkeypatch):
    monkeypatch.setattr(store_tasks, "_MIN_ARRAY_RUN", 2)
    store.import_tasks(iter([task(number) for number in range(6)]))
    assert rows(store, "SELECT count(*) FROM tasks WHERE data_hash IS NULL") == [(6,)]
    stored = store.import_tasks(iter([task(2), task(7), task(5)]), duplicates="skip")
    assert (stored["task_count"], stored["skipped_duplicates"]) == (1, 2)
    assert rows(store, "SELECT count(*) FROM tasks WHERE data_hash IS NULL") == [(0,)]
    store.import_tasks(iter([task(8), task(9)]))
    assert rows(store, "SELECT count(*) FROM tasks WHERE data_hash IS NULL") == [(0,)]
