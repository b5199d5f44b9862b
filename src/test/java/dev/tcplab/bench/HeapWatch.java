package dev.tcplab.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * Watches the heap while a run goes on: the peak of used heap (sampled every 2 ms,
 * garbage included), the peak of heap still used right after a collection (GC
 * notifications: the live set plus what the collector left) and the collections' count
 * and time. {@link #usedAfterFullGc()} measures a quiet heap for footprint deltas.
 */
final class HeapWatch implements AutoCloseable {

	private final AtomicLong peakUsed = new AtomicLong();

	private final AtomicLong peakAfterGc = new AtomicLong();

	private final Thread sampler;

	private final NotificationListener listener;

	private final long gcCount0;

	private final long gcMillis0;

	private volatile boolean running = true;

	private HeapWatch() {
		Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter(p -> p.getType() == MemoryType.HEAP)
			.map(MemoryPoolMXBean::getName)
			.collect(Collectors.toSet());
		listener = (notification, handback) -> {
			if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
				GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
					.from((CompositeData) notification.getUserData());
				long used = 0;
				for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
					if (heapPools.contains(e.getKey())) {
						used += e.getValue().getUsed();
					}
				}
				peakAfterGc.accumulateAndGet(used, Math::max);
			}
		};
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (gc instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener(listener, null, null);
			}
		}
		gcCount0 = gcCount();
		gcMillis0 = gcMillis();
		sampler = new Thread(() -> {
			while (running) {
				sample();
				try {
					Thread.sleep(2);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "heap-watch");
		sampler.setDaemon(true);
		sampler.start();
	}

	static HeapWatch start() {
		return new HeapWatch();
	}

	private void sample() {
		peakUsed.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
	}

	long peakUsedBytes() {
		sample();
		return peakUsed.get();
	}

	long peakAfterGcBytes() {
		return peakAfterGc.get();
	}

	long collections() {
		return gcCount() - gcCount0;
	}

	long collectionMillis() {
		return gcMillis() - gcMillis0;
	}

	@Override
	public void close() throws InterruptedException {
		running = false;
		sampler.join();
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (gc instanceof NotificationEmitter emitter) {
				try {
					emitter.removeNotificationListener(listener);
				}
				catch (javax.management.ListenerNotFoundException ignored) {
					// never added
				}
			}
		}
	}

	static long maxHeapBytes() {
		MemoryUsage u = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
		return u.getMax();
	}

	static String collectorNames() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.map(GarbageCollectorMXBean::getName)
			.collect(Collectors.joining("+"));
	}

	/**
	 * Heap used after full collections: the smallest of {@code samples} readings, each
	 * after System.gc().
	 */
	static long usedAfterFullGc(int samples) throws InterruptedException {
		long min = Long.MAX_VALUE;
		for (int i = 0; i < samples; i++) {
			System.gc();
			Thread.sleep(30);
			min = Math.min(min, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return min;
	}

	private static long gcCount() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionCount)
			.filter(c -> c > 0)
			.sum();
	}

	private static long gcMillis() {
		return ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.mapToLong(GarbageCollectorMXBean::getCollectionTime)
			.filter(c -> c > 0)
			.sum();
	}

}
