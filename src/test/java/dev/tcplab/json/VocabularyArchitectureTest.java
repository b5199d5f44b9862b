package dev.tcplab.json;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of one vocabulary (issue 24): the binding sits just above the engine — it
 * knows the engine and Jackson, nothing of the features that use it.
 */
class VocabularyArchitectureTest {

	private static JavaClasses main;

	@BeforeAll
	static void importClasses() {
		main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.tcplab");
		assertThat(main.contain(VocabularyModule.class)).isTrue();
	}

	@Test
	void shouldBindOnlyTheEnginesVocabulary() {
		classes().that()
			.resideInAPackage("dev.tcplab.json..")
			.should()
			.onlyDependOnClassesThat(resideInAnyPackage("java..", "dev.tcplab.json..", "dev.tcplab.engine..",
					"tools.jackson..", "com.fasterxml.jackson.annotation..", "org.springframework.stereotype.."))
			.check(main);
	}

}
