package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Call results in their wire form, and the linger-timeout result among the constants. */
class CallResultTest {

	@Test
	void shouldWriteTheWireFormTheJsonShows() {
		assertThat(CallResult.ZERO.wire()).isEqualTo(0);
		assertThat(CallResult.returned(100).wire()).isEqualTo(100);
		assertThat(CallResult.failed(Errno.EPIPE).wire()).isEqualTo("EPIPE");
		assertThat(CallResult.PENDING.wire()).isEqualTo("pending");
		assertThat(CallResult.parse("EWOULDBLOCK")).isEqualTo(CallResult.failed(Errno.EWOULDBLOCK));
		assertThat(CallResult.parse("0")).isEqualTo(CallResult.ZERO);
		assertThatThrownBy(() -> CallResult.parse("EOOPS")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void shouldShowTheLingerTimeoutResultAsTextAndAcceptItAsAnOverride() {
		assertThat(StackConstants.forProfile("linux").asMap()).containsEntry("lingerTimeoutErrno", "0");
		assertThat(StackConstants.forProfile("bsd").asMap()).containsEntry("lingerTimeoutErrno", "EWOULDBLOCK");
		StackConstants c = StackConstants.forProfile("linux").withOverrides(Map.of("lingerTimeoutErrno", "ETIMEDOUT"));
		assertThat(c.lingerTimeoutErrno()).isEqualTo(CallResult.failed(Errno.ETIMEDOUT));
		assertThatThrownBy(() -> StackConstants.forProfile("linux").withOverrides(Map.of("lingerTimeoutErrno", "7")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("lingerTimeoutErrno");
	}

	@Test
	void shouldCompleteABlockedCloseWithTheProfilesLingerTimeoutResult() {
		// Linux returns 0 and keeps the orphan retransmitting; BSD answers EWOULDBLOCK
		for (Map.Entry<String, Object> expected : Map.<String, Object>of("linux", 0, "bsd", "EWOULDBLOCK").entrySet()) {
			Fixtures f = Fixtures.established(expected.getKey(), Map.of());
			f.lose(Side.SERVER, SegmentMatch.ACK);
			f.lose(Side.SERVER, SegmentMatch.ACK);
			f.apply(new PairEvent.SetLinger(Side.CLIENT, 1, 1));
			assertThat(f.close(Side.CLIENT)).isEqualTo("pending");
			f.fault(Side.CLIENT, PairEvent.FaultAction.DROP, SegmentMatch.FIN, 100);
			f.sim.advance(1_500);
			assertThat(Fixtures.lastCompletedCall(f.sim.eventsSince(0)).result()).isEqualTo(expected.getValue());
		}
	}

}
