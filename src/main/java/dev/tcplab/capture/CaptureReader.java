package dev.tcplab.capture;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import dev.tcplab.capture.CaptureFormatException.Kind;

/**
 * Streams the packets of a pcap or pcapng file, one reused {@link Frame} at a time, with
 * memory bounded by the largest packet (never by the file). Only the container is read
 * here; {@link PacketDecoder} reads the link, IP and TCP headers.
 * <ul>
 * <li>pcap (libpcap): both byte orders, microsecond ({@code a1b2c3d4}) and nanosecond
 * ({@code a1b23c4d}) timestamps, version 2.4.</li>
 * <li>pcapng: Section Header, Interface Description (link type, {@code if_tsresol},
 * {@code if_tsoffset}), Enhanced and Simple Packet blocks, the obsolete Packet block;
 * every other block is skipped by its length. Several sections and byte orders in one
 * file are read.</li>
 * </ul>
 * Why not a library: see docs/captures.md ("The file reader").
 */
public final class CaptureReader {

	/** Longest packet record accepted (tcpdump's default snap length is 262 144). */
	public static final int MAX_RECORD = 262_144;

	/** Longest pcapng block of another kind (skipped unread). */
	static final long MAX_OTHER_BLOCK = 16L << 20;

	private static final int PCAP_MAGIC_US = 0xa1b2c3d4, PCAP_MAGIC_NS = 0xa1b23c4d, PCAPNG_SHB = 0x0A0D0D0A,
			BYTE_ORDER_MAGIC = 0x1A2B3C4D;

	/**
	 * What is needed to read a record at a known offset: the format, byte order and the
	 * interfaces of its section. Immutable; a new interface makes a new context.
	 */
	public record Context(boolean pcapng, boolean bigEndian, List<Interface> interfaces) {
	}

	/**
	 * One capture interface: its link type, nanoseconds per timestamp unit, and the
	 * offset in seconds added to its timestamps.
	 */
	public record Interface(int linkType, long unitNanos, double unitDivisor, long offsetSeconds) {

		long nanos(long units) {
			long t = this.unitDivisor > 0 ? Math.round(units * (1e9 / this.unitDivisor)) : units * this.unitNanos;
			return t + this.offsetSeconds * 1_000_000_000L;
		}

	}

	/** One packet record. The reader refills the same frame on every call. */
	public static final class Frame {

		/** 1-based packet number, as Wireshark and tshark count. */
		public long number;

		/** Byte offset of the record (pcap) or block (pcapng) in the file. */
		public long offset;

		/** Capture timestamp, nanoseconds since the epoch. */
		public long timeNanos;

		public int linkType;

		/** Captured bytes: {@code data[0..capturedLength)}. */
		public byte[] data = new byte[2048];

		public int capturedLength;

		/** Length on the wire (may exceed the captured length: snap length). */
		public int originalLength;

		/** The context this record was read in (to read it again later). */
		public Context context;

	}

	private final InputStream in;

	private final byte[] buf = new byte[1 << 16];

	private int pos, lim;

	private long offset;

	private long number;

	private Context context;

	private final boolean allowTruncated;

	private boolean eof;

	/**
	 * A reader of a whole file from its first byte.
	 * @param allowTruncated a file cut short in its last record ends there instead of
	 * failing
	 */
	public CaptureReader(InputStream in, boolean allowTruncated) throws IOException {
		this.in = in;
		this.allowTruncated = allowTruncated;
		readFileHeader();
	}

	/**
	 * A reader that continues at {@code offset} (the start of a record or block read
	 * before in {@code context}), numbering the next packet {@code number}.
	 */
	public CaptureReader(InputStream in, Context context, long offset, long number) {
		this.in = in;
		this.allowTruncated = true;
		this.context = context;
		this.offset = offset;
		this.number = number - 1;
	}

	public Context context() {
		return this.context;
	}

	/** Bytes consumed so far. */
	public long offset() {
		return this.offset;
	}

	/**
	 * Reads the next packet into {@code f}.
	 * @return false at the end of the file
	 * @throws CaptureFormatException for a damaged or cut-short file
	 */
	public boolean next(Frame f) throws IOException {
		while (true) {
			if (this.eof) {
				return false;
			}
			long start = this.offset;
			if (!fill(1)) {
				this.eof = true;
				return false;
			}
			boolean got = this.context.pcapng() ? nextBlock(f, start) : nextRecord(f, start);
			if (got) {
				return true;
			}
		}
	}

	private void readFileHeader() throws IOException {
		if (!fill(4)) {
			throw new CaptureFormatException(Kind.TRUNCATED, 0, 0, "the file is empty: expected a pcap or pcapng file");
		}
		int be = peekInt(0, true);
		if (be == PCAPNG_SHB) {
			this.context = new Context(true, true, List.of());
			return;
		}
		boolean big;
		boolean ns;
		if (be == PCAP_MAGIC_US || be == PCAP_MAGIC_NS) {
			big = true;
			ns = be == PCAP_MAGIC_NS;
		}
		else if (Integer.reverseBytes(be) == PCAP_MAGIC_US || Integer.reverseBytes(be) == PCAP_MAGIC_NS) {
			big = false;
			ns = Integer.reverseBytes(be) == PCAP_MAGIC_NS;
		}
		else {
			throw new CaptureFormatException(Kind.UNSUPPORTED, 0, 0, String.format(
					"not a pcap or pcapng file (magic %08x); save it as pcap or pcapng, e.g. tshark -r FILE -w out.pcapng",
					be));
		}
		requireBytes(24, 0, "the pcap file header");
		int major = peekShort(4, big);
		int minor = peekShort(6, big);
		if (major != 2) {
			throw new CaptureFormatException(Kind.UNSUPPORTED, 0, 0,
					"pcap version " + major + "." + minor + " is not supported (only 2.4)");
		}
		int linkType = peekInt(20, big) & 0xFFFF; // the upper bits carry the FCS length
		consume(24);
		this.context = new Context(false, big, List.of(new Interface(linkType, ns ? 1 : 1000, 0, 0)));
	}

	private boolean nextRecord(Frame f, long start) throws IOException {
		if (!fill(16)) {
			return truncated(start, "a packet header");
		}
		boolean big = this.context.bigEndian();
		long sec = peekInt(0, big) & 0xFFFFFFFFL;
		long frac = peekInt(4, big) & 0xFFFFFFFFL;
		int incl = peekInt(8, big);
		int orig = peekInt(12, big);
		Interface itf = this.context.interfaces().get(0);
		if (incl < 0 || incl > MAX_RECORD) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start, "packet " + (this.number + 1)
					+ " claims " + Integer.toUnsignedString(incl) + " captured bytes (at most " + MAX_RECORD + ")");
		}
		if (frac >= (itf.unitNanos() == 1 ? 1_000_000_000L : 1_000_000L)) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
					"packet " + (this.number + 1) + " has an impossible timestamp fraction " + frac);
		}
		consume(16);
		if (!readInto(f, incl)) {
			return truncated(start, "packet data");
		}
		f.number = ++this.number;
		f.offset = start;
		f.timeNanos = sec * 1_000_000_000L + frac * itf.unitNanos();
		f.linkType = itf.linkType();
		f.capturedLength = incl;
		f.originalLength = Math.max(orig, incl);
		f.context = this.context;
		return true;
	}

	private boolean nextBlock(Frame f, long start) throws IOException {
		if (!fill(8)) {
			return truncated(start, "a block header");
		}
		int typeBe = peekInt(0, true);
		if (typeBe == PCAPNG_SHB) {
			readSectionHeader(start);
			return false;
		}
		boolean big = this.context.bigEndian();
		int type = peekInt(0, big);
		long length = peekInt(4, big) & 0xFFFFFFFFL;
		if (length < 12 || length % 4 != 0) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
					"pcapng block at offset " + start + " has an impossible length " + length);
		}
		switch (type) {
			case 1 -> {
				readInterface(start, length);
				return false;
			}
			case 6, 2 -> {
				return readEnhanced(f, start, length, type == 2);
			}
			case 3 -> {
				return readSimple(f, start, length);
			}
			default -> {
				if (length > MAX_OTHER_BLOCK) {
					throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
							"pcapng block of type " + type + " at offset " + start + " is " + length + " bytes long");
				}
				consume(8);
				if (!skip(length - 8)) {
					return truncated(start, "a block");
				}
				return false;
			}
		}
	}

	private void readSectionHeader(long start) throws IOException {
		requireBytes(28, start, "a section header");
		int bom = peekInt(8, true);
		boolean big;
		if (bom == BYTE_ORDER_MAGIC) {
			big = true;
		}
		else if (Integer.reverseBytes(bom) == BYTE_ORDER_MAGIC) {
			big = false;
		}
		else {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
					String.format("pcapng section header with an unknown byte-order magic %08x", bom));
		}
		long length = peekInt(4, big) & 0xFFFFFFFFL;
		int major = peekShort(12, big);
		if (major != 1) {
			throw new CaptureFormatException(Kind.UNSUPPORTED, this.number + 1, start,
					"pcapng version " + major + " is not supported (only 1.x)");
		}
		if (length < 28 || length % 4 != 0 || length > MAX_OTHER_BLOCK) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
					"pcapng section header with an impossible length " + length);
		}
		this.context = new Context(true, big, List.of());
		consume(8);
		if (!skip(length - 8)) {
			truncated(start, "a section header");
		}
	}

	private void readInterface(long start, long length) throws IOException {
		if (length > 65_536) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
					"pcapng interface block is " + length + " bytes long");
		}
		requireBytes((int) length, start, "an interface description");
		boolean big = this.context.bigEndian();
		int linkType = peekShort(8, big);
		long unitNanos = 1000;
		double divisor = 0;
		long tsOffset = 0;
		int p = 16;
		int end = (int) length - 4;
		while (p + 4 <= end) {
			int code = peekShort(p, big);
			int len = peekShort(p + 2, big);
			if (code == 0) {
				break;
			}
			if (p + 4 + len > end) {
				throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
						"pcapng interface option " + code + " runs past its block");
			}
			if (code == 9 && len >= 1) {
				int r = this.buf[this.pos + p + 4] & 0xFF;
				int exp = r & 0x7F;
				if ((r & 0x80) == 0) {
					if (exp > 9) {
						// finer than a nanosecond: divide
						divisor = Math.pow(10, exp);
						unitNanos = 0;
					}
					else {
						unitNanos = (long) Math.pow(10, 9 - exp);
					}
				}
				else {
					divisor = Math.pow(2, exp);
					unitNanos = 0;
				}
			}
			else if (code == 14 && len == 8) {
				tsOffset = peekLong(p + 4, big);
			}
			p += 4 + ((len + 3) & ~3);
		}
		List<Interface> itfs = new ArrayList<>(this.context.interfaces());
		itfs.add(new Interface(linkType, unitNanos, divisor, tsOffset));
		this.context = new Context(true, big, List.copyOf(itfs));
		consume((int) length);
	}

	private boolean readEnhanced(Frame f, long start, long length, boolean obsolete) throws IOException {
		if (length > MAX_RECORD + 64L * 1024) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
					"packet " + (this.number + 1) + ": pcapng block of " + length + " bytes");
		}
		if (!fill(28)) {
			return truncated(start, "a packet block");
		}
		boolean big = this.context.bigEndian();
		int itfId = obsolete ? peekShort(8, big) : peekInt(8, big);
		long hi = peekInt(12, big) & 0xFFFFFFFFL;
		long lo = peekInt(16, big) & 0xFFFFFFFFL;
		int incl = peekInt(20, big);
		int orig = peekInt(24, big);
		if (itfId < 0 || itfId >= this.context.interfaces().size()) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start, "packet " + (this.number + 1)
					+ " names interface " + itfId + " but the section describes " + this.context.interfaces().size());
		}
		if (incl < 0 || incl > length - 32) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start, "packet " + (this.number + 1)
					+ " claims " + Integer.toUnsignedString(incl) + " captured bytes in a block of " + length);
		}
		consume(28);
		if (!readInto(f, incl)) {
			return truncated(start, "packet data");
		}
		if (!skip(length - 28 - incl)) {
			return truncated(start, "a packet block's options");
		}
		Interface itf = this.context.interfaces().get(itfId);
		f.number = ++this.number;
		f.offset = start;
		f.timeNanos = itf.nanos((hi << 32) | lo);
		f.linkType = itf.linkType();
		f.capturedLength = incl;
		f.originalLength = Math.max(orig, incl);
		f.context = this.context;
		return true;
	}

	private boolean readSimple(Frame f, long start, long length) throws IOException {
		if (length > MAX_RECORD + 16 || this.context.interfaces().isEmpty()) {
			throw new CaptureFormatException(Kind.CORRUPT, this.number + 1, start,
					"packet " + (this.number + 1) + ": bad simple packet block");
		}
		if (!fill(12)) {
			return truncated(start, "a packet block");
		}
		int orig = peekInt(8, this.context.bigEndian());
		int incl = (int) Math.min(orig & 0xFFFFFFFFL, length - 16);
		consume(12);
		if (!readInto(f, incl) || !skip(length - 12 - incl)) {
			return truncated(start, "packet data");
		}
		Interface itf = this.context.interfaces().get(0);
		f.number = ++this.number;
		f.offset = start;
		f.timeNanos = Long.MIN_VALUE; // no timestamp: the analyser uses the previous one
		f.linkType = itf.linkType();
		f.capturedLength = incl;
		f.originalLength = Math.max(orig, incl);
		f.context = this.context;
		return true;
	}

	private boolean truncated(long start, String what) {
		if (this.allowTruncated) {
			this.eof = true;
			return false;
		}
		throw new CaptureFormatException(Kind.TRUNCATED, this.number + 1, start, "the file ends in the middle of "
				+ what + " (packet " + (this.number + 1) + ", offset " + start
				+ "): it was cut short, e.g. copied while tcpdump was still writing; send it with ?allowTruncated=true to read the packets before");
	}

	private void requireBytes(int n, long start, String what) throws IOException {
		if (!fill(n)) {
			throw new CaptureFormatException(Kind.TRUNCATED, this.number + 1, start,
					"the file ends in the middle of " + what + " (offset " + start + ")");
		}
	}

	/** Reads n bytes into the frame's array (grown as needed). */
	private boolean readInto(Frame f, int n) throws IOException {
		if (f.data.length < n) {
			f.data = new byte[Math.max(n, f.data.length * 2)];
		}
		int done = 0;
		while (done < n) {
			if (this.pos == this.lim && !refill()) {
				return false;
			}
			int k = Math.min(n - done, this.lim - this.pos);
			System.arraycopy(this.buf, this.pos, f.data, done, k);
			this.pos += k;
			done += k;
			this.offset += k;
		}
		return true;
	}

	private boolean skip(long n) throws IOException {
		while (n > 0) {
			if (this.pos == this.lim && !refill()) {
				return false;
			}
			int k = (int) Math.min(n, this.lim - this.pos);
			this.pos += k;
			this.offset += k;
			n -= k;
		}
		return true;
	}

	private void consume(int n) {
		this.pos += n;
		this.offset += n;
	}

	/** Makes at least n bytes available at pos (n ≤ buffer size). */
	private boolean fill(int n) throws IOException {
		if (this.lim - this.pos >= n) {
			return true;
		}
		if (n > this.buf.length) {
			throw new IllegalStateException("fill " + n);
		}
		System.arraycopy(this.buf, this.pos, this.buf, 0, this.lim - this.pos);
		this.lim -= this.pos;
		this.pos = 0;
		while (this.lim < n) {
			int r = this.in.read(this.buf, this.lim, this.buf.length - this.lim);
			if (r < 0) {
				return false;
			}
			this.lim += r;
		}
		return true;
	}

	private boolean refill() throws IOException {
		this.pos = 0;
		this.lim = 0;
		int r = this.in.read(this.buf, 0, this.buf.length);
		if (r < 0) {
			return false;
		}
		this.lim = r;
		return true;
	}

	private int peekInt(int at, boolean big) {
		int i = this.pos + at;
		int v = (this.buf[i] & 0xFF) << 24 | (this.buf[i + 1] & 0xFF) << 16 | (this.buf[i + 2] & 0xFF) << 8
				| (this.buf[i + 3] & 0xFF);
		return big ? v : Integer.reverseBytes(v);
	}

	private int peekShort(int at, boolean big) {
		int i = this.pos + at;
		int v = (this.buf[i] & 0xFF) << 8 | (this.buf[i + 1] & 0xFF);
		return big ? v : Integer.reverseBytes(v) >>> 16;
	}

	private long peekLong(int at, boolean big) {
		long hi = peekInt(at, big) & 0xFFFFFFFFL;
		long lo = peekInt(at + 4, big) & 0xFFFFFFFFL;
		return big ? (hi << 32 | lo) : (lo << 32 | hi);
	}

	static EOFException eof() {
		return new EOFException();
	}

}
