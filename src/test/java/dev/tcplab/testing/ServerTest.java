package dev.tcplab.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;

/**
 * The application on a random port with the request rate limit out of the way: the one
 * configuration the end-to-end tests share, so Spring's test context cache starts the
 * server once for all of them. A test that needs other limits (the rate limiter's, small
 * trace or pair limits) declares its own {@code @SpringBootTest} and gets its own
 * context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "tcplab.requests-per-second=1000000", "tcplab.request-burst=1000000",
				// every test client is 127.0.0.1: the per-client simulation cap would
				// count them all as one
				"tcplab.budget.max-simulations-per-client=1000",
				// scenario traces are short: 200 simulations then fit the memory budget
				"tcplab.max-simulations=200", "tcplab.max-trace-events=20000" })
public @interface ServerTest {

}
