"""A Python client for a tcplab server: TCP connection teardown on a virtual clock.

One keep-alive HTTP session (``requests``), retries that honour ``Retry-After`` and ``retryable`` 503s,
an exception per kind of error, pandas DataFrames with nullable integer columns, matplotlib ladder
diagrams, the live trace over the WebSocket (``websocket-client``), and a context manager that deletes
what it made::

    from tcplab_client import Lab

    with Lab("http://localhost:8080") as lab:
        sim = lab.simulation(profile="linux", seed=42)
        p = sim.pair()
        p.lose("client", "ACK")
        p.close("client")
        sim.advance(50)
        p.close("server")
        sim.run_until_idle()
        p.states("client")   # [..., 'FIN_WAIT_2', 'TIME_WAIT', 'CLOSED']
        sim.ladder()         # shown once in Jupyter

Requires ``requests`` (Debian: python3-requests); ``pandas``, ``matplotlib`` and ``websocket-client``
(python3-pandas, python3-matplotlib, python3-websocket) only for DataFrames, ladders and the stream.
The reference (every public method) is ``clients/python/docs/reference.md``.
"""

from .client import Comparison, Lab, OwnedSimulation, PacketdrillRun, Pair, ScenarioRun, Simulation
from .errors import (BadRequest, Conflict, InvalidScenario, MethodNotAllowed, NotAcceptable, NotFound,
                     PayloadTooLarge, ProblemError, RateLimited, ServerError, ServiceUnavailable, StreamError,
                     TcplabError, TransportError, UnsupportedMediaType)
from .ladder import Ladder, ladder, state_sequence
from .stream import Stream

__all__ = [
    "Lab", "Simulation", "Pair", "ScenarioRun", "Comparison", "PacketdrillRun", "OwnedSimulation", "Stream",
    "Ladder", "ladder", "state_sequence",
    "TcplabError", "TransportError", "StreamError", "ProblemError", "BadRequest", "InvalidScenario", "NotFound",
    "MethodNotAllowed", "NotAcceptable", "Conflict", "PayloadTooLarge", "UnsupportedMediaType", "RateLimited",
    "ServerError", "ServiceUnavailable",
]
__version__ = "0.3.0"
