package dev.tcplab.packetdrill;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.tcplab.testing.BrowserTest;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The packetdrill panel in headless Chromium (issue 15, UI): the example script runs,
 * opens as a simulation with its ladder, every line gets a verdict; a wrong line is
 * highlighted with expected vs actual. Skipped without a browser locally, a failure under
 * {@code CI=true} (as {@code BrowserUiTests}).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "tcplab.budget.max-simulations-per-client=1000")
class PacketdrillUiTests extends BrowserTest {

	/** Tall enough for the script, its verdicts and the ladder at once. */
	@BeforeEach
	void tallWindow() {
		resize(1280, 1600);
	}

	private void run(String script) {
		WebElement area = driver.findElement(By.id("pd-script"));
		js("document.getElementById('pd-run-details').open = true; arguments[0].value = arguments[1];", area, script);
		WebElement button = driver.findElement(By.id("pd-run"));
		js("arguments[0].scrollIntoView({block:'center'})", button);
		button.click();
	}

	@Test
	void shouldExampleRunsAsASimulationAndAWrongLineShowsExpectedAndActual() throws IOException {
		driver.get(url("/?lang=en"));
		waitFor(() -> !driver.findElements(By.id("pd-script")).isEmpty());
		String example = driver.findElement(By.id("pd-script")).getAttribute("value");
		String firstSim = String.valueOf(js("return location.search"));
		run(example);
		waitFor(() -> driver.findElement(By.id("pd-status")).getText().startsWith("passed"));
		waitFor(() -> !String.valueOf(js("return location.search")).equals(firstSim));
		waitFor(() -> driver.findElements(By.cssSelector("#ladder g.seg")).size() >= 6);
		assertThat(driver.findElements(By.cssSelector("#pd-lines li .st-ok")).size()).isGreaterThanOrEqualTo(14);
		screenshot("packetdrill-pass");

		run(example.replace("> F. 1:1(0) ack 2", "> F. 1:1(0) ack 7"));
		waitFor(() -> !driver.findElements(By.cssSelector("#pd-lines li.failed")).isEmpty());
		WebElement failed = driver.findElement(By.cssSelector("#pd-lines li.failed"));
		assertThat(failed.getText().replaceAll("\\s+", " ")).contains("expected: F. 1:1(0) ack 7")
			.contains("actual: F. 1:1(0) ack 2");
		assertThat(driver.findElement(By.id("pd-status")).getText()).startsWith("failed at line");
		screenshot("packetdrill-fail");
	}

}
