package dev.tcplab.simulation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.swagger.v3.oas.annotations.media.DiscriminatorMapping;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.TcpFlag;

/**
 * One event for {@code POST /api/simulations/{id}/pairs/{pairId}/events} (design.md
 * "Events"): {@code type} selects the record, Bean Validation checks its fields, and
 * {@link #toEvent()} builds the engine's {@link PairEvent}, so a malformed event never
 * reaches the simulation.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(value = PairEventRequest.Close.class, name = "close"),
		@JsonSubTypes.Type(value = PairEventRequest.Shutdown.class, name = "shutdown"),
		@JsonSubTypes.Type(value = PairEventRequest.Send.class, name = "send"),
		@JsonSubTypes.Type(value = PairEventRequest.Recv.class, name = "recv"),
		@JsonSubTypes.Type(value = PairEventRequest.Abort.class, name = "abort"),
		@JsonSubTypes.Type(value = PairEventRequest.SetSockOpt.class, name = "setsockopt"),
		@JsonSubTypes.Type(value = PairEventRequest.Lose.class, name = "lose"),
		@JsonSubTypes.Type(value = PairEventRequest.Duplicate.class, name = "duplicate"),
		@JsonSubTypes.Type(value = PairEventRequest.Delay.class, name = "delay"),
		@JsonSubTypes.Type(value = PairEventRequest.Hold.class, name = "hold"),
		@JsonSubTypes.Type(value = PairEventRequest.Release.class, name = "release"),
		@JsonSubTypes.Type(value = PairEventRequest.ResendFin.class, name = "resend-fin"),
		@JsonSubTypes.Type(value = PairEventRequest.Inject.class, name = "inject") })
@Schema(description = """
		One socket call, network fault or protocol poke on one side of a pair; `type` selects which.
		Socket calls: close, shutdown, send, recv, abort, setsockopt. Network faults on the segments that `side` sends:
		lose, duplicate, hold, delay, release. Pokes: resend-fin, inject.""",
		example = "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\",\"count\":1}",
		discriminatorProperty = "type",
		discriminatorMapping = { @DiscriminatorMapping(value = "close", schema = PairEventRequest.Close.class),
				@DiscriminatorMapping(value = "shutdown", schema = PairEventRequest.Shutdown.class),
				@DiscriminatorMapping(value = "send", schema = PairEventRequest.Send.class),
				@DiscriminatorMapping(value = "recv", schema = PairEventRequest.Recv.class),
				@DiscriminatorMapping(value = "abort", schema = PairEventRequest.Abort.class),
				@DiscriminatorMapping(value = "setsockopt", schema = PairEventRequest.SetSockOpt.class),
				@DiscriminatorMapping(value = "lose", schema = PairEventRequest.Lose.class),
				@DiscriminatorMapping(value = "duplicate", schema = PairEventRequest.Duplicate.class),
				@DiscriminatorMapping(value = "delay", schema = PairEventRequest.Delay.class),
				@DiscriminatorMapping(value = "hold", schema = PairEventRequest.Hold.class),
				@DiscriminatorMapping(value = "release", schema = PairEventRequest.Release.class),
				@DiscriminatorMapping(value = "resend-fin", schema = PairEventRequest.ResendFin.class),
				@DiscriminatorMapping(value = "inject", schema = PairEventRequest.Inject.class) },
		oneOf = { PairEventRequest.Close.class, PairEventRequest.Shutdown.class, PairEventRequest.Send.class,
				PairEventRequest.Recv.class, PairEventRequest.Abort.class, PairEventRequest.SetSockOpt.class,
				PairEventRequest.Lose.class, PairEventRequest.Duplicate.class, PairEventRequest.Delay.class,
				PairEventRequest.Hold.class, PairEventRequest.Release.class, PairEventRequest.ResendFin.class,
				PairEventRequest.Inject.class })
public sealed interface PairEventRequest {

	/** The {@code type} names, in the order design.md lists them. */
	List<String> TYPES = Arrays.stream(PairEventRequest.class.getAnnotation(JsonSubTypes.class).value())
		.map(JsonSubTypes.Type::name)
		.toList();

	String SIDE_PATTERN = "(?i)\\s*(client|server)\\s*";

	String SIDE_MESSAGE = "must be \"client\" or \"server\"";

	String SEGMENT_PATTERN = "(?i)\\s*(FIN|ACK|SYN|RST|DATA|ANY)\\s*";

	String SEGMENT_MESSAGE = "must be one of FIN, ACK, SYN, RST, DATA, ANY";

	String side();

	/** The engine's event; the record's constraints hold. */
	PairEvent toEvent();

	private static Side sideOf(String side) {
		return Side.parse(side);
	}

	private static PairEvent fault(String side, FaultAction action, String segment, Integer count, Integer nth,
			long delayMs) {
		return new PairEvent.Fault(sideOf(side), action, SegmentMatch.valueOf(segment.trim().toUpperCase(Locale.ROOT)),
				count == null ? 1 : count, nth == null ? 0 : nth, delayMs);
	}

	// ---- socket calls ----

	@Schema(name = "CloseEvent", description = "close(): honours SO_LINGER; RST instead of FIN with unread data")
	record Close(@Schema(description = "client or server", example = "client",
			requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
					message = SIDE_MESSAGE) String side)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return new PairEvent.Close(sideOf(this.side));
		}

	}

	@Schema(name = "ShutdownEvent", description = "shutdown(how)")
	record Shutdown(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "SHUT_RD, SHUT_WR or SHUT_RDWR", example = "SHUT_WR",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotNull @Pattern(
							regexp = "(?i)\\s*SHUT_(RD|WR|RDWR)\\s*",
							message = "must be SHUT_RD, SHUT_WR or SHUT_RDWR") String how)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return new PairEvent.Shutdown(sideOf(this.side), this.how);
		}

	}

	@Schema(name = "SendEvent", description = "send(bytes): queues bytes (their content is not modelled)")
	record Send(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "number of bytes", example = "100",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotNull @Min(0) @Max(16_777_216) Integer bytes)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return new PairEvent.Send(sideOf(this.side), this.bytes);
		}

	}

	@Schema(name = "RecvEvent",
			description = "recv(max): buffered bytes, 0 at EOF, ECONNRESET after RST, \"pending\" when it blocks")
	record Recv(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "most bytes to read (absent = everything buffered)",
					example = "100") @Min(0) @Max(16_777_216) Integer max)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return new PairEvent.Recv(sideOf(this.side), this.max);
		}

	}

	@Schema(name = "AbortEvent", description = "SO_LINGER {1,0} then close(): RST, no TIME_WAIT")
	record Abort(@Schema(description = "client or server", example = "client",
			requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
					message = SIDE_MESSAGE) String side)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return new PairEvent.Abort(sideOf(this.side));
		}

	}

	@Schema(name = "SetSockOptEvent",
			description = "setsockopt: SO_LINGER with onoff and seconds, or SO_REUSEADDR with value")
	record SetSockOpt(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "SO_LINGER or SO_REUSEADDR", example = "SO_LINGER",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotNull @Pattern(
							regexp = "(?i)\\s*(SO_LINGER|SO_REUSEADDR)\\s*",
							message = "must be SO_LINGER or SO_REUSEADDR") String option,
			@Schema(description = "SO_LINGER: l_onoff (0 or 1)", example = "1") @Min(0) @Max(1) Integer onoff,
			@Schema(description = "SO_LINGER: l_linger in seconds", example = "0") @Min(0) @Max(3600) Integer seconds,
			@Schema(description = "SO_REUSEADDR: on or off", example = "true") Boolean value)
			implements
				PairEventRequest {

		@JsonIgnore
		public boolean isLinger() {
			return this.option != null && this.option.trim().equalsIgnoreCase("SO_LINGER");
		}

		@JsonIgnore
		@AssertTrue(message = "missing: SO_LINGER needs onoff and seconds, SO_REUSEADDR needs value")
		public boolean isOptionArguments() {
			if (this.option == null) {
				return true; // reported by @NotNull
			}
			return isLinger() ? this.onoff != null && this.seconds != null : this.value != null;
		}

		@Override
		public PairEvent toEvent() {
			Side s = sideOf(this.side);
			return isLinger() ? new PairEvent.SetLinger(s, this.onoff, this.seconds)
					: new PairEvent.SetReuseAddr(s, this.value);
		}

	}

	// ---- network faults on the segments that side sends ----

	@Schema(name = "LoseEvent", description = "Drop matching segments that side sends")
	record Lose(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "FIN, ACK (pure ACK), SYN, RST, DATA or ANY", example = "ACK",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotNull @Pattern(regexp = SEGMENT_PATTERN,
							message = SEGMENT_MESSAGE) String segment,
			@Schema(description = "how many matching segments it applies to", example = "1",
					defaultValue = "1") @Min(1) @Max(1000) Integer count,
			@Schema(description = "skip the first nth-1 matches", example = "1") @Min(0) @Max(1000) Integer nth)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return fault(this.side, FaultAction.DROP, this.segment, this.count, this.nth, 0);
		}

	}

	@Schema(name = "DuplicateEvent", description = "Deliver matching segments that side sends twice")
	record Duplicate(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "FIN, ACK (pure ACK), SYN, RST, DATA or ANY", example = "ACK",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotNull @Pattern(regexp = SEGMENT_PATTERN,
							message = SEGMENT_MESSAGE) String segment,
			@Schema(description = "how many matching segments it applies to", example = "1",
					defaultValue = "1") @Min(1) @Max(1000) Integer count,
			@Schema(description = "skip the first nth-1 matches", example = "1") @Min(0) @Max(1000) Integer nth)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return fault(this.side, FaultAction.DUPLICATE, this.segment, this.count, this.nth, 0);
		}

	}

	@Schema(name = "DelayEvent", description = "Delay matching segments that side sends by ms")
	record Delay(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "FIN, ACK (pure ACK), SYN, RST, DATA or ANY", example = "ACK",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotNull @Pattern(regexp = SEGMENT_PATTERN,
							message = SEGMENT_MESSAGE) String segment,
			@Schema(description = "extra delay in ms", example = "500",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotNull @Min(1) @Max(3_600_000) Long ms,
			@Schema(description = "how many matching segments it applies to", example = "1",
					defaultValue = "1") @Min(1) @Max(1000) Integer count,
			@Schema(description = "skip the first nth-1 matches", example = "1") @Min(0) @Max(1000) Integer nth)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return fault(this.side, FaultAction.DELAY, this.segment, this.count, this.nth, this.ms);
		}

	}

	@Schema(name = "HoldEvent", description = "Hold matching segments that side sends until release")
	record Hold(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "FIN, ACK (pure ACK), SYN, RST, DATA or ANY", example = "ACK",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotNull @Pattern(regexp = SEGMENT_PATTERN,
							message = SEGMENT_MESSAGE) String segment,
			@Schema(description = "how many matching segments it applies to", example = "1",
					defaultValue = "1") @Min(1) @Max(1000) Integer count,
			@Schema(description = "skip the first nth-1 matches", example = "1") @Min(0) @Max(1000) Integer nth)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return fault(this.side, FaultAction.HOLD, this.segment, this.count, this.nth, 0);
		}

	}

	@Schema(name = "ReleaseEvent", description = "Deliver every held segment that side sent, in order")
	record Release(@Schema(description = "client or server", example = "client",
			requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
					message = SIDE_MESSAGE) String side)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return new PairEvent.Release(sideOf(this.side));
		}

	}

	// ---- protocol pokes ----

	@Schema(name = "ResendFinEvent", description = "Retransmit that side's FIN now")
	record ResendFin(@Schema(description = "client or server", example = "client",
			requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
					message = SIDE_MESSAGE) String side)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			return new PairEvent.ResendFin(sideOf(this.side));
		}

	}

	@Schema(name = "InjectEvent", description = "A raw segment as if sent by side on the pair's 4-tuple")
	record Inject(
			@Schema(description = "client or server", example = "client",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotBlank @Pattern(regexp = SIDE_PATTERN,
							message = SIDE_MESSAGE) String side,
			@Schema(description = "TCP flags: SYN, ACK, FIN, RST, PSH", example = "[\"FIN\",\"ACK\"]",
					requiredMode = Schema.RequiredMode.REQUIRED) @NotEmpty(
							message = "inject needs at least one flag") @Size(
									max = 5) List<@NotNull @Pattern(regexp = "(?i)\\s*(SYN|ACK|FIN|RST|PSH)\\s*",
											message = "may contain SYN, ACK, FIN, RST, PSH") String> flags,
			@Schema(description = "raw sequence number (absent = the side's SND.NXT)",
					example = "1001") @Min(0) @Max(4_294_967_295L) Long seq,
			@Schema(description = "raw acknowledgment number (absent = the side's RCV.NXT)",
					example = "5001") @Min(0) @Max(4_294_967_295L) Long ack,
			@Schema(description = "payload length", example = "0", defaultValue = "0") @Min(0) @Max(65495) Integer len)
			implements
				PairEventRequest {

		@Override
		public PairEvent toEvent() {
			List<TcpFlag> parsed = new ArrayList<>();
			for (String f : this.flags) {
				TcpFlag flag = TcpFlag.valueOf(f.trim().toUpperCase(Locale.ROOT));
				if (!parsed.contains(flag)) {
					parsed.add(flag);
				}
			}
			return new PairEvent.Inject(sideOf(this.side), parsed, this.seq, this.ack, this.len == null ? 0 : this.len);
		}

	}

}
