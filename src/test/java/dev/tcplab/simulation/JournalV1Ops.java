package dev.tcplab.simulation;

import java.util.List;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.TcpFlag;
import dev.tcplab.simulation.SimulationService.ClockAction;
import dev.tcplab.simulation.SimulationService.ClockCommand;

/**
 * The requests behind {@code src/test/resources/journal/v1-journal.json}: every event
 * type (each name the first journal format used: linger, reuseaddr, fault with each
 * action), pairs and clock commands. The fixture holds the rows the code of 2026-12-06
 * (before the event vocabulary was bound once) journaled for these requests.
 */
final class JournalV1Ops {

	private JournalV1Ops() {
	}

	static SimulationSpec spec() {
		return new SimulationSpec("linux", 21L, null, null, null, null, null, null, null, true, null);
	}

	static void run(SimulationService service, String id) {
		Side c = Side.CLIENT;
		Side s = Side.SERVER;
		service.openPair(id, 80, null, false, true);
		service.apply(id, 1, new PairEvent.SetReuseAddr(c, true));
		service.apply(id, 1, new PairEvent.SetLinger(s, 1, 5));
		service.apply(id, 1, new PairEvent.Fault(c, FaultAction.DROP, SegmentMatch.DATA, 1, 0, 0));
		service.apply(id, 1, new PairEvent.Fault(s, FaultAction.DUPLICATE, SegmentMatch.ACK, 2, 1, 0));
		service.apply(id, 1, new PairEvent.Fault(c, FaultAction.DELAY, SegmentMatch.ANY, 1, 2, 250));
		service.apply(id, 1, new PairEvent.Send(c, 3000));
		service.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(100)));
		service.apply(id, 1, new PairEvent.Recv(s, 1000));
		service.apply(id, 1, new PairEvent.Recv(s, null));
		service.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(1500)));
		service.apply(id, 1, new PairEvent.Recv(s, null));
		service.apply(id, 1, new PairEvent.Fault(s, FaultAction.HOLD, SegmentMatch.FIN, 1, 0, 0));
		service.apply(id, 1, new PairEvent.Shutdown(s, "SHUT_WR"));
		service.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(50)));
		service.apply(id, 1, new PairEvent.Release(s));
		service.apply(id, 1, new PairEvent.Close(c));
		service.clock(id, new ClockCommand(null, null, null, new ClockAction.Step()));
		service.apply(id, 1, new PairEvent.ResendFin(s));
		service.clock(id, new ClockCommand(null, null, null, new ClockAction.Advance(500)));
		service.apply(id, 1, new PairEvent.Inject(c, List.of(TcpFlag.RST), null, null, 0));
		service.openPair(id, 443, 1500, true, true);
		service.apply(id, 2, new PairEvent.Shutdown(c, "SHUT_RDWR"));
		service.apply(id, 2, new PairEvent.Inject(s, List.of(TcpFlag.FIN, TcpFlag.ACK), 5001L, 1001L, 10));
		service.apply(id, 2, new PairEvent.Abort(s));
		service.clock(id, new ClockCommand(null, true, 2.0, null));
		service.clock(id, new ClockCommand(null, false, null, new ClockAction.RunUntilIdle(200_000)));
	}

}
