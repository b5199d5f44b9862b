package dev.tcplab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * packetdrill scripts that several tests start from. The page's example script has one
 * home, {@code frontend/packetdrill.js} ({@code EXAMPLE}); the tests read it from there,
 * so the example the page offers is the one the API and runner tests prove.
 */
public final class PacketdrillScripts {

	/** The file that holds the page's example script. */
	public static final Path PAGE_EXAMPLE_SOURCE = Path.of("frontend", "packetdrill.js");

	/**
	 * The page's example script, one command a line with single spaces, without its
	 * comments and blank lines: the lab listens, accepts the script's connection (a 10 ms
	 * RTT handshake), the script closes first, the lab reads EOF and closes (LAST_ACK).
	 */
	public static final String EXAMPLE = commands(pageExample());

	/**
	 * The example's first part: the local end listens on fd 3 and accepts the script's
	 * connection as fd 4 (the handshake with a 10 ms RTT).
	 */
	public static final String PASSIVE_OPEN = EXAMPLE.substring(0,
			EXAMPLE.indexOf('\n', EXAMPLE.indexOf("accept(")) + 1);

	private PacketdrillScripts() {
	}

	/**
	 * After {@link #PASSIVE_OPEN} and {@code written} bytes the lab wrote and the script
	 * acknowledged: the script sends FIN, the lab ACKs it, reads EOF, closes with its own
	 * FIN, and the script ACKs that. With {@code written = 0} this is the close of the
	 * page's example.
	 */
	public static String peerClosesFirst(long written) {
		long next = written + 1;
		return String.join("\n", List.of( //
				"+.01 < F. 1:1(0) ack " + next + " win 65535", //
				"+0 > . " + next + ":" + next + "(0) ack 2", //
				"+0 read(4, ..., 1000) = 0", //
				"+.01 close(4) = 0", //
				"+0 > F. " + next + ":" + next + "(0) ack 2", //
				"+.01 < . 2:2(0) ack " + (next + 1) + " win 65535", //
				""));
	}

	/** The text of {@code export const EXAMPLE = `...`;} in the page's module. */
	private static String pageExample() {
		String module;
		try {
			module = Files.readString(PAGE_EXAMPLE_SOURCE, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the page's packetdrill example is read from " + PAGE_EXAMPLE_SOURCE, ex);
		}
		Matcher m = Pattern.compile("export const EXAMPLE = `([^`]*)`;").matcher(module);
		if (!m.find()) {
			throw new IllegalStateException(PAGE_EXAMPLE_SOURCE + " has no `export const EXAMPLE = `...`;`");
		}
		return m.group(1);
	}

	private static String commands(String script) {
		StringBuilder out = new StringBuilder();
		for (String line : script.split("\n")) {
			String trimmed = line.strip();
			if (!trimmed.isEmpty() && !trimmed.startsWith("//")) {
				out.append(trimmed.replaceAll("\\s+", " ")).append('\n');
			}
		}
		return out.toString();
	}

}
