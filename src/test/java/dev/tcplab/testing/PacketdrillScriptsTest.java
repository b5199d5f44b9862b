package dev.tcplab.testing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared packetdrill fixtures stay what the tests built on them expect. */
class PacketdrillScriptsTest {

	@Test
	void shouldReadThePagesExampleAsItsPassiveOpenFollowedByThePeerClosingFirst() {
		assertThat(PacketdrillScripts.PASSIVE_OPEN).startsWith("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n")
			.endsWith("+0 accept(3, ..., ...) = 4\n")
			.hasLineCount(8);
		assertThat(PacketdrillScripts.EXAMPLE)
			.isEqualTo(PacketdrillScripts.PASSIVE_OPEN + PacketdrillScripts.peerClosesFirst(0));
	}

	@Test
	void shouldNumberThePeerClosingFirstAfterWhatTheLabWrote() {
		assertThat(PacketdrillScripts.peerClosesFirst(3000)).contains("+.01 < F. 1:1(0) ack 3001 win 65535\n")
			.contains("+0 > F. 3001:3001(0) ack 2\n")
			.endsWith("+.01 < . 2:2(0) ack 3002 win 65535\n");
	}

}
