"""A search over tasks the full-text index does not hold yet (read one by one in Python) answers exactly as the
index does: the words found, their case and accents folded, unicode, several words, the last as a prefix."""

import sqlite3
import tempfile
import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lsdesk.store import browse
from lsdesk.store.project import ProjectStore
from lsdesk.store.search_tail import _FOLDING, TOKENIZER, search_tail_match, tokens
from lsdesk.store.task_query import task_query

# Letters, digits and marks of several scripts, with what folds specially: accents (precomposed and
# combining), ß, İ/ı, titlecase ǅ, ligatures, fullwidth and Arabic-Indic digits, CJK, emoji, punctuation.
ALPHABET = ("abcxyzABCXYZ0189 _-'\".,;:!?*()\t\n"
            "éÉèàÂçÇñÑöÖüÜøØåÅß" "\u0301\u0308" "İıǅǆ" "ﬁﬂ" "１２٣" "αβΓΔσςΣ" "жЖёЁ" "日本語" "😀" "ǈ" "ẞ")
WORD = st.text(ALPHABET, min_size=1, max_size=8)
VALUE = st.one_of(st.lists(WORD, min_size=1, max_size=5).map(" ".join), st.integers(-10**6, 10**6), st.booleans(),
                  st.floats(allow_nan=False, allow_infinity=False), st.none())
DATA = st.dictionaries(st.sampled_from(["text", "title", "n"]), st.one_of(VALUE, st.lists(VALUE, max_size=3)),
                       min_size=1, max_size=3)


def _without_accents(text):
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# How a person may type a word they see: as it is, in capitals, without accents, case-folded.
TYPED = st.sampled_from([str, str.upper, str.swapcase, _without_accents, str.casefold])


def test_the_tokenizer_is_the_index_tokenizer():
    store = ProjectStore(Path(tempfile.mkdtemp()) / "p.lsdesk", create=True)
    with store._read() as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'tasks_fts'").fetchone()[0]
    store.close()
    assert f"tokenize='{TOKENIZER}'" in sql


def test_ascii_is_folded_as_the_index_folds_it():
    for code in range(1, 128):
        character = chr(code)
        assert _FOLDING[code] == (character.lower() if character.isalnum() else " "), character
        assert tokens(f"q{character}q") == [t for t in f"q{_FOLDING[code]}q".split(" ") if t]


def test_words_match_as_in_the_index():
    assert search_tail_match("The Quick brown fox", '["quick", "br"]')
    assert not search_tail_match("The Quick brown fox", '["quic", "brown"]')  # only the last word is a prefix
    assert search_tail_match("café au lait", '["CAFE"]') and search_tail_match("cafe\u0301", '["cafe"]')
    assert search_tail_match("ǅemal", '["ǆ"]') and not search_tail_match("straße", '["strasse"]')
    assert not search_tail_match(None, '["a"]') and not search_tail_match("a", "[]")


def _answers(store, words):
    """What a search gives: pages in both id orders, with a filter and another order, and its count."""
    later = {"items": [{"field": "id", "op": "between", "value": [4, None]}]}
    return (store.browse_ids(task_query(None, words), 1, 1000), store.browse_ids(task_query(None, words, "-id"), 1, 1000),
            store.browse_ids(task_query(later, words, "-created_at"), 1, 1000),
            store.browse_ids(task_query(later, words), 1, 1000), store.browse_ids(task_query(None, words), 2, 3),
            store.browse_count(task_query(None, words)), store.browse_count(task_query(later, words)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks=st.lists(DATA, min_size=1, max_size=12), indexed=st.integers(0, 12),
       searches=st.lists(st.one_of(WORD, st.lists(WORD, min_size=1, max_size=3).map(" ".join)), min_size=1, max_size=4),
       picks=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 40), st.integers(1, 6), TYPED), max_size=4))
def test_a_search_over_the_unindexed_tail_equals_the_indexed_answer(tasks, indexed, searches, picks):
    with tempfile.TemporaryDirectory() as folder:
        store = ProjectStore(Path(folder) / "p.lsdesk", create=True)
        try:
            store.import_tasks([{"data": data} for data in tasks])
            with store._write() as conn:
                browse.catch_up_search(conn, indexed)  # the first `indexed` tasks are in the index
            with store._read() as conn:
                texts = [row[0] or "" for row in conn.execute(f"SELECT {browse.SEARCH_TEXT.format(data='data')} "
                                                              "FROM tasks ORDER BY id")]
            # Words cut out of the tasks' own text, so that searches find something.
            cut = [typed(texts[i % len(texts)][start:start + size]) for i, start, size, typed in picks]
            words = [*searches, *(text for text in cut if text.strip())]
            hybrid = {text: _answers(store, text) for text in words}
            with store._write() as conn:
                browse.catch_up_search(conn)
            assert {text: _answers(store, text) for text in words} == hybrid
        finally:
            store.close()


def test_the_tail_of_an_old_sqlite_file_is_searched_by_a_plain_connection_too(tmp_path):
    """Bulk actions and exports read `where` on the writer: the function is there on every connection."""
    store = ProjectStore(tmp_path / "p.lsdesk", create=True)
    store.import_tasks([{"data": {"text": "zebra"}}, {"data": {"text": "horse"}}])
    with store._write() as conn:
        query = task_query(None, "zeb")
        assert [row[0] for row in conn.execute(f"SELECT id FROM tasks WHERE {query.where}", query.params)] == [1]
    store.close()
    with sqlite3.connect(tmp_path / "p.lsdesk") as conn:
        assert conn.execute("SELECT value FROM counters WHERE name = 'search_indexed'").fetchone()[0] == 0
