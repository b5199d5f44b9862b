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
		Files.write(Path.of(a[0]), out);
		System.out.println(out.size() + " lines");
	}

}
