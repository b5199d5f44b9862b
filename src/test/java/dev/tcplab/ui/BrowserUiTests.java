package dev.tcplab.ui;

import java.io.IOException;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.tcplab.testing.BrowserTest;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import dev.tcplab.testing.ServerTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The browser UI end to end: the real service on a random port, the page in Debian's
 * headless Chromium. Each test follows one thing a first-time visitor does and saves a
 * screenshot under {@code target/screenshots/}.
 * <p>
 * Without a browser the tests are skipped locally; under {@code CI=true} a missing
 * browser fails them.
 */
@ServerTest
class BrowserUiTests extends BrowserTest {

	private static final Pattern HANGUL = Pattern.compile("[\\uAC00-\\uD7A3]");

	@BeforeEach
	void desktopSize() {
		driver.manage().window().setSize(new Dimension(1280, 800));
	}

	@AfterEach
	void forgetLanguage() {
		js("try { localStorage.clear(); } catch (e) {}");
	}

	@Test
	void shouldShowTheArticlesStateSequenceOnBothLinesForANormalClose() throws IOException {
		open("/?lang=en");
		waitForLadderState("client", "ESTABLISHED");
		waitForLadderState("server", "ESTABLISHED");

		click("client", "close");
		waitForLadderState("client", "FIN_WAIT_2");
		waitForLadderState("server", "CLOSE_WAIT");
		click("server", "recv");
		waitFor(() -> ladderCalls("server").stream().anyMatch(c -> c.startsWith("recv() = 0")));
		click("server", "close");
		waitForLadderState("client", "TIME_WAIT");
		waitForLadderState("server", "CLOSED");
		screenshot("normal-close-time-wait");
		assertThat(driver.findElement(By.cssSelector("#timers")).getText()).contains("TIME_WAIT");

		driver.findElement(By.id("run-idle")).click();
		waitFor(() -> ladderStates("client").size() >= 2 && last(ladderStates("client")).equals("CLOSED"));

		assertThat(ladderStates("client")).containsSubsequence("FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED");
		assertThat(ladderStates("server")).containsSubsequence("CLOSE_WAIT", "LAST_ACK", "CLOSED");
		assertThat(driver.findElement(By.cssSelector("figure[data-side=client] .d-current")).getText())
			.isEqualTo("Current state: CLOSED");
		assertThat(driver.findElement(By.cssSelector("figure[data-side=client] .d-last")).getText())
			.contains("TIME_WAIT → CLOSED");
		assertThat(driver.findElement(By.cssSelector("figure[data-side=client] .node-current")).getText())
			.isEqualTo("● CLOSED");
		assertThat(ladderCalls("client")).contains("close() = 0");
		screenshot("normal-close");

		driver.manage().window().setSize(new Dimension(390, 844));
		// the ladder is laid out again for the phone's
		// width (compact labels, no scaling down)
		waitFor(() -> ((Number) js("return document.getElementById('ladder').viewBox.baseVal.width")).intValue() < 500);
		waitFor(() -> ladderStates("client").contains("TIME_WAIT"));
		scrollTo("ladder-panel");
		screenshot("normal-close-phone");
	}

	@Test
	void shouldShowACrossAndTheRetransmittedFinWhenTheLastAckIsLost() throws IOException {
		open("/?lang=en");
		waitForLadderState("client", "ESTABLISHED");
		new Select(driver.findElement(By.id("client-segment"))).selectByValue("ACK");
		click("client", "lose");
		click("client", "close");
		waitForLadderState("client", "FIN_WAIT_2");
		click("server", "recv");
		click("server", "close");
		// the server retransmits its FIN; once the
		// client's ACK of it arrives the server is CLOSED
		waitForLadderState("server", "CLOSED");
		waitFor(() -> {
			List<WebElement> dropped = driver.findElements(By.cssSelector("#ladder g.seg-dropped"));
			return dropped.size() == 1 && dropped.get(0).getText().contains("✕")
					&& dropped.get(0).getText().contains("ACK")
					&& dropped.get(0).findElements(By.cssSelector("path.cross")).size() == 1;
		});
		waitFor(() -> driver.findElements(By.cssSelector("#ladder g.seg.tag-retransmission"))
			.stream()
			.anyMatch(g -> g.getText().contains("FIN") && g.getText().contains("retransmission")));

		// focusing an ACK highlights the segment it acknowledges and shows the raw fields
		Object answering = ((JavascriptExecutor) driver)
			.executeScript("const e = window.tcplab.state.events.filter(x => x.type === 'segment' && x.answers != null"
					+ " && x.pair === window.tcplab.state.pairId); return e.length ? e[e.length - 1].id : null;");
		assertThat(answering).as("some segment of the pair acknowledges another").isNotNull();
		waitFor(() -> {
			WebElement ack = driver.findElement(By.cssSelector("#ladder g.seg[data-id='" + answering + "']"));
			((JavascriptExecutor) driver).executeScript("arguments[0].focus()", ack);
			return !driver.findElements(By.cssSelector("#ladder g.seg.answered")).isEmpty();
		});
		assertThat(driver.findElement(By.id("seg-fields")).getText()).contains("seq (raw)").contains("answers");
		screenshot("lost-last-ack");
	}

	@Test
	void shouldSwitchTheNarrationWithTheKoreanToggle() throws IOException {
		open("/?lang=en");
		waitFor(() -> !new Select(driver.findElement(By.id("scenario-select"))).getOptions().isEmpty());
		driver.findElement(By.id("scenario-run")).click();
		waitFor(() -> driver.findElement(By.id("narration")).isDisplayed()
				&& !driver.findElement(By.id("narration-text")).getText().isBlank());
		String english = driver.findElement(By.id("narration-text")).getText();
		assertThat(HANGUL.matcher(english).find()).as("English narration: %s", english).isFalse();

		driver.findElement(By.id("narration-lang")).click();
		waitFor(() -> HANGUL.matcher(driver.findElement(By.id("narration-text")).getText()).find());
		String korean = driver.findElement(By.id("narration-text")).getText();
		assertThat(korean).isNotEqualTo(english);
		assertThat(driver.findElement(By.id("step-next")).getText()).isEqualTo("다음 단계 ▶");
		assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("ko");

		String step1 = driver.findElement(By.id("narration-step")).getText();
		driver.findElement(By.id("step-next")).click();
		waitFor(() -> !driver.findElement(By.id("narration-step")).getText().equals(step1));
		screenshot("scenario-korean");

		driver.findElement(By.id("narration-lang")).click();
		waitFor(() -> !HANGUL.matcher(driver.findElement(By.id("narration-text")).getText()).find());

		// "replay slowly" starts from the first event
		// and reveals the run one event at a time
		int all = driver.findElements(By.cssSelector("#ladder g.seg")).size();
		driver.findElement(By.id("replay")).click();
		assertThat(driver.findElement(By.id("replay")).getText()).isEqualTo("Stop replay");
		waitFor(() -> driver.findElements(By.cssSelector("#ladder g.seg")).size() < all);
		int early = driver.findElements(By.cssSelector("#ladder g.seg")).size();
		waitFor(() -> driver.findElements(By.cssSelector("#ladder g.seg")).size() > early);
		driver.findElement(By.id("replay")).click();
		assertThat(driver.findElement(By.id("replay")).getText()).isEqualTo("Replay slowly");
	}

	@Test
	void shouldShowTheDiagramsWithoutChromeInEmbedMode() throws IOException {
		open("/?embed=1&lang=en");
		waitForLadderState("client", "ESTABLISHED");
		assertThat(driver.findElement(By.id("ladder")).isDisplayed()).isTrue();
		assertThat(driver.findElement(By.id("states-panel")).isDisplayed()).isTrue();
		assertThat(driver.findElement(By.cssSelector("header.top")).isDisplayed()).isFalse();
		assertThat(driver.findElement(By.id("controls-panel")).isDisplayed()).isFalse();
		assertThat(driver.findElement(By.id("export-panel")).isDisplayed()).isFalse();
		assertThat(driver.findElement(By.id("packetdrill-panel")).isDisplayed()).as("no packetdrill panel in an embed")
			.isFalse();
		assertThat(driver.findElement(By.id("embed-open")).isDisplayed()).isTrue();
		assertThat(driver.findElement(By.id("embed-open")).getAttribute("href")).contains("sim=")
			.doesNotContain("embed=1");
		screenshot("embed");
	}

	@Test
	void shouldShowTheErrnoOfAnIllegalCallLikeASocketWould() throws IOException {
		open("/?lang=en");
		waitForLadderState("client", "ESTABLISHED");
		new Select(driver.findElement(By.id("client-how"))).selectByValue("SHUT_WR");
		click("client", "shutdown");
		waitForLadderState("client", "FIN_WAIT_1");
		click("client", "send");
		waitFor(() -> driver.findElement(By.id("results")).getText().contains("EPIPE"));
		assertThat(driver.findElement(By.cssSelector("#results li.errno")).getText()).contains("send(100)")
			.contains("EPIPE");
		assertThat(driver.getCurrentUrl()).contains("sim=");
		assertThat(driver.findElement(By.id("snippet")).getAttribute("value")).contains("\"how\":\"SHUT_WR\"");
		screenshot("errno");
	}

	// ------------------------------------------------------------------ what a tutorial
	// reader sees (issue 13)

	@Test
	void shouldNotOverlapAnyTwoLadderLabelsAtBothWidths() throws IOException {
		String[][] cases = { { "simultaneous-close", "2" }, { "linger-default", "2" }, { "old-duplicate", "all" },
				{ "lost-last-ack", "all" }, { "linger-timeout", "all" } };
		for (int[] size : new int[][] { { 1280, 800 }, { 390, 844 } }) {
			driver.manage().window().setSize(new Dimension(size[0], size[1]));
			for (String[] c : cases) {
				open("/?lang=en&scenario=" + c[0] + "&step=" + c[1]);
				waitFor(() -> ((Number) js("return window.tcplab.state.scenario ? 1 : 0")).intValue() == 1);
				List<?> overlaps = (List<?>) js(LadderScripts.LABEL_OVERLAPS);
				assertThat(overlaps).as("%s step %s at %d px", c[0], c[1], size[0]).isEmpty();
				List<?> wider = (List<?>) js("""
						const svg = document.getElementById('ladder').getBoundingClientRect();
						return [...document.querySelectorAll('#ladder text')].filter((t) => {
							const r = t.getBoundingClientRect();
							return r.width > 0 && (r.left < svg.left - 1 || r.right > svg.right + 1);
						}).map((t) => t.textContent);""");
				assertThat(wider).as("texts cut at the edges: %s at %d px", c[0], size[0]).isEmpty();
				if (c[0].equals("old-duplicate")) {
					// "all pairs": the diagrams show the pair the story is about, never
					// "No transition yet"
					assertThat(new Select(driver.findElement(By.id("pair-select"))).getFirstSelectedOption()
						.getAttribute("value")).isEqualTo("all");
					assertThat(driver.findElement(By.cssSelector("figure[data-side=client] .d-current")).getText())
						.startsWith("Current state:");
					assertThat(driver.findElement(By.cssSelector("figure[data-side=server] .d-last")).getText())
						.doesNotContain("No transition yet");
				}
				if (!c[0].startsWith("linger-t")) {
					screenshot(c[0] + "-" + c[1] + "-" + size[0]);
				}
			}
		}
		// the lesson is in the whole call, never in "…"
		open("/?lang=en&scenario=linger-default&step=all");
		assertThat(String.join(" | ", ladderCalls("client")) + String.join(" | ", ladderCalls("server")))
			.doesNotContain("(…)");
	}

	@Test
	void shouldDrawTimeWaitAsABarOfItsTrueLengthAndShowARestart() throws IOException {
		open("/?lang=en&scenario=active-close&step=all");
		WebElement tw = driver.findElement(By.cssSelector("#ladder g.bar-TIME_WAIT"));
		assertThat(tw.getAttribute("data-length-ms")).isEqualTo("60000");
		assertThat(tw.getText()).contains("lasted 60 s");
		int barHeight = tw.findElement(By.cssSelector("rect.bar-rect")).getRect().getHeight();
		assertThat(barHeight).as("the 60 s are compressed, not drawn to scale").isBetween(20, 400);
		assertThat(driver.findElements(By.cssSelector("#ladder g.bar-CLOSE_WAIT, #ladder g.bar-FIN_WAIT_2")))
			.hasSize(2);

		open("/?lang=en&scenario=lost-last-ack&step=4");
		WebElement running = driver.findElement(By.cssSelector("#ladder g.bar-TIME_WAIT"));
		assertThat(running.getAttribute("class")).contains("bar-ongoing");
		assertThat(running.getAttribute("data-length-ms")).isEqualTo("60000");
		assertThat(running.getText()).contains("2MSL = 60 s").containsPattern("5\\d(\\.\\d+)? s left");
		assertThat(driver.findElements(By.cssSelector("#ladder g.bar-TIME_WAIT line.bar-restart-mark"))).hasSize(1);
		assertThat(driver.findElement(By.cssSelector("#ladder g.bar-marker")).getText()).contains("2MSL restarted");

		open("/?lang=en&scenario=linger-timeout&step=all");
		assertThat(driver.findElements(By.cssSelector("#ladder g.bar-LINGER"))).isNotEmpty();
	}

	@Test
	void shouldBranchANewSimulationFromAStepWithTheControls() throws IOException {
		open("/?lang=en&scenario=active-close&step=2");
		String scenarioSim = (String) js("return window.tcplab.state.simId");
		assertThat(driver.findElement(By.id("branch-hint")).isDisplayed()).isTrue();
		click("server", "recv");
		waitFor(() -> driver.findElement(By.id("results")).getText().contains("branched from step 2"));
		waitFor(() -> driver.findElement(By.id("results")).getText().contains("recv() → 0"));
		assertThat(js("return window.tcplab.state.simId")).isNotEqualTo(scenarioSim);
		assertThat(driver.findElement(By.id("results")).getText()).doesNotContain("EBADF");
		Number last = (Number) js("const e = window.tcplab.state.events; return e[e.length - 1].timeMs");
		assertThat(last.doubleValue()).as("the clock continues from step 2, not from the end").isLessThan(5000);
		assertThat(driver.getCurrentUrl()).doesNotContain("step=").doesNotContain("scenario=");
	}

	@Test
	void shouldDrawTheBusyServersStoryTheCensusPeakAndTheFailingConnect() throws IOException {
		// step 1: the server's TIME_WAITs last 2MSL
		// (a states-only trace records no timers)
		driver.get(url("/?lang=en&scenario=busy-server-time-wait&step=1"));
		waitFor(() -> driver.findElement(By.id("census-chart")).isDisplayed());
		waitFor(() -> !driver.findElements(By.cssSelector("#ladder g.bar-TIME_WAIT")).isEmpty());
		assertThat(driver.findElement(By.cssSelector("#ladder g.bar-TIME_WAIT")).getText()).contains("2MSL = 60 s")
			.doesNotContain("waiting for the app");
		assertThat(driver.findElement(By.id("timers")).getText()).contains("state changes only")
			.doesNotContain("No timer running");
		// step 3: the census runs over the whole
		// run, TIME_WAIT at its peak, connect() fails
		driver.findElement(By.id("step-next")).click();
		driver.findElement(By.id("step-next")).click();
		waitFor(() -> driver.findElement(By.id("narration-step")).getText().startsWith("Step 3"));
		waitFor(() -> driver.findElement(By.id("census-chart")).getText().contains("EADDRNOTAVAIL"));
		String chart = driver.findElement(By.id("census-chart")).getText();
		assertThat(chart).contains("TIME_WAIT peak 300").contains("connect()").doesNotContain("LISTEN");
		assertThat(driver.findElement(By.id("census-chart")).getAttribute("aria-label"))
			.contains("TIME_WAIT peaks at 300")
			.contains("connect() fails with EADDRNOTAVAIL");
		// the ladder shows the connection the step ends with, and the failing connect()
		Number pair = (Number) js("return window.tcplab.state.pairId");
		assertThat(pair.intValue()).isEqualTo(500);
		assertThat(ladderCalls("client")).anyMatch((c) -> c.startsWith("connect(") && c.endsWith("= EADDRNOTAVAIL"));
		assertThat(driver.findElement(By.id("load-hint")).isDisplayed()).isTrue();
		int options = new Select(driver.findElement(By.id("pair-select"))).getOptions().size();
		assertThat(options).isBetween(2, 25);
		screenshot("busy-server");
	}

	@Test
	void shouldNotCarrySegmentDetailsIntoANewSimulation() {
		open("/?lang=en");
		WebElement seg = driver.findElement(By.cssSelector("#ladder g.seg"));
		js("arguments[0].focus()", seg);
		waitFor(() -> !driver.findElement(By.id("seg-fields")).getText().isBlank());
		Object before = js("return window.tcplab.state.simId");
		driver.findElement(By.id("new-sim")).click();
		waitFor(() -> !before.equals(js("return window.tcplab.state.simId"))
				&& !driver.findElements(By.cssSelector("#ladder g.seg")).isEmpty());
		waitFor(() -> driver.findElement(By.id("seg-fields")).getText().isBlank()
				&& driver.findElement(By.id("seg-hint")).isDisplayed());
		assertThat(driver.findElements(By.cssSelector("#ladder g.seg.focused"))).isEmpty();
	}

	@Test
	void shouldFollowNewEventsOnlyWhileTheReaderIsAtTheTail() {
		open("/?lang=en");
		waitForLadderState("server", "ESTABLISHED");
		String scroller = "document.querySelector('.ladder-scroll')";
		for (int i = 0; i < 14 && ((Number) js("const s = " + scroller + "; return s.scrollHeight - s.clientHeight"))
			.intValue() < 150; i++) {
			int before = driver.findElements(By.cssSelector("#ladder g.seg")).size();
			click("client", "send");
			waitFor(() -> driver.findElements(By.cssSelector("#ladder g.seg")).size() > before);
		}
		assertThat(((Number) js("const s = " + scroller + "; return s.scrollHeight - s.clientHeight")).intValue())
			.as("the ladder scrolls inside its box")
			.isGreaterThan(100);
		// a reader who scrolled up to read stays where they are
		js(scroller + ".scrollTop = 0");
		int before = driver.findElements(By.cssSelector("#ladder g.seg")).size();
		click("client", "send");
		waitFor(() -> driver.findElements(By.cssSelector("#ladder g.seg")).size() > before + 1);
		assertThat(((Number) js("return " + scroller + ".scrollTop")).intValue()).isZero();
		// at the tail, the ladder follows
		js("const s = " + scroller + "; s.scrollTop = s.scrollHeight");
		int more = driver.findElements(By.cssSelector("#ladder g.seg")).size();
		click("client", "send");
		waitFor(() -> driver.findElements(By.cssSelector("#ladder g.seg")).size() > more + 1);
		waitFor(() -> ((Number) js("const s = " + scroller + "; return s.scrollHeight - s.clientHeight - s.scrollTop"))
			.intValue() <= 2);
	}

	// ------------------------------------------------------------------ helpers

	private void open(String path) {
		driver.get(url(path));
		waitFor(() -> !driver.findElements(By.cssSelector("#ladder g.seg")).isEmpty());
	}

	private void click(String side, String action) {
		WebElement b = driver
			.findElement(By.cssSelector("button[data-action='" + action + "'][data-side='" + side + "']"));
		((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block:'center'})", b);
		b.click();
	}

	private List<String> ladderStates(String side) {
		return texts("#ladder g.state-change[data-side='" + side + "'] text.state-text");
	}

	private List<String> ladderCalls(String side) {
		return unstale(() -> driver.findElements(By.cssSelector("#ladder g.call[data-side='" + side + "']"))
			.stream()
			.map(g -> String
				.join(" ", g.findElements(By.cssSelector("text")).stream().map(WebElement::getText).toList())
				.replace("⚠ ", "")
				.replace("↳ ", "")
				.replaceAll("\\s+", " ")
				.trim())
			.toList());
	}

	private List<String> texts(String css) {
		return unstale(() -> driver.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList());
	}

	/**
	 * The page redraws the ladder as events stream in; a read that raced a redraw is
	 * simply repeated.
	 */
	private static <T> T unstale(java.util.function.Supplier<T> read) {
		for (int attempt = 1;; attempt++) {
			try {
				return read.get();
			}
			catch (org.openqa.selenium.StaleElementReferenceException ex) {
				if (attempt == 10) {
					throw ex;
				}
			}
		}
	}

	private void waitForLadderState(String side, String state) {
		waitFor(() -> ladderStates(side).contains(state));
	}

	private void scrollTo(String id) {
		((JavascriptExecutor) driver).executeScript("document.getElementById(arguments[0]).scrollIntoView()", id);
	}

	private static String last(List<String> list) {
		return list.get(list.size() - 1);
	}

}
