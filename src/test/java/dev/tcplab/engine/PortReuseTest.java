package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * Why TIME_WAIT, reason 2 (article situation 3): reusing a 4-tuple, bind() and the
 * ephemeral allocator (RFC 9293 §3.4.1 quiet time, RFC 1122 §4.2.2.13, RFC 6191).
 */
class PortReuseTest {

	private static Simulation articleSim(Map<String, Object> overrides) {
		Map<String, Object> o = new java.util.HashMap<>(Map.of("ephemeralLow", 1500, "ephemeralHigh", 1501));
		o.putAll(overrides);
		return new Simulation(SimulationConfig.of("linux", 3, o)
			.withPinnedIsn(true)
			.withAddresses("111.111.111.112", "111.111.111.111"));
	}

	/** Client 1500 ↔ server 23, client closes first and keeps TIME_WAIT. */
	private static Fixtures clientInTimeWait(Simulation sim) {
		Fixtures f = new Fixtures(sim, sim.openPair(23, 1500, false, true).id());
		f.close(Side.CLIENT);
		sim.advance(50);
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		sim.advance(50);
		assertThat(f.state(Side.CLIENT)).isEqualTo(TcpState.TIME_WAIT);
		return f;
	}

	@Test
	void shouldFailBindToAPortHeldByTimeWaitWithEaddrinuseEvenWithReuseAddr() {
		Simulation sim = articleSim(Map.of());
		clientInTimeWait(sim);
		assertThatThrownBy(() -> sim.openPair(23, 1500, false, true)).isInstanceOfSatisfying(EngineException.class,
				ex -> assertThat(ex.errno()).isEqualTo(Errno.EADDRINUSE));
		// the old socket did not set SO_REUSEADDR, so setting it on the new one does not
		// help
		assertThatThrownBy(() -> sim.openPair(23, 1500, true, true)).isInstanceOfSatisfying(EngineException.class,
				ex -> assertThat(ex.errno()).isEqualTo(Errno.EADDRINUSE));
	}

	/**
	 * Issue 14: a refused bind() or connect() is a socket call the application made, so
	 * it is in the trace with its errno (pair null: no pair was created), not only in the
	 * exception.
	 */
	@Test
	void shouldTraceARefusedBindAndConnectAsCallsWithTheirErrno() {
		Simulation sim = articleSim(Map.of());
		clientInTimeWait(sim);
		long from = sim.nextSeq();
		assertThatThrownBy(() -> sim.openPair(23, 1500, true, true)).isInstanceOf(EngineException.class);
		List<TraceEvent> events = sim.eventsSince(from);
		assertThat(events).hasSize(2);
		assertThat(events.get(0)).isInstanceOfSatisfying(TraceEvent.Call.class, c -> {
			assertThat(c.call()).isEqualTo("setsockopt");
			assertThat(c.result()).isEqualTo(0);
		});
		assertThat(events.get(1)).isInstanceOfSatisfying(TraceEvent.Call.class, c -> {
			assertThat(c.endpoint()).isEqualTo("client");
			assertThat(c.call()).isEqualTo("bind");
			assertThat(c.args()).isEqualTo(Map.of("port", 1500));
			assertThat(c.result()).isEqualTo("EADDRINUSE");
			assertThat(c.pair()).isNull();
		});
		sim.openPair(23, null, false, true); // takes 1501, the last ephemeral port
		long from2 = sim.nextSeq();
		assertThatThrownBy(() -> sim.openPair(23, null, false, true)).isInstanceOf(EngineException.class);
		assertThat(sim.eventsSince(from2)).singleElement().isInstanceOfSatisfying(TraceEvent.Call.class, c -> {
			assertThat(c.call()).isEqualTo("connect");
			assertThat(c.args()).isEqualTo(Map.of("address", "111.111.111.111", "port", 23));
			assertThat(c.result()).isEqualTo("EADDRNOTAVAIL");
		});
	}

	@Test
	void shouldSkipTheTimeWaitTupleWhenAllocatingAnEphemeralPort() {
		Simulation sim = articleSim(Map.of());
		clientInTimeWait(sim);
		var p = sim.openPair(23, null, false, true);
		assertThat(p.client().port()).isEqualTo(1501);
		assertThat(p.client().state()).isEqualTo(TcpState.ESTABLISHED);
		// both ports taken: no ephemeral port left
		var f2 = new Fixtures(sim, p.id());
		f2.close(Side.CLIENT);
		sim.advance(50);
		f2.recv(Side.SERVER);
		f2.close(Side.SERVER);
		sim.advance(50);
		assertThatThrownBy(() -> sim.openPair(23, null, false, true)).isInstanceOfSatisfying(EngineException.class,
				ex -> assertThat(ex.errno()).isEqualTo(Errno.EADDRNOTAVAIL));
		// after 2MSL the port is free again
		sim.advance(61_000);
		assertThat(sim.openPair(23, 1500, false, true).client().state()).isEqualTo(TcpState.ESTABLISHED);
	}

	@Test
	void shouldBindWhenEveryHolderSetReuseAddr() {
		Simulation sim = articleSim(Map.of());
		Fixtures f = new Fixtures(sim, sim.openPair(23, 1500, true, true).id());
		f.close(Side.CLIENT);
		sim.advance(50);
		f.recv(Side.SERVER);
		f.close(Side.SERVER);
		sim.advance(50);
		assertThatThrownBy(() -> sim.openPair(23, 1500, false, true)).isInstanceOf(EngineException.class);
		// same tuple still in TIME_WAIT: refused even with SO_REUSEADDR on both
		assertThatThrownBy(() -> sim.openPair(23, 1500, true, true)).isInstanceOf(EngineException.class);
		// another server port, same local port: allowed when both set SO_REUSEADDR
		assertThat(sim.openPair(24, 1500, true, true).client().state()).isEqualTo(TcpState.ESTABLISHED);
	}

	/**
	 * Old duplicate from the previous incarnation: with TIME_WAIT skipped (timeWaitMs =
	 * 0) the same tuple is reused at once and a held segment of the old connection,
	 * released later, lands inside the new window and is taken as data.
	 */
	@Test
	void shouldAcceptAnOldDuplicateAsNewDataWhenTimeWaitIsSkipped() {
		assertThat(oldDuplicateAfterSkippedTimeWait(false)).isEqualTo(100);
	}

	// RFC 7323 §5 PAWS, the article's second reason handled without TIME_WAIT: the old
	// duplicate's TSval is older than the new connection's TS.Recent, so it is dropped
	// with a duplicate ACK (Linux tcp_paws_discard; paws-old-duplicate.pkt)
	@Test
	void shouldDropTheOldDuplicateByPawsWhenTimeWaitIsSkippedWithTimestamps() {
		assertThat(oldDuplicateAfterSkippedTimeWait(true)).isEqualTo(0);
	}

	/**
	 * The bytes the next incarnation's server took from the previous one's old duplicate,
	 * on linux without TIME_WAIT, with or without timestamps.
	 */
	private int oldDuplicateAfterSkippedTimeWait(boolean timestamps) {
		Simulation sim = articleSim(Map.of("timeWaitMs", 0, "timestamps", timestamps));
		Fixtures old = new Fixtures(sim, sim.openPair(23, 1500, false, true).id());
		// pinned (teaching) ISNs have no clock: without a TIME_WAIT to remember the
		// earlier incarnation, the next one starts at the same ISN (issue 17), so the old
		// connection's first data lands inside the new window
		old.apply(new PairEvent.Fault(Side.CLIENT, FaultAction.HOLD, SegmentMatch.DATA, 1, 0, 0));
		old.send(Side.CLIENT, 100);
		sim.advance(1_000); // the held segment is retransmitted and gets through
		assertThat(old.recv(Side.SERVER)).isEqualTo(100);
		old.close(Side.CLIENT);
		sim.advance(50);
		old.close(Side.SERVER);
		sim.advance(50);
		assertThat(old.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		// same 4-tuple again, immediately
		Fixtures fresh = new Fixtures(sim, sim.openPair(23, 1500, false, true).id());
		assertThat(fresh.ep(Side.CLIENT).iss()).isEqualTo(old.ep(Side.CLIENT).iss());
		long since = sim.nextSeq();
		old.apply(new PairEvent.Release(Side.CLIENT));
		sim.advance(50);
		List<TraceEvent> ev = sim.eventsSince(since);
		assertThat(Fixtures.segments(ev, "delivered")).anySatisfy(s -> {
			assertThat(s.pair()).isEqualTo(old.pair);
			assertThat(s.len()).isEqualTo(100);
		});
		assertThat(Fixtures.notes(ev).contains("PAWS_REJECTED")).isEqualTo(timestamps);
		// without timestamps the new connection took the old bytes as its own data
		return fresh.ep(Side.SERVER).recvBuffered();
	}

	@Test
	void shouldKeepOldDuplicatesFromANewIncarnationWhileTimeWaitHoldsTheTuple() {
		Simulation sim = articleSim(Map.of());
		Fixtures old = new Fixtures(sim, sim.openPair(23, 1500, false, true).id());
		old.apply(new PairEvent.Fault(Side.CLIENT, FaultAction.HOLD, SegmentMatch.DATA, 1, 0, 0));
		old.send(Side.CLIENT, 100);
		sim.advance(1_000);
		old.recv(Side.SERVER);
		old.close(Side.CLIENT);
		sim.advance(50);
		old.close(Side.SERVER);
		sim.advance(50);
		assertThatThrownBy(() -> sim.openPair(23, 1500, false, true)).isInstanceOf(EngineException.class);
		Fixtures fresh = new Fixtures(sim, sim.openPair(23, null, false, true).id());
		assertThat(fresh.ep(Side.CLIENT).port()).isEqualTo(1501);
		long since = sim.nextSeq();
		old.apply(new PairEvent.Release(Side.CLIENT));
		sim.advance(50);
		assertThat(fresh.ep(Side.SERVER).recvBuffered()).isZero();
		// the duplicate reached no connection on the server: RST
		assertThat(new Fixtures(sim, old.pair).sentSince(since)).containsExactly("server RST");
	}

	// RFC 6191
	@Test
	void shouldReopenAServerTimeWaitOnANewSynWithAHigherIsn() {
		Simulation sim = articleSim(Map.of());
		Fixtures old = new Fixtures(sim, sim.openPair(23, 1500, false, true).id());
		old.close(Side.SERVER);
		sim.advance(50);
		old.recv(Side.CLIENT);
		old.close(Side.CLIENT);
		sim.advance(50);
		assertThat(old.state(Side.SERVER)).isEqualTo(TcpState.TIME_WAIT);
		assertThat(old.state(Side.CLIENT)).isEqualTo(TcpState.CLOSED);
		long since = sim.nextSeq();
		var p = sim.openPair(23, 1500, false, true);
		assertThat(p.server().state()).isEqualTo(TcpState.ESTABLISHED);
		assertThat(sim.nowMs() - since * 0).isLessThan(200);
		List<TraceEvent> ev = sim.eventsSince(since);
		assertThat(Fixtures.notes(ev)).contains("TIME_WAIT_REOPENED");
		assertThat(Fixtures.states(ev)).containsSubsequence("server TIME_WAIT>CLOSED", "server LISTEN>SYN_RECEIVED");
		assertThat(Fixtures.segments(ev, "sent")).extracting(Fixtures::brief)
			.containsExactly("client SYN", "server SYN,ACK", "client ACK");
		assertThat(old.state(Side.SERVER)).isEqualTo(TcpState.CLOSED);
	}

	@Test
	void shouldAckTheSynFromTimeWaitWithoutReopenSoTheClientResetsIt() {
		Simulation sim = articleSim(Map.of("synReopensTimeWait", false));
		Fixtures old = new Fixtures(sim, sim.openPair(23, 1500, false, true).id());
		old.close(Side.SERVER);
		sim.advance(50);
		old.recv(Side.CLIENT);
		old.close(Side.CLIENT);
		sim.advance(50);
		double start = sim.nowMs();
		long since = sim.nextSeq();
		var p = sim.openPair(23, 1500, false, true);
		assertThat(p.server().state()).isEqualTo(TcpState.ESTABLISHED);
		var sent = Fixtures.segments(sim.eventsSince(since), "sent");
		assertThat(sent).extracting(Fixtures::brief)
			.startsWith("client SYN", "server ACK", "client RST", "client SYN", "server SYN,ACK", "client ACK");
		// Linux tcp_rcv_synsent_state_process: the unacceptable ACK re-arms the SYN timer
		// to TCP_TIMEOUT_MIN (synSentBadAckRetryMs, 8 ms), not the 1 s RTO
		assertThat(sent.get(3).timeMs() - sent.get(2).timeMs()).isEqualTo(8.0);
		assertThat(sim.nowMs() - start).isLessThan(1000);
	}

	// Linux tcp_tw_reuse
	@Test
	void shouldRecycleAClientTimeWaitOlderThanOneSecondWithTwReuseWhenNoPortIsFree() {
		Simulation sim = articleSim(Map.of("twReuse", 1, "ephemeralHigh", 1500));
		clientInTimeWait(sim);
		// younger than 1 s: still refused
		assertThatThrownBy(() -> sim.openPair(23, null, false, true)).isInstanceOf(EngineException.class);
		sim.advance(1_000);
		long since = sim.nextSeq();
		var p = sim.openPair(23, null, false, true);
		assertThat(p.client().port()).isEqualTo(1500);
		assertThat(p.client().state()).isEqualTo(TcpState.ESTABLISHED);
		List<TraceEvent> ev = sim.eventsSince(since);
		assertThat(Fixtures.notes(ev)).contains("TIME_WAIT_REUSED");
		assertThat(Fixtures.states(ev)).startsWith("client TIME_WAIT>CLOSED");
	}

	// Linux tcp_twsk_unique: tcp_tw_reuse takes over only a TIME_WAIT that used
	// timestamps (ts_recent_stamp), whose PAWS keeps the old connection's duplicates out
	// of the new one (tw-reuse-outgoing.pkt)
	@Test
	void shouldNotRecycleATimeWaitWithoutTimestampsInTcpTwskUnique() {
		Simulation sim = articleSim(Map.of("twReuse", 1, "ephemeralHigh", 1500, "timestamps", false));
		clientInTimeWait(sim);
		sim.advance(1_500);
		assertThatThrownBy(() -> sim.openPair(23, null, false, true)).isInstanceOfSatisfying(EngineException.class,
				ex -> assertThat(ex.errno()).isEqualTo(Errno.EADDRNOTAVAIL));
	}

	@Test
	void shouldAnswerEaddrnotavailForAnExhaustedRangeWithoutTwReuse() {
		Simulation sim = articleSim(Map.of("ephemeralHigh", 1500));
		clientInTimeWait(sim);
		sim.advance(1_000);
		assertThatThrownBy(() -> sim.openPair(23, null, false, true)).isInstanceOfSatisfying(EngineException.class,
				ex -> assertThat(ex.errno()).isEqualTo(Errno.EADDRNOTAVAIL));
	}

}
