package dev.tcplab.packetdrill;

import java.util.List;

/**
 * A parsed packetdrill script (the dialect of packetdrill's {@code parser.y} that the lab
 * reads; see {@link Parser}).
 *
 * @param options {@code --name=value} lines at the top
 * @param statements everything else, in order
 */
public record Script(List<Option> options, List<Statement> statements) {

	/** A {@code --name[=value]} line. */
	public record Option(int line, String name, String value) {
	}

	/**
	 * When an event happens. {@code any}: {@code *}. Otherwise {@code us} after the
	 * previous event ({@code relative}) or after the start; {@code rangeEndUs} for
	 * {@code A~B} (else -1); {@code endUs} for a blocking call's {@code ...END} (else
	 * -1), on the same base as {@code us}.
	 */
	public record Time(boolean any, boolean relative, long us, long rangeEndUs, long endUs) {

		static Time anyTime() {
			return new Time(true, false, 0, -1, -1);
		}

	}

	/** One line of the script. */
	public sealed interface Statement {

		int line();

		/** The statement as written (one line, comments removed). */
		String text();

	}

	/** A shell command in backticks (run by packetdrill, never by the lab). */
	public record Shell(int line, String text, Time time, String command) implements Statement {
	}

	/**
	 * A TCP segment line. {@code flags} as written ("S.", "F.", "."…), sequence range
	 * {@code start:end(len)}; {@code ack}, {@code win} null when absent; {@code options}
	 * the text between {@code <>} or null.
	 */
	public record Packet(int line, String text, Time time, boolean inbound, String flags, long start, long end, int len,
			Long ack, Long win, String options) implements Statement {
	}

	/**
	 * A system call: {@code name(args) = result [ERRNO (note)]}. {@code result} is the
	 * expected return value ("0", "-1", "4", "..."), {@code errno} null when none is
	 * expected.
	 */
	public record Syscall(int line, String text, Time time, String name, List<Expr> args, String result,
			String errno) implements Statement {
	}

	/** Something the lab parses but cannot run (UDP/ICMP packets, code blocks, …). */
	public record Unsupported(int line, String text, Time time, String reason) implements Statement {
	}

	/**
	 * An argument expression: a number, word, string, {@code ...}, an array {@code [..]},
	 * a struct {@code {a=1, b=2}}, {@code a|b}, or {@code name=expr}.
	 */
	public record Expr(Kind kind, String text, String name, List<Expr> items) {

		public enum Kind {

			NUMBER, WORD, STRING, ELLIPSIS, ARRAY, STRUCT, OR, ASSIGN, CALL

		}

		/** The number this expression is, or null. */
		public Long number() {
			if (kind != Kind.NUMBER) {
				return null;
			}
			try {
				return text.startsWith("0x") || text.startsWith("0X") ? Long.parseLong(text.substring(2), 16)
						: Long.parseLong(text);
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}

		/** The named member of a struct ({@code {onoff=1, linger=0}}), or null. */
		public Expr member(String key) {
			if (kind != Kind.STRUCT) {
				return null;
			}
			for (Expr e : items) {
				if (e.kind == Kind.ASSIGN && key.equals(e.name)) {
					return e.items.get(0);
				}
			}
			return null;
		}

		/** Whether this is {@code word} or an OR containing it. */
		public boolean mentions(String word) {
			if (kind == Kind.WORD) {
				return word.equals(text);
			}
			if (kind == Kind.OR) {
				return items.stream().anyMatch(e -> e.mentions(word));
			}
			return false;
		}

	}

}
