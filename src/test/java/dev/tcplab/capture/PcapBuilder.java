package dev.tcplab.capture;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small captures for tests: TCP/IPv4 segments between a client (10.0.0.2) and a
 * server (10.0.0.1:80) at given times, written as pcap (raw IPv4, either byte order, µs
 * or ns) or pcapng (Ethernet, a chosen timestamp resolution).
 */
final class PcapBuilder {

	static final int CLIENT = 0x0a000002, SERVER = 0x0a000001;

	record Seg(double ms, boolean fromClient, int flags, long seq, long ack, int len, int window, int clientPort) {
	}

	final List<Seg> segs = new ArrayList<>();

	int clientPort = 40000;

	/** Adds a segment at {@code ms} (client→server when {@code c}). */
	PcapBuilder at(double ms, boolean c, int flags, long seq, long ack, int len) {
		this.segs.add(new Seg(ms, c, flags, seq, ack, len, 65535, this.clientPort));
		return this;
	}

	/**
	 * A segment and, 0.05 ms later, the peer's ACK of all it carries (its data, and one
	 * for a FIN).
	 */
	PcapBuilder acked(double ms, boolean c, int flags, long seq, long ack, int len) {
		long next = seq + len + ((flags & TcpPacket.FIN) != 0 ? 1 : 0);
		return at(ms, c, flags, seq, ack, len).at(ms + 0.05, !c, TcpPacket.ACK, ack, next, 0);
	}

	PcapBuilder window(int w) {
		Seg s = this.segs.remove(this.segs.size() - 1);
		this.segs.add(new Seg(s.ms(), s.fromClient(), s.flags(), s.seq(), s.ack(), s.len(), w, s.clientPort()));
		return this;
	}

	PcapBuilder port(int p) {
		this.clientPort = p;
		return this;
	}

	/**
	 * A handshake: SYN at t0, SYN,ACK after {@code server} ms, the ACK {@code client} ms
	 * later.
	 */
	PcapBuilder handshake(double t0, double server, double client, long cisn, long sisn) {
		at(t0, true, TcpPacket.SYN, cisn, 0, 0);
		at(t0 + server, false, TcpPacket.SYN | TcpPacket.ACK, sisn, cisn + 1, 0);
		return at(t0 + server + client, true, TcpPacket.ACK, cisn + 1, sisn + 1, 0);
	}

	static byte[] ipv4(Seg s) {
		ByteBuffer b = ByteBuffer.allocate(40 + s.len());
		b.put((byte) 0x45)
			.put((byte) 0)
			.putShort((short) (40 + s.len()))
			.putInt(0)
			.put((byte) 64)
			.put((byte) 6)
			.putShort((short) 0);
		b.putInt(s.fromClient() ? CLIENT : SERVER).putInt(s.fromClient() ? SERVER : CLIENT);
		b.putShort((short) (s.fromClient() ? s.clientPort() : 80))
			.putShort((short) (s.fromClient() ? 80 : s.clientPort()));
		b.putInt((int) s.seq())
			.putInt((int) s.ack())
			.put((byte) 0x50)
			.put((byte) s.flags())
			.putShort((short) s.window())
			.putInt(0);
		return b.array();
	}

	/**
	 * Puts the 24-byte pcap file header (version 2.4) in the buffer's byte order: the
	 * magic number of micro- or nanosecond timestamps, the snapshot length and the link
	 * type (1 Ethernet, 101 raw IP).
	 */
	static ByteBuffer fileHeader(ByteBuffer b, boolean nanos, int snaplen, int linkType) {
		return b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4)
			.putShort((short) 2)
			.putShort((short) 4)
			.putInt(0)
			.putInt(0)
			.putInt(snaplen)
			.putInt(linkType);
	}

	byte[] pcap(boolean bigEndian, boolean nanos) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteBuffer h = ByteBuffer.allocate(24).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
		fileHeader(h, nanos, 65535, 101);
		out.writeBytes(h.array());
		long base = 1_800_000_000L;
		for (Seg s : this.segs) {
			byte[] p = ipv4(s);
			long ns = Math.round(s.ms() * 1e6);
			ByteBuffer r = ByteBuffer.allocate(16).order(h.order());
			r.putInt((int) (base + ns / 1_000_000_000L))
				.putInt((int) (nanos ? ns % 1_000_000_000L : ns % 1_000_000_000L / 1000))
				.putInt(p.length)
				.putInt(p.length);
			out.writeBytes(r.array());
			out.writeBytes(p);
		}
		return out.toByteArray();
	}

	/**
	 * pcapng, little-endian, one Ethernet interface with {@code if_tsresol} =
	 * 10^-resolution s.
	 */
	byte[] pcapng(int resolution) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteBuffer shb = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
		shb.putInt(0x0A0D0D0A)
			.putInt(28)
			.putInt(0x1A2B3C4D)
			.putShort((short) 1)
			.putShort((short) 0)
			.putLong(-1)
			.putInt(28);
		out.writeBytes(shb.array());
		ByteBuffer idb = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
		idb.putInt(1).putInt(32).putShort((short) 1).putShort((short) 0).putInt(0);
		idb.putShort((short) 9).putShort((short) 1).put((byte) resolution).put(new byte[3]);
		idb.putShort((short) 0).putShort((short) 0).putInt(32);
		out.writeBytes(idb.array());
		// a name resolution block, to be skipped
		ByteBuffer nrb = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
		nrb.putInt(4).putInt(16).putInt(0).putInt(16);
		out.writeBytes(nrb.array());
		long base = 1_800_000_000L;
		for (Seg s : this.segs) {
			byte[] ip = ipv4(s);
			byte[] frame = new byte[14 + ip.length];
			frame[12] = 0x08;
			System.arraycopy(ip, 0, frame, 14, ip.length);
			int padded = (frame.length + 3) & ~3;
			int len = 32 + padded;
			long units = Math.round((base + s.ms() / 1000) * Math.pow(10, resolution));
			ByteBuffer epb = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
			epb.putInt(6)
				.putInt(len)
				.putInt(0)
				.putInt((int) (units >>> 32))
				.putInt((int) units)
				.putInt(frame.length)
				.putInt(frame.length)
				.put(frame);
			epb.position(28 + padded);
			epb.putInt(len);
			out.writeBytes(epb.array());
		}
		return out.toByteArray();
	}

}
