package dev.tcplab.stream;

import dev.tcplab.simulation.LiveSimulation;

import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * {@code /ws/simulations/{id}?since=N}: streams a simulation's trace (docs/stream.md).
 * The stream is one-way; text the client sends is ignored.
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
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		// one-way stream: nothing to do with client text
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
