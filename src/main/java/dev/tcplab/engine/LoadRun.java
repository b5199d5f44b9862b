package dev.tcplab.engine;

import dev.tcplab.engine.LoadSpec.LoadStats;

/**
 * A generated busy-server workload (article situation 4) driven by scheduled events
 * inside the engine: one connection start every 1/{@code connectionsPerSecond} s (from
 * the spec's client hosts in turn), each client sends the request, the server answers,
 * the closer closes first and the other side closes when it reads EOF. Also the census
 * ticker.
 */
final class LoadRun implements Tcb.Application, Engine.Scheduled {

	/** {@link Engine.Scheduled} arguments: the next connection start, a census tick. */
	private static final long CONNECT = 0, CENSUS = 1;

	final LoadSpec spec;

	private final long startUs;

	private final long endUs;

	private final long censusUs;

	private long k;

	long started;

	long connectFailures;

	long peakTimeWait;

	LoadRun(Engine e, LoadSpec spec) {
		this.spec = spec;
		this.startUs = e.now;
		this.endUs = e.now + spec.durationMs() * 1000;
		this.censusUs = spec.censusIntervalMs() * 1000;
		e.sched.schedule(startUs, Context.EV_CALLBACK, this, CONNECT);
		// the TIME_WAITs this load will hold at once (one per connection for 2MSL): room
		// for them up front instead of doubling rings and columns while it runs
		long twUs = e.c.timeWaitMs() * 1000;
		long concurrent = (long) spec.connectionsPerSecond() * Math.min(spec.durationMs() * 1000, twUs + 1_000_000)
				/ 1_000_000;
		int expected = (int) Math.min(concurrent, 1 << 20);
		if (twUs > 0 && expected > 0) {
			e.sched.presize(twUs, expected);
			e.tw.rows.ensureCapacity(expected);
		}
		if (censusUs > 0) {
			e.sched.schedule(startUs + censusUs, Context.EV_CALLBACK, this, CENSUS);
		}
	}

	@Override
	public void fire(Engine e, long arg) {
		if (arg == CONNECT) {
			connectTick(e);
		}
		else {
			censusTick(e);
		}
	}

	private void connectTick(Engine e) {
		int client = (int) (k % spec.clients());
		int port = e.allocateEphemeral(client, spec.serverPort());
		if (port < 0) {
			connectFailures++;
			// a refused connect() is a socket call too: traced with its errno, no pair
			e.callEvent(null, "client", "connect",
					java.util.Map.of("address", e.address[Host.SERVER], "port", spec.serverPort()),
					CallResult.failed(Errno.EADDRNOTAVAIL));
		}
		else {
			started++;
			e.connectPair(client, spec.serverPort(), port, false, false, true);
		}
		peak(e);
		k++;
		long next = startUs + k * 1_000_000L / spec.connectionsPerSecond();
		if (next < endUs) {
			e.sched.schedule(next, Context.EV_CALLBACK, this, CONNECT);
		}
	}

	private void censusTick(Engine e) {
		peak(e);
		if (e.rec.states) {
			e.rec.add(new TraceEvent.Census(e.rec.nextSeq(), e.ms(), null, e.censusMap(), e.lifecycles));
		}
		if (e.now < endUs || started > e.loadCompleted) {
			e.sched.schedule(e.now + censusUs, Context.EV_CALLBACK, this, CENSUS);
		}
	}

	private void peak(Engine e) {
		int tw = e.census[TcpState.TIME_WAIT.ordinal()];
		if (tw > peakTimeWait) {
			peakTimeWait = tw;
		}
	}

	/** A new socket of this workload: the closer gets the workload's SO_LINGER. */
	@Override
	public void attached(Tcb t) {
		if (t.side == spec.closer()) {
			t.lingerOnoff = spec.lingerOnoff();
			t.lingerSeconds = spec.lingerSeconds();
		}
	}

	@Override
	public void established(Tcb t) {
		if (t.side == Side.CLIENT) {
			if (spec.requestBytes() > 0) {
				SocketCalls.send(t, spec.requestBytes());
			}
			else {
				clientProgress(t);
			}
		}
		else if (spec.requestBytes() == 0) {
			respond(t);
		}
	}

	@Override
	public void afterSegment(Tcb t) {
		if (t.appClosed) {
			return;
		}
		if (t.recvBuffered > 0) {
			t.consume(null);
		}
		if (t.side == Side.SERVER) {
			if (!t.appResponded && t.accepted && t.appRead >= spec.requestBytes()) {
				respond(t);
			}
		}
		else {
			clientProgress(t);
		}
		if (!t.appClosed && t.peerFin) {
			SocketCalls.close(t);
		}
	}

	private void clientProgress(Tcb t) {
		if (spec.closer() == Side.CLIENT && !t.appClosed && t.appRead >= spec.responseBytes()
				&& (t.state == TcpState.ESTABLISHED || t.state == TcpState.CLOSE_WAIT)) {
			SocketCalls.close(t);
		}
	}

	private void respond(Tcb t) {
		t.appResponded = true;
		if (spec.responseBytes() > 0) {
			SocketCalls.send(t, spec.responseBytes());
		}
		if (spec.closer() == Side.SERVER) {
			SocketCalls.close(t);
		}
	}

	LoadStats stats(Engine e) {
		peak(e);
		return new LoadStats(started, e.loadCompleted, connectFailures, peakTimeWait, e.censusMap());
	}

}
