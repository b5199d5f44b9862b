package dev.tcplab.export;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import dev.tcplab.engine.TraceEvent;

/**
 * Writes the segments of a trace as a classic libpcap file
 * (https://wiki.wireshark.org/Development/LibpcapFileFormat) with link type LINKTYPE_RAW
 * (101): each record is one IPv4 packet (RFC 791) carrying one TCP segment (RFC 9293
 * §3.1), with correct header checksums (RFC 1071) and the virtual time as timestamp.
 * Payload content is not modelled, so payload bytes are zeros of the segment's length.
 * <p>
 * One record per segment as it left its sender: the {@code sent} events of the trace. A
 * segment that the network later dropped was still sent, so it is in the capture (as a
 * capture at the sender would show it).
 */
public final class PcapWriter {

	/** Media type registered for pcap files. */
	public static final String MEDIA_TYPE = "application/vnd.tcpdump.pcap";

	static final int LINKTYPE_RAW = 101;

	static final int SNAPLEN = 65535;

	private PcapWriter() {
	}

	/**
	 * The pcap file of every {@code sent} segment event in {@code events}, in trace
	 * order.
	 */
	public static byte[] write(List<TraceEvent> events) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(24 + events.size() * 56);
		ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
		header.putInt(0xa1b2c3d4); // microsecond timestamps
		header.putShort((short) 2).putShort((short) 4); // version 2.4
		header.putInt(0); // thiszone
		header.putInt(0); // sigfigs
		header.putInt(SNAPLEN);
		header.putInt(LINKTYPE_RAW);
		out.writeBytes(header.array());
		for (TraceEvent e : events) {
			if (e instanceof TraceEvent.Segment s && "sent".equals(s.event())) {
				byte[] packet = packet(s);
				long micros = Math.round(s.timeMs() * 1000.0);
				ByteBuffer rec = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
				rec.putInt((int) (micros / 1_000_000));
				rec.putInt((int) (micros % 1_000_000));
				int captured = Math.min(packet.length, SNAPLEN);
				rec.putInt(captured);
				rec.putInt(packet.length);
				out.writeBytes(rec.array());
				out.write(packet, 0, captured);
			}
		}
		return out.toByteArray();
	}

	/** One IPv4 packet with the TCP segment of {@code s}. */
	static byte[] packet(TraceEvent.Segment s) {
		byte[] src = address(s.src());
		byte[] dst = address(s.dst());
		int srcPort = port(s.src());
		int dstPort = port(s.dst());
		byte[] options = options(s.options());
		int len = Math.max(0, Math.min(s.len(), SNAPLEN - 40 - options.length));
		int total = 20 + 20 + options.length + len;
		ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.BIG_ENDIAN);
		// IPv4 header (RFC 791 §3.1)
		b.put((byte) 0x45); // version 4, IHL 5
		b.put((byte) 0); // DSCP/ECN
		b.putShort((short) total);
		b.putShort((short) (s.id() & 0xffff)); // identification
		b.putShort((short) 0x4000); // DF, fragment offset 0
		b.put((byte) 64); // TTL
		b.put((byte) 6); // protocol TCP
		b.putShort((short) 0); // checksum placeholder
		b.put(src).put(dst);
		// TCP header (RFC 9293 §3.1)
		b.putShort((short) srcPort);
		b.putShort((short) dstPort);
		b.putInt((int) s.tcpSeq());
		b.putInt((int) s.ack());
		int flags = 0;
		for (String f : s.flags()) {
			flags |= switch (f) {
				case "FIN" -> 0x01;
				case "SYN" -> 0x02;
				case "RST" -> 0x04;
				case "PSH" -> 0x08;
				case "ACK" -> 0x10;
				case "URG" -> 0x20;
				default -> 0;
			};
		}
		// data offset: 5 words plus the options
		b.putShort((short) (((5 + options.length / 4) << 12) | flags));
		b.putShort((short) Math.max(0, Math.min(0xffff, s.window())));
		b.putShort((short) 0); // checksum placeholder
		b.putShort((short) 0); // urgent pointer
		b.put(options);
		// payload: zeros (content is not modelled)
		byte[] p = b.array();
		int ipSum = checksum(p, 0, 20, 0);
		p[10] = (byte) (ipSum >>> 8);
		p[11] = (byte) ipSum;
		int tcpLen = 20 + options.length + len;
		long pseudo = sum16(src, 0, 4) + sum16(dst, 0, 4) + 6 + tcpLen;
		int tcpSum = checksum(p, 20, tcpLen, pseudo);
		p[36] = (byte) (tcpSum >>> 8);
		p[37] = (byte) tcpSum;
		return p;
	}

	/**
	 * The segment's TCP options as bytes (RFC 9293 §3.2, RFC 7323, RFC 2018) in the order
	 * Linux writes them: MSS, SACK permitted, Timestamps, NOP + Window Scale, NOP NOP +
	 * SACK blocks; padded with End of Option List to a multiple of 4 bytes. Without them
	 * a reader cannot scale the windows of the connection.
	 */
	static byte[] options(java.util.Map<String, Object> options) {
		if (options == null || options.isEmpty()) {
			return new byte[0];
		}
		java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
		if (options.get("mss") instanceof Number mss) {
			o.write(2);
			o.write(4);
			o.write(mss.intValue() >>> 8);
			o.write(mss.intValue());
		}
		if (Boolean.TRUE.equals(options.get("sackOk"))) {
			o.write(4);
			o.write(2);
		}
		if (options.get("tsVal") instanceof Number val && options.get("tsEcr") instanceof Number ecr) {
			o.write(8);
			o.write(10);
			writeInt(o, val.longValue());
			writeInt(o, ecr.longValue());
		}
		if (options.get("wscale") instanceof Number shift) {
			o.write(1);
			o.write(3);
			o.write(3);
			o.write(shift.intValue());
		}
		if (options.get("sack") instanceof java.util.List<?> blocks && !blocks.isEmpty()) {
			o.write(1);
			o.write(1);
			o.write(5);
			o.write(2 + 8 * blocks.size());
			for (Object block : blocks) {
				java.util.List<?> edges = (java.util.List<?>) block;
				writeInt(o, ((Number) edges.get(0)).longValue());
				writeInt(o, ((Number) edges.get(1)).longValue());
			}
		}
		while (o.size() % 4 != 0) {
			o.write(0);
		}
		return o.toByteArray();
	}

	private static void writeInt(java.io.ByteArrayOutputStream o, long v) {
		o.write((int) (v >>> 24));
		o.write((int) (v >>> 16));
		o.write((int) (v >>> 8));
		o.write((int) v);
	}

	/** Internet checksum (RFC 1071) of data[off, off+len) plus an initial partial sum. */
	static int checksum(byte[] data, int off, int len, long initial) {
		long sum = initial + sum16(data, off, len);
		while ((sum >>> 16) != 0) {
			sum = (sum & 0xffff) + (sum >>> 16);
		}
		return (int) (~sum & 0xffff);
	}

	private static long sum16(byte[] data, int off, int len) {
		long sum = 0;
		int i = off;
		for (; i + 1 < off + len; i += 2) {
			sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
		}
		if (i < off + len) {
			sum += (data[i] & 0xff) << 8;
		}
		return sum;
	}

	static byte[] address(String endpoint) {
		String host = endpoint == null ? "0.0.0.0" : endpoint.substring(0, Math.max(0, endpoint.lastIndexOf(':')));
		String[] parts = host.split("\\.");
		byte[] a = new byte[4];
		if (parts.length == 4) {
			for (int i = 0; i < 4; i++) {
				try {
					a[i] = (byte) Integer.parseInt(parts[i]);
				}
				catch (NumberFormatException ex) {
					a[i] = 0;
				}
			}
		}
		return a;
	}

	static int port(String endpoint) {
		if (endpoint == null || endpoint.lastIndexOf(':') < 0) {
			return 0;
		}
		try {
			return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)) & 0xffff;
		}
		catch (NumberFormatException ex) {
			return 0;
		}
	}

}
