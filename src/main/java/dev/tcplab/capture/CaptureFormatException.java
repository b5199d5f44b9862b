package dev.tcplab.capture;

import java.util.Locale;

import dev.tcplab.simulation.ProblemException;

/**
 * A capture file this reader cannot use: cut short, damaged, or in a format or link type
 * it does not read. The API answers it with 422 problem+json naming the {@link #kind()},
 * the packet number and the byte offset where reading stopped.
 */
public class CaptureFormatException extends ProblemException {

	/** Why the file was refused. */
	public enum Kind {

		/** The file ends in the middle of a header or a packet. */
		TRUNCATED("Capture cut short"),
		/** A length, magic number or field is impossible. */
		CORRUPT("Capture damaged"),
		/**
		 * A valid file of a kind this reader does not read (format, version, link type).
		 */
		UNSUPPORTED("Capture not supported");

		private final String title;

		Kind(String title) {
			this.title = title;
		}

	}

	private final Kind kind;

	/**
	 * @param packet number (1-based, as Wireshark counts) of the packet being read, 0 =
	 * file header
	 * @param offset byte offset in the file where the bad block or record starts
	 */
	public CaptureFormatException(Kind kind, long packet, long offset, String message) {
		super(422, kind.title, message);
		this.kind = kind;
		member("kind", kind.name().toLowerCase(Locale.ROOT));
		member("packet", packet);
		member("offset", offset);
	}

	public Kind kind() {
		return this.kind;
	}

}
