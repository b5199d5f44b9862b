"""A small client for a tcplab server: TCP connection teardown on a virtual clock.

Standard library only (``urllib``, ``json``). ``pandas`` is needed for :meth:`Simulation.trace_df`
and ``matplotlib`` for :meth:`Simulation.ladder`; both are imported only when those are called.

    >>> from tcplab_client import Lab
    >>> sim = Lab("http://localhost:8080").simulation(profile="linux", seed=42)
    >>> sim.pair(); sim.lose("client", "ACK"); sim.close("client")
    >>> sim.advance(50); sim.close("server"); sim.run_until_idle()
    >>> sim.ladder()

Every HTTP error raises :class:`ProblemError` carrying the server's problem+json ``detail``.
"""

from .client import Lab, Simulation, Pair, ScenarioRun, ProblemError
from .ladder import ladder, state_sequence

__all__ = ["Lab", "Simulation", "Pair", "ScenarioRun", "ProblemError", "ladder", "state_sequence"]
__version__ = "0.2.0"
