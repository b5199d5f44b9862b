package dev.tcplab.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** The free-port search (bitmap plus summary of full words) agrees with a plain scan. */
class PortTableTest {

	@Test
	void firstFreeMatchesANaiveScanWhileTheRangeFillsAndDrains() {
		PortTable pt = new PortTable();
		int[] users = new int[65536];
		SplittableRandom rnd = new SplittableRandom(3);
		int lo = 32768;
		int hi = 60999;
		for (int step = 0; step < 200_000; step++) {
			int port = lo + rnd.nextInt(hi - lo + 1);
			// fill mostly during the first half, drain during the second, so long full
			// stretches come and go
			boolean acquire = step < 100_000 ? rnd.nextInt(10) < 9 : rnd.nextInt(10) < 1;
			if (acquire) {
				pt.acquire(port, false);
				users[port]++;
			}
			else if (users[port] > 0) {
				pt.release(port, false);
				users[port]--;
			}
			if (step % 97 == 0) {
				int from = lo + rnd.nextInt(hi - lo + 1);
				assertThat(pt.firstFree(from, hi)).isEqualTo(naive(users, from, hi));
				assertThat(pt.firstFree(lo, from)).isEqualTo(naive(users, lo, from));
			}
		}
		for (; users[hi] > 0; users[hi]--) {
			pt.release(hi, false);
		}
		for (int p = lo; p <= hi; p++) {
			if (users[p] == 0) {
				pt.acquire(p, true);
				users[p]++;
			}
		}
		assertThat(pt.firstFree(lo, hi)).isEqualTo(-1);
		pt.release(hi, true);
		assertThat(pt.firstFree(lo, hi)).isEqualTo(hi);
		assertThat(pt.firstFree(lo, hi - 1)).isEqualTo(-1);
	}

	private static int naive(int[] users, int from, int to) {
		for (int p = from; p <= to; p++) {
			if (users[p] == 0) {
				return p;
			}
		}
		return -1;
	}

}
