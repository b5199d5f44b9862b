package dev.tcplab.engine;

import java.util.List;

/**
 * The TCP options of a segment from an external peer ({@link Simulation#injectExternal}):
 * Maximum Segment Size (RFC 9293 §3.2), Window Scale and Timestamps (RFC 7323),
 * SACK-permitted and SACK blocks (RFC 2018). Null / false = absent.
 *
 * @param mss the MSS option's value
 * @param wscale the Window Scale option's shift count (0 to 14)
 * @param sackOk SACK-permitted
 * @param tsVal TSval of the Timestamps option (unsigned 32 bits), null = no Timestamps
 * option
 * @param tsEcr TSecr of the Timestamps option
 * @param sack SACK blocks, each [left, right) as raw (unsigned 32-bit) sequence numbers
 */
public record TcpOptions(Integer mss, Integer wscale, boolean sackOk, Long tsVal, Long tsEcr, List<long[]> sack) {

	/** No options. */
	public static final TcpOptions NONE = new TcpOptions(null, null, false, null, null, null);

	public TcpOptions {
		if (mss != null && (mss < 1 || mss > 65535)) {
			throw new IllegalArgumentException("mss must be between 1 and 65535");
		}
		if (wscale != null && (wscale < 0 || wscale > 255)) {
			throw new IllegalArgumentException("wscale must be between 0 and 255");
		}
		if (tsVal != null && tsEcr == null) {
			throw new IllegalArgumentException("a Timestamps option needs tsEcr too");
		}
		if (sack != null) {
			if (sack.size() > 4 || sack.stream().anyMatch(b -> b == null || b.length != 2)) {
				throw new IllegalArgumentException("at most 4 SACK blocks, each [left, right)");
			}
			sack = List.copyOf(sack);
		}
	}

	/** Sets these options on segment {@code s}. */
	void applyTo(Segment s) {
		s.optMss = mss == null ? 0 : mss;
		s.optWscale = wscale == null ? -1 : wscale;
		s.optSackOk = sackOk;
		s.optTs = tsVal != null;
		s.tsVal = tsVal == null ? 0 : (int) (long) tsVal;
		s.tsEcr = tsEcr == null ? 0 : (int) (long) tsEcr;
		if (sack != null && !sack.isEmpty()) {
			int[] b = new int[sack.size() * 2];
			for (int i = 0; i < sack.size(); i++) {
				b[2 * i] = (int) sack.get(i)[0];
				b[2 * i + 1] = (int) sack.get(i)[1];
			}
			s.sackBlocks = b;
		}
	}

}
