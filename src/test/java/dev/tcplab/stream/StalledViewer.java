package dev.tcplab.stream;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A WebSocket client on a plain socket with a tiny receive buffer that completes the
 * handshake and then stops reading, like a browser tab frozen by the debugger. Later it
 * can read everything that did arrive, frame by frame.
 */
final class StalledViewer implements AutoCloseable {

	record Frame(boolean fin, int opcode, byte[] payload) {
		String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		int closeCode() {
			return this.payload.length < 2 ? 1005 : ((this.payload[0] & 0xff) << 8) | (this.payload[1] & 0xff);
		}

		String closeReason() {
			return this.payload.length <= 2 ? ""
					: new String(this.payload, 2, this.payload.length - 2, StandardCharsets.UTF_8);
		}
	}

	private final Socket socket = new Socket();

	/** Why {@link #readAll} stopped before a close frame, if it did. */
	volatile Exception ending;

	private final DataInputStream in;

	StalledViewer(int port, String path) throws IOException {
		this.socket.setReceiveBufferSize(4096);
		this.socket.connect(new InetSocketAddress("localhost", port), 5000);
		this.socket.setSoTimeout(10_000);
		OutputStream out = this.socket.getOutputStream();
		String key = Base64.getEncoder().encodeToString("tcplab-stalled-1".getBytes(StandardCharsets.US_ASCII));
		out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		out.flush();
		InputStream raw = this.socket.getInputStream();
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int b;
		while ((b = raw.read()) != -1) {
			head.write(b);
			byte[] h = head.toByteArray();
			int n = h.length;
			if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
				break;
			}
		}
		String status = head.toString(StandardCharsets.US_ASCII);
		if (!status.startsWith("HTTP/1.1 101")) {
			throw new IOException("handshake refused: " + status);
		}
		this.in = new DataInputStream(raw);
	}

	/** Reads frames until the close frame or the end of the stream. */
	List<Frame> readAll() throws IOException {
		List<Frame> frames = new ArrayList<>();
		try {
			while (true) {
				int b0 = this.in.readUnsignedByte();
				int b1 = this.in.readUnsignedByte();
				long len = b1 & 0x7f;
				if (len == 126) {
					len = this.in.readUnsignedShort();
				}
				else if (len == 127) {
					len = this.in.readLong();
				}
				byte[] payload = new byte[(int) len];
				this.in.readFully(payload);
				Frame f = new Frame((b0 & 0x80) != 0, b0 & 0x0f, payload);
				frames.add(f);
				if (f.opcode() == 8) {
					return frames;
				}
			}
		}
		catch (EOFException | SocketTimeoutException | java.net.SocketException ex) {
			this.ending = ex;
			return frames;
		}
	}

	/** Text messages (fragments joined) among the frames. */
	static List<String> texts(List<Frame> frames) {
		List<String> texts = new ArrayList<>();
		ByteArrayOutputStream current = new ByteArrayOutputStream();
		for (Frame f : frames) {
			if (f.opcode() == 1 || f.opcode() == 0) {
				current.writeBytes(f.payload());
				if (f.fin()) {
					texts.add(current.toString(StandardCharsets.UTF_8));
					current.reset();
				}
			}
		}
		return texts;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
