package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * Fault rules on one direction of a pair (docs/api.md "Events": lose, duplicate, hold,
 * delay) and the resend-FIN / inject pokes.
 */
class FaultTest {

	/**
	 * Established, with TCP_NODELAY on both sockets: back-to-back short writes leave as
	 * separate segments (with the Nagle algorithm, RFC 1122 §4.2.3.4, the second would
	 * wait for the ACK of the first).
	 */
	private static Fixtures noDelay() {
		Fixtures f = Fixtures.established();
		f.sim.setNoDelay(f.pair, Side.CLIENT, true);
		f.sim.setNoDelay(f.pair, Side.SERVER, true);
		return f;
	}

	@Test
	void shouldDropOnlyCountMatches() {
		Fixtures f = noDelay();
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.DATA, 2);
		f.send(Side.CLIENT, 10);
		f.send(Side.CLIENT, 10);
		f.send(Side.CLIENT, 10);
		f.sim.advance(20);
		List<TraceEvent> ev = f.sim.eventsSince(0);
		assertThat(Fixtures.segments(ev, "dropped")).hasSize(2);
		assertThat(Fixtures.segments(ev, "delivered").stream().filter(s -> s.len() > 0)).hasSize(1);
	}

	@Test
	void shouldSkipTheMatchesBeforeTheNth() {
		Fixtures f = noDelay();
		f.apply(new PairEvent.Fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.DATA, 1, 2, 0));
		f.send(Side.CLIENT, 10);
		f.send(Side.CLIENT, 20);
		f.send(Side.CLIENT, 30);
		f.sim.advance(5);
		assertThat(Fixtures.segments(f.sim.eventsSince(0), "dropped")).extracting(TraceEvent.Segment::len)
			.containsExactly(20);
	}

	@Test
	void shouldDeliverADuplicateWithANewId() {
		Fixtures f = Fixtures.established();
		f.fault(Side.CLIENT, FaultAction.DUPLICATE, SegmentMatch.DATA, 1);
		f.send(Side.CLIENT, 10);
		f.sim.advance(20);
		List<TraceEvent> ev = f.sim.eventsSince(0);
		TraceEvent.Segment dup = Fixtures.segments(ev, "duplicated").get(0);
		TraceEvent.Segment orig = Fixtures.segments(ev, "sent")
			.stream()
			.filter(s -> s.len() == 10)
			.findFirst()
			.orElseThrow();
		assertThat(dup.id()).isNotEqualTo(orig.id());
		assertThat(Fixtures.segments(ev, "delivered").stream().filter(s -> s.len() == 10)).hasSize(2);
		assertThat(f.ep(Side.SERVER).recvBuffered()).isEqualTo(10);
	}

	@Test
	void shouldDelayASegmentByTheGivenTime() {
		Fixtures f = Fixtures.established();
		f.apply(new PairEvent.Fault(Side.CLIENT, FaultAction.DELAY, SegmentMatch.DATA, 1, 0, 50));
		double sentAt = f.sim.nowMs();
		f.send(Side.CLIENT, 10);
		f.sim.advance(100);
		List<TraceEvent> ev = f.sim.eventsSince(0);
		assertThat(Fixtures.segments(ev, "delayed")).hasSize(1);
		TraceEvent.Segment d = Fixtures.segments(ev, "delivered")
			.stream()
			.filter(s -> s.len() == 10)
			.findFirst()
			.orElseThrow();
		assertThat(d.timeMs() - sentAt).isEqualTo(60.0);
	}

	@Test
	void shouldHoldSegmentsUntilReleaseAndReleaseThemInOrder() {
		Fixtures f = noDelay();
		f.fault(Side.SERVER, FaultAction.HOLD, SegmentMatch.DATA, 2);
		f.send(Side.SERVER, 10);
		f.send(Side.SERVER, 20);
		f.sim.advance(100);
		assertThat(f.ep(Side.CLIENT).recvBuffered()).isZero();
		long since = f.sim.nextSeq();
		assertThat(f.apply(new PairEvent.Release(Side.SERVER)).result()).isEqualTo("ok");
		assertThat(Fixtures.segments(f.sim.eventsSince(since), "released")).extracting(TraceEvent.Segment::len)
			.containsExactly(10, 20);
		f.sim.advance(10);
		assertThat(Fixtures.segments(f.sim.eventsSince(since), "delivered")).extracting(TraceEvent.Segment::len)
			.startsWith(10, 20);
	}

	@Test
	void shouldResendAFinOnlyWhenThereIsOne() {
		Fixtures f = Fixtures.established();
		assertThat(f.apply(new PairEvent.ResendFin(Side.CLIENT)).result()).isEqualTo("ENOTCONN");
		f.close(Side.CLIENT);
		long since = f.sim.nextSeq();
		assertThat(f.apply(new PairEvent.ResendFin(Side.CLIENT)).result()).isEqualTo("ok");
		List<TraceEvent.Segment> sent = Fixtures.segments(f.sim.eventsSince(since), "sent");
		assertThat(sent).extracting(Fixtures::brief).containsExactly("client FIN,ACK");
		assertThat(sent.get(0).retransmission()).isTrue();
	}

	// RFC 6298 §5.1
	@Test
	void shouldStartNoRetransmissionTimerWhenResendingAnAcknowledgedFinInFinWait2() {
		// the FIN is acknowledged: nothing is outstanding, so no timer may run and the
		// connection may not give up with "retransmission limit" (found by
		// EnginePropertiesTest)
		Fixtures f = Fixtures.established("windows", Map.of()).finWait2();
		long since = f.sim.nextSeq();
		assertThat(f.apply(new PairEvent.ResendFin(Side.CLIENT)).result()).isEqualTo("ok");
		f.sim.advance(20);
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server ACK");
		assertThat(Fixtures.timers(f.sim.eventsSince(since), "RETRANSMIT")).isEmpty();
		f.sim.advance(100_000);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.FIN_WAIT_2);
	}

	@Test
	void shouldDrawRstFromAPeerWithoutConnectionWhenResendingFinFromTimeWait() {
		Fixtures f = Fixtures.established().timeWait();
		long since = f.sim.nextSeq();
		assertThat(f.apply(new PairEvent.ResendFin(Side.CLIENT)).result()).isEqualTo("ok");
		f.sim.advance(20);
		assertThat(f.sentSince(since)).containsExactly("client FIN,ACK", "server RST");
	}

	@Test
	void shouldDeliverInjectedDataToTheTcb() {
		Fixtures f = Fixtures.established();
		f.apply(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.PSH, TcpFlag.ACK), null, null, 7));
		f.sim.advance(10);
		assertThat(f.ep(Side.SERVER).recvBuffered()).isEqualTo(7);
		// the client's own TCB did not move: the server's ACK acknowledges data the
		// client never sent
		assertThat(f.ep(Side.CLIENT).sndNxt()).isEqualTo(1001L);
	}

}
