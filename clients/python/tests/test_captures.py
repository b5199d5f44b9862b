"""Captures (docs/captures.md) through tcplab_client: a kernel-made pcap imported, its connections as a
DataFrame, a connection's trace, ladder and replay, and the errors of a file that cannot be read."""

import os

import pytest

from conftest import URL, needs_server
from tcplab_client import (BadRequest, Capture, CaptureConnection, Lab, NotFound, Simulation, UnprocessableContent)
from tcplab_client.ladder import layout

KERNEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "src", "test", "resources",
                      "captures", "kernel")


def kernel_capture(name):
    """A capture made on the real kernel (src/test/captures/record.py); missing, the test fails (no skip)."""
    path = os.path.join(KERNEL, name)
    assert os.path.exists(path), f"{path} is missing: the kernel captures are test data of the repository"
    return path


# lost-last-ack.kernel, the kernel's own sock:inet_sock_set_state record of this capture, shows these
# sequences (the client's TIME_WAIT as its time-wait socket): the states the model infers must be them
CLIENT = ["CLOSED", "SYN_SENT", "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT"]
SERVER = ["LISTEN", "SYN_RECEIVED", "ESTABLISHED", "CLOSE_WAIT", "LAST_ACK", "CLOSED"]


@needs_server
def test_capture_lists_its_connections_as_a_dataframe_with_nullable_dtypes(lab):
    pd = pytest.importorskip("pandas", reason="pandas (python3-pandas) is not installed")
    cap = lab.capture(kernel_capture("lost-last-ack.pcapng"))
    assert isinstance(cap, Capture) and cap.profile == "linux" and len(cap) == 1
    assert cap.id in lab.created_captures and cap.id in {c["id"] for c in lab.my_captures()}
    conn = cap[1]
    assert isinstance(conn, CaptureConnection) and list(cap) == [conn] and cap.connection(1) is conn
    with pytest.raises(KeyError):
        cap.connection(2)
    df = cap.connections_df()
    assert isinstance(df, pd.DataFrame) and len(df) == 1
    row = df.iloc[0]
    assert row["client"] == "127.0.0.2:42969" and row["server"] == "127.0.0.1:8080"
    assert (row["clientState"], row["serverState"]) == ("TIME_WAIT", "CLOSED")
    assert row["capturePoint"] == "both" and row["packets"] == 9 and "FIN_RETRANSMITTED" in row["diagnostics"]
    for column in ("id", "packets", "firstPacket", "lastPacket", "clientBytes", "previous"):
        assert str(df[column].dtype) == "Int64", (column, df[column].dtype)
    assert str(df["handshake"].dtype) == "boolean"
    # the capture is read again by id, and its bytes can be given instead of a path
    assert lab.open_capture(cap.id).connections[0].summary == conn.summary
    with open(kernel_capture("lost-last-ack.pcapng"), "rb") as f:
        again = lab.capture(f.read(), profile="bsd")
    assert again.profile == "bsd" and again.id != cap.id


@needs_server
def test_connection_trace_has_the_simulation_trace_schema_and_the_kernels_states(lab):
    pytest.importorskip("pandas", reason="pandas (python3-pandas) is not installed")
    conn = lab.capture(kernel_capture("lost-last-ack.pcapng"))[1]
    events = conn.trace()
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert {e["pair"] for e in events} == {1} and {"segment", "state", "timer"} <= {e["type"] for e in events}
    sent = conn.trace(type="segment")
    assert [e["packet"] for e in sent if e["event"] == "sent"] == list(range(1, 10))
    assert conn.state_sequence("client") == CLIENT and conn.state_sequence("server") == SERVER
    assert not conn.truncated()
    df = conn.trace_df()
    assert len(df) == len(events)
    for column in ("seq", "pair", "id", "packet", "len", "relSeq", "relAck", "tcpSeq", "window"):
        assert str(df[column].dtype) == "Int64", (column, df[column].dtype)
    lost = df[(df.type == "segment") & (df.event == "dropped")]
    assert list(lost["from"]) == ["client"] and lost["inferred"].all(), "the client's last ACK was lost"
    states = conn.trace_df(type="state")
    assert set(states["endpoint"]) == {"client", "server"} and "cause" in states.columns


@needs_server
def test_connection_ladder_draws_every_captured_segment_once(lab):
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib (python3-matplotlib) is not installed")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    conn = lab.capture(kernel_capture("lost-last-ack.pcapng"))[1]
    data = layout(conn.trace(), conn.id, observed=True)
    assert [a["id"] for a in data["arrows"]] == list(range(1, 10)), "one arrow per captured packet"
    lost = [a for a in data["arrows"] if a["lost"]]
    assert [(a["from"], a["label"]) for a in lost] == [("client", "ACK seq=2 ack=2")]
    assert [a["label"] for a in data["arrows"] if a["retransmission"]] == ["FIN,ACK seq=1 ack=2"]
    drawn = conn.ladder()
    texts = drawn.texts()
    assert {"client", "server", "TIME_WAIT", "CLOSE_WAIT", "LAST_ACK"} <= set(texts)
    assert any("(lost)" in t for t in texts) and any("(retx)" in t for t in texts)
    assert plt.get_fignums() == [] and drawn._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"


def test_layout_draws_a_captured_segment_where_it_was_seen_only_when_asked():
    events = [
        {"seq": 0, "type": "segment", "timeMs": 0.0, "pair": 1, "event": "sent", "id": 1, "from": "client",
         "to": "server", "flags": ["SYN"], "len": 0, "relSeq": 0, "relAck": 0},
        {"seq": 1, "type": "segment", "timeMs": 5.0, "pair": 1, "event": "sent", "id": 2, "from": "server",
         "to": "client", "flags": ["RST", "ACK"], "len": 0, "relSeq": 0, "relAck": 1},
        {"seq": 2, "type": "segment", "timeMs": 5.0, "pair": 1, "event": "dropped", "id": 2, "from": "server",
         "to": "client", "flags": ["RST", "ACK"], "len": 0, "relSeq": 0, "relAck": 1, "inferred": True},
    ]
    # a simulation's segment still in flight is not drawn; a capture's is, at its capture time
    assert [a["id"] for a in layout(events, 1)["arrows"]] == [2]
    arrows = layout(events, 1, observed=True)["arrows"]
    assert [(a["id"], a["t0"], a["t1"], a["lost"], a["observed"]) for a in arrows] == [
        (1, 0.0, 0.0, False, True), (2, 5.0, 5.0, True, True)]


@needs_server
def test_replay_answers_a_simulation_that_the_lab_deletes_with_the_capture():
    with Lab(URL) as lab:
        cap = lab.capture(kernel_capture("lost-last-ack.pcapng"))
        sim = cap[1].replay()
        assert isinstance(sim, Simulation) and sim.id in lab.created
        assert sim.states("client")[-2:] == ["TIME_WAIT", "CLOSED"], "the replay ran until idle"
        comparison = cap[1].last_replay["comparison"]
        assert comparison["matched"] >= 8 and comparison["states"]["client"]["same"]
        assert [s["what"] for s in cap[1].last_replay["steps"]][:2] == ["close", "close"]
    with pytest.raises(NotFound):
        lab.open(sim.id)
    with pytest.raises(NotFound):
        lab.open_capture(cap.id)
    assert not lab.delete_capture(cap.id), "already gone"


@needs_server
def test_unreadable_files_raise_the_problem_as_exceptions(lab):
    with pytest.raises(UnprocessableContent) as err:
        lab.capture(b"hello, not a capture at all")
    assert err.value.status == 422 and err.value.kind == "unsupported" and "pcap" in err.value.detail
    with open(kernel_capture("close-wait-leak.pcap"), "rb") as f:
        cut = f.read()[:300]
    with pytest.raises(UnprocessableContent) as err:
        lab.capture(cut)
    assert (err.value.kind, err.value.packet, err.value.offset) == ("truncated", 4, 286)
    assert len(lab.capture(cut, allow_truncated=True)) == 1, "what is whole is read when asked"
    with pytest.raises(BadRequest):
        lab.capture(cut, profile="nope", allow_truncated=True)
    with pytest.raises(NotFound):
        lab.open_capture("no-such-capture")
    cap = lab.capture(kernel_capture("close-wait-leak.pcap"))
    ghost = Capture(lab, {"id": cap.id, "connections": [{"id": 99}]})  # a connection the file does not have
    with pytest.raises(NotFound):
        ghost[99].trace()
    assert len(lab.created_captures) == 2
