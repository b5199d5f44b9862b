package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.ACK;
import static dev.tcplab.engine.Segment.FIN;

import java.util.Map;

/**
 * Carries out one {@link PairEvent} on a pair: socket calls, fault rules and pokes.
 * Arguments are already validated.
 */
final class PairEvents {

	private PairEvents() {
	}

	static Object apply(Engine e, Pair p, PairEvent ev) {
		Side side = ev.side();
		String who = side.wireName();
		Endpoint ep = p.endpoint(side);
		int host = side == Side.CLIENT ? Host.CLIENT : Host.SERVER;
		if (ev instanceof PairEvent.Fault f) {
			p.rules(host).add(new FaultRule(f.action(), f.segment(), f.count(), f.nth(), f.delayMs() * 1000));
			if (e.rec.states) {
				e.note(p, who, "FAULT_RULE",
						f.action() + " " + (f.nth() > 0 ? "from match #" + f.nth() + " " : "") + f.count() + " "
								+ f.segment() + " segment(s) sent by the " + who
								+ (f.action() == PairEvent.FaultAction.DELAY ? " by " + f.delayMs() + " ms" : ""));
			}
			return "ok";
		}
		if (ev instanceof PairEvent.Release) {
			e.note(p, who, "RELEASE", "held segments sent by the " + who + " are released");
			e.net.release(p, side);
			return "ok";
		}
		if (ev instanceof PairEvent.ResendFin) {
			String r;
			if (ep instanceof Tcb t) {
				r = SocketCalls.resendFin(t);
			}
			else if (ep instanceof TimeWaitRecord tw && tw.state == TcpState.TIME_WAIT) {
				int seq = tw.sndNxt - 1;
				e.net.send(tw.host(), tw.client(), tw.localPort(), tw.remotePort(), p, p.id,
						new Reply(FIN | ACK, seq, tw.rcvNxt, seq - tw.iss, tw.rcvNxt - tw.irs, -1, tw.window(e.c)),
						tw.tsOk() ? tw.tsRecent : null);
				r = "ok";
			}
			else {
				r = "ENOTCONN";
			}
			if ("ok".equals(r)) {
				e.note(p, who, "RESEND_FIN", "the " + who + " retransmits its FIN");
			}
			return r;
		}
		if (ev instanceof PairEvent.Inject in) {
			int local = side == Side.CLIENT ? p.clientPort : p.serverPort;
			int remote = side == Side.CLIENT ? p.serverPort : p.clientPort;
			int sndNxt = 0;
			int rcvNxt = 0;
			int iss = 0;
			int irs = 0;
			if (ep instanceof Tcb t && t.synchronizedVars) {
				sndNxt = t.sndNxt;
				rcvNxt = t.rcvNxt;
				iss = t.iss;
				irs = t.irs;
			}
			else if (ep instanceof TimeWaitRecord tw) {
				sndNxt = tw.sndNxt;
				rcvNxt = tw.rcvNxt;
				iss = tw.iss;
				irs = tw.irs;
			}
			int seq = in.seq() == null ? sndNxt : (int) (long) in.seq();
			int ack = in.ack() == null ? rcvNxt : (int) (long) in.ack();
			int flags = Segment.flagsOf(in.flags());
			e.note(p, who, "INJECT", "a raw segment " + in.flags() + " is injected as if sent by the " + who);
			Segment s = new Segment(e.net.nextSegmentId(), p, p.id, host, p.clientNo, local, remote, flags, seq,
					(flags & ACK) != 0 ? ack : 0, in.len(), e.c.windowBytes(), false, seq - iss,
					(flags & ACK) != 0 ? ack - irs : 0, -1);
			e.net.transmit(s);
			return "ok";
		}
		return call(e, p, (PairEvent.SocketCall) ev, who, ep).wire();
	}

	/** A socket call on the side's socket; its call event goes into the trace. */
	private static CallResult call(Engine e, Pair p, PairEvent.SocketCall ev, String who, Endpoint ep) {
		if (!(ep instanceof Tcb t)) {
			// no socket the application could call: not accepted yet, or already closed
			// and compacted
			CallResult errno = CallResult.failed(ep == null ? Errno.ENOTCONN : Errno.EBADF);
			if (e.rec.states) {
				e.callEvent(p.client, who, ev.call(), ev.args(), errno);
			}
			return errno;
		}
		CallResult result;
		if (ev instanceof PairEvent.Close) {
			result = SocketCalls.close(t);
		}
		else if (ev instanceof PairEvent.Abort) {
			if (t.appClosed) {
				result = CallResult.failed(Errno.EBADF);
			}
			else {
				t.lingerOnoff = 1;
				t.lingerSeconds = 0;
				if (e.rec.states) {
					e.callEvent(t, who, "setsockopt", t.lingerArgs(), CallResult.ZERO);
				}
				result = SocketCalls.close(t);
				if (e.rec.states) {
					e.callEvent(t, who, "close", Map.of(), result);
				}
				return result;
			}
		}
		else if (ev instanceof PairEvent.Shutdown s) {
			result = SocketCalls.shutdown(t, s.how().rd(), s.how().wr());
		}
		else if (ev instanceof PairEvent.Send s) {
			result = s.bytes() == 0 && !t.appClosed ? CallResult.ZERO : SocketCalls.send(t, s.bytes());
		}
		else if (ev instanceof PairEvent.Recv r) {
			result = SocketCalls.recv(t, r.max());
		}
		else if (ev instanceof PairEvent.SetLinger l) {
			if (t.appClosed) {
				result = CallResult.failed(Errno.EBADF);
			}
			else {
				t.lingerOnoff = l.onoff();
				t.lingerSeconds = l.seconds();
				result = CallResult.ZERO;
			}
		}
		else {
			PairEvent.SetReuseAddr r = (PairEvent.SetReuseAddr) ev;
			if (t.appClosed) {
				result = CallResult.failed(Errno.EBADF);
			}
			else {
				t.reuseAddr = r.on();
				result = CallResult.ZERO;
			}
		}
		if (e.rec.states) {
			e.callEvent(t, who, ev.call(), ev.args(), result);
		}
		return result;
	}

}
