package dev.tcplab.capture;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

import dev.tcplab.capture.CaptureAnalyzer.Limits;
import dev.tcplab.capture.CaptureAnalyzer.Tracked;
import dev.tcplab.capture.CaptureFormatException.Kind;
import dev.tcplab.capture.CaptureReader.Frame;
import dev.tcplab.engine.StackConstants;

/**
 * One pass over a capture file: container ({@link CaptureReader}), headers
 * ({@link PacketDecoder}), connections and inference ({@link CaptureAnalyzer}). Each
 * finished connection goes to the sink as soon as it is finished.
 */
public final class CaptureImport {

	private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

	/**
	 * What the pass read.
	 *
	 * @param frames packet records in the file
	 * @param tcp of them, TCP segments
	 * @param skipped the others, by reason
	 * @param startNs timestamp of the first packet (ns since the epoch)
	 * @param endMs last packet, ms after the first
	 * @param connections connections found
	 * @param peakHeld most connections held at once
	 */
	public record Stats(long frames, long tcp, Map<PacketDecoder.Skip, Long> skipped, long startNs, double endMs,
			int connections, long peakHeld) {
	}

	private CaptureImport() {
	}

	/**
	 * @param cpuBudgetNanos CPU time of this thread the pass may use (0 = unbounded)
	 * @throws CaptureFormatException for a file this reader cannot use
	 * @throws CaptureLimitException past a limit
	 */
	public static Stats run(InputStream in, StackConstants constants, Limits limits, boolean allowTruncated,
			long cpuBudgetNanos, Consumer<Tracked> sink) throws IOException {
		long cpuStart = cpuBudgetNanos > 0 ? THREADS.getCurrentThreadCpuTime() : 0;
		CaptureReader reader = new CaptureReader(in, allowTruncated);
		int[] count = new int[1];
		CaptureAnalyzer analyzer = new CaptureAnalyzer(constants, limits, c -> {
			count[0]++;
			sink.accept(c);
		});
		Frame f = new Frame();
		TcpPacket p = new TcpPacket();
		long frames = 0, tcp = 0;
		Map<PacketDecoder.Skip, Long> skipped = new EnumMap<>(PacketDecoder.Skip.class);
		boolean anyLink = false;
		int badLink = -1;
		while (reader.next(f)) {
			frames++;
			analyzer.frame(f);
			PacketDecoder.Skip s = PacketDecoder.decode(f.linkType, f.data, f.capturedLength, p);
			if (s == PacketDecoder.Skip.NONE) {
				tcp++;
				analyzer.segment(f, p);
			}
			else {
				skipped.merge(s, 1L, Long::sum);
				if (s == PacketDecoder.Skip.LINK) {
					badLink = f.linkType;
				}
			}
			anyLink |= s != PacketDecoder.Skip.LINK;
			if (cpuBudgetNanos > 0 && (frames & 0xFFFF) == 0
					&& THREADS.getCurrentThreadCpuTime() - cpuStart > cpuBudgetNanos) {
				throw new CaptureLimitException("cpuTime", "analysing this capture took more than "
						+ cpuBudgetNanos / 1_000_000
						+ " ms of CPU (tcplab.captures.max-cpu); cut it into smaller files, e.g. editcap -c 100000 FILE part.pcapng");
			}
		}
		if (frames > 0 && !anyLink) {
			throw new CaptureFormatException(Kind.UNSUPPORTED, 1, 0, "link type " + badLink
					+ " is not supported; supported: Ethernet (1), Linux cooked v1 (113) and v2 (276), raw IP (101, 228, 229), BSD loopback (0, 108)");
		}
		analyzer.end();
		double endMs = 0;
		if (frames > 0) {
			endMs = (f.timeNanos - analyzer.startNs()) / 1e6;
		}
		return new Stats(frames, tcp, skipped, analyzer.startNs(), endMs, count[0], analyzer.peakOpen());
	}

}
