package dev.tcplab.testing;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real nginx (Debian's package) in the foreground with a configuration of the test's own,
 * in a temporary prefix. {@link #close()} stops the master with SIGTERM, waits for it,
 * and then kills any worker that is still alive, so no test leaves nginx behind.
 */
public final class NginxProcess implements AutoCloseable {

	private final Process master;

	private final Path prefix;

	private NginxProcess(Process master, Path prefix) {
		this.master = master;
		this.prefix = prefix;
	}

	/** The nginx binary, or null when it is not installed. */
	public static String binary() {
		for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx",
				"/usr/bin/nginx")) {
			if (Files.isExecutable(Path.of(candidate))) {
				return candidate;
			}
		}
		for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nginx"))) {
				return Path.of(dir, "nginx").toString();
			}
		}
		return null;
	}

	/**
	 * The nginx binary; skips the test (fails it under CI) when nginx is not installed.
	 */
	public static String requireBinary() {
		String b = binary();
		RequiredInCi.require(b != null, "nginx (apt-get install nginx)");
		return b;
	}

	/**
	 * Starts nginx with {@code config} in {@code prefix} and waits until it accepts
	 * connections on {@code 127.0.0.1:port}.
	 */
	public static NginxProcess start(String config, Path prefix, int port) throws IOException, InterruptedException {
		String binary = requireBinary();
		Files.createDirectories(prefix);
		Path conf = prefix.resolve("nginx.conf");
		Files.writeString(conf, config);
		Process p = new ProcessBuilder(binary, "-p", prefix.toString(), "-c", conf.toString(), "-e",
				prefix.resolve("error.log").toString(), "-g", "daemon off; pid " + prefix.resolve("nginx.pid") + ";")
			.redirectErrorStream(true)
			.redirectOutput(prefix.resolve("nginx.out").toFile())
			.start();
		NginxProcess nginx = new NginxProcess(p, prefix);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (true) {
			try (Socket s = new Socket("127.0.0.1", port)) {
				return nginx;
			}
			catch (IOException notYet) {
				if (System.nanoTime() > deadline || !p.isAlive()) {
					String log = nginx.log();
					nginx.close();
					throw new IllegalStateException("nginx did not start: " + log);
				}
				Thread.sleep(50);
			}
		}
	}

	/** nginx's own output and error log, for failure messages. */
	public String log() throws IOException {
		StringBuilder b = new StringBuilder();
		for (String f : List.of("nginx.out", "error.log")) {
			Path p = this.prefix.resolve(f);
			if (Files.exists(p)) {
				b.append(Files.readString(p));
			}
		}
		return b.toString();
	}

	/** True while the master or any of its workers runs. */
	public boolean alive() {
		return this.master.isAlive() || this.master.descendants().anyMatch(ProcessHandle::isAlive);
	}

	@Override
	public void close() {
		List<ProcessHandle> workers = this.master.descendants().toList();
		this.master.destroy();
		try {
			if (!this.master.waitFor(10, TimeUnit.SECONDS)) {
				this.master.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.master.destroyForcibly();
		}
		for (ProcessHandle w : workers) {
			w.destroyForcibly();
		}
	}

}
