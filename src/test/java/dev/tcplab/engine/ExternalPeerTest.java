package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The engine hook of the packetdrill runner (issue 15): a pair whose other side is
 * outside the engine. Its segments are injected now (no link, no fault rules); what the
 * local side sends to it is recorded and goes no further.
 */
class ExternalPeerTest {

	static Simulation sim() {
		return new Simulation(SimulationConfig.of("linux", 3, Map.of()).withLatencyMs(0));
	}

	/**
	 * RFC 9293 §3.10.7.3 SYN-SENT: a SYN,ACK acknowledging our SYN completes connect().
	 */
	// localClient · synIsCapturedAndAnInjectedSynAckEstablishes
	@Test
	void shouldCaptureTheSynAndEstablishOnAnInjectedSynAckInALocalClient() {
		Simulation s = sim();
		var pair = s.openExternalPair(Side.CLIENT, 8080, 40000, 1_000_000L);
		List<TraceEvent.Segment> sent = Fixtures.segments(s.eventsSince(0), "sent");
		assertThat(sent).extracting(Fixtures::brief).containsExactly("client SYN");
		assertThat(Fixtures.segments(s.eventsSince(0), "delivered")).hasSize(1);
		assertThat(pair.server().state()).isEqualTo(TcpState.CLOSED);
		assertThat(pair.listener()).isNull();
		long iss = sent.get(0).tcpSeq();
		s.advance(10);
		long since = s.nextSeq();
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN, TcpFlag.ACK), 1_000_000L, iss + 1, 0, 65535);
		assertThat(s.pair(pair.id()).client().state()).isEqualTo(TcpState.ESTABLISHED);
		List<TraceEvent.Segment> out = Fixtures.segments(s.eventsSince(since), "sent");
		assertThat(out).extracting(Fixtures::brief).containsExactly("server SYN,ACK", "client ACK");
		assertThat(out.get(0).relSeq()).isZero();
		assertThat(out.get(0).relAck()).isEqualTo(1);
		assertThat(out.get(1).timeMs()).isEqualTo(10.0);
		assertThat(Fixtures.lastCompletedCall(s.eventsSince(since)).result()).isEqualTo(0);
	}

	/** §3.10.7.2 LISTEN: the injected SYN makes a child; its SYN,ACK is captured. */
	// localServer · injectedHandshakeIsAccepted
	@Test
	void shouldAcceptAnInjectedHandshakeInALocalServer() {
		Simulation s = sim();
		var pair = s.openExternalPair(Side.SERVER, 8080, 40000, 1_000_000L);
		assertThat(pair.listener().state()).isEqualTo(TcpState.LISTEN);
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN), 1_000_000L, 0, 0, 65535);
		List<TraceEvent.Segment> sent = Fixtures.segments(s.eventsSince(0), "sent");
		assertThat(sent).extracting(Fixtures::brief).containsExactly("client SYN", "server SYN,ACK");
		long iss = sent.get(1).tcpSeq();
		s.injectExternal(pair.id(), List.of(TcpFlag.ACK), 1_000_001L, iss + 1, 0, 65535);
		assertThat(s.pair(pair.id()).server().state()).isEqualTo(TcpState.ESTABLISHED);
		assertThat(s.eventsSince(0)).anyMatch(e -> e instanceof TraceEvent.Call c && c.call().equals("accept"));
		// the other side cannot be driven from the lab
		assertThatThrownBy(() -> s.apply(pair.id(), new PairEvent.Close(Side.CLIENT)))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("played from outside");
		// an ordinary pair has no external side to inject from
		Simulation other = sim();
		int id = other.openPair(80, null, false, true).id();
		assertThatThrownBy(() -> other.injectExternal(id, List.of(TcpFlag.ACK), 0, 0, 0, 0))
			.isInstanceOf(IllegalArgumentException.class);
	}

	static Simulation sim(String profile) {
		return new Simulation(SimulationConfig.of(profile, 3, Map.of()).withLatencyMs(0));
	}

	/**
	 * Simultaneous open, RFC 9293 §3.10.7.3 then §3.10.7.4: crossed SYNs take the client
	 * to SYN_RECEIVED with a SYN,ACK; the peer's SYN,ACK then completes the handshake on
	 * Linux ({@code tcp_validate_incoming}: ACKed at once, connect() returns 0;
	 * packetdrill simultaneous-open.pkt). On rfc9293 it is an old SYN, answered with an
	 * ACK, and the peer's ACK completes the handshake (connect() returns then).
	 */
	// tcpValidateIncoming · simultaneousOpen · synAckCompletesTheHandshake
	@Test
	void shouldCompleteASimultaneousOpenOnThePeersSynAckInTcpValidateIncoming() {
		for (String profile : List.of("linux", "rfc9293")) {
			Simulation s = sim(profile);
			var pair = s.openExternalPair(Side.CLIENT, 8080, 40000, 1_000_000L);
			long iss = Fixtures.segments(s.eventsSince(0), "sent").get(0).tcpSeq();
			s.advance(10);
			long since = s.nextSeq();
			s.injectExternal(pair.id(), List.of(TcpFlag.SYN), 1_000_000L, 0, 0, 65535);
			assertThat(s.pair(pair.id()).client().state()).as(profile).isEqualTo(TcpState.SYN_RECEIVED);
			s.advance(10);
			s.injectExternal(pair.id(), List.of(TcpFlag.SYN, TcpFlag.ACK), 1_000_000L, iss + 1, 0, 65535);
			List<String> out = Fixtures.segments(s.eventsSince(since), "sent")
				.stream()
				.filter(g -> g.from().equals("client"))
				.map(Fixtures::brief)
				.toList();
			assertThat(out).as(profile).containsExactly("client SYN,ACK", "client ACK");
			if (profile.equals("linux")) {
				assertThat(s.pair(pair.id()).client().state()).isEqualTo(TcpState.ESTABLISHED);
				assertThat(Fixtures.lastCompletedCall(s.eventsSince(since)).result()).isEqualTo(0);
			}
			else {
				assertThat(s.pair(pair.id()).client().state()).isEqualTo(TcpState.SYN_RECEIVED);
				s.injectExternal(pair.id(), List.of(TcpFlag.ACK), 1_000_001L, iss + 1, 0, 65535);
				assertThat(s.pair(pair.id()).client().state()).isEqualTo(TcpState.ESTABLISHED);
				assertThat(Fixtures.lastCompletedCall(s.eventsSince(since)).result()).isEqualTo(0);
			}
		}
	}

	/**
	 * RFC 9293 §3.10.7.3 first: an unacceptable ACK in SYN-SENT is dropped (an RST,ACK)
	 * or answered with {@code <SEQ=SEG.ACK><CTL=RST>} (a stale FIN,ACK). Linux
	 * {@code tcp_rcv_synsent_state_process} also re-arms the SYN timer to
	 * TCP_TIMEOUT_MIN: the SYN goes again 8 ms later, not after the 1 s RTO (packetdrill
	 * syn-sent-bad-ack-resends-syn.pkt, syn-sent-stale-fin-ack-rst.pkt).
	 */
	// tcpRcvSynsentStateProcess · synSent · unacceptableAckResendsTheSynSoon
	@Test
	void shouldResendTheSynSoonAfterAnUnacceptableAckInSynSentInTcpRcvSynsentStateProcess() {
		for (String profile : List.of("linux", "rfc9293")) {
			for (List<TcpFlag> flags : List.of(List.of(TcpFlag.RST, TcpFlag.ACK), List.of(TcpFlag.FIN, TcpFlag.ACK))) {
				Simulation s = sim(profile);
				var pair = s.openExternalPair(Side.CLIENT, 8080, 40000, 1_000_000L);
				s.advance(20);
				long since = s.nextSeq();
				s.injectExternal(pair.id(), flags, 1_000_700L, 12_345L, 0, 65535);
				s.advance(2000);
				List<TraceEvent.Segment> out = Fixtures.segments(s.eventsSince(since), "sent")
					.stream()
					.filter(g -> g.from().equals("client"))
					.toList();
				List<String> expected = flags.contains(TcpFlag.FIN) ? List.of("client RST", "client SYN")
						: List.of("client SYN");
				assertThat(out).extracting(Fixtures::brief)
					.as(profile + flags)
					.startsWith(expected.toArray(new String[0]));
				TraceEvent.Segment syn = out.get(expected.size() - 1);
				assertThat(syn.timeMs()).as(profile + flags).isEqualTo(profile.equals("linux") ? 28.0 : 1000.0);
			}
		}
	}

}
