package dev.tcplab.capture;

/**
 * Reads the link, IP and TCP headers of one captured frame into a reused
 * {@link TcpPacket}: Ethernet (with 802.1Q/802.1ad tags), Linux cooked v1 (SLL) and v2
 * (SLL2), raw IP, BSD loopback, IPv4 and IPv6 (extension headers skipped). Anything else
 * — another protocol, an IP fragment after the first, a header cut by the snap length —
 * is not TCP for the analysis and is only counted.
 */
public final class PacketDecoder {

	public static final int LINK_NULL = 0, LINK_ETHERNET = 1, LINK_RAW = 101, LINK_RAW_12 = 12, LINK_RAW_14 = 14,
			LINK_LOOP = 108, LINK_SLL = 113, LINK_IPV4 = 228, LINK_IPV6 = 229, LINK_SLL2 = 276;

	/** True for a link type this decoder reads. */
	public static boolean supported(int linkType) {
		return switch (linkType) {
			case LINK_NULL, LINK_ETHERNET, LINK_RAW, LINK_RAW_12, LINK_RAW_14, LINK_LOOP, LINK_SLL, LINK_IPV4,
					LINK_IPV6, LINK_SLL2 ->
				true;
			default -> false;
		};
	}

	/** Why a frame was not decoded as TCP (for the import's counts). */
	public enum Skip {

		NONE, NOT_IP, NOT_TCP, FRAGMENT, SHORT, LINK

	}

	private PacketDecoder() {
	}

	/**
	 * Decodes {@code data[0..len)} of link type {@code linkType} into {@code p}.
	 * @return {@link Skip#NONE} when p now holds a TCP segment
	 */
	public static Skip decode(int linkType, byte[] data, int len, TcpPacket p) {
		int off;
		int ethertype;
		switch (linkType) {
			case LINK_ETHERNET -> {
				if (len < 14) {
					return Skip.SHORT;
				}
				off = 12;
				ethertype = u16(data, off);
				off += 2;
				while ((ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100) && off + 4 <= len) {
					ethertype = u16(data, off + 2);
					off += 4;
				}
			}
			case LINK_SLL -> {
				if (len < 16) {
					return Skip.SHORT;
				}
				ethertype = u16(data, 14);
				off = 16;
			}
			case LINK_SLL2 -> {
				if (len < 20) {
					return Skip.SHORT;
				}
				ethertype = u16(data, 0);
				off = 20;
			}
			case LINK_NULL, LINK_LOOP -> {
				if (len < 4) {
					return Skip.SHORT;
				}
				int family = data[0] == 0 && data[1] == 0 ? u16(data, 2) : (data[0] & 0xFF) | (data[1] & 0xFF) << 8;
				if (family == 2) {
					ethertype = 0x0800;
				}
				else if (family == 24 || family == 28 || family == 30 || family == 10) {
					ethertype = 0x86DD;
				}
				else {
					return Skip.NOT_IP;
				}
				off = 4;
			}
			case LINK_RAW, LINK_RAW_12, LINK_RAW_14, LINK_IPV4, LINK_IPV6 -> {
				if (len < 1) {
					return Skip.SHORT;
				}
				int v = (data[0] & 0xF0) >> 4;
				ethertype = v == 4 ? 0x0800 : v == 6 ? 0x86DD : -1;
				off = 0;
			}
			default -> {
				return Skip.LINK;
			}
		}
		if (ethertype == 0x0800) {
			return ipv4(data, off, len, p);
		}
		if (ethertype == 0x86DD) {
			return ipv6(data, off, len, p);
		}
		return Skip.NOT_IP;
	}

	private static Skip ipv4(byte[] d, int off, int len, TcpPacket p) {
		if (off + 20 > len || (d[off] & 0xF0) != 0x40) {
			return off + 20 > len ? Skip.SHORT : Skip.NOT_IP;
		}
		int ihl = (d[off] & 0x0F) * 4;
		int total = u16(d, off + 2);
		int frag = u16(d, off + 6);
		if (ihl < 20) {
			return Skip.NOT_IP;
		}
		if (d[off + 9] != 6) {
			return Skip.NOT_TCP;
		}
		if ((frag & 0x1FFF) != 0 || (frag & 0x2000) != 0) {
			return Skip.FRAGMENT;
		}
		p.v6 = false;
		p.srcHi = 0;
		p.dstHi = 0;
		p.srcLo = u32(d, off + 12) & 0xFFFFFFFFL;
		p.dstLo = u32(d, off + 16) & 0xFFFFFFFFL;
		// a capture made before TSO splits (or with offloads) may carry 0 here: take the
		// captured length
		int ipEnd = total >= ihl ? off + total : -1;
		return tcp(d, off + ihl, len, ipEnd, p);
	}

	private static Skip ipv6(byte[] d, int off, int len, TcpPacket p) {
		if (off + 40 > len) {
			return Skip.SHORT;
		}
		if ((d[off] & 0xF0) != 0x60) {
			return Skip.NOT_IP;
		}
		int payload = u16(d, off + 4);
		int next = d[off + 6] & 0xFF;
		p.v6 = true;
		p.srcHi = u64(d, off + 8);
		p.srcLo = u64(d, off + 16);
		p.dstHi = u64(d, off + 24);
		p.dstLo = u64(d, off + 32);
		int ipEnd = payload == 0 ? -1 : off + 40 + payload;
		int h = off + 40;
		for (int i = 0; i < 8 && next != 6; i++) {
			switch (next) {
				case 0, 43, 60 -> { // hop-by-hop, routing, destination options
					if (h + 8 > len) {
						return Skip.SHORT;
					}
					next = d[h] & 0xFF;
					h += 8 + (d[h + 1] & 0xFF) * 8;
				}
				case 44 -> { // fragment
					if (h + 8 > len) {
						return Skip.SHORT;
					}
					int fo = u16(d, h + 2);
					if ((fo & 0xFFF8) != 0 || (fo & 1) != 0) {
						return Skip.FRAGMENT;
					}
					next = d[h] & 0xFF;
					h += 8;
				}
				case 51 -> { // authentication header
					if (h + 8 > len) {
						return Skip.SHORT;
					}
					next = d[h] & 0xFF;
					h += ((d[h + 1] & 0xFF) + 2) * 4;
				}
				default -> {
					return Skip.NOT_TCP;
				}
			}
		}
		if (next != 6) {
			return Skip.NOT_TCP;
		}
		return tcp(d, h, len, ipEnd, p);
	}

	private static Skip tcp(byte[] d, int off, int len, int ipEnd, TcpPacket p) {
		if (off + 20 > len) {
			return Skip.SHORT;
		}
		int hl = ((d[off + 12] & 0xF0) >> 4) * 4;
		if (hl < 20) {
			return Skip.NOT_TCP;
		}
		p.srcPort = u16(d, off);
		p.dstPort = u16(d, off + 2);
		p.seq = u32(d, off + 4) & 0xFFFFFFFFL;
		p.ack = u32(d, off + 8) & 0xFFFFFFFFL;
		p.flags = d[off + 13] & 0xFF;
		p.window = u16(d, off + 14);
		int end = ipEnd > 0 ? ipEnd : len;
		p.payload = Math.max(0, end - off - hl);
		p.mss = -1;
		p.windowScale = -1;
		p.sackPermitted = false;
		p.sackBlocks = 0;
		p.tsVal = -1;
		p.tsEcr = -1;
		int o = off + 20;
		int oe = Math.min(off + hl, len);
		while (o < oe) {
			int kind = d[o] & 0xFF;
			if (kind == 0) {
				break;
			}
			if (kind == 1) {
				o++;
				continue;
			}
			if (o + 1 >= oe) {
				break;
			}
			int ol = d[o + 1] & 0xFF;
			if (ol < 2 || o + ol > oe) {
				break;
			}
			switch (kind) {
				case 2 -> p.mss = ol == 4 ? u16(d, o + 2) : -1;
				case 3 -> p.windowScale = ol == 3 ? Math.min(14, d[o + 2] & 0xFF) : -1;
				case 4 -> p.sackPermitted = true;
				case 5 -> p.sackBlocks = (ol - 2) / 8;
				case 8 -> {
					if (ol == 10) {
						p.tsVal = u32(d, o + 2) & 0xFFFFFFFFL;
						p.tsEcr = u32(d, o + 6) & 0xFFFFFFFFL;
					}
				}
				default -> {
				}
			}
			o += ol;
		}
		return Skip.NONE;
	}

	static int u16(byte[] d, int i) {
		return (d[i] & 0xFF) << 8 | (d[i + 1] & 0xFF);
	}

	static int u32(byte[] d, int i) {
		return (d[i] & 0xFF) << 24 | (d[i + 1] & 0xFF) << 16 | (d[i + 2] & 0xFF) << 8 | (d[i + 3] & 0xFF);
	}

	static long u64(byte[] d, int i) {
		return (u32(d, i) & 0xFFFFFFFFL) << 32 | (u32(d, i + 4) & 0xFFFFFFFFL);
	}

}
