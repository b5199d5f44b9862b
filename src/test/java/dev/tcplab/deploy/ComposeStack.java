package dev.tcplab.deploy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.tcplab.testing.HarnessOptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import dev.tcplab.testing.NginxProcess;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.yaml.snakeyaml.Yaml;

/**
 * The hosted demo as {@code deploy/compose.yaml} describes it, on this machine without
 * containers: real PostgreSQL (zonky binaries), every application service of the compose
 * file as its own JVM with the service's environment and command (plus the image's
 * application settings, {@code ENV} lines of the {@code Dockerfile}), and real nginx with
 * {@code deploy/nginx.conf}. Nothing is copied from those files: they are read, and only
 * addresses are mapped (a service's host name and port to 127.0.0.1 and a free port,
 * nginx's fixed address to 127.0.0.1, from where it connects to the instances, image
 * paths under /app to a temporary directory).
 */
final class ComposeStack implements AutoCloseable {

	private static final JsonMapper INFO_JSON = JsonMapper.builder().build();

	/** The application settings an image's ENV may carry. */
	private static final Pattern APP_SETTING = Pattern.compile("(SPRING|SERVER|TCPLAB|MANAGEMENT|LOGGING)_[A-Z0-9_]+");

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

	final Path repo;

	final Path work;

	final Map<String, Integer> appPorts = new LinkedHashMap<>();

	final Map<String, Map<String, String>> appEnvironments = new LinkedHashMap<>();

	final Map<String, List<String>> appArguments = new LinkedHashMap<>();

	final List<Process> processes = new ArrayList<>();

	EmbeddedPostgres postgres;

	int nginxPort;

	NginxProcess nginx;

	boolean keepLogs;

	private ComposeStack(Path repo, Path work) {
		this.repo = repo;
		this.work = work;
	}

	/**
	 * This run's classpath with {@code classes} (another checkout's compiled application)
	 * in place of this checkout's own classes; null for null.
	 */
	static String classpathWith(String classes) {
		if (classes == null) {
			return null;
		}
		return java.util.stream.Stream
			.concat(java.util.stream.Stream.of(classes),
					java.util.stream.Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
						.filter(p -> !p.endsWith("target/classes") && !p.endsWith("target/test-classes")))
			.reduce((a, b) -> a + java.io.File.pathSeparator + b)
			.orElseThrow();
	}

	/** {@code key=value} arguments of a harness's main. */
	static Map<String, String> options(String[] args) {
		return HarnessOptions.parse(args).asMap();
	}

	/**
	 * The packetdrill scripts of {@code src/test/resources/packetdrill}, by file name.
	 */
	static List<String> packetdrillScripts() throws IOException {
		List<String> scripts = new ArrayList<>();
		try (Stream<Path> files = Files.list(Path.of("src/test/resources/packetdrill"))) {
			for (Path p : files.filter(p -> p.toString().endsWith(".pkt")).sorted().toList()) {
				scripts.add(Files.readString(p));
			}
		}
		return scripts;
	}

	/**
	 * Starts the stack of {@code repo}'s deploy files. {@code classpath}: the application
	 * (null: this test run's classpath).
	 */
	static ComposeStack start(Path repo, String classpath) throws Exception {
		NginxProcess.requireBinary();
		ComposeStack stack = new ComposeStack(repo, Files.createTempDirectory("tcplab-compose"));
		try {
			stack.boot(classpath == null ? System.getProperty("java.class.path") : classpath);
		}
		catch (Exception | Error ex) {
			stack.keepLogs = true;
			stack.close();
			throw ex;
		}
		return stack;
	}

	@SuppressWarnings("unchecked")
	private void boot(String classpath) throws Exception {
		Map<String, Object> compose = new Yaml().load(Files.readString(repo.resolve("deploy/compose.yaml")));
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		Map<String, String> hostMap = new LinkedHashMap<>();
		String proxyAddress = null;
		String database = null;
		for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
			String image = String.valueOf(e.getValue().getOrDefault("image", ""));
			if (image.startsWith("postgres")) {
				Map<String, String> env = environment(e.getValue());
				this.postgres = EmbeddedPostgres.builder().start();
				String user = env.getOrDefault("POSTGRES_USER", "postgres");
				database = env.getOrDefault("POSTGRES_DB", user);
				try (Connection c = this.postgres.getPostgresDatabase().getConnection();
						Statement st = c.createStatement()) {
					st.execute("CREATE ROLE \"" + user + "\" LOGIN PASSWORD '"
							+ env.getOrDefault("POSTGRES_PASSWORD", "").replace("'", "''") + "'");
					st.execute("CREATE DATABASE \"" + database + "\" OWNER \"" + user + "\"");
				}
				hostMap.put(e.getKey() + ":5432", "127.0.0.1:" + this.postgres.getPort());
			}
			if (image.startsWith("nginx")) {
				proxyAddress = fixedAddress(e.getValue());
			}
		}
		if (proxyAddress != null) {
			hostMap.put(proxyAddress, "127.0.0.1");
		}
		String dockerfile = Files.readString(repo.resolve("Dockerfile"));
		Map<String, String> imageEnv = dockerfileEnv(dockerfile);
		for (Map.Entry<String, Map<String, Object>> e : services.entrySet()) {
			// an instance of the app: the service that builds the image, or one that runs
			// it
			// (compose builds it once; deploy/compose.yaml)
			boolean app = e.getValue().containsKey("build")
					|| String.valueOf(e.getValue().getOrDefault("image", "")).contains("tcplab");
			if (!app) {
				continue;
			}
			int port = HostedDemoClusterTest.freePort();
			this.appPorts.put(e.getKey(), port);
			hostMap.put(e.getKey() + ":8080", "127.0.0.1:" + port);
		}
		for (String app : this.appPorts.keySet()) {
			Map<String, Object> service = services.get(app);
			Map<String, String> env = new LinkedHashMap<>(imageEnv);
			env.putAll(environment(service));
			env.remove("SERVER_PORT");
			env.replaceAll((k, v) -> map(v, hostMap));
			List<String> args = new ArrayList<>(command(service));
			args.replaceAll(v -> map(v, hostMap));
			this.appEnvironments.put(app, env);
			this.appArguments.put(app, args);
			List<String> cmd = new ArrayList<>();
			cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
			String memory = memoryLimit(service);
			if (memory != null) {
				// what a container's memory limit does to the JVM's heap ergonomics
				cmd.add("-XX:MaxRAM=" + memory);
			}
			// the image's JVM flags (heap share of that limit, metaspace, stacks), not
			// the
			// ones naming files inside the image (the CDS archive)
			cmd.addAll(jvmFlags(dockerfile));
			cmd.addAll(List.of("-cp", classpath, "dev.tcplab.TcplabApplication",
					"--server.port=" + this.appPorts.get(app)));
			cmd.addAll(args);
			ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
				.redirectOutput(this.work.resolve(app + ".log").toFile());
			pb.environment().keySet().removeIf(k -> APP_SETTING.matcher(k).matches() || k.equals("JAVA_TOOL_OPTIONS"));
			pb.environment().putAll(env);
			this.processes.add(pb.start());
		}
		int i = 0;
		for (String app : this.appPorts.keySet()) {
			waitHealthy(this.appPorts.get(app), this.processes.get(i++), app);
		}
		this.nginxPort = HostedDemoClusterTest.freePort();
		String conf = Files.readString(repo.resolve("deploy/nginx.conf"));
		for (Map.Entry<String, String> m : hostMap.entrySet()) {
			conf = conf.replace("server " + m.getKey(), "server " + m.getValue());
		}
		conf = conf.replace("listen 8080;", "listen 127.0.0.1:" + this.nginxPort + ";");
		this.nginx = NginxProcess.start(conf, this.work.resolve("nginx"), this.nginxPort);
		if (!nginxPassesOn(url("/actuator/health"), this.nginx, TimeUnit.SECONDS.toNanos(20))) {
			throw new IllegalStateException("nginx does not pass requests on: " + this.nginx.log());
		}
	}

	/**
	 * Asks {@code healthUrl} through nginx every 100 ms until it answers 200 (true), or
	 * nginx stops or {@code withinNanos} pass (false).
	 */
	static boolean nginxPassesOn(String healthUrl, NginxProcess nginx, long withinNanos) throws InterruptedException {
		long deadline = System.nanoTime() + withinNanos;
		while (System.nanoTime() < deadline && nginx.alive()) {
			try {
				if (get(healthUrl).statusCode() == 200) {
					return true;
				}
			}
			catch (IOException notYet) {
				// not passing requests on yet
			}
			Thread.sleep(100);
		}
		return false;
	}

	String url(String path) {
		return "http://127.0.0.1:" + this.nginxPort + path;
	}

	static HttpResponse<String> get(String url) throws IOException, InterruptedException {
		return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Each instance's simulation figures (the {@code simulations} of its own
	 * {@code /actuator/info}: live, max, visitors, …), by instance.
	 */
	Map<String, JsonNode> simulations() throws IOException, InterruptedException {
		Map<String, JsonNode> out = new LinkedHashMap<>();
		for (String app : this.appPorts.keySet()) {
			out.put(app, INFO_JSON.readTree(info(app)).get("simulations"));
		}
		return out;
	}

	/**
	 * An instance's own view ({@code /actuator/info}), asked directly, not through nginx.
	 */
	String info(String app) throws IOException, InterruptedException {
		return get("http://127.0.0.1:" + this.appPorts.get(app) + "/actuator/info").body();
	}

	private void waitHealthy(int port, Process p, String app) throws Exception {
		// a cold JVM on a busy 2-core machine: minutes, not seconds
		if (!awaitHealthy(port, p, TimeUnit.SECONDS.toNanos(420))) {
			throw new IllegalStateException(
					app + " did not become healthy; its log: " + this.work.resolve(app + ".log"));
		}
	}

	/**
	 * Asks the instance on {@code port} for {@code /actuator/health} every 200 ms until
	 * it is UP (true), its process ends or {@code withinNanos} pass (false).
	 */
	static boolean awaitHealthy(int port, Process p, long withinNanos) throws InterruptedException {
		long deadline = System.nanoTime() + withinNanos;
		while (System.nanoTime() < deadline && p.isAlive()) {
			try {
				HttpResponse<String> r = get("http://127.0.0.1:" + port + "/actuator/health");
				if (r.statusCode() == 200 && r.body().contains("UP")) {
					return true;
				}
			}
			catch (IOException starting) {
				// starting
			}
			Thread.sleep(200);
		}
		return false;
	}

	private String map(String value, Map<String, String> hostMap) {
		String v = value;
		for (Map.Entry<String, String> m : hostMap.entrySet()) {
			v = v.replace(m.getKey(), m.getValue());
		}
		return v.replace("/app/", this.work.toString() + "/app/");
	}

	@SuppressWarnings("unchecked")
	static Map<String, String> environment(Map<String, Object> service) {
		Map<String, String> env = new LinkedHashMap<>();
		Object e = service.get("environment");
		if (e instanceof Map<?, ?> m) {
			m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
		}
		else if (e instanceof List<?> l) {
			for (Object item : l) {
				String s = String.valueOf(item);
				int eq = s.indexOf('=');
				env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
			}
		}
		return env;
	}

	static List<String> command(Map<String, Object> service) {
		Object c = service.get("command");
		if (c == null) {
			return List.of();
		}
		if (c instanceof List<?> l) {
			return l.stream().map(String::valueOf).toList();
		}
		return List.of(String.valueOf(c).trim().split("\\s+"));
	}

	@SuppressWarnings("unchecked")
	static String fixedAddress(Map<String, Object> service) {
		if (service.get("networks") instanceof Map<?, ?> networks) {
			for (Object n : networks.values()) {
				if (n instanceof Map<?, ?> net && net.get("ipv4_address") != null) {
					return String.valueOf(net.get("ipv4_address"));
				}
			}
		}
		return null;
	}

	/**
	 * A service's memory limit ({@code mem_limit} or
	 * {@code deploy.resources.limits.memory}) in bytes.
	 */
	@SuppressWarnings("unchecked")
	static String memoryLimit(Map<String, Object> service) {
		Object limit = service.get("mem_limit");
		if (limit == null && service.get("deploy") instanceof Map<?, ?> deploy
				&& deploy.get("resources") instanceof Map<?, ?> resources
				&& resources.get("limits") instanceof Map<?, ?> limits) {
			limit = limits.get("memory");
		}
		if (limit == null) {
			return null;
		}
		Matcher m = Pattern.compile("(\\d+)\\s*([kmgKMG]?)[bB]?").matcher(String.valueOf(limit).trim());
		if (!m.matches()) {
			throw new IllegalArgumentException("memory limit not understood: " + limit);
		}
		long n = Long.parseLong(m.group(1));
		long unit = switch (m.group(2).toLowerCase(Locale.ROOT)) {
			case "k" -> 1L << 10;
			case "m" -> 1L << 20;
			case "g" -> 1L << 30;
			default -> 1;
		};
		return Long.toString(n * unit);
	}

	/**
	 * The JVM flags of a Dockerfile's {@code JAVA_TOOL_OPTIONS}, except those about the
	 * class-data sharing archive inside the image.
	 */
	static List<String> jvmFlags(String dockerfile) {
		Map<String, String> env = dockerfileVariables(dockerfile);
		List<String> flags = new ArrayList<>();
		for (String flag : env.getOrDefault("JAVA_TOOL_OPTIONS", "").trim().split("\\s+")) {
			if (!flag.isEmpty() && !flag.startsWith("-XX:SharedArchiveFile") && !flag.startsWith("-Xshare")) {
				flags.add(flag);
			}
		}
		return flags;
	}

	/** The application settings among a Dockerfile's ENV instructions. */
	static Map<String, String> dockerfileEnv(String dockerfile) {
		Map<String, String> env = new LinkedHashMap<>(dockerfileVariables(dockerfile));
		env.keySet().removeIf(k -> !APP_SETTING.matcher(k).matches());
		return env;
	}

	/** Every variable a Dockerfile's ENV instructions set. */
	private static Map<String, String> dockerfileVariables(String dockerfile) {
		Map<String, String> env = new LinkedHashMap<>();
		String joined = dockerfile.replaceAll("\\\\\\r?\\n", " ");
		for (String line : joined.split("\\r?\\n")) {
			String l = line.strip();
			if (!l.regionMatches(true, 0, "ENV ", 0, 4)) {
				continue;
			}
			Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)").matcher(l.substring(4));
			while (m.find()) {
				String v = m.group(2);
				if (v.startsWith("\"")) {
					v = v.substring(1, v.length() - 1);
				}
				env.put(m.group(1), v);
			}
		}
		return env;
	}

	@Override
	public void close() throws Exception {
		if (this.nginx != null) {
			this.nginx.close();
		}
		for (Process p : this.processes) {
			p.destroy();
		}
		for (Process p : this.processes) {
			if (!p.waitFor(15, TimeUnit.SECONDS)) {
				p.destroyForcibly();
			}
		}
		if (this.postgres != null) {
			this.postgres.close();
		}
		if (!this.keepLogs) {
			try (var files = Files.walk(this.work)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
			}
		}
	}

}
