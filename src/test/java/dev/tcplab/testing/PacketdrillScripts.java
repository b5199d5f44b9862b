package dev.tcplab.testing;

/** packetdrill script pieces that several tests start from. */
public final class PacketdrillScripts {

	private PacketdrillScripts() {
	}

	/**
	 * The local end listens on fd 3 and accepts the script's connection as fd 4 (the
	 * handshake with a 10 ms RTT).
	 */
	public static final String PASSIVE_OPEN = """
			0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
			+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
			+0 bind(3, ..., ...) = 0
			+0 listen(3, 1) = 0
			+0 < S 0:0(0) win 65535 <mss 1460>
			+0 > S. 0:0(0) ack 1 <...>
			+.01 < . 1:1(0) ack 1 win 65535
			+0 accept(3, ..., ...) = 4
			""";

}
