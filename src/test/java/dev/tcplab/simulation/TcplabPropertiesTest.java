package dev.tcplab.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/**
 * Binding of {@code tcplab.*}: defaults where nothing is set, startup fails on nonsense.
 */
class TcplabPropertiesTest {

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(TcplabProperties.class)
	static class Config {

	}

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void shouldUseTheDefaultsWhenNothingIsSet() {
		this.runner.run(context -> assertThat(context.getBean(TcplabProperties.class))
			.isEqualTo(new TcplabProperties(0, 64, 100_000, 3_600_000, Duration.ofMinutes(30), 50, 200)));
	}

	@Test
	void shouldFailAtStartupOnALimitThatIsNotPositive() {
		this.runner.withPropertyValues("tcplab.max-pairs=0")
			.run(context -> assertThat(context).getFailure().hasStackTraceContaining("maxPairs"));
	}

}
