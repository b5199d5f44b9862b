package dev.tcplab.stream;

import dev.tcplab.simulation.LiveSimulation;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code /ws/simulations/{id}?since=N}: streams a simulation's trace (docs/stream.md).
 * The stream is one-way: a client that sends a data frame is closed with 1008 (policy
 * violation) and its connection dropped at once, so nothing more it sends is read; binary
 * frames get {@link TextWebSocketHandler}'s 1003.
 */
@Component
class TraceStreamHandler extends TextWebSocketHandler {

	private final TraceStreamer streamer;

	TraceStreamHandler(TraceStreamer streamer) {
		this.streamer = streamer;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		LiveSimulation live = (LiveSimulation) session.getAttributes().get(SimulationHandshakeInterceptor.SIMULATION);
		Long since = (Long) session.getAttributes().get(SimulationHandshakeInterceptor.SINCE);
		this.streamer.open(session, live, since);
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) throws Exception {
		this.streamer.refuseData(session);
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		this.streamer.closed(session);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		this.streamer.closed(session);
	}

}
