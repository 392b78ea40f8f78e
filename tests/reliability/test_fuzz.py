"""Generated requests against a real server: never an answer >= 500, and a refused request changes nothing.

Labeling configs (valid and broken XML), import payloads (JSON, JSON Lines, CSV, TSV, text, broken
encodings, huge fields, deep nesting), JSON bodies on every write route, and query strings on the
read routes. The profile "lsdesk-quick" runs in the default test run; "lsdesk-full" (the tests
marked slow) runs 2,500 examples of each of the four, 10,000 in all.
"""

import json
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.client import Server
from tests.conftest import TEXT_CONFIG, choice

_COMMON = dict(deadline=None, database=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large, HealthCheck.filter_too_much])
settings.register_profile("lsdesk-quick", max_examples=75, **_COMMON)
settings.register_profile("lsdesk-full", max_examples=2500, **_COMMON)
QUICK = settings.get_profile("lsdesk-quick")
FULL = settings.get_profile("lsdesk-full")


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    with Server(tmp_path_factory.mktemp("fuzz")) as running:
        yield running


@pytest.fixture
def client(fuzz_server, request):
    """A new project with a text config, two tasks and a completion: something for a bad request to break."""
    api = fuzz_server.client
    assert api.post("/api/project", json={"desc": request.node.name}).status == 201
    assert api.post("/api/project/config", json={"label_config": TEXT_CONFIG}).status == 201
    assert api.post("/api/project/import", json=[{"text": "one"}, {"text": "two"}]).status == 201
    task_id = api.get("/api/tasks").json[0]["id"]
    assert api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Positive")}).status == 201
    return api


def snapshot(api):
    return (api.get("/api/project").raw, api.get("/api/tasks?page_size=5&order=-id").raw,
            api.get("/api/tasks?page_size=5&order=-completed_at").raw)


def send_and_check(api, method, path, body=None, headers=None):
    """Send one generated request: no 5xx, and nothing changed unless it was accepted."""
    before = snapshot(api)
    answer = api.request(method, path, body=body, headers=headers)
    assert answer.status < 500, answer
    if answer.status >= 400:
        assert snapshot(api) == before, f"refused with {answer.status} but changed the project: {answer}"
    return answer


# -- strategies ---------------------------------------------------------------------------------------------------

_ODD_TEXT = st.sampled_from(["\ud800", "\udfff", "a\x00b", "\u202e", "😀", "<script>alert(1)</script>",
                             "javascript:alert(1)", "$text", "' OR 1=1 --", "..\\..", "%00", "\r\n"])
texts = st.text(max_size=30) | _ODD_TEXT
json_scalars = (st.none() | st.booleans() | st.integers(min_value=-(1 << 70), max_value=1 << 70)
                | st.floats(allow_nan=True, allow_infinity=True) | texts)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(texts, inner, max_size=4), max_leaves=12)

_TAGS = ["View", "Text", "HyperText", "Image", "Choices", "Choice", "Labels", "Label", "RectangleLabels",
         "TextArea", "Rating", "Header", "Relations", "Relation", "Audio", "Paragraphs", "Table", "Style",
         "Taxonomy", "Pairwise", "Ranker", "TimeSeries", "Channel", "Video", "Filter", "Bogus"]
_ATTRIBUTES = ["name", "toName", "value", "choice", "required", "maxUsages", "perRegion", "visibleWhen",
               "whenTagName", "valueType", "showInline", "zoom", "background", "hotkey", "alias", "style", "on"]
_ATTRIBUTE_VALUES = st.sampled_from(["text", "image", "label", "$text", "$image", "$missing", "true", "false",
                                     "1", "-1", "url", "", "a b", "${x}", "$"]) | texts


@st.composite
def xml_trees(draw, depth=0):
    tag = draw(st.sampled_from(_TAGS))
    attributes = draw(st.dictionaries(st.sampled_from(_ATTRIBUTES), _ATTRIBUTE_VALUES, max_size=4))
    rendered = "".join(f' {key}="{_xml_escape(value)}"' for key, value in attributes.items())
    children = draw(st.lists(xml_trees(depth + 1), max_size=0 if depth > 2 else 4))
    return f"<{tag}{rendered}>{''.join(children)}</{tag}>"


def _xml_escape(value):
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


@st.composite
def label_configs(draw):
    """Mostly XML trees of real tags (some valid), some of them cut or spliced with stray text."""
    xml = draw(st.sampled_from([TEXT_CONFIG]) | xml_trees().map(lambda tree: f"<View>{tree}</View>"))
    cut = draw(st.sampled_from(["keep", "keep", "truncate", "insert"]))
    if cut == "truncate":
        xml = xml[:draw(st.integers(0, len(xml)))]
    elif cut == "insert":
        at = draw(st.integers(0, len(xml)))
        xml = xml[:at] + draw(st.sampled_from(["<", ">", "&", "</View>", "<!DOCTYPE x [<!ENTITY e 'x'>]>", "\x00",
                                                "&e;", "<![CDATA[", '"'])) + xml[at:]
    return xml


def _items(draw):
    kind = draw(st.sampled_from(["flat", "task", "anything"]))
    if kind == "flat":
        return draw(st.lists(st.fixed_dictionaries({"text": json_scalars}, optional={"x": json_values}), max_size=5))
    if kind == "task":
        completion = st.fixed_dictionaries({"result": st.lists(json_values, max_size=2) | json_values},
                                           optional={"created_at": json_scalars, "was_cancelled": json_scalars})
        task = st.fixed_dictionaries({"data": st.fixed_dictionaries({"text": texts}) | json_values},
                                     optional={"completions": st.lists(completion, max_size=2) | json_values,
                                               "predictions": st.lists(completion, max_size=2),
                                               "meta": json_values})
        return draw(st.lists(task, max_size=4))
    return draw(json_values)


@st.composite
def import_payloads(draw):
    """(file name or None for a JSON body, bytes)."""
    shape = draw(st.sampled_from(["json", "json", "jsonl", "csv", "tsv", "txt", "bytes", "huge", "deep"]))
    name = f"upload.{shape}"
    if shape == "json":
        data = json.dumps(_items(draw)).encode()
        name = draw(st.sampled_from([None, "upload.json"]))
    elif shape == "jsonl":
        data = "\n".join(json.dumps(item) for item in draw(st.lists(json_values, max_size=4))).encode()
    elif shape in ("csv", "tsv"):
        separator = "," if shape == "csv" else "\t"
        header = draw(st.lists(st.sampled_from(["text", "x", "", "text"]) | texts, min_size=1, max_size=3))
        rows = draw(st.lists(st.lists(texts | st.sampled_from(['"', '""', "\n", separator]), max_size=4), max_size=4))
        lines = [separator.join(header)] + [separator.join(row) for row in rows]
        data = "\n".join(lines).encode("utf-8", "surrogatepass")
    elif shape == "txt":
        data = draw(st.text(max_size=100)).encode("utf-8", "surrogatepass")
    elif shape == "bytes":
        data = draw(st.binary(max_size=200) | st.sampled_from([
            '[{"text": "é"}]'.encode("utf-16"), '[{"text": "é"}]'.encode("latin-1"),
            b'\xef\xbb\xbf[{"text": "bom"}]', b"\xff\xfe\x00\x00", b'[{"text": "\xc3"}]']))
        name = draw(st.sampled_from([None, "upload.json", "upload.csv", "upload.tsv", "upload.jsonl", "upload.txt"]))
    elif shape == "huge":
        size = draw(st.sampled_from([1 << 16, 1 << 20, 3 << 20]))
        data = json.dumps([{"text": "x" * size, "y": ["z" * 100] * draw(st.integers(0, 100))}]).encode()
        name = draw(st.sampled_from([None, "upload.json"]))
    else:
        depth = draw(st.sampled_from([10, 100, 900, 1000, 5000, 100_000]))
        data = b'[{"text": "deep", "x": ' + b"[" * depth + b"]" * depth + b"}]"
        name = draw(st.sampled_from([None, "upload.json", "upload.jsonl"]))
    return name, data


def multipart(name, data):
    boundary = "fuzzboundary7MA4YWxk"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


_WRITE_ROUTES = [("PATCH", "/api/project"), ("POST", "/api/project/config"), ("POST", "/api/validate-config"),
                 ("POST", "/api/tasks/{task}/completions"), ("PATCH", "/api/tasks/{task}/completions/{completion}"),
                 ("POST", "/api/tasks/{task}"), ("PATCH", "/api/tasks/{task}"), ("PUT", "/api/tasks/{task}/draft"),
                 ("POST", "/api/projects/open"), ("POST", "/api/project-switch"), ("POST", "/api/import-example")]


@st.composite
def json_bodies(draw):
    """A JSON body for a write route: random values, or the right shape with random contents."""
    shaped = st.fixed_dictionaries({}, optional={
        "result": st.lists(st.dictionaries(texts, json_values, max_size=3), max_size=2) | json_values,
        "title": json_scalars, "sampling": json_scalars | st.sampled_from(["uniform", "sequential"]),
        "allow_delete_completions": json_scalars, "label_config": label_configs() | json_scalars,
        "data": json_values, "path": texts, "was_cancelled": json_scalars, "id": json_scalars})
    return json.dumps(draw(json_values | shaped)).encode()


_QUERY_ROUTES = ["/api/tasks", "/api/project/next", "/api/project/export", "/api/project/export/formats",
                 "/api/project", "/api/projects", "/api/completions", "/api/import-example",
                 "/api/import-example-file", "/samples/time-series.csv", "/api/tasks/{task}", "/api/tasks/{task}/draft",
                 "/data/upload/{text}", "/api/jobs", "/api/jobs/{text}", "/api/tasks/{text}"]
_KEYS = ["page", "page_size", "order", "fields", "format", "archive", "q", "raw", "time", "values", "sep", "tf",
         "headless", "label_config", "uuid", "path", "x"]
_URL_TEXT = st.text(alphabet=string.ascii_letters + string.digits + "%-_.~!*'();:@&=+$,/?#[]\\ ", max_size=20)
_VALUES = st.sampled_from(["0", "-1", "1", "2", "100000", "100001", "99999999999999999999999", "1e3", "", "JSON",
                           "json_min", "COCO", "CSV", "-completed_at", "all", "id,data", "%00", "%ff", "%ed%a0%80",
                           "<View>", "true", "%2e%2e%2f"]) | _URL_TEXT


@st.composite
def query_requests(draw):
    route = draw(st.sampled_from(_QUERY_ROUTES))
    route = route.replace("{task}", draw(st.sampled_from(["1", "2", "0", "-1", "99999999999999999999"])))
    route = route.replace("{text}", draw(st.sampled_from(["x", "%00", "..%2f..", "1", "%ff"]) | st.text(
        alphabet=string.ascii_letters + "0123456789-_.", min_size=1, max_size=10)))
    pairs = draw(st.lists(st.tuples(st.sampled_from(_KEYS), _VALUES), max_size=4))
    query = "&".join(f"{key}={value.replace('#', '%23').replace(' ', '%20')}" for key, value in pairs)
    return f"{route}?{query}" if query else route


# -- what the fuzzing found: each answered 500 (or broke the project) before its fix --------------------------------

_JSON = {"Content-Type": "application/json"}
_FOUND = [
    ("POST", "/api/project/import", b"[" * 100_000, "nested too deeply"),
    ("POST", "/api/project/import", b'[{"text": "x", "y": ' + b"[" * 5000 + b"]" * 5000 + b"}]", "nested too deeply"),
    ("POST", "/api/project/import", b'[{"text": "\\ud800"}]', "half of a surrogate pair"),
    ("POST", "/api/project/import", b'[{"text": "x"}, {"text": 1e400}]', "1e400 is too large"),
    ("POST", "/api/project/import", b'[{"text": NaN}]', "NaN is not a JSON value"),
    ("PATCH", "/api/project", b'{"title": "\\udc00"}', "lone UTF-16 surrogate"),
    ("PATCH", "/api/project", b'{"description": ' + b"[" * 100_000 + b"}", "nested too deeply"),
    ("POST", "/api/tasks/{task}/completions", b'{"result": [{"value": {"x": Infinity}}]}', "not valid JSON"),
    ("POST", "/api/tasks/{task}/completions", b'{"result": [], "note": "\\ud83d"}', "lone UTF-16 surrogate"),
    ("GET", "/api/tasks/99999999999999999999", None, "not found"),
    ("DELETE", "/api/tasks/99999999999999999999", None, "not found"),
    ("POST", "/api/projects/open", b'{"path": "a\\u0000b"}', "cannot be a file name"),
    ("POST", "/api/project-switch?uuid=x&path=%00", None, "No project with uuid"),
]


@pytest.mark.parametrize("method,path,body,message", _FOUND)
def test_requests_the_fuzzing_found_are_refused_cleanly(client, method, path, body, message):
    answer = send_and_check(client, method, _fill_ids(client, path), body, _JSON)
    assert 400 <= answer.status < 500, answer
    assert message in answer.json["detail"], answer
    assert client.get("/api/project").status == 200


@pytest.mark.parametrize("name,data,message", [
    ("deep.jsonl", b"[" * 100_000, "line 1: nested too deeply"),
    ("nan.jsonl", b'{"text": "a"}\n{"text": NaN}', "line 2: NaN is not a JSON value"),
    ("lone.jsonl", b'{"text": "\\ud800"}', "line 1: a \\u escape is half of a surrogate pair"),
    ("deep.json", b'{"text": ' + b"[" * 100_000, "line 1, column 1: nested too deeply")])
def test_import_files_the_fuzzing_found_are_refused_cleanly(client, name, data, message):
    answer = send_and_check(client, "POST", "/api/project/import", *multipart(name, data))
    assert answer.status == 400 and f"{name}: {message}" in answer.json["detail"], answer


@pytest.mark.parametrize("stamp", [1e300, -1e300, 10 ** 30, 10 ** 15, "0001-01-01T00:00:00-14:00",
                                   "9999-12-31T23:59:59-14:00"])
def test_imported_completion_time_that_no_date_can_show_falls_back_to_the_import_time(client, stamp):
    """A year beyond 9999 was stored, and every task list after it failed."""
    task = {"data": {"text": "old"}, "completions": [{"result": choice("Negative"), "created_at": stamp}]}
    answer = client.post("/api/project/import", json=[task])
    assert answer.status == 201, answer
    listed = client.get("/api/tasks?page_size=50&order=-completed_at")
    assert listed.status == 200
    imported = next(t for t in listed.json if t["id"] == answer.json["new_task_ids"][0])
    assert imported["completions"][0]["created_at"] > 1_600_000_000


# -- the properties -------------------------------------------------------------------------------------------------


def check_config(api, xml, as_xml_body):
    if as_xml_body:
        answer = send_and_check(api, "POST", "/api/project/config", xml.encode("utf-8", "surrogatepass"),
                                {"Content-Type": "application/xml"})
    else:
        answer = send_and_check(api, "POST", "/api/project/config", json.dumps({"label_config": xml}).encode(),
                                {"Content-Type": "application/json"})
    assert answer.status in (201, 400), answer
    if answer.status == 201:
        # Put the text config back, so the next example is checked against the same project.
        assert api.post("/api/project/config", json={"label_config": TEXT_CONFIG}).status == 201


def check_import(api, payload):
    name, data = payload
    if name is None:
        body, headers = data, {"Content-Type": "application/json"}
    else:
        body, headers = multipart(name, data)
    before = api.get("/api/project").json["task_count"]
    answer = send_and_check(api, "POST", "/api/project/import", body, headers)
    assert answer.status in (201, 400), answer
    if answer.status == 201:
        assert api.get("/api/project").json["task_count"] == before + answer.json["task_count"]


def _fill_ids(api, path):
    tasks = api.get("/api/tasks?page_size=2&order=-completed_at").json
    task = tasks[0]
    completion = task["completions"][0]["id"] if task["completions"] else 1
    return path.format(task=task["id"], completion=completion)


def check_write(api, route, body):
    method, path = route
    send_and_check(api, method, _fill_ids(api, path), body, {"Content-Type": "application/json"})
    # Keep the labeled task and the text config that later examples start from.
    if not api.get("/api/project").json["completion_count"]:
        task_id = api.get("/api/tasks").json[0]["id"]
        api.post(f"/api/tasks/{task_id}/completions", json={"result": choice("Positive")})
    if api.get("/api/project").json["config"]["label_config"] != TEXT_CONFIG:
        api.post("/api/project/config", json={"label_config": TEXT_CONFIG})


def check_query(api, path):
    before = snapshot(api)
    answer = api.get(path)
    assert answer.status < 500, (path, answer)
    assert snapshot(api) == before, path


@QUICK
@given(xml=label_configs(), as_xml_body=st.booleans())
def test_label_configs(client, xml, as_xml_body):
    check_config(client, xml, as_xml_body)


@QUICK
@given(payload=import_payloads())
def test_import_payloads(client, payload):
    check_import(client, payload)


@QUICK
@given(route=st.sampled_from(_WRITE_ROUTES), body=json_bodies())
def test_json_bodies_on_write_routes(client, route, body):
    check_write(client, route, body)


@QUICK
@given(path=query_requests())
def test_query_strings_on_read_routes(client, path):
    check_query(client, path)


@pytest.mark.slow
@FULL
@given(xml=label_configs(), as_xml_body=st.booleans())
def test_label_configs_full(client, xml, as_xml_body):
    check_config(client, xml, as_xml_body)


@pytest.mark.slow
@FULL
@given(payload=import_payloads())
def test_import_payloads_full(client, payload):
    check_import(client, payload)


@pytest.mark.slow
@FULL
@given(route=st.sampled_from(_WRITE_ROUTES), body=json_bodies())
def test_json_bodies_on_write_routes_full(client, route, body):
    check_write(client, route, body)


@pytest.mark.slow
@FULL
@given(path=query_requests())
def test_query_strings_on_read_routes_full(client, path):
    check_query(client, path)
