package dev.tcplab.deploy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import dev.tcplab.reliability.RawHttp;

/**
 * One virtual user's HTTP/1.1 connection, kept open between requests: the capacity
 * harness's load generator. {@code java.net.http.HttpClient} spent about as much CPU per
 * request as the instance answering it (≈ 0.9 ms, measured 2026-12-07), and on a 2-core
 * machine that the generator shares with nginx, the instances and PostgreSQL it was half
 * the load being measured. This writes the request bytes and reads the answer
 * ({@link RawHttp#readAnswer}) on a blocking socket.
 */
final class KeepAliveHttp implements AutoCloseable {

	private final int port;

	private Socket socket;

	private InputStream in;

	private OutputStream out;

	KeepAliveHttp(int port) {
		this.port = port;
	}

	/** Sends one request; an answer that is not 2xx throws, as does a timeout (10 s). */
	String send(String method, String path, String json) throws IOException {
		byte[] body = json == null ? new byte[0] : json.getBytes(StandardCharsets.UTF_8);
		StringBuilder head = new StringBuilder(160).append(method)
			.append(' ')
			.append(path)
			.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n");
		if (json != null) {
			head.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
		}
		byte[] request = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
		RawHttp.Response r;
		try {
			r = exchange(request, body);
		}
		catch (IOException stale) {
			// a kept connection the server closed meanwhile: once more on a fresh one
			close();
			r = exchange(request, body);
		}
		if ("close".equalsIgnoreCase(r.header("connection"))) {
			close();
		}
		if (r.status() / 100 != 2) {
			throw new IllegalStateException(r.status() + " " + r.body());
		}
		return r.body();
	}

	private RawHttp.Response exchange(byte[] head, byte[] body) throws IOException {
		if (this.socket == null) {
			this.socket = new Socket();
			this.socket.setTcpNoDelay(true);
			this.socket.connect(new InetSocketAddress("127.0.0.1", this.port), 3000);
			this.socket.setSoTimeout(10_000);
			this.in = new BufferedInputStream(this.socket.getInputStream(), 16 * 1024);
			this.out = new BufferedOutputStream(this.socket.getOutputStream(), 4 * 1024);
		}
		this.out.write(head);
		this.out.write(body);
		this.out.flush();
		RawHttp.Response r = RawHttp.readAnswer(this.in);
		if (r.status() < 0) {
			throw new IOException("the connection closed without an answer");
		}
		return r;
	}

	@Override
	public void close() {
		if (this.socket != null) {
			RawHttp.closeQuietly(this.socket);
			this.socket = null;
		}
	}

}
