package dev.tcplab.engine;

import java.util.Locale;

/**
 * What a socket call returns: a number (0 or a byte count), an {@link Errno}, or
 * "pending" for a call that blocks (docs/api.md "Events"). Trace events and
 * {@link EventResult} carry its {@link #wire() wire form}, which is what the JSON shows.
 */
public sealed interface CallResult {

	/** The call succeeded and returned 0. */
	CallResult ZERO = new Returned(0);

	/** The call blocks; its completion comes later as a completed call event. */
	CallResult PENDING = new Pending();

	static CallResult returned(int value) {
		return value == 0 ? ZERO : new Returned(value);
	}

	static CallResult failed(Errno errno) {
		return new Failed(errno);
	}

	/**
	 * The wire text back: "0" or another number, an errno name, "pending".
	 * @throws IllegalArgumentException for anything else
	 */
	static CallResult parse(String text) {
		String t = text == null ? "" : text.trim();
		if (t.equalsIgnoreCase("pending")) {
			return PENDING;
		}
		try {
			return returned(Integer.parseInt(t));
		}
		catch (NumberFormatException notANumber) {
			try {
				return failed(Errno.valueOf(t.toUpperCase(Locale.ROOT)));
			}
			catch (IllegalArgumentException notAnErrno) {
				throw new IllegalArgumentException(
						"a call result is a number, an errno name or \"pending\", got \"" + text + "\"");
			}
		}
	}

	/** The JSON form: an Integer, the errno's name, or "pending". */
	Object wire();

	/** A call that returned a value: 0 or a byte count. */
	record Returned(int value) implements CallResult {

		@Override
		public Object wire() {
			return this.value;
		}

		@Override
		public String toString() {
			return Integer.toString(this.value);
		}

	}

	/** A call that failed with an errno. */
	record Failed(Errno errno) implements CallResult {

		public Failed {
			if (errno == null) {
				throw new IllegalArgumentException("a failed call needs an errno");
			}
		}

		@Override
		public Object wire() {
			return this.errno.name();
		}

		@Override
		public String toString() {
			return this.errno.name();
		}

	}

	/** A call that blocks. */
	record Pending() implements CallResult {

		@Override
		public Object wire() {
			return "pending";
		}

		@Override
		public String toString() {
			return "pending";
		}

	}

}
