package dev.tcplab.packetdrill;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import dev.tcplab.packetdrill.Script.Expr;
import dev.tcplab.packetdrill.Script.Time;

/**
 * A hand-written reader of packetdrill's script language (grammar: packetdrill's
 * {@code parser.y}, summarised in {@code tools/packetdrill/syntax.md}). One statement per
 * line; a line continues while parentheses, brackets or braces are open. {@code //} and
 * {@code /* *\/} comments are ignored. Packets other than TCP and {@code %{ }%} code
 * blocks are read as {@link Script.Unsupported}. Anything malformed is a
 * {@link SyntaxException} naming line and column.
 * <p>
 * It cannot be made to overflow or to spin: brackets and {@code a=b=…} chains nest at
 * most {@value #MAX_NESTING} levels, numbers have at most {@value #MAX_NUMBER_CHARS}
 * characters and times at most {@value #MAX_TIME_SECONDS} s, all checked before anything
 * is computed from them; errors quote at most {@value #MAX_QUOTE} characters of the
 * script.
 */
public final class Parser {

	/** Deepest nesting of brackets, braces, parentheses and {@code a=b=…} chains. */
	public static final int MAX_NESTING = 32;

	/** Longest number (digits, sign, point) read. */
	static final int MAX_NUMBER_CHARS = 24;

	/** Largest event time or time range, in seconds (a script runs an hour at most). */
	static final long MAX_TIME_SECONDS = 10_000_000;

	/** Longest piece of the script an error message quotes. */
	static final int MAX_QUOTE = 40;

	/**
	 * At most {@value #MAX_QUOTE} characters of {@code s}, then "…": errors never echo a
	 * script's input whole.
	 */
	static String excerpt(String s) {
		if (s == null) {
			return null;
		}
		String cut = s.length() <= MAX_QUOTE ? s : s.substring(0, MAX_QUOTE) + "… (" + s.length() + " characters)";
		return cut.replaceAll("\\p{Cntrl}", " ");
	}

	/** A malformed script: 1-based line and column and what was expected. */
	public static final class SyntaxException extends RuntimeException {

		private final int line;

		private final int column;

		SyntaxException(int line, int column, String message) {
			super("line " + line + ", column " + column + ": " + message);
			this.line = line;
			this.column = column;
		}

		public int line() {
			return line;
		}

		public int column() {
			return column;
		}

	}

	enum T {

		NUMBER, WORD, STRING, BACKTICK, CODE, OPTION, ELLIPSIS, PUNCT, NEWLINE, EOF

	}

	record Token(T type, String text, int line, int col) {

		boolean is(String punct) {
			return (type == T.PUNCT || type == T.ELLIPSIS) && text.equals(punct);
		}

		boolean isWord(String w) {
			return type == T.WORD && text.equals(w);
		}

	}

	private final String src;

	private final List<Token> tokens = new ArrayList<>();

	private final String[] sourceLines;

	private int pos;

	/** Nesting of the expression being read. */
	private int depth;

	private Parser(String src) {
		this.src = src;
		this.sourceLines = src.split("\r?\n", -1);
	}

	public static Script parse(String text) {
		Parser p = new Parser(text == null ? "" : text);
		p.lex();
		return p.script();
	}

	// ---- lexer ----

	/** The lexer's position: current line (1-based) and the index where it starts. */
	private int line;

	private int lineStart;

	/** Moves the lexer's line count over the newlines in {@code src[from, to)}. */
	private void countLines(int from, int to) {
		for (int k = from; k < to; k++) {
			if (src.charAt(k) == '\n') {
				line++;
				lineStart = k + 1;
			}
		}
	}

	private void lex() {
		int i = 0;
		line = 1;
		lineStart = 0;
		int depth = 0;
		int openLine = 0;
		int openCol = 0;
		char openChar = '(';
		int n = src.length();
		while (i < n) {
			char ch = src.charAt(i);
			int col = i - lineStart + 1;
			if (ch == '\n') {
				if (depth == 0) {
					tokens.add(new Token(T.NEWLINE, "\n", line, col));
				}
				i++;
				line++;
				lineStart = i;
				continue;
			}
			if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f') {
				i++;
				continue;
			}
			if (ch == '/' && i + 1 < n && src.charAt(i + 1) == '/') {
				while (i < n && src.charAt(i) != '\n') {
					i++;
				}
				continue;
			}
			if (ch == '/' && i + 1 < n && src.charAt(i + 1) == '*') {
				int end = src.indexOf("*/", i + 2);
				if (end < 0) {
					throw new SyntaxException(line, col, "unterminated /* comment");
				}
				countLines(i, end);
				i = end + 2;
				continue;
			}
			if (ch == '%' && i + 1 < n && src.charAt(i + 1) == '{') {
				int end = src.indexOf("}%", i + 2);
				if (end < 0) {
					throw new SyntaxException(line, col, "unterminated %{ code block");
				}
				tokens.add(new Token(T.CODE, src.substring(i, end + 2), line, col));
				countLines(i, end);
				i = end + 2;
				continue;
			}
			if (ch == '`') {
				int end = src.indexOf('`', i + 1);
				if (end < 0) {
					throw new SyntaxException(line, col, "unterminated backtick command");
				}
				tokens.add(new Token(T.BACKTICK, src.substring(i + 1, end), line, col));
				countLines(i, end);
				i = end + 1;
				continue;
			}
			if (ch == '"') {
				int k = i + 1;
				StringBuilder b = new StringBuilder();
				while (k < n && src.charAt(k) != '"' && src.charAt(k) != '\n') {
					if (src.charAt(k) == '\\' && k + 1 < n) {
						k++;
					}
					b.append(src.charAt(k));
					k++;
				}
				if (k >= n || src.charAt(k) != '"') {
					throw new SyntaxException(line, col, "unterminated string");
				}
				tokens.add(new Token(T.STRING, b.toString(), line, col));
				i = k + 1;
				continue;
			}
			if (ch == '-' && i + 1 < n && src.charAt(i + 1) == '-' && i + 2 < n
					&& Character.isLetter(src.charAt(i + 2))) {
				int k = i;
				while (k < n && !Character.isWhitespace(src.charAt(k))) {
					k++;
				}
				tokens.add(new Token(T.OPTION, src.substring(i, k), line, col));
				i = k;
				continue;
			}
			if (ch == '.' && i + 2 < n && src.charAt(i + 1) == '.' && src.charAt(i + 2) == '.') {
				tokens.add(new Token(T.ELLIPSIS, "...", line, col));
				i += 3;
				continue;
			}
			if (Character.isDigit(ch) || (ch == '.' && i + 1 < n && Character.isDigit(src.charAt(i + 1)))) {
				int k = i;
				if (ch == '0' && k + 1 < n && (src.charAt(k + 1) == 'x' || src.charAt(k + 1) == 'X')) {
					k += 2;
					while (k < n && Character.digit(src.charAt(k), 16) >= 0) {
						k++;
					}
				}
				else {
					while (k < n && Character.isDigit(src.charAt(k))) {
						k++;
					}
					if (k + 1 < n && src.charAt(k) == '.' && Character.isDigit(src.charAt(k + 1))) {
						k++;
						while (k < n && Character.isDigit(src.charAt(k))) {
							k++;
						}
					}
					else if (k < n && src.charAt(k) == '.' && !(k + 1 < n && src.charAt(k + 1) == '.')
							&& (k + 1 >= n || !Character.isLetterOrDigit(src.charAt(k + 1)))) {
						// "1." is a number too (packetdrill's FLOAT)
						k++;
					}
				}
				if (k < n && (Character.isLetter(src.charAt(k)) || src.charAt(k) == '_')) {
					// a word that starts with digits (hex blobs in options): one word
					while (k < n && (Character.isLetterOrDigit(src.charAt(k)) || src.charAt(k) == '_')) {
						k++;
					}
					tokens.add(new Token(T.WORD, src.substring(i, k), line, col));
				}
				else {
					if (k - i > MAX_NUMBER_CHARS) {
						throw new SyntaxException(line, col, "a number of " + (k - i) + " characters ("
								+ excerpt(src.substring(i, k)) + "); at most " + MAX_NUMBER_CHARS + " are read");
					}
					tokens.add(new Token(T.NUMBER, src.substring(i, k), line, col));
				}
				i = k;
				continue;
			}
			if (Character.isLetter(ch) || ch == '_') {
				int k = i;
				while (k < n && (Character.isLetterOrDigit(src.charAt(k)) || src.charAt(k) == '_')) {
					k++;
				}
				tokens.add(new Token(T.WORD, src.substring(i, k), line, col));
				i = k;
				continue;
			}
			if ("+-<>()[]{},=:.*~|!;&/".indexOf(ch) >= 0) {
				if (ch == '(' || ch == '[' || ch == '{') {
					if (depth == 0) {
						openLine = line;
						openCol = col;
						openChar = ch;
					}
					depth++;
					if (depth > MAX_NESTING) {
						throw new SyntaxException(line, col,
								"brackets nested more than " + MAX_NESTING + " levels deep");
					}
				}
				else if ((ch == ')' || ch == ']' || ch == '}') && depth > 0) {
					depth--;
				}
				tokens.add(new Token(T.PUNCT, String.valueOf(ch), line, col));
				i++;
				continue;
			}
			throw new SyntaxException(line, col, "unexpected character '" + excerpt(String.valueOf(ch)) + "'");
		}
		if (depth > 0) {
			throw new SyntaxException(openLine, openCol, "'" + openChar + "' is never closed");
		}
		tokens.add(new Token(T.NEWLINE, "\n", line, n - lineStart + 1));
		tokens.add(new Token(T.EOF, "", line, n - lineStart + 1));
	}

	// ---- parser ----

	private Token peek() {
		return tokens.get(pos);
	}

	private Token peek(int ahead) {
		return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
	}

	private Token next() {
		Token t = tokens.get(pos);
		if (t.type != T.EOF) {
			pos++;
		}
		return t;
	}

	private SyntaxException error(Token t, String expected) {
		String found = switch (t.type) {
			case NEWLINE -> "end of line";
			case EOF -> "end of script";
			default -> "'" + excerpt(t.text) + "'";
		};
		return new SyntaxException(t.line, t.col, "expected " + expected + ", found " + found);
	}

	private Token expectPunct(String p, String what) {
		Token t = next();
		if (!t.is(p)) {
			throw error(t, what);
		}
		return t;
	}

	private long expectInt(String what) {
		Token t = next();
		boolean neg = false;
		if (t.is("-")) {
			neg = true;
			t = next();
		}
		if (t.type != T.NUMBER || t.text.contains(".")) {
			throw error(t, what);
		}
		try {
			long v = t.text.startsWith("0x") || t.text.startsWith("0X") ? Long.parseLong(t.text.substring(2), 16)
					: Long.parseLong(t.text);
			return neg ? -v : v;
		}
		catch (NumberFormatException ex) {
			throw new SyntaxException(t.line, t.col, what + " is out of range: " + excerpt(t.text));
		}
	}

	private void skipNewlines() {
		while (peek().type == T.NEWLINE) {
			next();
		}
	}

	private void endOfStatement() {
		Token t = peek();
		if (t.type != T.NEWLINE && t.type != T.EOF) {
			throw error(t, "end of line");
		}
		next();
	}

	private String lineText(int line) {
		String s = line - 1 < sourceLines.length ? sourceLines[line - 1] : "";
		int c = s.indexOf("//");
		return (c >= 0 ? s.substring(0, c) : s).strip();
	}

	private Script script() {
		List<Script.Option> options = new ArrayList<>();
		List<Script.Statement> statements = new ArrayList<>();
		skipNewlines();
		while (peek().type == T.OPTION) {
			Token t = next();
			String body = t.text.substring(2);
			int eq = body.indexOf('=');
			options.add(new Script.Option(t.line, eq < 0 ? body : body.substring(0, eq),
					eq < 0 ? null : body.substring(eq + 1)));
			endOfStatement();
			skipNewlines();
		}
		while (peek().type != T.EOF) {
			statements.add(statement());
			skipNewlines();
		}
		if (statements.isEmpty()) {
			// parser.y: script needs at least one event
			throw new SyntaxException(peek().line, 1, "the script has no events (packets, system calls or commands)");
		}
		return new Script(options, statements);
	}

	private Script.Statement statement() {
		Token first = peek();
		int line = first.line;
		String text = lineText(line);
		if (first.type == T.BACKTICK) {
			next();
			endOfStatement();
			return new Script.Shell(line, text, null, first.text);
		}
		if (first.type == T.OPTION) {
			throw new SyntaxException(first.line, first.col,
					"options (" + excerpt(first.text) + ") must come before the events");
		}
		Time time = time();
		Token t = peek();
		if (t.is("...")) {
			next();
			long end = seconds(next(), "the end time of a blocking call");
			time = new Time(false, time.relative(), time.us(), time.rangeEndUs(), end);
			t = peek();
		}
		if (t.type == T.BACKTICK) {
			next();
			endOfStatement();
			return new Script.Shell(line, text, time, t.text);
		}
		if (t.type == T.CODE) {
			next();
			endOfStatement();
			return new Script.Unsupported(line, text, time, "code blocks (%{ }%) are not run by the lab");
		}
		if (t.is("<") || t.is(">")) {
			return packet(line, text, time);
		}
		if (t.type == T.WORD) {
			return syscall(line, text, time);
		}
		throw error(t, "a packet (< or >), a system call or a `command`");
	}

	private Time time() {
		Token t = peek();
		if (t.is("*")) {
			next();
			return Time.anyTime();
		}
		boolean relative = false;
		if (t.is("+")) {
			next();
			relative = true;
		}
		long us = seconds(next(), "an event time (e.g. 0, +0.1 or *)");
		long rangeEnd = -1;
		if (peek().is("~")) {
			next();
			if (peek().is("+")) {
				next();
			}
			rangeEnd = seconds(next(), "the end of a time range");
		}
		return new Time(false, relative, us, rangeEnd, -1);
	}

	private long seconds(Token t, String what) {
		if (t.type != T.NUMBER || t.text.startsWith("0x")) {
			throw error(t, what);
		}
		BigDecimal seconds;
		try {
			// the lexer bounds a number's length, so this is cheap
			seconds = new BigDecimal(t.text);
		}
		catch (NumberFormatException ex) {
			throw new SyntaxException(t.line, t.col, what + " is not a valid time: " + excerpt(t.text));
		}
		if (seconds.compareTo(BigDecimal.valueOf(MAX_TIME_SECONDS)) > 0) {
			throw new SyntaxException(t.line, t.col,
					what + " " + excerpt(t.text) + " is too large: at most " + MAX_TIME_SECONDS + " s");
		}
		return seconds.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
	}

	private Script.Statement packet(int line, String text, Time time) {
		boolean inbound = next().is("<");
		// optional IP info: (tos …) or [tos …]
		if (peek().is("(") || peek().is("[")) {
			skipGroup();
		}
		Token t = peek();
		if (t.type == T.WORD && (t.text.equals("udp") || t.text.equals("icmp") || t.text.equals("ipv4")
				|| t.text.equals("ipv6") || t.text.equals("gre") || t.text.equals("mpls"))) {
			skipToEndOfStatement();
			return new Script.Unsupported(line, text, time, t.text + " packets are not modelled (TCP only)");
		}
		// optional ports: 8080>80
		if (t.type == T.NUMBER && peek(1).is(">")) {
			next();
			next();
			expectInt("a destination port");
			t = peek();
		}
		StringBuilder flags = new StringBuilder();
		if (t.is("-")) {
			next();
			flags.append('-');
		}
		else {
			if (t.type == T.WORD) {
				for (char c : t.text.toCharArray()) {
					if ("FSRPEWU".indexOf(c) < 0) {
						throw new SyntaxException(t.line, t.col, "unknown TCP flag '" + excerpt(String.valueOf(c))
								+ "' in '" + excerpt(t.text) + "' (flags are F S R P E W U and . for ACK)");
					}
				}
				flags.append(next().text);
			}
			if (peek().is(".")) {
				next();
				flags.append('.');
			}
			if (flags.isEmpty()) {
				throw error(peek(), "TCP flags (e.g. S, S., ., F., P., R)");
			}
		}
		long start = expectInt("a sequence number (start:end(length))");
		expectPunct(":", "':' in start:end(length)");
		long end = expectInt("the end of the sequence range");
		expectPunct("(", "'(' in start:end(length)");
		long len = expectInt("the payload length");
		expectPunct(")", "')' after the payload length");
		if (len < 0 || len > 65535) {
			throw new SyntaxException(line, 1, "payload length must be between 0 and 65535, got " + len);
		}
		if (((end - start) & 0xFFFFFFFFL) != len) {
			throw new SyntaxException(line, 1, "inconsistent sequence range " + start + ":" + end + "(" + len
					+ "): end - start must equal the length");
		}
		Long ack = null;
		Long win = null;
		String options = null;
		while (true) {
			Token k = peek();
			if (k.isWord("ack")) {
				next();
				ack = expectInt("an acknowledgment number");
			}
			else if (k.isWord("win")) {
				next();
				win = expectInt("a window");
			}
			else if (k.isWord("urg")) {
				next();
				expectInt("an urgent pointer");
			}
			else if (k.is("<")) {
				Token open = next();
				StringBuilder b = new StringBuilder();
				while (!peek().is(">")) {
					Token o = next();
					if (o.type == T.NEWLINE || o.type == T.EOF) {
						throw new SyntaxException(open.line, open.col, "unterminated TCP option list (missing '>')");
					}
					if (!b.isEmpty() && !o.is(",") && !b.toString().endsWith(" ")) {
						b.append(' ');
					}
					b.append(o.text);
					if (o.is(",")) {
						b.append(' ');
					}
				}
				next();
				options = b.toString().strip();
			}
			else {
				break;
			}
		}
		endOfStatement();
		return new Script.Packet(line, text, time, inbound, flags.toString(), start, end, (int) len, ack, win, options);
	}

	private void skipGroup() {
		Token open = next();
		String close = open.is("(") ? ")" : open.is("[") ? "]" : "}";
		int depth = 1;
		while (depth > 0) {
			Token t = next();
			if (t.type == T.EOF) {
				throw new SyntaxException(open.line, open.col, "unbalanced '" + open.text + "'");
			}
			if (t.is(open.text)) {
				depth++;
			}
			else if (t.is(close)) {
				depth--;
			}
		}
	}

	private void skipToEndOfStatement() {
		while (peek().type != T.NEWLINE && peek().type != T.EOF) {
			if (peek().is("(") || peek().is("[") || peek().is("{")) {
				skipGroup();
			}
			else {
				next();
			}
		}
		next();
	}

	private Script.Statement syscall(int line, String text, Time time) {
		Token name = next();
		expectPunct("(", "'(' after the system call name " + excerpt(name.text));
		List<Expr> args = new ArrayList<>();
		if (!peek().is(")")) {
			args.add(expr());
			while (peek().is(",")) {
				next();
				args.add(expr());
			}
		}
		expectPunct(")", "',' or ')' in the arguments of " + excerpt(name.text));
		expectPunct("=", "'=' and the expected result of " + excerpt(name.text));
		String result;
		Token r = next();
		if (r.is("-")) {
			Token v = next();
			if (v.type != T.NUMBER) {
				throw error(v, "a number after '-'");
			}
			result = "-" + v.text;
		}
		else if (r.type == T.NUMBER || r.type == T.WORD || r.is("...")) {
			result = r.text;
		}
		else {
			throw error(r, "the expected result of " + excerpt(name.text));
		}
		String errno = null;
		if (peek().type == T.WORD) {
			errno = next().text;
		}
		if (peek().is("(")) {
			skipGroup();
		}
		endOfStatement();
		return new Script.Syscall(line, text, time, name.text, args, result, errno);
	}

	private Expr expr() {
		if (++depth > MAX_NESTING) {
			Token t = peek();
			throw new SyntaxException(t.line, t.col, "an argument nested more than " + MAX_NESTING + " levels deep");
		}
		try {
			return exprAtDepth();
		}
		finally {
			depth--;
		}
	}

	private Expr exprAtDepth() {
		Expr first = primary();
		if (peek().is("|")) {
			List<Expr> items = new ArrayList<>();
			items.add(first);
			while (peek().is("|")) {
				next();
				items.add(primary());
			}
			return new Expr(Expr.Kind.OR, null, null, items);
		}
		if (peek().is("=") && first.kind() == Expr.Kind.WORD) {
			next();
			return new Expr(Expr.Kind.ASSIGN, null, first.text(), List.of(expr()));
		}
		return first;
	}

	private Expr primary() {
		Token t = next();
		if (t.is("...")) {
			return new Expr(Expr.Kind.ELLIPSIS, "...", null, List.of());
		}
		if (t.is("-") && peek().type == T.NUMBER) {
			return new Expr(Expr.Kind.NUMBER, "-" + next().text, null, List.of());
		}
		if (t.type == T.NUMBER) {
			return new Expr(Expr.Kind.NUMBER, t.text, null, List.of());
		}
		if (t.type == T.STRING) {
			if (peek().is("...")) {
				next();
			}
			return new Expr(Expr.Kind.STRING, t.text, null, List.of());
		}
		if (t.type == T.WORD) {
			if (peek().is("(")) {
				next();
				List<Expr> items = new ArrayList<>();
				if (!peek().is(")")) {
					items.add(expr());
					while (peek().is(",")) {
						next();
						items.add(expr());
					}
				}
				expectPunct(")", "')' closing " + excerpt(t.text) + "(");
				return new Expr(Expr.Kind.CALL, t.text, t.text, items);
			}
			return new Expr(Expr.Kind.WORD, t.text, null, List.of());
		}
		if (t.is("[") || t.is("{")) {
			String close = t.is("[") ? "]" : "}";
			List<Expr> items = new ArrayList<>();
			if (!peek().is(close)) {
				items.add(expr());
				while (peek().is(",")) {
					next();
					items.add(expr());
				}
			}
			expectPunct(close, "',' or '" + close + "'");
			return new Expr(t.is("[") ? Expr.Kind.ARRAY : Expr.Kind.STRUCT, null, null, items);
		}
		throw error(t, "an argument");
	}

}
