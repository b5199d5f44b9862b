package dev.tcplab.capture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.tcplab.capture.PacketLog.Seq;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpState;

/**
 * Infers both endpoints' TCP states from the packets of one connection, as each end's TCP
 * would have changed them (RFC 9293 §3.10 with the chosen profile's rules):
 * <ul>
 * <li>Each endpoint gets its own timeline: what it sent, and the peer's segments as they
 * reached it. The capture point shifts the peer's segments: a segment seen at time
 * {@code t} reaches endpoint X at about {@code t + shift(X)}, where {@code shift(X)} is
 * the round trip between the capture point and X, measured on the handshake (the time
 * from SYN to SYN,ACK is the server's, from SYN,ACK to the ACK the client's).</li>
 * <li>Acknowledgment numbers are evidence that overrides timing: a TCP acknowledges a FIN
 * (or a SYN) as soon as it processes it, so the endpoint's first segment that
 * acknowledges the peer's FIN shows when the FIN arrived — CLOSE_WAIT, CLOSING and
 * TIME_WAIT start when that ACK leaves. A copy the endpoint never acknowledged did not
 * reach it; an ACK of our FIN that is followed by a retransmission of that FIN was lost
 * on the way.</li>
 * <li>Timers are inferred from the profile's constants (TIME_WAIT, FIN_WAIT_2) and fire
 * only when the capture lasts past them; every inferred time, timer, drop and note is
 * marked inferred.</li>
 * </ul>
 * The inference reads only what {@link PacketLog} keeps, so a log folded on import and
 * the same packets read again for the trace give the same answer.
 */
final class Inference {

	static final String CLIENT = "client", SERVER = "server";

	/** A state change of one endpoint. {@code packet} is the segment that caused it. */
	record Change(int endpoint, TcpState from, TcpState to, String cause, double timeMs, long packet,
			boolean inferredTime) {

		String endpointName() {
			return this.endpoint == 0 ? CLIENT : SERVER;
		}

	}

	/** An inferred timer action. */
	record TimerAction(int endpoint, String timer, String action, double timeMs, Double expiresAtMs) {
	}

	/** An inferred note, e.g. why a segment was lost or ignored. */
	record NoteEvent(int endpoint, String code, String text, double timeMs, long packet) {
	}

	/**
	 * A copy of a segment (its packet number) that, by the evidence, never reached
	 * {@code endpoint}.
	 */
	record Drop(long packet, int endpoint) {
	}

	/** What happens to a tuple after this connection: the next incarnation's SYN. */
	record Successor(double timeMs, int synFrom, boolean accepted, long packet) {
	}

	/** Everything inferred for one connection. */
	record Result(String capturePoint, double[] shiftMs, boolean handshake, List<Change> changes,
			List<TimerAction> timers, List<NoteEvent> notes, List<Drop> drops, TcpState[] finalStates,
			double[] timeWaitAtMs, boolean noListener, int firstFin, int[] finCopies, int[] rstFrom) {

		/** Each endpoint's states in order (first "from", then every "to"). */
		List<TcpState> sequence(int endpoint) {
			List<TcpState> out = new ArrayList<>();
			for (Change c : this.changes) {
				if (c.endpoint() == endpoint) {
					if (out.isEmpty()) {
						out.add(c.from());
					}
					out.add(c.to());
				}
			}
			return out;
		}

	}

	private final PacketLog log;

	private final StackConstants constants;

	private final double captureEndMs;

	private final Successor successor;

	/** Indices of the handshake packets (-1 = not seen). */
	private int syn = -1, synAck = -1, hsAck = -1;

	private final int[] isn = new int[2];

	private final boolean[] isnKnown = new boolean[2];

	/** First FIN of each direction (-1 = none) and its sequence number. */
	private final int[] fin = { -1, -1 };

	private final int[] finSeq = new int[2];

	private final int[] finCopies = new int[2];

	private final int[] rstFrom = { -1, -1 };

	private final double[] shiftMs = new double[2];

	private String capturePoint;

	private final List<Change> changes = new ArrayList<>();

	private final List<TimerAction> timers = new ArrayList<>();

	private final List<NoteEvent> notes = new ArrayList<>();

	private final List<Drop> drops = new ArrayList<>();

	private final TcpState[] finalStates = new TcpState[2];

	private final double[] timeWaitAt = { Double.NaN, Double.NaN };

	private boolean noListener;

	Inference(PacketLog log, StackConstants constants, double captureEndMs, Successor successor) {
		this.log = log;
		this.constants = constants;
		this.captureEndMs = captureEndMs;
		this.successor = successor;
	}

	/**
	 * How late a long Linux timer may fire: TIME_WAIT and the orphaned FIN_WAIT_2 (60 s)
	 * sit on the timer wheel's level 4 at HZ=1000, whose granularity is 4.096 s
	 * (measured: a FIN_WAIT_2 mini-socket still answered a FIN 61.5 s after the close).
	 * Other profiles: none.
	 */
	static final double LINUX_TIMER_SLACK_MS = 4096;

	private boolean linux() {
		return "linux".equals(this.constants.profile());
	}

	private double timerSlackMs() {
		return linux() ? LINUX_TIMER_SLACK_MS : 0;
	}

	static Result infer(PacketLog log, StackConstants constants, double captureEndMs, Successor successor) {
		return new Inference(log, constants, captureEndMs, successor).run();
	}

	private double ms(int i) {
		return this.log.timeNs[i] / 1e6;
	}

	private Result run() {
		findHandshake();
		findFins();
		placeCapture();
		for (int x = 0; x < 2; x++) {
			new Endpoint(x).run();
		}
		this.changes.sort(Comparator.comparingDouble(Change::timeMs));
		return new Result(this.capturePoint, this.shiftMs.clone(), this.syn >= 0 || this.synAck >= 0,
				List.copyOf(this.changes), List.copyOf(this.timers), List.copyOf(this.notes), List.copyOf(this.drops),
				this.finalStates.clone(), this.timeWaitAt.clone(), this.noListener, firstFin(), this.finCopies.clone(),
				this.rstFrom.clone());
	}

	private int firstFin() {
		if (this.fin[0] < 0) {
			return this.fin[1] < 0 ? -1 : 1;
		}
		if (this.fin[1] < 0) {
			return 0;
		}
		return this.fin[0] < this.fin[1] ? 0 : 1;
	}

	private void findHandshake() {
		PacketLog l = this.log;
		for (int i = 0; i < l.n; i++) {
			boolean s = l.has(i, TcpPacket.SYN), a = l.has(i, TcpPacket.ACK);
			if (s && !a && l.dir[i] == 0 && this.syn < 0) {
				this.syn = i;
				this.isn[0] = l.seq[i];
				this.isnKnown[0] = true;
			}
			else if (s && a && l.dir[i] == 1 && this.synAck < 0) {
				this.synAck = i;
				this.isn[1] = l.seq[i];
				this.isnKnown[1] = true;
			}
			else if (!s && a && l.dir[i] == 0 && this.synAck >= 0 && this.hsAck < 0 && l.ack[i] == this.isn[1] + 1) {
				this.hsAck = i;
			}
			if (l.has(i, TcpPacket.RST) && this.rstFrom[l.dir[i]] < 0) {
				this.rstFrom[l.dir[i]] = i;
			}
		}
	}

	private void findFins() {
		PacketLog l = this.log;
		for (int i = 0; i < l.n; i++) {
			if (l.has(i, TcpPacket.FIN) && !l.has(i, TcpPacket.RST)) {
				int d = l.dir[i];
				int s = l.seq[i] + l.len[i] + (l.has(i, TcpPacket.SYN) ? 1 : 0);
				if (this.fin[d] < 0) {
					this.fin[d] = i;
					this.finSeq[d] = s;
				}
				if (s == this.finSeq[d]) {
					this.finCopies[d]++;
				}
			}
		}
	}

	/**
	 * Where the capture was taken, from the handshake: the side that answers at once is
	 * the side next to the capture point.
	 */
	private void placeCapture() {
		if (this.syn < 0 || this.synAck < 0 || this.hsAck < 0) {
			this.capturePoint = "unknown";
			this.notes.add(new NoteEvent(-1, "CAPTURE_POINT_UNKNOWN",
					"the handshake is not complete in the capture, so the capture point cannot be told; each endpoint is assumed to see segments when the capture does",
					this.log.n == 0 ? 0 : ms(0), -1));
			return;
		}
		// the last SYN copy before the SYN,ACK is the one it answers
		int s = this.syn;
		for (int i = this.syn + 1; i < this.synAck; i++) {
			if (this.log.dir[i] == 0 && this.log.has(i, TcpPacket.SYN)) {
				s = i;
			}
		}
		double server = Math.max(0, ms(this.synAck) - ms(s));
		double client = Math.max(0, ms(this.hsAck) - ms(this.synAck));
		this.shiftMs[0] = client;
		this.shiftMs[1] = server;
		if (client < 1 && server < 1) {
			this.capturePoint = "both";
		}
		else if (client <= Math.max(0.2, server / 10)) {
			this.capturePoint = CLIENT;
		}
		else if (server <= Math.max(0.2, client / 10)) {
			this.capturePoint = SERVER;
		}
		else {
			this.capturePoint = "between";
		}
	}

	/** One endpoint's timeline and state machine. */
	private final class Endpoint {

		final int x, y;

		TcpState state;

		/**
		 * For RST acceptability: the last acknowledgment this endpoint sent (its RCV.NXT)
		 * and the end of the peer's sequence space that reached it.
		 */
		int lastAck, peerEnd;

		boolean lastAckKnown, peerEndKnown, finReceived;

		/** This side's FIN was sent by close() (not shutdown): FIN_WAIT_2 is orphaned. */
		boolean orphan;

		double timeWaitExpires = Double.NaN, finWait2Expires = Double.NaN;

		boolean finSentSeen;

		Endpoint(int x) {
			this.x = x;
			this.y = 1 - x;
		}

		/** A segment as this endpoint met it: sent by it, or received. */
		record Ev(int index, boolean send, double timeMs, double order, boolean inferredTime) {
		}

		void run() {
			PacketLog l = Inference.this.log;
			boolean handshake = Inference.this.syn >= 0 || Inference.this.synAck >= 0;
			this.state = handshake ? (this.x == 0 ? TcpState.CLOSED : TcpState.LISTEN) : TcpState.ESTABLISHED;
			if (!handshake && l.n > 0) {
				Inference.this.notes.add(new NoteEvent(this.x, "NO_HANDSHAKE",
						"the handshake is not in the capture: ESTABLISHED is assumed before the first packet", ms(0),
						l.number[0]));
			}
			List<Ev> evs = timeline();
			evs.sort(Comparator.comparingDouble(Ev::timeMs).thenComparingDouble(Ev::order));
			for (Ev e : evs) {
				fireTimers(e.timeMs());
				if (e.send()) {
					onSend(e);
				}
				else {
					onReceive(e);
				}
			}
			if (Inference.this.successor != null) {
				fireTimers(Inference.this.successor.timeMs());
				onSuccessor(Inference.this.successor);
			}
			fireTimers(Inference.this.captureEndMs);
			Inference.this.finalStates[this.x] = this.state;
			if (this.x == 1 && Inference.this.noListener) {
				Inference.this.finalStates[this.x] = TcpState.CLOSED;
			}
		}

		/**
		 * This endpoint's sends at their capture times, the peer's segments at their
		 * arrival as the evidence places them; copies that never arrived are left out.
		 */
		List<Ev> timeline() {
			PacketLog l = Inference.this.log;
			double shift = Inference.this.shiftMs[this.x];
			List<Ev> evs = new ArrayList<>(l.n);
			boolean[] placed = new boolean[l.n];
			// SYN at the server: the SYN,ACK (or a RST) that answers it
			if (this.x == 1 && Inference.this.syn >= 0) {
				int q = firstSend(Inference.this.syn, i -> l.has(i, TcpPacket.ACK)
						&& l.ack[i] == Inference.this.isn[0] + 1 && l.has(i, TcpPacket.SYN | TcpPacket.RST));
				placeCopies(evs, placed, q, i -> l.dir[i] == 0 && l.has(i, TcpPacket.SYN) && !l.has(i, TcpPacket.ACK),
						shift);
				if (q >= 0 && l.has(q, TcpPacket.RST) && !l.has(q, TcpPacket.SYN)) {
					Inference.this.noListener = true;
				}
			}
			// SYN,ACK at the client: its ACK
			if (this.x == 0 && Inference.this.synAck >= 0) {
				int q = firstSend(Inference.this.synAck,
						i -> l.has(i, TcpPacket.ACK) && !l.has(i, TcpPacket.SYN)
								&& Seq.ge(l.ack[i], Inference.this.isn[1] + 1)
								|| l.has(i, TcpPacket.RST) && l.seq[i] == Inference.this.isn[0] + 1);
				placeCopies(evs, placed, q, i -> l.dir[i] == 1 && l.has(i, TcpPacket.SYN) && l.has(i, TcpPacket.ACK),
						shift);
			}
			// the peer's FIN: this endpoint's first segment that acknowledges it
			if (Inference.this.fin[this.y] >= 0) {
				int f = Inference.this.fin[this.y];
				int end = Inference.this.finSeq[this.y] + 1;
				int q = firstSend(f, i -> l.has(i, TcpPacket.ACK) && Seq.ge(l.ack[i], end));
				placeCopies(evs, placed, q, i -> l.dir[i] == this.y && l.has(i, TcpPacket.FIN)
						&& l.seq[i] + l.len[i] + (l.has(i, TcpPacket.SYN) ? 1 : 0) == Inference.this.finSeq[this.y],
						shift);
			}
			for (int i = 0; i < l.n; i++) {
				if (placed[i]) {
					continue;
				}
				if (l.dir[i] == this.x) {
					evs.add(new Ev(i, true, ms(i), 2.0 * i + 1, false));
				}
				else if (!lostAck(i, shift)) {
					evs.add(new Ev(i, false, ms(i) + shift, 2.0 * i, shift > 0));
				}
				else {
					Inference.this.drops.add(new Drop(Inference.this.log.number[i], this.x));
				}
			}
			return evs;
		}

		/**
		 * The peer's copies matching {@code copy}: the last one seen before the evidence
		 * {@code q} arrives just before q; earlier ones were lost, later ones arrive as
		 * usual (duplicates). Without evidence, none arrived.
		 */
		void placeCopies(List<Ev> evs, boolean[] placed, int q, java.util.function.IntPredicate copy, double shift) {
			PacketLog l = Inference.this.log;
			int chosen = -1;
			for (int i = 0; i < l.n; i++) {
				if (copy.test(i) && (q < 0 || i < q)) {
					chosen = i;
				}
			}
			if (q < 0) {
				// no evidence: the copies did not reach this endpoint (a TCP answers
				// these
				// at once); when the capture point is not this endpoint's, it cannot tell
				for (int i = 0; i < l.n; i++) {
					if (copy.test(i)) {
						placed[i] = true;
						Inference.this.drops.add(new Drop(Inference.this.log.number[i], this.x));
					}
				}
				if (chosen >= 0) {
					boolean near = Inference.this.shiftMs[this.x] < 1 && !"unknown".equals(Inference.this.capturePoint);
					Inference.this.notes.add(new NoteEvent(this.x, near ? "NOT_ANSWERED" : "NOT_ANSWERED_UNSURE", near
							? "no answer left this endpoint: the segment did not reach it"
							: "no answer from this endpoint is in the capture: the segment was lost on the way to it, or its answer was lost before the capture point (cannot tell)",
							ms(chosen), l.number[chosen]));
				}
				return;
			}
			for (int i = 0; i < l.n; i++) {
				if (!copy.test(i)) {
					continue;
				}
				placed[i] = true;
				if (i == chosen) {
					// it arrived before the answer q left, and after this endpoint's last
					// segment that did not acknowledge it
					double after = ms(i);
					for (int k = i + 1; k < q; k++) {
						if (l.dir[k] == this.x) {
							after = ms(k);
						}
					}
					double at = Math.min(Math.max(ms(i) + shift, after), ms(q));
					boolean atAnswer = at >= ms(q);
					evs.add(new Ev(i, false, at, atAnswer ? 2.0 * q : 2.0 * q - 1, !atAnswer && shift > 0));
				}
				else if (i < chosen) {
					Inference.this.drops.add(new Drop(Inference.this.log.number[i], this.x));
				}
				else {
					evs.add(new Ev(i, false, ms(i) + shift, 2.0 * i, shift > 0));
				}
			}
		}

		int firstSend(int after, java.util.function.IntPredicate test) {
			PacketLog l = Inference.this.log;
			for (int i = after + 1; i < l.n; i++) {
				if (l.dir[i] == this.x && test.test(i)) {
					return i;
				}
			}
			return -1;
		}

		/**
		 * A pure ACK of this endpoint's SYN or FIN that was followed by a retransmission
		 * of it after it would have arrived: it never arrived.
		 */
		boolean lostAck(int i, double shift) {
			PacketLog l = Inference.this.log;
			if (!l.has(i, TcpPacket.ACK) || l.has(i, TcpPacket.SYN | TcpPacket.FIN | TcpPacket.RST) || l.len[i] > 0) {
				return false;
			}
			int f = Inference.this.fin[this.x];
			boolean acksFin = f >= 0 && Seq.ge(l.ack[i], Inference.this.finSeq[this.x] + 1);
			boolean acksSyn = Inference.this.isnKnown[this.x] && l.ack[i] == Inference.this.isn[this.x] + 1;
			if (!acksFin && !acksSyn) {
				return false;
			}
			double arrives = ms(i) + shift;
			for (int j = i + 1; j < l.n; j++) {
				if (l.dir[j] != this.x || ms(j) < arrives) {
					continue;
				}
				if (acksFin && l.has(j, TcpPacket.FIN) && l.seq[j] + l.len[j] == Inference.this.finSeq[this.x]) {
					return true;
				}
				if (acksSyn && !acksFin && l.has(j, TcpPacket.SYN)) {
					return true;
				}
			}
			return false;
		}

		void onSend(Ev e) {
			PacketLog l = Inference.this.log;
			int i = e.index();
			double t = e.timeMs();
			long pkt = l.number[i];
			boolean synF = l.has(i, TcpPacket.SYN), ackF = l.has(i, TcpPacket.ACK), finF = l.has(i, TcpPacket.FIN),
					rstF = l.has(i, TcpPacket.RST);
			if (ackF && !rstF) {
				this.lastAck = l.ack[i];
				this.lastAckKnown = true;
			}
			if (rstF) {
				onSendRst(i, t);
				return;
			}
			if (synF && !ackF) {
				if (this.state == TcpState.CLOSED) {
					change(TcpState.SYN_SENT, "connect()", t, pkt, false);
				}
				else if (this.state == TcpState.SYN_SENT) {
					timer("RETRANSMIT", "fired", t, null);
				}
				return;
			}
			if (synF) {
				if (this.state == TcpState.LISTEN) {
					change(TcpState.SYN_RECEIVED, "rcv SYN", t, pkt, true);
				}
				else if (this.state == TcpState.SYN_RECEIVED && i != Inference.this.synAck) {
					timer("RETRANSMIT", "fired", t, null);
				}
				return;
			}
			if (this.state == TcpState.SYN_RECEIVED && Inference.this.hsAck >= 0 && Inference.this.hsAck < i) {
				// a server sends data or a FIN only once ESTABLISHED: the ACK had arrived
				change(TcpState.ESTABLISHED, "rcv ACK of SYN", t, l.number[Inference.this.hsAck], true);
			}
			if (finF) {
				int s = l.seq[i] + l.len[i];
				if (s != Inference.this.finSeq[this.x] || this.finSentSeen) {
					if (s == Inference.this.finSeq[this.x]) {
						timer("RETRANSMIT", "fired", t, null);
					}
					return;
				}
				this.finSentSeen = true;
				String cause = closeCall(i);
				this.orphan = cause.equals("close()");
				switch (this.state) {
					case ESTABLISHED, SYN_RECEIVED -> change(TcpState.FIN_WAIT_1, cause, t, pkt, false);
					case CLOSE_WAIT -> change(TcpState.LAST_ACK, cause, t, pkt, false);
					default -> {
					}
				}
			}
		}

		/**
		 * This endpoint's first segment after the SYN,ACK {@code i} is a RST without ACK.
		 */
		boolean closedInSynSent(int i) {
			PacketLog l = Inference.this.log;
			int q = firstSend(i, k -> true);
			return q >= 0 && l.has(q, TcpPacket.RST) && !l.has(q, TcpPacket.ACK);
		}

		/**
		 * close() or shutdown(SHUT_WR): a side that goes on acknowledging data shut down.
		 */
		String closeCall(int finIndex) {
			PacketLog l = Inference.this.log;
			for (int j = finIndex + 1; j < l.n; j++) {
				if (l.dir[j] == this.y && l.len[j] > 0) {
					int end = l.seq[j] + l.len[j];
					for (int k = j + 1; k < l.n; k++) {
						if (l.dir[k] == this.x) {
							if (l.has(k, TcpPacket.RST)) {
								return "close()";
							}
							if (l.has(k, TcpPacket.ACK) && Seq.ge(l.ack[k], end)) {
								return "shutdown(SHUT_WR)";
							}
						}
					}
					return "close()";
				}
			}
			return "close()";
		}

		void onSendRst(int i, double t) {
			PacketLog l = Inference.this.log;
			long pkt = l.number[i];
			switch (this.state) {
				case ESTABLISHED, CLOSE_WAIT, SYN_RECEIVED -> {
					boolean unread = (l.marks[i] & PacketLog.MARK_PEER_DATA) != 0;
					change(TcpState.CLOSED, unread ? "close() with unread data" : "linger {1,0}", t, pkt, false);
				}
				case FIN_WAIT_1, FIN_WAIT_2 ->
					change(TcpState.CLOSED, this.orphan ? "rcv data after close()" : "linger {1,0}", t, pkt, false);
				case CLOSING, LAST_ACK -> change(TcpState.CLOSED, "linger {1,0}", t, pkt, false);
				case SYN_SENT -> change(TcpState.CLOSED, "RST to SYN,ACK", t, pkt, false);
				case TIME_WAIT -> {
					change(TcpState.CLOSED, "RST from TIME_WAIT", t, pkt, false);
					cancel("TIME_WAIT", t);
				}
				default -> {
				}
			}
		}

		void onReceive(Ev e) {
			PacketLog l = Inference.this.log;
			int i = e.index();
			double t = e.timeMs();
			long pkt = l.number[i];
			boolean inf = e.inferredTime();
			boolean synF = l.has(i, TcpPacket.SYN), ackF = l.has(i, TcpPacket.ACK), finF = l.has(i, TcpPacket.FIN),
					rstF = l.has(i, TcpPacket.RST);
			if (Inference.this.noListener && this.x == 1) {
				return;
			}
			if (rstF) {
				onReceiveRst(i, t, inf);
				return;
			}
			if (synF && !ackF) {
				if (this.state == TcpState.LISTEN) {
					change(TcpState.SYN_RECEIVED, "rcv SYN", t, pkt, inf);
				}
				else if (this.state != TcpState.SYN_RECEIVED && this.state != TcpState.CLOSED) {
					Inference.this.notes.add(new NoteEvent(this.x, "SYN_CHALLENGED",
							"SYN in a synchronized state: answered with a challenge ACK, the connection stays (RFC 5961 §4)",
							t, pkt));
				}
				return;
			}
			if (synF) {
				if (this.state == TcpState.SYN_SENT && closedInSynSent(i)) {
					// a bare RST answers the SYN,ACK: no socket any more, it was closed
					// in
					// SYN_SENT (a live one would ACK it)
					change(TcpState.CLOSED, "close()", t, pkt, true);
				}
				else if (this.state == TcpState.SYN_SENT) {
					change(TcpState.ESTABLISHED, "rcv SYN,ACK", t, pkt, inf);
				}
				return;
			}
			int segEnd = l.seq[i] + l.len[i] + (finF ? 1 : 0);
			if (!this.peerEndKnown || Seq.gt(segEnd, this.peerEnd)) {
				this.peerEnd = segEnd;
				this.peerEndKnown = true;
			}
			// RFC 9293 §3.10.7.4 fifth: the ACK field first
			if (ackF) {
				if (this.state == TcpState.SYN_RECEIVED && Inference.this.isnKnown[this.x]
						&& Seq.gt(l.ack[i], Inference.this.isn[this.x])) {
					change(TcpState.ESTABLISHED, "rcv ACK of SYN", t, pkt, inf);
				}
				if (Inference.this.fin[this.x] >= 0 && this.finSentSeen
						&& Seq.ge(l.ack[i], Inference.this.finSeq[this.x] + 1)) {
					switch (this.state) {
						case FIN_WAIT_1 -> {
							change(TcpState.FIN_WAIT_2, "rcv ACK of FIN", t, pkt, inf);
							if (this.orphan && Inference.this.constants.finWait2TimeoutMs() > 0) {
								this.finWait2Expires = t + Inference.this.constants.finWait2TimeoutMs();
								timer("FIN_WAIT_2", "armed", t, this.finWait2Expires);
							}
						}
						case CLOSING -> enterTimeWait("rcv ACK of FIN", t, pkt, inf);
						case LAST_ACK -> change(TcpState.CLOSED, "rcv ACK of FIN", t, pkt, inf);
						default -> {
						}
					}
				}
			}
			// eighth: the FIN (a copy that reached this endpoint, by the evidence)
			if (finF && l.seq[i] + l.len[i] == Inference.this.finSeq[this.y]) {
				boolean first = !this.finReceived;
				this.finReceived = true;
				switch (this.state) {
					case ESTABLISHED, SYN_RECEIVED -> change(TcpState.CLOSE_WAIT, "rcv FIN", t, pkt, inf);
					case FIN_WAIT_1 -> change(TcpState.CLOSING, "rcv FIN", t, pkt, inf);
					case FIN_WAIT_2 -> {
						cancel("FIN_WAIT_2", t);
						enterTimeWait("rcv FIN", t, pkt, inf);
					}
					case TIME_WAIT -> {
						if (!first) {
							restartTimeWait(t);
						}
					}
					default -> {
					}
				}
				return;
			}
			if (this.state == TcpState.TIME_WAIT && ackF && Inference.this.constants.timeWaitAckRestarts()) {
				restartTimeWait(t);
			}
		}

		void onReceiveRst(int i, double t, boolean inf) {
			PacketLog l = Inference.this.log;
			long pkt = l.number[i];
			if (this.state == TcpState.SYN_SENT) {
				if (l.has(i, TcpPacket.ACK) && Inference.this.isnKnown[this.x]
						&& l.ack[i] == Inference.this.isn[this.x] + 1) {
					change(TcpState.CLOSED, "rcv RST", t, pkt, inf);
				}
				return;
			}
			if (this.state == TcpState.CLOSED || this.state == TcpState.LISTEN) {
				return;
			}
			// RFC 5961 §3.2 (Linux tcp_validate_incoming): only a RST at RCV.NXT resets;
			// elsewhere in the window it draws a challenge ACK
			// Linux tcp_reset_check also takes a RST one below RCV.NXT once the peer's
			// FIN
			// was received (the peer resets with its FIN's sequence number)
			boolean exact = !this.lastAckKnown && !this.peerEndKnown || this.lastAckKnown && l.seq[i] == this.lastAck
					|| this.peerEndKnown && l.seq[i] == this.peerEnd
					|| linux() && this.lastAckKnown && l.seq[i] + 1 == this.lastAck && this.finReceived
							&& (this.state == TcpState.CLOSE_WAIT || this.state == TcpState.LAST_ACK
									|| this.state == TcpState.CLOSING);
			if (this.state == TcpState.TIME_WAIT) {
				if (exact && !Inference.this.constants.rfc1337()) {
					change(TcpState.CLOSED, "rcv RST", t, pkt, inf);
					cancel("TIME_WAIT", t);
				}
				else {
					Inference.this.notes.add(new NoteEvent(this.x, "RST_IGNORED_TIME_WAIT",
							exact ? "RST ignored in TIME_WAIT (RFC 1337)"
									: "RST not at RCV.NXT ignored in TIME_WAIT (Linux tcp_timewait_state_process)",
							t, pkt));
				}
				return;
			}
			if (exact) {
				change(TcpState.CLOSED, "rcv RST", t, pkt, inf);
				cancel("FIN_WAIT_2", t);
			}
			else {
				Inference.this.notes.add(new NoteEvent(this.x, "RST_CHALLENGED",
						"RST not at RCV.NXT: answered with a challenge ACK, the connection stays (RFC 5961 §3.2)", t,
						pkt));
			}
		}

		void onSuccessor(Successor s) {
			if (this.state != TcpState.TIME_WAIT) {
				return;
			}
			if (s.synFrom() == this.x) {
				change(TcpState.CLOSED, "connect() reused the port", s.timeMs(), s.packet(), false);
				cancel("TIME_WAIT", s.timeMs());
			}
			else if (s.accepted()) {
				change(TcpState.CLOSED, "rcv SYN", s.timeMs(), s.packet(), false);
				cancel("TIME_WAIT", s.timeMs());
			}
		}

		void enterTimeWait(String cause, double t, long pkt, boolean inf) {
			change(TcpState.TIME_WAIT, cause, t, pkt, inf);
			Inference.this.timeWaitAt[this.x] = t;
			this.timeWaitExpires = t + Inference.this.constants.timeWaitMs();
			timer("TIME_WAIT", "armed", t, this.timeWaitExpires);
		}

		void restartTimeWait(double t) {
			this.timeWaitExpires = t + Inference.this.constants.timeWaitMs();
			timer("TIME_WAIT", "restarted", t, this.timeWaitExpires);
		}

		void fireTimers(double now) {
			if (this.state == TcpState.TIME_WAIT && this.timeWaitExpires <= now && !aliveAfter(this.timeWaitExpires)) {
				timer("TIME_WAIT", "fired", this.timeWaitExpires, null);
				change(TcpState.CLOSED, "TIME_WAIT timer", this.timeWaitExpires, -1, true);
				this.timeWaitExpires = Double.NaN;
			}
			if (this.state == TcpState.FIN_WAIT_2 && this.finWait2Expires <= now && !aliveAfter(this.finWait2Expires)) {
				timer("FIN_WAIT_2", "fired", this.finWait2Expires, null);
				change(TcpState.CLOSED, "FIN_WAIT_2 timer", this.finWait2Expires, -1, true);
				this.finWait2Expires = Double.NaN;
			}
		}

		/**
		 * Whether this endpoint still answered (a segment other than RST) after a timer
		 * was due, within the lateness of the profile's timers: then it had not fired
		 * yet.
		 */
		boolean aliveAfter(double due) {
			double slack = timerSlackMs();
			if (slack <= 0) {
				return false;
			}
			PacketLog l = Inference.this.log;
			for (int i = 0; i < l.n; i++) {
				double t = ms(i);
				if (l.dir[i] == this.x && t > due && t <= due + slack && !l.has(i, TcpPacket.RST)) {
					return true;
				}
			}
			return false;
		}

		void cancel(String timer, double t) {
			if (timer.equals("TIME_WAIT") && !Double.isNaN(this.timeWaitExpires)) {
				this.timeWaitExpires = Double.NaN;
				timer(timer, "cancelled", t, null);
			}
			if (timer.equals("FIN_WAIT_2") && !Double.isNaN(this.finWait2Expires)) {
				this.finWait2Expires = Double.NaN;
				timer(timer, "cancelled", t, null);
			}
		}

		void timer(String timer, String action, double t, Double expires) {
			Inference.this.timers.add(new TimerAction(this.x, timer, action, t, expires));
		}

		void change(TcpState to, String cause, double t, long pkt, boolean inferredTime) {
			if (to == this.state) {
				return;
			}
			Inference.this.changes.add(new Change(this.x, this.state, to, cause, t, pkt, inferredTime));
			this.state = to;
		}

	}

}
