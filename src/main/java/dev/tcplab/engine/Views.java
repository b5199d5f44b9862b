package dev.tcplab.engine;

import java.util.ArrayList;
import java.util.List;

import dev.tcplab.engine.Snapshots.EndpointView;
import dev.tcplab.engine.Snapshots.ListenerView;
import dev.tcplab.engine.Snapshots.PairView;
import dev.tcplab.engine.Snapshots.TimerView;
import dev.tcplab.engine.tcb.Seq;

/** Snapshots of a pair's sockets for the API ({@link Snapshots}). */
final class Views {

	private Views() {
	}

	static PairView pair(Engine e, Pair p) {
		Listener l = p.listener;
		ListenerView lv = l == null ? null
				: new ListenerView("listener", e.address[Host.SERVER], l.port, l.state, l.backlog);
		return new PairView(p.id, endpoint(e, p.client, "client", Host.CLIENT, p.clientNo, p.clientPort),
				endpoint(e, p.server, "server", Host.SERVER, p.clientNo, p.serverPort), lv);
	}

	private static EndpointView endpoint(Engine e, Endpoint ep, String role, int host, int client, int port) {
		if (ep instanceof Tcb t) {
			if (t.timeWait != null && t.timeWait.owner == t) {
				TimeWaitRecord r = t.timeWait;
				return record(e, r, t.state, false, t.shutRd, t.shutWr, t.lingerOnoff, t.lingerSeconds, t.recvBuffered);
			}
			List<TimerView> timers = new ArrayList<>(2);
			for (Timer timer : Timer.ALL) {
				if (t.timerAt(timer) >= 0) {
					timers.add(new TimerView(t.timerName(timer), t.timerAt(timer) / 1000.0));
				}
			}
			boolean v = t.synchronizedVars;
			boolean hasIrs = v && t.state != TcpState.SYN_SENT;
			String pending = switch (t.pendingCall) {
				case Socket.CALL_RECV -> "recv";
				case Socket.CALL_CLOSE -> "close";
				case Socket.CALL_CONNECT -> "connect";
				default -> null;
			};
			return new EndpointView(role, e.address(host, client), port, t.state, v ? Seq.u32(t.iss) : null,
					hasIrs ? Seq.u32(t.irs) : null, v ? Seq.u32(t.sndUna) : null, v ? Seq.u32(t.sndNxt) : null,
					v ? t.sndWnd : null, hasIrs ? Seq.u32(t.rcvNxt) : null, hasIrs ? t.rcvWnd() : null,
					t.sendBuffered(), t.recvBuffered, t.orphan(), t.shutRd, t.shutWr, t.reuseAddr, t.lingerOnoff,
					t.lingerSeconds, pending, timers);
		}
		if (ep instanceof TimeWaitRecord r) {
			return record(e, r, r.state, true, true, true, 0, 0, 0);
		}
		return new EndpointView(role, e.address(host, client), port, TcpState.CLOSED, null, null, null, null, null,
				null, null, 0, 0, false, false, false, false, 0, 0, null, List.of());
	}

	private static EndpointView record(Engine e, TimeWaitRecord r, TcpState state, boolean orphan, boolean shutRd,
			boolean shutWr, int lingerOnoff, int lingerSeconds, int recvBuffered) {
		List<TimerView> timers = r.state == TcpState.TIME_WAIT
				? List.of(new TimerView("TIME_WAIT", e.tw.rows.expiresUs(r.row) / 1000.0)) : List.of();
		return new EndpointView(r.role(), e.address(r.host(), r.client()), r.localPort(), state, Seq.u32(r.iss),
				Seq.u32(r.irs), Seq.u32(r.sndNxt), Seq.u32(r.sndNxt), e.c.windowBytes(), Seq.u32(r.rcvNxt),
				e.c.windowBytes(), 0, recvBuffered, orphan, shutRd, shutWr, r.reuseAddr, lingerOnoff, lingerSeconds,
				null, timers);
	}

}
