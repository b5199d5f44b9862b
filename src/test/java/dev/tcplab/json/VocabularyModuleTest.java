package dev.tcplab.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.engine.PairEvent;
import dev.tcplab.engine.PairEvent.FaultAction;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.TcpFlag;

/**
 * The one binding of pair events (issue 24, one vocabulary): the events route's JSON both
 * ways, the limits left to the engine's records, and the journal's first names read only
 * where the journal reads.
 */
class VocabularyModuleTest {

	static final JsonMapper API = JsonMapper.builder().addModule(new VocabularyModule()).build();

	static final JsonMapper JOURNAL = JsonMapper.builder().addModule(VocabularyModule.withJournalV1Names()).build();

	static PairEvent read(JsonMapper m, String json) {
		return m.readValue(json, PairEvent.class);
	}

	@Test
	void shouldWriteEveryEventAsTheEventsRouteTakesItAndReadItBack() {
		List<Object[]> cases = List.of(
				new Object[] { new PairEvent.Close(Side.CLIENT), "{\"type\":\"close\",\"side\":\"client\"}" },
				new Object[] { new PairEvent.Shutdown(Side.SERVER, "SHUT_RDWR"),
						"{\"type\":\"shutdown\",\"side\":\"server\",\"how\":\"SHUT_RDWR\"}" },
				new Object[] { new PairEvent.Send(Side.CLIENT, 100),
						"{\"type\":\"send\",\"side\":\"client\",\"bytes\":100}" },
				new Object[] { new PairEvent.Recv(Side.SERVER, null), "{\"type\":\"recv\",\"side\":\"server\"}" },
				new Object[] { new PairEvent.Recv(Side.SERVER, 5),
						"{\"type\":\"recv\",\"side\":\"server\",\"max\":5}" },
				new Object[] { new PairEvent.Abort(Side.CLIENT), "{\"type\":\"abort\",\"side\":\"client\"}" },
				new Object[] { new PairEvent.SetLinger(Side.CLIENT, 1, 0),
						"{\"type\":\"setsockopt\",\"side\":\"client\",\"option\":\"SO_LINGER\",\"onoff\":1,\"seconds\":0}" },
				new Object[] { new PairEvent.SetReuseAddr(Side.SERVER, true),
						"{\"type\":\"setsockopt\",\"side\":\"server\",\"option\":\"SO_REUSEADDR\",\"value\":true}" },
				new Object[] { new PairEvent.Fault(Side.CLIENT, FaultAction.DROP, SegmentMatch.ACK, 1, 0, 0),
						"{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\",\"count\":1,\"nth\":0}" },
				new Object[] { new PairEvent.Fault(Side.SERVER, FaultAction.DUPLICATE, SegmentMatch.FIN, 2, 3, 0),
						"{\"type\":\"duplicate\",\"side\":\"server\",\"segment\":\"FIN\",\"count\":2,\"nth\":3}" },
				new Object[] { new PairEvent.Fault(Side.SERVER, FaultAction.DELAY, SegmentMatch.DATA, 1, 0, 500),
						"{\"type\":\"delay\",\"side\":\"server\",\"segment\":\"DATA\",\"count\":1,\"nth\":0,\"ms\":500}" },
				new Object[] { new PairEvent.Fault(Side.CLIENT, FaultAction.HOLD, SegmentMatch.ANY, 1, 0, 0),
						"{\"type\":\"hold\",\"side\":\"client\",\"segment\":\"ANY\",\"count\":1,\"nth\":0}" },
				new Object[] { new PairEvent.Release(Side.SERVER), "{\"type\":\"release\",\"side\":\"server\"}" },
				new Object[] { new PairEvent.ResendFin(Side.SERVER), "{\"type\":\"resend-fin\",\"side\":\"server\"}" },
				new Object[] { new PairEvent.Inject(Side.SERVER, List.of(TcpFlag.FIN, TcpFlag.ACK), 5001L, 1001L, 0),
						"{\"type\":\"inject\",\"side\":\"server\",\"flags\":[\"FIN\",\"ACK\"],\"seq\":5001,\"ack\":1001,\"len\":0}" },
				new Object[] { new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.RST), null, null, 0),
						"{\"type\":\"inject\",\"side\":\"client\",\"flags\":[\"RST\"],\"len\":0}" });
		for (Object[] c : cases) {
			assertThat(API.writeValueAsString(c[0])).isEqualTo(c[1]);
			assertThat(read(API, (String) c[1])).isEqualTo(c[0]);
			assertThat(read(JOURNAL, (String) c[1])).isEqualTo(c[0]);
		}
		assertThat(cases.stream().map(c -> ((String) c[1]).replaceAll("^\\{\"type\":\"([a-z-]+)\".*", "$1")).distinct())
			.containsExactlyElementsOf(VocabularyModule.EVENT_TYPES);
	}

	@Test
	void shouldReadNamesInAnyCaseWithDefaults() {
		assertThat(read(API, "{\"type\":\"lose\",\"side\":\" SERVER \",\"segment\":\"fin\"}"))
			.isEqualTo(new PairEvent.Fault(Side.SERVER, FaultAction.DROP, SegmentMatch.FIN, 1, 0, 0));
		assertThat(read(API, "{\"type\":\"inject\",\"side\":\"client\",\"flags\":[\"ack\",\"ACK\",\"psh\"]}"))
			.isEqualTo(new PairEvent.Inject(Side.CLIENT, List.of(TcpFlag.ACK, TcpFlag.PSH), null, null, 0));
		assertThat(read(API,
				"{\"type\":\"setsockopt\",\"side\":\"client\",\"option\":\"so_linger\",\"onoff\":0,\"seconds\":9}"))
			.isEqualTo(new PairEvent.SetLinger(Side.CLIENT, 0, 9));
	}

	@Test
	void shouldLeaveTheLimitsToTheEngineAndNameTheField() {
		assertThatThrownBy(
				() -> read(API, "{\"type\":\"send\",\"side\":\"client\",\"bytes\":" + (PairEvent.MAX_BYTES + 1) + "}"))
			.isInstanceOfSatisfying(InvalidEventException.class, ex -> {
				assertThat(ex.field()).isEqualTo("bytes");
				assertThat(ex.getOriginalMessage()).isEqualTo("bytes must be between 0 and 67108864, got 67108865");
				assertThat(ex.getValue()).hasToString("67108865");
			});
		assertThat(read(API, "{\"type\":\"send\",\"side\":\"client\",\"bytes\":" + PairEvent.MAX_BYTES + "}"))
			.isEqualTo(new PairEvent.Send(Side.CLIENT, PairEvent.MAX_BYTES));
		assertThatThrownBy(
				() -> read(API, "{\"type\":\"hold\",\"side\":\"client\",\"segment\":\"ACK\",\"count\":1001}"))
			.isInstanceOfSatisfying(InvalidEventException.class, ex -> assertThat(ex.field()).isEqualTo("count"));
		assertThatThrownBy(() -> read(API, "{\"type\":\"inject\",\"side\":\"client\",\"flags\":[\"ACK\",\"XMAS\"]}"))
			.isInstanceOfSatisfying(InvalidEventException.class, ex -> assertThat(ex.field()).isEqualTo("flags[1]"));
		assertThatThrownBy(() -> read(API, "{\"type\":\"delay\",\"side\":\"client\",\"segment\":\"ACK\"}"))
			.isInstanceOfSatisfying(InvalidEventException.class,
					ex -> assertThat(ex.getOriginalMessage()).isEqualTo("ms is missing"));
	}

	/**
	 * The journal's first format: linger, reuseaddr and fault, read by the journal only.
	 */
	@Test
	void shouldReadTheJournalsFirstNamesOnlyForTheJournal() {
		String linger = "{\"type\":\"linger\",\"side\":\"SERVER\",\"onoff\":1,\"seconds\":5}";
		String reuse = "{\"type\":\"reuseaddr\",\"side\":\"CLIENT\",\"on\":true}";
		String fault = "{\"type\":\"fault\",\"side\":\"CLIENT\",\"action\":\"DELAY\",\"segment\":\"ANY\",\"count\":1,\"nth\":2,\"delayMs\":250}";
		assertThat(read(JOURNAL, linger)).isEqualTo(new PairEvent.SetLinger(Side.SERVER, 1, 5));
		assertThat(read(JOURNAL, reuse)).isEqualTo(new PairEvent.SetReuseAddr(Side.CLIENT, true));
		assertThat(read(JOURNAL, fault))
			.isEqualTo(new PairEvent.Fault(Side.CLIENT, FaultAction.DELAY, SegmentMatch.ANY, 1, 2, 250));
		for (String v1 : List.of(linger, reuse, fault)) {
			assertThatThrownBy(() -> read(API, v1)).isInstanceOfSatisfying(InvalidEventException.class,
					ex -> assertThat(ex.getOriginalMessage()).startsWith("unknown event type"));
		}
	}

}
