package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * The constant {@code rtoFormula} selects how an RTT sample sets the RTO, whatever the
 * profile: RFC 6298 §2.4 RTO = max(RTO_min, SRTT + max(G, 4·RTTVAR)) or Linux's
 * {@code tcp_set_rto} RTO = SRTT + max(RTO_min, 4·RTTVAR). With 10 ms latency the
 * handshake samples RTT = 20 ms (SRTT 20, RTTVAR 10), so on rfc9293 (RTO_min 1 s) a lost
 * FIN is resent after 1,000 ms by RFC 6298 and after 1,020 ms by Linux's formula, then
 * backed off ×2.
 */
class RtoFormulaTest {

	private static List<Double> finResends(String profile, Map<String, ?> overrides) {
		Fixtures f = Fixtures.established(profile, overrides);
		f.fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.FIN, 100);
		double closedAt = f.sim.nowMs();
		f.close(Side.CLIENT);
		f.sim.advance(5_000);
		return Fixtures.finsSent(f.sim, "client", closedAt);
	}

	@Test
	void shouldResendAFinAfterTheRfc6298RtoOnTheRfc9293Profile() {
		assertThat(finResends("rfc9293", Map.of())).startsWith(0.0, 1000.0, 3000.0);
	}

	@Test
	void shouldAddSrttToTheMinimumWithTheLinuxFormulaOnTheRfc9293Profile() {
		assertThat(finResends("rfc9293", Map.of("rtoFormula", "linux"))).startsWith(0.0, 1020.0, 3060.0);
	}

	@Test
	void shouldSelectEachProfilesRtoFormula() {
		assertThat(StackConstants.forProfile("linux").rtoFormula()).isEqualTo(StackConstants.RTO_LINUX);
		// FreeBSD TCPT_RANGESET: tcp_rexmit_slop on top of RFC 6298
		assertThat(StackConstants.forProfile("bsd").rtoFormula()).isEqualTo(StackConstants.RTO_FREEBSD);
		for (String p : List.of("rfc9293", "windows")) {
			assertThat(StackConstants.forProfile(p).rtoFormula()).isEqualTo(StackConstants.RTO_RFC6298);
		}
	}

	@Test
	void shouldRejectAnUnknownFormulaNamingIt() {
		org.assertj.core.api.Assertions
			.assertThatThrownBy(() -> StackConstants.forProfile("linux").withOverrides(Map.of("rtoFormula", "bsd")))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("rtoFormula");
	}

}
