package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.ACK;
import static dev.tcplab.engine.Segment.FIN;
import static dev.tcplab.engine.Segment.RST;
import static dev.tcplab.engine.Segment.SYN;
import static dev.tcplab.engine.tcb.Seq.gt;
import static dev.tcplab.engine.tcb.Seq.le;
import static dev.tcplab.engine.tcb.Seq.lt;

import dev.tcplab.engine.internal.TimeWaitRows;

/**
 * The TIME-WAIT state: RFC 9293 §3.10.7.4 for a segment that reaches it (a retransmitted
 * FIN is ACKed and restarts the 2MSL timer; RST closes it unless RFC 1337 protection is
 * on; a new SYN with a higher sequence number reopens it, RFC 6191), the 2MSL timeout
 * (§3.10.8), Linux's {@code tcp_tw_reuse}, and compaction: like Linux's
 * {@code inet_timewait_sock} ({@code tcp_minisocks.c}), a connection entering TIME-WAIT
 * gives up its full {@link Tcb} for a {@link TimeWaitRecord}, and once nothing can look
 * at it any more for a bare row of {@link TimeWaitRows}.
 */
final class TimeWait {

	private final Engine e;

	private final StackConstants c;

	/** Every TIME_WAIT connection's row; see {@link TimeWaitRows}. */
	final TimeWaitRows<TimeWaitRecord> rows = new TimeWaitRows<>();

	TimeWait(Engine e) {
		this.e = e;
		this.c = e.c;
	}

	/**
	 * §3.10.7.4 for a connection in TIME-WAIT (compact record). The steps in the order
	 * they can act here: second (RST), fourth (SYN), eighth (FIN), then first (anything
	 * else in or out of the window draws an ACK). Third (security) and sixth (URG) are
	 * not modelled; fifth (ACK) and seventh (text) change nothing in TIME-WAIT.
	 */
	void arrives(TimeWaitRecord r, Segment s) {
		int host = r.host();
		if (s.has(RST)) {
			// second: RST in TIME-WAIT closes the connection (RFC 9293) unless RFC 1337
			// protection is on
			if (!(le(r.rcvNxt, s.seq) && lt(s.seq, r.rcvNxt + c.windowBytes()))) {
				return;
			}
			if (s.seq != r.rcvNxt) {
				// in the window but not at RCV.NXT: RFC 5961 §3.2 challenge ACK; Linux
				// (tcp_timewait_state_process) kills only at exactly RCV.NXT and ignores
				// the rest
				if (c.timeWaitRstChallengeAck()) {
					e.note(r, "CHALLENGE_ACK",
							"RST in TIME_WAIT inside the window but not at RCV.NXT: challenge ACK (RFC 5961 §3.2)");
					replyAck(r, s, -1);
				}
				else {
					e.note(r, "TIME_WAIT_RST_IGNORED",
							"RST in TIME_WAIT not exactly at RCV.NXT is ignored (Linux tcp_timewait_state_process)");
				}
				return;
			}
			if (c.rfc1337()) {
				e.note(r, "RFC1337_RST_IGNORED", "RST in TIME_WAIT ignored (RFC 1337 protection)");
				return;
			}
			e.note(r, "TIME_WAIT_ASSASSINATED",
					"RST in TIME_WAIT closes the connection (TIME-WAIT assassination, RFC 1337)");
			cancelTimer(r);
			e.setState(r, TcpState.CLOSED, "rcv RST");
			return;
		}
		// fourth: a SYN
		if (s.has(SYN) && !s.has(ACK)) {
			Listener l = host == Host.SERVER ? e.listenerOn(r.localPort()) : null;
			boolean ts = r.tsOk() && s.optTs;
			// RFC 6191 §2 / Linux tcp_timewait_state_process: with timestamps on both
			// sides a SYN whose TSval is above TS.Recent reopens it (whatever its ISN),
			// one whose TSval is below is an old duplicate (PAWS); otherwise the ISN
			// decides
			boolean higherIsn = gt(s.seq, r.rcvNxt);
			boolean newerTs = ts && gt(s.tsVal, r.tsRecent);
			boolean pawsReject = ts && lt(s.tsVal, r.tsRecent);
			if (c.synReopensTimeWait() && l != null && !pawsReject && (higherIsn || newerTs)) {
				// RFC 1122 §4.2.2.13 / RFC 6191: a new SYN with a higher ISN (or a higher
				// timestamp) reopens the TIME-WAIT connection
				e.note(r, "TIME_WAIT_REOPENED", !higherIsn
						? "new SYN with a newer timestamp reopens the TIME_WAIT connection (RFC 6191), although its"
								+ " sequence number is not higher"
						: "new SYN with a higher sequence number reopens the TIME_WAIT connection");
				cancelTimer(r);
				e.setState(r, TcpState.CLOSED, "reopened by new SYN");
				// the new incarnation's sequence space starts above the old one (RFC 1122
				// §4.2.2.13); Linux takes the old SND.NXT + 65537
				// (tcp_timewait_state_process)
				int isn = e.isn.next(e.now, Host.SERVER, r.client(), r.localPort(), r.remotePort());
				if (c.reopenIsnOffset() > 0) {
					isn = r.sndNxt + c.reopenIsnOffset();
				}
				else if (!gt(isn, r.sndNxt)) {
					isn = r.sndNxt + 1;
				}
				e.listen(l, s, isn);
				return;
			}
			// otherwise: ACK (RFC 5961 challenge ACK / Linux TCP_TW_ACK)
			if (oowAckLimited(r, s)) {
				return;
			}
			replyAck(r, s, -1);
			return;
		}
		// eighth: a FIN
		if (s.has(FIN) && s.seq + s.len + 1 == r.rcvNxt) {
			// "The only thing that can arrive in this state is a retransmission of the
			// remote FIN. Acknowledge it, and restart the 2 MSL timeout."
			e.note(r, "TIME_WAIT_ACK_RESENT_FIN", "TIME_WAIT ACKs the retransmitted FIN and restarts its 2MSL timer");
			replyAck(r, s, s.id);
			armTimer(r, true);
			return;
		}
		if (c.timeWaitAckRestarts()) {
			// Linux tcp_timewait_state_process: a bare segment exactly at RCV.NXT only
			// restarts the timer; anything else is answered with TIME_WAIT's ACK and, if
			// it carries an ACK, restarts the timer too
			if (s.seq == r.rcvNxt && s.segLen() == 0) {
				e.note(r, "TIME_WAIT_RESTARTED", "an ACK at RCV.NXT restarts the TIME_WAIT timer (Linux)");
				armTimer(r, true);
				return;
			}
			if (!oowAckLimited(r, s)) {
				replyAck(r, s, -1);
			}
			if (s.has(ACK)) {
				e.note(r, "TIME_WAIT_RESTARTED",
						"a segment with ACK outside the window restarts the TIME_WAIT timer (Linux)");
				armTimer(r, true);
			}
			return;
		}
		if (s.segLen() > 0 || !(le(r.rcvNxt, s.seq) && lt(s.seq, r.rcvNxt + c.windowBytes()))) {
			// first: anything else that occupies sequence space or is out of window:
			// "send an acknowledgment in reply"
			replyAck(r, s, -1);
		}
	}

	/**
	 * TIME_WAIT's ACK, {@code <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>}, in reply to {@code s}
	 * (answering segment {@code answers}, or −1).
	 */
	private void replyAck(TimeWaitRecord r, Segment s, long answers) {
		e.net.reply(s, r.pair, r.pairNo(), Reply.ack(r.sndNxt, r.rcvNxt, r.iss, r.irs, answers, r.window(c)),
				r.tsOk() ? r.tsRecent : null);
	}

	/**
	 * RFC 5961 §7 as Linux's {@code tcp_timewait_check_oow_rate_limit}: TIME_WAIT answers
	 * at most one pure ACK or SYN per {@code challengeAckIntervalMs}; segments with data
	 * or FIN are exempt. True = suppress this ACK. (A detached row forgets the time.)
	 */
	private boolean oowAckLimited(TimeWaitRecord r, Segment s) {
		if (s.segLen() > 0 && !s.has(SYN)) {
			return false;
		}
		long gap = c.challengeAckIntervalMs() * 1000;
		if (gap > 0 && r.lastOowAckUs >= 0 && e.now - r.lastOowAckUs < gap) {
			e.note(r, "ACK_RATE_LIMITED",
					"TIME_WAIT ACK suppressed: one per " + c.challengeAckIntervalMs() + " ms (RFC 5961 §7)");
			return true;
		}
		r.lastOowAckUs = e.now;
		return false;
	}

	/**
	 * Replaces the full TCB of a connection that entered TIME-WAIT by a compact record.
	 */
	void compact(Tcb t) {
		TimeWaitRecord r = new TimeWaitRecord(t.key, t.side == Side.CLIENT, t.sndNxt, t.rcvNxt, t.iss, t.irs,
				t.boundReuse, t.rcvShift);
		r.pair = t.pair;
		if (t.tsOk) {
			r.tsRecent = t.tsRecent;
			r.tsStampUs = t.tsRecentUs;
		}
		r.state = TcpState.TIME_WAIT;
		r.counted = true;
		r.row = rows.alloc(r, r.key, r.clientSide, r.sndNxt, r.rcvNxt, r.iss, r.irs, r.reuseAddr, r.rcvShift,
				r.tsRecent, r.tsStampUs);
		t.counted = false;
		e.connPut(t.key, r);
		t.portHeld = false;
		t.timeWait = r;
		e.freeTimerSlot(t);
		if (t.appClosed) {
			if (t.pair != null && t.pair.endpoint(t.side) == t) {
				t.pair.setEndpoint(t.side, r);
			}
		}
		else {
			r.owner = t;
		}
		armTimer(r, false);
		e.checkPair(t.pair);
	}

	private void armTimer(TimeWaitRecord r, boolean restart) {
		long expires = e.now + c.timeWaitMs() * 1000;
		long arg = rows.armExpiry(r.row, expires);
		e.sched.scheduleAfter(e.now, c.timeWaitMs() * 1000, Engine.EV_TIME_WAIT_EXPIRY, null, arg);
		e.timerEvent(r, "TIME_WAIT", restart ? "restarted" : "armed", expires);
	}

	private void cancelTimer(TimeWaitRecord r) {
		rows.cancelExpiry(r.row);
		e.timerEvent(r, "TIME_WAIT", "cancelled", -1);
	}

	/** Whether the expiry entry {@code arg} at the queue's head is still live. */
	boolean expiryLive(long arg) {
		if (rows.expiryCurrent(arg)) {
			TimeWaitRecord r = rows.obj(TimeWaitRows.expiryRow(arg));
			return r == null || r.state == TcpState.TIME_WAIT;
		}
		return false;
	}

	/**
	 * The 2MSL timer of expiry entry {@code arg} fired: RFC 9293 §3.10.8 TIME-WAIT
	 * TIMEOUT, "If the time-wait timeout expires on a connection, delete the TCB, enter
	 * the CLOSED state, and return."
	 */
	void expire(long arg) {
		int row = TimeWaitRows.expiryRow(arg);
		TimeWaitRecord r = rows.obj(row);
		if (r != null) {
			e.timerEvent(r, "TIME_WAIT", "fired", -1);
			e.setState(r, TcpState.CLOSED, "TIME_WAIT timer");
		}
		else {
			rowExpired(row);
		}
	}

	/**
	 * A record whose pair was forgotten and whose socket is closed: nothing can look at
	 * it any more, so only its row stays, found through {@link TimeWaitRows#find} instead
	 * of the connection table.
	 */
	void detach(TimeWaitRecord r) {
		int row = r.row;
		rows.dropObj(row, r.pairNo(),
				(r.completesLifecycle ? TimeWaitRows.COMPLETES : 0) | (r.loadPair ? TimeWaitRows.LOAD : 0));
		e.connRemove(r.key);
		rows.indexPut(r.key, row);
	}

	/**
	 * A segment (or a port reuse) reaches a detached TIME_WAIT row: its record is made
	 * again, exactly as it was detached, and takes the row's place in the connection
	 * table. The row's queued expiry stays valid.
	 */
	TimeWaitRecord promote(int row) {
		int f = rows.flags(row);
		TimeWaitRecord r = new TimeWaitRecord(rows.key(row), (f & TimeWaitRows.CLIENT_SIDE) != 0, rows.sndNxt(row),
				rows.rcvNxt(row), rows.iss(row), rows.irs(row), (f & TimeWaitRows.REUSE_ADDR) != 0,
				TimeWaitRows.rcvShift(f));
		r.tsRecent = rows.tsRecent(row);
		r.tsStampUs = rows.tsStampUs(row);
		int pairNo = rows.pairNo(row);
		r.detach(pairNo, pairNo == 0 ? null : Integer.valueOf(pairNo), (f & TimeWaitRows.COMPLETES) != 0,
				(f & TimeWaitRows.LOAD) != 0);
		r.state = TcpState.TIME_WAIT;
		r.counted = true;
		r.row = row;
		rows.setObj(row, r);
		rows.indexRemove(r.key);
		e.conns.put(r.key, Engine.handle(r));
		r.inConns = true;
		return r;
	}

	/**
	 * 2MSL expiry of a detached row: what {@link #expire} and {@link #recordClosed} do
	 * for a detached record, without making it.
	 */
	private void rowExpired(int row) {
		int f = rows.flags(row);
		int pairNo = rows.pairNo(row);
		String role = (f & TimeWaitRows.CLIENT_SIDE) != 0 ? "client" : "server";
		e.timerEvent(pairNo, role, "TIME_WAIT", "fired", -1);
		e.census[TcpState.TIME_WAIT.ordinal()]--;
		if (e.rec.states) {
			e.rec.state(e.now, pairNo, role, TcpState.TIME_WAIT, TcpState.CLOSED, "TIME_WAIT timer");
		}
		long key = rows.key(row);
		rows.indexRemove(key);
		if ((f & TimeWaitRows.CLIENT_SIDE) != 0) {
			e.ports.clientPorts((int) (key >>> 33))
				.release((int) (key >>> 16) & 0xFFFF, (f & TimeWaitRows.REUSE_ADDR) != 0);
		}
		if ((f & TimeWaitRows.COMPLETES) != 0) {
			e.lifecycles++;
			if ((f & TimeWaitRows.LOAD) != 0) {
				e.loadCompleted++;
			}
		}
		rows.release(row);
	}

	/**
	 * The application closes a socket whose connection already lives on as a TIME_WAIT
	 * record.
	 */
	void releaseOwner(Tcb t) {
		TimeWaitRecord r = t.timeWait;
		if (r != null && r.owner == t) {
			r.owner = null;
			if (t.pair != null && t.pair.endpoint(t.side) == t && r.state == TcpState.TIME_WAIT) {
				t.pair.setEndpoint(t.side, r);
			}
		}
		e.checkPair(t.pair);
	}

	/** A TIME_WAIT record reached CLOSED (2MSL, RST, reopen, tw_reuse). */
	void recordClosed(TimeWaitRecord r) {
		if (r.inConns) {
			e.connRemove(r.key);
		}
		rows.release(r.row);
		if (r.clientSide) {
			e.ports.clientPorts(r.client()).release(r.localPort(), r.reuseAddr);
		}
		if (r.owner != null) {
			// the socket handle mirrors its record (census counted the record)
			r.owner.state = TcpState.CLOSED;
		}
		if (r.pair != null) {
			e.checkPair(r.pair);
		}
		else if (r.completesLifecycle) {
			e.lifecycles++;
			if (r.loadPair) {
				e.loadCompleted++;
			}
		}
	}

	/**
	 * tcp_tw_reuse: the oldest-found client TIME_WAIT to this destination, aged ≥ 1 s,
	 * gives up its tuple.
	 */
	int reuse(int client, int cursor, int lo, int hi, int serverPort) {
		int span = hi - lo + 1;
		var pt = e.ports.clientPorts(client);
		for (int i = 0; i < span; i++) {
			int port = lo + (cursor - lo + i) % span;
			if (pt.users(port) != 1) {
				continue;
			}
			// Linux tcp_twsk_unique: only a TIME_WAIT that used timestamps (PAWS guards
			// the new connection against the old one's duplicates)
			if (e.connGet(Host.key(Host.CLIENT, client, port, serverPort)) instanceof TimeWaitRecord r && r.tsOk()
					&& e.now - (rows.expiresUs(r.row) - c.timeWaitMs() * 1000) >= 1_000_000) {
				e.note(r, "TIME_WAIT_REUSED", "tcp_tw_reuse: a new connection takes over this TIME_WAIT tuple");
				cancelTimer(r);
				e.setState(r, TcpState.CLOSED, "tw_reuse");
				return port;
			}
		}
		return -1;
	}

}
