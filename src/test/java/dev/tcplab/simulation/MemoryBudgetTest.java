package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.Side;
import dev.tcplab.testing.HttpJson;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Issue 20, capacity: memory is budgeted by what the simulations hold, not by each one's
 * worst case (docs/decisions.md, "Memory is budgeted by what simulations hold"). A 64 MB
 * budgeted heap (32 MB for simulations) fits one simulation at its largest (100,000 trace
 * events, 22.6 MB) but nine reservations of 3.6 MB; when the copies grow past the budget,
 * the least recently used leave memory and come back from the journal.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.max-trace-events=100000", "tcplab.requests-per-second=1000000",
				"tcplab.request-burst=1000000", "tcplab.budget.cpu-ms-per-second=1000000",
				"tcplab.budget.cpu-burst-ms=1000000", "tcplab.realtime-tick=PT1H" })
class MemoryBudgetTest {

	static final long MB = 1024 * 1024;

	/** 32 MiB of this JVM's heap for simulations. */
	@DynamicPropertySource
	static void budget(DynamicPropertyRegistry properties) {
		properties.add("tcplab.budget.heap-fraction", () -> 32.0 * MB / Runtime.getRuntime().maxMemory());
	}

	final HttpJson http;

	final SimulationRegistry registry;

	final SimulationBudget budget;

	final SimulationService service;

	@Autowired
	MemoryBudgetTest(@LocalServerPort int port, JsonMapper json, SimulationRegistry registry, SimulationBudget budget,
			SimulationService service) {
		this.http = new HttpJson(port, json);
		this.registry = registry;
		this.budget = budget;
		this.service = service;
	}

	final List<String> made = new ArrayList<>();

	@AfterEach
	void deleteWhatWasMade() {
		this.made.forEach(id -> this.http.delete("/api/simulations/" + id));
	}

	String create() {
		HttpJson.Answer a = this.http.post("/api/simulations", "{\"seed\":7}");
		assertThat(a.status()).as(a.text()).isEqualTo(201);
		String id = a.json().get("id").asString();
		this.made.add(id);
		return id;
	}

	/**
	 * Grows a copy's trace to at least {@code events} with a load run driven on the
	 * engine itself (not journaled, and not counted as use: the copy stays least recently
	 * used).
	 */
	long grow(String id, long events) {
		return this.registry.held(id).orElseThrow().withLockUnused(s -> {
			s.engine().startLoad(new LoadSpec(2000, 600_000, Side.CLIENT, 0, 0, 0, 80, 0, 0));
			while (s.heldTraceEvents() < events) {
				s.engine().advance(100, 1_000_000);
			}
			return s.heldTraceEvents();
		});
	}

	@Test
	void shouldCountHowManyFitByTheReservationNotByTheWorstCase() {
		// 5,000 events × 200 B + 64 pairs × 40 KiB = 3.6 MB reserved; 100,000 events at
		// most = 22.6 MB
		assertThat(this.budget.reservedBytes()).isEqualTo(5_000L * 200 + 64L * 40960);
		assertThat(this.budget.usableBytes()).isBetween(32 * MB - 1024, 32 * MB);
		assertThat(this.budget.maxSimulations())
			.isEqualTo((int) (this.budget.usableBytes() / this.budget.reservedBytes()))
			.isEqualTo(9);
		assertThat(this.budget.usableBytes() / this.budget.perSimulationBytes()).as("by the worst case").isEqualTo(1);
	}

	@Test
	void shouldDropTheLeastRecentlyUsedCopyWhenANewOneWouldPassTheBudget() {
		String big = create();
		long events = grow(big, 70_000);
		long bigBytes = this.budget.bytesHeld(events);
		assertThat(bigBytes).isGreaterThan(16 * MB);
		// what is left of 32 MB holds (32 - 16.6) / 3.6 = 4 more reservations: the
		// fifth new one makes room by dropping the big, least recently used copy
		for (int i = 0; i < 6; i++) {
			create();
			assertThat(this.registry.bytesHeld()).as("held after create %d", i + 1)
				.isLessThanOrEqualTo(this.budget.usableBytes());
		}
		assertThat(this.registry.held(big)).as("the big copy left memory").isEmpty();
		HttpJson.Answer back = this.http.get("/api/simulations/" + big);
		assertThat(back.status()).as("rebuilt from its journal: " + back.text()).isEqualTo(200);
		assertThat(this.registry.held(big)).isPresent();
	}

	@Test
	void shouldBringCopiesThatGrewPastTheBudgetBackWithinIt() {
		String older = create();
		String newer = create();
		grow(older, 75_000);
		grow(newer, 75_000);
		// 2 × (15 MB + 2.6 MB) > 32 MiB
		assertThat(this.registry.bytesHeld()).isGreaterThan(this.budget.usableBytes());
		// the newer one is used after the older one
		this.http.get("/api/simulations/" + newer);
		assertThat(this.registry.trimToBudget()).isEqualTo(1);
		assertThat(this.registry.bytesHeld()).isLessThanOrEqualTo(this.budget.usableBytes());
		assertThat(this.registry.held(older)).isEmpty();
		assertThat(this.registry.held(newer)).isPresent();
		assertThat(this.registry.trimToBudget()).as("within the budget: nothing more to drop").isZero();
	}

	// issue 20, CI 2026-12-07: a scenario run under a full instance answered 404 because
	// another request dropped the copy it had just made; a copy is pinned until the
	// request that made it completes
	@Test
	void shouldNeverDropACopyWhileTheRequestThatMadeItIsInProgress() {
		ServletRequestAttributes request = new ServletRequestAttributes(new MockHttpServletRequest());
		RequestContextHolder.setRequestAttributes(request);
		List<LiveSimulation> mine = new ArrayList<>();
		try {
			while (this.registry.size() < this.budget.maxSimulations()) {
				LiveSimulation s = this.service
					.create(new SimulationSpec("linux", 1L, null, null, null, null, null, null, null, null, null));
				this.made.add(s.id());
				mine.add(s);
			}
			assertThatThrownBy(() -> this.service
				.create(new SimulationSpec("linux", 2L, null, null, null, null, null, null, null, null, null)))
				.as("every copy is pinned by the request in progress")
				.isInstanceOfSatisfying(LimitExceededException.class,
						ex -> assertThat(ex.limit()).isIn("maxSimulations", "maxSimulationsPerClient", "memory"));
			assertThat(mine).allSatisfy(s -> assertThat(this.registry.held(s.id())).contains(s));
		}
		finally {
			RequestContextHolder.resetRequestAttributes();
			request.requestCompleted();
		}
		// the request completed: its copies may make room now (the least recently used
		// goes)
		String next = create();
		assertThat(this.registry.held(next)).isPresent();
		assertThat(this.registry.held(mine.get(0).id())).as("the oldest copy left memory").isEmpty();
	}

}
