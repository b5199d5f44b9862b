package dev.tcplab.packetdrill;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * TCP options in packetdrill's notation
 * ({@code <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale
 * 7>}): read from a script line, and written from a trace event's {@code options} in the
 * layout Linux uses ({@code tcp_options_write}), so that a script the lab exports matches
 * what a kernel sends byte for byte.
 *
 * @param mss the MSS option, or null
 * @param wscale the Window Scale option, or null
 * @param sackOk SACK-permitted
 * @param tsVal TSval, or null when there is no Timestamps option
 * @param tsEcr TSecr
 * @param sack SACK blocks as [left, right) in the script's relative numbers, or null
 * @param unknown options the lab does not model (fast open cookies, …), or empty
 */
record TcpOptionText(Long mss, Long wscale, boolean sackOk, Long tsVal, Long tsEcr, List<long[]> sack,
		List<String> unknown) {

	/** Reads the text between {@code <} and {@code >}; "..." is not given here. */
	static TcpOptionText parse(String text) {
		Long mss = null;
		Long wscale = null;
		boolean sackOk = false;
		Long tsVal = null;
		Long tsEcr = null;
		List<long[]> sack = null;
		List<String> unknown = new ArrayList<>();
		// the parser's tokens may come back spaced ("sack 1001 : 2001")
		for (String raw : text.replaceAll("\\s*:\\s*", ":").split(",")) {
			String o = raw.trim();
			String[] w = o.split("\\s+");
			try {
				switch (w[0]) {
					case "nop", "eol", "" -> {
					}
					case "mss" -> mss = Long.parseLong(w[1]);
					case "wscale" -> wscale = Long.parseLong(w[1]);
					case "sackOK" -> sackOk = true;
					case "TS" -> {
						tsVal = Long.parseLong(w[2]);
						tsEcr = Long.parseLong(w[4]);
					}
					case "sack" -> {
						sack = new ArrayList<>();
						for (int i = 1; i < w.length; i++) {
							String[] lr = w[i].split(":");
							sack.add(new long[] { Long.parseLong(lr[0]), Long.parseLong(lr[1]) });
						}
					}
					default -> unknown.add(o);
				}
			}
			catch (RuntimeException ex) {
				unknown.add(o);
			}
		}
		return new TcpOptionText(mss, wscale, sackOk, tsVal, tsEcr, sack, unknown);
	}

	/**
	 * The options of a trace event ({@code TraceEvent.Segment#options()}), SACK blocks
	 * made relative to {@code ackBase} (the ISN of the side they acknowledge); null when
	 * there are none.
	 */
	static TcpOptionText of(Map<String, Object> options, long ackBase) {
		if (options == null || options.isEmpty()) {
			return null;
		}
		List<long[]> sack = null;
		if (options.get("sack") instanceof List<?> blocks) {
			sack = new ArrayList<>();
			for (Object b : blocks) {
				List<?> lr = (List<?>) b;
				sack.add(new long[] { (((Number) lr.get(0)).longValue() - ackBase) & 0xFFFFFFFFL,
						(((Number) lr.get(1)).longValue() - ackBase) & 0xFFFFFFFFL });
			}
		}
		return new TcpOptionText(number(options.get("mss")), number(options.get("wscale")),
				Boolean.TRUE.equals(options.get("sackOk")), number(options.get("tsVal")), number(options.get("tsEcr")),
				sack, List.of());
	}

	private static Long number(Object o) {
		return o instanceof Number n ? n.longValue() : null;
	}

	/** Linux's layout ({@code tcp_options_write}, {@code tcp_syn_options}). */
	String render() {
		List<String> out = new ArrayList<>();
		if (mss != null) {
			out.add("mss " + mss);
		}
		if (tsVal != null) {
			if (sackOk) {
				out.add("sackOK");
			}
			else {
				out.add("nop");
				out.add("nop");
			}
			out.add("TS val " + tsVal + " ecr " + tsEcr);
		}
		else if (sackOk) {
			out.add("nop");
			out.add("nop");
			out.add("sackOK");
		}
		if (wscale != null) {
			out.add("nop");
			out.add("wscale " + wscale);
		}
		if (sack != null && !sack.isEmpty()) {
			out.add("nop");
			out.add("nop");
			StringBuilder b = new StringBuilder("sack");
			for (long[] lr : sack) {
				b.append(' ').append(lr[0]).append(':').append(lr[1]);
			}
			out.add(b.toString());
		}
		return String.join(",", out);
	}

	/**
	 * How {@code actual} (what the lab sent) differs from these expected options, as
	 * packetdrill checks outbound options: the same options with the same MSS and SACK
	 * blocks; TSval and TSecr are not compared (packetdrill cannot know a kernel's
	 * clock); null when they agree. A different shift count is only a note
	 * ({@link #wscaleNote}): packetdrill fails it ("bad value in outbound TCP option
	 * (kind=3)"), but a kernel derives it from {@code tcp_rmem}, which scripts set
	 * outside themselves (upstream's defaults.sh: 8, this machine: 10).
	 */
	String mismatch(TcpOptionText actual) {
		TcpOptionText a = actual == null ? new TcpOptionText(null, null, false, null, null, null, List.of()) : actual;
		List<String> d = new ArrayList<>();
		if (!java.util.Objects.equals(mss, a.mss)) {
			d.add("mss " + mss + " vs " + a.mss);
		}
		if ((wscale == null) != (a.wscale == null)) {
			d.add("wscale " + wscale + " vs " + a.wscale);
		}
		if (sackOk != a.sackOk) {
			d.add("sackOK " + sackOk + " vs " + a.sackOk);
		}
		if ((tsVal == null) != (a.tsVal == null)) {
			d.add("TS " + (tsVal != null) + " vs " + (a.tsVal != null));
		}
		if (!blocks(sack).equals(blocks(a.sack))) {
			d.add("sack " + blocks(sack) + " vs " + blocks(a.sack));
		}
		return d.isEmpty() ? null : String.join("; ", d);
	}

	/** A note when both carry Window Scale with different shift counts, else null. */
	String wscaleNote(TcpOptionText actual) {
		if (wscale != null && actual != null && actual.wscale != null && !wscale.equals(actual.wscale)) {
			return "wscale " + actual.wscale + " where the script says " + wscale
					+ " (a kernel derives it from tcp_rmem, which the lab does not model)";
		}
		return null;
	}

	private static String blocks(List<long[]> b) {
		if (b == null) {
			return "[]";
		}
		return b.stream().map(lr -> lr[0] + ":" + lr[1]).toList().toString();
	}

}
