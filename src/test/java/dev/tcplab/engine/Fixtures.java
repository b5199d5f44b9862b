package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.Snapshots.EndpointView;

/**
 * Chained fixtures (smoltcp style): each method reaches one state in one call, so a
 * packet-level test is "fixture + segment → expected segments and state". Pinned ISNs
 * (client 1000, server 5000) and 10 ms latency.
 */
final class Fixtures {

	final Simulation sim;

	final int pair;

	Fixtures(Simulation sim, int pair) {
		this.sim = sim;
		this.pair = pair;
	}

	static Simulation simulation(String profile, Map<String, ?> overrides) {
		return new Simulation(SimulationConfig.of(profile, 7, overrides).withPinnedIsn(true));
	}

	/** Both ends ESTABLISHED, nothing in flight. */
	static Fixtures established(String profile, Map<String, ?> overrides) {
		Simulation sim = simulation(profile, overrides);
		int id = sim.openPair(80, 40000, false, true).id();
		Fixtures f = new Fixtures(sim, id);
		f.sim.advance(100); // let the last ACK arrive and settle
		return f;
	}

	static Fixtures established() {
		return established("linux", Map.of());
	}

	/**
	 * Established, and one request/response exchanged and read (data has flowed: the ACK
	 * of a FIN is delayed on Linux).
	 */
	Fixtures afterData() {
		send(Side.CLIENT, 100);
		sim.advance(100);
		recv(Side.SERVER);
		send(Side.SERVER, 200);
		sim.advance(100);
		recv(Side.CLIENT);
		sim.advance(100);
		return this;
	}

	/** Client closed; its FIN is in flight (client FIN_WAIT_1, server ESTABLISHED). */
	Fixtures finWait1() {
		close(Side.CLIENT);
		return this;
	}

	/**
	 * Client FIN_WAIT_2, server CLOSE_WAIT (300 ms covers every profile's delayed ACK).
	 */
	Fixtures finWait2() {
		finWait1();
		sim.advance(300);
		return this;
	}

	/** Client TIME_WAIT, server CLOSED. */
	Fixtures timeWait() {
		finWait2();
		recv(Side.SERVER);
		close(Side.SERVER);
		sim.advance(100);
		return this;
	}

	EventResult apply(PairEvent e) {
		return sim.apply(pair, e);
	}

	Object close(Side s) {
		return apply(new PairEvent.Close(s)).result();
	}

	Object send(Side s, int bytes) {
		return apply(new PairEvent.Send(s, bytes)).result();
	}

	Object recv(Side s) {
		return apply(new PairEvent.Recv(s, null)).result();
	}

	Object shutdown(Side s, String how) {
		return apply(new PairEvent.Shutdown(s, how)).result();
	}

	void fault(Side s, FaultAction a, SegmentMatch m, int count) {
		apply(new PairEvent.Fault(s, a, m, count, 0, 0));
	}

	void lose(Side s, SegmentMatch m) {
		fault(s, FaultAction.DROP, m, 1);
	}

	EndpointView ep(Side s) {
		var v = sim.pair(pair);
		return s == Side.CLIENT ? v.client() : v.server();
	}

	TcpState state(Side s) {
		return ep(s).state();
	}

	// ---- trace helpers ----

	static List<TraceEvent.Segment> segments(List<TraceEvent> events, String event) {
		List<TraceEvent.Segment> out = new ArrayList<>();
		for (TraceEvent e : events) {
			if (e instanceof TraceEvent.Segment s && s.event().equals(event)) {
				out.add(s);
			}
		}
		return out;
	}

	List<TraceEvent.Segment> sent() {
		return segments(sim.eventsSince(0), "sent");
	}

	/** "client FIN,ACK" style summary of segments sent since seq {@code since}. */
	List<String> sentSince(long since) {
		return segments(sim.eventsSince(since), "sent").stream().map(Fixtures::brief).collect(Collectors.toList());
	}

	static String brief(TraceEvent.Segment s) {
		return s.from() + " " + String.join(",", s.flags()) + (s.len() > 0 ? " len=" + s.len() : "");
	}

	/** "client ESTABLISHED>FIN_WAIT_1" style transitions since seq {@code since}. */
	List<String> statesSince(long since) {
		return states(sim.eventsSince(since));
	}

	static List<String> states(List<TraceEvent> events) {
		List<String> out = new ArrayList<>();
		for (TraceEvent e : events) {
			if (e instanceof TraceEvent.State s) {
				out.add(s.endpoint() + " " + s.from() + ">" + s.to());
			}
		}
		return out;
	}

	/**
	 * Offsets from {@code t0} (ms) at which FIN-bearing segments were sent, by
	 * {@code from} ("client"/"server") or by anyone when null: the retransmission
	 * schedule of a FIN.
	 */
	static List<Double> finsSent(Simulation sim, String from, double t0) {
		return segments(sim.eventsSince(0), "sent").stream()
			.filter(s -> (from == null || s.from().equals(from)) && s.flags().contains("FIN"))
			.map(s -> s.timeMs() - t0)
			.toList();
	}

	/** The first call event that completes a blocking call (or a call's later result). */
	static TraceEvent.Call firstCompletedCall(List<TraceEvent> events) {
		return completedCalls(events).get(0);
	}

	/** The last call event that completes a blocking call. */
	static TraceEvent.Call lastCompletedCall(List<TraceEvent> events) {
		List<TraceEvent.Call> done = completedCalls(events);
		return done.get(done.size() - 1);
	}

	private static List<TraceEvent.Call> completedCalls(List<TraceEvent> events) {
		List<TraceEvent.Call> done = events.stream()
			.filter(e -> e instanceof TraceEvent.Call c && c.completed())
			.map(e -> (TraceEvent.Call) e)
			.toList();
		assertThat(done).as("completed call events").isNotEmpty();
		return done;
	}

	static List<TraceEvent.Timer> timers(List<TraceEvent> events, String timer) {
		List<TraceEvent.Timer> out = new ArrayList<>();
		for (TraceEvent e : events) {
			if (e instanceof TraceEvent.Timer t && t.timer().equals(timer)) {
				out.add(t);
			}
		}
		return out;
	}

	static List<String> notes(List<TraceEvent> events) {
		List<String> out = new ArrayList<>();
		for (TraceEvent e : events) {
			if (e instanceof TraceEvent.Note n) {
				out.add(n.code());
			}
		}
		return out;
	}

	/** Compact one-line-per-event rendering for failure messages and debugging. */
	static String dump(List<TraceEvent> events) {
		StringBuilder b = new StringBuilder();
		for (TraceEvent e : events) {
			b.append(String.format("%6d %10.3f ", e.seq(), e.timeMs()));
			if (e instanceof TraceEvent.Segment s) {
				b.append(s.event())
					.append(' ')
					.append(s.id())
					.append(' ')
					.append(s.from())
					.append("->")
					.append(s.to())
					.append(' ')
					.append(s.flags())
					.append(" seq=")
					.append(s.relSeq())
					.append(" ack=")
					.append(s.relAck())
					.append(" len=")
					.append(s.len())
					.append(s.retransmission() ? " RTX" : "")
					.append(s.answers() != null ? " answers=" + s.answers() : "");
			}
			else if (e instanceof TraceEvent.State s) {
				b.append("STATE ")
					.append(s.endpoint())
					.append(' ')
					.append(s.from())
					.append(">")
					.append(s.to())
					.append(" (")
					.append(s.cause())
					.append(')');
			}
			else if (e instanceof TraceEvent.Timer t) {
				b.append("timer ")
					.append(t.endpoint())
					.append(' ')
					.append(t.timer())
					.append(' ')
					.append(t.action())
					.append(t.expiresAtMs() != null ? " @" + t.expiresAtMs() : "");
			}
			else if (e instanceof TraceEvent.Call c) {
				b.append("CALL ")
					.append(c.endpoint())
					.append(' ')
					.append(c.call())
					.append(c.args())
					.append(" -> ")
					.append(c.result())
					.append(c.blocking() ? " (blocking)" : "")
					.append(c.completed() ? " (completed)" : "");
			}
			else if (e instanceof TraceEvent.Note n) {
				b.append("NOTE ").append(n.endpoint()).append(' ').append(n.code()).append(": ").append(n.text());
			}
			else {
				b.append(e);
			}
			b.append('\n');
		}
		return b.toString();
	}

	static void assertContiguous(List<TraceEvent> events) {
		for (int i = 1; i < events.size(); i++) {
			assertThat(events.get(i).seq()).isEqualTo(events.get(i - 1).seq() + 1);
		}
	}

}
