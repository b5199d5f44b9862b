package dev.tcplab.simulation;

/**
 * A clock action ran into {@code tcplab.budget.max-events-per-request}. Unlike other
 * refusals it did part of the work: the events run so far are kept and recorded, the
 * clock stands at the last of them, the rest is still pending. The client reads the trace
 * from {@link #traceFrom()} and sends the request again to go on.
 */
public class EventBudgetExceededException extends LimitExceededException {

	private final double nowMs;

	private final long traceFrom;

	private final long nextSeq;

	public EventBudgetExceededException(int maxEvents, double nowMs, long traceFrom, long nextSeq) {
		super("maxEventsPerRequest", "this request ran " + maxEvents
				+ " scheduled events (the limit per request, tcplab.budget.max-events-per-request) and stopped at "
				+ nowMs + " ms of virtual time; what ran is kept (trace from seq " + traceFrom
				+ "), the rest is pending: send the request again to go on");
		this.nowMs = nowMs;
		this.traceFrom = traceFrom;
		this.nextSeq = nextSeq;
	}

	public double nowMs() {
		return this.nowMs;
	}

	/** The first seq this request recorded. */
	public long traceFrom() {
		return this.traceFrom;
	}

	public long nextSeq() {
		return this.nextSeq;
	}

}
