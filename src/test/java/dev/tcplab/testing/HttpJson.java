package dev.tcplab.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A minimal JSON client over java.net.http for RANDOM_PORT tests. */
public final class HttpJson {

	/** An answer: status, content type, raw body and (when JSON) the parsed body. */
	public record Answer(int status, String contentType, byte[] bytes, JsonNode json, HttpResponse<byte[]> raw) {

		public String text() {
			return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
		}
	}

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String base;

	private final JsonMapper json;

	public HttpJson(int port, JsonMapper json) {
		this.base = "http://127.0.0.1:" + port;
		this.json = json;
	}

	public String base() {
		return base;
	}

	public Answer get(String path) {
		return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
	}

	public Answer delete(String path) {
		return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
	}

	public Answer post(String path, String body) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
		if (body == null) {
			b.POST(HttpRequest.BodyPublishers.noBody());
		}
		else {
			b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
		}
		return send(b);
	}

	public Answer send(String method, String path, String contentType, byte[] body) {
		HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
		if (contentType != null) {
			b.header("Content-Type", contentType);
		}
		b.method(method,
				body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
		return send(b);
	}

	/** A request to {@code path} on the server, to add headers to and {@link #send}. */
	public HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(base + path));
	}

	public Answer send(HttpRequest.Builder b) {
		try {
			HttpResponse<byte[]> r = client.send(b.timeout(Duration.ofSeconds(60)).build(),
					HttpResponse.BodyHandlers.ofByteArray());
			String ct = r.headers().firstValue("Content-Type").orElse("");
			JsonNode node = null;
			if (ct.contains("json") && r.body().length > 0) {
				node = json.readTree(r.body());
			}
			return new Answer(r.statusCode(), ct, r.body(), node, r);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
