package dev.tcplab.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.TcpFlag;

/**
 * One event for {@code POST /api/simulations/{id}/pairs/{pairId}/events} (design.md
 * "Events"). {@code type} selects which of the other fields matter. Converted completely
 * into a {@link PairEvent} before the engine sees it, so a malformed event never reaches
 * the simulation.
 */
@Schema(description = """
		One socket call, network fault or protocol poke on one side of a pair.
		Socket calls: close, shutdown{how}, send{bytes}, recv{max?}, abort, setsockopt{option:SO_LINGER,onoff,seconds | option:SO_REUSEADDR,value}.
		Network (segments that `side` sends): lose|duplicate|hold{segment, count?, nth?}, delay{segment, ms, count?, nth?}, release.
		Pokes: resend-fin, inject{flags, seq?, ack?, len?}.""",
		example = "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\",\"count\":1}")
record PairEventRequest(
		@Schema(description = "Event type", example = "close", requiredMode = Schema.RequiredMode.REQUIRED,
				allowableValues = {
						"close", "shutdown", "send", "recv", "abort", "setsockopt", "lose", "duplicate", "delay",
						"hold", "release", "resend-fin", "inject" }) @NotBlank @Size(max = 32) String type,
		@Schema(description = "client or server", example = "client", requiredMode = Schema.RequiredMode.REQUIRED,
				allowableValues = { "client", "server" }) @NotBlank @Size(max = 16) String side,
		@Schema(description = "shutdown: SHUT_RD, SHUT_WR or SHUT_RDWR",
				example = "SHUT_WR") @Size(max = 16) String how,
		@Schema(description = "send: number of bytes", example = "100") @Min(0) @Max(16_777_216) Integer bytes,
		@Schema(description = "recv: most bytes to read (absent = everything buffered)",
				example = "100") @Min(0) @Max(16_777_216) Integer max,
		@Schema(description = "setsockopt: SO_LINGER or SO_REUSEADDR",
				example = "SO_LINGER") @Size(max = 16) String option,
		@Schema(description = "setsockopt SO_LINGER: l_onoff (0 or 1)", example = "1") @Min(0) @Max(1) Integer onoff,
		@Schema(description = "setsockopt SO_LINGER: l_linger in seconds",
				example = "0") @Min(0) @Max(3600) Integer seconds,
		@Schema(description = "setsockopt SO_REUSEADDR: on or off", example = "true") Boolean value,
		@Schema(description = "fault rules: FIN, ACK (pure ACK), SYN, RST, DATA or ANY",
				example = "ACK") @Size(max = 8) String segment,
		@Schema(description = "fault rules: how many matching segments it applies to", example = "1",
				defaultValue = "1") @Min(1) @Max(1000) Integer count,
		@Schema(description = "fault rules: skip the first nth-1 matches",
				example = "1") @Min(0) @Max(1000) Integer nth,
		@Schema(description = "delay: extra delay in ms", example = "500") @Min(1) @Max(3_600_000) Long ms,
		@Schema(description = "inject: TCP flags", example = "[\"FIN\",\"ACK\"]") @Size(max = 5) List<String> flags,
		@Schema(description = "inject: raw sequence number (absent = the side's SND.NXT)",
				example = "1001") @Min(0) @Max(4_294_967_295L) Long seq,
		@Schema(description = "inject: raw acknowledgment number (absent = the side's RCV.NXT)",
				example = "5001") @Min(0) @Max(4_294_967_295L) Long ack,
		@Schema(description = "inject: payload length", example = "0",
				defaultValue = "0") @Min(0) @Max(65495) Integer len){

	static final List<String> TYPES = List.of("close", "shutdown", "send", "recv", "abort", "setsockopt", "lose",
			"duplicate", "delay", "hold", "release", "resend-fin", "inject");

	/**
	 * @throws IllegalArgumentException naming the field that is missing or wrong
	 */
	PairEvent toEvent() {
		Side s = Side.parse(side);
		String t = type.trim().toLowerCase(Locale.ROOT);
		return switch (t) {
			case "close" -> new PairEvent.Close(s);
			case "abort" -> new PairEvent.Abort(s);
			case "shutdown" -> new PairEvent.Shutdown(s, parseHow());
			case "send" -> new PairEvent.Send(s, require("bytes", bytes));
			case "recv" -> new PairEvent.Recv(s, max);
			case "setsockopt" -> setsockopt(s);
			case "lose" -> fault(s, FaultAction.DROP, 0);
			case "duplicate" -> fault(s, FaultAction.DUPLICATE, 0);
			case "hold" -> fault(s, FaultAction.HOLD, 0);
			case "delay" -> fault(s, FaultAction.DELAY, require("ms", ms));
			case "release" -> new PairEvent.Release(s);
			case "resend-fin" -> new PairEvent.ResendFin(s);
			case "inject" -> inject(s);
			default -> throw new IllegalArgumentException(
					"unknown event type \"" + type + "\"; known types: " + String.join(", ", TYPES));
		};
	}

	private String parseHow() {
		String h = require("how", how).trim().toUpperCase(Locale.ROOT);
		if (!h.equals("SHUT_RD") && !h.equals("SHUT_WR") && !h.equals("SHUT_RDWR")) {
			throw new IllegalArgumentException("how must be SHUT_RD, SHUT_WR or SHUT_RDWR, got \"" + how + "\"");
		}
		return h;
	}

	private PairEvent setsockopt(Side s) {
		String opt = require("option", option).trim().toUpperCase(Locale.ROOT);
		return switch (opt) {
			case "SO_LINGER" -> new PairEvent.SetLinger(s, require("onoff", onoff), require("seconds", seconds));
			case "SO_REUSEADDR" -> new PairEvent.SetReuseAddr(s, require("value", value));
			default ->
				throw new IllegalArgumentException("option must be SO_LINGER or SO_REUSEADDR, got \"" + option + "\"");
		};
	}

	private PairEvent fault(Side s, FaultAction action, long delayMs) {
		String seg = require("segment", segment).trim().toUpperCase(Locale.ROOT);
		SegmentMatch match;
		try {
			match = SegmentMatch.valueOf(seg);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(
					"segment must be one of FIN, ACK, SYN, RST, DATA, ANY, got \"" + segment + "\"");
		}
		return new PairEvent.Fault(s, action, match, count == null ? 1 : count, nth == null ? 0 : nth, delayMs);
	}

	private PairEvent inject(Side s) {
		List<String> given = require("flags", flags);
		List<TcpFlag> parsed = new ArrayList<>();
		for (String f : given) {
			if (f == null) {
				throw new IllegalArgumentException("flags must not contain null");
			}
			try {
				TcpFlag flag = TcpFlag.valueOf(f.trim().toUpperCase(Locale.ROOT));
				if (!parsed.contains(flag)) {
					parsed.add(flag);
				}
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("flags may contain SYN, ACK, FIN, RST, PSH, got \"" + f + "\"");
			}
		}
		if (parsed.isEmpty()) {
			throw new IllegalArgumentException("inject needs at least one flag");
		}
		return new PairEvent.Inject(s, List.copyOf(parsed), seq, ack, len == null ? 0 : len);
	}

	private <T> T require(String name, T value) {
		if (value == null) {
			throw new IllegalArgumentException("event type \"" + type + "\" needs \"" + name + "\"");
		}
		return value;
	}
}
