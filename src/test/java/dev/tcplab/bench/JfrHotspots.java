package dev.tcplab.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a JFR recording: the hottest methods by execution samples (self time), the
 * hottest tcplab frames (the first dev.tcplab frame of each sample: where engine time
 * goes, library calls included) and the allocated classes by sampled weight.
 */
public final class JfrHotspots {

	private JfrHotspots() {
	}

	public static void main(String[] args) throws IOException {
		print(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 15);
	}

	static void print(Path file, int top) throws IOException {
		Map<String, Long> self = new HashMap<>();
		Map<String, Long> tcplab = new HashMap<>();
		Map<String, Long> alloc = new HashMap<>();
		Map<String, Long> allocSite = new HashMap<>();
		long samples = 0;
		long allocTotal = 0;
		for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
			String type = e.getEventType().getName();
			if (type.equals("jdk.ExecutionSample")) {
				RecordedStackTrace st = e.getStackTrace();
				if (st == null || st.getFrames().isEmpty()) {
					continue;
				}
				samples++;
				List<RecordedFrame> frames = st.getFrames();
				self.merge(name(frames.get(0)), 1L, Long::sum);
				for (RecordedFrame f : frames) {
					if (f.getMethod().getType().getName().startsWith("dev.tcplab.engine")) {
						tcplab.merge(name(f), 1L, Long::sum);
						break;
					}
				}
			}
			else if (type.equals("jdk.ObjectAllocationSample")) {
				long w = e.getLong("weight");
				allocTotal += w;
				alloc.merge(e.getClass("objectClass").getName(), w, Long::sum);
				RecordedStackTrace st = e.getStackTrace();
				if (st != null) {
					for (RecordedFrame f : st.getFrames()) {
						if (f.getMethod().getType().getName().startsWith("dev.tcplab.engine")) {
							allocSite.merge(name(f), w, Long::sum);
							break;
						}
					}
				}
			}
		}
		System.out.printf("JFR %s: %d execution samples, %,d MB allocation sampled%n", file, samples, allocTotal >> 20);
		dump("self time (top frame)", self, samples, top);
		dump("first dev.tcplab.engine frame", tcplab, samples, top);
		dump("allocation by class (sampled bytes)", alloc, allocTotal, top);
		dump("allocation by first engine frame", allocSite, allocTotal, top);
	}

	private static String name(RecordedFrame f) {
		return f.getMethod().getType().getName().replace("dev.tcplab.engine.", "") + "." + f.getMethod().getName();
	}

	private static void dump(String title, Map<String, Long> counts, long total, int top) {
		System.out.println("  -- " + title);
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(top)
			.forEach(e -> System.out.printf("  %5.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, total), e.getKey()));
	}

}
