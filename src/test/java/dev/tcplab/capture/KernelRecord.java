package dev.tcplab.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tcplab.engine.TcpState;

/**
 * The kernel's own record of a kernel-made capture ({@code NAME.kernel}, written by
 * {@code src/test/captures/record.py}): the {@code sock:inet_sock_set_state} events of
 * each TCP socket and the time-wait mini-sockets seen in {@code /proc/net/tcp}, turned
 * into each connection socket's state sequence.
 * <p>
 * Linux moves a socket to TIME_WAIT by replacing it with a time-wait mini-socket: the
 * tracepoint reports the full socket's {@code FIN_WAIT2 → CLOSE} (or
 * {@code CLOSING → CLOSE}), and the mini-socket carries on in TIME_WAIT (sub-state 06)
 * or, for an orphaned FIN_WAIT_2 (tcp_time_wait with TCP_FIN_WAIT2), in FIN_WAIT_2
 * (sub-state 05) until tcp_fin_timeout. So a {@code → CLOSE} followed by a mini-socket of
 * the same tuple reads as {@code → TIME_WAIT} (or as staying in FIN_WAIT_2), and the
 * mini-socket's disappearance as {@code → CLOSED}. Listening sockets are left out.
 */
final class KernelRecord {

	/** One connection socket: its tuple as the kernel saw it and its states in order. */
	record Socket(String local, String remote, long firstNs, List<TcpState> states) {
	}

	private static final TcpState[] LINUX = { null, TcpState.ESTABLISHED, TcpState.SYN_SENT, TcpState.SYN_RECEIVED,
			TcpState.FIN_WAIT_1, TcpState.FIN_WAIT_2, TcpState.TIME_WAIT, TcpState.CLOSED, TcpState.CLOSE_WAIT,
			TcpState.LAST_ACK, TcpState.LISTEN, TcpState.CLOSING };

	private KernelRecord() {
	}

	private record Tw(long ns, String local, String remote, String st) {
	}

	/** An event of a time-wait mini-socket's timer: start, cancel or expire. */
	private record TwTimer(long ns, String timer, String what) {
	}

	private static final class Open {

		final String local, remote;

		final long firstNs;

		final List<TcpState> states = new ArrayList<>();

		long closedNs = -1;

		Open(String local, String remote, long firstNs) {
			this.local = local;
			this.remote = remote;
			this.firstNs = firstNs;
		}

		Open withLocal(String local, List<Open> sockets, Map<String, Open> bySk, String sk) {
			Open o = new Open(local, this.remote, this.firstNs);
			o.states.addAll(this.states);
			o.closedNs = this.closedNs;
			sockets.set(sockets.indexOf(this), o);
			bySk.put(sk, o);
			return o;
		}

	}

	static List<Socket> read(Path file) throws IOException {
		List<Open> sockets = new ArrayList<>();
		Map<String, Open> bySk = new LinkedHashMap<>();
		List<Tw> tws = new ArrayList<>();
		List<TwTimer> timers = new ArrayList<>();
		for (String line : Files.readAllLines(file)) {
			String[] f = line.trim().split("\\s+");
			if (f[0].equals("tw")) {
				tws.add(new Tw(Long.parseLong(f[1]), f[2], f[3], f[4]));
				continue;
			}
			if (f[0].equals("twt")) {
				timers.add(new TwTimer(Long.parseLong(f[1]), f[2], f[3]));
				continue;
			}
			if (!f[0].equals("sk")) {
				continue;
			}
			long ns = Long.parseLong(f[1]);
			String sk = f[2], local = f[3], remote = f[4];
			int from = Integer.parseInt(f[5]), to = Integer.parseInt(f[6]);
			if (remote.endsWith(":0") || from == 10 && to == 7 || to == 10) {
				continue; // a listener
			}
			if (from == to) {
				continue; // tcp_set_state to the state it is in (shutdown in FIN_WAIT2)
			}
			Open o = bySk.get(sk);
			boolean starts = (from == 7 && to == 2) || (from == 10 && to == 3);
			if (o != null && !starts && o.local.endsWith(":0") && o.remote.equals(remote)) {
				o = o.withLocal(local, sockets, bySk, sk); // connect() chose the port
															// after SYN_SENT
			}
			if (o == null || starts || !o.local.equals(local) || !o.remote.equals(remote)) {
				o = new Open(local, remote, ns);
				bySk.put(sk, o);
				sockets.add(o);
				o.states.add(LINUX[from]);
			}
			o.states.add(LINUX[to]);
			if (to == 7) {
				o.closedNs = ns;
			}
		}
		List<Socket> out = new ArrayList<>();
		for (Open o : sockets) {
			List<TcpState> states = new ArrayList<>(o.states);
			if (o.closedNs >= 0 && !miniSocket(o, states, tws, sockets)) {
				timedMiniSocket(o, states, timers);
			}
			out.add(new Socket(o.local, o.remote, o.firstNs, List.copyOf(states)));
		}
		return out;
	}

	/**
	 * A mini-socket too short-lived for the poll: its timer was armed microseconds before
	 * the socket's CLOSE (tcp_time_wait), and cancelled or expired later. Its sub-state
	 * is not known from the timer; TIME_WAIT is assumed (an orphaned FIN_WAIT_2 lives 60
	 * s and is seen by the poll or the end snapshot).
	 */
	private static void timedMiniSocket(Open o, List<TcpState> states, List<TwTimer> timers) {
		TcpState before = states.size() >= 2 ? states.get(states.size() - 2) : null;
		if (before != TcpState.FIN_WAIT_2 && before != TcpState.CLOSING) {
			return; // tcp_time_wait() replaces only these
		}
		String timer = null;
		for (TwTimer t : timers) {
			if (timer == null && t.what().equals("start") && t.ns() <= o.closedNs && t.ns() >= o.closedNs - 100_000) {
				timer = t.timer();
			}
		}
		if (timer == null) {
			return;
		}
		states.set(states.size() - 1, TcpState.TIME_WAIT);
		for (TwTimer t : timers) {
			if (t.timer().equals(timer) && t.ns() > o.closedNs && !t.what().equals("start")) {
				states.add(TcpState.CLOSED);
				return;
			}
		}
	}

	/**
	 * Follows the time-wait mini-socket that replaced a socket at its CLOSE, as the poll
	 * saw it; false when the poll never saw one.
	 */
	private static boolean miniSocket(Open o, List<TcpState> states, List<Tw> tws, List<Open> sockets) {
		long until = Long.MAX_VALUE;
		for (Open other : sockets) {
			if (other != o && other.local.equals(o.local) && other.remote.equals(o.remote)
					&& other.firstNs > o.closedNs) {
				until = Math.min(until, other.firstNs);
			}
		}
		boolean following = false;
		for (Tw t : tws) {
			// older recordings stamped an observation when the poll began, up to tens of
			// ms
			// before it read /proc on a busy machine
			if (!t.local().equals(o.local) || !t.remote().equals(o.remote) || t.ns() < o.closedNs - 100_000_000) {
				continue;
			}
			if (following && t.ns() > until) {
				break;
			}
			if (!following) {
				if (t.ns() > until || t.st().equals("--")) {
					return false;
				}
				following = true;
				states.remove(states.size() - 1); // the full socket's CLOSE
				if (t.st().equals("06")) {
					states.add(TcpState.TIME_WAIT);
				}
				continue;
			}
			switch (t.st()) {
				case "06" -> {
					if (states.get(states.size() - 1) != TcpState.TIME_WAIT) {
						states.add(TcpState.TIME_WAIT);
					}
				}
				case "--" -> {
					states.add(TcpState.CLOSED);
					return true;
				}
				default -> {
				}
			}
		}
		if (following && until != Long.MAX_VALUE) {
			// the tuple was taken by a new socket: the mini-socket was gone by then
			states.add(TcpState.CLOSED);
		}
		return following;
	}

}
