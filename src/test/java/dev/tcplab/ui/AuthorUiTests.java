package dev.tcplab.ui;

import java.io.IOException;
import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.tcplab.testing.BrowserTest;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The authors' page parts of issue 17 in headless Chromium: deep links, the what-if
 * comparison, the "Write your own" editor with its share link, the embed snippet and the
 * ladder download. Same setup (and Spring context) as {@link BrowserUiTests}; screenshots
 * go to {@code target/screenshots/author-*.png}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuthorUiTests extends BrowserTest {

	@BeforeEach
	void desktopSize() {
		driver.manage().window().setSize(new Dimension(1280, 800));
	}

	@AfterEach
	void forgetLanguage() {
		js("try { localStorage.clear(); } catch (e) {}");
	}

	@Test
	void shouldOpenTheStepLanguageAndProfileOfADeepLinkAndLetTheUrlFollowTheReader() throws IOException {
		get("/?scenario=lost-last-ack&step=3&lang=ko&profile=bsd");
		waitFor(() -> Long.valueOf(2).equals(js("return window.tcplab?.state?.scenario?.step")));
		assertThat(js("return document.documentElement.lang")).isEqualTo("ko");
		assertThat(js("return window.tcplab.state.scenario.profile")).isEqualTo("bsd");
		assertThat(driver.findElement(By.id("narration-step")).getText()).contains("3");

		driver.findElement(By.id("step-next")).click();
		waitFor(() -> query().contains("step=4"));
		assertThat(query()).contains("scenario=lost-last-ack", "lang=ko", "profile=bsd");
		driver.findElement(By.id("lang-toggle")).click();
		waitFor(() -> query().contains("lang=en"));

		// "Embed this" gives an iframe of exactly this view, without the page chrome
		driver.findElement(By.id("embed-open-box")).click();
		String snippet = driver.findElement(By.id("embed-snippet")).getAttribute("value");
		assertThat(snippet).startsWith("<iframe src=\"http://localhost:" + this.port + "/?")
			.contains("scenario=lost-last-ack", "step=4", "profile=bsd", "embed=1")
			.doesNotContain("sim=")
			.containsPattern("height=\"\\d{3,4}\"");
		// the download is the ladder as shown, styles inlined, as standalone SVG
		String svg = (String) ((JavascriptExecutor) driver).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				import('/embed.js').then((m) => done(m.standaloneSvg([document.getElementById('ladder-head'),
				  document.getElementById('ladder')]).text));""");
		assertThat(svg).startsWith("<svg").contains("FIN_WAIT_2").contains("style=\"").doesNotContain("class=\"");

		String embedUrl = snippet.replaceAll("^<iframe src=\"([^\"]+)\".*$", "$1").replace("&amp;", "&");
		driver.get(embedUrl);
		waitFor(() -> Long.valueOf(3).equals(js("return window.tcplab?.state?.scenario?.step")));
		assertThat(driver.findElement(By.cssSelector("header.top")).isDisplayed()).isFalse();
		assertThat(driver.findElement(By.id("authors-tools")).isDisplayed()).isFalse();
		assertThat(driver.findElement(By.id("ladder")).isDisplayed()).isTrue();
		screenshot("author-embed");
	}

	@Test
	void shouldShowBothLaddersOnOneTimeAxisAndMarkTheMisdeliveredDataInTheComparison() throws IOException {
		get("/?scenario=old-duplicate&lang=en");
		waitFor(() -> "old-duplicate".equals(js("return window.tcplab?.state?.scenario?.name")));
		driver.findElement(By.cssSelector("button[data-compare='timewait']")).click();
		waitFor(() -> driver.findElements(By.cssSelector("#compare-panel .cmp-col svg")).size() == 2);
		assertThat(query()).contains("compare=timewait");
		List<WebElement> svgs = driver.findElements(By.cssSelector("#compare-panel .cmp-col svg"));
		assertThat(svgs.get(0).getAttribute("height")).as("one time axis: equal heights")
			.isEqualTo(svgs.get(1).getAttribute("height"));
		// the article's second reason: without TIME_WAIT the old duplicate's data is
		// accepted by the new connection
		assertThat(driver.findElements(By.cssSelector("#compare-differences tr[data-aspect='misdelivered']")))
			.hasSize(1);
		assertThat(driver.findElements(By.cssSelector(".cmp-col[data-label='no TIME_WAIT'] .cmp-misdelivered")))
			.isNotEmpty();
		assertThat(driver.findElements(By.cssSelector(".cmp-col[data-label='TIME_WAIT'] .cmp-misdelivered"))).isEmpty();
		assertThat(driver.findElements(By.cssSelector(".cmp-col[data-label='no TIME_WAIT'] svg .diff"))).isNotEmpty();
		// the comparison downloads as one picture, columns side by side
		Number width = (Number) ((JavascriptExecutor) driver).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				import('/embed.js').then((m) => done(m.standaloneSvg([...document.querySelectorAll('.cmp-col svg')],
				  { side: true }).width));""");
		assertThat(width.doubleValue()).isGreaterThan(2 * Double.parseDouble(svgs.get(0).getAttribute("width")));
		Number png = (Number) ((JavascriptExecutor) driver).executeAsyncScript("""
				const done = arguments[arguments.length - 1];
				import('/embed.js').then((m) => m.downloadPng([...document.querySelectorAll('.cmp-col svg')],
				  'compare.png', { side: true })).then((b) => done(b.size), (e) => done(-1));""");
		assertThat(png.intValue()).as("PNG bytes").isGreaterThan(5000);
		js("document.getElementById('compare-panel').scrollIntoView()");
		screenshot("author-compare");
		driver.manage().window().setSize(new Dimension(390, 844));
		js("document.getElementById('compare-panel').scrollIntoView()");
		screenshot("author-compare-phone");

		// the comparison is part of the link
		driver.manage().window().setSize(new Dimension(1280, 800));
		get("/?scenario=linger-timeout&compare=profiles&lang=en");
		waitFor(() -> driver.findElements(By.cssSelector("#compare-panel .cmp-col svg")).size() == 4);
		assertThat(driver.findElements(By.cssSelector("#compare-differences tr[data-aspect='calls']"))).hasSize(1);
	}

	@Test
	void shouldRunADocumentShowMistakesInPlaceAndShareALinkThatRunsItAgainInTheEditor() throws IOException {
		get("/?scenario=active-close&lang=en");
		waitFor(() -> "active-close".equals(js("return window.tcplab?.state?.scenario?.name")));
		driver.findElement(By.id("author-open")).click();
		WebElement editor = driver.findElement(By.id("author-doc"));
		waitFor(() -> editor.getAttribute("value").contains("\"steps\""));

		// a mistake: named by step and field, and selected in the text
		js("const e = document.getElementById('author-doc'); e.value = e.value.replace('\"close\": \"client\"', '\"close\": \"nobody\"');");
		driver.findElement(By.id("author-run")).click();
		waitFor(() -> !driver.findElements(By.cssSelector("#author-problems li")).isEmpty());
		WebElement problem = driver.findElement(By.cssSelector("#author-problems li"));
		assertThat(problem.getText()).contains("step 2").contains("close");
		assertThat(problem.getAttribute("data-step")).isEqualTo("2");
		assertThat(editor.getAttribute("aria-invalid")).isEqualTo("true");
		assertThat((String) js(
				"const e = document.getElementById('author-doc'); return e.value.slice(e.selectionStart, e.selectionEnd)"))
			.contains("nobody");
		screenshot("author-editor-problem");
		driver.manage().window().setSize(new Dimension(390, 844));
		js("document.getElementById('authors-tools').scrollIntoView()");
		screenshot("author-editor-phone");
		driver.manage().window().setSize(new Dimension(1280, 800));

		// fixed and retitled: it runs, and the share link carries the document
		js("""
				const e = document.getElementById('author-doc');
				e.value = e.value.replace('"close": "nobody"', '"close": "client"').replace('Active close by the client', 'My own close');""");
		driver.findElement(By.id("author-run")).click();
		waitFor(() -> String.valueOf(js("return window.tcplab?.state?.scenario?.docText")).contains("My own close"));
		waitFor(() -> !driver.findElement(By.id("author-share")).getAttribute("value").isEmpty());
		assertThat(driver.findElements(By.cssSelector("#author-problems li"))).isEmpty();
		assertThat(driver.findElement(By.id("narration-title")).getText()).contains("My own close");
		String link = driver.findElement(By.id("author-share")).getAttribute("value");
		assertThat(URI.create(link).getQuery()).contains("doc=");
		screenshot("author-editor-ran");

		driver.get("about:blank");
		driver.get(link);
		waitFor(() -> String.valueOf(js("return window.tcplab?.state?.scenario?.docText")).contains("My own close"));
		waitFor(() -> driver.findElement(By.id("narration-title")).getText().contains("My own close"));
		driver.findElement(By.id("step-next")).click();
		waitFor(() -> query().contains("step=2") && query().contains("doc="));
	}

	@Test
	void shouldLeaveTheHostPageWhereItIsWhenAComparisonEmbedLoads() {
		// a host page from the same server (Chromium keeps public pages from framing a
		// local server): a tall page
		// with the embed in the middle, built with the
		// DOM (the server's CSP allows no inline style)
		driver.get(url("/app.css"));
		js("""
				const doc = document;
				doc.body.replaceChildren();
				const spacer = () => { const p = doc.createElement('p'); p.style.height = '1500px'; p.textContent = 'host'; return p; };
				const f = doc.createElement('iframe');
				f.id = 'f';
				f.width = '1000';
				f.height = '700';
				f.src = arguments[0];
				doc.body.append(spacer(), f, spacer());
				window.scrollTo(0, 0);""",
				url("/?scenario=old-duplicate&compare=timewait&embed=1&lang=en"));
		driver.switchTo().frame("f");
		waitFor(() -> driver.findElements(By.cssSelector("#compare-panel .cmp-col svg")).size() == 2);
		// no packetdrill panel and no authors' tools in an embed
		assertThat(driver.findElement(By.id("packetdrill-panel")).isDisplayed()).isFalse();
		driver.switchTo().defaultContent();
		assertThat(((Number) js("return window.scrollY")).intValue()).as("the host page did not move").isZero();
	}

	// ------------------------------------------------------------------ helpers

	private void get(String path) {
		driver.get(url(path));
		waitFor(() -> !driver.findElements(By.cssSelector("#authors-tools button")).isEmpty());
	}

	private String query() {
		return String.valueOf(js("return location.search"));
	}

}
