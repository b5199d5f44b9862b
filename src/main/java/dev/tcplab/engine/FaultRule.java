package dev.tcplab.engine;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * A fault rule on one direction of a pair (docs/api.md "Events": lose, duplicate, hold,
 * delay).
 */
final class FaultRule {

	final FaultAction action;

	final SegmentMatch match;

	final int count;

	final int nth;

	final long delayUs;

	int seen;

	int applied;

	FaultRule(FaultAction action, SegmentMatch match, int count, int nth, long delayUs) {
		this.action = action;
		this.match = match;
		this.count = count;
		this.nth = nth;
		this.delayUs = delayUs;
	}

	boolean exhausted() {
		return applied >= count;
	}

}
