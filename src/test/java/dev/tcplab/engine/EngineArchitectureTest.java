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
 * The engine's shape (issues 11 and 24): the TCP rules in {@code dev.tcplab.engine}, the
 * mechanism in {@code dev.tcplab.engine.internal}, which knows no rule class and which
 * nothing outside the engine uses; the TCB's parts in {@code dev.tcplab.engine.tcb},
 * which know nothing of the engine; the rule classes below the {@link Engine} (they see
 * its {@link Context}); and no framework inside the engine.
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
	void shouldKeepInternalFreeOfRuleClasses() {
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
	void shouldKeepInternalToTheEngine() {
		noClasses().that()
			.resideOutsideOfPackage("dev.tcplab.engine..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.tcplab.engine.internal.."))
			.check(all);
	}

	/** The engine stays plain Java: no Spring, no JSON library, no servlet/jakarta. */
	@Test
	void shouldKeepTheEngineFreeOfFrameworks() {
		noClasses().that()
			.resideInAPackage("dev.tcplab.engine..")
			.should()
			.dependOnClassesThat(resideInAnyPackage("org.springframework..", "tools.jackson..", "com.fasterxml..",
					"jakarta..", "javax.servlet.."))
			.check(main);
	}

	/** The engine depends on no other tcplab package (the service depends on it). */
	@Test
	void shouldKeepTheEngineFreeOfOtherTcplabPackages() {
		noClasses().that()
			.resideInAPackage("dev.tcplab.engine..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.tcplab..").and(not(resideInAPackage("dev.tcplab.engine.."))))
			.check(main);
	}

	/**
	 * The TCB's parts (RTT estimator, ACK policy, reassembly queue, sequence arithmetic)
	 * depend on the JDK and each other only: no rule class, no engine state.
	 */
	@Test
	void shouldKeepTheTcbPartsFreeOfTheEngine() {
		classes().that()
			.resideInAPackage("dev.tcplab.engine.tcb..")
			.should()
			.onlyDependOnClassesThat(resideInAnyPackage("java..", "dev.tcplab.engine.tcb.."))
			.check(main);
	}

	/** Only the engine uses the TCB's parts (main code and tests alike). */
	@Test
	void shouldKeepTheTcbPartsToTheEngine() {
		noClasses().that()
			.resideOutsideOfPackage("dev.tcplab.engine..")
			.should()
			.dependOnClassesThat(resideInAPackage("dev.tcplab.engine.tcb.."))
			.check(all);
	}

	/**
	 * The rule classes sit below the engine and see only its {@link Context}: no arrow
	 * from a TCP rule, the wire or an endpoint up to {@link Engine}, and none from the
	 * TCB up to the code that drives it.
	 */
	@Test
	void shouldKeepTheRuleClassesBelowTheEngine() {
		noClasses().that()
			.belongToAnyOf(Tcb.class, Socket.class, SegmentArrives.class, SocketCalls.class, Context.class,
					Network.class, Listener.class, TimeWaitRecord.class, Endpoint.class, Isn.class, Ports.class,
					Reply.class, Host.class, Timer.class)
			.should()
			.dependOnClassesThat()
			.belongToAnyOf(Engine.class)
			.check(main);
		noClasses().that()
			.belongToAnyOf(Tcb.class, Socket.class)
			.should()
			.dependOnClassesThat()
			.belongToAnyOf(SegmentArrives.class, SocketCalls.class, TimeWait.class, LoadRun.class, PairEvents.class,
					Simulation.class, Views.class)
			.check(main);
	}

	/**
	 * The context every rule sees knows none of them: it names endpoints, never the TCB
	 * or the classes that act on it.
	 */
	@Test
	void shouldKeepTheContextBelowTheRules() {
		noClasses().that()
			.belongToAnyOf(Context.class)
			.should()
			.dependOnClassesThat()
			.belongToAnyOf(Tcb.class, Socket.class, SegmentArrives.class, SocketCalls.class, TimeWait.class,
					Network.class, Listener.class, LoadRun.class)
			.check(main);
	}

}
