package dev.tcplab.capture;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.tcplab.capture.CaptureService.Locator;
import dev.tcplab.capture.CaptureService.Stored;
import dev.tcplab.capture.CaptureTrace.Segment;
import dev.tcplab.capture.Inference.Change;
import dev.tcplab.capture.Inference.Drop;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.LiveSimulation;
import dev.tcplab.simulation.SimulationJson;
import dev.tcplab.simulation.SimulationKind;
import dev.tcplab.simulation.SimulationService;
import dev.tcplab.simulation.SimulationSpec;
import dev.tcplab.simulation.SimulationService.ClockAction;
import dev.tcplab.simulation.SimulationService.ClockCommand;

import org.springframework.stereotype.Component;

/**
 * Replays a captured connection in the lab and compares the two. This is the one class
 * that makes simulations for captures: it uses only the public, journaled operations of
 * {@link SimulationService} (create, open a pair, apply events, move the clock), so a
 * replay is rebuilt from the journal like any simulation, and re-pointing it at another
 * door means changing this class alone.
 * <p>
 * What is replayed (docs/captures.md, "Replay"): a pair on the captured ports, the
 * one-way latency half the handshake's round trip, each side's data as one {@code send}
 * per burst (the peer {@code recv}s it, unless the capture shows it closed with that data
 * unread), the close calls the inference found ({@code close}, {@code shutdown(SHUT_WR)},
 * {@code abort} for SO_LINGER {1,0}) at their capture times, and a {@code lose} rule for
 * each copy the inference says was lost.
 */
@Component
class CaptureReplays {

	/**
	 * Fewest ms replayed after the last call (TIME_WAIT and retransmissions play out).
	 */
	static final double TAIL_MS = 130_000;

	private final CaptureService captures;

	private final SimulationService simulations;

	CaptureReplays(CaptureService captures, SimulationService simulations) {
		this.captures = captures;
		this.simulations = simulations;
	}

	/** One step of the replay: at capture time {@code atMs}, this event. */
	record Step(double atMs, String side, String what, Map<String, Object> args) {
	}

	/** One row of the segment-by-segment comparison. */
	record Row(String match, Map<String, Object> capture, Map<String, Object> replay, List<String> differs) {
	}

	/** Both endpoints' states, captured (inferred) and replayed. */
	record States(List<String> capture, List<String> replay, boolean same) {
	}

	record Comparison(int matched, int differing, int captureOnly, int replayOnly, List<Row> segments,
			Map<String, States> states) {
	}

	record Replay(String simulationId, String profile, double latencyMs, List<Step> steps, Comparison comparison,
			SimulationJson simulation) {
	}

	Replay replay(String id, int n, String profile) throws IOException {
		Stored stored = this.captures.get(id);
		Locator loc = this.captures.locator(stored, n);
		CaptureTrace.Trace trace = this.captures.trace(id, n, profile);
		Inference.Result r = trace.result();
		FlowKey k = loc.key();
		int clientPort = loc.clientIsA() ? k.aPort : k.bPort;
		int serverPort = loc.clientIsA() ? k.bPort : k.aPort;
		double rtt = r.shiftMs()[0] + r.shiftMs()[1];
		double latency = Math.max(0.05, Math.min(10_000, Math.round(rtt / 2 * 1000) / 1000.0));
		String client = null, server = null;
		if (!k.v6) {
			String a = TcpPacket.address(false, k.aHi, k.aLo), b = TcpPacket.address(false, k.bHi, k.bLo);
			client = loc.clientIsA() ? a : b;
			server = loc.clientIsA() ? b : a;
			if (client.equals(server)) {
				client = null;
				server = null;
			}
		}
		List<Step> steps = steps(trace);
		LiveSimulation live = this.simulations.create(new SimulationSpec(trace.profile(), 1L, latency, "manual", null,
				null, "full", client, server, false, true), SimulationKind.REPLAY, "capture " + id + " #" + n);
		String sim = live.id();
		try {
			PairView pair = this.simulations.openPair(sim, serverPort, clientPort, false, true);
			double origin = establishedAt(trace);
			double simOrigin = this.simulations.snapshot(sim).view().nowMs();
			for (Step s : steps) {
				double due = simOrigin + (s.atMs() - origin);
				double now = this.simulations.snapshot(sim).view().nowMs();
				if (due > now) {
					this.simulations.clock(sim, new ClockCommand(null, null, null,
							new ClockAction.Advance(Math.round((due - now) * 1000) / 1000.0)));
				}
				this.simulations.apply(sim, pair.id(), event(s));
			}
			double max = Math.min(this.simulations.properties().maxAdvanceMs(), TAIL_MS);
			this.simulations.clock(sim, new ClockCommand(null, null, null, new ClockAction.RunUntilIdle(max)));
			List<TraceEvent> events = this.simulations.allEvents(sim);
			Comparison cmp = compare(trace, events, origin, simOrigin);
			return new Replay(sim, trace.profile(), latency, steps, cmp,
					SimulationJson.of(this.simulations.snapshot(sim)));
		}
		catch (RuntimeException ex) {
			this.simulations.delete(sim);
			throw ex;
		}
	}

	/** When the handshake completed (the client's ESTABLISHED), or the first packet. */
	private static double establishedAt(CaptureTrace.Trace t) {
		for (Change c : t.result().changes()) {
			if (c.endpoint() == 0 && c.to() == TcpState.ESTABLISHED) {
				return c.timeMs();
			}
		}
		return t.segments().isEmpty() ? 0 : t.segments().get(0).timeMs();
	}

	private static String side(int e) {
		return e == 0 ? "client" : "server";
	}

	/** The calls and faults the capture shows, in time order. */
	static List<Step> steps(CaptureTrace.Trace t) {
		List<Step> steps = new ArrayList<>();
		Inference.Result r = t.result();
		double origin = establishedAt(t);
		// closes, shutdowns and aborts
		Map<Integer, Double> closeAt = new LinkedHashMap<>();
		Map<Integer, Boolean> unread = new LinkedHashMap<>();
		for (Change c : r.changes()) {
			String call = switch (c.cause()) {
				case "close()", "close() with unread data", "rcv data after close()" -> "close";
				case "shutdown(SHUT_WR)" -> "shutdown";
				case "linger {1,0}" -> "abort";
				default -> null;
			};
			if (call == null || c.timeMs() < origin) {
				continue;
			}
			if (call.equals("close") && c.to() == TcpState.CLOSED && !"close() with unread data".equals(c.cause())) {
				continue; // RST after close(): the close was earlier
			}
			steps.add(new Step(c.timeMs(), side(c.endpoint()), call,
					call.equals("shutdown") ? Map.of("how", "SHUT_WR") : Map.of()));
			closeAt.putIfAbsent(c.endpoint(), c.timeMs());
			if ("close() with unread data".equals(c.cause())) {
				unread.put(c.endpoint(), true);
			}
		}
		// data: one send per burst, read by the peer when the next burst goes the other
		// way
		int burstFrom = -1;
		long burstBytes = 0;
		double burstAt = 0, burstEnd = 0;
		List<Segment> data = t.segments()
			.stream()
			.filter(s -> s.len() > 0 && !s.retransmission() && (s.flags() & TcpPacket.SYN) == 0)
			.toList();
		for (int i = 0; i <= data.size(); i++) {
			Segment s = i < data.size() ? data.get(i) : null;
			if (s != null && s.from() == burstFrom) {
				burstBytes += s.len();
				burstEnd = s.timeMs();
				continue;
			}
			if (burstFrom >= 0 && burstBytes > 0) {
				int peer = 1 - burstFrom;
				steps.add(new Step(burstAt, side(burstFrom), "send",
						Map.of("bytes", (int) Math.min(burstBytes, 16 << 20))));
				Double peerClose = closeAt.get(peer);
				boolean leftUnread = Boolean.TRUE.equals(unread.get(peer))
						&& (s == null || peerClose != null && peerClose < s.timeMs());
				if (!leftUnread) {
					double readAt = s != null ? s.timeMs() : burstEnd + 1;
					if (peerClose != null && peerClose >= burstEnd) {
						readAt = Math.min(readAt, peerClose);
					}
					steps.add(new Step(Math.max(burstEnd, readAt - 0.001), side(peer), "recv", Map.of()));
				}
			}
			if (s != null) {
				burstFrom = s.from();
				burstBytes = s.len();
				burstAt = s.timeMs();
				burstEnd = s.timeMs();
			}
		}
		// losses: a rule on the sender's next segment of that kind, just before it
		Map<Long, Segment> byPacket = new LinkedHashMap<>();
		t.segments().forEach(s -> byPacket.put(s.packet(), s));
		TreeSet<Long> lost = new TreeSet<>();
		for (Drop d : r.drops()) {
			lost.add(d.packet());
		}
		for (long p : lost) {
			Segment s = byPacket.get(p);
			if (s == null || (s.flags() & TcpPacket.SYN) != 0 || s.timeMs() < origin) {
				continue;
			}
			String kind = (s.flags() & TcpPacket.FIN) != 0 ? "FIN"
					: (s.flags() & TcpPacket.RST) != 0 ? "RST" : s.len() > 0 ? "DATA" : "ACK";
			steps.add(new Step(s.timeMs() - 0.002, side(s.from()), "lose", Map.of("segment", kind)));
		}
		steps.sort(Comparator.comparingDouble(Step::atMs));
		return List.copyOf(steps);
	}

	private static PairEvent event(Step s) {
		Side side = s.side().equals("client") ? Side.CLIENT : Side.SERVER;
		return switch (s.what()) {
			case "close" -> new PairEvent.Close(side);
			case "abort" -> new PairEvent.Abort(side);
			case "shutdown" -> new PairEvent.Shutdown(side, "SHUT_WR");
			case "send" -> new PairEvent.Send(side, (Integer) s.args().get("bytes"));
			case "recv" -> new PairEvent.Recv(side, null);
			case "lose" -> new PairEvent.Fault(side, PairEvent.FaultAction.DROP,
					SegmentMatch.valueOf((String) s.args().get("segment")), 1, 0, 0);
			default -> throw new IllegalStateException(s.what());
		};
	}

	/** What one segment looks like for the comparison. */
	private record Token(String from, List<String> flags, long relSeq, long relAck, int len, double atMs, long id) {

		boolean same(Token o) {
			return this.from.equals(o.from) && this.flags.equals(o.flags) && this.relSeq == o.relSeq
					&& this.relAck == o.relAck && this.len == o.len;
		}

		Map<String, Object> json(String idName) {
			Map<String, Object> m = new LinkedHashMap<>();
			m.put(idName, this.id);
			m.put("timeMs", CaptureService.round(this.atMs));
			m.put("from", this.from);
			m.put("flags", this.flags);
			m.put("relSeq", this.relSeq);
			m.put("relAck", this.relAck);
			m.put("len", this.len);
			return m;
		}

	}

	private static List<String> comparable(List<String> flags) {
		return flags.stream().filter(f -> !f.equals("PSH")).sorted().toList();
	}

	/** How long after the capture's last packet the replay is still compared. */
	static final double COMPARED_AFTER_MS = 1000;

	/** At most this many segments of each side are aligned (the rest is left out). */
	static final int MAX_ALIGNED = 1500;

	static Comparison compare(CaptureTrace.Trace t, List<TraceEvent> events, double origin, double simOrigin) {
		List<Token> cap = new ArrayList<>();
		for (Segment s : t.segments()) {
			if (cap.size() < MAX_ALIGNED) {
				cap.add(new Token(side(s.from()), comparable(CaptureTrace.flags(s.flags())), s.relSeq(), s.relAck(),
						s.len(), s.timeMs() - origin, s.packet()));
			}
		}
		List<Token> rep = new ArrayList<>();
		Map<String, List<String>> replayStates = new LinkedHashMap<>();
		// the replay runs on (TIME_WAIT expires, retransmissions give up); what it does
		// later
		// than a second past the capture's last packet has nothing to be compared with
		double until = (t.segments().isEmpty() ? 0 : t.segments().get(t.segments().size() - 1).timeMs()) - origin
				+ COMPARED_AFTER_MS;
		for (TraceEvent e : events) {
			if (e.timeMs() - simOrigin > until) {
				continue;
			}
			if (e instanceof TraceEvent.Segment s && s.event().equals("sent") && rep.size() < MAX_ALIGNED) {
				rep.add(new Token(s.from(), comparable(s.flags()), s.relSeq(), s.relAck(), s.len(),
						s.timeMs() - simOrigin, s.id()));
			}
			else if (e instanceof TraceEvent.State st && !st.endpoint().equals("listener")) {
				List<String> seq = replayStates.computeIfAbsent(st.endpoint(), k -> new ArrayList<>());
				if (seq.isEmpty()) {
					seq.add(st.from().name());
				}
				seq.add(st.to().name());
			}
		}
		// longest common subsequence of identical segments, then the gaps paired by
		// direction
		int[][] lcs = new int[cap.size() + 1][rep.size() + 1];
		for (int i = cap.size() - 1; i >= 0; i--) {
			for (int j = rep.size() - 1; j >= 0; j--) {
				lcs[i][j] = cap.get(i).same(rep.get(j)) ? lcs[i + 1][j + 1] + 1
						: Math.max(lcs[i + 1][j], lcs[i][j + 1]);
			}
		}
		List<Row> rows = new ArrayList<>();
		int i = 0, j = 0, matched = 0, differing = 0, capOnly = 0, repOnly = 0;
		List<Token> gapC = new ArrayList<>(), gapR = new ArrayList<>();
		while (i < cap.size() || j < rep.size()) {
			if (i < cap.size() && j < rep.size() && cap.get(i).same(rep.get(j))) {
				int[] counts = flush(rows, gapC, gapR);
				differing += counts[0];
				capOnly += counts[1];
				repOnly += counts[2];
				rows.add(new Row("same", cap.get(i).json("packet"), rep.get(j).json("id"), List.of()));
				matched++;
				i++;
				j++;
			}
			else if (j >= rep.size() || i < cap.size() && lcs[i + 1][j] >= lcs[i][j + 1]) {
				gapC.add(cap.get(i++));
			}
			else {
				gapR.add(rep.get(j++));
			}
		}
		int[] counts = flush(rows, gapC, gapR);
		differing += counts[0];
		capOnly += counts[1];
		repOnly += counts[2];
		Map<String, States> states = new LinkedHashMap<>();
		for (int e = 0; e < 2; e++) {
			List<String> c = t.result().sequence(e).stream().map(Enum::name).toList();
			List<String> rp = List.copyOf(replayStates.getOrDefault(side(e), List.of()));
			states.put(side(e), new States(c, rp, c.equals(rp)));
		}
		return new Comparison(matched, differing, capOnly, repOnly, List.copyOf(rows), states);
	}

	/**
	 * Pairs the segments of a gap that go the same way; answers {differing, capture-only,
	 * replay-only}.
	 */
	private static int[] flush(List<Row> rows, List<Token> gapC, List<Token> gapR) {
		int[] counts = new int[3];
		List<Token> restR = new ArrayList<>(gapR);
		for (Token c : gapC) {
			Token partner = null;
			for (Token r : restR) {
				if (r.from.equals(c.from) && r.flags.equals(c.flags)) {
					partner = r;
					break;
				}
			}
			if (partner == null) {
				rows.add(new Row("capture only", c.json("packet"), null, List.of()));
				counts[1]++;
				continue;
			}
			restR.remove(partner);
			List<String> differs = new ArrayList<>();
			if (c.relSeq != partner.relSeq) {
				differs.add("relSeq");
			}
			if (c.relAck != partner.relAck) {
				differs.add("relAck");
			}
			if (c.len != partner.len) {
				differs.add("len");
			}
			rows.add(new Row("differs", c.json("packet"), partner.json("id"), differs));
			counts[0]++;
		}
		for (Token r : restR) {
			rows.add(new Row("replay only", null, r.json("id"), List.of()));
			counts[2]++;
		}
		gapC.clear();
		gapR.clear();
		return counts;
	}

}
