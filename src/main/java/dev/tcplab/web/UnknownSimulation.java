package dev.tcplab.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import io.swagger.v3.oas.annotations.responses.ApiResponse;

/**
 * The 404 of a route whose simulation id is unknown, as the OpenAPI document names it
 * (springdoc reads {@code @ApiResponse} as a meta-annotation).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@ApiResponse(responseCode = "404", description = "Unknown simulation")
public @interface UnknownSimulation {

}
