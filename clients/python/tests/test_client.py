"""Tests of tcplab_client against a running tcplab server (TCPLAB_URL): the REST API as objects."""

import inspect

import pytest

from conftest import URL, lost_last_ack, needs_server
from tcplab_client import (BadRequest, Conflict, InvalidScenario, Lab, NotFound, Pair, ProblemError, Simulation,
                           state_sequence)
from tcplab_client.ladder import layout

pytestmark = needs_server


def test_notebook_flow_reaches_time_wait_and_back_to_closed(lab):
    sim = lost_last_ack(lab)
    assert sim.states("client")[-3:] == ["FIN_WAIT_2", "TIME_WAIT", "CLOSED"]
    assert sim.states("server")[-2:] == ["LAST_ACK", "CLOSED"]


def test_trace_is_a_list_of_dicts_with_contiguous_seq(lab):
    sim = lost_last_ack(lab)
    events = sim.trace()
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert {"state", "segment", "call", "timer"} <= {e["type"] for e in events}
    later = sim.trace(since=10)
    assert later[0]["seq"] == 10 and len(later) == len(events) - 10
    assert {e["type"] for e in sim.trace(type="segment")} == {"segment"}


def test_trace_df_has_nullable_integer_and_boolean_columns(lab):
    pd = pytest.importorskip("pandas", reason="pandas (python3-pandas) is not installed")
    sim = lost_last_ack(lab)
    df = sim.trace_df()
    assert isinstance(df, pd.DataFrame) and len(df) == len(sim.trace())
    # len is missing on state events: still whole numbers, <NA> there, not float64 with NaN
    for column in ("seq", "pair", "len", "relSeq", "relAck", "tcpSeq", "window", "id"):
        assert str(df[column].dtype) == "Int64", (column, df[column].dtype)
    assert df["len"].isna().any() and not df["len"].dropna().map(lambda v: isinstance(v, float)).any()
    assert str(df["retransmission"].dtype) == "boolean"
    assert str(df["timeMs"].dtype) == "float64"
    fins = df[(df.type == "segment") & (df.event == "sent") & df["flags"].map(lambda f: isinstance(f, list) and "FIN" in f)]
    assert fins["retransmission"].fillna(False).any(), "the server's FIN is retransmitted after the lost ACK"


def test_ladder_shows_the_lost_ack_and_the_retransmitted_fin(lab):
    sim = lost_last_ack(lab)
    data = layout(sim.trace(), sim.current)
    lost = [a for a in data["arrows"] if a["lost"]]
    assert [a["from"] for a in lost] == ["client"] and lost[0]["label"].startswith("ACK")
    assert any(a["retransmission"] and a["label"].startswith("FIN") for a in data["arrows"])
    assert any(g["ms"] >= 59000 for g in data["gaps"]), "TIME_WAIT's minute is a compressed gap"
    assert ("client", "TIME_WAIT") in {(s["endpoint"], s["state"]) for s in data["states"]}


def test_ladder_is_drawn_once_without_pyplot(lab):
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib (python3-matplotlib) is not installed")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    sim = lost_last_ack(lab)
    drawn = sim.ladder()
    texts = drawn.texts()
    assert "TIME_WAIT" in texts and "client" in texts and "server" in texts
    assert any("(lost)" in t for t in texts) and any("(retx)" in t for t in texts)
    # Jupyter shows a cell's value through _repr_png_ and, separately, every open pyplot figure:
    # the ladder is not a pyplot figure, so it is shown exactly once
    assert plt.get_fignums() == []
    assert drawn._repr_png_()[:8] == b"\x89PNG\r\n\x1a\n"
    fig, ax = plt.subplots()
    assert sim.ladder(ax=ax) is ax
    plt.close(fig)


def test_pair_has_real_methods_and_acts_on_its_own_pair(lab):
    assert "__getattr__" not in Pair.__dict__
    for name in ("close", "shutdown", "send", "recv", "abort", "linger", "reuse_addr", "lose", "duplicate",
                 "delay", "hold", "release", "resend_fin", "inject", "states", "ladder", "packetdrill", "trace"):
        method = getattr(Pair, name)
        assert inspect.isfunction(method) and method.__doc__, name
        assert "side" in inspect.signature(method).parameters or name in ("states", "ladder", "trace"), name
    sim = lab.simulation(profile="linux", seed=7)
    first = sim.pair()
    second = sim.pair()
    assert first.close("client") == 0
    sim.advance(100)
    assert state_sequence(sim.trace(), "client", first.id)[-1] == "FIN_WAIT_2"
    assert state_sequence(sim.trace(), "client", second.id)[-1] == "ESTABLISHED"
    assert first.client_state == "FIN_WAIT_2" and second.client_state == "ESTABLISHED"


def test_repr_is_fresh_after_actions(lab):
    sim = lab.simulation(profile="linux", seed=3)
    p = sim.pair()
    assert "ESTABLISHED, server 80 ESTABLISHED" in repr(p)
    assert "now_ms=30.0" in repr(sim)
    p.close("client")
    assert "FIN_WAIT_1" in repr(p)
    sim.advance(100)
    assert "FIN_WAIT_2" in repr(p) and "CLOSE_WAIT" in repr(p)
    assert "now_ms=130.0" in repr(sim)


def test_every_event_type_has_a_helper(lab):
    sim = lab.simulation(profile="linux", seed=11)
    p = sim.pair()
    assert p.send("client", 100) == 100
    sim.advance(50)
    assert p.recv("server") == 100
    assert p.recv("server") == "pending"
    assert p.reuse_addr("client") == "ok" or p.reuse_addr("client") == 0
    assert p.linger("server", 5) in (0, "ok")
    # hold the client's FIN, then release it
    assert p.hold("client", "FIN") == "ok"
    assert p.close("client") == 0
    assert [e["event"] for e in p.last_trace if e["type"] == "segment"] == ["sent", "held"]
    sim.advance(50)
    assert p.server_state == "ESTABLISHED", "the FIN is held"
    assert p.release("client") == "ok"
    assert [e["event"] for e in p.last_trace if e["type"] == "segment"] == ["released"]
    sim.advance(50)
    assert p.server_state == "CLOSE_WAIT"
    # retransmit the FIN now
    p.resend_fin("client")
    assert any(e["type"] == "segment" and e["retransmission"] and "FIN" in e["flags"] for e in p.last_trace)
    # a raw RST from the server resets the client
    p.inject("server", ["RST"])
    sim.advance(20)
    assert p.client_state == "CLOSED"
    q = sim.pair()
    for fault in (q.lose, q.duplicate, q.hold):
        assert fault("server", "DATA", count=1) == "ok"
    assert q.delay("server", "ACK", 20) == "ok"
    assert q.shutdown("server", "SHUT_RD") == 0
    assert q.abort("client") == 0
    sim.advance(20)
    assert q.states("client")[-1] == "CLOSED" and "TIME_WAIT" not in q.states("client")
    assert q.server_state == "CLOSED", "the abort's RST closed the server"
    assert sim.event("send", "server", bytes=1)["result"] in ("EPIPE", "ECONNRESET", "ENOTCONN")


def test_clock_helpers(lab):
    sim = lab.simulation(profile="linux", seed=5)
    p = sim.pair()
    p.close("client")
    t = sim.step()
    assert t > 30.0
    assert sim.advance(10) == t + 10
    assert sim.run_until_idle(max_ms=100) <= t + 110
    rt = lab.simulation(profile="linux", seed=5, clock="realtime")
    assert rt.pause()["paused"] is True
    assert rt.set_speed(2.0)["speed"] == 2.0
    assert rt.resume()["paused"] is False
    assert rt.set_clock_mode("manual")["clock"] == "manual"


def test_errors_raise_the_exception_of_their_status(lab):
    with pytest.raises(BadRequest) as err:
        lab.simulation(profile="no-such-profile")
    assert err.value.status == 400 and "profile" in (err.value.detail or "").lower()
    assert isinstance(err.value, ProblemError)
    with pytest.raises(NotFound) as missing:
        lab.open("00000000-0000-0000-0000-000000000000")
    assert missing.value.status == 404
    sim = lab.simulation(profile="linux", seed=1)
    p = sim.pair(client_port=1500)
    p.close("client")
    sim.advance(100)
    p.close("server")
    sim.advance(100)
    assert p.client_state == "TIME_WAIT"
    with pytest.raises(Conflict) as conflict:
        sim.pair(client_port=1500)
    assert conflict.value.errno == "EADDRINUSE"
    with pytest.raises(NotFound):
        sim.get_pair(99)


def test_pcap_is_a_pcap_file(lab, tmp_path):
    sim = lost_last_ack(lab)
    assert sim.pcap()[:4] == bytes([0xD4, 0xC3, 0xB2, 0xA1])
    path = sim.save_pcap(str(tmp_path / "t.pcap"))
    assert open(path, "rb").read(4) == bytes([0xD4, 0xC3, 0xB2, 0xA1])


def test_journal_lists_what_is_stored(lab):
    sim = lost_last_ack(lab)
    entries = sim.journal()
    kinds = [e["kind"] for e in entries]
    assert kinds[0] == "create" and "pair" in kinds and "event" in kinds and "clock" in kinds
    assert entries[0]["request"]["seed"] == 42
    pytest.importorskip("pandas", reason="pandas (python3-pandas) is not installed")
    assert str(sim.journal_df()["entry"].dtype) == "Int64"


def test_packetdrill_export_runs_back_in_the_lab(lab):
    sim = lab.simulation(profile="linux", seed=42)
    p = sim.pair()
    p.close("client")
    sim.advance(100)
    p.recv("server")
    p.close("server")
    sim.advance(100)
    script = p.packetdrill("client")
    assert script.startswith("// tcplab export") and "close(3) = 0" in script
    run = lab.run_packetdrill(script, profile="linux")
    assert run.passed and run.failure is None and run.simulation_id in lab.created
    with pytest.raises(BadRequest) as err:
        lab.run_packetdrill("0 socket(")
    assert "line" in err.value.problem


def test_built_in_scenario_runs_with_narration(lab):
    run = lab.run_scenario("lost-last-ack", profile="linux", seed=42)
    assert run.narration and "TIME_WAIT" in run.story()
    assert run.simulation.id == run.simulation_id
    assert run.passed and run.failed_expectations() == []
    assert run.step_trace(1) and all(e["seq"] < run.narration[0]["toSeq"] for e in run.step_trace(1))


def test_own_scenario_document_starts_from_a_built_in_copy(lab):
    doc = lab.scenario("lost-last-ack")
    run = lab.run_scenario(doc, profile="linux")
    assert run.narration and run.passed
    broken = dict(doc)
    broken["steps"] = [{"title": {"en": "x", "ko": "x"}}]
    with pytest.raises(InvalidScenario) as err:
        lab.run_scenario(broken)
    assert err.value.status == 400 and "step" in err.value.detail.lower()
    assert err.value.problems and {"field", "message"} <= set(err.value.problems[0])


def test_compare_time_wait_on_and_off_shows_misdelivered_data(lab):
    answer = lab.compare("old-duplicate", [
        {"label": "TIME_WAIT", "profile": "linux"},
        {"label": "no TIME_WAIT", "profile": "linux", "overrides": {"timeWaitMs": 0, "timestamps": False}},
        {"label": "PAWS only", "profile": "linux", "overrides": {"timeWaitMs": 0}},
    ])
    assert answer.variant("TIME_WAIT")["summary"]["misdelivered"] == []
    assert answer.variant("no TIME_WAIT")["summary"]["misdelivered"], "an old duplicate reaches the new connection"
    # RFC 7323 PAWS: with linux's timestamps the old duplicate is dropped even without TIME_WAIT
    assert answer.variant("PAWS only")["summary"]["misdelivered"] == []
    assert answer.differences and all(v["simulationId"] in lab.created for v in answer.variants)


def test_context_manager_deletes_what_it_made():
    with Lab(URL) as lab:
        sim = lab.simulation(profile="linux", seed=1)
        run = lab.run_scenario("active-close", profile="linux")
        made = [sim.id, run.simulation_id]
        assert lab.created == made
    with Lab(URL) as other:
        for sid in made:
            with pytest.raises(NotFound):
                other.open(sid)
        with other.simulation(profile="bsd") as own:
            own_id = own.id
        with pytest.raises(NotFound):
            other.open(own_id)
        assert other.created == []
