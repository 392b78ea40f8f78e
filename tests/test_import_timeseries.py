"""A CSV or TSV dropped into a time-series project is one task whose data points at the stored file (as
Label Studio 0.8 did), not one task per row; other configs still read rows."""

from lsdesk.config import parse_config
from lsdesk.importer import takes_series_files
from tests.test_api_import import upload

SERIES_URL = """<View>
  <TimeSeriesLabels name="label" toName="ts"><Label value="Run"/></TimeSeriesLabels>
  <TimeSeries name="ts" value="$csv" timeColumn="time"><Channel column="velocity"/></TimeSeries>
</View>"""
SERIES_JSON = SERIES_URL.replace('timeColumn="time"', 'timeColumn="time" valueType="json"')
TWO_SERIES = SERIES_URL.replace("</View>", '<TimeSeries name="ts2" value="$csv2"><Channel column="v"/></TimeSeries></View>')

CSV = b"time,velocity\n0,1.5\n1,2.5\n2,3.5\n"


def test_only_a_config_whose_one_data_key_is_a_url_series_takes_series_files():
    assert takes_series_files(parse_config(SERIES_URL))
    assert not takes_series_files(parse_config(SERIES_JSON))
    assert not takes_series_files(parse_config(TWO_SERIES))
    assert not takes_series_files(None)


def test_csv_and_tsv_into_a_series_project_are_one_task_each_pointing_at_the_stored_file(api):
    api.post("/api/project/config", json={"label_config": SERIES_URL})
    answer = upload(api, ("a", "walk.csv", CSV), ("b", "run.tsv", CSV.replace(b",", b"\t")))
    assert answer.status == 201, answer
    assert (answer.json["task_count"], answer.json["formats"]) == (2, {".csv": 1, ".tsv": 1})
    tasks = api.get("/api/tasks").json
    urls = [task["data"]["csv"] for task in tasks]
    assert [url.rsplit("-", 1)[1] for url in urls] == ["walk.csv", "run.tsv"]
    assert api.get(urls[0]).raw == CSV


def test_csv_into_a_json_series_project_is_still_read_as_rows(api):
    api.post("/api/project/config", json={"label_config": SERIES_JSON})
    answer = upload(api, ("file", "rows.csv", b"csv\nfirst\nsecond\n"))
    assert (answer.status, answer.json["task_count"]) == (201, 2)
