package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * Resource bounds of one connection, at packet level through the public Simulation API:
 * the MSS floor (RFC 9293 §3.7.1), the send buffer of SEND (§3.10.2, send(2) on a
 * non-blocking socket) and a flight bounded by the send window (§3.8.6, SND.UNA +
 * SND.WND).
 */
class SendBufferTest {

	static final int SIXTEEN_MIB = 16 * 1024 * 1024;

	// RFC 9293 §3.7.1
	@Test
	void shouldRefuseAnMssBelowTheDefaultSendMss536() {
		assertThatThrownBy(() -> StackConstants.forProfile("linux").withOverrides(Map.of("mss", 535)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("mss must be between 536");
		assertThatThrownBy(() -> StackConstants.forProfile("linux").withOverrides(Map.of("mss", 1)))
			.isInstanceOf(IllegalArgumentException.class);
		assertThat(StackConstants.forProfile("linux").withOverrides(Map.of("mss", 536)).mss()).isEqualTo(536);
	}

	// RFC 9293 §3.10.2 SEND
	@Test
	void shouldTakeWhatFitsInTheSendBufferThenAnswerEwouldblock() {
		Fixtures f = Fixtures.established("linux", Map.of("mss", 536));
		// the server never reads: its window closes, the client's buffer fills
		assertThat(f.send(Side.CLIENT, SIXTEEN_MIB)).isEqualTo((int) Tcb.SEND_BUFFER_BYTES);
		assertThat(f.send(Side.CLIENT, SIXTEEN_MIB)).isEqualTo("EWOULDBLOCK");
		assertThat(f.send(Side.CLIENT, 0)).isEqualTo(0);
		assertThat(f.ep(Side.CLIENT).sendBuffered()).isEqualTo(Tcb.SEND_BUFFER_BYTES);
		f.sim.advance(1_000);
		// the peer acknowledged one window; that much room is free again: a partial write
		long buffered = f.ep(Side.CLIENT).sendBuffered();
		assertThat(buffered).isLessThan(Tcb.SEND_BUFFER_BYTES);
		assertThat(f.send(Side.CLIENT, SIXTEEN_MIB)).isEqualTo((int) (Tcb.SEND_BUFFER_BYTES - buffered));
	}

	// RFC 9293 §3.10.2 SEND
	@Test
	void shouldNeverWrapTheCountersOnManyLargeSends() {
		Fixtures f = Fixtures.established();
		for (int i = 0; i < 130; i++) {
			f.send(Side.CLIENT, SIXTEEN_MIB);
		}
		long buffered = f.ep(Side.CLIENT).sendBuffered();
		assertThat(buffered).isBetween(0L, Tcb.SEND_BUFFER_BYTES);
		// the connection is not wedged: the server reads, data flows, the client closes
		f.recv(Side.SERVER);
		f.sim.advance(200);
		assertThat(f.recv(Side.SERVER)).isInstanceOf(Integer.class);
		assertThat(f.close(Side.CLIENT)).isEqualTo(0);
	}

	// RFC 9293 §3.8.6
	@Test
	void shouldBoundTheSegmentsInFlightByTheWindow() {
		Fixtures f = Fixtures.established("linux", Map.of("mss", 536, "timestamps", false));
		long from = f.sim.nextSeq();
		// nothing is acknowledged before the clock moves: everything sent is in flight
		f.send(Side.CLIENT, SIXTEEN_MIB);
		List<TraceEvent.Segment> data = Fixtures.segments(f.sim.eventsSince(from), "sent")
			.stream()
			.filter(s -> s.len() > 0)
			.toList();
		int window = f.sim.constants().windowBytes();
		int bytes = data.stream().mapToInt(TraceEvent.Segment::len).sum();
		assertThat(bytes).isEqualTo(window);
		assertThat(data).hasSize((window + 535) / 536);
		assertThat(data).allSatisfy(s -> assertThat(s.len()).isLessThanOrEqualTo(536));
	}

}
