package dev.tcplab.capture;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.tcplab.capture.CaptureAnalyzer.Limits;
import dev.tcplab.capture.CaptureAnalyzer.Tracked;
import dev.tcplab.capture.CaptureJson.Capture;
import dev.tcplab.capture.CaptureJson.Connection;
import dev.tcplab.capture.CaptureJson.Endpoint;
import dev.tcplab.capture.CaptureJson.Held;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.simulation.LimitExceededException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Imports, keeps and explains captures. A capture is its file on disk (to read a
 * connection's packets again for its trace), its document as JSON on disk, and in memory
 * only a small locator per connection. Captures are bounded per client and in total
 * (count and bytes) and deleted after {@code ttl} without a read; they do not survive a
 * restart (docs/captures.md, "Lifetime").
 */
@Service
@EnableConfigurationProperties(CaptureProperties.class)
public class CaptureService {

	private static final Logger log = LoggerFactory.getLogger(CaptureService.class);

	/** Where a connection is in the file, and what its inference needs again. */
	record Locator(FlowKey key, boolean clientIsA, long firstNumber, long lastNumber, long firstOffset,
			CaptureReader.Context context, double endMs, Inference.Successor successor) {
	}

	record Stored(String id, String owner, Path file, Path document, long bytes, String profile, List<Locator> locators,
			Instant created, AtomicReference<Instant> lastRead) {

		Stored(String id, String owner, Path file, Path document, long bytes, String profile, List<Locator> locators) {
			this(id, owner, file, document, bytes, profile, locators, Instant.now(),
					new AtomicReference<>(Instant.now()));
		}

	}

	private final CaptureProperties properties;

	private final JsonMapper json;

	private final Path dir;

	private final Map<String, Stored> captures = new ConcurrentHashMap<>();

	public CaptureService(CaptureProperties properties, JsonMapper json) throws IOException {
		this.properties = properties;
		this.json = json;
		this.dir = properties.dir().isBlank() ? Files.createTempDirectory("tcplab-captures")
				: Files.createDirectories(Path.of(properties.dir()));
	}

	public CaptureProperties properties() {
		return this.properties;
	}

	/** A new capture: its id and document. */
	record Imported(String id, Capture capture) {
	}

	/**
	 * Reads a capture from {@code body} (at most {@code maxUpload} bytes), keeping the
	 * file, and infers its connections with {@code profile}.
	 * @throws CaptureFormatException for a truncated, corrupt or unsupported file
	 * @throws CaptureLimitException past a size, connection or CPU limit
	 * @throws LimitExceededException when the client or the instance holds too much
	 */
	Imported importCapture(InputStream body, String owner, String profile, boolean allowTruncated) throws IOException {
		StackConstants constants = StackConstants.forProfile(profile);
		String p = constants.profile();
		checkQuota(owner, 0);
		String id = UUID.randomUUID().toString();
		Path file = this.dir.resolve(id + ".cap");
		Path doc = this.dir.resolve(id + ".json");
		List<Connection> connections = new ArrayList<>();
		List<Locator> locators = new ArrayList<>();
		CaptureImport.Stats stats;
		long max = this.properties.maxUpload().toBytes();
		try (OutputStream copy = Files.newOutputStream(file); InputStream in = new Tee(body, copy, max)) {
			stats = CaptureImport.run(in, constants, limits(), allowTruncated, this.properties.maxCpu().toNanos(),
					c -> {
						connections.add(connection(c, constants));
						locators.add(new Locator(c.key, c.clientIsA, c.firstNumber, c.lastNumber, c.firstOffset,
								c.firstContext, c.endMs, c.successor));
					});
			in.transferTo(OutputStream.nullOutputStream());
		}
		catch (RuntimeException | IOException ex) {
			Files.deleteIfExists(file);
			throw ex;
		}
		connections.sort(Comparator.comparingInt(Connection::id));
		locators.sort(Comparator.comparingLong(Locator::firstNumber));
		long bytes = Files.size(file);
		Map<String, Long> skipped = new LinkedHashMap<>();
		stats.skipped().forEach((k, v) -> skipped.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
		Stored s = new Stored(id, owner, file, doc, bytes, p, List.copyOf(locators));
		Capture capture = new Capture(id, p, stats.frames(), stats.tcp(), skipped, stats.startNs() / 1e6, stats.endMs(),
				expires(s).toString(), connections);
		try {
			checkQuota(owner, bytes);
			this.json.writeValue(doc.toFile(), capture);
		}
		catch (RuntimeException ex) {
			Files.deleteIfExists(file);
			Files.deleteIfExists(doc);
			throw ex;
		}
		this.captures.put(id, s);
		return new Imported(id, capture);
	}

	private Limits limits() {
		return new Limits(this.properties.maxConnections(), this.properties.detailLimit(),
				this.properties.idleConnection().toMillis());
	}

	private Instant expires(Stored s) {
		return s.lastRead().get().plus(this.properties.ttl());
	}

	private synchronized void checkQuota(String owner, long adding) {
		int mine = 0;
		long myBytes = 0, total = 0;
		for (Stored s : this.captures.values()) {
			if (s.owner().equals(owner)) {
				mine++;
				myBytes += s.bytes();
			}
			total += s.bytes();
		}
		int count = adding == 0 ? 1 : 0;
		if (mine + count > this.properties.maxPerClient()
				|| myBytes + adding > this.properties.maxBytesPerClient().toBytes()) {
			throw new LimitExceededException("capturesPerClient", "you hold " + mine + " captures (" + myBytes
					+ " bytes; at most " + this.properties.maxPerClient() + " and "
					+ this.properties.maxBytesPerClient().toBytes()
					+ " bytes per client): delete one with DELETE /api/captures/{id} (GET /api/captures?mine=true lists them), or wait until one expires after "
					+ this.properties.ttl().toMinutes() + " minutes unread");
		}
		if (this.captures.size() + count > this.properties.maxTotal()
				|| total + adding > this.properties.maxTotalBytes().toBytes()) {
			throw new LimitExceededException("captures",
					"this instance holds as many captures as it may (" + this.properties.maxTotal() + " or "
							+ this.properties.maxTotalBytes().toBytes()
							+ " bytes); try again in a few minutes, when unread captures expire");
		}
	}

	private static Connection connection(Tracked c, StackConstants constants) {
		Inference.Result r = c.result;
		FlowKey k = c.key;
		Endpoint a = new Endpoint(TcpPacket.address(k.v6, k.aHi, k.aLo), k.aPort);
		Endpoint b = new Endpoint(TcpPacket.address(k.v6, k.bHi, k.bLo), k.bPort);
		Map<String, String> states = new LinkedHashMap<>();
		states.put("client", r.finalStates()[0].name());
		states.put("server", r.finalStates()[1].name());
		Map<String, Long> bytes = new LinkedHashMap<>();
		bytes.put("client", c.log.bytes[0]);
		bytes.put("server", c.log.bytes[1]);
		return new Connection(c.id, c.clientIsA ? a : b, c.clientIsA ? b : a, round(c.firstNs / 1e6),
				round(c.lastNs / 1e6), c.packets(), Diagnoser.summary(c), Diagnoser.diagnose(c, constants),
				r.handshake(), r.capturePoint(), states, bytes, c.predecessor == null ? null : c.predecessor.id(),
				List.of(c.firstNumber, c.lastNumber));
	}

	static double round(double ms) {
		return Math.round(ms * 1000) / 1000.0;
	}

	Stored get(String id) {
		Stored s = this.captures.get(id);
		if (s == null) {
			throw new CaptureNotFoundException("no capture " + id + " (never imported, deleted, or expired after "
					+ this.properties.ttl().toMinutes() + " minutes unread)");
		}
		s.lastRead().set(Instant.now());
		return s;
	}

	/**
	 * The capture's document as stored (JSON bytes), with its expiry brought up to date.
	 */
	byte[] document(String id) throws IOException {
		Stored s = get(id);
		Capture c = this.json.readValue(s.document().toFile(), Capture.class);
		Capture fresh = new Capture(c.id(), c.profile(), c.frames(), c.tcpPackets(), c.skipped(), c.startEpochMs(),
				c.durationMs(), expires(s).toString(), c.connections());
		return this.json.writeValueAsBytes(fresh);
	}

	List<Held> held(String owner) {
		return this.captures.values()
			.stream()
			.filter(s -> s.owner().equals(owner))
			.sorted(Comparator.comparing(s -> s.created()))
			.map(s -> new Held(s.id(), s.bytes(), s.locators().size(), s.created().toString(), expires(s).toString()))
			.toList();
	}

	void delete(String id) {
		Stored s = this.captures.remove(id);
		if (s == null) {
			throw new CaptureNotFoundException("no capture " + id);
		}
		discard(s);
	}

	private void discard(Stored s) {
		try {
			Files.deleteIfExists(s.file());
			Files.deleteIfExists(s.document());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The locator of connection {@code n} (1-based). */
	Locator locator(Stored s, int n) {
		if (n < 1 || n > s.locators().size()) {
			throw new CaptureNotFoundException(
					"capture " + s.id() + " has no connection " + n + " (it has " + s.locators().size() + ")");
		}
		return s.locators().get(n - 1);
	}

	/** Connection {@code n}'s trace with {@code profile} (null: the import's). */
	CaptureTrace.Trace trace(String id, int n, String profile) throws IOException {
		Stored s = get(id);
		Locator loc = locator(s, n);
		StackConstants constants = StackConstants.forProfile(profile == null ? s.profile() : profile);
		return CaptureTrace.read(s.file(), loc, n, constants, this.properties.detailLimit(),
				this.properties.maxTracePackets());
	}

	@Scheduled(fixedDelay = 60_000)
	void expire() {
		Instant now = Instant.now();
		Duration ttl = this.properties.ttl();
		this.captures.values().removeIf(s -> {
			if (s.lastRead().get().plus(ttl).isBefore(now)) {
				log.info("capture {} expired", s.id());
				discard(s);
				return true;
			}
			return false;
		});
	}

	/**
	 * Copies what is read to the file, and stops at {@code max} bytes with a 413.
	 */
	private static final class Tee extends FilterInputStream {

		private final OutputStream copy;

		private final long max;

		private long count;

		Tee(InputStream in, OutputStream copy, long max) {
			super(in);
			this.copy = copy;
			this.max = max;
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			if (b >= 0) {
				count(1);
				this.copy.write(b);
			}
			return b;
		}

		@Override
		public int read(byte[] buf, int off, int len) throws IOException {
			int n = super.read(buf, off, len);
			if (n > 0) {
				count(n);
				this.copy.write(buf, off, n);
			}
			return n;
		}

		private void count(int n) {
			this.count += n;
			if (this.count > this.max) {
				throw new CaptureLimitException("maxUpload", "the capture is larger than " + this.max
						+ " bytes (tcplab.captures.max-upload); cut it first, e.g. editcap -c 100000 FILE part.pcapng");
			}
		}

	}

}
