package dev.tcplab.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

import dev.tcplab.testing.BrowserTest;
import dev.tcplab.testing.HeadlessChromium;
import dev.tcplab.testing.Visitor;

import org.springframework.boot.test.context.SpringBootTest;

import org.assertj.core.api.InstanceOfAssertFactories;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 20 and 22 in the page: a reader who walks more scenario runs than the per-client
 * cap of simulations (the shipped 20, not the test servers' 1000) is never refused, the
 * page lets go of the runs it leaves, and "My simulations" lists and deletes what the
 * reader made; a kernel-made capture is uploaded, a connection opened on the ladder with
 * its diagnostic, replayed in the lab, and opened again by its deep link. axe-core finds
 * no critical or serious violation in the capture view nor with "My simulations" open.
 * Screenshots go to {@code target/screenshots/capture/}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=1000000", "tcplab.request-burst=1000000" })
class CaptureAndOwnershipUiTests extends BrowserTest {

	private static final Path SHOTS = HeadlessChromium.SCREENSHOTS.resolve("capture");

	private static final Path CAPTURE = Path.of("src/test/resources/captures/kernel/lost-fin.pcap");

	private static final Duration WAIT = Duration.ofSeconds(40);

	CaptureAndOwnershipUiTests() {
		super(WAIT, SHOTS);
	}

	/**
	 * Each test is a new visitor: a fresh owner cookie, so its list holds only what it
	 * made.
	 */
	@BeforeEach
	void freshOwner() {
		newVisitor();
	}

	@Test
	void shouldNeverRefuseAReaderWhoWalksMoreScenarioRunsThanTheCapAndListWhatTheyMade() throws IOException {
		driver.get(url("/?lang=en"));
		waitFor(() -> js("return window.tcplab && window.tcplab.state.simId") != null);
		@SuppressWarnings("unchecked")
		List<String> names = (List<String>) js(
				"return [...document.querySelectorAll('#scenario-select option')].map((o) => o.value).filter(Boolean)");
		assertThat(names).hasSizeGreaterThan(10);
		List<String> runs = new ArrayList<>();
		for (int i = 0; i < 25; i++) {
			String name = names.get(i % names.size());
			String before = String.valueOf(js("return window.tcplab.state.simId"));
			js("const s = document.getElementById('scenario-select'); s.value = arguments[0]; s.dispatchEvent(new Event('change'));",
					name);
			driver.findElement(By.id("scenario-run")).click();
			waitFor(() -> {
				Object done = js(
						"const st = window.tcplab.state; return st.scenario && st.scenario.name === arguments[0]"
								+ " && st.simId && st.simId !== arguments[1] && st.events.length > 0",
						name, before);
				return Boolean.TRUE.equals(done);
			});
			runs.add(String.valueOf(js("return window.tcplab.state.simId")));
		}
		assertThat(runs).doesNotHaveDuplicates();
		String current = runs.get(runs.size() - 1);
		// never refused: no request of the page was answered 429, no result line says so
		assertThat(js("return performance.getEntriesByType('resource').filter((e) => e.responseStatus === 429).length"))
			.isEqualTo(0L);
		assertThat((List<?>) js("return window.tcplab.state.results.filter((r) => r.errno).map((r) => r.text)"))
			.isEmpty();
		// the page let go of the runs it left (deleted 10 s after it left each): what
		// remains is the one shown
		List<?> left = List.of();
		for (long end = System.nanoTime() + Duration.ofSeconds(60).toNanos(); System.nanoTime() < end;) {
			left = (List<?>) js(mine());
			if (left.size() <= 1) {
				break;
			}
			Visitor.sleep(1000);
		}
		assertThat(left).as("what the reader still holds").hasSize(1);
		assertThat(String.valueOf(left.get(0))).startsWith(current + " scenario");

		js("document.getElementById('mine-panel').open = true");
		waitFor(() -> !driver.findElements(By.cssSelector("#mine-list .mine-item.here")).isEmpty());
		assertThat(driver.findElement(By.cssSelector("#mine-list .mine-item.here")).getAttribute("data-id"))
			.isEqualTo(current);
		assertThat(driver.findElement(By.cssSelector("#mine-list .mine-item.here .mine-title")).getText())
			.startsWith("scenario");
		List<String> found = new ArrayList<>();
		axe(found, "My simulations open (1280)");
		resize(390, 844);
		js("window.scrollTo(0, 0)");
		settle();
		screenshot("my-simulations-390");
		axe(found, "My simulations open (390)");
		resize(1280, 800);
		screenshot("my-simulations-1280");
		// deleting the one shown: it is gone on the server and the page starts a fresh
		// simulation
		driver.findElement(By.cssSelector("#mine-list .mine-item.here .mine-delete")).click();
		waitFor(() -> {
			Object now = js("return window.tcplab.state.simId");
			return now != null && !current.equals(now)
					&& !Boolean.TRUE.equals(js("return !!window.tcplab.state.scenario"));
		});
		assertThat(js(status("/api/simulations/" + current))).isEqualTo(404L);
		waitFor(() -> driver.findElements(By.cssSelector("#mine-list .mine-item[data-id='" + current + "']"))
			.isEmpty());
		assertThat(found).isEmpty();
	}

	@Test
	void shouldOpenAKernelCaptureShowAConnectionOnTheLadderWithItsDiagnosticAndReplayIt() throws IOException {
		driver.get(url("/?lang=en"));
		waitFor(() -> js("return window.tcplab && window.tcplab.state.simId") != null);
		// the file picker's input, given the file as a reader's choice gives it
		js("""
				const bin = atob(arguments[0]); const u = new Uint8Array(bin.length);
				for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
				const dt = new DataTransfer(); dt.items.add(new File([u], arguments[1]));
				const input = document.getElementById('capture-file'); input.files = dt.files;
				input.dispatchEvent(new Event('change', { bubbles: true }));""",
				Base64.getEncoder().encodeToString(Files.readAllBytes(CAPTURE)), CAPTURE.getFileName().toString());
		waitFor(() -> !driver.findElements(By.cssSelector("#capture-list button.cap-row")).isEmpty());
		assertThat(driver.findElement(By.id("capture-summary")).getText()).contains("8 TCP packets");
		driver.findElement(By.cssSelector("#capture-list button.cap-row[data-id='1']")).click();
		waitFor(() -> Boolean.TRUE.equals(js("const st = window.tcplab.state; return !!(st.sim && st.sim.capture)"
				+ " && document.querySelectorAll('#ladder g.seg').length >= 8")));
		settle();
		// the ladder: every captured segment, the lost first FIN drawn lost; the states
		// the inference gave
		assertThat(driver.findElements(By.cssSelector("#ladder g.seg"))).hasSizeGreaterThanOrEqualTo(8);
		assertThat(driver.findElement(By.id("ladder")).getText()).contains("lost").contains("TIME_WAIT");
		assertThat(driver.findElement(By.cssSelector("figure.diagram[data-side='client'] .d-current")).getText())
			.contains("TIME_WAIT");
		// the diagnostic, in the page's language, as the connection's narration
		String diagnostic = driver.findElement(By.cssSelector("#capture-diagnostics li[data-code='FIN_RETRANSMITTED']"))
			.getText();
		assertThat(diagnostic).contains("FIN").contains("packets 4, 5");
		String captureId = String.valueOf(js("return window.tcplab.state.capture.doc.id"));
		assertThat(driver.getCurrentUrl()).contains("capture=" + captureId).contains("conn=1");
		List<String> found = new ArrayList<>();
		js("document.getElementById('capture-panel').scrollIntoView()");
		screenshot("capture-connection-1280");
		axe(found, "capture connection (1280)");
		resize(390, 844);
		js("document.getElementById('capture-panel').scrollIntoView()");
		settle();
		screenshot("capture-connection-390");
		axe(found, "capture connection (390)");
		resize(1280, 800);

		// Korean: the diagnostic's own Korean text
		driver.findElement(By.id("lang-toggle")).click();
		waitFor(() -> driver.findElement(By.cssSelector("#capture-diagnostics li[data-code='FIN_RETRANSMITTED']"))
			.getText()
			.contains("패킷"));
		driver.findElement(By.id("lang-toggle")).click();

		// replay: a simulation of the lab, made here (listed as a replay), on the ladder
		driver.findElement(By.id("capture-replay")).click();
		waitFor(() -> Boolean.TRUE.equals(js("const st = window.tcplab.state; return !!st.simId && !st.sim.capture"
				+ " && document.querySelectorAll('#ladder g.seg').length > 0")));
		String replay = String.valueOf(js("return window.tcplab.state.simId"));
		waitFor(() -> driver.findElement(By.id("capture-replay-status")).getText().startsWith("Replayed:"));
		assertThat(js(
				"return fetch('/api/simulations?mine=true').then((r) => r.json())"
						+ ".then((m) => m.simulations.filter((s) => s.id === arguments[0]).map((s) => s.kind))",
				replay))
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("replay");

		// the deep link opens the capture with that connection on the stage, and no
		// simulation of its own
		driver.get(url("/?lang=en&capture=" + captureId + "&conn=1"));
		waitFor(() -> Boolean.TRUE.equals(js("const st = window.tcplab && window.tcplab.state; return !!(st && st.sim"
				+ " && st.sim.capture && st.sim.capture.connection === 1) && document.querySelectorAll('#ladder g.seg').length >= 8")));
		assertThat(js("return window.tcplab.state.simId")).isNull();
		assertThat(driver.findElement(By.cssSelector("#capture-list button.cap-row[data-id='1']"))
			.getAttribute("aria-pressed")).isEqualTo("true");
		assertThat(found).isEmpty();
	}

	// ------------------------------------------------------------------ helpers

	/** The reader's own list as lines "id kind label inMemory viewers". */
	private static String mine() {
		return "return fetch('/api/simulations?mine=true').then((r) => r.json())"
				+ ".then((m) => m.simulations.map((s) => [s.id, s.kind, s.label, s.inMemory, s.viewers].join(' ')))";
	}

	private static String status(String path) {
		return "return fetch('" + path + "').then((r) => r.status)";
	}

}
