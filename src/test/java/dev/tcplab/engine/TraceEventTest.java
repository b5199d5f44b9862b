package dev.tcplab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TraceEventTest {

	@Test
	void shouldKeepCallArgumentsInNameOrderWhateverMapTheEngineBuilt() {
		// Map.of iterates in a per-JVM salted order; the trace must not depend on it
		// (same seed => same bytes).
		var call = new TraceEvent.Call(0, 0, 1, "client", "setsockopt",
				Map.of("seconds", 2, "option", "SO_LINGER", "onoff", 1), 0, false, false);
		assertThat(List.copyOf(call.args().keySet())).containsExactly("onoff", "option", "seconds");
		assertThat(List.copyOf(call.withSeq(7).args().keySet())).containsExactly("onoff", "option", "seconds");
	}

	@Test
	void shouldTreatMissingCallArgumentsAsEmpty() {
		var call = new TraceEvent.Call(0, 0, 1, "client", "close", null, 0, false, false);
		assertThat(call.args()).isEmpty();
	}

}
