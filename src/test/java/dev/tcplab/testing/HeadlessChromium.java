package dev.tcplab.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The browser of the UI tests: Debian's headless Chromium driven by its chromedriver,
 * with the page's console kept for {@link #consoleErrors} and axe-core at hand for
 * {@link #axeViolations}. Missing locally, the tests report a skip; under {@code CI=true}
 * they fail.
 */
public final class HeadlessChromium {

	public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	/** Where the UI tests write their screenshots. */
	public static final Path SCREENSHOTS = Path.of("target", "screenshots");

	/**
	 * axe-core's browser build, committed with its licence (frontend/package.json pins
	 * the version; frontend/test/axe.test.js checks the copy).
	 */
	private static final String AXE = "/axe-core/axe.min.js";

	private static String axeSource;

	private HeadlessChromium() {
	}

	/**
	 * Starts a headless Chromium with the given window size (e.g. {@code "1280,800"}).
	 * @throws IllegalStateException under CI when the browser is missing
	 */
	public static WebDriver start(String windowSize) throws IOException {
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
				"--lang=en-US", "--window-size=" + windowSize);
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability("goog:loggingPrefs", logs);
		WebDriver driver = new ChromeDriver(options);
		Files.createDirectories(SCREENSHOTS);
		return driver;
	}

	/**
	 * Makes the page's viewport itself width × height (the window's frame takes some
	 * room).
	 */
	public static void resize(WebDriver driver, int width, int height) {
		driver.manage().window().setSize(new org.openqa.selenium.Dimension(width, height));
		List<?> inner = (List<?>) ((JavascriptExecutor) driver).executeScript("return [innerWidth, innerHeight]");
		int dw = width - ((Number) inner.get(0)).intValue();
		int dh = height - ((Number) inner.get(1)).intValue();
		if (dw != 0 || dh != 0) {
			driver.manage().window().setSize(new org.openqa.selenium.Dimension(width + dw, height + dh));
		}
	}

	/** Waits two animation frames: the views have drawn and scrolled. */
	public static void settle(WebDriver driver) {
		((JavascriptExecutor) driver).executeAsyncScript(
				"const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(1)));");
	}

	/** Runs {@code script} in the page and answers what it returns. */
	public static Object js(WebDriver driver, String script, Object... args) {
		return ((JavascriptExecutor) driver).executeScript(script, args);
	}

	/**
	 * Waits up to {@code timeout} for {@code condition}, asking again when the page
	 * replaced an element it reads.
	 */
	public static void waitFor(WebDriver driver, java.time.Duration timeout,
			java.util.function.BooleanSupplier condition) {
		new org.openqa.selenium.support.ui.WebDriverWait(driver, timeout)
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until(d -> condition.getAsBoolean());
	}

	/** Quits the browser if there is one; returns null for the caller's field. */
	public static WebDriver stop(WebDriver driver) {
		if (driver != null) {
			driver.quit();
		}
		return null;
	}

	/**
	 * The console errors the page logged since the last call (a Content-Security-Policy
	 * violation is one), as "level message" lines.
	 */
	public static List<String> consoleErrors(WebDriver driver) {
		return driver.manage()
			.logs()
			.get(LogType.BROWSER)
			.getAll()
			.stream()
			.filter((e) -> e.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::getMessage)
			.toList();
	}

	/**
	 * Runs axe-core on the page as it is and returns its critical and serious violations:
	 * {id, impact, help, nodes: ["selector: summary", ...]}.
	 */
	@SuppressWarnings("unchecked")
	public static List<Map<String, Object>> axeViolations(WebDriver driver) {
		JavascriptExecutor js = (JavascriptExecutor) driver;
		if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object'"))) {
			js.executeScript(axeSource());
		}
		Object result = js.executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				axe.run(document, { resultTypes: ['violations'] })
				  .then((r) => done(r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious')
				    .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
				      nodes: v.nodes.slice(0, 6).map((n) => n.target.join(' ') + ': ' + (n.failureSummary || '')) }))))
				  .catch((e) => done([{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));""");
		return (List<Map<String, Object>>) result;
	}

	private static synchronized String axeSource() {
		if (axeSource == null) {
			try (InputStream in = HeadlessChromium.class.getResourceAsStream(AXE)) {
				if (in == null) {
					throw new IllegalStateException(AXE + " is not on the test classpath (src/test/resources)");
				}
				axeSource = new String(in.readAllBytes(), StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return axeSource;
	}

}
