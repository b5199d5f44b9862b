package dev.tcplab.simulation;

/**
 * A clock action ran into {@code tcplab.budget.max-events-per-request}. Unlike other
 * refusals it did part of the work: the events run so far are kept and recorded, the
 * clock stands at the last of them, the rest is still pending. The client reads the trace
 * from the problem's {@code traceFrom} and sends the request again to go on.
 */
public class EventBudgetExceededException extends LimitExceededException {

	public EventBudgetExceededException(int maxEvents, double nowMs, long traceFrom, long nextSeq) {
		super("maxEventsPerRequest", "this request ran " + maxEvents
				+ " scheduled events (the limit per request, tcplab.budget.max-events-per-request) and stopped at "
				+ nowMs + " ms of virtual time; what ran is kept (trace from seq " + traceFrom
				+ "), the rest is pending: send the request again to go on");
		member("nowMs", nowMs);
		member("traceFrom", traceFrom);
		member("nextSeq", nextSeq);
	}

}
