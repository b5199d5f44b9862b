package dev.tcplab.capture;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.swagger.v3.oas.annotations.media.Schema;

import dev.tcplab.capture.Diagnoser.Diagnostic;

/** The JSON documents of the capture routes (docs/captures.md). */
final class CaptureJson {

	private CaptureJson() {
	}

	@Schema(description = "An endpoint of a connection")
	record Endpoint(@Schema(example = "192.0.2.10") String addr, @Schema(example = "8080") int port) {
	}

	@Schema(description = "One TCP connection of the capture (one incarnation of its 4-tuple)")
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record Connection(@Schema(description = "1, 2, … in the order the connections start", example = "1") int id,
			@Schema(description = "The side that sent the first SYN (guessed from the ports when the handshake is missing)") Endpoint client,
			Endpoint server,
			@Schema(description = "First packet, ms after the capture's first packet", example = "0.0") double firstMs,
			@Schema(example = "184.7") double lastMs, @Schema(example = "11") long packets,
			@Schema(example = "client closed first · client TIME_WAIT, server CLOSED") String summary,
			List<Diagnostic> diagnostics,
			@Schema(description = "Whether the capture holds its handshake") boolean handshake,
			@Schema(description = "Where the capture was taken, from the handshake's timing: client, server, between, both (same host) or unknown") String capturePoint,
			@Schema(description = "Each endpoint's state at the end of the capture") Map<String, String> states,
			@Schema(description = "Payload bytes each side sent") Map<String, Long> bytes,
			@Schema(description = "The previous connection on the same 4-tuple, if any") Integer previous,
			@Schema(description = "First and last packet numbers (as Wireshark counts)") List<Long> packetRange) {
	}

	@Schema(description = "An imported capture")
	record Capture(@Schema(example = "c0ffee00-…") String id,
			@Schema(description = "Profile the states were inferred with", example = "linux") String profile,
			@Schema(description = "Packets in the file") long frames,
			@Schema(description = "TCP segments among them") long tcpPackets,
			@Schema(description = "Packets that were not TCP, by reason") Map<String, Long> skipped,
			@Schema(description = "Timestamp of the first packet, ms since the epoch") double startEpochMs,
			@Schema(description = "Last packet, ms after the first") double durationMs,
			@Schema(description = "When it will be deleted unless read again") String expiresAt,
			List<Connection> connections) {
	}

	@Schema(description = "A capture the client holds")
	record Held(String id, long bytes, int connections, String createdAt, String expiresAt) {
	}

}
