package dev.tcplab.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.tcplab.testing.NginxProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/nginx.conf} limits what one client address can hold open at the proxy:
 * 128 requests or streams at once, more get nginx's own 429 as problem+json. Runs real
 * nginx with the shipped file in front of a stand-in upstream that holds every request
 * until released (the app is not needed to count connections).
 */
class NginxConnectionLimitTest {

	static Path work;

	static NginxProcess nginx;

	static HttpServer upstream;

	static final CountDownLatch release = new CountDownLatch(1);

	static final AtomicInteger held = new AtomicInteger();

	static int port;

	@BeforeAll
	static void start() throws Exception {
		NginxProcess.requireBinary();
		upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
		upstream.setExecutor(Executors.newCachedThreadPool());
		upstream.createContext("/", exchange -> {
			held.incrementAndGet();
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().add("Content-Type", "application/json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		upstream.start();
		int up = upstream.getAddress().getPort();
		port = HostedDemoClusterTest.freePort();
		work = Files.createTempDirectory("tcplab-nginx-limit");
		String conf = Files.readString(Path.of("deploy/nginx.conf"))
			.replace("server app1:8080", "server 127.0.0.1:" + up)
			.replace("server app2:8080", "server 127.0.0.1:" + up)
			.replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
			.replace("worker_processes auto;", "worker_processes 1;");
		assertThat(conf).contains("limit_conn perclient 128;");
		nginx = NginxProcess.start(conf, work, port);
	}

	@AfterAll
	static void stop() {
		release.countDown();
		if (nginx != null) {
			nginx.close();
			assertThat(nginx.alive()).as("nginx's master and workers are gone after the test").isFalse();
		}
		if (upstream != null) {
			upstream.stop(0);
		}
	}

	static Socket request(String path) throws IOException {
		Socket s = new Socket("127.0.0.1", port);
		s.setSoTimeout(10_000);
		OutputStream out = s.getOutputStream();
		out.write(("GET " + path + " HTTP/1.1\r\nHost: demo\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
		out.flush();
		return s;
	}

	static String readAll(Socket s) throws IOException {
		InputStream in = s.getInputStream();
		byte[] buf = new byte[8192];
		StringBuilder text = new StringBuilder();
		int n;
		while ((n = in.read(buf)) > 0) {
			text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
			if (text.indexOf("}") >= 0) {
				break;
			}
		}
		return text.toString();
	}

	// one client holds 128 requests in progress: the 129th is nginx's 429 problem+json,
	// and once they finish the client is served again
	@Test
	void shouldRefuseTheHundredTwentyNinthOpenRequestOfOneAddressWithProblemJson() throws Exception {
		List<Socket> open = new ArrayList<>();
		try {
			for (int i = 0; i < 128; i++) {
				open.add(request("/api/simulations/sim" + i + "/trace"));
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (held.get() < 128 && System.nanoTime() < deadline) {
				Thread.sleep(20);
			}
			assertThat(held.get()).as("requests that reached the upstream").isEqualTo(128);
			try (Socket extra = request("/api/simulations/one-more/trace")) {
				String answer = readAll(extra);
				assertThat(answer).startsWith("HTTP/1.1 429")
					.contains("Content-Type: application/problem+json")
					.contains("\"limit\":\"connectionsPerClient\"")
					.contains("\"status\":429");
			}
		}
		finally {
			release.countDown();
			for (Socket s : open) {
				assertThat(readAll(s)).startsWith("HTTP/1.1 200");
				s.close();
			}
		}
		try (Socket after = request("/api/simulations/after/trace")) {
			assertThat(readAll(after)).startsWith("HTTP/1.1 200");
		}
	}

}
