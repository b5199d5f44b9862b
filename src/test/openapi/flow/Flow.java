import java.util.List;

import dev.gen.ApiClient;
import dev.gen.ApiException;
import dev.gen.api.ScenariosApi;
import dev.gen.api.SimulationsApi;
import dev.gen.model.ClockRequest;
import dev.gen.model.CreatePairRequest;
import dev.gen.model.CreateSimulationRequest;
import dev.gen.model.PairEventRequest;
import dev.gen.model.SimulationJson;
import dev.gen.model.TraceEvent;
import dev.gen.model.TraceResponse;
import dev.gen.model.TraceState;

/**
 * One full flow through the Java client that openapi-generator makes from the live
 * document (GeneratedClientsTest): the lost last ACK, then TIME_WAIT, read back as typed
 * trace events; a 404 as the client's ApiException. Prints "java flow ok".
 */
public class Flow {

	public static void main(String[] args) throws Exception {
		ApiClient client = new ApiClient();
		client.updateBaseUri(args[0]);
		SimulationsApi simulations = new SimulationsApi(client);
		SimulationJson sim = simulations.createSimulation(new CreateSimulationRequest().profile("linux").seed(42L));
		String id = sim.getId();
		simulations.openPair(id, new CreatePairRequest());
		event(client, simulations, id, "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\"}");
		event(client, simulations, id, "{\"type\":\"close\",\"side\":\"client\"}");
		simulations.moveClock(id, new ClockRequest().advanceMs(50.0));
		event(client, simulations, id, "{\"type\":\"close\",\"side\":\"server\"}");
		simulations.moveClock(id, new ClockRequest().runUntilIdle(true));
		TraceResponse trace = simulations.getSimulationTrace(id, 0L, null);
		List<String> client1 = trace.getEvents()
			.stream()
			.map(TraceEvent::getActualInstance)
			.filter(e -> e instanceof TraceState s && "client".equals(s.getEndpoint()))
			.map(e -> ((TraceState) e).getTo().getValue())
			.toList();
		if (!client1.subList(client1.size() - 3, client1.size()).equals(List.of("FIN_WAIT_2", "TIME_WAIT", "CLOSED"))) {
			throw new AssertionError("client states " + client1);
		}
		if (simulations.getSimulation(id).getNowMs() < 60000) {
			throw new AssertionError("TIME_WAIT's minute did not pass");
		}
		simulations.deleteSimulation(id);
		try {
			simulations.getSimulation(id);
			throw new AssertionError("a deleted simulation was found");
		}
		catch (ApiException expected) {
			if (expected.getCode() != 404) {
				throw expected;
			}
		}
		int scenarios = new ScenariosApi(client).listScenarios().size();
		System.out.println("java flow ok: " + trace.getEvents().size() + " events, " + scenarios + " scenarios");
	}

	static void event(ApiClient client, SimulationsApi simulations, String id, String json) throws Exception {
		PairEventRequest event = client.getObjectMapper().readValue(json, PairEventRequest.class);
		simulations.applyPairEvent(id, 1, event);
	}

}
