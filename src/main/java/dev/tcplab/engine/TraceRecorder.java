package dev.tcplab.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps the trace: contiguous {@code seq} numbers, a ring buffer of at most
 * {@code maxEvents} events (older ones are compacted away and {@link #oldestSeq()} moves
 * on), and one synchronous listener. Producers check {@link #segments} / {@link #states}
 * before building an event, so level NONE allocates nothing.
 */
final class TraceRecorder {

	/** FULL: segments and timers are recorded. */
	final boolean segments;

	/** FULL or STATES: state, call, note and census events are recorded. */
	final boolean states;

	private final int max;

	private TraceEvent[] ring;

	private int head;

	private int count;

	private long nextSeq;

	private Consumer<TraceEvent> listener;

	TraceRecorder(TraceLevel level, int maxEvents) {
		this.segments = level == TraceLevel.FULL;
		this.states = level != TraceLevel.NONE;
		this.max = maxEvents;
		this.ring = new TraceEvent[Math.min(maxEvents, 256)];
	}

	long nextSeq() {
		return nextSeq;
	}

	long oldestSeq() {
		return nextSeq - count;
	}

	void setListener(Consumer<TraceEvent> l) {
		this.listener = l;
	}

	/** Records an event that was built with {@link #nextSeq()} as its seq. */
	void add(TraceEvent e) {
		if (e.seq() != nextSeq) {
			throw new IllegalStateException("trace event built with seq " + e.seq() + ", expected " + nextSeq);
		}
		nextSeq++;
		if (count == ring.length && ring.length < max) {
			TraceEvent[] bigger = new TraceEvent[(int) Math.min(max, ring.length * 2L)];
			for (int i = 0; i < count; i++) {
				bigger[i] = ring[(head + i) % ring.length];
			}
			ring = bigger;
			head = 0;
		}
		if (count < ring.length) {
			ring[(head + count) % ring.length] = e;
			count++;
		}
		else {
			ring[head] = e;
			head = (head + 1) % ring.length;
		}
		if (listener != null) {
			listener.accept(e);
		}
	}

	List<TraceEvent> since(long since) {
		long from = Math.max(since, oldestSeq());
		if (from >= nextSeq) {
			return Collections.emptyList();
		}
		int n = (int) (nextSeq - from);
		int skip = count - n;
		List<TraceEvent> out = new ArrayList<>(n);
		for (int i = 0; i < n; i++) {
			out.add(ring[(head + skip + i) % ring.length]);
		}
		return out;
	}

}
