package dev.tcplab.deploy;

import dev.tcplab.reliability.RawHttp;
import dev.tcplab.testing.Visitor;
import tools.jackson.databind.JsonNode;

/**
 * What a browser asks the site for when a visitor opens the page: the page and its
 * script, the scenario list, a simulation with one pair on a realtime clock, its state
 * and trace, and the handshake of its stream.
 *
 * @param simulationId the page's simulation
 * @param stream the answer to the stream's WebSocket handshake (101, or a refusal)
 */
record PageOpen(String simulationId, RawHttp.Response stream) {

	/** Opens the page as {@code v}; null when the site refused the simulation. */
	static PageOpen open(Visitor v, long seed) {
		v.send("GET", "/", null);
		v.send("GET", "/app.js", null);
		v.json("GET", "/api/scenarios", null, 200);
		JsonNode sim = v.json("POST", "/api/simulations",
				"{\"profile\":\"linux\",\"seed\":" + seed + ",\"latencyMs\":10,\"clock\":\"manual\"}", 201);
		if (sim == null) {
			return null;
		}
		String page = sim.get("id").asString();
		v.json("POST", "/api/simulations/" + page + "/pairs", "{\"serverPort\":80}", 201);
		v.json("POST", "/api/simulations/" + page + "/clock", "{\"clock\":\"realtime\",\"paused\":false,\"speed\":1}",
				200);
		v.json("GET", "/api/simulations/" + page, null, 200);
		v.json("GET", "/api/simulations/" + page + "/trace?since=0", null, 200);
		return new PageOpen(page, v.raw().send(RawHttp.handshake("/ws/simulations/" + page + "?since=0")));
	}

}
