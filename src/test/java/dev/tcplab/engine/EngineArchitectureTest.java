package dev.tcplab.engine;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's package shape (issue 11): the TCP rules in {@code dev.tcplab.engine}, the
 * mechanism in {@code dev.tcplab.engine.internal}, which knows no rule class and which
 * nothing outside the engine uses, and no framework inside the engine.
 */
class EngineArchitectureTest {

	private static JavaClasses main;

	private static JavaClasses all;

	@BeforeAll
	static void importClasses() {
		main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
			.importPackages("dev.tcplab");
		all = new ClassFileImporter().importPackages("dev.tcplab");
		// an empty import would let every rule pass: the engine must be there
		assertThat(main.contain(Tcb.class)).isTrue();
		assertThat(main.contain(dev.tcplab.engine.internal.TimerTable.class)).isTrue();
	}

	/**
	 * Mechanism only: {@code internal} uses the JDK, itself and the engine's public value
	 * types (trace events, states, trace levels), never a rule class (Tcb, TimeWait,
	 * Engine, …).
	 */
	@Test
	void internalKnowsNoRuleClass() {
		classes().that()
			.resideInAPackage("dev.tcplab.engine.internal..")
			.should()
			.onlyDependOnClassesThat(resideInAnyPackage("java..", "dev.tcplab.engine.internal..")
				.or(belongToAnyOf(TraceEvent.class, TcpState.class, TraceLevel.class)
					.onResultOf(JavaClass::getBaseComponentType)))
			.check(main);
	}

	/** Only the engine uses its mechanism (main code and tests alike). */
	@Test
	void nothingOutsideTheEngineUsesInternal() {
		noClasses().that()
			.resideOutsideOfPackage("dev.tcplab.engine..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.tcplab.engine.internal.."))
			.check(all);
	}

	/** The engine stays plain Java: no Spring, no JSON library, no servlet/jakarta. */
	@Test
	void theEngineImportsNoFramework() {
		noClasses().that()
			.resideInAPackage("dev.tcplab.engine..")
			.should()
			.dependOnClassesThat(resideInAnyPackage("org.springframework..", "tools.jackson..", "com.fasterxml..",
					"jakarta..", "javax.servlet.."))
			.check(main);
	}

	/** The engine depends on no other tcplab package (the service depends on it). */
	@Test
	void theEngineDependsOnNoOtherTcplabPackage() {
		noClasses().that()
			.resideInAPackage("dev.tcplab.engine..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.tcplab..").and(not(resideInAPackage("dev.tcplab.engine.."))))
			.check(main);
	}

}
