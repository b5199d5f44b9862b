package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The Nagle algorithm (RFC 1122 §4.2.3.4) at packet level: Linux's Minshall variant
 * ({@code tcp_nagle_check}, {@code tcp_minshall_check}, {@code tcp_write_xmit}), the
 * classic rule of the other profiles, the FIN that takes the held bytes
 * ({@code tcp_send_fin}) and TCP_NODELAY. Measured on Linux 6.18 with packetdrill:
 * nagle-*.pkt (docs/engine.md).
 */
class NagleTest {

	/**
	 * The client writes {@code bytes} one write after another at the same instant;
	 * returns the trace position before the first.
	 */
	private static long writes(Fixtures f, int... bytes) {
		long since = f.sim.nextSeq();
		for (int n : bytes) {
			f.send(Side.CLIENT, n);
		}
		return since;
	}

	// RFC 1122 §4.2.3.4, Linux tcp_nagle_check: a second short write waits for the ACK
	@Test
	void shouldHoldASecondShortWriteUntilTheAckInTcpNagleCheckOnLinux() {
		Fixtures f = Fixtures.established();
		long since = writes(f, 100, 100, 100);
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=100");
		assertThat(Fixtures.notes(f.sim.eventsSince(since))).contains("NAGLE_HELD");
		assertThat(f.ep(Side.CLIENT).sendBuffered()).isEqualTo(300);
		f.sim.advance(100);
		// the server's ACK of the first 100 bytes lets the 200 held bytes out as one
		// segment
		assertThat(f.sentSince(since)).containsSubsequence("client PSH,ACK len=100", "server ACK",
				"client PSH,ACK len=200");
	}

	// Linux tcp_send_fin: the FIN goes on the held data, pushed with TCP_NAGLE_OFF (FP.)
	@Test
	void shouldPutTheFinOnTheHeldBytesAtCloseInTcpSendFin() {
		for (String profile : StackConstants.PROFILES) {
			Fixtures f = Fixtures.established(profile, Map.of());
			long since = writes(f, 100, 100);
			f.close(Side.CLIENT);
			assertThat(f.sentSince(since)).as(profile)
				.containsExactly("client PSH,ACK len=100", "client FIN,PSH,ACK len=100");
		}
	}

	// Linux tcp_minshall_check: only a short segment in flight holds a short write; RFC
	// 1122 §4.2.3.4 holds it behind any unacknowledged data
	@Test
	void shouldNotHoldAShortWriteBehindAFullSegmentInTcpMinshallCheckOnLinux() {
		// linux negotiates timestamps: a full segment is the MSS less their 12 bytes
		// (1448)
		Fixtures linux = Fixtures.established();
		long since = writes(linux, 1448, 100, 100);
		assertThat(linux.sentSince(since)).containsExactly("client PSH,ACK len=1448", "client PSH,ACK len=100");

		Fixtures rfc = Fixtures.established("rfc9293", Map.of());
		since = writes(rfc, 1460, 100);
		assertThat(rfc.sentSince(since)).containsExactly("client PSH,ACK len=1460");
		rfc.sim.advance(400);
		assertThat(rfc.sentSince(since)).containsSubsequence("client PSH,ACK len=1460", "server ACK",
				"client PSH,ACK len=100");
	}

	// RFC 1122 §4.2.3.4 classic rule, evaluated when the send begins (BSD tcp_output's
	// idle test): one write on an idle connection is never split by it
	@Test
	void shouldSendAWholeWriteOnAnIdleConnectionOnRfc9293() {
		Fixtures f = Fixtures.established("rfc9293", Map.of());
		long since = writes(f, 4000);
		assertThat(f.sentSince(since)).containsExactly("client ACK len=1460", "client ACK len=1460",
				"client PSH,ACK len=1080");
	}

	// TCP_NODELAY (Linux tcp_sock_set_nodelay) and nagle = off: nothing is held
	@Test
	void shouldSendEveryShortWriteAtOnceWithTcpNodelay() {
		Fixtures f = Fixtures.established();
		assertThat(f.sim.setNoDelay(f.pair, Side.CLIENT, true).result()).isEqualTo(0);
		long since = writes(f, 100, 100);
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=100", "client PSH,ACK len=100");

		Fixtures off = Fixtures.established("linux", Map.of("nagle", "off"));
		since = writes(off, 100, 100);
		assertThat(off.sentSince(since)).containsExactly("client PSH,ACK len=100", "client PSH,ACK len=100");
	}

	// turning TCP_NODELAY on sends what Nagle held (Linux tcp_sock_set_nodelay pushes)
	@Test
	void shouldSendTheHeldBytesWhenTcpNodelayIsTurnedOn() {
		Fixtures f = Fixtures.established();
		long since = writes(f, 100, 100);
		assertThat(f.sentSince(since)).hasSize(1);
		f.sim.setNoDelay(f.pair, Side.CLIENT, true);
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=100", "client PSH,ACK len=100");
	}

	// Linux tcp_write_xmit: held bytes leave once a full segment accumulates; the short
	// rest waits
	@Test
	void shouldSendAFullSegmentOfHeldBytesAtOnceInTcpWriteXmit() {
		Fixtures f = Fixtures.established();
		long since = writes(f, 100, 1000, 1000);
		// 1448: the MSS less the 12 bytes of the Timestamps option that linux negotiates
		assertThat(f.sentSince(since)).containsExactly("client PSH,ACK len=100", "client ACK len=1448");
		f.sim.advance(100);
		assertThat(f.sentSince(since)).containsSubsequence("client ACK len=1448", "server ACK",
				"client PSH,ACK len=552");
	}

	@Test
	void shouldRefuseAnUnknownNagleVariant() {
		assertThatThrownBy(() -> StackConstants.forProfile("linux").withOverrides(Map.of("nagle", "sometimes")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("nagle");
	}

}
