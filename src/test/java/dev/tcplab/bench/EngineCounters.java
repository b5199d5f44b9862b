package dev.tcplab.bench;

import java.lang.reflect.Field;

import dev.tcplab.engine.Simulation;

/**
 * Reads the engine's internal event counters for the figures "scheduler events per
 * lifecycle" and "events/s" (the scheduler is package-private detail of the engine, so
 * this uses reflection and answers -1 if its shape changes).
 */
final class EngineCounters {

	private EngineCounters() {
	}

	/**
	 * Events ever scheduled in this simulation (stale, lazily cancelled timers included),
	 * or -1.
	 */
	static long scheduledEvents(Simulation sim) {
		Object sched = scheduler(sim);
		return sched == null ? -1 : longField(sched, "nextOrder");
	}

	/** Events pending in the queue now (stale ones included), or -1. */
	static long pendingEvents(Simulation sim) {
		Object sched = scheduler(sim);
		if (sched == null) {
			return -1;
		}
		long total = longField(sched, "total"); // heap + FIFO lanes
		return total >= 0 ? total : longField(sched, "size");
	}

	private static Object scheduler(Simulation sim) {
		try {
			Field e = Simulation.class.getDeclaredField("e");
			e.setAccessible(true);
			Object engine = e.get(sim);
			// the scheduler is declared by the engine's class or one of its superclasses
			for (Class<?> k = engine.getClass(); k != null; k = k.getSuperclass()) {
				for (Field s : k.getDeclaredFields()) {
					if (s.getName().equals("sched")) {
						s.setAccessible(true);
						return s.get(engine);
					}
				}
			}
			return null;
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

	private static long longField(Object o, String name) {
		try {
			Field f = o.getClass().getDeclaredField(name);
			f.setAccessible(true);
			return ((Number) f.get(o)).longValue();
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return -1;
		}
	}

}
