package dev.tcplab.packetdrill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tcplab.engine.StackConstants;

/**
 * The {@code sysctl} settings of a packetdrill script's shell lines
 * ({@code `sysctl -q net.ipv4.tcp_fin_timeout=5`},
 * {@code `echo 5 > /proc/sys/net/ipv4/tcp_fin_timeout`}) and what each becomes in the
 * lab: a stack constant ({@link StackConstants}), a setting the lab already behaves like,
 * or unsupported. The constants of a simulation are fixed when it starts, so only the
 * settings of shell lines before the script's first packet or system call are applied
 * ({@link #overrides}); docs/packetdrill.md lists the knobs.
 */
public final class Sysctl {

	/** One {@code name=value} of a shell line. */
	public record Setting(String name, String value) {
	}

	/**
	 * What a setting does in the lab. {@code overrides} the constants it sets (empty when
	 * none); {@code status} "ok" (applied, or the lab already behaves so), "skipped" (it
	 * changes nothing the lab models) or "unsupported" (the lab cannot model it);
	 * {@code note} what it means.
	 */
	public record Effect(Map<String, Object> overrides, String status, String note) {

		static Effect apply(String note, Object... kv) {
			Map<String, Object> m = new LinkedHashMap<>();
			for (int i = 0; i < kv.length; i += 2) {
				m.put((String) kv[i], kv[i + 1]);
			}
			return new Effect(m, "ok", note);
		}

		static Effect same(String note) {
			return new Effect(Map.of(), "ok", note);
		}

		static Effect skipped(String note) {
			return new Effect(Map.of(), "skipped", note);
		}

		static Effect unsupported(String note) {
			return new Effect(Map.of(), "unsupported", note);
		}

	}

	private static final Pattern SYSCTL = Pattern.compile("^sysctl((?:\\s+-[a-zA-Z]+)*)\\s+(.+)$");

	private static final Pattern ECHO = Pattern
		.compile("^echo\\s+(?:-n\\s+)?\"?([^\">]*?)\"?\\s*>\\s*/proc/sys/(\\S+)$");

	private Sysctl() {
	}

	/**
	 * The settings a shell command makes, in order; null when it sets none (a command
	 * other than sysctl/echo to /proc/sys, which the lab does not run). Commands are
	 * split at {@code ;}, {@code &&} and newlines.
	 */
	public static List<Setting> settings(String command) {
		List<Setting> out = new ArrayList<>();
		for (String part : command.split(";|&&|\\n")) {
			String cmd = part.strip();
			Matcher m = SYSCTL.matcher(cmd);
			if (m.matches()) {
				for (String a : m.group(2).strip().split("\\s+(?=[\\w./-]+=)")) {
					int eq = a.indexOf('=');
					if (eq > 0) {
						out.add(new Setting(name(a.substring(0, eq)), unquote(a.substring(eq + 1))));
					}
				}
				continue;
			}
			Matcher e = ECHO.matcher(cmd);
			if (e.matches()) {
				out.add(new Setting(name(e.group(2)), e.group(1).strip()));
			}
		}
		return out.isEmpty() ? null : out;
	}

	private static String name(String n) {
		return n.strip().replace('/', '.');
	}

	private static String unquote(String v) {
		String s = v.strip();
		if (s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))) {
			s = s.substring(1, s.length() - 1);
		}
		return s.strip();
	}

	/**
	 * The constants the settings of the script's leading shell lines (before its first
	 * packet or system call) set, for the simulation the script runs in.
	 */
	public static Map<String, Object> overrides(Script script) {
		Map<String, Object> out = new LinkedHashMap<>();
		for (Script.Statement st : script.statements()) {
			if (!(st instanceof Script.Shell sh)) {
				break;
			}
			List<Setting> settings = settings(sh.command());
			if (settings != null) {
				for (Setting s : settings) {
					out.putAll(effect(s).overrides());
				}
			}
		}
		return out;
	}

	/** What {@code s} does in the lab. */
	public static Effect effect(Setting s) {
		String v = s.value();
		Long n = number(v);
		String knob = s.name().startsWith("net.ipv4.") ? s.name().substring("net.ipv4.".length()) : null;
		if (knob == null) {
			return Effect.unsupported("sysctl " + s.name() + " is not modelled by the lab");
		}
		if (knob.equals("ip_local_port_range")) {
			String[] p = v.split("\\s+");
			Long lo = p.length == 2 ? number(p[0]) : null;
			Long hi = p.length == 2 ? number(p[1]) : null;
			if (lo == null || hi == null || lo < 1 || hi > 65535 || lo > hi) {
				return Effect.unsupported("ip_local_port_range needs two ports \"low high\", got \"" + v + "\"");
			}
			return Effect.apply("ephemeral ports " + lo + ".." + hi, "ephemeralLow", lo.intValue(), "ephemeralHigh",
					hi.intValue());
		}
		if (n == null || n < 0) {
			return Effect.unsupported("sysctl " + s.name() + " needs a non-negative number, got \"" + v + "\"");
		}
		return switch (knob) {
			case "tcp_fin_timeout" -> n == 0
					? Effect.unsupported("tcp_fin_timeout = 0 is not modelled (0 means "
							+ "\"wait forever\" in the lab, not in Linux)")
					: Effect.apply("orphaned FIN_WAIT_2 ends after " + n + " s", "finWait2TimeoutMs", n * 1000);
			case "tcp_tw_reuse" -> n > 2 ? Effect.unsupported("tcp_tw_reuse must be 0, 1 or 2")
					: Effect.apply("tcp_tw_reuse " + n, "twReuse", n.intValue());
			case "tcp_rfc1337" -> n > 1 ? Effect.unsupported("tcp_rfc1337 must be 0 or 1") : Effect
				.apply(n == 1 ? "RST in TIME_WAIT ignored" : "RST in TIME_WAIT kills it", "rfc1337", n == 1);
			case "tcp_syn_retries" -> Effect.apply("SYN retransmissions " + n, "synRetries", n.intValue());
			case "tcp_synack_retries" -> Effect.apply("SYN,ACK retransmissions " + n, "synAckRetries", n.intValue());
			case "tcp_retries2" -> Effect.apply("retransmissions before giving up " + n, "retries2", n.intValue());
			// tcp_orphan_retries(): 0 stands for 8
			case "tcp_orphan_retries" -> Effect.apply("orphan retransmissions " + (n == 0 ? "8 (0 means 8)" : n),
					"orphanRetries", n == 0 ? 8 : n.intValue());
			case "tcp_invalid_ratelimit" ->
				Effect.apply("challenge ACKs at most every " + n + " ms", "challengeAckIntervalMs", n);
			// tcp_early_retrans 3 and 4 enable the tail loss probe
			// (tcp_schedule_loss_probe)
			case "tcp_early_retrans" ->
				Effect.apply("tail loss probe " + (n == 3 || n == 4 ? "on" : "off"), "tailLossProbe", n == 3 || n == 4);
			case "tcp_max_tw_buckets" -> n == 0 ? Effect
				.apply("no TIME_WAIT is kept (timeWaitMs = 0); Linux then answers the peer's FIN with RST instead of "
						+ "the last ACK, which the lab does not do", "timeWaitMs", 0L)
					: n >= 16
							? Effect.same("a limit of " + n + " TIME_WAIT sockets is never reached by a script's "
									+ "few connections")
							: Effect.unsupported("a limit of " + n + " TIME_WAIT sockets is not modelled");
			case "tcp_timestamps" ->
				Effect.apply("Timestamps option " + (n == 0 ? "off" : "offered"), "timestamps", n != 0);
			case "tcp_sack" -> Effect.apply("SACK " + (n == 0 ? "off" : "offered"), "sack", n != 0);
			case "tcp_window_scaling" -> n == 0 ? Effect.apply("Window Scale option off", "windowScale", -1)
					: Effect.same("Window Scale offered (the profile's shift)");
			case "tcp_dsack", "tcp_fack" -> n == 0 ? Effect.same(knob + " = 0: the lab sends no such option")
					: Effect.skipped(knob + " = " + n + ": not modelled by the lab");
			default -> Effect.unsupported("sysctl " + s.name() + " is not modelled by the lab");
		};
	}

	private static Long number(String v) {
		try {
			return Long.parseLong(v.strip().toLowerCase(Locale.ROOT));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
