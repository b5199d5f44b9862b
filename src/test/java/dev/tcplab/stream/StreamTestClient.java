package dev.tcplab.stream;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real WebSocket client (java.net.http) that records every text message of a trace
 * stream.
 */
final class StreamTestClient implements WebSocket.Listener {

	static final HttpClient HTTP = HttpClient.newHttpClient();

	static final JsonMapper JSON = JsonMapper.builder().build();

	record Close(int code, String reason) {
	}

	private final List<String> texts = new ArrayList<>();

	private final List<Long> seqs = new ArrayList<>();

	private final StringBuilder partial = new StringBuilder();

	final CompletableFuture<Close> closed = new CompletableFuture<>();

	private WebSocket webSocket;

	static URI uri(int port, String id, Long since) {
		return URI
			.create("ws://localhost:" + port + "/ws/simulations/" + id + (since == null ? "" : "?since=" + since));
	}

	static StreamTestClient connect(int port, String id, Long since) {
		StreamTestClient client = new StreamTestClient();
		client.webSocket = HTTP.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.buildAsync(uri(port, id, since), client)
			.orTimeout(10, TimeUnit.SECONDS)
			.join();
		return client;
	}

	@Override
	public void onOpen(WebSocket ws) {
		// read as fast as frames come: unbounded demand
		ws.request(Long.MAX_VALUE);
	}

	@Override
	public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
		synchronized (this) {
			this.partial.append(data);
			if (last) {
				String text = this.partial.toString();
				this.texts.add(text);
				this.partial.setLength(0);
				long seq = StreamLoadHarness.seqOf(text);
				if (seq >= 0) {
					this.seqs.add(seq);
				}
			}
		}
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
		this.closed.complete(new Close(statusCode, reason));
		return null;
	}

	@Override
	public void onError(WebSocket ws, Throwable error) {
		this.closed.completeExceptionally(error);
	}

	synchronized List<String> texts() {
		return List.copyOf(this.texts);
	}

	List<JsonNode> messages() {
		return texts().stream().map(JSON::readTree).toList();
	}

	/**
	 * Raw JSON of the trace events received (messages with a "seq"), in arrival order.
	 */
	List<String> eventTexts() {
		return texts().stream().filter(t -> StreamLoadHarness.seqOf(t) >= 0).toList();
	}

	synchronized List<Long> eventSeqs() {
		return List.copyOf(this.seqs);
	}

	synchronized long lastSeq() {
		return this.seqs.isEmpty() ? -1 : this.seqs.get(this.seqs.size() - 1);
	}

	List<JsonNode> ofType(String type) {
		return messages().stream().filter(m -> type.equals(m.path("type").asString())).toList();
	}

	/** Waits until a received message matches. */
	JsonNode await(Predicate<JsonNode> test, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			for (JsonNode m : messages()) {
				if (test.test(m)) {
					return m;
				}
			}
			Thread.sleep(20);
		}
		throw new AssertionError("no matching message within " + timeout + "; got " + texts().size()
				+ " messages, last: " + (texts().isEmpty() ? "none" : texts().get(texts().size() - 1)));
	}

	/** Waits until the trace event with this seq arrived. */
	void awaitSeq(long seq, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (lastSeq() >= seq) {
				return;
			}
			Thread.sleep(20);
		}
		throw new AssertionError(
				"seq " + seq + " not received within " + timeout + "; last received " + lastSeq() + "; connection "
						+ (this.closed.isDone() ? "closed: "
								+ this.closed.handle((c, ex) -> ex != null ? ex + " cause " + ex.getCause() : c).join()
								: "open")
						+ "; " + texts().size() + " messages");
	}

	void close() {
		this.webSocket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
	}

	void abort() {
		this.webSocket.abort();
	}

}
