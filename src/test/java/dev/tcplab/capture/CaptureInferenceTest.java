package dev.tcplab.capture;

import static dev.tcplab.capture.TcpPacket.ACK;
import static dev.tcplab.capture.TcpPacket.FIN;
import static dev.tcplab.capture.TcpPacket.PSH;
import static dev.tcplab.capture.TcpPacket.RST;
import static dev.tcplab.capture.TcpPacket.SYN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tcplab.capture.CaptureAnalyzer.Limits;
import dev.tcplab.capture.CaptureAnalyzer.Tracked;
import dev.tcplab.capture.Inference.Change;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpState;

/**
 * The reader, the capture point, the per-endpoint inference and the diagnostics on small
 * built captures (docs/captures.md). The kernel-made captures are judged in
 * {@link KernelCapturesTest}.
 */
class CaptureInferenceTest {

	static final StackConstants LINUX = StackConstants.forProfile("linux");

	static List<Tracked> analyze(byte[] file) throws IOException {
		List<Tracked> out = new ArrayList<>();
		CaptureImport.run(new ByteArrayInputStream(file), LINUX, new Limits(1000, 2048, 3_600_000), false, 0, out::add);
		out.sort((a, b) -> Integer.compare(a.id, b.id));
		return out;
	}

	static List<String> codes(Tracked c) {
		return Diagnoser.diagnose(c, LINUX).stream().map(Diagnoser.Diagnostic::code).toList();
	}

	/**
	 * A connection established at 0 with 0.05 ms each way; the client's ISN is 1000, the
	 * server's 5000.
	 */
	static PcapBuilder established() {
		return new PcapBuilder().handshake(0, 0.05, 0.05, 1000, 5000);
	}

	/**
	 * {@link #established}, then the server closes first (its FIN at 5 ms, ACKed) and the
	 * client follows (its FIN at 6 ms, ACKed): TIME_WAIT on the server.
	 */
	static PcapBuilder serverClosesFirst() {
		return established().acked(5, false, FIN | ACK, 5001, 1001, 0).acked(6, true, FIN | ACK, 1001, 5002, 0);
	}

	/** Client closes first, the server answers with FIN,ACK at once. */
	static PcapBuilder activeClose(double server, double client) {
		PcapBuilder b = new PcapBuilder().handshake(0, server, client, 1000, 5000);
		double t = server + client + 10;
		b.at(t, true, FIN | ACK, 1001, 5001, 0);
		b.at(t + server, false, FIN | ACK, 5001, 1002, 0);
		return b.at(t + server + client, true, ACK, 1002, 5002, 0);
	}

	@Test
	void shouldReadTheSameConnectionFromPcapInBothByteOrdersAndFromPcapng() throws IOException {
		PcapBuilder b = activeClose(0.05, 0.05);
		for (byte[] file : List.of(b.pcap(false, false), b.pcap(true, true), b.pcapng(6), b.pcapng(9))) {
			List<Tracked> c = analyze(file);
			assertThat(c).hasSize(1);
			assertThat(c.get(0).result.sequence(0)).containsExactly(TcpState.CLOSED, TcpState.SYN_SENT,
					TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.TIME_WAIT);
			assertThat(c.get(0).lastNs / 1e6).isCloseTo(10.2, org.assertj.core.data.Offset.offset(0.01));
		}
	}

	@Test
	void shouldRefuseAFileCutShortUnlessAskedToReadWhatIsWhole() throws IOException {
		byte[] whole = activeClose(0.05, 0.05).pcap(false, false);
		byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
		assertThatThrownBy(() -> analyze(cut)).isInstanceOf(CaptureFormatException.class)
			.extracting(e -> ((CaptureFormatException) e).kind())
			.isEqualTo(CaptureFormatException.Kind.TRUNCATED);
		List<Tracked> read = new ArrayList<>();
		CaptureImport.run(new ByteArrayInputStream(cut), LINUX, new Limits(10, 100, 1000), true, 0, read::add);
		assertThat(read.get(0).packets()).isEqualTo(5);
	}

	@Test
	void shouldRefuseAnUnsupportedLinkTypeNamingTheSupportedOnes() {
		byte[] file = activeClose(0.05, 0.05).pcap(false, false);
		file[20] = (byte) 147; // a user-defined link type
		assertThatThrownBy(() -> analyze(file)).isInstanceOf(CaptureFormatException.class)
			.hasMessageContaining("link type 147")
			.hasMessageContaining("Linux cooked v1 (113) and v2 (276)");
	}

	// the capture point from the handshake: the side that answers at once is next to it
	@Test
	void shouldTellTheCapturePointFromTheHandshakeTiming() throws IOException {
		assertThat(analyze(activeClose(0.05, 30).pcap(false, false)).get(0).result.capturePoint()).isEqualTo("server");
		assertThat(analyze(activeClose(30, 0.05).pcap(false, false)).get(0).result.capturePoint()).isEqualTo("client");
		assertThat(analyze(activeClose(15, 15).pcap(false, false)).get(0).result.capturePoint()).isEqualTo("between");
		assertThat(analyze(activeClose(0.05, 0.05).pcap(false, false)).get(0).result.capturePoint()).isEqualTo("both");
		PcapBuilder noHandshake = new PcapBuilder().at(0, true, ACK | PSH, 1001, 5001, 10)
			.at(1, false, FIN | ACK, 5001, 1011, 0)
			.at(2, true, FIN | ACK, 1011, 5002, 0)
			.at(3, false, ACK, 5002, 1012, 0);
		Tracked c = analyze(noHandshake.pcap(false, false)).get(0);
		assertThat(c.result.capturePoint()).isEqualTo("unknown");
		assertThat(codes(c)).contains("NO_HANDSHAKE", "SERVER_CLOSED_FIRST");
		assertThat(c.result.sequence(1)).containsExactly(TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2,
				TcpState.TIME_WAIT);
	}

	// RFC 9293 §3.10.7.4: CLOSE_WAIT starts when the server's
	// TCP processes the FIN, which its ACK shows; a capture
	// at the client sees that ACK a round trip after the FIN
	@Test
	void shouldStartCloseWaitWhenTheServerAcknowledgesTheFinInAClientSideCapture() throws IOException {
		PcapBuilder b = new PcapBuilder().handshake(0, 20, 0.05, 1000, 5000);
		b.at(30, true, FIN | ACK, 1001, 5001, 0);
		b.at(50, false, ACK, 5001, 1002, 0);
		b.at(2000, false, FIN | ACK, 5001, 1002, 0);
		b.at(2020, true, ACK, 1002, 5002, 0);
		Tracked c = analyze(b.pcap(false, false)).get(0);
		Change closeWait = c.result.changes()
			.stream()
			.filter(ch -> ch.to() == TcpState.CLOSE_WAIT)
			.findFirst()
			.orElseThrow();
		assertThat(closeWait.endpoint()).isEqualTo(1);
		assertThat(closeWait.timeMs()).isBetween(30.0, 50.0);
		assertThat(codes(c)).contains("LONG_CLOSE_WAIT");
		assertThat(c.result.finalStates()).containsExactly(TcpState.TIME_WAIT, TcpState.CLOSED);
	}

	// a FIN the peer never acknowledged did not reach it: retransmitted until it did
	@Test
	void shouldExplainARetransmittedFinWhoseAckWasLost() throws IOException {
		PcapBuilder b = established();
		b.at(10, true, FIN | ACK, 1001, 5001, 0);
		b.at(10.05, false, FIN | ACK, 5001, 1002, 0);
		// lost after the capture point: the FIN comes again
		b.at(10.1, true, ACK, 1002, 5002, 0);
		b.at(220, false, FIN | ACK, 5001, 1002, 0);
		b.at(220.05, true, ACK, 1002, 5002, 0);
		Tracked c = analyze(b.pcap(false, false)).get(0);
		assertThat(codes(c)).contains("FIN_RETRANSMITTED");
		assertThat(Diagnoser.diagnose(c, LINUX).get(0).text().en()).contains("lost");
		assertThat(c.result.drops()).extracting(Inference.Drop::packet).containsExactly(6L);
		assertThat(c.result.sequence(1)).endsWith(TcpState.LAST_ACK, TcpState.CLOSED);
		assertThat(c.result.timers()).anyMatch(t -> t.timer().equals("TIME_WAIT") && t.action().equals("restarted"));
	}

	@Test
	void shouldDiagnoseAClosedPortAndAResetWithUnreadData() throws IOException {
		PcapBuilder refused = new PcapBuilder().at(0, true, SYN, 1000, 0, 0).at(0.1, false, RST | ACK, 0, 1001, 0);
		Tracked r = analyze(refused.pcap(false, false)).get(0);
		assertThat(codes(r)).containsExactly("CLOSED_PORT");
		assertThat(r.result.sequence(0)).containsExactly(TcpState.CLOSED, TcpState.SYN_SENT, TcpState.CLOSED);
		assertThat(r.result.sequence(1)).isEmpty();

		PcapBuilder unread = established();
		unread.acked(5, true, PSH | ACK, 1001, 5001, 100);
		unread.at(9, false, RST | ACK, 5001, 1101, 0);
		Tracked u = analyze(unread.pcap(false, false)).get(0);
		assertThat(codes(u)).containsExactly("RST_ON_CLOSE");
		assertThat(Diagnoser.diagnose(u, LINUX).get(0).text().ko()).contains("읽지 않은 데이터");
		assertThat(u.result.sequence(1)).endsWith(TcpState.ESTABLISHED, TcpState.CLOSED);
	}

	@Test
	void shouldDiagnoseHalfCloseAndAZeroWindowHoldingTheFin() throws IOException {
		PcapBuilder half = established();
		half.acked(5, true, FIN | ACK, 1001, 5001, 0);
		half.acked(6, false, PSH | ACK, 5001, 1002, 500);
		half.acked(7, false, FIN | ACK, 5501, 1002, 0);
		Tracked h = analyze(half.pcap(false, false)).get(0);
		assertThat(codes(h)).contains("HALF_CLOSE");
		assertThat(h.result.changes()).anyMatch(ch -> ch.cause().equals("shutdown(SHUT_WR)"));

		PcapBuilder zero = established();
		zero.at(5, false, ACK, 5001, 1001, 0).window(0);
		zero.at(220, true, ACK, 1000, 5001, 0); // window probe, SND.UNA - 1
		zero.at(220.05, false, ACK, 5001, 1001, 0).window(0);
		zero.at(650, true, ACK, 1000, 5001, 0);
		zero.at(650.05, false, ACK, 5001, 1001, 0).window(1000);
		zero.at(650.1, true, FIN | ACK, 1001, 5001, 0);
		zero.acked(650.15, false, FIN | ACK, 5001, 1002, 0);
		Tracked z = analyze(zero.pcap(false, false)).get(0);
		assertThat(codes(z)).contains("ZERO_WINDOW_FIN");
	}

	// RFC 1337: a RST at RCV.NXT ends TIME_WAIT on Linux (tcp_rfc1337 = 0)
	@Test
	void shouldDiagnoseTimeWaitAssassination() throws IOException {
		PcapBuilder b = activeClose(0.05, 0.05);
		b.at(40, false, RST, 5002, 0, 0);
		Tracked c = analyze(b.pcap(false, false)).get(0);
		assertThat(codes(c)).contains("TIME_WAIT_ASSASSINATION");
		assertThat(c.result.sequence(0)).endsWith(TcpState.TIME_WAIT, TcpState.CLOSED);
	}

	// RFC 1122 §4.2.2.13 / RFC 6191: a SYN reopening the server's TIME_WAIT; and the
	// client reusing its own TIME_WAIT port (tcp_tw_reuse)
	@Test
	void shouldDiagnoseASynIntoTimeWaitAndAPortReusedWithinTimeWait() throws IOException {
		PcapBuilder server = serverClosesFirst();
		server.handshake(1500, 0.05, 0.05, 900_000, 77_000);
		List<Tracked> s = analyze(server.pcap(false, false));
		assertThat(s).hasSize(2);
		assertThat(codes(s.get(0))).contains("SERVER_CLOSED_FIRST");
		assertThat(codes(s.get(1))).contains("SYN_INTO_TIME_WAIT");
		assertThat(s.get(0).result.sequence(1)).endsWith(TcpState.TIME_WAIT, TcpState.CLOSED);
		assertThat(s.get(1).predecessor.id()).isEqualTo(s.get(0).id);

		PcapBuilder client = activeClose(0.05, 0.05);
		client.handshake(1500, 0.05, 0.05, 900_000, 77_000);
		List<Tracked> c = analyze(client.pcap(false, false));
		assertThat(codes(c.get(1))).contains("PORT_REUSE_IN_TIME_WAIT");
		assertThat(c.get(0).result.changes()).anyMatch(ch -> ch.cause().equals("connect() reused the port"));
	}

	// memory bounded by open connections: finished
	// ones leave once their hold time is over
	@Test
	void shouldHoldOnlyTheConnectionsOpenWithinTheHoldTime() throws IOException {
		PcapBuilder b = new PcapBuilder();
		for (int i = 0; i < 400; i++) {
			double t = i * 1000.0; // one connection a second, each closed at once
			b.port(30000 + i);
			b.at(t, true, SYN, 1000, 0, 0).at(t + 0.05, false, SYN | ACK, 5000, 1001, 0);
			b.at(t + 0.1, true, ACK, 1001, 5001, 0).at(t + 1, true, FIN | ACK, 1001, 5001, 0);
			b.at(t + 1.05, false, FIN | ACK, 5001, 1002, 0).at(t + 1.1, true, ACK, 1002, 5002, 0);
		}
		List<Tracked> out = new ArrayList<>();
		CaptureImport.Stats s = CaptureImport.run(new ByteArrayInputStream(b.pcap(false, false)), LINUX,
				new Limits(1000, 2048, 3_600_000), false, 0, out::add);
		assertThat(out).hasSize(400);
		// TIME_WAIT 60 s + 1 s hold, swept every second of capture time
		assertThat(s.peakHeld()).isBetween(60L, 64L);
	}

	@Test
	void shouldRefuseMoreConnectionsThanTheLimit() {
		PcapBuilder b = new PcapBuilder();
		for (int i = 0; i < 5; i++) {
			b.port(30000 + i).at(i, true, SYN, 1000, 0, 0);
		}
		assertThatThrownBy(() -> CaptureImport.run(new ByteArrayInputStream(b.pcap(false, false)), LINUX,
				new Limits(3, 100, 1000), false, 0, c -> {
				}))
			.isInstanceOf(CaptureLimitException.class)
			.hasMessageContaining("more than 3");
	}

}
