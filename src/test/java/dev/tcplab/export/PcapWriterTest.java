package dev.tcplab.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tcplab.engine.TcpState;
import dev.tcplab.engine.TraceEvent;

/**
 * The pcap file parsed back byte by byte, and read by tshark when it is installed (always
 * under CI).
 */
public class PcapWriterTest {

	static TraceEvent.Segment seg(long seq, double t, String event, long id, boolean fromClient, List<String> flags,
			long tcpSeq, long ack, int len) {
		String c = "10.0.0.2:40000";
		String s = "10.0.0.1:80";
		return new TraceEvent.Segment(seq, t, 1, event, id, fromClient ? "client" : "server",
				fromClient ? "server" : "client", fromClient ? c : s, fromClient ? s : c, flags, tcpSeq, ack, len,
				65535, false, 0, 0, null);
	}

	/**
	 * A four-way close with data, a dropped ACK (still sent, so captured) and non-segment
	 * events in between.
	 */
	static List<TraceEvent> closeTrace() {
		List<TraceEvent> t = new ArrayList<>();
		t.add(seg(0, 0, "sent", 1, true, List.of("SYN"), 1000, 0, 0));
		t.add(seg(1, 10, "delivered", 1, true, List.of("SYN"), 1000, 0, 0));
		t.add(seg(2, 10, "sent", 2, false, List.of("SYN", "ACK"), 5000, 1001, 0));
		t.add(seg(3, 20, "sent", 3, true, List.of("ACK"), 1001, 5001, 0));
		t.add(seg(4, 20.5, "sent", 4, true, List.of("PSH", "ACK"), 1001, 5001, 100));
		t.add(new TraceEvent.State(5, 30, 1, "client", TcpState.ESTABLISHED, TcpState.FIN_WAIT_1, "close()"));
		t.add(seg(6, 30, "sent", 5, true, List.of("FIN", "ACK"), 1101, 5001, 0));
		t.add(seg(7, 40, "sent", 6, false, List.of("ACK"), 5001, 1102, 0));
		t.add(seg(8, 45, "sent", 7, false, List.of("FIN", "ACK"), 5001, 1102, 0));
		t.add(seg(9, 55, "sent", 8, true, List.of("ACK"), 1102, 5002, 0));
		t.add(seg(10, 55, "dropped", 8, true, List.of("ACK"), 1102, 5002, 0));
		t.add(seg(11, 1_234_567.891, "sent", 9, false, List.of("RST"), 4_294_967_295L, 0, 0));
		return t;
	}

	static List<TraceEvent.Segment> sent(List<TraceEvent> t) {
		return t.stream()
			.filter(e -> e instanceof TraceEvent.Segment s && s.event().equals("sent"))
			.map(e -> (TraceEvent.Segment) e)
			.toList();
	}

	@Test
	void shouldWriteGlobalHeaderWithRawLinkType() {
		ByteBuffer b = ByteBuffer.wrap(PcapWriter.write(List.of())).order(ByteOrder.LITTLE_ENDIAN);
		assertThat(b.remaining()).isEqualTo(24);
		assertThat(b.getInt()).isEqualTo(0xa1b2c3d4);
		assertThat(b.getShort()).isEqualTo((short) 2);
		assertThat(b.getShort()).isEqualTo((short) 4);
		b.getInt();
		b.getInt();
		assertThat(b.getInt()).isEqualTo(65535);
		assertThat(b.getInt()).isEqualTo(101);
	}

	@Test
	void shouldWriteOneRecordPerSentSegmentWithCorrectHeadersAndChecksums() {
		List<TraceEvent> trace = closeTrace();
		List<TraceEvent.Segment> expected = sent(trace);
		ByteBuffer b = ByteBuffer.wrap(PcapWriter.write(trace)).order(ByteOrder.LITTLE_ENDIAN);
		b.position(24);
		for (TraceEvent.Segment s : expected) {
			long micros = Math.round(s.timeMs() * 1000);
			assertThat(b.getInt() & 0xffffffffL).isEqualTo(micros / 1_000_000);
			assertThat(b.getInt()).isEqualTo((int) (micros % 1_000_000));
			int incl = b.getInt();
			int orig = b.getInt();
			assertThat(incl).isEqualTo(orig).isEqualTo(40 + s.len());
			byte[] pkt = new byte[incl];
			b.get(pkt);
			ByteBuffer p = ByteBuffer.wrap(pkt).order(ByteOrder.BIG_ENDIAN);
			assertThat(pkt[0]).isEqualTo((byte) 0x45);
			assertThat(p.getShort(2) & 0xffff).isEqualTo(incl);
			assertThat(pkt[9]).isEqualTo((byte) 6);
			assertThat(PcapWriter.checksum(pkt, 0, 20, 0)).as("IPv4 header checksum verifies to 0").isZero();
			assertThat(String.format("%d.%d.%d.%d:%d", pkt[12] & 0xff, pkt[13] & 0xff, pkt[14] & 0xff, pkt[15] & 0xff,
					p.getShort(20) & 0xffff))
				.isEqualTo(s.src());
			assertThat(String.format("%d.%d.%d.%d:%d", pkt[16] & 0xff, pkt[17] & 0xff, pkt[18] & 0xff, pkt[19] & 0xff,
					p.getShort(22) & 0xffff))
				.isEqualTo(s.dst());
			assertThat(p.getInt(24) & 0xffffffffL).isEqualTo(s.tcpSeq());
			assertThat(p.getInt(28) & 0xffffffffL).isEqualTo(s.ack());
			int flags = p.getShort(32) & 0x3f;
			assertThat(flagNames(flags)).containsExactlyInAnyOrderElementsOf(s.flags());
			assertThat(p.getShort(34) & 0xffff).isEqualTo(s.window());
			// TCP checksum over pseudo-header + segment verifies to 0 (RFC 1071)
			long pseudo = ((pkt[12] & 0xff) << 8 | (pkt[13] & 0xff)) + ((pkt[14] & 0xff) << 8 | (pkt[15] & 0xff))
					+ ((pkt[16] & 0xff) << 8 | (pkt[17] & 0xff)) + ((pkt[18] & 0xff) << 8 | (pkt[19] & 0xff)) + 6
					+ (incl - 20);
			assertThat(PcapWriter.checksum(pkt, 20, incl - 20, pseudo)).as("TCP checksum verifies to 0").isZero();
		}
		assertThat(b.remaining()).isZero();
	}

	static List<String> flagNames(int bits) {
		List<String> names = new ArrayList<>();
		String[] n = { "FIN", "SYN", "RST", "PSH", "ACK", "URG" };
		for (int i = 0; i < n.length; i++) {
			if ((bits & (1 << i)) != 0) {
				names.add(n[i]);
			}
		}
		return names;
	}

	// RFC 1071
	@Test
	void shouldComputeTheChecksumOfTheRfc1071Example() {
		byte[] data = { 0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7 };
		// RFC 1071 §3: the one's complement sum is 0xddf2, the checksum its complement
		assertThat(PcapWriter.checksum(data, 0, data.length, 0)).isEqualTo(~0xddf2 & 0xffff);
	}

	/**
	 * Runs tshark on a pcap and returns one line per packet: flags, seq, ack, len,
	 * checksum status.
	 */
	static List<String> tshark(Path file) throws Exception {
		Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-o", "tcp.check_checksum:TRUE", "-o",
				"ip.check_checksum:TRUE", "-T", "fields", "-E", "separator=|", "-e", "tcp.flags", "-e", "tcp.seq_raw",
				"-e", "tcp.ack_raw", "-e", "tcp.len", "-e", "tcp.checksum.status", "-e", "ip.checksum.status", "-e",
				"ip.src", "-e", "tcp.srcport", "-e", "tcp.options.mss_val", "-e", "tcp.options.wscale.shift")
			.redirectErrorStream(false)
			.start();
		byte[] out = p.getInputStream().readAllBytes();
		String err = new String(p.getErrorStream().readAllBytes());
		assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(p.exitValue()).as("tshark failed: " + err).isZero();
		return new String(out).lines().toList();
	}

	static boolean tsharkAvailable() {
		try {
			return new ProcessBuilder("tshark", "-v").start().waitFor(30, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			return false;
		}
	}

	/**
	 * Asserts tshark decodes every sent segment of {@code trace} with its flags, raw
	 * seq/ack, length and good checksums.
	 */
	public static void assertTsharkAgrees(List<TraceEvent> trace, Path dir) throws Exception {
		boolean ci = "true".equals(System.getenv("CI"));
		boolean have = tsharkAvailable();
		assertThat(have || !ci).as("tshark must be installed under CI").isTrue();
		assumeTrue(have, "tshark not installed");
		Path file = dir.resolve("trace.pcap");
		Files.write(file, PcapWriter.write(trace));
		List<String> lines = tshark(file);
		List<TraceEvent.Segment> expected = sent(trace);
		assertThat(lines).hasSize(expected.size());
		for (int i = 0; i < expected.size(); i++) {
			TraceEvent.Segment s = expected.get(i);
			String[] f = lines.get(i).split("\\|", -1);
			int bits = Integer.decode(f[0]);
			assertThat(flagNames(bits)).as("flags of packet %d", i).containsExactlyInAnyOrderElementsOf(s.flags());
			assertThat(Long.parseLong(f[1])).as("seq of packet %d", i).isEqualTo(s.tcpSeq());
			assertThat(Long.parseLong(f[2].isEmpty() ? "0" : f[2])).as("ack of packet %d", i)
				.isEqualTo(s.flags().contains("ACK") ? s.ack() : Long.parseLong(f[2].isEmpty() ? "0" : f[2]));
			assertThat(Integer.parseInt(f[3])).isEqualTo(s.len());
			assertThat(f[4]).as("tcp checksum status (1 = good)").isEqualTo("1");
			assertThat(f[5]).as("ip checksum status (1 = good)").isEqualTo("1");
			assertThat(f[6] + ":" + f[7]).isEqualTo(s.src());
			// RFC 9293 §3.2 / RFC 7323 §2.2: the options are in the packet, so a reader
			// scales the connection's windows as the endpoints do
			Map<String, Object> options = s.options() == null ? Map.of() : s.options();
			assertThat(f[8]).as("MSS option of packet %d", i)
				.isEqualTo(options.containsKey("mss") ? String.valueOf(options.get("mss")) : "");
			assertThat(f[9]).as("window scale option of packet %d", i)
				.isEqualTo(options.containsKey("wscale") ? String.valueOf(options.get("wscale")) : "");
		}
	}

	@Test
	void shouldLetTsharkReadTheSameFlagsSeqAndAck(@TempDir Path dir) throws Exception {
		// the handshake carries what Linux offers: MSS, SACK permitted, window scale
		List<TraceEvent> trace = closeTrace().stream().map(e -> {
			if (e instanceof TraceEvent.Segment s && s.flags().contains("SYN")) {
				return (TraceEvent) new TraceEvent.Segment(s.seq(), s.timeMs(), s.pair(), s.event(), s.id(), s.from(),
						s.to(), s.src(), s.dst(), s.flags(), s.tcpSeq(), s.ack(), s.len(), s.window(),
						s.retransmission(), s.relSeq(), s.relAck(), s.answers(),
						Map.of("mss", 1460, "sackOk", true, "wscale", 10));
			}
			return e;
		}).toList();
		assertTsharkAgrees(trace, dir);
	}

}
