package dev.tcplab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.tcplab.testing.RequiredInCi;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the catalog: names, bilingual texts, and the article quotes being the
 * article's own words.
 */
class BuiltInScenariosTest {

	static String normalize(String s) {
		return s.replaceAll("[\\s\\u00a0\\u3000]+", " ").trim();
	}

	/** Where the article is looked for: -Dtcplab.article, else beside the checkout. */
	static final List<Path> ARTICLE_PLACES = System.getProperty("tcplab.article") != null
			? List.of(Path.of(System.getProperty("tcplab.article")))
			: List.of(Path.of("../shared/reference/time-wait-article-ko.txt"),
					Path.of("../../shared/reference/time-wait-article-ko.txt"));

	static Path article() {
		for (Path p : ARTICLE_PLACES) {
			if (Files.exists(p)) {
				return p;
			}
		}
		return null;
	}

	@Test
	void shouldHaveUniqueUrlSafeNamesAndBilingualTexts() {
		Set<String> names = new HashSet<>();
		for (Scenario s : BuiltInScenarios.all()) {
			assertThat(names.add(s.name())).as(s.name()).isTrue();
			assertThat(s.name()).matches("[a-z0-9-]+");
			for (Text t : List.of(s.title(), s.summary())) {
				assertThat(t.en()).isNotBlank();
				assertThat(t.ko()).containsPattern("[가-힣]");
			}
			assertThat(s.steps()).isNotEmpty();
			for (ScenarioStep step : s.steps()) {
				assertThat(step.title().en()).isNotBlank();
				assertThat(step.title().ko()).isNotBlank();
				for (String profile : s.profiles()) {
					Text text = step.text(profile);
					assertThat(text.en()).isNotBlank();
					assertThat(text.ko()).containsPattern("[가-힣]");
					assertThat(placeholders(text.en())).as("same placeholders in both languages: " + step.title().en())
						.isEqualTo(placeholders(text.ko()));
				}
			}
		}
		assertThat(names).hasSize(21);
	}

	static Set<String> placeholders(String s) {
		Set<String> out = new HashSet<>();
		var m = java.util.regex.Pattern.compile("\\{([A-Za-z0-9_]+)}").matcher(s);
		while (m.find()) {
			out.add(m.group(1));
		}
		return out;
	}

	@Test
	void shouldQuoteTheArticleInKoreanWithAnEnglishTranslation() {
		int quoted = 0;
		for (Scenario s : BuiltInScenarios.all()) {
			if (s.article() == null) {
				continue;
			}
			quoted++;
			assertThat(s.article().en()).isNotBlank();
			for (String part : s.article().ko().split(" … ")) {
				assertThat(part).isNotBlank();
			}
		}
		assertThat(quoted).isGreaterThanOrEqualTo(12);
	}

	@Test
	void shouldQuoteOnlyTheArticlesOwnSentences() throws Exception {
		Path file = article();
		RequiredInCi.require(file != null, "the article the scenarios quote (time-wait-article-ko.txt, looked for at "
				+ ARTICLE_PLACES + "; set -Dtcplab.article=FILE): its quotes cannot be checked verbatim");
		String text = normalize(Files.readString(file));
		for (Scenario s : BuiltInScenarios.all()) {
			if (s.article() != null) {
				for (String part : s.article().ko().split(" … ")) {
					assertThat(text).as("quote of " + s.name()).contains(normalize(part));
				}
			}
		}
	}

	@Test
	void shouldFillPlaceholdersPerLanguage() {
		Text t = ScenarioRunner.fill(Text.of("close() returned {r}; {x}", "close()는 {r}을 리턴; {x}"),
				Map.of("r", "0", "x.en", "fine", "x.ko", "좋음"));
		assertThat(t).isEqualTo(Text.of("close() returned 0; fine", "close()는 0을 리턴; 좋음"));
		assertThat(ScenarioRunner.fill(Text.of("{missing}", "{missing}"), Map.of()).en()).isEqualTo("{missing}");
		// profile constants: as they are, or milliseconds as seconds
		Text c = ScenarioDocuments.fill(Text.of("{const.timeWaitMs:s} s, {const.rtoMinMs} ms", "{const.timeWaitMs:s}초"),
				Map.of(), dev.tcplab.engine.StackConstants.forProfile("linux"));
		assertThat(c).isEqualTo(Text.of("60 s, 200 ms", "60초"));
	}

}
