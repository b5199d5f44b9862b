package dev.tcplab.deploy;

import dev.tcplab.testing.HarnessOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import tools.jackson.databind.json.JsonMapper;

/**
 * Capacity harness of the hosted demo (issue 16; a benchmark, not a test): drives the
 * README's notebook flow (create, pair, lose ACK, close, advance, close, run until idle,
 * read trace; then delete) through nginx ({@code deploy/nginx.conf}) with N virtual
 * users, against (a) one instance keeping simulations in memory only and (b) two
 * instances journaling to PostgreSQL (zonky binaries), in one run. Reports flows/s and
 * p50/p99 per request, the failover time in (b) (SIGKILL one instance; time until every
 * simulation it owned answers again through nginx) and the startup time to health UP with
 * several JVM settings (CDS from an extracted jar when {@code target/tcplab-*.jar}
 * exists).
 *
 * <pre>
 * ./mvnw -o -q package -DskipTests -Dexec.skip=true   # the jar, for the java -jar and CDS startup figures
 * ./mvnw -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" dev.tcplab.deploy.HostedDemoCapacity users=100 seconds=20
 * </pre>
 *
 * Options: {@code journalOne=true} (also one instance journaling to PostgreSQL, between
 * (a) and (b)), {@code warmupSeconds=N} (load before measuring, at least; default 60),
 * {@code settledCompiles=N} and {@code maxWarmupSeconds=N} (after that the warm-up goes
 * on, 10 s at a time, until twice in a row the instances' JIT compiled fewer than N
 * methods in 10 s, default 100, and throughput stopped rising, or for at most 600 s in
 * all: on 2 saturated cores a fresh instance was still compiling after several minutes,
 * see {@link #settle}), {@code thinkMs=N} (each user pauses between flows; default 0, a
 * closed loop), {@code startup=false} (skip the startup figures), {@code dbParams=&k=v}
 * (appended to the PostgreSQL JDBC URL of (b)), {@code bArgs="--a=b --c=d"} (more
 * arguments for the instances of (b)), {@code bJvm="-XX:..."} (JVM options of the
 * instance of (b) that survives, e.g. a flight recording), {@code beforeCp=CLASSPATH}
 * (instead of all that: a before/after run of the journal against a previous build's
 * classes, with CPU µs per request of the app and of PostgreSQL; see {@link #abRun}).
 * <p>
 * {@code rotate=true} instead runs every configuration at once and measures them in turns
 * ({@link #rotation}), with {@code rounds=N}, {@code minWarmupSeconds=N},
 * {@code only=m,j1,j2,j1b,j2b}, {@code variants=ARGS;ARGS}, {@code pgStats=true},
 * {@code order=reverse} ({@link #reverseOddRounds}), {@code idleSeconds=N} (a pause after
 * each turn) and {@code diag=true} (threads, heap, sockets in TIME_WAIT and tables after
 * each turn).
 */
public final class HostedDemoCapacity {

	static final JsonMapper JSON = JsonMapper.builder().build();

	static final HttpClient http = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(3))
		.version(HttpClient.Version.HTTP_1_1)
		.build();

	static Path work;

	static final List<Process> processes = new ArrayList<>();

	private HostedDemoCapacity() {
	}

	static long thinkMs;

	/** Load before the measured seconds (the JIT of freshly started instances). */
	static long warmupSeconds;

	public static void main(String[] args) throws Exception {
		Map<String, String> opts = HarnessOptions.parse(args).asMap();
		int users = Integer.parseInt(opts.getOrDefault("users", "100"));
		int seconds = Integer.parseInt(opts.getOrDefault("seconds", "20"));
		// pause of each virtual user between two flows (0: a closed
		// loop, where latency is users / throughput by Little's law)
		thinkMs = Long.parseLong(opts.getOrDefault("thinkMs", "0"));
		warmupSeconds = Long.parseLong(opts.getOrDefault("warmupSeconds", "60"));
		settledCompiles = Integer.parseInt(opts.getOrDefault("settledCompiles", "100"));
		maxWarmupSeconds = Long.parseLong(opts.getOrDefault("maxWarmupSeconds", "600"));
		String nginxBinary = dev.tcplab.testing.NginxProcess.binary();
		if (nginxBinary == null) {
			throw new IllegalStateException("nginx is needed (apt-get install nginx)");
		}
		work = Files.createTempDirectory("tcplab-capacity");
		EmbeddedPostgres.Builder pg = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg"));
		if ("true".equals(opts.get("pgStats"))) {
			// statements of the rotation's measured rounds (printed at its end)
			pg.setServerConfig("shared_preload_libraries", "pg_stat_statements")
				.setServerConfig("pg_stat_statements.track", "all");
		}
		try (EmbeddedPostgres postgres = pg.start()) {
			String db = postgres.getJdbcUrl("postgres", "postgres");
			if ("true".equals(opts.get("rotate"))) {
				only = opts.containsKey("only") ? java.util.Set.of(opts.get("only").split(",")) : null;
				variants = opts.get("variants");
				diag = "true".equals(opts.get("diag"));
				idleSeconds = Long.parseLong(opts.getOrDefault("idleSeconds", "0"));
				reverseOddRounds = "reverse".equals(opts.get("order"));
				rotation(nginxBinary, postgres, opts.get("beforeCp"), users, seconds,
						Integer.parseInt(opts.getOrDefault("rounds", "5")),
						Long.parseLong(opts.getOrDefault("minWarmupSeconds", "240")));
				return;
			}
			if (opts.containsKey("beforeCp")) {
				abRun(nginxBinary, postgres, opts.get("beforeCp"), users, seconds);
				return;
			}
			if (!"false".equals(opts.get("startup"))) {
				System.out.println("## startup to health UP (" + Runtime.getRuntime().availableProcessors() + " cpus)");
				startupFigures(db);
			}
			// extra arguments for the journaling instances of (b), space-separated
			List<String> bArgs = new ArrayList<>(
					List.of("--spring.datasource.url=" + db + opts.getOrDefault("dbParams", "")));
			if (opts.containsKey("bArgs")) {
				bArgs.addAll(List.of(opts.get("bArgs").split(" ")));
			}

			System.out.println("## (a) one instance, memory only");
			Stats sa = oneInstance(nginxBinary, "a", MEMORY_ONLY, users, seconds);

			if ("true".equals(opts.get("journalOne"))) {
				// (a') one instance journaling to PostgreSQL:
				// journaling apart from the second instance
				System.out.println("## (a') one instance journaling to PostgreSQL");
				Stats sj = oneInstance(nginxBinary, "j", bArgs, users, seconds);
				System.out.println(sj.row("(a') one instance + PostgreSQL journal"));
			}

			System.out.println("## (b) two instances journaling to PostgreSQL");
			int b1 = port();
			int b2 = port();
			List<String> bJvm = opts.containsKey("bJvm") ? List.of(opts.get("bJvm").split(" ")) : List.of();
			Process app1 = startApp("b1", b1, List.of(), bArgs);
			Process app2 = startApp("b2", b2, bJvm, bArgs);
			waitHealthy(b1, app1);
			waitHealthy(b2, app2);
			int nginxB = port();
			Process nginx = startNginx(nginxBinary, "b", nginxB, b1, b2);
			Stats sb = load(nginxB, users, seconds);
			long failoverMs = failover(nginxB, b1, app1);
			stop(nginx);
			stop(app2);

			System.out.println();
			System.out
				.println("| " + users + " virtual users, " + seconds + " s | flows/s | p50 ms | p99 ms | errors |");
			System.out.println("|---|---|---|---|---|");
			System.out.println(sa.row("(a) one instance, memory only"));
			System.out.println(sb.row("(b) two instances + PostgreSQL journal"));
			System.out.printf(
					"journaling costs %.0f %% of throughput; failover (SIGKILL → every simulation of the"
							+ " killed instance answers again) %d ms%n",
					100.0 * (1 - sb.flowsPerSecond() / sa.flowsPerSecond()), failoverMs);
		}
		finally {
			for (Process p : processes) {
				p.destroyForcibly();
			}
		}
	}

	/** One instance behind nginx under load, then both stopped. */
	static Stats oneInstance(String nginxBinary, String name, List<String> args, int users, int seconds)
			throws Exception {
		int app = port();
		Process process = startApp(name, app, List.of(), args);
		waitHealthy(app, process);
		int proxy = port();
		Process nginx = startNginx(nginxBinary, name, proxy, app, app);
		Stats stats = load(proxy, users, seconds);
		stop(nginx);
		stop(process);
		return stats;
	}

	/**
	 * Before/after in one run ({@code beforeCp=CLASSPATH}: the previous release's classes
	 * and jars): (a) memory only, then one instance and two instances journaling to
	 * PostgreSQL with the previous release and with this build (each on a database of its
	 * own), in a closed loop and with 1 s think time; CPU µs per request of the app JVMs
	 * and of PostgreSQL (postmaster and backends), from /proc.
	 */
	static void abRun(String nginxBinary, EmbeddedPostgres postgres, String beforeCp, int users, int seconds)
			throws Exception {
		String after = System.getProperty("java.class.path");
		List<String[]> rows = new ArrayList<>();
		long t0 = System.currentTimeMillis();
		System.out.println("## (a) one instance, memory only");
		Stats a = phase(nginxBinary, "a", 1, after, MEMORY_ONLY, users, seconds, false);
		rows.add(new String[] { "(a) one instance, memory only, closed loop", a.rowWithCpu("") });
		// the floor of the think-time target: what this machine answers without a journal
		// (one instance: two need the journal to share simulations)
		thinkMs = 1000;
		Stats floor = phase(nginxBinary, "a-think", 1, after, MEMORY_ONLY, users, seconds, false);
		thinkMs = 0;
		rows.add(new String[] { "(a) one instance, memory only, 1 s think time", floor.rowWithCpu("") });
		int db = 0;
		for (int instances : new int[] { 1, 2 }) {
			for (long think : new long[] { 0, 1000 }) {
				if (instances == 1 && think > 0) {
					continue;
				}
				for (String which : new String[] { "before", "after" }) {
					String name = which + instances + "-" + think;
					String url = database(postgres, "ab" + (db++));
					thinkMs = think;
					Stats s = phase(nginxBinary, name, instances, which.equals("before") ? beforeCp : after,
							List.of("--spring.datasource.url=" + url), users, seconds, true);
					thinkMs = 0;
					String label = "(" + (instances == 1 ? "a'" : "b") + ") " + instances + " instance"
							+ (instances == 1 ? "" : "s") + " + journal, " + which
							+ (think > 0 ? ", 1 s think time" : ", closed loop");
					rows.add(new String[] { label, s.rowWithCpu("") });
					System.out.println(s.rowWithCpu(label));
				}
			}
		}
		System.out.println();
		System.out.printf("A/B run %s, %d s, load average before %s%n", java.time.Instant.ofEpochMilli(t0),
				(System.currentTimeMillis() - t0) / 1000, Files.readString(Path.of("/proc/loadavg")).trim());
		System.out.println("| " + users + " users, " + seconds
				+ " s measured | flows/s | p50 ms | p99 ms | errors | app CPU µs/request | PostgreSQL CPU µs/request"
				+ " | load generator CPU µs/request |");
		System.out.println("|---|---|---|---|---|---|---|---|");
		for (String[] r : rows) {
			System.out.println(r[1].replaceFirst("\\|  \\|", "| " + r[0] + " |"));
		}
	}

	/**
	 * One configuration under test in a rotation: its instances behind their own nginx.
	 */
	record Config(String label, String name, List<Process> apps, List<Integer> ports, Process nginx, int proxy,
			boolean withPostgres, List<Stats> turns) {

		Config(String label, String name, List<Process> apps, List<Integer> ports, Process nginx, int proxy,
				boolean withPostgres) {
			this(label, name, apps, ports, nginx, proxy, withPostgres, new ArrayList<>());
		}

	}

	/**
	 * The configurations of a rotation ({@code only=m,j1,j2,j1b,j2b}: memory only; one
	 * and two journaling instances, this build; b: the previous release); null: all.
	 */
	static java.util.Set<String> only;

	/**
	 * More one-instance journaling configurations of this build
	 * ({@code variants=ARGS;ARGS}: the app's arguments of each).
	 */
	static String variants;

	/** The arguments of a memory-only instance: no journal, no database. */
	static final List<String> MEMORY_ONLY = List.of("--tcplab.journal.enabled=false",
			"--spring.datasource.url=jdbc:h2:mem:capacity", "--spring.flyway.enabled=false");

	/** Creates a database on the harness's PostgreSQL; returns its JDBC URL. */
	static String database(EmbeddedPostgres postgres, String name) throws java.sql.SQLException {
		try (var c = postgres.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
			st.execute("CREATE DATABASE " + name);
		}
		return postgres.getJdbcUrl("postgres", name);
	}

	/** Seconds of load before each turn's measured seconds (connections, threads). */
	static final long LEAD_SECONDS = 5;

	/**
	 * Side by side in one run ({@code rotate=true}): every configuration runs at once
	 * (this build memory only; this build journaling to PostgreSQL on one and on two
	 * instances; with {@code beforeCp=…} the previous release journaling on one and two),
	 * and the load visits them in turns. Each is warmed alone until its CPU per request
	 * is flat over a minute (three 20 s turns within ±10 % of their mean, at least
	 * {@code minWarmupSeconds}, at most {@code maxWarmupSeconds}); then {@code rounds}
	 * rounds load each for {@code seconds}, in the same order every round
	 * ({@code order=reverse}: every other round backwards, see
	 * {@link #reverseOddRounds}). A ratio is taken within a round, so the machine's drift
	 * of ±30 % over minutes falls on both sides of it. One run of this replaced a
	 * memory-only phase measured once, whose warm-up a few noisy windows could end early
	 * (docs/performance.md, 2026-12-07 night).
	 */
	static void rotation(String nginxBinary, EmbeddedPostgres postgres, String beforeCp, int users, int seconds,
			int rounds, long minWarmupSeconds) throws Exception {
		String after = System.getProperty("java.class.path");
		long t0 = System.currentTimeMillis();
		String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
		List<Config> configs = new ArrayList<>();
		if (only == null || only.contains("m")) {
			configs.add(start(nginxBinary, "memory only, 1 instance", "m", 1, after, MEMORY_ONLY, false));
		}
		int db = 0;
		for (int instances : new int[] { 1, 2 }) {
			for (String which : beforeCp == null ? new String[] { "after" } : new String[] { "before", "after" }) {
				if (only != null && !only.contains("j" + instances + (which.equals("before") ? "b" : ""))) {
					continue;
				}
				String dbName = "rot" + (db++);
				String url = database(postgres, dbName);
				configs.add(start(nginxBinary,
						"journal, " + instances + " instance" + (instances > 1 ? "s" : "") + ", " + which, dbName,
						instances, which.equals("before") ? beforeCp : after, List.of("--spring.datasource.url=" + url),
						true));
			}
		}
		if (variants != null) {
			// this build on one instance with other settings, beside the rest
			for (String v : variants.split(";")) {
				String dbName = "rot" + (db++);
				List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + database(postgres, dbName)));
				args.addAll(List.of(v.trim().split(" ")));
				configs.add(start(nginxBinary, "journal, 1 instance, " + v.trim(), dbName, 1, after, args, true));
			}
		}
		for (Config c : configs) {
			System.out.println("## warm-up: " + c.label());
			long w0 = System.nanoTime();
			List<Long> cpu = new ArrayList<>();
			while (true) {
				Stats s = turn(c, users, 20);
				cpu.add(s.appCpuMicros() + Math.max(0, s.dbCpuMicros()));
				long elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - w0);
				if (elapsed >= minWarmupSeconds && flat(cpu)) {
					System.out.println("warmed: " + elapsed + " s, CPU µs/request of the last three turns "
							+ cpu.subList(cpu.size() - 3, cpu.size()));
					break;
				}
				if (elapsed >= maxWarmupSeconds) {
					System.out.println("NOT flat after " + elapsed + " s: " + cpu);
					break;
				}
			}
		}
		resetStatements(postgres);
		for (int r = 0; r < rounds; r++) {
			List<Config> order = new ArrayList<>(configs);
			if (reverseOddRounds && r % 2 == 1) {
				java.util.Collections.reverse(order);
			}
			System.out.println("## round " + (r + 1));
			for (Config c : order) {
				c.turns().add(turn(c, users, seconds));
				if (diag) {
					diagnose(postgres, c);
				}
				if (idleSeconds > 0) {
					// a configuration measured alone still idles between its turns,
					// as it does beside others
					Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
				}
			}
		}
		printStatements(postgres);
		List<String[]> think = new ArrayList<>();
		thinkMs = 1000;
		for (Config c : configs) {
			if (c.apps().size() > 1) {
				System.out.println("## 1 s think time: " + c.label());
				think.add(new String[] { c.label() + ", 1 s think time", turn(c, users, seconds).rowWithCpu("") });
			}
		}
		thinkMs = 0;
		for (Config c : configs) {
			stop(c.nginx());
			for (Process p : c.apps()) {
				stop(p);
			}
		}
		System.out.println();
		System.out.printf("rotation %s, %d s, load average before %s%n", java.time.Instant.ofEpochMilli(t0),
				(System.currentTimeMillis() - t0) / 1000, load0);
		Config memory = configs.stream().filter(c -> !c.withPostgres()).findFirst().orElse(null);
		Config one = configs.stream()
			.filter(c -> c.apps().size() == 1 && c.label().endsWith("after"))
			.findFirst()
			.orElse(null);
		boolean withCost = memory != null && one != null;
		System.out.println("| round | " + String.join(" | ", configs.stream().map(Config::label).toList()) + " |"
				+ (withCost ? " journaling's cost, 1 instance (after) |" : ""));
		System.out.println("|---|" + "---|".repeat(configs.size() + (withCost ? 1 : 0)));
		double[] costs = new double[rounds];
		for (int r = 0; r < rounds; r++) {
			StringBuilder row = new StringBuilder("| " + (r + 1) + " |");
			for (Config c : configs) {
				Stats s = c.turns().get(r);
				row.append(String.format(" %.1f (%d + %d µs) |", s.flowsPerSecond(), s.appCpuMicros(),
						Math.max(0, s.dbCpuMicros())));
			}
			if (withCost) {
				costs[r] = cost(one.turns().get(r), memory.turns().get(r));
				row.append(String.format(" %.1f %% |", costs[r]));
			}
			System.out.println(row);
		}
		System.out.println();
		System.out.println("| " + users + " users, " + rounds + " × " + seconds
				+ " s measured | flows/s (mean of rounds) | p50 ms | p99 ms | errors | app CPU µs/request"
				+ " | PostgreSQL CPU µs/request | load generator CPU µs/request |");
		System.out.println("|---|---|---|---|---|---|---|---|");
		for (Config c : configs) {
			System.out.println(pooled(c.turns()).rowWithCpu(c.label() + ", closed loop"));
		}
		for (String[] t : think) {
			System.out.println(t[1].replaceFirst("\\|  \\|", "| " + t[0] + " |"));
		}
		if (withCost) {
			double[] sorted = costs.clone();
			Arrays.sort(sorted);
			System.out.printf(
					"journaling's cost on one instance, per round: %s; median %.1f %%; of the means of all rounds"
							+ " %.1f %%%n",
					Arrays.toString(costs),
					rounds % 2 == 1 ? sorted[rounds / 2] : (sorted[rounds / 2 - 1] + sorted[rounds / 2]) / 2,
					cost(pooled(one.turns()), pooled(memory.turns())));
		}
	}

	/** Journaling's cost: the share of memory-only throughput it loses, in %. */
	static double cost(Stats journaling, Stats memoryOnly) {
		return 100.0 * (1 - journaling.flowsPerSecond() / memoryOnly.flowsPerSecond());
	}

	/**
	 * The rotation's old order ({@code order=reverse}): every other round backwards. It
	 * puts two turns of the first and of the last configuration back to back at each
	 * round's end. In run G (docs/performance.md, "2026-12-07, night: the rotation's
	 * order") a configuration's second turn in a row served fewer flows on average than
	 * its turn after a pause (memory only 644 against 690 flows/s, journaling 459 against
	 * 477), and the cost swung between 13.8 and 35.8 % from one round to the next. The
	 * default keeps one order: every turn follows the same pause.
	 */
	static boolean reverseOddRounds;

	/**
	 * Print the instances' heap, GC, threads and TIME_WAIT sockets (and the tables) after
	 * each turn.
	 */
	static boolean diag;

	/** Seconds of idleness after each turn of a rotation's rounds. */
	static long idleSeconds;

	/**
	 * After a turn: each instance's threads, RSS and {@code jstat -gcutil}; the sockets
	 * between nginx and the instances in TIME_WAIT (each a connection closed in the last
	 * 60 s, i.e. during the turn: the others' turns send it nothing); for a journaling
	 * configuration its database's tables (rows, dead rows, size).
	 */
	static void diagnose(EmbeddedPostgres postgres, Config c) {
		System.out.printf("  diag %s: %d sockets to its instances in TIME_WAIT%n", c.name(), timeWait(c.ports()));
		for (Process p : c.apps()) {
			try {
				String status = Files.readString(Path.of("/proc/" + p.pid() + "/status"));
				String threads = status.lines().filter(l -> l.startsWith("Threads:")).findFirst().orElse("");
				String rss = status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst().orElse("");
				Process jstat = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstat").toString(),
						"-gcutil", String.valueOf(p.pid()))
					.redirectErrorStream(true)
					.start();
				String gc = new String(jstat.getInputStream().readAllBytes()).lines()
					.reduce((a, b) -> b)
					.orElse("")
					.trim();
				System.out.printf("  diag %s pid %d: %s %s gcutil %s%n", c.name(), p.pid(),
						threads.replaceAll("\\s+", " "), rss.replaceAll("\\s+", " "), gc.replaceAll("\\s+", " "));
			}
			catch (IOException ex) {
				System.out.println("  diag: " + ex);
			}
		}
		if (c.withPostgres()) {
			try (var conn = java.sql.DriverManager.getConnection(postgres.getJdbcUrl("postgres", c.name()));
					var st = conn.createStatement();
					var rs = st.executeQuery("SELECT relname, n_live_tup, n_dead_tup, autovacuum_count,"
							+ " pg_total_relation_size(relid) FROM pg_stat_user_tables WHERE n_tup_ins > 0"
							+ " ORDER BY relname")) {
				StringBuilder b = new StringBuilder("  diag " + c.name() + " tables:");
				while (rs.next()) {
					b.append(String.format(" %s live %d dead %d av %d %d kB;", rs.getString(1), rs.getLong(2),
							rs.getLong(3), rs.getLong(4), rs.getLong(5) / 1024));
				}
				try (var rs2 = st.executeQuery("SELECT count(*), max(now() - xact_start), max(age(backend_xmin))"
						+ " FROM pg_stat_activity WHERE datname = current_database()")) {
					rs2.next();
					b.append(String.format(" backends %d, oldest xact %s, xmin age %s", rs2.getLong(1),
							rs2.getString(2), rs2.getString(3)));
				}
				System.out.println(b);
			}
			catch (java.sql.SQLException ex) {
				System.out.println("  diag: " + ex);
			}
		}
	}

	/**
	 * Sockets in TIME_WAIT ({@code /proc/net/tcp}, state 06) with one of {@code ports} at
	 * either end; -1 when it cannot be read. IPv4 only: the harness's nginx reaches the
	 * instances on 127.0.0.1.
	 */
	static long timeWait(List<Integer> ports) {
		try {
			return Files.readAllLines(Path.of("/proc/net/tcp"))
				.stream()
				.skip(1)
				.map(l -> l.trim().split("\\s+"))
				.filter(f -> f.length > 3 && f[3].equals("06"))
				.filter(f -> ports.contains(Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16))
						|| ports.contains(Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16)))
				.count();
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/** Clears pg_stat_statements, where the harness loaded it ({@code pgStats=true}). */
	static void resetStatements(EmbeddedPostgres postgres) {
		try (var c = postgres.getPostgresDatabase().getConnection(); var st = c.createStatement()) {
			st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
			st.execute("SELECT pg_stat_statements_reset()");
		}
		catch (java.sql.SQLException notLoaded) {
			// pgStats=false
		}
	}

	/** The statements PostgreSQL spent most time on since the reset, where loaded. */
	static void printStatements(EmbeddedPostgres postgres) {
		try (var c = postgres.getPostgresDatabase().getConnection();
				var st = c.createStatement();
				var rs = st.executeQuery("SELECT calls, rows, round(total_exec_time::numeric, 1),"
						+ " round((total_exec_time / calls * 1000)::numeric, 1), left(regexp_replace(query, '\\s+', ' ', 'g'), 110)"
						+ " FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25")) {
			System.out.println("| calls | rows | total ms | µs/call | statement |");
			System.out.println("|---|---|---|---|---|");
			while (rs.next()) {
				System.out.printf("| %d | %d | %s | %s | `%s` |%n", rs.getLong(1), rs.getLong(2), rs.getString(3),
						rs.getString(4), rs.getString(5));
			}
		}
		catch (java.sql.SQLException notLoaded) {
			// pgStats=false
		}
	}

	/** The last three values within ±10 % of their mean. */
	static boolean flat(List<Long> values) {
		if (values.size() < 3) {
			return false;
		}
		List<Long> last = values.subList(values.size() - 3, values.size());
		double mean = last.stream().mapToLong(Long::longValue).average().orElse(0);
		return last.stream().allMatch(v -> Math.abs(v - mean) <= 0.10 * mean);
	}

	/**
	 * The turns of one configuration as one: throughput over all its measured seconds,
	 * CPU per request weighted by each round's flows, the latencies of every round
	 * together.
	 */
	static Stats pooled(List<Stats> turns) {
		long flows = turns.stream().mapToLong(Stats::flows).sum();
		double seconds = turns.stream().mapToDouble(Stats::seconds).sum();
		long[] all = turns.stream().flatMapToLong(t -> Arrays.stream(t.latenciesMicros())).sorted().toArray();
		long errors = turns.stream().mapToLong(Stats::errors).sum();
		java.util.function.ToLongFunction<java.util.function.ToLongFunction<Stats>> weighted = f -> flows == 0 ? -1
				: turns.stream().mapToLong(t -> f.applyAsLong(t) * t.flows()).sum() / flows;
		return new Stats(flows, seconds, all, errors, weighted.applyAsLong(Stats::appCpuMicros),
				weighted.applyAsLong(Stats::dbCpuMicros), weighted.applyAsLong(Stats::loadCpuMicros));
	}

	/**
	 * Starts a configuration's instances and its nginx; they run until the rotation ends.
	 */
	static Config start(String nginxBinary, String label, String name, int instances, String classpath,
			List<String> args, boolean withPostgres) throws Exception {
		List<Process> apps = new ArrayList<>();
		List<Integer> ports = new ArrayList<>();
		for (int i = 0; i < instances; i++) {
			ports.add(port());
			apps.add(startApp(name + "-" + (i + 1), ports.get(i), List.of(), args, classpath));
		}
		for (int i = 0; i < instances; i++) {
			waitHealthy(ports.get(i), apps.get(i));
		}
		int proxy = port();
		Process nginx = startNginx(nginxBinary, name, proxy, ports.get(0), ports.get(instances - 1));
		return new Config(label, name, apps, ports, nginx, proxy, withPostgres);
	}

	/** One turn of a rotation: {@link #LEAD_SECONDS}, then {@code seconds} measured. */
	static Stats turn(Config c, int users, int seconds) throws Exception {
		return load(c.proxy(), users, seconds, c.apps(), c.withPostgres(), (apps, served) -> {
			Thread.sleep(TimeUnit.SECONDS.toMillis(LEAD_SECONDS));
			return LEAD_SECONDS;
		});
	}

	/** One configuration behind nginx under load, then stopped. */
	static Stats phase(String nginxBinary, String name, int instances, String classpath, List<String> args, int users,
			int seconds, boolean withPostgres) throws Exception {
		Config c = start(nginxBinary, name, name, instances, classpath, args, withPostgres);
		Stats s = load(c.proxy(), users, seconds, c.apps(), withPostgres ? List.of("pg") : List.of());
		stop(c.nginx());
		for (Process p : c.apps()) {
			stop(p);
		}
		return s;
	}

	static int port() throws IOException {
		try (ServerSocket s = new ServerSocket(0)) {
			return s.getLocalPort();
		}
	}

	static Process startApp(String name, int port, List<String> jvm, List<String> extra) throws IOException {
		return startApp(name, port, jvm, extra, System.getProperty("java.class.path"));
	}

	static Process startApp(String name, int port, List<String> jvm, List<String> extra, String classpath)
			throws IOException {
		List<String> cmd = new ArrayList<>(
				List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
		cmd.addAll(jvm);
		cmd.addAll(List.of("-cp", classpath, "dev.tcplab.TcplabApplication"));
		cmd.addAll(appArgs(port));
		cmd.addAll(extra);
		return start(name, cmd);
	}

	static List<String> appArgs(int port) {
		return List.of("--server.port=" + port, "--server.forward-headers-strategy=native",
				"--tcplab.requests-per-second=1000000", "--tcplab.request-burst=1000000",
				"--tcplab.max-trace-events=1000", "--tcplab.max-pairs=4",
				"--tcplab.budget.max-simulations-per-client=100000", "--tcplab.budget.cpu-ms-per-second=1000000",
				"--tcplab.budget.cpu-burst-ms=1000000",
				// every virtual user comes from 127.0.0.1: one client to the per-client
				// limits
				"--tcplab.budget.jobs.requests-in-progress-per-client=100000", "--spring.main.banner-mode=off",
				"--logging.level.root=WARN");
	}

	static Process start(String name, List<String> cmd) throws IOException {
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
			.redirectOutput(work.resolve(name + ".log").toFile())
			.start();
		processes.add(p);
		return p;
	}

	static void stop(Process p) throws InterruptedException {
		p.destroy();
		if (!p.waitFor(15, TimeUnit.SECONDS)) {
			p.destroyForcibly();
		}
	}

	static long waitHealthy(int port, Process p) throws Exception {
		long t0 = System.nanoTime();
		while (p.isAlive() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(180)) {
			try {
				HttpResponse<String> r = http.send(
						HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
						HttpResponse.BodyHandlers.ofString());
				if (r.statusCode() == 200 && r.body().contains("UP")) {
					return (System.nanoTime() - t0) / 1_000_000;
				}
			}
			catch (IOException ex) {
				// starting
			}
			Thread.sleep(20);
		}
		throw new IllegalStateException("instance on " + port + " did not start; see " + work);
	}

	static Process startNginx(String binary, String name, int listen, int up1, int up2) throws Exception {
		String conf = Files.readString(Path.of("deploy/nginx.conf"))
			.replace("server app1:8080", "server 127.0.0.1:" + up1)
			.replace("server app2:8080", "server 127.0.0.1:" + up2)
			.replace("listen 8080;",
					"listen 127.0.0.1:" + listen + ";\n        add_header X-Upstream $upstream_addr always;");
		Path dir = Files.createDirectories(work.resolve("nginx-" + name));
		Files.writeString(dir.resolve("nginx.conf"), conf);
		Process p = start("nginx-" + name,
				List.of(binary, "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(), "-e",
						dir.resolve("error.log").toString(), "-g",
						"daemon off; pid " + dir.resolve("nginx.pid") + ";"));
		waitHealthy(listen, p);
		return p;
	}

	/** Startup to health UP: default, lazy init + C1 only, and CDS (extracted jar). */
	static void startupFigures(String db) throws Exception {
		List<String> pg = List.of("--spring.datasource.url=" + db);
		measureStartup("classpath, defaults", List.of(), pg);
		measureStartup("classpath, lazy init + -XX:TieredStopAtLevel=1", List.of("-XX:TieredStopAtLevel=1"),
				List.of("--spring.datasource.url=" + db, "--spring.main.lazy-initialization=true"));
		Path jar;
		try (var files = Files.list(Path.of("target"))) {
			jar = files.filter(f -> f.getFileName().toString().matches("tcplab-.*\\.jar")).findFirst().orElse(null);
		}
		if (jar == null) {
			System.out.println("(no target/tcplab-*.jar: ./mvnw package first for the java -jar and CDS figures)");
			return;
		}
		Path app = work.resolve("app");
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		run(List.of(java, "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", app.toString()));
		Path extracted = app.resolve(jar.getFileName());
		int port = port();
		List<String> train = new ArrayList<>(List.of(java, "-XX:ArchiveClassesAtExit=" + app.resolve("app.jsa"),
				"-Dspring.context.exit=onRefresh", "-jar", extracted.toString()));
		train.addAll(appArgs(port));
		train.addAll(pg);
		run(train);
		measureJar("java -jar (extracted), defaults", extracted, List.of(), pg);
		measureJar("java -jar (extracted), CDS archive", extracted,
				List.of("-XX:SharedArchiveFile=" + app.resolve("app.jsa")), pg);
		measureJar("java -jar (extracted), CDS + lazy init + -XX:TieredStopAtLevel=1", extracted,
				List.of("-XX:SharedArchiveFile=" + app.resolve("app.jsa"), "-XX:TieredStopAtLevel=1"),
				List.of("--spring.datasource.url=" + db, "--spring.main.lazy-initialization=true"));
	}

	static void run(List<String> cmd) throws Exception {
		Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
			.redirectOutput(work.resolve("run.log").toFile())
			.start();
		if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
			throw new IllegalStateException("failed: " + cmd + "; see " + work.resolve("run.log"));
		}
	}

	static void measureStartup(String label, List<String> jvm, List<String> args) throws Exception {
		long[] ms = new long[3];
		for (int i = 0; i < ms.length; i++) {
			int port = port();
			Process p = startApp("startup", port, jvm, args);
			ms[i] = waitHealthy(port, p);
			stop(p);
		}
		Arrays.sort(ms);
		System.out.printf("startup %-70s median %5d ms (of %s)%n", label, ms[1], Arrays.toString(ms));
	}

	static void measureJar(String label, Path jar, List<String> jvm, List<String> args) throws Exception {
		long[] ms = new long[3];
		for (int i = 0; i < ms.length; i++) {
			int port = port();
			List<String> cmd = new ArrayList<>(
					List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
			cmd.addAll(jvm);
			cmd.addAll(List.of("-jar", jar.toString()));
			cmd.addAll(appArgs(port));
			cmd.addAll(args);
			Process p = start("startup-jar", cmd);
			ms[i] = waitHealthy(port, p);
			stop(p);
		}
		Arrays.sort(ms);
		System.out.printf("startup %-70s median %5d ms (of %s)%n", label, ms[1], Arrays.toString(ms));
	}

	record Stats(long flows, double seconds, long[] latenciesMicros, long errors, long appCpuMicros, long dbCpuMicros,
			long loadCpuMicros) {

		Stats(long flows, double seconds, long[] latenciesMicros, long errors) {
			this(flows, seconds, latenciesMicros, errors, -1, -1, -1);
		}

		Stats withCpu(long app, long db, long load) {
			return new Stats(flows, seconds, latenciesMicros, errors, app, db, load);
		}

		double flowsPerSecond() {
			return flows / seconds;
		}

		double percentileMs(double p) {
			if (latenciesMicros.length == 0) {
				return 0;
			}
			return latenciesMicros[(int) Math.min(latenciesMicros.length - 1, Math.floor(p * latenciesMicros.length))]
					/ 1000.0;
		}

		String row(String label) {
			return String.format("| %s | %.1f | %.1f | %.1f | %d |", label, flowsPerSecond(), percentileMs(0.50),
					percentileMs(0.99), errors);
		}

		String rowWithCpu(String label) {
			return String.format("| %s | %.1f | %.1f | %.1f | %d | %d | %d | %d |", label, flowsPerSecond(),
					percentileMs(0.50), percentileMs(0.99), errors, appCpuMicros, dbCpuMicros, loadCpuMicros);
		}

	}

	/** N users loop the notebook flow for warm-up (5 s) and then {@code seconds}. */
	static Stats load(int nginxPort, int users, int seconds) throws Exception {
		return load(nginxPort, users, seconds, List.of(), List.of());
	}

	/** The measured window (System.nanoTime): start and end; unknown during warm-up. */
	private static volatile long[] measured = { Long.MAX_VALUE, Long.MAX_VALUE };

	static long[] window() {
		return measured;
	}

	static void measuring(long start, long end) {
		measured = new long[] { start, end };
	}

	/**
	 * The end of the JIT's warm-up: fewer compilations per 10 s than this, all instances
	 * together.
	 */
	static int settledCompiles = 100;

	/** The longest warm-up, in seconds. */
	static long maxWarmupSeconds = 600;

	/**
	 * Waits out the warm-up: {@code warmupSeconds}, then 10 s at a time until, twice in a
	 * row, the instances' JIT compiled fewer than {@link #settledCompiles} methods in the
	 * last 10 s and those 10 s served no more than 5 % above the best 10 s before them (a
	 * throughput plateau), or until {@link #maxWarmupSeconds}. On 2 saturated cores the
	 * compiler threads compete with the load: a fresh instance was still compiling after
	 * 60 s, and the compile rate alone once ended a warm-up in a lull of the compiler
	 * while throughput was still rising (docs/performance.md).
	 * @param served flows completed so far, warm-up included
	 * @return the warm-up's length in seconds
	 */
	static long settle(List<Process> apps, AtomicLong served) throws InterruptedException {
		long t0 = System.nanoTime();
		Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds));
		long before = apps.isEmpty() ? -1 : compiles(apps);
		long flowsBefore = served.get();
		long best = 0;
		int steady = 0;
		while (before >= 0 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(maxWarmupSeconds)) {
			Thread.sleep(10_000);
			long now = compiles(apps);
			long flows = served.get();
			long window = flows - flowsBefore;
			boolean plateau = best > 0 && window <= best * 1.05;
			System.out.println("  JIT: " + (now - before) + " compilations, " + window / 10.0
					+ " flows/s in the last 10 s" + (plateau ? " (plateau)" : ""));
			steady = now - before < settledCompiles && plateau ? steady + 1 : 0;
			if (steady == 2) {
				break;
			}
			best = Math.max(best, window);
			before = now;
			flowsBefore = flows;
		}
		return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
	}

	/** Methods the instances' JIT compiled so far (jcmd PerfCounter.print), or -1. */
	static long compiles(List<Process> apps) {
		long sum = 0;
		for (Process p : apps) {
			try {
				Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
						Long.toString(p.pid()), "PerfCounter.print")
					.redirectErrorStream(true)
					.start();
				String out = new String(jcmd.getInputStream().readAllBytes());
				jcmd.waitFor();
				java.util.regex.Matcher m = java.util.regex.Pattern.compile("sun\\.ci\\.totalCompiles=(\\d+)")
					.matcher(out);
				if (!m.find()) {
					return -1;
				}
				sum += Long.parseLong(m.group(1));
			}
			catch (IOException | InterruptedException ex) {
				return -1;
			}
		}
		return sum;
	}

	/** CPU time (µs) of processes, from /proc (utime + stime, 100 ticks/s). */
	static long cpuMicros(List<Long> pids, boolean withReapedChildren) {
		long ticks = 0;
		for (long pid : pids) {
			try {
				String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
				String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
				// fields 14-17 of proc(5): utime stime cutime cstime (f[0] is field 3)
				ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
				if (withReapedChildren) {
					ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
				}
			}
			catch (IOException | RuntimeException gone) {
				// exited
			}
		}
		return ticks * 10_000;
	}

	/** The postmaster and its backends (the PostgreSQL of this harness only). */
	static List<Long> postgresPids() {
		try {
			long postmaster = Long
				.parseLong(Files.readAllLines(work.resolve("pg").resolve("postmaster.pid")).get(0).trim());
			List<Long> pids = new ArrayList<>(List.of(postmaster));
			ProcessHandle.of(postmaster).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
			return pids;
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	static long[] cpuNow(List<Process> apps, boolean withPostgres) {
		long app = cpuMicros(apps.stream().map(Process::pid).toList(), false);
		long db = withPostgres ? cpuMicros(postgresPids(), true) : 0;
		// this JVM: the virtual users (the load generator)
		long load = cpuMicros(List.of(ProcessHandle.current().pid()), false);
		return new long[] { app, db, load };
	}

	static Stats load(int nginxPort, int users, int seconds, List<Process> apps, List<String> unused) throws Exception {
		return load(nginxPort, users, seconds, apps, !unused.isEmpty(), HostedDemoCapacity::settle);
	}

	/** How a load waits before its measured seconds; returns the seconds waited. */
	interface Warmup {

		long await(List<Process> apps, AtomicLong served) throws InterruptedException;

	}

	static Stats load(int nginxPort, int users, int seconds, List<Process> apps, boolean withPostgres, Warmup warmup)
			throws Exception {
		AtomicLong flows = new AtomicLong();
		AtomicLong served = new AtomicLong();
		AtomicLong errors = new AtomicLong();
		// the measured window starts once the warm-up is over: warmupSeconds, then
		// until the instances' JIT has settled (see settle)
		measuring(Long.MAX_VALUE, Long.MAX_VALUE);
		List<long[]> perUser = new ArrayList<>();
		CountDownLatch finished = new CountDownLatch(users);
		for (int u = 0; u < users; u++) {
			long[][] mine = { new long[1024] };
			int[] count = { 0 };
			int user = u;
			Thread t = new Thread(() -> {
				KeepAliveHttp http = new KeepAliveHttp(nginxPort);
				try {
					while (System.nanoTime() < window()[1]) {
						boolean measured = System.nanoTime() >= window()[0];
						try {
							long[] lat = flow(http, user);
							served.incrementAndGet();
							if (thinkMs > 0) {
								Thread.sleep(thinkMs);
							}
							if (measured) {
								for (long l : lat) {
									if (count[0] == mine[0].length) {
										mine[0] = Arrays.copyOf(mine[0], mine[0].length * 2);
									}
									mine[0][count[0]++] = l;
								}
								flows.incrementAndGet();
							}
						}
						catch (Exception ex) {
							// where the connection stands is unknown: a fresh one
							http.close();
							if (measured && errors.incrementAndGet() <= 3) {
								System.out.println("error: " + ex);
							}
						}
					}
				}
				finally {
					http.close();
					synchronized (perUser) {
						perUser.add(Arrays.copyOf(mine[0], count[0]));
					}
					finished.countDown();
				}
			});
			t.start();
		}
		long[][] cpu = new long[2][];
		Thread sampler = new Thread(() -> {
			try {
				long warmed = warmup.await(apps, served);
				cpu[0] = cpuNow(apps, withPostgres);
				long start = System.nanoTime();
				measuring(start, start + TimeUnit.SECONDS.toNanos(seconds));
				System.out.println("warm-up " + warmed + " s");
				Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
				cpu[1] = cpuNow(apps, withPostgres);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				measuring(System.nanoTime(), System.nanoTime());
			}
		});
		sampler.start();
		finished.await();
		sampler.join();
		long[] all = perUser.stream().flatMapToLong(Arrays::stream).sorted().toArray();
		Stats s = new Stats(flows.get(), seconds, all, errors.get());
		if (!apps.isEmpty() && cpu[0] != null && cpu[1] != null && flows.get() > 0) {
			long requests = flows.get() * (FLOW.length + 3);
			s = s.withCpu((cpu[1][0] - cpu[0][0]) / requests, (cpu[1][1] - cpu[0][1]) / requests,
					(cpu[1][2] - cpu[0][2]) / requests);
		}
		System.out.println(s.appCpuMicros() >= 0 ? s.rowWithCpu(users + " users") : s.row(users + " users"));
		return s;
	}

	static final String[][] FLOW = { { "pairs", "{}" },
			{ "pairs/1/events", "{\"type\":\"lose\",\"side\":\"client\",\"segment\":\"ACK\"}" },
			{ "pairs/1/events", "{\"type\":\"close\",\"side\":\"client\"}" }, { "clock", "{\"advanceMs\":50}" },
			{ "pairs/1/events", "{\"type\":\"close\",\"side\":\"server\"}" }, { "clock", "{\"runUntilIdle\":true}" } };

	/**
	 * One notebook flow on a user's kept connection; latency of each of its requests in
	 * µs.
	 */
	static long[] flow(KeepAliveHttp http, int user) throws Exception {
		String base = "/api/simulations";
		long[] lat = new long[FLOW.length + 3];
		long t = System.nanoTime();
		String created = http.send("POST", base, "{\"profile\":\"linux\",\"seed\":" + user + "}");
		lat[0] = (System.nanoTime() - t) / 1000;
		String id = JSON.readTree(created).get("id").asString();
		for (int i = 0; i < FLOW.length; i++) {
			t = System.nanoTime();
			http.send("POST", base + "/" + id + "/" + FLOW[i][0], FLOW[i][1]);
			lat[i + 1] = (System.nanoTime() - t) / 1000;
		}
		t = System.nanoTime();
		http.send("GET", base + "/" + id + "/trace?since=0", null);
		lat[FLOW.length + 1] = (System.nanoTime() - t) / 1000;
		t = System.nanoTime();
		http.send("DELETE", base + "/" + id, null);
		lat[FLOW.length + 2] = (System.nanoTime() - t) / 1000;
		return lat;
	}

	static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
		HttpResponse<String> r = http.send(b.timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
		if (r.statusCode() / 100 != 2) {
			throw new IllegalStateException(r.statusCode() + " " + r.body());
		}
		return r;
	}

	/**
	 * Creates 50 simulations, kills the instance that owns some of them, and measures how
	 * long until every one of those answers again through nginx.
	 */
	static long failover(int nginxPort, int victimPort, Process victim) throws Exception {
		String base = "http://127.0.0.1:" + nginxPort + "/api/simulations";
		List<String> ofVictim = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{\"seed\":" + i + "}")));
			String id = JSON.readTree(r.body()).get("id").asString();
			HttpResponse<String> p = send(HttpRequest.newBuilder(URI.create(base + "/" + id + "/pairs"))
				.header("content-type", "application/json")
				.POST(HttpRequest.BodyPublishers.ofString("{}")));
			if (p.headers().firstValue("X-Upstream").orElse("").endsWith(":" + victimPort)) {
				ofVictim.add(id);
			}
		}
		victim.destroyForcibly();
		long t0 = System.nanoTime();
		List<Thread> pollers = new ArrayList<>();
		AtomicLong worst = new AtomicLong();
		for (String id : ofVictim) {
			Thread t = new Thread(() -> {
				while (true) {
					try {
						HttpResponse<String> r = http.send(
								HttpRequest.newBuilder(URI.create(base + "/" + id + "/trace?since=0")).build(),
								HttpResponse.BodyHandlers.ofString());
						if (r.statusCode() == 200) {
							worst.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
							return;
						}
					}
					catch (Exception ex) {
						// not yet
					}
				}
			});
			t.start();
			pollers.add(t);
		}
		for (Thread t : pollers) {
			t.join();
		}
		System.out.println("failover: " + ofVictim.size() + " simulations of the killed instance served again after "
				+ worst.get() + " ms");
		return worst.get();
	}

}
