"""The live trace over the WebSocket, as an iterator (TCPLAB_URL)."""

import threading
import time

import pytest

from conftest import needs_server
from tcplab_client import NotFound

pytestmark = needs_server


def test_stream_yields_every_event_once_in_order_until_deleted(lab):
    pytest.importorskip("websocket", reason="websocket-client (python3-websocket) is not installed")
    sim = lab.simulation(profile="linux", seed=42)
    p = sim.pair()
    stream = sim.stream(since=0, idle_timeout=20)
    ready = threading.Event()

    def drive():
        ready.wait(10)
        p.close("client")
        sim.advance(100)
        p.close("server")
        sim.run_until_idle()
        time.sleep(0.2)
        sim.delete()

    threading.Thread(target=drive, daemon=True).start()
    seen = []
    for event in stream:
        seen.append(event)
        if event["seq"] == 0:
            ready.set()
    assert stream.snapshot["id"] == sim.id and stream.closed_reason == "deleted"
    assert [e["seq"] for e in seen] == list(range(len(seen)))
    states = [(e["endpoint"], e["to"]) for e in seen if e["type"] == "state"]
    assert ("client", "TIME_WAIT") in states and ("server", "LAST_ACK") in states


def test_stream_resumes_from_since_and_ends_when_idle(lab):
    pytest.importorskip("websocket", reason="websocket-client (python3-websocket) is not installed")
    sim = lab.simulation(profile="linux", seed=42)
    sim.pair()
    total = len(sim.trace())
    with sim.stream(since=5, idle_timeout=1.5) as stream:
        got = [e["seq"] for e in stream]
    assert got == list(range(5, total)) and stream.closed_reason is None
    assert sim.delete()
    with pytest.raises(NotFound):  # the handshake of a deleted simulation is a 404
        next(iter(sim.stream(since=0, idle_timeout=1)))
