package dev.tcplab.scenario;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.tcplab.engine.TraceEvent;
import dev.tcplab.simulation.SimulationRegistry;
import dev.tcplab.simulation.SimulationService;
import dev.tcplab.simulation.TcplabProperties;

class ScenarioDumpTest {

	@Test
	void dump() {
		var props = new TcplabProperties(100, 64, 100000, 3_600_000, Duration.ofMinutes(5), Duration.ofMillis(50), 50, 200);
		var runner = new ScenarioRunner(new SimulationService(new SimulationRegistry(props)));
		for (String profile : List.of("linux", "rfc9293")) {
			for (Scenario sc : runner.scenarios()) {
				if (System.getProperty("only") != null && !sc.name().equals(System.getProperty("only"))) continue;
				StringBuilder out = new StringBuilder("=== " + sc.name() + " " + profile + "\n");
				try {
					long t0 = System.nanoTime();
					var run = runner.run(sc.name(), profile, 1L);
					out.append("  events=" + run.trace().size() + " ms=" + (System.nanoTime() - t0) / 1_000_000 + "\n");
					for (var n : run.narration()) {
						out.append("  [" + n.step() + "] " + n.fromSeq() + ".." + n.toSeq() + " " + n.text().en() + "\n");
						for (TraceEvent e : run.trace()) {
							if (e.seq() >= n.fromSeq() && e.seq() < n.toSeq() && sc.name().startsWith("busy") == false) {
								out.append("      " + brief(e) + "\n");
							}
						}
					}
				}
				catch (RuntimeException ex) {
					out.append("  FAILED " + ex + "\n");
					for (var st : ex.getStackTrace()) {
						if (st.getClassName().startsWith("dev.tcplab")) out.append("     at " + st + "\n");
					}
				}
				System.out.print(out);
			}
		}
	}

	static String brief(TraceEvent e) {
		if (e instanceof TraceEvent.State s) {
			return String.format("%.1f p%s %s %s->%s (%s)", s.timeMs(), s.pair(), s.endpoint(), s.from(), s.to(), s.cause());
		}
		if (e instanceof TraceEvent.Segment s) {
			return String.format("%.1f p%s seg %s %s->%s %s seq=%d ack=%d len=%d%s", s.timeMs(), s.pair(), s.event(), s.from(), s.to(), s.flags(), s.relSeq(), s.relAck(), s.len(), s.retransmission() ? " RTX" : "");
		}
		if (e instanceof TraceEvent.Call c) {
			return String.format("%.1f p%s call %s %s %s -> %s%s%s", c.timeMs(), c.pair(), c.endpoint(), c.call(), c.args(), c.result(), c.blocking() ? " blocking" : "", c.completed() ? " completed" : "");
		}
		if (e instanceof TraceEvent.Timer t) {
			return String.format("%.1f p%s timer %s %s %s %s", t.timeMs(), t.pair(), t.endpoint(), t.timer(), t.action(), t.expiresAtMs());
		}
		if (e instanceof TraceEvent.Note n) {
			return String.format("%.1f p%s note %s %s", n.timeMs(), n.pair(), n.code(), n.text());
		}
		TraceEvent.Census c = (TraceEvent.Census) e;
		return String.format("%.1f census %s", c.timeMs(), c.counts());
	}
}
