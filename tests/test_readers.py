"""Import file readers: every kind, streaming JSON split at any chunk size, and errors that say where."""

import io
import json
import random
import resource
import time
import zipfile

import pytest

from lsdesk.formats.readers import ImportParseError, MediaFile, kind_of, read_file


def read(name, data, **options):
    return list(read_file(name, io.BytesIO(data), **options))


def parse_error(name, data, **options):
    with pytest.raises(ImportParseError) as caught:
        read(name, data, **options)
    return caught.value


def zip_of(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- kind_of ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, kind", [
    ("tasks.json", "json"), ("TASKS.JSON", "json"), ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"),
    ("a.csv", "csv"), ("a.Tsv", "tsv"), ("a.txt", "txt"), ("a.zip", "zip"),
    ("a.html", "html"), ("a.HTM", "html"), ("a.xml", "html"),
    ("cat photo.jpg", "media"), ("song.mp3", "media"), ("noextension", "media"), ("archive.rar", "media"),
    ("dir.json/x.png", "media"), ("C:\\data\\a.csv", "csv"),
])
def test_kind_of_goes_by_extension_in_any_case(name, kind):
    assert kind_of(name) == kind


# -- json ------------------------------------------------------------------------------------------------------------

TRICKY_ITEMS = [
    {"text": "brackets ] [ } { and commas , inside", "n": 1},
    {"text": 'escaped \\" quote and backslash \\\\ at the end \\', "nested": {"a": [1, {"b": [2, [3]]}]}},
    {"text": "unicode é ü 中文 😀 \u2028 and escapes \n\t\u0000"},
    "a bare string ]",
    12345.5e-3,
    None,
    True,
    [],
    {},
    {"deep": [[[[[[[[[[[[[[["fifteen levels"]]]]]]]]]]]]]]]},
]


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 7, 64, 1 << 18])
@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_json_list_is_split_the_same_at_any_chunk_size(chunk_size, indent, ascii_only):
    data = json.dumps(TRICKY_ITEMS, indent=indent, ensure_ascii=ascii_only).encode()
    assert read("t.json", data, chunk_size=chunk_size) == TRICKY_ITEMS


def test_json_list_items_are_yielded_one_at_a_time():
    stream = io.BytesIO(json.dumps([{"i": i} for i in range(100_000)]).encode())
    items = read_file("t.json", stream, chunk_size=1024)
    assert next(items) == {"i": 0}
    assert stream.tell() < 10_000


def test_json_single_object_is_one_item():
    task = {"data": {"text": "x"}, "meta": {"a": 1}}
    assert read("t.json", b" " + json.dumps(task).encode() + b" \n") == [task]


def test_json_file_holding_one_object_per_line_yields_each():
    assert read("t.json", b'{"a": 1}\n{"a": 2}\n\n{"a": 3}', chunk_size=3) == [{"a": 1}, {"a": 2}, {"a": 3}]


def test_json_empty_list_yields_nothing():
    assert read("t.json", b" [ ] ") == []


def test_json_with_bom_is_read_even_when_the_bom_is_split():
    assert read("t.json", b'\xef\xbb\xbf[{"a": "\xc3\xa9"}]', chunk_size=1) == [{"a": "é"}]


def test_json_null_is_an_error():
    error = parse_error("f.json", b"null")
    assert str(error) == "f.json: line 1, column 1: null is not allowed: expected a list of tasks or one task object"
    assert (error.filename, error.line, error.offset) == ("f.json", 1, 0)


def test_json_scalar_is_an_error():
    error = parse_error("g.json", b'\n  "text"')
    assert str(error) == ('g.json: line 2, column 3: a JSON str is not a task: '
                          'expected a list of tasks or one task object')


def test_json_empty_file_is_an_error():
    assert "the file is empty" in str(parse_error("e.json", b"  \n"))


def test_malformed_json_names_line_and_column():
    data = b'[\n  {"a": 1},\n  {"a": 2 "b": 3}\n]'
    error = parse_error("data.json", data)
    assert str(error) == "data.json: line 3, column 11: Expecting ',' delimiter"
    assert (error.line, error.column, error.offset) == (3, 11, data.index(b'"b"'))


@pytest.mark.parametrize("chunk_size", [1, 4, 1 << 18])
def test_malformed_json_position_is_the_same_at_any_chunk_size(chunk_size):
    data = ('[' + ',\n'.join(json.dumps({"t": "é" * i}) for i in range(50)) + ',\n{"t": tru}]').encode()
    error = parse_error("data.json", data, chunk_size=chunk_size)
    assert str(error) == "data.json: line 51, column 7: Expecting value"
    assert error.offset == data.index(b"tru}")


@pytest.mark.parametrize("data, message", [
    (b'[{"a": 1},]', "line 1, column 11: Expecting value"),
    (b'[{"a": 1} {"a": 2}]', "line 1, column 11: Expecting ',' delimiter"),
    (b'[{"a": 1}', "line 1, column 10: Expecting ',' delimiter"),
    (b'[{"a": "unterminated}]', "line 1, column 8: Unterminated string starting at"),
    (b'[{"a": 1]]', "line 1, column 9: Expecting ',' delimiter"),
    (b'[{"a": 1}] extra', "line 1, column 12: Extra data"),
    (b'{"a": 1} [2]', "line 1, column 10: Extra data"),
    (b"[1, 2,", "line 1, column 7: Expecting value"),
])
def test_malformed_json_reports_what_json_would(data, message):
    assert str(parse_error("x.json", data, chunk_size=2)) == f"x.json: {message}"


def test_json_that_is_not_utf8_names_the_byte():
    error = parse_error("x.json", b'[{"a": "\xff"}]', chunk_size=3)
    assert error.offset == 8
    assert "not UTF-8" in str(error)


def test_json_agrees_with_json_module_on_random_documents_and_corruptions():
    rnd = random.Random(7)

    def value(depth=0):
        roll = rnd.random()
        if depth > 3 or roll < 0.3:
            return rnd.choice([1, -2.5, 'q"', "[{,}]", "\\", "é😀\n", True, None, ""])
        if roll < 0.6:
            return [value(depth + 1) for _ in range(rnd.randint(0, 3))]
        return {f"k{i}]": value(depth + 1) for i in range(rnd.randint(0, 3))}

    for _ in range(2000):
        text = json.dumps([value() for _ in range(rnd.randint(0, 4))], indent=rnd.choice([None, 1]))
        if rnd.random() < 0.6:
            at = rnd.randrange(len(text) + 1)
            text = text[:at] + rnd.choice(['', '[', ']', '{', '}', ',', '"', '\\', 'x']) + text[at + 1:]
        try:
            expected = json.loads(text)
        except json.JSONDecodeError as error:
            got = parse_error("r.json", text.encode(), chunk_size=rnd.choice([1, 3, 16]))
            assert (got.line, got.column, got.reason) == (error.lineno, error.colno, error.msg), text
        else:
            if not isinstance(expected, list):
                continue
            try:
                json.dumps(expected, ensure_ascii=False).encode()
            except UnicodeEncodeError:  # the corruption split a surrogate pair: json reads it, an import refuses it
                assert "surrogate pair" in parse_error("r.json", text.encode(), chunk_size=rnd.choice([1, 3, 16])).reason
            else:
                assert read("r.json", text.encode(), chunk_size=rnd.choice([1, 3, 16])) == expected, text


def test_long_lists_of_objects_agree_with_json_module_whole_or_corrupted():
    """Runs of objects decoded at once, objects holding lists of objects (a `}, {` inside an element), and one
    corruption anywhere: the items or the error are json's, at window sizes that cut runs and that hold them."""
    rnd = random.Random(11)

    def element():
        if rnd.random() < 0.3:
            return {"text": rnd.choice(["a }, {", "b", '"}, {"'])}
        return {"data": {"text": "t"}, "completions": [
            {"result": [{"id": str(i), "value": {"choices": ["A"]}} for i in range(rnd.randint(0, 3))]}
            for _ in range(rnd.randint(0, 2))]}

    for _ in range(300):
        text = json.dumps([element() for _ in range(rnd.randint(1, 40))], indent=rnd.choice([None, 1]))
        if rnd.random() < 0.5:
            at = rnd.randrange(len(text) + 1)
            text = text[:at] + rnd.choice(['[', ']', '{', '}', ',', '"', 'x']) + text[at + 1:]
        chunk_size = rnd.choice([64, 700, 1 << 18])
        try:
            expected = json.loads(text)
        except json.JSONDecodeError as error:
            got = parse_error("r.json", text.encode(), chunk_size=chunk_size)
            assert (got.line, got.column, got.reason) == (error.lineno, error.colno, error.msg), text
        else:
            if isinstance(expected, list):
                assert read("r.json", text.encode(), chunk_size=chunk_size) == expected, text


# -- jsonl -----------------------------------------------------------------------------------------------------------


def test_jsonl_yields_one_item_per_non_blank_line():
    data = b'\xef\xbb\xbf{"a": 1}\r\n\n  \n{"a": [2]}\n"x"'
    assert read("t.jsonl", data) == [{"a": 1}, {"a": [2]}, "x"]


def test_jsonl_error_names_the_line():
    assert str(parse_error("t.jsonl", b'{"a": 1}\n\n{"a" 2}\n')) == "t.jsonl: line 3, column 6: Expecting ':' delimiter"


# -- csv / tsv -------------------------------------------------------------------------------------------------------


def test_csv_rows_become_dicts_keyed_by_header():
    assert read("d.csv", b"text,label\nhello,pos\nbye,neg\n") == [
        {"text": "hello", "label": "pos"}, {"text": "bye", "label": "neg"}]


def test_csv_with_bom_keeps_first_column_name():
    assert read("d.csv", b"\xef\xbb\xbftext,n\nhi,1\n") == [{"text": "hi", "n": 1}]


def test_csv_quoted_cells_keep_newlines_commas_and_quotes():
    data = b'text,other\r\n"line one\r\nline two, still ""quoted""",x\r\n'
    assert read("d.csv", data) == [{"text": 'line one\r\nline two, still "quoted"', "other": "x"}]


def test_csv_numbers_stay_numbers_and_other_cells_stay_text():
    data = b"i,f,e,text,zip,neg,nan,empty\n3,2.5,1e3,abc,007,-4,nan,\n"
    assert read("d.csv", data) == [
        {"i": 3, "f": 2.5, "e": 1000.0, "text": "abc", "zip": "007", "neg": -4, "nan": "nan", "empty": ""}]


def test_csv_mixed_column_is_converted_cell_by_cell():
    assert read("d.csv", b"v\n1\nx\n\n2.0\n") == [{"v": 1}, {"v": "x"}, {"v": 2.0}]


def test_csv_blank_lines_are_skipped():
    assert read("d.csv", b"a,b,c\n\n1,2,3\n\n,,\n") == [{"a": 1, "b": 2, "c": 3}, {"a": "", "b": "", "c": ""}]


def test_csv_short_row_is_reported_like_a_long_one():
    error = parse_error("data.csv", b"a,b,c\n1,2,3\n1\n")
    assert str(error) == "data.csv: line 3: 1 cells but the header has 3"
    assert error.line == 3


def test_csv_short_and_long_rows_are_all_reported_with_their_lines():
    data = b"a,b,c\n1,2,3\n1,2\n1,2,3\n1,2,3,4\n"
    error = parse_error("data.csv", data)
    assert str(error) == "data.csv: line 3: 2 cells but the header has 3; line 5: 4 cells but the header has 3"
    assert error.line == 3


def test_csv_reports_at_most_twenty_misfit_rows():
    reason = str(parse_error("data.csv", b"a,b\n" + b"1\n" * 50))
    assert reason.count("cells but the header has 2") == 20 and reason.endswith("; and more")


@pytest.mark.parametrize("separator", [b";", b"|", b"\t"])
def test_csv_separator_is_sniffed(separator):
    data = b"text" + separator + b"n\nhello, world" + separator + b"5\n" + b"bye" + separator + b"6\n"
    assert read("d.csv", data) == [{"text": "hello, world", "n": 5}, {"text": "bye", "n": 6}]


def test_sniffing_prefers_the_separator_every_row_repeats():
    # the header splits into two on ";" and on ","; only ";" splits the data rows the same way
    data = b"a;b,c\n1;2\n3;4\n"
    assert read("d.csv", data) == [{"a": 1, "b,c": 2}, {"a": 3, "b,c": 4}]


def test_one_column_csv_keeps_commas_semicolons_and_pipes_in_its_cells():
    data = b'text\n"hello, world"\nsee; also | this\n'
    assert read("d.csv", data) == [{"text": "hello, world"}, {"text": "see; also | this"}]


def test_sniffing_reads_only_the_head_and_the_rest_still_parses():
    rows = b"".join(b"row %d;%d\n" % (i, i) for i in range(5000))
    result = read("d.csv", b"text;n\n" + rows)
    assert len(result) == 5000 and result[-1] == {"text": "row 4999", "n": 4999}


def test_tsv_with_semicolons_is_sniffed_too():
    assert read("d.tsv", b"a;b\n1;2\n") == [{"a": 1, "b": 2}]


def test_csv_row_with_more_cells_than_header_is_an_error():
    data = b"a,b,c\n" + b"1,2,3\n" * 5 + b"1,2,3,4\n"
    error = parse_error("data.csv", data)
    assert str(error) == "data.csv: line 7: 4 cells but the header has 3"
    assert error.line == 7


def test_csv_error_line_counts_quoted_newlines():
    data = b'a\n"x\ny"\n1,2\n'
    assert str(parse_error("data.csv", data)) == "data.csv: line 4: 2 cells but the header has 1"


def test_csv_empty_and_repeated_header_names_are_made_unique():
    assert read("d.csv", b"a,,a,a\n1,2,3,4\n") == [{"a": 1, "Unnamed: 1": 2, "a.1": 3, "a.2": 4}]


def test_csv_header_only_yields_nothing():
    assert read("d.csv", b"text,label\n") == []
    assert read("d.csv", b"") == []


def test_csv_cells_longer_than_the_csv_module_default_limit_are_read():
    long = "x" * 300_000
    assert read("d.csv", f"text\n{long}\n".encode()) == [{"text": long}]


def test_csv_leaves_the_callers_stream_open():
    stream = io.BytesIO(b"a\n1\n")
    assert list(read_file("d.csv", stream)) == [{"a": 1}]
    assert not stream.closed


def test_tsv_splits_on_tabs_only():
    assert read("d.tsv", b"text\tn\nhello, world\t5\n") == [{"text": "hello, world", "n": 5}]


# -- txt, html, media ------------------------------------------------------------------------------------------------


def test_txt_yields_each_non_blank_line_under_undefined_key():
    data = b"\xef\xbb\xbffirst line\r\n\n   \n  second  \nlast"
    assert read("t.txt", data) == [
        {"$undefined$": "first line"}, {"$undefined$": "  second  "}, {"$undefined$": "last"}]


def test_txt_that_is_not_utf8_names_the_line():
    assert str(parse_error("t.txt", b"ok\nbad \xff\n")) == "t.txt: line 2: not UTF-8 text (invalid start byte)"


@pytest.mark.parametrize("name", ["page.html", "page.HTM", "doc.xml"])
def test_markup_file_is_one_item_with_its_text(name):
    assert read(name, b"\n<html><body><p>Hi</p></body></html>\n") == [
        {"$undefined$": "<html><body><p>Hi</p></body></html>"}]


def test_media_file_is_one_media_item_named_by_its_own_name():
    assert read("uploads/cat photo.JPG", b"\xff\xd8\xff") == [MediaFile("cat photo.JPG", b"\xff\xd8\xff")]


# -- zip -------------------------------------------------------------------------------------------------------------


def test_zip_members_are_read_by_their_own_kind():
    data = zip_of({
        "tasks.json": b'[{"text": "a"}]',
        "more/rows.csv": b"text\nb\n",
        "lines.txt": b"c\n",
        "folder/": b"",
        "img.png": b"\x89PNG",
        "__MACOSX/._img.png": b"junk",
        ".DS_Store": b"junk",
    })
    assert read("arch.zip", data) == [
        {"text": "a"}, {"text": "b"}, {"$undefined$": "c"}, MediaFile("img.png", b"\x89PNG")]


def test_nested_zip_is_read_recursively():
    inner = zip_of({"in.jsonl": b'{"x": 1}\n', "deeper.zip": zip_of({"a.txt": b"deep\n"})})
    assert read("outer.zip", zip_of({"inner.zip": inner, "b.txt": b"top\n"})) == [
        {"x": 1}, {"$undefined$": "deep"}, {"$undefined$": "top"}]


def test_zip_member_error_names_archive_and_member():
    data = zip_of({"dir/bad.json": b'[{"a": 1,}]'})
    error = parse_error("arch.zip", data)
    assert error.filename == "arch.zip/dir/bad.json"
    assert str(error) == "arch.zip/dir/bad.json: line 1, column 10: Expecting property name enclosed in double quotes"


def test_zip_read_from_a_stream_that_cannot_seek():
    class OneWay(io.RawIOBase):
        def __init__(self, data):
            self.inner = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            chunk = self.inner.read(len(buffer))
            buffer[:len(chunk)] = chunk
            return len(chunk)

    items = list(read_file("a.zip", OneWay(zip_of({"a.txt": b"x\n"}))))
    assert items == [{"$undefined$": "x"}]


def test_broken_zip_is_an_error():
    assert "not a readable zip archive" in str(parse_error("a.zip", b"PK\x03\x04 not really"))


# -- throughput (run with: pytest -m slow tests/test_readers.py -s) --------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["json", "csv"])
def test_million_items_stream_fast_with_flat_memory(tmp_path, kind):
    path = tmp_path / f"big.{kind}"
    count = 1_000_000
    with open(path, "w", newline="") as out:
        out.write("[" if kind == "json" else "text\n")
        for i in range(count):
            if kind == "json":
                out.write(f'{", " if i else ""}{{"text": "some sentence {i}"}}')
            else:
                out.write(f"some sentence {i}\n")
        out.write("]" if kind == "json" else "")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    with open(path, "rb") as stream:
        seen = sum(1 for _ in read_file(path.name, stream))
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(f"\n{kind}: {count / elapsed:,.0f} items/s, peak RSS grew {grown_mb:.1f} MB")
    assert seen == count
    assert grown_mb < 64
