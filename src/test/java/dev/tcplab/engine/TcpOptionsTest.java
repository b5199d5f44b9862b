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

	// each profile says which options its SYN offers (StackConstants): rfc9293 the MSS
	// only
	// (RFC 7323 and RFC 2018 are not part of RFC 9293); linux and bsd SACK-permitted,
	// timestamps and their shift counts; windows SACK-permitted and its shift count. With
	// timestamps every later segment carries TSval and TSecr (RFC 7323 §3.2)
	@Test
	void shouldOfferTheOptionsOfEachProfile() {
		Map<String, List<String>> want = Map.of("linux", List.of("mss", "sackOk", "tsVal", "tsEcr", "wscale"), "bsd",
				List.of("mss", "sackOk", "tsVal", "tsEcr", "wscale"), "windows", List.of("mss", "sackOk", "wscale"),
				"rfc9293", List.of("mss"));
		want.forEach((profile, keys) -> {
			Simulation s = sim(profile);
			s.openPair(80, null, false, true);
			List<TraceEvent.Segment> sent = Fixtures.segments(s.eventsSince(0), "sent");
			assertThat(sent.get(0).options().keySet()).as(profile).containsExactlyElementsOf(keys);
			assertThat(sent.get(1).options().keySet()).as(profile).containsExactlyElementsOf(keys);
			if (keys.contains("tsVal")) {
				assertThat(sent.get(0).options()).as(profile).containsEntry("tsEcr", 0L);
				assertThat(sent.get(1).options()).as(profile)
					.containsEntry("tsEcr", sent.get(0).options().get("tsVal"));
				assertThat(sent.get(2).options().keySet()).as(profile).containsExactly("tsVal", "tsEcr");
			}
			else {
				assertThat(sent.get(2).options()).as(profile).isNull();
			}
		});
	}

	static final TcpOptions SACK_OK = new TcpOptions(1460, null, true, null, null, null);

	/** The client's FIN sends after a 10 ms handshake RTT, as offsets from the first. */
	static List<Double> lostFinResends(TcpOptions peerSynAck) {
		Simulation s = sim("linux");
		var pair = s.openExternalPair(Side.CLIENT, 8080, 40000, 1_000_000L);
		long iss = Fixtures.segments(s.eventsSince(0), "sent").get(0).tcpSeq();
		s.advance(10);
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN, TcpFlag.ACK), 1_000_000L, iss + 1, 0, 65535, peerSynAck);
		s.advance(10);
		s.apply(pair.id(), new PairEvent.Close(Side.CLIENT));
		double t0 = s.nowMs();
		s.advance(2_000);
		return Fixtures.finsSent(s, "client", t0);
	}

	// RFC 8985 §7 / Linux tcp_schedule_loss_probe (issue 23 #6): with SACK the probe's
	// 2·SRTT + RTO_min (220 ms) is clamped to the RTO (≈ 213 ms) and does not back off
	// the
	// RTO; measured: +213, +216, +436, +864 ms between sends (the lab's RTO is 10 ms SRTT
	// +
	// 200 ms, the kernel's a few jiffies more)
	@Test
	void shouldProbeTheTailAtTheRtoWithSackAndNotBackOff() {
		List<Double> at = lostFinResends(SACK_OK);
		assertThat(at).hasSizeGreaterThanOrEqualTo(5);
		List<Double> gaps = List.of(at.get(1) - at.get(0), at.get(2) - at.get(1), at.get(3) - at.get(2),
				at.get(4) - at.get(3));
		assertThat(gaps).containsExactly(210.0, 210.0, 420.0, 840.0);
	}

	// without SACK there is no tail loss probe at all (Linux tcp_schedule_loss_probe
	// needs tcp_is_sack): plain doubling, +213, +432, +880 ms measured
	@Test
	void shouldNotProbeWithoutSack() {
		List<Double> at = lostFinResends(new TcpOptions(1460, null, false, null, null, null));
		assertThat(at).hasSizeGreaterThanOrEqualTo(4);
		assertThat(List.of(at.get(1) - at.get(0), at.get(2) - at.get(1), at.get(3) - at.get(2))).containsExactly(210.0,
				420.0, 840.0);
	}

	// RFC 2018 §4 / Linux tcp_sack_new_ofo_skb: the duplicate ACK for data after a gap
	// carries SACK blocks, the newest first; a FIN after a gap is one more byte of them;
	// blocks the filled gap reached are gone
	@Test
	void shouldSackHeldDataNewestFirstOnDuplicateAcks() {
		Simulation s = sim("linux");
		var pair = s.openExternalPair(Side.SERVER, 8080, 40000, 1_000_000L);
		long peer = 1_000_000L;
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN), peer, 0, 0, 65535, SACK_OK);
		TraceEvent.Segment synAck = Fixtures.segments(s.eventsSince(0), "sent").get(1);
		assertThat(synAck.options()).containsEntry("sackOk", true);
		long ack = synAck.tcpSeq() + 1;
		s.injectExternal(pair.id(), List.of(TcpFlag.ACK), peer + 1, ack, 0, 65535);
		TraceEvent.Segment a1 = injectAndAck(s, pair.id(), List.of(TcpFlag.PSH, TcpFlag.ACK), peer + 1001, ack, 1000);
		assertThat(a1.options()).containsEntry("sack", List.of(List.of(peer + 1001, peer + 2001)));
		TraceEvent.Segment a2 = injectAndAck(s, pair.id(), List.of(TcpFlag.PSH, TcpFlag.ACK), peer + 3001, ack, 1000);
		assertThat(a2.options()).containsEntry("sack",
				List.of(List.of(peer + 3001, peer + 4001), List.of(peer + 1001, peer + 2001)));
		TraceEvent.Segment a3 = injectAndAck(s, pair.id(), List.of(TcpFlag.FIN, TcpFlag.ACK), peer + 5001, ack, 0);
		assertThat(a3.options()).containsEntry("sack", List.of(List.of(peer + 5001, peer + 5002),
				List.of(peer + 3001, peer + 4001), List.of(peer + 1001, peer + 2001)));
		TraceEvent.Segment a4 = injectAndAck(s, pair.id(), List.of(TcpFlag.PSH, TcpFlag.ACK), peer + 1, ack, 1000);
		assertThat(a4.ack()).isEqualTo(peer + 2001);
		assertThat(a4.options()).containsEntry("sack",
				List.of(List.of(peer + 5001, peer + 5002), List.of(peer + 3001, peer + 4001)));
	}

	static TcpOptions ts(long val, long ecr) {
		return new TcpOptions(null, null, false, val, ecr, null);
	}

	// RFC 7323 §5.3 R1 PAWS (Linux tcp_validate_incoming, tcp_paws_discard): a segment
	// whose TSval is older than TS.Recent is an old duplicate, dropped with a duplicate
	// ACK that echoes TS.Recent; its data is never delivered (paws-old-duplicate.pkt)
	@Test
	void shouldDropAnOldDuplicateByPawsWithADuplicateAck() {
		Simulation s = sim("linux");
		var pair = s.openExternalPair(Side.SERVER, 8080, 40000, 1_000_000L);
		long peer = 1_000_000L;
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN), peer, 0, 0, 65535,
				new TcpOptions(1460, 7, true, 1000L, 0L, null));
		TraceEvent.Segment synAck = Fixtures.segments(s.eventsSince(0), "sent").get(1);
		assertThat(synAck.options()).containsEntry("tsEcr", 1000L);
		long ack = synAck.tcpSeq() + 1;
		long ourTs = (Long) synAck.options().get("tsVal");
		s.advance(10);
		s.injectExternal(pair.id(), List.of(TcpFlag.ACK), peer + 1, ack, 0, 257, ts(1010, ourTs));
		s.advance(10);
		long since = s.nextSeq();
		s.injectExternal(pair.id(), List.of(TcpFlag.PSH, TcpFlag.ACK), peer + 1, ack, 100, 257, ts(1020, ourTs));
		TraceEvent.Segment a1 = fromServer(s.eventsSince(since)).get(0);
		assertThat(a1.ack()).isEqualTo(peer + 101);
		assertThat(a1.options()).containsEntry("tsEcr", 1020L);
		s.advance(10);
		since = s.nextSeq();
		s.injectExternal(pair.id(), List.of(TcpFlag.PSH, TcpFlag.ACK), peer + 101, ack, 100, 257, ts(900, ourTs));
		List<TraceEvent> ev = s.eventsSince(since);
		assertThat(Fixtures.notes(ev)).contains("PAWS_REJECTED");
		TraceEvent.Segment dup = fromServer(ev).get(0);
		assertThat(dup.ack()).isEqualTo(peer + 101);
		assertThat(dup.options()).containsEntry("tsEcr", 1020L);
		assertThat(s.pair(pair.id()).server().recvBuffered()).isEqualTo(100);
	}

	// RFC 6191 §2 / Linux tcp_timewait_state_process: with timestamps, a SYN whose TSval
	// is newer than TS.Recent reopens TIME_WAIT although its sequence number is below
	// RCV.NXT; one with an older TSval is an old duplicate (PAWS) and draws TIME_WAIT's
	// ACK, which carries the timestamps too (time-wait-reopen-by-timestamp.pkt)
	@Test
	void shouldReopenTimeWaitByANewerTimestampAndAckAnOlderOne() {
		Simulation s = sim("linux");
		var pair = s.openExternalPair(Side.SERVER, 8080, 40000, 1_000_000L);
		long peer = 1_000_000L;
		TcpOptions syn = new TcpOptions(1460, 7, true, 1000L, 0L, null);
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN), peer, 0, 0, 65535, syn);
		TraceEvent.Segment synAck = fromServer(s.eventsSince(0)).get(0);
		long ack = synAck.tcpSeq() + 1;
		long ourTs = (Long) synAck.options().get("tsVal");
		s.advance(10);
		s.injectExternal(pair.id(), List.of(TcpFlag.ACK), peer + 1, ack, 0, 257, ts(1010, ourTs));
		s.apply(pair.id(), new PairEvent.Close(Side.SERVER));
		s.advance(10);
		s.injectExternal(pair.id(), List.of(TcpFlag.FIN, TcpFlag.ACK), peer + 1, ack + 1, 0, 257, ts(1020, ourTs));
		assertThat(s.pair(pair.id()).server().state()).isEqualTo(TcpState.TIME_WAIT);
		s.advance(10);
		long since = s.nextSeq();
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN), peer, 0, 0, 65535,
				new TcpOptions(1460, 7, true, 500L, 0L, null));
		TraceEvent.Segment twAck = fromServer(s.eventsSince(since)).get(0);
		assertThat(twAck.flags()).containsExactly("ACK");
		assertThat(twAck.options()).containsEntry("tsEcr", 1020L);
		s.advance(10);
		since = s.nextSeq();
		s.injectExternal(pair.id(), List.of(TcpFlag.SYN), peer, 0, 0, 65535,
				new TcpOptions(1460, 7, true, 2000L, 0L, null));
		assertThat(Fixtures.notes(s.eventsSince(since))).contains("TIME_WAIT_REOPENED");
		TraceEvent.Segment reopened = fromServer(s.eventsSince(since)).get(0);
		assertThat(reopened.flags()).containsExactly("SYN", "ACK");
		// Linux: the new ISN is the old SND.NXT + 65537
		assertThat(reopened.tcpSeq()).isEqualTo((ack + 1 + 65537) & 0xFFFFFFFFL);
		assertThat(reopened.options()).containsEntry("tsEcr", 2000L);
	}

	// RFC 7323 §3.2 and Linux (fin-rst-timestamps.pkt): once negotiated, the FIN and the
	// RST,ACK of an abortive close carry TSval/TSecr (tcp_send_fin,
	// tcp_send_active_reset); a reset in reply to a segment (tcp_v4_send_reset, here data
	// reaching an orphan) carries no options
	@Test
	void shouldPutTimestampsOnFinAndActiveResetButNotOnAReplyReset() {
		Simulation s = sim("linux");
		Fixtures closing = new Fixtures(s, s.openPair(80, null, false, true).id());
		long since = s.nextSeq();
		closing.close(Side.CLIENT);
		TraceEvent.Segment fin = Fixtures.segments(s.eventsSince(since), "sent").get(0);
		assertThat(fin.flags()).containsExactly("FIN", "ACK");
		assertThat(fin.options()).containsOnlyKeys("tsVal", "tsEcr");
		Fixtures aborting = new Fixtures(s, s.openPair(80, null, false, true).id());
		since = s.nextSeq();
		aborting.apply(new PairEvent.Abort(Side.CLIENT));
		TraceEvent.Segment rst = Fixtures.segments(s.eventsSince(since), "sent").get(0);
		assertThat(rst.flags()).containsExactly("RST", "ACK");
		assertThat(rst.options()).containsOnlyKeys("tsVal", "tsEcr");
		Fixtures orphan = new Fixtures(s, s.openPair(80, null, false, true).id());
		since = s.nextSeq();
		orphan.close(Side.CLIENT);
		orphan.send(Side.SERVER, 10);
		s.advance(100);
		List<TraceEvent.Segment> resets = Fixtures.segments(s.eventsSince(since), "sent")
			.stream()
			.filter(x -> x.flags().equals(List.of("RST")))
			.toList();
		assertThat(resets).isNotEmpty().allSatisfy(r -> assertThat(r.options()).isNull());
	}

	private static List<TraceEvent.Segment> fromServer(List<TraceEvent> ev) {
		return Fixtures.segments(ev, "sent").stream().filter(x -> x.from().equals("server")).toList();
	}

	private static TraceEvent.Segment injectAndAck(Simulation s, int pair, List<TcpFlag> flags, long seq, long ack,
			int len) {
		long since = s.nextSeq();
		s.injectExternal(pair, flags, seq, ack, len, 65535);
		List<TraceEvent.Segment> out = Fixtures.segments(s.eventsSince(since), "sent")
			.stream()
			.filter(x -> x.from().equals("server"))
			.toList();
		assertThat(out).hasSize(1);
		return out.get(0);
	}

}
