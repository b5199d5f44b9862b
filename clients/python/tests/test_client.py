"""Tests of tcplab_client against a running tcplab server.

The server's URL comes from TCPLAB_URL (``./mvnw verify`` starts the app on a random port and
runs these with Debian's python3-pytest; see ClientPackageTest.java). Without it every test is
reported as skipped, never silently passed.
"""

import os

import pytest

from tcplab_client import Lab, ProblemError, state_sequence
from tcplab_client.ladder import layout

URL = os.environ.get("TCPLAB_URL")
pytestmark = pytest.mark.skipif(not URL, reason="TCPLAB_URL is not set: no tcplab server to test against")


@pytest.fixture
def lab():
    return Lab(URL)


def lost_last_ack(lab):
    """The README's notebook flow: the client's last ACK is lost, the server retransmits its FIN."""
    sim = lab.simulation(profile="linux", seed=42)
    sim.pair()
    sim.lose("client", "ACK")
    assert sim.close("client") == 0
    sim.advance(50)
    assert sim.close("server") == 0
    sim.run_until_idle()
    return sim


def test_notebook_flow_reaches_time_wait_and_back_to_closed(lab):
    sim = lost_last_ack(lab)
    client = sim.states("client")
    server = sim.states("server")
    assert client[-3:] == ["FIN_WAIT_2", "TIME_WAIT", "CLOSED"]
    assert server[-2:] == ["LAST_ACK", "CLOSED"]


def test_trace_is_a_list_of_dicts_with_contiguous_seq(lab):
    sim = lost_last_ack(lab)
    events = sim.trace()
    assert [e["seq"] for e in events] == list(range(len(events)))
    assert {"state", "segment", "call", "timer"} <= {e["type"] for e in events}
    later = sim.trace(since=10)
    assert later[0]["seq"] == 10 and len(later) == len(events) - 10


def test_trace_df_is_a_dataframe_of_the_trace(lab):
    pd = pytest.importorskip("pandas", reason="pandas (python3-pandas) is not installed")
    sim = lost_last_ack(lab)
    df = sim.trace_df()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == len(sim.trace())
    assert {"seq", "timeMs", "type", "pair"} <= set(df.columns)
    fins = df[(df.type == "segment") & (df.event == "sent") & df["flags"].map(lambda f: isinstance(f, list) and "FIN" in f)]
    assert fins["retransmission"].any(), "the server's FIN is retransmitted after the lost ACK"


def test_ladder_shows_the_lost_ack_and_the_retransmitted_fin(lab):
    sim = lost_last_ack(lab)
    data = layout(sim.trace(), sim.current)
    lost = [a for a in data["arrows"] if a["lost"]]
    assert [a["from"] for a in lost] == ["client"] and lost[0]["label"].startswith("ACK")
    assert any(a["retransmission"] and a["label"].startswith("FIN") for a in data["arrows"])
    assert any(g["ms"] >= 59000 for g in data["gaps"]), "TIME_WAIT's minute is a compressed gap"
    assert ("client", "TIME_WAIT") in {(s["endpoint"], s["state"]) for s in data["states"]}


def test_ladder_draws_a_matplotlib_figure(lab):
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib (python3-matplotlib) is not installed")
    matplotlib.use("Agg")
    sim = lost_last_ack(lab)
    fig = sim.ladder()
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "TIME_WAIT" in texts and "client" in texts and "server" in texts
    assert any("(lost)" in t for t in texts) and any("(retx)" in t for t in texts)


def test_pair_object_acts_on_its_own_pair(lab):
    sim = lab.simulation(profile="linux", seed=7)
    first = sim.pair()
    second = sim.pair()
    assert first.close("client") == 0
    sim.advance(100)
    assert state_sequence(sim.trace(), "client", first.id)[-1] == "FIN_WAIT_2"
    assert state_sequence(sim.trace(), "client", second.id)[-1] == "ESTABLISHED"


def test_errors_raise_with_the_problem_detail(lab):
    with pytest.raises(ProblemError) as err:
        lab.simulation(profile="no-such-profile")
    assert err.value.status == 400
    assert "profile" in (err.value.detail or "").lower()
    with pytest.raises(ProblemError) as missing:
        lab.open("00000000-0000-0000-0000-000000000000")
    assert missing.value.status == 404


def test_pcap_is_a_pcap_file(lab):
    sim = lost_last_ack(lab)
    data = sim.pcap()
    assert data[:4] == bytes([0xD4, 0xC3, 0xB2, 0xA1])


def test_built_in_scenario_runs_with_narration(lab):
    run = lab.run_scenario("lost-last-ack", profile="linux", seed=42)
    assert run.narration and "TIME_WAIT" in run.story()
    assert run.simulation.id == run.simulation_id
    assert run.passed


def test_own_scenario_document_starts_from_a_built_in_copy(lab):
    doc = lab.scenario("lost-last-ack")
    run = lab.run_scenario(doc, profile="linux")
    assert run.narration and run.passed
    broken = dict(doc)
    broken["steps"] = [{"title": {"en": "x", "ko": "x"}}]
    with pytest.raises(ProblemError) as err:
        lab.run_scenario(broken)
    assert err.value.status == 400 and "step" in err.value.detail.lower()


def test_compare_time_wait_on_and_off_shows_misdelivered_data(lab):
    answer = lab.compare("old-duplicate", [
        {"label": "TIME_WAIT", "profile": "linux"},
        {"label": "no TIME_WAIT", "profile": "linux", "overrides": {"timeWaitMs": 0}},
    ])
    by_label = {v["label"]: v for v in answer["variants"]}
    assert by_label["TIME_WAIT"]["summary"]["misdelivered"] == []
    assert by_label["no TIME_WAIT"]["summary"]["misdelivered"], "an old duplicate reaches the new connection"
