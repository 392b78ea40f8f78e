"""The task browser's filter, search and order builder, called directly (no server, no file)."""

import sqlite3

import pytest

from lsdesk.store.task_query import (QueryInvalid, data_path, order_segments, search_expression, task_query,
                                     unindexed_match)


@pytest.mark.parametrize("text, expression", [
    ("quick brown", '"quick" "brown"*'),
    ('say "hi" NEAR(a b) -x *', '"say" "hi" "NEAR" "a" "b" "x"*'),
    ("café_au-lait", '"café" "au" "lait"*'),
    ("", None),
    ('*"-()', None),
])
def test_search_words_are_quoted_so_nothing_is_query_syntax(text, expression):
    assert search_expression(text) == expression


def test_search_expressions_are_valid_fts5_for_any_input():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(text, content='')")
    for text in ['"', "a AND", "OR b", "NOT", "x:y", "^start", "a+b", "1e5", "😀 smile", "ß", "\u0000a"]:
        expression = search_expression(text)
        if expression:
            conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expression,)).fetchall()


def test_data_paths_quote_any_key():
    assert data_path("text") == '$."text"'
    assert data_path('a.b "c"') == '$."a.b \\"c\\""'


def test_filter_becomes_one_condition_with_its_parameters_in_order():
    query = task_query({"conjunction": "or", "items": [
        {"field": "state", "op": "equal", "value": "skipped"},
        {"field": "data.source", "op": "contains", "value": "50%"},
        {"field": "id", "op": "between", "value": [3, None]},
    ]}, search="fox", order="-predictions_score")
    assert query.where == (
        "((tasks.cancelled > 0) OR (json_extract(tasks.data, ?) LIKE ? ESCAPE '\\') OR (tasks.id >= ?)) "
        "AND (tasks.id IN (SELECT rowid FROM tasks_fts WHERE tasks_fts MATCH ?) "
        f"OR ({unindexed_match(['fox'])[0]}))")
    assert query.params == ('$."source"', "%50\\%%", 3, '"fox"*', "fox", '["fox"]')
    assert query.segments == (("tasks.score IS NOT NULL", "tasks.score DESC, tasks.id DESC"),
                              ("tasks.score IS NULL", "tasks.id DESC"))
    assert query.match == '"fox"*' and query.filter_params == query.params[:-3]


def test_no_filter_is_every_task():
    assert task_query(None).where == "1" and not task_query(None).filtered
    assert task_query({"conjunction": "and", "items": []}).where == "1"


def test_agreement_below_one_reads_the_disagreement_index():
    query = task_query({"items": [{"field": "agreement", "op": "between", "value": [0.2, 0.8]}]})
    assert query.where == "(tasks.id IN (SELECT task_id FROM disagreements WHERE score >= ? AND score <= ?))"


def test_dates_run_to_the_end_of_the_day_and_datetimes_are_instants():
    day = task_query({"items": [{"field": "created_at", "op": "between", "value": ["2024-01-01", "2024-01-01"]}]})
    assert day.params == (1704067200, 1704153600) and "tasks.created_at < ?" in day.where
    instant = task_query({"items": [{"field": "created_at", "op": "less", "value": "2024-01-01T01:00:00+01:00"}]})
    assert instant.params == (1704067200.0,)


@pytest.mark.parametrize("order, segments", [
    ("id", (("1", "tasks.id"),)),
    ("-created_at", (("1", "tasks.created_at DESC, tasks.id DESC"),)),
    ("-completed_at", (("tasks.completions > 0", "tasks.completed_at DESC, tasks.id DESC"),
                       ("tasks.completions = 0", "tasks.id"))),
    ("total_annotations", (("tasks.completions = 0", "tasks.id"),
                           ("tasks.completions > 0", "tasks.completions, tasks.id"))),
    ("-data.n", (("1", "json_extract(tasks.data, ?) DESC, tasks.id DESC"),)),
])
def test_orders_are_runs_each_read_in_one_index_order(order, segments):
    assert order_segments(order)[0] == segments


@pytest.mark.parametrize("spec, says", [
    ({"items": [{"field": "state", "op": "equal"}]}, "filter item 0 (field 'state', op 'equal'): value must be one of"),
    ({"items": [{"field": "completions.", "op": "has", "value": "x"}]}, "filter item 0: unknown field 'completions.'"),
    ({"items": [{"field": "disagreement", "op": "equal", "value": "yes"}]}, "value must be true or false"),
    ({"items": [{"field": "id", "op": "in", "value": 3}]}, "a list of at most"),
    ({"items": [{"field": "data.x", "op": "equal", "value": [1]}]}, "value must be a string"),
    ({"items": [{"op": "equal"}]}, "filter item 0 must be an object"),
    ({"items": {}}, "items must be a list"),
    ({"items": [{"field": "id", "op": "equal", "value": 1}] * 51}, "at most 50"),
])
def test_bad_filters_say_what_and_where(spec, says):
    with pytest.raises(QueryInvalid) as raised:
        task_query(spec)
    assert says in str(raised.value)
