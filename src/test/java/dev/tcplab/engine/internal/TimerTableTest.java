package dev.tcplab.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The timer table and the event queue on their own (no TCP): lazy re-arming keeps the
 * order of eager scheduling, cancelled entries are dropped through the queue's stale
 * callback, and a timer armed and stopped within one event never enters the queue.
 */
class TimerTableTest {

	private static final int TIMER = 7;

	private final List<String> fired = new ArrayList<>();

	private TimerTable<String> timers;

	private final EventQueue queue = new EventQueue((kind, arg) -> kind == TIMER && timers.stale(arg));

	{
		timers = new TimerTable<>(queue, TIMER);
	}

	/** The engine's loop in miniature: flush, drop what is not due, fire the rest. */
	private void runUntil(long limit) {
		while (true) {
			timers.flush();
			while (!queue.isEmpty() && queue.peekKind() == TIMER && !timers.headDue()) {
				// headDue removed the head
			}
			if (queue.isEmpty() || queue.peekTime() > limit) {
				return;
			}
			long at = queue.peekTime();
			long arg = queue.peekArg();
			queue.pop();
			fired.add(at + ":" + timers.fire(arg) + "/" + TimerTable.timer(arg));
		}
	}

	@Test
	void shouldFireARestartedTimerOnceAtItsNewDeadline() {
		int a = timers.alloc("a");
		assertThat(timers.arm(a, 0, 0, 100)).isFalse();
		runUntil(50);
		assertThat(timers.arm(a, 0, 50, 100)).isTrue(); // restart: now due at 150
		runUntil(1_000);
		assertThat(fired).containsExactly("150:a/0");
		assertThat(timers.at(a, 0)).isEqualTo(-1);
	}

	@Test
	void shouldFireEqualDeadlinesInArmOrderEvenWhenReArmedLazily() {
		int a = timers.alloc("a");
		int b = timers.alloc("b");
		timers.arm(a, 1, 0, 300); // queued at 300
		timers.arm(b, 1, 0, 200);
		runUntil(0);
		// moved later to 300... then armed again for 300 with a later order
		timers.arm(a, 1, 100, 200);
		timers.arm(b, 1, 100, 200); // b: 300, armed after a
		runUntil(1_000);
		assertThat(fired).containsExactly("300:a/1", "300:b/1");
	}

	@Test
	void shouldNeverFireACancelledTimerAndDropItsEntry() {
		int a = timers.alloc("a");
		timers.arm(a, 2, 0, 100);
		runUntil(0);
		assertThat(queue.size()).isEqualTo(1);
		timers.cancel(a, 2);
		runUntil(1_000);
		assertThat(fired).isEmpty();
		assertThat(queue.isEmpty()).isTrue();
	}

	@Test
	void shouldNeverQueueATimerArmedAndCancelledWithinOneEvent() {
		int a = timers.alloc("a");
		timers.arm(a, 3, 0, 100);
		timers.cancel(a, 3);
		timers.flush();
		assertThat(queue.isEmpty()).isTrue();
	}

	@Test
	void shouldMakeAFreedSlotsEntriesStaleAndReuseTheLowestSlotFirst() {
		int a = timers.alloc("a");
		int b = timers.alloc("b");
		timers.arm(a, 0, 0, 100);
		runUntil(0);
		timers.free(a);
		assertThat(timers.alloc("c")).isEqualTo(a).isLessThan(b);
		runUntil(1_000);
		assertThat(fired).isEmpty();
	}

}
