package dev.tcplab.packetdrill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import dev.tcplab.testing.HeadlessChromium;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The packetdrill panel in headless Chromium (issue 15, UI): the example script runs,
 * opens as a simulation with its ladder, every line gets a verdict; a wrong line is
 * highlighted with expected vs actual. Skipped without a browser locally, a failure under
 * {@code CI=true} (as {@code BrowserUiTests}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "tcplab.budget.max-simulations-per-client=1000")
class PacketdrillUiTests {

	private static WebDriver driver;

	@LocalServerPort
	int port;

	@BeforeAll
	static void startBrowser() throws IOException {
		driver = HeadlessChromium.start("1280,1600");
	}

	@AfterAll
	static void stopBrowser() {
		driver = HeadlessChromium.stop(driver);
	}

	private void waitFor(java.util.function.BooleanSupplier condition) {
		new WebDriverWait(driver, Duration.ofSeconds(20))
			.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
			.until(d -> condition.getAsBoolean());
	}

	private void run(String script) {
		WebElement area = driver.findElement(By.id("pd-script"));
		((JavascriptExecutor) driver).executeScript(
				"document.getElementById('pd-run-details').open = true; arguments[0].value = arguments[1];", area,
				script);
		WebElement button = driver.findElement(By.id("pd-run"));
		((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block:'center'})", button);
		button.click();
	}

	@Test
	void shouldExampleRunsAsASimulationAndAWrongLineShowsExpectedAndActual() throws IOException {
		driver.get("http://localhost:" + port + "/?lang=en");
		waitFor(() -> !driver.findElements(By.id("pd-script")).isEmpty());
		String example = driver.findElement(By.id("pd-script")).getAttribute("value");
		String firstSim = String.valueOf(((JavascriptExecutor) driver).executeScript("return location.search"));
		run(example);
		waitFor(() -> driver.findElement(By.id("pd-status")).getText().startsWith("passed"));
		waitFor(() -> !String.valueOf(((JavascriptExecutor) driver).executeScript("return location.search"))
			.equals(firstSim));
		waitFor(() -> driver.findElements(By.cssSelector("#ladder g.seg")).size() >= 6);
		assertThat(driver.findElements(By.cssSelector("#pd-lines li .st-ok")).size()).isGreaterThanOrEqualTo(14);
		((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE)
			.renameTo(Path.of("target", "screenshots", "packetdrill-pass.png").toFile());

		run(example.replace("> F. 1:1(0) ack 2", "> F. 1:1(0) ack 7"));
		waitFor(() -> !driver.findElements(By.cssSelector("#pd-lines li.failed")).isEmpty());
		WebElement failed = driver.findElement(By.cssSelector("#pd-lines li.failed"));
		assertThat(failed.getText().replaceAll("\\s+", " ")).contains("expected: F. 1:1(0) ack 7")
			.contains("actual: F. 1:1(0) ack 2");
		assertThat(driver.findElement(By.id("pd-status")).getText()).startsWith("failed at line");
		byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
		Files.write(Path.of("target", "screenshots", "packetdrill-fail.png"), png);
	}

}
