/**
 * What an operator sees of an instance (docs/operations.md): Prometheus metrics beyond
 * Spring Boot's own (live simulations, viewers, refusals by limit), the engine version in
 * {@code /actuator/info}.
 */
package dev.tcplab.ops;
