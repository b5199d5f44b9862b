package dev.tcplab.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tcplab.engine.PairEvent.FaultAction;

/**
 * Dumps the FULL trace of scripted runs to a file (before/after comparison of engine
 * refactorings). Not a test.
 */
class TraceProbe {

	public static void main(String[] a) throws Exception {
		List<String> out = new ArrayList<>();
		for (long seed : new long[] { 42, 7 }) {
			out.addAll(DeterminismTest.run(seed, false));
			for (String profile : new String[] { "linux", "rfc9293", "bsd", "windows" }) {
				Simulation sim = new Simulation(
						SimulationConfig.of(profile, seed, Map.of()).withRetainClosedPairs(seed == 7));
				int p = sim.openPair(80, null, false, true).id();
				sim.apply(p, new PairEvent.Fault(Side.SERVER, FaultAction.DROP, SegmentMatch.FIN, 1, 2, 0));
				sim.apply(p, new PairEvent.Send(Side.CLIENT, 100));
				sim.apply(p, new PairEvent.Close(Side.CLIENT));
				sim.advance(30);
				sim.apply(p, new PairEvent.Close(Side.SERVER));
				sim.startLoad(new LoadSpec(500, 200, seed == 7 ? Side.CLIENT : Side.SERVER, 10, 20, 50, 8080, 0, 0));
				sim.runUntilIdle(1e9);
				sim.eventsSince(0).forEach(e -> out.add(e.toString()));
				out.add(sim.view().toString());
			}
		}
		// port reuse on a narrow range: new SYNs reach detached TIME_WAIT rows (server
		// closes: RFC 6191 reopen) and tw_reuse takes them over (client closes)
		for (Side closer : new Side[] { Side.SERVER, Side.CLIENT }) {
			for (int clients : new int[] { 1, 3 }) {
				Simulation sim = new Simulation(
						SimulationConfig
							.of("linux", 5,
									Map.of("ephemeralLow", 40000, "ephemeralHigh", 40019, "twReuse", 1, "timeWaitMs",
											3000))
							.withTraceLevel(TraceLevel.FULL, 1_000_000)
							.withRetainClosedPairs(false));
				sim.startLoad(new LoadSpec(200, 2000, closer, 10, 20, 500, 80, 0, 0, clients));
				sim.runUntilIdle(1e9);
				sim.eventsSince(0).forEach(e -> out.add(e.toString()));
				out.add(String.valueOf(sim.loadStats()));
			}
		}
		Files.write(Path.of(a[0]), out);
		System.out.println(out.size() + " lines");
	}

}
