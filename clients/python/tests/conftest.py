"""Shared fixtures: the server under test comes from TCPLAB_URL (``./mvnw verify`` starts the app on a random
port and runs these with Debian's python3-pytest; see src/test/java/dev/tcplab/examples/PythonClientTest.java).
Without it every test that needs a server is reported as skipped, never silently passed."""

import os

import pytest

from tcplab_client import Lab

URL = os.environ.get("TCPLAB_URL")
needs_server = pytest.mark.skipif(not URL, reason="TCPLAB_URL is not set: no tcplab server to test against")


@pytest.fixture
def lab():
    """A Lab whose simulations are all deleted when the test ends (the server's per-client limit is 20)."""
    with Lab(URL) as lab:
        yield lab


def lost_last_ack(lab):
    """The README's notebook flow: the client's last ACK is lost, the server retransmits its FIN."""
    sim = lab.simulation(profile="linux", seed=42)
    p = sim.pair()
    p.lose("client", "ACK")
    assert p.close("client") == 0
    sim.advance(50)
    assert p.close("server") == 0
    sim.run_until_idle()
    return sim
