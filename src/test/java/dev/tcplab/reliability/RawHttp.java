package dev.tcplab.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket bound to a chosen loopback address (127.0.0.x), so one
 * test can act as several clients and send requests no HTTP library would (malformed
 * request lines, bad versions, raw bytes).
 */
public final class RawHttp {

	/**
	 * An answer; status −1 when the server closed without answering, 0 for an HTTP/0.9
	 * answer (no status line, no headers: the body alone).
	 */
	public record Response(int status, Map<String, String> headers, String body, Socket upgraded) {

		public String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

		public boolean isProblemJson() {
			String ct = header("content-type");
			return ct != null && ct.startsWith("application/problem+json");
		}
	}

	private final String local;

	private final int port;

	private final int timeoutMs;

	/**
	 * Whether the request is followed by a half-close (shutdownOutput): a server waiting
	 * for a promised body sees the end. nginx takes it for a client that went away and
	 * drops the request (499), so clients of nginx do not.
	 */
	private final boolean halfClose;

	public RawHttp(String local, int port) {
		this(local, port, true);
	}

	/** A client whose reads give up after {@code timeoutMs} (status −1). */
	RawHttp(String local, int port, int timeoutMs) {
		this(local, port, true, timeoutMs);
	}

	public RawHttp(String local, int port, boolean halfClose) {
		this(local, port, halfClose, halfClose ? 5_000 : 60_000);
	}

	private RawHttp(String local, int port, boolean halfClose, int timeoutMs) {
		this.local = local;
		this.port = port;
		this.halfClose = halfClose;
		this.timeoutMs = timeoutMs;
	}

	public Response get(String path) {
		return send(("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1));
	}

	public Response post(String path, String json) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		byte[] head = ("POST " + path
				+ " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/json\r\n" + "Content-Length: "
				+ body.length + "\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
		return send(concat(head, body));
	}

	/**
	 * A POST with a body of any content type and further header lines ("Name: value").
	 */
	Response post(String path, String contentType, byte[] body, String... headers) {
		StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nConnection: close\r\n");
		boolean host = false;
		for (String h : headers) {
			head.append(h).append("\r\n");
			host |= h.regionMatches(true, 0, "Host:", 0, 5);
		}
		if (!host) {
			head.append("Host: t\r\n");
		}
		if (contentType != null) {
			head.append("Content-Type: ").append(contentType).append("\r\n");
		}
		head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
		return send(concat(head.toString().getBytes(StandardCharsets.ISO_8859_1), body));
	}

	/**
	 * One request with extra header lines ({@code name → value}) and an optional body of
	 * {@code contentType}.
	 */
	public Response request(String method, String path, Map<String, String> headers, String contentType, byte[] body) {
		StringBuilder head = new StringBuilder(method).append(' ')
			.append(path)
			.append(" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
		headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
		if (body != null) {
			head.append("Content-Type: ").append(contentType).append("\r\n");
		}
		head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n\r\n");
		byte[] h = head.toString().getBytes(StandardCharsets.ISO_8859_1);
		return send(body == null ? h : concat(h, body));
	}

	static byte[] concat(byte[] a, byte[] b) {
		byte[] out = new byte[a.length + b.length];
		System.arraycopy(a, 0, out, 0, a.length);
		System.arraycopy(b, 0, out, a.length, b.length);
		return out;
	}

	/** Sends raw bytes on a fresh connection and reads one answer. */
	public Response send(byte[] request) {
		Socket s = new Socket();
		try {
			s.bind(new InetSocketAddress(InetAddress.getByName(this.local), 0));
			s.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
			s.setSoTimeout(this.timeoutMs);
			OutputStream out = s.getOutputStream();
			try {
				out.write(request);
				out.flush();
				if (this.halfClose
						&& !new String(request, StandardCharsets.ISO_8859_1).contains("Upgrade: websocket")) {
					// nothing more will come: a server
					// waiting for a promised body sees the end
					s.shutdownOutput();
				}
			}
			catch (IOException ex) {
				// the server may answer and close before reading everything (413)
			}
			boolean head = request.length > 5 && new String(request, 0, 5, StandardCharsets.ISO_8859_1).equals("HEAD ");
			Response r = read(s, head);
			if (r.upgraded() == null) {
				s.close();
			}
			return r;
		}
		catch (IOException ex) {
			closeQuietly(s);
			return new Response(-1, Map.of(), String.valueOf(ex), null);
		}
	}

	private static Response read(Socket s, boolean headOnly) throws IOException {
		return read(s.getInputStream(), s, headOnly);
	}

	/**
	 * Reads one answer from a connection that stays open (keep-alive): {@code in} should
	 * be buffered, as it is read a byte at a time up to the body.
	 */
	public static Response readAnswer(InputStream in) throws IOException {
		return read(in, null, false);
	}

	private static Response read(InputStream in, Socket s, boolean headOnly) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int state = 0;
		while (state < 4) {
			int b = in.read();
			if (b < 0) {
				if (head.size() == 0) {
					return new Response(-1, Map.of(), "", null);
				}
				break;
			}
			head.write(b);
			state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
					: (b == '\r' ? 1 : 0);
		}
		if (!head.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/")) {
			// an HTTP/0.9 answer (to a request line without a version): the body alone
			return new Response(0, Map.of(),
					head.toString(StandardCharsets.UTF_8) + new String(in.readAllBytes(), StandardCharsets.UTF_8),
					null);
		}
		String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
		String[] statusLine = lines[0].split(" ", 3);
		int status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : -1;
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int c = lines[i].indexOf(':');
			if (c > 0) {
				headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
			}
		}
		if (status == 101) {
			return new Response(status, headers, "", s);
		}
		if (headOnly || status == 204 || status == 304) {
			// no body (RFC 9112 §6.3)
			return new Response(status, headers, "", null);
		}
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		String length = headers.get("content-length");
		if (length != null) {
			byte[] buf = in.readNBytes(Integer.parseInt(length));
			body.write(buf);
		}
		else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			while (true) {
				String size = line(in);
				int n = Integer.parseInt(size.split(";")[0].trim(), 16);
				if (n == 0) {
					line(in);
					break;
				}
				body.write(in.readNBytes(n));
				line(in);
			}
		}
		else {
			body.write(in.readAllBytes());
		}
		return new Response(status, headers, body.toString(StandardCharsets.UTF_8), null);
	}

	private static String line(InputStream in) throws IOException {
		StringBuilder b = new StringBuilder();
		int c;
		while ((c = in.read()) >= 0 && c != '\n') {
			if (c != '\r') {
				b.append((char) c);
			}
		}
		return b.toString();
	}

	public static void closeQuietly(Socket s) {
		try {
			s.close();
		}
		catch (IOException ex) {
			// already gone
		}
	}

	/** A WebSocket handshake request for {@code path}. */
	public static byte[] handshake(String path) {
		return ("GET " + path + " HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				+ "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
	}

	/**
	 * Reads server frames on an upgraded socket until a close frame; its status code, or
	 * −1 when the connection ended without one.
	 */
	static int awaitCloseCode(Socket s) throws IOException {
		InputStream in = s.getInputStream();
		while (true) {
			int b0 = in.read();
			int b1 = in.read();
			if (b0 < 0 || b1 < 0) {
				return -1;
			}
			long len = b1 & 0x7F;
			if (len == 126) {
				len = (in.read() << 8) | in.read();
			}
			else if (len == 127) {
				len = 0;
				for (int i = 0; i < 8; i++) {
					len = (len << 8) | in.read();
				}
			}
			byte[] payload = in.readNBytes((int) len);
			if ((b0 & 0x0F) == 0x8) {
				return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
			}
		}
	}

	/** A masked client text frame. */
	static byte[] textFrame(String text) {
		byte[] p = text.getBytes(StandardCharsets.UTF_8);
		byte[] f = new byte[6 + p.length];
		f[0] = (byte) 0x81;
		f[1] = (byte) (0x80 | p.length);
		byte[] mask = { 1, 2, 3, 4 };
		System.arraycopy(mask, 0, f, 2, 4);
		for (int i = 0; i < p.length; i++) {
			f[6 + i] = (byte) (p[i] ^ mask[i % 4]);
		}
		return f;
	}

}
