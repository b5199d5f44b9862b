package dev.tcplab.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Writes a large synthetic capture for the scale harness (docs/performance.md,
 * "Captures"): Ethernet, IPv4, connections starting every 10 ms of capture time from 64
 * client addresses to 4 servers, with mixed teardowns — the client or the server closing
 * first, abort with RST, close with unread data (RST), a lost last ACK (the FIN resent),
 * a closed port, half-close, a slow CLOSE_WAIT, simultaneous close, connections seen
 * without their handshake, and a client port reused inside TIME_WAIT. Deterministic for a
 * seed. Payload bytes are zeros.
 */
final class ScaleCaptureGenerator {

	private static final int SYN = TcpPacket.SYN, ACK = TcpPacket.ACK, FIN = TcpPacket.FIN, RST = TcpPacket.RST,
			PSH = TcpPacket.PSH;

	/** One packet to write. */
	private record Pkt(long timeUs, int src, int dst, int sport, int dport, long seq, long ack, int flags, int len,
			int window) {
	}

	/**
	 * One end of a generated connection: its address, port and the window it advertises
	 * (none on a RST).
	 */
	private record End(int addr, int port, int window) {

		Pkt to(End peer, long t, long seq, long ack, int flags, int len) {
			return new Pkt(t, this.addr, peer.addr, this.port, peer.port, seq, ack, flags, len,
					(flags & RST) != 0 ? 0 : this.window);
		}

	}

	/** A connection's packets, written in time order with everyone else's. */
	private static final class Conn implements Comparable<Conn> {

		final List<Pkt> pkts = new ArrayList<>();

		int next;

		long at() {
			return this.pkts.get(this.next).timeUs();
		}

		@Override
		public int compareTo(Conn o) {
			return Long.compare(at(), o.at());
		}

	}

	private final Random rnd;

	private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

	private long packets, connections;

	ScaleCaptureGenerator(long seed) {
		this.rnd = new Random(seed);
	}

	/** Writes connections until the file reaches {@code targetBytes}. */
	void write(Path file, long targetBytes, int minConnections) throws IOException {
		try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.TRUNCATE_EXISTING)) {
			this.buf.clear();
			PcapBuilder.fileHeader(this.buf, false, 262144, 1);
			PriorityQueue<Conn> live = new PriorityQueue<>();
			long written = 0;
			long start = 1_700_000_000_000_000L;
			int[] lastPort = new int[64];
			long i = 0;
			while (written < targetBytes || this.connections < minConnections) {
				long t = start + i * 10_000;
				// everything due before this connection starts goes out first
				while (!live.isEmpty() && live.peek().at() <= t) {
					written += drain(ch, live, t);
				}
				Conn c = connection(t, i, lastPort);
				if (!c.pkts.isEmpty()) {
					live.add(c);
				}
				i++;
			}
			written += drain(ch, live, Long.MAX_VALUE);
			flush(ch);
		}
	}

	long packets() {
		return this.packets;
	}

	long connections() {
		return this.connections;
	}

	private long drain(FileChannel ch, PriorityQueue<Conn> live, long until) throws IOException {
		long bytes = 0;
		while (!live.isEmpty() && live.peek().at() <= until) {
			Conn c = live.poll();
			bytes += put(ch, c.pkts.get(c.next++));
			if (c.next < c.pkts.size()) {
				live.add(c);
			}
		}
		return bytes;
	}

	private Conn connection(long t, long n, int[] lastPort) {
		this.connections++;
		Conn c = new Conn();
		int ci = (int) (n % 64);
		int client = 0x0a000000 | (1 << 16) | ci + 1;
		int server = 0x0a000000 | (2 << 16) | (int) (n % 4) + 1;
		int cport;
		boolean reuse = this.rnd.nextInt(100) == 0 && lastPort[ci] != 0;
		cport = reuse ? lastPort[ci] : 32768 + (int) ((n / 64) % 28000);
		lastPort[ci] = cport;
		int sport = 443;
		long cisn = this.rnd.nextInt() & 0xFFFFFFFFL, sisn = this.rnd.nextInt() & 0xFFFFFFFFL;
		long rtt = 200 + this.rnd.nextInt(20_000); // µs
		int kind = this.rnd.nextInt(100);
		List<Pkt> p = c.pkts;
		if (kind < 5) { // closed port
			p.add(new Pkt(t, client, server, cport, 9, cisn, 0, SYN, 0, 64240));
			p.add(new Pkt(t + rtt, server, client, 9, cport, 0, cisn + 1, RST | ACK, 0, 0));
			return c;
		}
		long cs = cisn + 1, ss = sisn + 1;
		long now = t;
		boolean handshake = kind >= 8;
		if (handshake) {
			p.add(new Pkt(now, client, server, cport, sport, cisn, 0, SYN, 0, 64240));
			now += rtt / 2;
			p.add(new Pkt(now, server, client, sport, cport, sisn, cs, SYN | ACK, 0, 65160));
			now += rtt / 2;
			p.add(new Pkt(now, client, server, cport, sport, cs, ss, ACK, 0, 502));
		}
		// request
		int req = 200 + this.rnd.nextInt(400);
		now += 100;
		p.add(new Pkt(now, client, server, cport, sport, cs, ss, PSH | ACK, req, 502));
		cs += req;
		now += rtt / 2;
		p.add(new Pkt(now, server, client, sport, cport, ss, cs, ACK, 0, 509));
		// response
		int resp = 2000 + this.rnd.nextInt(14000);
		boolean unread = kind >= 8 && kind < 16;
		if (unread) { // the server closes with the request unread
			p.add(new Pkt(now + 50, server, client, sport, cport, ss, cs, RST | ACK, 0, 0));
			return c;
		}
		now += 200;
		int segs = 0;
		while (resp > 0) {
			int len = Math.min(1448, resp);
			p.add(new Pkt(now, server, client, sport, cport, ss, cs, ACK | (resp == len ? PSH : 0), len, 509));
			ss += len;
			resp -= len;
			now += 10;
			if (++segs % 2 == 0 || resp == 0) {
				p.add(new Pkt(now + rtt, client, server, cport, sport, cs, ss, ACK, 0, 502));
			}
		}
		now += rtt + 1000;
		End cl = new End(client, cport, 502), sv = new End(server, sport, 509);
		if (kind < 26) { // client aborts: SO_LINGER {1,0}
			p.add(cl.to(sv, now, cs, ss, RST | ACK, 0));
		}
		else if (kind < 50) { // client closes first
			p.add(cl.to(sv, now, cs, ss, FIN | ACK, 0));
			now += rtt;
			p.add(sv.to(cl, now, ss, cs + 1, FIN | ACK, 0));
			now += rtt;
			p.add(cl.to(sv, now, cs + 1, ss + 1, ACK, 0));
		}
		else if (kind < 70) { // server closes first
			now = finAcked(p, sv, cl, now, ss, cs, rtt);
			finAcked(p, cl, sv, now + 300, cs, ss + 1, rtt);
		}
		else if (kind < 78) { // lost last ACK: the server's FIN again
			p.add(cl.to(sv, now, cs, ss, FIN | ACK, 0));
			now += rtt;
			p.add(sv.to(cl, now, ss, cs + 1, FIN | ACK, 0));
			p.add(cl.to(sv, now + 10, cs + 1, ss + 1, ACK, 0));
			now += 200_000 + rtt;
			p.add(sv.to(cl, now, ss, cs + 1, FIN | ACK, 0));
			p.add(cl.to(sv, now + 10, cs + 1, ss + 1, ACK, 0));
		}
		else if (kind < 85) { // half-close: the client shuts down, the server still sends
			p.add(cl.to(sv, now, cs, ss, FIN | ACK, 0));
			now += rtt;
			p.add(sv.to(cl, now, ss, cs + 1, PSH | ACK, 1000));
			ss += 1000;
			now += rtt;
			p.add(cl.to(sv, now, cs + 1, ss, ACK, 0));
			finAcked(p, sv, cl, now + 500, ss, cs + 1, rtt);
		}
		else if (kind < 93) { // slow CLOSE_WAIT on the server
			now = finAcked(p, cl, sv, now, cs, ss, rtt);
			finAcked(p, sv, cl, now + 2_000_000, ss, cs + 1, rtt);
		}
		else { // simultaneous close
			p.add(cl.to(sv, now, cs, ss, FIN | ACK, 0));
			p.add(sv.to(cl, now + 5, ss, cs, FIN | ACK, 0));
			now += rtt;
			p.add(cl.to(sv, now, cs + 1, ss + 1, ACK, 0));
			p.add(sv.to(cl, now + 5, ss + 1, cs + 1, ACK, 0));
		}
		return c;
	}

	/**
	 * {@code from} sends FIN at {@code t}; its peer ACKs it {@code rtt} later. Answers
	 * the time of that ACK.
	 */
	private static long finAcked(List<Pkt> p, End from, End to, long t, long seq, long ack, long rtt) {
		p.add(from.to(to, t, seq, ack, FIN | ACK, 0));
		p.add(to.to(from, t + rtt, ack, seq + 1, ACK, 0));
		return t + rtt;
	}

	private long put(FileChannel ch, Pkt p) throws IOException {
		boolean syn = (p.flags() & SYN) != 0;
		int tcpLen = syn ? 24 : 20;
		int frame = 14 + 20 + tcpLen + p.len();
		if (this.buf.remaining() < 16 + frame) {
			flush(ch);
		}
		this.packets++;
		ByteBuffer b = this.buf;
		b.order(ByteOrder.LITTLE_ENDIAN);
		b.putInt((int) (p.timeUs() / 1_000_000)).putInt((int) (p.timeUs() % 1_000_000)).putInt(frame).putInt(frame);
		b.order(ByteOrder.BIG_ENDIAN);
		b.putLong(0x020000000002L << 16 | 0x0200).putInt(0x00000001).putShort((short) 0x0800);
		b.put((byte) 0x45)
			.put((byte) 0)
			.putShort((short) (20 + tcpLen + p.len()))
			.putShort((short) 0)
			.putShort((short) 0x4000)
			.put((byte) 64)
			.put((byte) 6)
			.putShort((short) 0)
			.putInt(p.src())
			.putInt(p.dst());
		b.putShort((short) p.sport()).putShort((short) p.dport()).putInt((int) p.seq()).putInt((int) p.ack());
		b.put((byte) ((tcpLen / 4) << 4)).put((byte) p.flags()).putShort((short) p.window()).putInt(0);
		if (syn) {
			b.putInt(0x020405b4);
		}
		b.position(b.position() + p.len());
		return 16 + frame;
	}

	private void flush(FileChannel ch) throws IOException {
		this.buf.flip();
		while (this.buf.hasRemaining()) {
			ch.write(this.buf);
		}
		this.buf.clear();
		// the payload is zeros: clear what the next packets skip over
		java.util.Arrays.fill(this.buf.array(), (byte) 0);
	}

}
