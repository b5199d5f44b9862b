package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * TCP options at packet level (issue 23): what a SYN offers per profile, the peer's MSS
 * (RFC 9293 §3.7.1) and Window Scale (RFC 7323 §2.2, §2.3). Script
 * {@code options-mss-wscale.pkt} checks the same on the real kernel.
 */
class TcpOptionsTest {

	static Simulation sim(String profile) {
		return new Simulation(SimulationConfig.of(profile, 3, Map.of()).withLatencyMs(0));
	}

	// RFC 9293 §3.7.1 SendMSS = min(MSS option, own MSS); RFC 7323 §2.3: SEG.WND << shift
	// after the SYN. Linux tcp_syn_options: <mss 1460,nop,wscale 10> in answer to a
	// scaling peer
	@Test
	void shouldSendSegmentsBoundedByThePeersMssAndScaleItsWindow() {
		Simulation s = sim("linux");
		var pair = s.openExternalPair(Side.SERVER, 8080, 40000, 1_000_000L);
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN), 1_000_000L, 0, 0, 65535,
				new TcpOptions(536, 7, false, null, null, null));
		List<TraceEvent.Segment> sent = Fixtures.segments(s.eventsSince(0), "sent");
		TraceEvent.Segment synAck = sent.get(1);
		assertThat(synAck.flags()).containsExactly("SYN", "ACK");
		assertThat(synAck.options()).containsExactly(Map.entry("mss", 1460), Map.entry("wscale", 10));
		assertThat(synAck.window()).isEqualTo(65535);
		long iss = synAck.tcpSeq();
		// a window field of 20 with shift 7 is 2560 bytes: room for all 1000 bytes
		s.injectExternal(pair.id(), List.of(TcpFlag.ACK), 1_000_001L, iss + 1, 0, 20);
		long since = s.nextSeq();
		s.apply(pair.id(), new PairEvent.Send(Side.SERVER, 1000));
		List<TraceEvent.Segment> data = Fixtures.segments(s.eventsSince(since), "sent");
		assertThat(data).extracting(TraceEvent.Segment::len).containsExactly(536, 464);
		// our own windows are sent shifted by the 10 we offered
		assertThat(data).extracting(TraceEvent.Segment::window).containsOnly(65535 >> 10);
		assertThat(data).extracting(TraceEvent.Segment::options).containsOnlyNulls();
	}

	// RFC 7323 §2.2: a SYN,ACK answers the Window Scale option only when the SYN carried
	// it; then neither side scales, and without an MSS option SendMSS is 536 (RFC 9293
	// §3.7.1)
	@Test
	void shouldNotScaleWhenThePeerOffersNoWindowScale() {
		Simulation s = sim("linux");
		var pair = s.openExternalPair(Side.SERVER, 8080, 40000, 1_000_000L);
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN), 1_000_000L, 0, 0, 65535);
		TraceEvent.Segment synAck = Fixtures.segments(s.eventsSince(0), "sent").get(1);
		assertThat(synAck.options()).containsExactly(Map.entry("mss", 1460));
		s.injectExternal(pair.id(), List.of(TcpFlag.ACK), 1_000_001L, synAck.tcpSeq() + 1, 0, 65535);
		long since = s.nextSeq();
		s.apply(pair.id(), new PairEvent.Send(Side.SERVER, 1000));
		List<TraceEvent.Segment> data = Fixtures.segments(s.eventsSince(since), "sent");
		assertThat(data).extracting(TraceEvent.Segment::len).containsExactly(536, 464);
		assertThat(data).extracting(TraceEvent.Segment::window).containsOnly(65535);
	}

	// each profile says which options its SYN offers: rfc9293 the MSS only (RFC 7323 is
	// not part of RFC 9293), linux/bsd/windows their shift counts (StackConstants)
	@Test
	void shouldOfferTheOptionsOfEachProfile() {
		Map<String, Map<String, Object>> want = Map.of("linux", Map.of("mss", 1460, "wscale", 10), "bsd",
				Map.of("mss", 1460, "wscale", 6), "windows", Map.of("mss", 1460, "wscale", 8), "rfc9293",
				Map.of("mss", 1460));
		want.forEach((profile, options) -> {
			Simulation s = sim(profile);
			s.openPair(80, null, false, true);
			List<TraceEvent.Segment> sent = Fixtures.segments(s.eventsSince(0), "sent");
			assertThat(sent.get(0).options()).as(profile).isEqualTo(options);
			assertThat(sent.get(1).options()).as(profile).isEqualTo(options);
			assertThat(sent.get(2).options()).as(profile).isNull();
		});
	}

}
