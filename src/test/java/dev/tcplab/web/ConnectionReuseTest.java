package dev.tcplab.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.tcplab.reliability.RawHttp;
import dev.tcplab.testing.ServerTest;

import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A proxy's connection to an instance serves many requests (docs/decisions.md,
 * "Connections to the instances stay open"): with Tomcat's default of 100 requests per
 * connection, nginx opened a new connection to an instance for about one request in 21-23
 * under load, and each closed one left a socket in TIME_WAIT.
 */
@ServerTest
class ConnectionReuseTest {

	@LocalServerPort
	int port;

	@Test
	void shouldServeMoreThanTomcatsDefaultHundredRequestsOnOneConnection() throws Exception {
		byte[] request = ("GET /actuator/health/liveness HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n")
			.getBytes(StandardCharsets.ISO_8859_1);
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			InputStream in = new BufferedInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			for (int i = 1; i <= 250; i++) {
				out.write(request);
				out.flush();
				RawHttp.Response r = RawHttp.readAnswer(in);
				assertThat(r.status()).as("answer %d", i).isEqualTo(200);
				assertThat(r.header("connection")).as("answer %d on the same connection", i).isNotEqualTo("close");
			}
		}
	}

}
