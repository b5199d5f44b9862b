package dev.tcplab;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * One test naming convention (docs/decisions.md, "Issue 11: the rest of the code", after
 * spring-petclinic): a test is named for the behaviour it proves,
 * {@code shouldRejectUnknownProfile}. The RFC section or Linux function a protocol test
 * checks goes into a comment above it.
 */
class TestNamingTest {

	@Test
	void shouldNameEveryTestShouldAndTheBehaviour() throws Exception {
		Path root = Path.of(TestNamingTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		List<String> tests = new ArrayList<>();
		List<String> misnamed = new ArrayList<>();
		try (Stream<Path> files = Files.walk(root)) {
			for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
				String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
				Class<?> type = Class.forName(name.substring(0, name.length() - ".class".length()), false,
						TestNamingTest.class.getClassLoader());
				for (Method m : type.getDeclaredMethods()) {
					if (m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(ParameterizedTest.class)
							|| m.isAnnotationPresent(TestFactory.class)) {
						tests.add(m.getName());
						if (!m.getName().matches("should[A-Z][A-Za-z0-9]*")) {
							misnamed.add(type.getSimpleName() + "." + m.getName());
						}
					}
				}
			}
		}
		// an empty scan would let the rule pass: this test must have been found
		assertThat(tests).contains("shouldNameEveryTestShouldAndTheBehaviour");
		assertThat(misnamed).as("tests are named for behaviour, shouldX (docs/decisions.md)").isEmpty();
	}

}
