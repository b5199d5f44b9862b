package dev.tcplab.packetdrill;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.tcplab.engine.EngineException;
import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.Simulation;
import dev.tcplab.engine.Snapshots.EndpointView;
import dev.tcplab.engine.TcpFlag;
import dev.tcplab.engine.TcpOptions;
import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;
import dev.tcplab.packetdrill.Script.Expr;
import dev.tcplab.simulation.JobBudget;

/**
 * Runs a packetdrill script against one tcplab endpoint (issue 15, "Runner"). The local
 * end is the endpoint the script's system calls create; the remote end is the script
 * itself, with no TCP stack behind it ({@link Simulation#openExternalPair}). {@code <}
 * lines are injected at their times, with their TCP options; {@code >} lines are matched
 * against what the local end sends (flags, relative sequence range, ack; timing within
 * the tolerance; TCP options as packetdrill checks them, {@link TcpOptionText#mismatch};
 * windows are not checked), system calls run with socket semantics. The first failing
 * line stops the run, as packetdrill does.
 */
public final class Runner {

	/** packetdrill's default when neither the script nor the command line says. */
	public static final long DEFAULT_TOLERANCE_US = 15_000;

	/** The script's (remote) port and the local port, as packetdrill's defaults. */
	static final int SERVER_PORT = 8080;

	static final int CLIENT_PORT = 40000;

	/** The script side's initial sequence number (relative 0). */
	static final long REMOTE_ISN = 1_000_000L;

	static final long MAX_SCRIPT_US = 3_600_000_000L;

	/** Longest verdict message (it may quote the script). */
	static final int MAX_MESSAGE = 240;

	private static String cap(String s) {
		return s == null || s.length() <= MAX_MESSAGE ? s : s.substring(0, MAX_MESSAGE) + "…";
	}

	/** One line's verdict: ok, failed, skipped or unsupported. */
	public record LineResult(int line, String status, String message) {
	}

	/** The first failing line. */
	public record Failure(int line, String message, String expected, String actual) {
	}

	/** A line the lab cannot model, and why (the rest of the script still runs). */
	public record UnsupportedLine(int line, String reason) {
	}

	/**
	 * A finished run; {@code unsupported} lists the lines whose status is "unsupported".
	 */
	public record Outcome(boolean passed, Failure failure, List<LineResult> lines, long toleranceUs,
			List<UnsupportedLine> unsupported) {
	}

	private static final class Stop extends RuntimeException {

		Stop() {
			super(null, null, false, false);
		}

	}

	private static final class Verdict {

		final int line;

		String status;

		String message;

		Verdict(int line, String status, String message) {
			this.line = line;
			this.status = status;
			this.message = message;
		}

	}

	private static final class Pending {

		final Script.Syscall call;

		final String engineName;

		final long endUs;

		final long tolUs;

		final Verdict verdict;

		/** The pair whose call this is. */
		int pair;

		Pending(Script.Syscall call, String engineName, long endUs, long tolUs, Verdict verdict) {
			this.call = call;
			this.engineName = engineName;
			this.endUs = endUs;
			this.tolUs = tolUs;
			this.verdict = verdict;
		}

	}

	private final Script script;

	private final Simulation sim;

	/** Checked at every line and between slices of every clock move. */
	private final JobBudget budget;

	private final long tol;

	/**
	 * packetdrill's dynamic tolerance: at least this share of the time since the previous
	 * event ({@code --tolerance_percent}, default 12.5 as packetdrill's config.c: the
	 * worst-case inaccuracy of the kernel's timer wheel).
	 */
	private final double tolPct;

	private final List<Verdict> verdicts = new ArrayList<>();

	private Failure failure;

	private boolean unsupported;

	private long cursor;

	private long prevUs;

	private Integer pairId;

	private Side local;

	private Long localIsn;

	/**
	 * The script's outbound TSvals and the lab's live ones they stand for: an inbound
	 * TSecr names one of them (packetdrill: "matching or preceding outbound TS val").
	 */
	private final java.util.TreeMap<Long, Long> liveTsVal = new java.util.TreeMap<>();

	private final ArrayDeque<TraceEvent.Segment> sent = new ArrayDeque<>();

	private final List<Pending> pending = new ArrayList<>();

	/** Connections the local end has ready for accept() (accept events not yet taken). */
	private int acceptable;

	/**
	 * Every connection of the script, pair id → the local side; {@link #pairId} is the
	 * one under test (packetdrill's socket_under_test: the latest listen or connect),
	 * which the script's packets belong to.
	 */
	private final Map<Integer, Side> pairs = new TreeMap<>();

	/** fd → the pair of a connected socket. */
	private final Map<Integer, Integer> fdPairs = new TreeMap<>();

	/** The pair and local side of the system call running now. */
	private Integer callPair;

	private Side callSide;

	private int nextFd = 3;

	/** fd → "socket", "listener", "conn" or "closed". */
	private final Map<Integer, String> fds = new TreeMap<>();

	private Integer connFd;

	/** fd of a listening socket → the pair its listen() opened. */
	private final Map<Integer, Integer> listenerPairs = new TreeMap<>();

	private boolean pendingNoDelay;

	private final java.util.Set<Integer> nonBlocking = new java.util.HashSet<>();

	private int[] pendingLinger;

	private boolean pendingReuse;

	/** No packet or system call has run yet (sysctls still apply). */
	private boolean beforeFirstEvent = true;

	/** The script sets ip_local_port_range: connect() takes its ports from there. */
	private final boolean ephemeralPorts;

	private Runner(Script script, Simulation sim, long toleranceUs, JobBudget budget) {
		this.script = script;
		this.ephemeralPorts = Sysctl.overrides(script).containsKey("ephemeralLow");
		this.sim = sim;
		this.budget = budget;
		this.tol = toleranceUs;
		this.tolPct = tolerancePercent(script);
		this.cursor = sim.nextSeq();
	}

	/** The tolerance a script asks for ({@code --tolerance_usecs=}), else the default. */
	public static long tolerance(Script script) {
		for (Script.Option o : script.options()) {
			if (o.name().equals("tolerance_usecs") && o.value() != null) {
				try {
					long v = Long.parseLong(o.value());
					if (v >= 0 && v <= 10_000_000) {
						return v;
					}
				}
				catch (NumberFormatException ex) {
					// reported as a skipped option line below
				}
			}
		}
		return DEFAULT_TOLERANCE_US;
	}

	/** {@code --tolerance_percent=}, else packetdrill's default 12.5. */
	public static double tolerancePercent(Script script) {
		for (Script.Option o : script.options()) {
			if (o.name().equals("tolerance_percent") && o.value() != null) {
				try {
					double v = Double.parseDouble(o.value());
					if (v >= 0 && v <= 100) {
						return v;
					}
				}
				catch (NumberFormatException ex) {
					// reported as a skipped option line
				}
			}
		}
		return DEFAULT_TOLERANCE_PERCENT;
	}

	/** packetdrill's default {@code --tolerance_percent}. */
	public static final double DEFAULT_TOLERANCE_PERCENT = 12.5;

	/** The tolerance for an event {@code deltaUs} after the previous one. */
	private long tolerance(long deltaUs) {
		return Math.max(tol, (long) (tolPct / 100.0 * Math.max(0, deltaUs)));
	}

	/** Runs {@code script} on {@code sim}, a fresh simulation (latency 0 is best). */
	public static Outcome run(Script script, Simulation sim) {
		return run(script, sim, JobBudget.unlimited());
	}

	/**
	 * {@link #run(Script, Simulation)} within a job's budget, checked at every line and
	 * between slices of every clock move.
	 */
	public static Outcome run(Script script, Simulation sim, JobBudget budget) {
		Runner r = new Runner(script, sim, tolerance(script), budget);
		return r.run();
	}

	private Outcome run() {
		for (Script.Option o : script.options()) {
			if (o.name().equals("tolerance_usecs") && tol == parseOr(o.value(), -1)) {
				verdicts.add(new Verdict(o.line(), "ok", "tolerance " + tol + " µs"));
			}
			else if (o.name().equals("tolerance_percent") && o.value() != null && o.value().matches("\\d+(\\.\\d+)?")
					&& Double.parseDouble(o.value()) <= 100) {
				verdicts.add(
						new Verdict(o.line(), "ok", "tolerance " + tolPct + " % of the time since the previous event"));
			}
			else if (o.name().equals("strict_segments") && o.value() == null) {
				verdicts.add(new Verdict(o.line(), "ok", "the lab always matches one sent segment per > line"));
			}
			else {
				verdicts.add(new Verdict(o.line(), "skipped", "option --" + o.name() + " is not modelled by the lab"));
			}
		}
		try {
			for (Script.Statement st : script.statements()) {
				budget.checkpoint();
				statement(st);
			}
			finish();
		}
		catch (Stop stop) {
			// the failure is recorded
		}
		verdicts.sort(Comparator.comparingInt(v -> v.line));
		List<LineResult> lines = verdicts.stream().map(v -> new LineResult(v.line, v.status, cap(v.message))).toList();
		Failure f = failure == null ? null
				: new Failure(failure.line(), cap(failure.message()), cap(failure.expected()), cap(failure.actual()));
		List<UnsupportedLine> notModelled = lines.stream()
			.filter(l -> l.status().equals("unsupported"))
			.map(l -> new UnsupportedLine(l.line(), l.message()))
			.toList();
		return new Outcome(f == null && !unsupported, f, lines, tol, notModelled);
	}

	private static long parseOr(String s, long dflt) {
		try {
			return Long.parseLong(s);
		}
		catch (NumberFormatException | NullPointerException ex) {
			return dflt;
		}
	}

	// ---- time ----

	private long now() {
		return sim.nowMicros();
	}

	private long start(Script.Time t) {
		if (t == null) {
			return prevUs;
		}
		if (t.any()) {
			return Math.max(prevUs, now());
		}
		return (t.relative() ? prevUs : 0) + t.us();
	}

	private long base(Script.Time t) {
		return t != null && t.relative() ? prevUs : 0;
	}

	private void advanceTo(long us) {
		while (true) {
			long deadline = Long.MAX_VALUE;
			for (Pending p : pending) {
				deadline = Math.min(deadline, p.endUs + p.tolUs);
			}
			if (deadline >= us) {
				break;
			}
			budget.checkpoint();
			moveClock(deadline);
			overdue(deadline);
		}
		moveClock(us);
	}

	private void moveClock(long us) {
		long n = now();
		if (us >= n) {
			budget.advance(sim, (us - n) / 1000.0);
		}
		collect();
	}

	private void overdue(long at) {
		for (Pending p : new ArrayList<>(pending)) {
			if (p.endUs + p.tolUs <= at) {
				pending.remove(p);
				p.verdict.status = "failed";
				fail(p.verdict, p.call.line(),
						"timing error: expected system call return at " + secs(p.endUs)
								+ " s, but it was still blocked at " + secs(at) + " s",
						expected(p.call) + " at " + secs(p.endUs) + " s", "still blocked");
			}
		}
	}

	// ---- trace ----

	private void collect() {
		List<TraceEvent> events = sim.eventsSince(cursor);
		cursor = sim.nextSeq();
		if (pairId == null) {
			return;
		}
		for (TraceEvent e : events) {
			Side side = e.pair() == null ? null : pairs.get(e.pair());
			if (side == null) {
				continue;
			}
			String role = side.wireName();
			boolean underTest = e.pair().intValue() == pairId;
			// packetdrill sees only the packets of the socket under test
			if (underTest && e instanceof TraceEvent.Segment s && "sent".equals(s.event()) && role.equals(s.from())) {
				if (localIsn == null && s.flags().contains("SYN")) {
					localIsn = s.tcpSeq();
				}
				sent.add(s);
			}
			else if (e instanceof TraceEvent.Call c && role.equals(c.endpoint())) {
				if ("accept".equals(c.call())) {
					acceptable++;
					resolve("accept", e.timeMs(), null, e.pair());
				}
				else if (c.completed()) {
					resolve(c.call(), e.timeMs(), c.result(), e.pair());
				}
			}
		}
	}

	private void resolve(String engineName, double timeMs, Object result, int pair) {
		for (Pending p : pending) {
			if (p.engineName.equals(engineName) && p.pair == pair) {
				pending.remove(p);
				long t = Math.round(timeMs * 1000);
				Object actual = result;
				if ("accept".equals(engineName)) {
					acceptable--;
					actual = acceptFd(p.call, pair);
				}
				String exp = expected(p.call);
				if (!matches(p.call, actual)) {
					p.verdict.status = "failed";
					fail(p.verdict, p.call.line(), p.call.name() + "() returned " + actualText(actual), exp,
							actualText(actual));
				}
				if (Math.abs(t - p.endUs) > p.tolUs) {
					p.verdict.status = "failed";
					fail(p.verdict, p.call.line(),
							"timing error: expected system call return at " + secs(p.endUs) + " s but it returned at "
									+ secs(t) + " s",
							"return at " + secs(p.endUs) + " s", "return at " + secs(t) + " s");
				}
				p.verdict.status = "ok";
				p.verdict.message = "returned " + actualText(actual) + " at " + secs(t) + " s";
				return;
			}
		}
	}

	// ---- statements ----

	private void statement(Script.Statement st) {
		if (st instanceof Script.Shell sh) {
			shell(sh);
			return;
		}
		beforeFirstEvent = false;
		long at = start(timeOf(st));
		if (at > MAX_SCRIPT_US) {
			Verdict v = verdict(st.line(), "failed", null);
			fail(v, st.line(), "event time " + secs(at) + " s is beyond the lab's one-hour limit for a script",
					"at most 3600 s", secs(at) + " s");
		}
		if (st instanceof Script.Unsupported u) {
			prevUs = at;
			unsupported = true;
			verdicts.add(new Verdict(u.line(), "unsupported", u.reason()));
			return;
		}
		// packetdrill: the end of a time range and of a blocking call count from the same
		// base as the start (the previous event's time, or 0)
		long base = base(timeOf(st));
		if (st instanceof Script.Packet p) {
			if (p.inbound()) {
				advanceTo(Math.max(at, now()));
				prevUs = at;
				inject(p);
			}
			else {
				long last = prevUs;
				prevUs = at;
				long rangeEnd = p.time() != null && p.time().rangeEndUs() >= 0 ? base + p.time().rangeEndUs() : -1;
				long sentAt = expectOutbound(p, at, rangeEnd, tolerance(at - last));
				// packetdrill: the next relative time counts from when the packet was
				// seen
				// (run.c adjust_relative_event_times: now, not the script time)
				prevUs = Math.max(at, sentAt);
			}
			return;
		}
		if (st instanceof Script.Syscall c) {
			advanceTo(Math.max(at, now()));
			prevUs = at;
			long end = c.time() != null && c.time().endUs() >= 0 ? base + c.time().endUs() : -1;
			if (end > MAX_SCRIPT_US) {
				Verdict v = verdict(st.line(), "failed", null);
				fail(v, st.line(), "return time " + secs(end) + " s is beyond the lab's one-hour limit for a script",
						"at most 3600 s", secs(end) + " s");
			}
			syscall(c, at, end);
		}
	}

	/**
	 * A shell line: its sysctl settings ({@link Sysctl}) are checked against the
	 * simulation's constants (set from the leading shell lines when it was made); other
	 * commands are not run.
	 */
	private void shell(Script.Shell sh) {
		List<Sysctl.Setting> settings = Sysctl.settings(sh.command());
		if (settings == null) {
			verdicts.add(new Verdict(sh.line(), "skipped",
					"shell command not run by the lab: `" + Parser.excerpt(sh.command()) + "`"));
			return;
		}
		Map<String, Object> constants = sim.constants().asMap();
		String status = "skipped";
		List<String> notes = new ArrayList<>();
		for (Sysctl.Setting s : settings) {
			Sysctl.Effect e = Sysctl.effect(s);
			String st = e.status();
			String note = Parser.excerpt(s.name() + "=" + s.value()) + ": " + Parser.excerpt(e.note());
			if (!e.overrides().isEmpty()) {
				boolean applied = e.overrides()
					.entrySet()
					.stream()
					.allMatch(o -> String.valueOf(o.getValue()).equals(String.valueOf(constants.get(o.getKey()))));
				if (!beforeFirstEvent) {
					st = "unsupported";
					note += " (not applied: the lab's constants are fixed when the script's first packet or system "
							+ "call runs; put the sysctl before it)";
				}
				else if (!applied) {
					st = "unsupported";
					note += " (not applied: the simulation was made without it)";
				}
				else {
					note += " (applied: " + e.overrides() + ")";
				}
			}
			if (st.equals("unsupported") || st.equals("ok") && status.equals("skipped")) {
				status = st;
			}
			notes.add(note);
		}
		if (status.equals("unsupported")) {
			unsupported = true;
		}
		verdicts.add(new Verdict(sh.line(), status, "sysctl " + String.join("; ", notes)));
	}

	private static Script.Time timeOf(Script.Statement st) {
		if (st instanceof Script.Packet p) {
			return p.time();
		}
		if (st instanceof Script.Syscall c) {
			return c.time();
		}
		if (st instanceof Script.Unsupported u) {
			return u.time();
		}
		return null;
	}

	private Verdict verdict(int line, String status, String message) {
		Verdict v = new Verdict(line, status, message);
		verdicts.add(v);
		return v;
	}

	private void fail(Verdict v, int line, String message, String expected, String actual) {
		v.status = "failed";
		v.message = message;
		failure = new Failure(line, message, expected, actual);
		throw new Stop();
	}

	private void finish() {
		while (!pending.isEmpty()) {
			budget.checkpoint();
			long deadline = pending.stream().mapToLong(p -> p.endUs + p.tolUs).min().getAsLong();
			moveClock(deadline);
			overdue(deadline);
		}
	}

	// ---- packets ----

	private static int flagBits(String flags) {
		int f = 0;
		for (char c : flags.toCharArray()) {
			f |= switch (c) {
				case 'F' -> 1;
				case 'S' -> 2;
				case 'R' -> 4;
				case 'P' -> 8;
				case '.' -> 16;
				case 'U' -> 32;
				case 'E' -> 64;
				case 'W' -> 128;
				default -> 0;
			};
		}
		return f;
	}

	private static int flagBits(List<String> names) {
		int f = 0;
		for (String n : names) {
			f |= switch (n) {
				case "FIN" -> 1;
				case "SYN" -> 2;
				case "RST" -> 4;
				case "PSH" -> 8;
				case "ACK" -> 16;
				default -> 0;
			};
		}
		return f;
	}

	private void inject(Script.Packet p) {
		Verdict v = verdict(p.line(), "ok", null);
		if (pairId == null) {
			unsupported = true;
			v.status = "unsupported";
			v.message = "a segment before the script made a socket (listen or connect) has no endpoint to go to in the lab";
			return;
		}
		int bits = flagBits(p.flags());
		List<TcpFlag> flags = new ArrayList<>();
		for (TcpFlag f : TcpFlag.values()) {
			int b = switch (f) {
				case FIN -> 1;
				case SYN -> 2;
				case RST -> 4;
				case PSH -> 8;
				case ACK -> 16;
			};
			if ((bits & b) != 0) {
				flags.add(f);
			}
		}
		List<String> notes = new ArrayList<>();
		if ((bits & (32 | 64 | 128)) != 0) {
			notes.add("URG/ECE/CWR flags are not modelled");
		}
		int window = sim.constants().windowBytes();
		if (p.win() != null) {
			window = (int) Math.max(0, Math.min(65535, p.win()));
			if (p.win() > 65535) {
				notes.add("window " + p.win() + " capped at 65535 (a window field has 16 bits)");
			}
		}
		TcpOptions options = TcpOptions.NONE;
		if (p.options() != null && !p.options().equals("...")) {
			TcpOptionText o = TcpOptionText.parse(p.options());
			if (!o.unknown().isEmpty()) {
				notes.add("TCP options not modelled: " + Parser.excerpt(String.join(",", o.unknown())));
			}
			List<long[]> sack = null;
			if (o.sack() != null) {
				long isn = localIsn == null ? 0 : localIsn;
				sack = o.sack()
					.stream()
					.map(b -> new long[] { (isn + b[0]) & 0xFFFFFFFFL, (isn + b[1]) & 0xFFFFFFFFL })
					.toList();
			}
			Long ecr = o.tsVal() == null ? null : liveTsEcr(o.tsEcr());
			options = new TcpOptions(o.mss() == null ? null : (int) (long) o.mss(),
					o.wscale() == null ? null : (int) Math.min(255, o.wscale()), o.sackOk(), o.tsVal(), ecr, sack);
		}
		long seq = REMOTE_ISN + p.start();
		long ack = p.ack() == null ? 0 : (localIsn == null ? 0 : localIsn) + p.ack();
		sim.injectExternal(pairId, flags, seq & 0xFFFFFFFFL, ack & 0xFFFFFFFFL, p.len(), window, options);
		collect();
		v.message = notes.isEmpty() ? "injected" : "injected; " + String.join("; ", notes);
	}

	/**
	 * The live TSecr of an inbound segment whose script TSecr is {@code scriptEcr}: the
	 * lab's TSval that the script's outbound TSval of that value (or the nearest one
	 * below, plus the difference) stood for; 0 stays 0.
	 */
	private long liveTsEcr(Long scriptEcr) {
		if (scriptEcr == null || scriptEcr == 0) {
			return 0;
		}
		Map.Entry<Long, Long> e = liveTsVal.floorEntry(scriptEcr);
		return e == null ? scriptEcr : (e.getValue() + (scriptEcr - e.getKey())) & 0xFFFFFFFFL;
	}

	private long expectOutbound(Script.Packet p, long at, long rangeEnd, long tol) {
		Verdict v = verdict(p.line(), "ok", null);
		boolean any = p.time() != null && p.time().any();
		long lo = any ? Long.MIN_VALUE : at - tol;
		long hi = any ? now() + 600_000_000L : (rangeEnd >= 0 ? rangeEnd : at) + tol;
		while (sent.isEmpty()) {
			budget.checkpoint();
			Double next = sim.nextEventAtMs();
			long nextUs = next == null ? Long.MAX_VALUE : Math.round(next * 1000);
			if (nextUs > hi) {
				advanceTo(hi);
				break;
			}
			advanceTo(nextUs);
		}
		String exp = (p.flags() + " " + p.start() + ":" + p.end() + "(" + p.len() + ")"
				+ (p.ack() == null ? "" : " ack " + p.ack()))
			.strip();
		if (sent.isEmpty()) {
			fail(v, p.line(), "timed out waiting for packet " + exp + " (nothing was sent by " + secs(hi) + " s)",
					exp + " at " + secs(at) + " s", "nothing sent");
		}
		TraceEvent.Segment s = sent.poll();
		long isn = localIsn == null ? 0 : localIsn;
		long seq = (s.tcpSeq() - isn) & 0xFFFFFFFFL;
		long ack = (s.ack() - REMOTE_ISN) & 0xFFFFFFFFL;
		int actualBits = flagBits(s.flags());
		String act = letters(s.flags()) + " " + seq + ":" + ((seq + s.len()) & 0xFFFFFFFFL) + "(" + s.len() + ")"
				+ (s.flags().contains("ACK") ? " ack " + ack : "");
		long t = Math.round(s.timeMs() * 1000);
		String where = " (sent at " + secs(t) + " s)";
		if (flagBits(p.flags()) != actualBits) {
			fail(v, p.line(), "live packet flags: expected " + p.flags() + " but the lab sent " + letters(s.flags()),
					exp, act + where);
		}
		if (seq != (p.start() & 0xFFFFFFFFL) || s.len() != p.len()) {
			fail(v, p.line(),
					"live packet sequence range: expected " + p.start() + ":" + p.end() + "(" + p.len()
							+ ") but the lab sent " + seq + ":" + ((seq + s.len()) & 0xFFFFFFFFL) + "(" + s.len() + ")",
					exp, act + where);
		}
		if (p.ack() != null && ack != (p.ack() & 0xFFFFFFFFL)) {
			fail(v, p.line(), "live packet ack: expected " + p.ack() + " but the lab sent " + ack, exp, act + where);
		}
		if (t < lo || t > hi) {
			fail(v, p.line(),
					"timing error: expected outbound packet at " + secs(at) + " s but it was sent at " + secs(t)
							+ " s (tolerance " + secs(tol) + " s)",
					exp + " at " + secs(at) + " s", act + " at " + secs(t) + " s");
		}
		List<String> notes = new ArrayList<>();
		notes.add("matched " + act + " at " + secs(t) + " s");
		if (p.win() != null) {
			notes.add("window not checked");
		}
		TcpOptionText actual = TcpOptionText.of(s.options(), REMOTE_ISN);
		if (actual != null && actual.tsVal() != null) {
			liveTsVal.put(actual.tsVal(), actual.tsVal());
		}
		if (p.options() == null || !p.options().equals("...")) {
			// packetdrill checks a live packet's options against the script's: the same
			// options, MSS and SACK blocks; TSval and TSecr values are the kernel's own
			TcpOptionText want = p.options() == null ? TcpOptionText.parse("") : TcpOptionText.parse(p.options());
			String diff = want.mismatch(actual);
			if (diff != null) {
				fail(v, p.line(),
						"live packet options: expected <" + (p.options() == null ? "" : p.options())
								+ "> but the lab sent <" + (actual == null ? "" : actual.render()) + "> (" + diff + ")",
						exp, act + where);
			}
			String note = want.wscaleNote(actual);
			if (note != null) {
				notes.add(note);
			}
			if (want.tsVal() != null && actual != null && actual.tsVal() != null) {
				liveTsVal.put(want.tsVal(), actual.tsVal());
			}
		}
		v.message = String.join("; ", notes);
		return t;
	}

	static String letters(List<String> flags) {
		return PacketdrillExport.flags(flags);
	}

	// ---- system calls ----

	private EndpointView localView() {
		var pv = sim.pair(callPair);
		return callSide == Side.CLIENT ? pv.client() : pv.server();
	}

	private Integer fd(Script.Syscall c) {
		if (c.args().isEmpty()) {
			return null;
		}
		Long n = c.args().get(0).number();
		return n == null ? null : n.intValue();
	}

	private Object applyEvent(PairEvent ev) {
		return sim.apply(callPair, ev).result();
	}

	/**
	 * A new descriptor for a socket() or accept(): the script's own number when it names
	 * a free one (packetdrill maps script fds to live ones and checks only that the live
	 * one is valid, run_system_call.c CHECK_FD), else the next unused one.
	 */
	private int newFd(Script.Syscall c) {
		long want = parseOr(c.result(), -1);
		if (want >= 0 && want < 65536 && (!fds.containsKey((int) want) || "closed".equals(fds.get((int) want)))) {
			nextFd = Math.max(nextFd, (int) want + 1);
			return (int) want;
		}
		while (fds.containsKey(nextFd) && !"closed".equals(fds.get(nextFd))) {
			nextFd++;
		}
		return nextFd++;
	}

	private Object acceptFd(Script.Syscall c, int pair) {
		int fd = newFd(c);
		fds.put(fd, "conn");
		fdPairs.put(fd, pair);
		connFd = fd;
		callPair = pair;
		callSide = pairs.get(pair);
		applyPendingOptions();
		return fd;
	}

	/**
	 * Opens a connection of the script (listen or connect) and makes it the one under
	 * test; every one after the first uses the next client port, as packetdrill gives
	 * each new connection a fresh 4-tuple.
	 */
	private int openConnection(Side side) {
		// a script that sets ip_local_port_range connects from that range, as the kernel
		// does (tcp_tw_reuse included)
		Integer port = side == Side.CLIENT && ephemeralPorts ? null : CLIENT_PORT + pairs.size();
		int id = sim.openExternalPair(side, SERVER_PORT, port, REMOTE_ISN).id();
		pairs.put(id, side);
		pairId = id;
		local = side;
		localIsn = null;
		sent.clear();
		acceptable = 0;
		callPair = id;
		callSide = side;
		return id;
	}

	private void syscall(Script.Syscall c, long at, long end) {
		Verdict v = verdict(c.line(), "ok", null);
		Integer fd = fd(c);
		String kind = fd == null ? null : fds.get(fd);
		boolean conn = kind != null && kind.equals("conn");
		callPair = fd != null && fdPairs.containsKey(fd) ? fdPairs.get(fd) : pairId;
		callSide = callPair == null ? local : pairs.get(callPair);
		Object result;
		String engineName = null;
		switch (c.name()) {
			case "socket" -> {
				int n = newFd(c);
				fds.put(n, "socket");
				result = n;
			}
			case "setsockopt" -> {
				String opt = c.args().size() > 2 ? c.args().get(2).text() : null;
				if (kind == null) {
					result = "EBADF";
				}
				else if ("SO_REUSEADDR".equals(opt)) {
					Long on = c.args().size() > 3 && c.args().get(3).items().size() == 1
							? c.args().get(3).items().get(0).number() : null;
					if (conn && pairId != null) {
						result = applyEvent(new PairEvent.SetReuseAddr(callSide, on != null && on != 0));
					}
					else {
						pendingReuse = on != null && on != 0;
						result = 0;
					}
				}
				else if ("SO_LINGER".equals(opt) && c.args().size() > 3) {
					Expr l = c.args().get(3);
					Long onoff = l.member("onoff") == null ? null : l.member("onoff").number();
					Long secs = l.member("linger") == null ? null : l.member("linger").number();
					if (onoff == null || secs == null) {
						unsupported(v, "SO_LINGER needs {onoff=N, linger=N}");
						return;
					}
					if (conn && pairId != null) {
						result = applyEvent(new PairEvent.SetLinger(callSide, onoff.intValue(), secs.intValue()));
					}
					else {
						pendingLinger = new int[] { onoff.intValue(), secs.intValue() };
						result = 0;
					}
				}
				else if ("TCP_NODELAY".equals(opt)) {
					Long on = c.args().size() > 3 && c.args().get(3).items().size() == 1
							? c.args().get(3).items().get(0).number() : null;
					if (conn && pairId != null) {
						result = sim.setNoDelay(callPair, callSide, on != null && on != 0).result();
					}
					else {
						// set on the listener or before connect(): the connection
						// inherits it
						pendingNoDelay = on != null && on != 0;
						result = 0;
					}
				}
				else if (opt != null && opt.startsWith("TCP_FASTOPEN")) {
					// it changes what the handshake carries: not a no-op
					unsupported(v, "TCP Fast Open (" + opt + ") is not modelled by the lab");
					return;
				}
				else {
					v.status = "skipped";
					v.message = "socket option " + Parser.excerpt(opt) + " is not modelled by the lab";
					return;
				}
			}
			case "getsockopt", "getsockname", "getpeername", "poll", "epoll_create", "epoll_ctl", "epoll_wait" -> {
				v.status = "skipped";
				v.message = Parser.excerpt(c.name()) + "() is not modelled by the lab";
				return;
			}
			case "fcntl" -> {
				String cmd = c.args().size() > 1 ? c.args().get(1).text() : null;
				if (kind == null) {
					result = "EBADF";
				}
				else if ("F_SETFL".equals(cmd)) {
					if (c.args().size() > 2 && c.args().get(2).mentions("O_NONBLOCK")) {
						nonBlocking.add(fd);
					}
					else {
						nonBlocking.remove(fd);
					}
					result = 0;
				}
				else if ("F_GETFL".equals(cmd)) {
					result = 2 | (nonBlocking.contains(fd) ? 0x800 : 0);
				}
				else {
					unsupported(v, "fcntl " + Parser.excerpt(cmd) + " is not modelled");
					return;
				}
			}
			case "bind" -> result = kind == null ? "EBADF" : 0;
			case "listen" -> {
				if (kind == null) {
					result = "EBADF";
				}
				else {
					listenerPairs.put(fd, openConnection(Side.SERVER));
					fds.put(fd, "listener");
					collect();
					result = 0;
				}
			}
			case "accept", "accept4" -> {
				if (!"listener".equals(kind)) {
					result = kind == null ? "EBADF" : "EINVAL";
				}
				else if (acceptable > 0) {
					acceptable--;
					result = acceptFd(c, pairId);
				}
				else if (nonBlocking.contains(fd)) {
					result = "EAGAIN";
				}
				else {
					result = Tcb_PENDING;
					engineName = "accept";
				}
			}
			case "connect" -> {
				if (kind == null) {
					result = "EBADF";
				}
				else if (conn) {
					result = "EISCONN";
				}
				else {
					try {
						openConnection(Side.CLIENT);
					}
					catch (EngineException ex) {
						result = ex.errno().name();
						break;
					}
					fds.put(fd, "conn");
					fdPairs.put(fd, pairId);
					connFd = fd;
					applyPendingOptions();
					collect();
					if (nonBlocking.contains(fd)) {
						result = "EINPROGRESS";
					}
					else {
						result = Tcb_PENDING;
						engineName = "connect";
					}
				}
			}
			case "read", "recv", "recvfrom", "recvmsg" -> {
				Long max = byteCount(c);
				if (controlMessages(c)) {
					unsupported(v, c.name() + "() with control messages (msg_control) is not modelled by the lab");
					return;
				}
				if (!conn) {
					result = kind == null || kind.equals("closed") ? "EBADF" : "ENOTCONN";
				}
				else if (max == null || max < 0 || max > PairEvent.MAX_BYTES) {
					unsupported(v, Parser.excerpt(c.name())
							+ " needs a byte count (up to 64 MiB): the third argument, or msg_iov's lengths");
					return;
				}
				else if (nonBlocking.contains(fd) && wouldBlock()) {
					result = "EAGAIN";
				}
				else {
					result = applyEvent(new PairEvent.Recv(callSide, max.intValue()));
					engineName = "recv";
				}
			}
			case "write", "send", "sendto", "sendmsg" -> {
				Long n = byteCount(c);
				if (c.args().stream().anyMatch(a -> a.mentions("MSG_FASTOPEN"))) {
					unsupported(v, "TCP Fast Open (MSG_FASTOPEN) is not modelled by the lab");
					return;
				}
				if (controlMessages(c)) {
					unsupported(v, c.name() + "() with control messages (msg_control) is not modelled by the lab");
					return;
				}
				if (!conn) {
					result = kind == null || kind.equals("closed") ? "EBADF" : "ENOTCONN";
				}
				else if (n == null || n < 0 || n > PairEvent.MAX_BYTES) {
					unsupported(v, Parser.excerpt(c.name())
							+ " needs a byte count (up to 64 MiB): the third argument, or msg_iov's lengths");
					return;
				}
				else {
					result = applyEvent(new PairEvent.Send(callSide, n.intValue()));
				}
			}
			case "shutdown" -> {
				String how = c.args().size() > 1 ? c.args().get(1).text() : null;
				if (!conn) {
					result = kind == null || kind.equals("closed") ? "EBADF" : "ENOTCONN";
				}
				else if (!"SHUT_RD".equals(how) && !"SHUT_WR".equals(how) && !"SHUT_RDWR".equals(how)) {
					unsupported(v, "shutdown how must be SHUT_RD, SHUT_WR or SHUT_RDWR");
					return;
				}
				else {
					result = applyEvent(new PairEvent.Shutdown(callSide, how));
				}
			}
			case "close" -> {
				if (kind == null || kind.equals("closed")) {
					result = "EBADF";
				}
				else if (conn) {
					fds.put(fd, "closed");
					result = applyEvent(new PairEvent.Close(callSide));
					engineName = "close";
				}
				else if (kind.equals("listener")) {
					// Linux inet_csk_listen_stop: the connections accept() did not take
					// yet are reset, later SYNs draw RST
					fds.put(fd, "closed");
					Integer lp = listenerPairs.get(fd);
					boolean untaken = lp != null && lp.equals(pairId) && acceptable > 0;
					try {
						sim.closeListener(SERVER_PORT, untaken ? List.of(lp) : List.of());
					}
					catch (java.util.NoSuchElementException ex) {
						// closed already through another descriptor of the same port
					}
					acceptable = 0;
					result = 0;
				}
				else {
					fds.put(fd, "closed");
					result = 0;
				}
			}
			case "ioctl" -> {
				String req = c.args().size() > 1 ? c.args().get(1).text() : null;
				if (!"SIOCINQ".equals(req) && !"FIONREAD".equals(req)) {
					unsupported(v, "ioctl " + Parser.excerpt(req) + " is not modelled");
					return;
				}
				if (!conn) {
					result = kind == null ? "EBADF" : "EINVAL";
				}
				else {
					int have = localView().recvBuffered();
					Expr arg = c.args().size() > 2 ? c.args().get(2) : null;
					Long want = arg != null && arg.kind() == Expr.Kind.ARRAY && arg.items().size() == 1
							? arg.items().get(0).number() : null;
					if (want != null && want != have) {
						fail(v, c.line(),
								"ioctl(" + req + ") reports " + have + " bytes to read, the script expects " + want,
								"[" + want + "]", "[" + have + "]");
					}
					result = 0;
				}
			}
			default -> {
				unsupported(v, Parser.excerpt(c.name()) + "() is not supported by the lab");
				return;
			}
		}
		collect();
		if (Tcb_PENDING.equals(result)) {
			if (end < 0) {
				fail(v, c.line(),
						Parser.excerpt(c.name()) + "() blocked, but the script expects it to return at once (write "
								+ "start...end for a blocking call)",
						expected(c) + " at " + secs(at) + " s", "blocked");
			}
			Pending p = new Pending(c, engineName, end, tolerance(end - at), v);
			p.pair = callPair;
			pending.add(p);
			v.status = "ok";
			v.message = "blocking";
			// a completion recorded in the same instant (nothing is), or later
			return;
		}
		if (end >= 0 && Math.abs(end - at) > tolerance(end - at)) {
			fail(v, c.line(),
					"timing error: expected system call return at " + secs(end) + " s but it returned at once ("
							+ secs(at) + " s)",
					"return at " + secs(end) + " s", actualText(result) + " at " + secs(at) + " s");
		}
		if (!matches(c, result)) {
			fail(v, c.line(), Parser.excerpt(c.name()) + "() returned " + actualText(result) + ", the script expects "
					+ expected(c), expected(c), actualText(result));
		}
		v.message = "returned " + actualText(result);
	}

	/**
	 * The byte count of a read/write call: its third argument, or for
	 * {@code recvmsg}/{@code sendmsg} the sum of the {@code msg_iov} lengths
	 * ({@code {msg_name(...)=..., msg_iov(1)=[{..., 1000}], msg_flags=0}}).
	 */
	private static Long byteCount(Script.Syscall c) {
		if (!c.name().endsWith("msg")) {
			return c.args().size() > 2 ? c.args().get(2).number() : null;
		}
		Expr iov = c.args().size() > 1 ? c.args().get(1).member("msg_iov") : null;
		if (iov == null || iov.kind() != Expr.Kind.ARRAY) {
			return null;
		}
		long total = 0;
		for (Expr e : iov.items()) {
			Long len = e.kind() == Expr.Kind.STRUCT && e.items().size() == 2 ? e.items().get(1).number() : null;
			if (len == null) {
				return null;
			}
			total += len;
		}
		return total;
	}

	/** Whether a recvmsg/sendmsg carries control messages (ancillary data). */
	private static boolean controlMessages(Script.Syscall c) {
		Expr msg = c.name().endsWith("msg") && c.args().size() > 1 ? c.args().get(1) : null;
		Expr control = msg == null ? null : msg.member("msg_control");
		return control != null && !(control.kind() == Expr.Kind.ARRAY && control.items().isEmpty());
	}

	/** The engine's answer for a call that blocks. */
	private static final String Tcb_PENDING = "pending";

	private boolean wouldBlock() {
		EndpointView ep = localView();
		if (ep.recvBuffered() > 0 || ep.shutRd()) {
			return false;
		}
		TcpState s = ep.state();
		return s == TcpState.SYN_SENT || s == TcpState.SYN_RECEIVED || s == TcpState.ESTABLISHED
				|| s == TcpState.FIN_WAIT_1 || s == TcpState.FIN_WAIT_2;
	}

	private void applyPendingOptions() {
		if (pendingLinger != null) {
			applyEvent(new PairEvent.SetLinger(callSide, pendingLinger[0], pendingLinger[1]));
			pendingLinger = null;
		}
		if (pendingReuse) {
			applyEvent(new PairEvent.SetReuseAddr(callSide, true));
			pendingReuse = false;
		}
		if (pendingNoDelay) {
			sim.setNoDelay(callPair, callSide, true);
			pendingNoDelay = false;
		}
	}

	private void unsupported(Verdict v, String why) {
		unsupported = true;
		v.status = "unsupported";
		v.message = why;
	}

	private static String expected(Script.Syscall c) {
		return Parser.excerpt(c.result()) + (c.errno() == null ? "" : " " + Parser.excerpt(c.errno()));
	}

	private static String actualText(Object r) {
		if (r instanceof Number n) {
			return Long.toString(n.longValue());
		}
		String s = String.valueOf(r);
		return "-1 " + ("EWOULDBLOCK".equals(s) ? "EAGAIN" : s);
	}

	static boolean matches(Script.Syscall c, Object actual) {
		if ("...".equals(c.result())) {
			return true;
		}
		if (actual instanceof Number n) {
			return c.errno() == null && parseOr(c.result(), Long.MIN_VALUE) == n.longValue();
		}
		String errno = "EWOULDBLOCK".equals(actual) ? "EAGAIN" : String.valueOf(actual);
		String want = "EWOULDBLOCK".equals(c.errno()) ? "EAGAIN" : c.errno();
		return "-1".equals(c.result()) && errno.equals(want);
	}

	static String secs(long us) {
		return String.format(Locale.ROOT, "%.6f", us / 1e6);
	}

}
