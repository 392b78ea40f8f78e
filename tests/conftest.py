import pytest

from tests.client import Server


@pytest.fixture
def server(tmp_path_factory):
    """A server of this test's own, on a workspace of its own."""
    with Server.ready_in(tmp_path_factory.getbasetemp()) as running:
        yield running


@pytest.fixture
def api(server):
    """A client of this test's server, whose active project is the new, empty one it started with."""
    return server.client


TEXT_CONFIG = """<View>
  <Text name="text" value="$text"/>
  <Choices name="sentiment" toName="text">
    <Choice value="Positive"/>
    <Choice value="Negative"/>
  </Choices>
</View>"""

NER_CONFIG = """<View>
  <Labels name="label" toName="text"><Label value="PER"/><Label value="LOC"/></Labels>
  <Text name="text" value="$text"/>
</View>"""


def choice(value):
    return [{"id": "c1", "from_name": "sentiment", "to_name": "text", "type": "choices",
             "value": {"choices": [value]}}]


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory):
    """One real Label Studio 1.23.2 server for the session (tests/label_studio.py); skipped where its
    virtualenv is not installed, except under .ci/run, which installs it and requires it."""
    import os

    from tests.label_studio import LabelStudioServer, executable
    if os.environ.get("LSDESK_TEST_LS_URL"):  # a server already running (see tests/label_studio.py), to iterate fast
        yield LabelStudioServer.running(os.environ["LSDESK_TEST_LS_URL"], os.environ["LSDESK_TEST_LS_DIR"])
        return
    if not executable().exists():
        message = (f"Label Studio is not installed at {executable()}: python3 -m venv .ls-venv && "
                   ".ls-venv/bin/pip install label-studio==1.23.2")
        if os.environ.get("LSDESK_REQUIRE_LABEL_STUDIO"):
            pytest.fail(message)
        pytest.skip(message)
    running = LabelStudioServer(tmp_path_factory.mktemp("label-studio")).start()
    try:
        yield running
    finally:
        running.stop()
