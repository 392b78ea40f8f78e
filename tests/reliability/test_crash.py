"""SIGKILL `lsdesk serve` at random moments of a stream of writes; the file must keep every acknowledged one.

After each kill: the file passes `PRAGMA integrity_check`, its counters agree with its rows,
every write that got a 2xx is in it, the write in flight is there whole or not at all (all of an
import's tasks or none), and the server starts again on it and shows the same project.
"""

import itertools
import random
import time
from collections import Counter

import pytest

from lsdesk.store.project import ProjectStore
from tests.reliability.harness import Writer, apply, kill, read_state, start


def crash_repeatedly(tmp_path, kills, seed):
    """Run `kills` rounds of start, write, SIGKILL, check; returns what was seen, for the report."""
    path = tmp_path / "crash.lsdesk"
    ProjectStore(path, create=True).close()
    data_dir = tmp_path / "workspace"
    state = read_state(path)
    rnd, timing = random.Random(seed), random.Random(seed + 1)
    names = (f"w{n}" for n in itertools.count())
    seen = Counter()
    for round_number in range(kills):
        server = start(data_dir, path)
        project = server.client.get("/api/project").json
        assert (project["task_count"], project["total_completions"]) == (len(state.tasks), len(state.completions))
        writer = Writer(server.client, state, rnd, names)
        writer.start()
        time.sleep(timing.uniform(0.05, 0.6))
        kill(server)
        writer.stop()
        assert writer.error is None, writer.error
        found = read_state(path)
        expected, in_flight = writer.state, writer.in_flight
        seen["acknowledged writes"] += len(writer.acknowledged)
        if in_flight is None:
            assert found == expected, f"round {round_number}: acknowledged writes missing"
        else:
            done = apply(in_flight, expected, found)
            assert found in (expected, done), f"round {round_number}: {in_flight.kind} in flight left a partial write"
            if in_flight.kind == "import":
                assert sum(1 for batch in found.tasks.values() if batch == in_flight.batch) in (0, in_flight.size)
            landed = found == done and done != expected
            seen[f"{in_flight.kind} in flight ({'kept' if landed else 'absent'})"] += 1
        seen["kills"] += 1
        state = found
    with start(data_dir, path) as server:
        assert server.client.get("/api/project").json["task_count"] == len(state.tasks)
    return seen


def test_killed_server_keeps_every_acknowledged_write(tmp_path):
    seen = crash_repeatedly(tmp_path, kills=10, seed=8)
    assert seen["kills"] == 10 and seen["acknowledged writes"] > 0


@pytest.mark.slow
def test_killed_server_keeps_every_acknowledged_write_100_times(tmp_path):
    seen = crash_repeatedly(tmp_path, kills=100, seed=1008)
    print("\ncrash run:", dict(sorted(seen.items())))
    assert seen["kills"] == 100

