package dev.tcplab.capture;

/**
 * A capture file this reader cannot use: cut short, damaged, or in a format or link type
 * it does not read. The API answers it with 422 problem+json naming the {@link #kind()},
 * the packet number and the byte offset where reading stopped.
 */
public class CaptureFormatException extends RuntimeException {

	/** Why the file was refused. */
	public enum Kind {

		/** The file ends in the middle of a header or a packet. */
		TRUNCATED,
		/** A length, magic number or field is impossible. */
		CORRUPT,
		/**
		 * A valid file of a kind this reader does not read (format, version, link type).
		 */
		UNSUPPORTED

	}

	private final Kind kind;

	private final long packet;

	private final long offset;

	public CaptureFormatException(Kind kind, long packet, long offset, String message) {
		super(message);
		this.kind = kind;
		this.packet = packet;
		this.offset = offset;
	}

	public Kind kind() {
		return this.kind;
	}

	/**
	 * Number (1-based, as Wireshark counts) of the packet being read, 0 = file header.
	 */
	public long packet() {
		return this.packet;
	}

	/** Byte offset in the file where the bad block or record starts. */
	public long offset() {
		return this.offset;
	}

}
