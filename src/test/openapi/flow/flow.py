"""One full flow through the Python client that openapi-generator makes from the live document
(GeneratedClientsTest): the lost last ACK, then TIME_WAIT, read back as typed trace events; a 404 as
the client's NotFoundException. Prints "python flow ok"."""

import sys

import tcplab_api
from tcplab_api.exceptions import NotFoundException
from tcplab_api.models import ClockRequest, CreatePairRequest, CreateSimulationRequest, PairEventRequest, TraceState

config = tcplab_api.Configuration(host=sys.argv[1])
with tcplab_api.ApiClient(config) as client:
    simulations = tcplab_api.SimulationsApi(client)
    sim = simulations.create_simulation(CreateSimulationRequest(profile="linux", seed=42))
    simulations.open_pair(sim.id, CreatePairRequest())

    def event(text):
        simulations.apply_pair_event(sim.id, 1, PairEventRequest.from_json(text))

    event('{"type": "lose", "side": "client", "segment": "ACK"}')
    event('{"type": "close", "side": "client"}')
    simulations.move_clock(sim.id, ClockRequest(advance_ms=50))
    event('{"type": "close", "side": "server"}')
    simulations.move_clock(sim.id, ClockRequest(run_until_idle=True))
    trace = simulations.get_simulation_trace(sim.id, since=0)
    states = [e.actual_instance for e in trace.events if isinstance(e.actual_instance, TraceState)]
    client_states = [s.to for s in states if s.endpoint == "client"]
    assert [str(getattr(s, "value", s)) for s in client_states[-3:]] == ["FIN_WAIT_2", "TIME_WAIT", "CLOSED"], client_states
    assert simulations.get_simulation(sim.id).now_ms >= 60000
    simulations.delete_simulation(sim.id)
    try:
        simulations.get_simulation(sim.id)
        raise AssertionError("a deleted simulation was found")
    except NotFoundException:
        pass
    scenarios = tcplab_api.ScenariosApi(client).list_scenarios()
    print(f"python flow ok: {len(trace.events)} events, {len(scenarios)} scenarios")
