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
