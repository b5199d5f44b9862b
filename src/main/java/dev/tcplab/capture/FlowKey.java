package dev.tcplab.capture;

/**
 * A connection's 4-tuple in canonical order (the lower address/port first), so both
 * directions find the same key. {@code forward} of a packet tells whether it goes from
 * the first endpoint to the second.
 */
final class FlowKey {

	final boolean v6;

	final long aHi, aLo, bHi, bLo;

	final int aPort, bPort;

	private final int hash;

	private FlowKey(boolean v6, long aHi, long aLo, int aPort, long bHi, long bLo, int bPort) {
		this.v6 = v6;
		this.aHi = aHi;
		this.aLo = aLo;
		this.aPort = aPort;
		this.bHi = bHi;
		this.bLo = bLo;
		this.bPort = bPort;
		long h = aHi * 31 + aLo;
		h = h * 31 + bHi;
		h = h * 31 + bLo;
		h = h * 31 + ((long) aPort << 16 | bPort);
		h ^= h >>> 29;
		h *= 0xbf58476d1ce4e5b9L;
		this.hash = (int) (h ^ (h >>> 32));
	}

	/** The key of a packet's connection. */
	static FlowKey of(TcpPacket p) {
		return forward(p) ? new FlowKey(p.v6, p.srcHi, p.srcLo, p.srcPort, p.dstHi, p.dstLo, p.dstPort)
				: new FlowKey(p.v6, p.dstHi, p.dstLo, p.dstPort, p.srcHi, p.srcLo, p.srcPort);
	}

	/** True when the packet goes from the canonical first endpoint to the second. */
	static boolean forward(TcpPacket p) {
		int c = Long.compareUnsigned(p.srcHi, p.dstHi);
		if (c == 0) {
			c = Long.compareUnsigned(p.srcLo, p.dstLo);
		}
		if (c == 0) {
			c = Integer.compare(p.srcPort, p.dstPort);
		}
		return c <= 0;
	}

	/** True when this key is the packet's connection. */
	boolean matches(TcpPacket p) {
		return p.v6 == this.v6 && (forward(p)
				? (p.srcHi == this.aHi && p.srcLo == this.aLo && p.srcPort == this.aPort && p.dstHi == this.bHi
						&& p.dstLo == this.bLo && p.dstPort == this.bPort)
				: (p.dstHi == this.aHi && p.dstLo == this.aLo && p.dstPort == this.aPort && p.srcHi == this.bHi
						&& p.srcLo == this.bLo && p.srcPort == this.bPort));
	}

	@Override
	public boolean equals(Object o) {
		return o instanceof FlowKey k && k.hash == this.hash && k.v6 == this.v6 && k.aHi == this.aHi
				&& k.aLo == this.aLo && k.bHi == this.bHi && k.bLo == this.bLo && k.aPort == this.aPort
				&& k.bPort == this.bPort;
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

}
