package dev.tcplab.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.tcplab.testing.ServerTest;

import org.springframework.boot.test.web.server.LocalServerPort;

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
class BrowserUiTests {

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final Pattern HANGUL = Pattern.compile("[\\uAC00-\\uD7A3]");

	private static WebDriver driver;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBrowser() throws IOException {
		boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
		if (!present && "true".equals(System.getenv("CI"))) {
			throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER
					+ " is missing: install the Debian packages chromium and chromium-driver (.ci/run does)");
		}
		Assumptions.assumeTrue(present, "no Chromium/chromedriver on this machine: browser tests skipped");
		System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toString());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
				"--lang=en-US", "--window-size=1280,800");
		driver = new ChromeDriver(options);
		Files.createDirectories(SCREENSHOTS);
	}

	@AfterAll
	static void stopBrowser() {
		if (driver != null) {
			driver.quit();
			driver = null;
		}
	}

	@BeforeEach
	void desktopSize() {
		driver.manage().window().setSize(new Dimension(1280, 800));
	}

	@AfterEach
	void forgetLanguage() {
		((JavascriptExecutor) driver).executeScript("try { localStorage.clear(); } catch (e) {}");
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
		// the server retransmits its FIN; once the client's ACK of it arrives the server
		// is CLOSED
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

		// "replay slowly" starts from the first event and reveals the run one event at a
		// time
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

	// ------------------------------------------------------------------ helpers

	private void open(String path) {
		driver.get("http://localhost:" + this.port + path);
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

	private void waitFor(java.util.function.BooleanSupplier condition) {
		new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until(d -> condition.getAsBoolean());
	}

	private void scrollTo(String id) {
		((JavascriptExecutor) driver).executeScript("document.getElementById(arguments[0]).scrollIntoView()", id);
	}

	private static String last(List<String> list) {
		return list.get(list.size() - 1);
	}

	private static void screenshot(String name) throws IOException {
		byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
		Files.write(SCREENSHOTS.resolve(name + ".png"), png);
	}

}
