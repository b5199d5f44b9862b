package dev.tcplab.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.tcplab.TcplabApplication;
import dev.tcplab.stream.TraceStreamer;
import dev.tcplab.reliability.RawHttp.Response;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Shutting the server down closes every live stream with 1001 (going away, RFC 6455
 * §7.4.1), as docs/stream.md promises, instead of dropping the connection.
 */
class GracefulShutdownTest {

	static ConfigurableApplicationContext start() {
		return new SpringApplicationBuilder(TcplabApplication.class).run("--server.port=0",
				"--spring.main.banner-mode=off", "--logging.level.root=WARN", "--spring.jmx.enabled=false");
	}

	static RawHttp client(ConfigurableApplicationContext ctx) {
		return new RawHttp("127.0.0.1", Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port")));
	}

	static String createSimulation(RawHttp http) {
		Response created = http.post("/api/simulations", "{}");
		assertThat(created.status()).isEqualTo(201);
		return JsonMapper.builder().build().readTree(created.body()).get("id").asString();
	}

	@Test
	void shouldCloseViewersWith1001WhenTheServerShutsDown() throws Exception {
		ConfigurableApplicationContext ctx = start();
		try {
			RawHttp http = client(ctx);
			String id = createSimulation(http);
			Response ws = http.send(RawHttp.handshake("/ws/simulations/" + id));
			assertThat(ws.status()).isEqualTo(101);
			Socket socket = ws.upgraded();
			// the 101 is sent before the viewer is registered: wait
			// until it is, so the shutdown meets a connected viewer
			// (a handshake still registering is the next test)
			TraceStreamer streamer = ctx.getBean(TraceStreamer.class);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (streamer.viewerCount() < 1 && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			assertThat(streamer.viewerCount()).as("the viewer is registered").isEqualTo(1);
			CompletableFuture<Integer> close = CompletableFuture.supplyAsync(() -> {
				try {
					return RawHttp.awaitCloseCode(socket);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
			ctx.close();
			assertThat(close.get(30, TimeUnit.SECONDS)).isEqualTo(1001);
			RawHttp.closeQuietly(socket);
		}
		finally {
			if (ctx.isActive()) {
				ctx.close();
			}
		}
	}

	// a handshake whose 101 went out just before the shutdown began registers its
	// viewer after the streamer stopped: it still gets 1001, not a dropped connection
	@Test
	void shouldCloseAViewerThatRegistersAfterTheShutdownBeganWith1001() throws Exception {
		ConfigurableApplicationContext ctx = start();
		try {
			RawHttp http = client(ctx);
			String id = createSimulation(http);
			TraceStreamer streamer = ctx.getBean(TraceStreamer.class);
			streamer.stop(); // the shutdown's first step; the web server still answers
			Response ws = http.send(RawHttp.handshake("/ws/simulations/" + id));
			assertThat(ws.status()).isEqualTo(101);
			Socket socket = ws.upgraded();
			assertThat(RawHttp.awaitCloseCode(socket)).isEqualTo(1001);
			RawHttp.closeQuietly(socket);
			assertThat(streamer.viewerCount()).isZero();
		}
		finally {
			ctx.close();
		}
	}

}
