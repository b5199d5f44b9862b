package dev.tcplab.capture;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The TCP/IP header fields of one captured segment, filled by {@link PacketDecoder}
 * (mutable and reused: copy what must be kept). Addresses are kept as numbers: an IPv4
 * address in {@code srcLo}/{@code dstLo}, an IPv6 address in the hi/lo pair.
 */
public final class TcpPacket {

	public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10, URG = 0x20, ECE = 0x40,
			CWR = 0x80;

	public boolean v6;

	public long srcHi, srcLo, dstHi, dstLo;

	public int srcPort, dstPort;

	public long seq, ack;

	public int flags;

	/** The raw 16-bit window field (unscaled). */
	public int window;

	/** TCP payload bytes, from the IP length (not the captured length). */
	public int payload;

	/** Options; -1 / false when absent. */
	public int mss, windowScale;

	public boolean sackPermitted;

	public int sackBlocks;

	public long tsVal, tsEcr;

	public boolean has(int flag) {
		return (this.flags & flag) != 0;
	}

	/** Dotted IPv4 or compressed IPv6 text of an address. */
	static String address(boolean v6, long hi, long lo) {
		try {
			if (!v6) {
				return InetAddress.getByAddress(ByteBuffer.allocate(4).putInt((int) lo).array()).getHostAddress();
			}
			String s = InetAddress.getByAddress(ByteBuffer.allocate(16).putLong(hi).putLong(lo).array())
				.getHostAddress();
			return compress(s);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** RFC 5952 text: the longest run of zero groups as "::", lower case. */
	static String compress(String full) {
		String[] g = full.split(":");
		int bestStart = -1, bestLen = 0;
		for (int i = 0; i < g.length;) {
			if (g[i].equals("0")) {
				int j = i;
				while (j < g.length && g[j].equals("0")) {
					j++;
				}
				if (j - i > bestLen && j - i >= 2) {
					bestStart = i;
					bestLen = j - i;
				}
				i = j;
			}
			else {
				i++;
			}
		}
		if (bestStart < 0) {
			return String.join(":", g);
		}
		String left = String.join(":", java.util.Arrays.copyOfRange(g, 0, bestStart));
		String right = String.join(":", java.util.Arrays.copyOfRange(g, bestStart + bestLen, g.length));
		return left + "::" + right;
	}

}
