package dev.tcplab.json;

import tools.jackson.core.JsonParser;
import tools.jackson.databind.exc.InvalidFormatException;

import dev.tcplab.engine.PairEvent;

/**
 * An event whose JSON does not make a {@link PairEvent}: {@link #field()} names the field
 * as the JSON names it ({@code side}, {@code bytes}, {@code flags[1]}, …), the message
 * says what is wrong, and {@link #getValue()} is the value refused (null when it is
 * missing).
 */
public class InvalidEventException extends InvalidFormatException {

	private final String field;

	InvalidEventException(JsonParser parser, String field, String message, Object rejected) {
		super(parser, message, rejected, PairEvent.class);
		this.field = field;
	}

	public String field() {
		return this.field;
	}

}
