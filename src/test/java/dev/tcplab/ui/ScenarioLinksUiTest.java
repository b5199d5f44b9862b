package dev.tcplab.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.tcplab.simulation.SimulationRegistry;
import dev.tcplab.testing.BrowserTest;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * Issue 20, "a reader is locked out after about 19 scenarios": one visitor (one browser,
 * one address) opens 40 scenario links in a row with the shipped limits (20 simulations
 * per client, no raised cap), and every page, the last one included, renders its own
 * scenario with no refusal on screen.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ScenarioLinksUiTest extends BrowserTest {

	static final int LINKS = 40;

	@Autowired
	SimulationRegistry registry;

	List<String> scenarioNames() throws Exception {
		HttpResponse<String> r = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create(url("/api/scenarios"))).build(),
					HttpResponse.BodyHandlers.ofString());
		List<String> names = new ArrayList<>();
		for (JsonNode s : JsonMapper.builder().build().readTree(r.body())) {
			names.add(s.get("name").asString());
		}
		return names;
	}

	@Test
	void shouldRenderTheFortiethScenarioLinkOneVisitorOpensInARow() throws Exception {
		List<String> names = scenarioNames();
		assertThat(names).hasSizeGreaterThanOrEqualTo(19);
		String last = null;
		for (int i = 0; i < LINKS; i++) {
			String name = names.get(i % names.size());
			driver.get(url("/?scenario=" + name + "&lang=en"));
			new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> name.equals(
					js("return window.tcplab && window.tcplab.state.scenario && window.tcplab.state.scenario.narration"
							+ " && window.tcplab.state.scenario.narration.length ? window.tcplab.state.scenario.name : null")));
			Object message = js("return window.tcplab.state.message || ''");
			assertThat(String.valueOf(message)).as("link %d (%s): no refusal on screen", i + 1, name)
				.doesNotContain("429")
				.doesNotContainIgnoringCase("limit");
			last = name;
		}
		assertThat(driver.findElement(By.id("narration-step-title")).isDisplayed()).isTrue();
		assertThat(js("return window.tcplab.state.scenario.name")).isEqualTo(last);
		assertThat(driver.findElements(By.cssSelector("#ladder g.seg"))).isNotEmpty();
		screenshot("fortieth-scenario-link");
		System.out.println("scenario links: " + LINKS + " opened by one visitor, " + this.registry.size()
				+ " simulations in memory at the end");
	}

}
