package dev.tcplab.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chromium.ChromiumDriver;

import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What every browser test class shares: one headless Chromium for the class (started
 * before its first test at 1280×800, quit after its last), the application's address, and
 * the helpers the tests speak in ({@link #js}, {@link #waitFor}, {@link #screenshot},
 * {@link #newVisitor}, {@link #axe}). A subclass declares its own {@code @SpringBootTest}
 * (or {@link ServerTest}); the JUnit classes run one at a time, so the one static driver
 * is the running class's.
 */
public abstract class BrowserTest {

	/** The running class's browser. */
	protected static WebDriver driver;

	@LocalServerPort
	protected int port;

	private final Duration wait;

	private final Path screenshots;

	/** Waits up to 20 s; screenshots go to {@code target/screenshots/}. */
	protected BrowserTest() {
		this(Duration.ofSeconds(20), HeadlessChromium.SCREENSHOTS);
	}

	/**
	 * @param wait how long {@link #waitFor} waits
	 * @param screenshots where {@link #screenshot} writes
	 */
	protected BrowserTest(Duration wait, Path screenshots) {
		this.wait = wait;
		this.screenshots = screenshots;
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		driver = HeadlessChromium.start("1280,800");
	}

	@AfterAll
	static void stopBrowser() {
		driver = HeadlessChromium.stop(driver);
	}

	/** The application's address for {@code path} (which starts with a slash). */
	protected String url(String path) {
		return "http://localhost:" + this.port + path;
	}

	protected Object js(String script, Object... args) {
		return HeadlessChromium.js(driver, script, args);
	}

	protected void waitFor(BooleanSupplier condition) {
		HeadlessChromium.waitFor(driver, this.wait, condition);
	}

	/** Two animation frames: the views have drawn and scrolled. */
	protected void settle() {
		HeadlessChromium.settle(driver);
	}

	/** Makes the page's viewport itself width × height. */
	protected void resize(int width, int height) {
		HeadlessChromium.resize(driver, width, height);
	}

	/** Saves the page as {@code name.png} in this class's screenshot folder. */
	protected void screenshot(String name) throws IOException {
		Files.createDirectories(this.screenshots);
		Files.write(this.screenshots.resolve(name + ".png"),
				((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
	}

	/**
	 * Becomes a new visitor: leaves the page (which sends its deferred deletes with the
	 * last visitor's cookie), forgets every cookie, so the next page gets a fresh owner,
	 * and drops the console errors logged so far.
	 */
	protected void newVisitor() {
		driver.get("about:blank");
		Visitor.sleep(300);
		((ChromiumDriver) driver).executeCdpCommand("Network.clearBrowserCookies", Map.of());
		HeadlessChromium.consoleErrors(driver);
	}

	/**
	 * Adds to {@code found} the critical and serious axe-core violations and the console
	 * errors of the page as it is, each prefixed with {@code view}.
	 */
	protected void axe(List<String> found, String view) {
		settle();
		for (Map<String, Object> v : HeadlessChromium.axeViolations(driver)) {
			found.add(view + ": " + v.get("impact") + " " + v.get("id") + " (" + v.get("help") + ") " + v.get("nodes"));
		}
		for (String e : HeadlessChromium.consoleErrors(driver)) {
			found.add(view + ": console error " + e);
		}
	}

}
