package dev.tcplab.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The real kernel's side of the comparison: {@code n} loopback TCP connections from Java,
 * each the same lifecycle the engine simulates (connect, one request, one response, the
 * client closes first, the server closes on EOF). Bounded in count and in time; loopback
 * only. The kernel expires the client's TIME_WAITs later on its own timer, so, unlike the
 * engine's figure, this one does not include TIME_WAIT expiry.
 */
final class LoopbackLifecycles {

	/** Figures of one run. */
	record Result(int threads, long lifecycles, double seconds, double cpuSeconds, long clientTimeWait,
			long serverTimeWait, long failures) {

		double perSecond() {
			return lifecycles / seconds;
		}

		/**
		 * Per second of this process's CPU time (user + system, i.e. including the
		 * kernel's work in its calls).
		 */
		double perCpuSecond() {
			return lifecycles / cpuSeconds;
		}
	}

	private LoopbackLifecycles() {
	}

	/**
	 * @param n lifecycles to run (stay below the ephemeral range, 28,232 ports by
	 * default, since every one leaves a client TIME_WAIT for 60 s; tcp_tw_reuse=2 would
	 * reuse them on loopback anyway)
	 * @param threads client threads (and as many server threads)
	 * @param maxSeconds stop early after this much wall time
	 */
	static Result run(int n, int threads, double maxSeconds) throws IOException, InterruptedException {
		byte[] request = new byte[EngineWorkloads.REQUEST_BYTES];
		byte[] response = new byte[EngineWorkloads.RESPONSE_BYTES];
		AtomicLong failures = new AtomicLong();
		try (ServerSocket listener = new ServerSocket()) {
			// SO_REUSEADDR on the listener: a rebound port may still have TIME_WAITs of
			// an earlier run.
			listener.setReuseAddress(true);
			listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
			int port = listener.getLocalPort();
			ExecutorService servers = Executors.newFixedThreadPool(threads);
			Thread acceptor = new Thread(() -> accept(listener, servers, request, response, failures),
					"loopback-accept");
			acceptor.setDaemon(true);
			acceptor.start();
			ExecutorService clients = Executors.newFixedThreadPool(threads);
			AtomicLong done = new AtomicLong();
			AtomicLong tickets = new AtomicLong();
			long deadline = System.nanoTime() + (long) (maxSeconds * 1e9);
			InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
			long cpu0 = processCpuNanos();
			long t0 = System.nanoTime();
			for (int t = 0; t < threads; t++) {
				clients.submit(() -> {
					while (tickets.getAndIncrement() < n && System.nanoTime() < deadline) {
						try {
							clientLifecycle(target, request, response);
							done.incrementAndGet();
						}
						catch (IOException ex) {
							failures.incrementAndGet();
						}
					}
				});
			}
			clients.shutdown();
			clients.awaitTermination((long) maxSeconds + 30, TimeUnit.SECONDS);
			double seconds = (System.nanoTime() - t0) / 1e9;
			double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
			// let the server side finish its last close before counting TIME_WAITs
			Thread.sleep(200);
			long[] tw = countTimeWait(port);
			listener.close();
			servers.shutdown();
			servers.awaitTermination(5, TimeUnit.SECONDS);
			return new Result(threads, done.get(), seconds, cpuSeconds, tw[0], tw[1], failures.get());
		}
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
			.getOperatingSystemMXBean()).getProcessCpuTime();
	}

	private static void clientLifecycle(InetSocketAddress target, byte[] request, byte[] response) throws IOException {
		try (Socket s = new Socket()) {
			s.setTcpNoDelay(true);
			s.connect(target, 5000);
			s.setSoTimeout(5000);
			OutputStream out = s.getOutputStream();
			out.write(request);
			readFully(s.getInputStream(), response);
		} // close(): the client closes first and keeps the TIME_WAIT
	}

	private static void accept(ServerSocket listener, ExecutorService servers, byte[] requestTemplate,
			byte[] responseTemplate, AtomicLong failures) {
		while (!listener.isClosed()) {
			Socket s;
			try {
				s = listener.accept();
			}
			catch (SocketException closed) {
				return;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			servers.submit(() -> {
				try (s) {
					s.setTcpNoDelay(true);
					s.setSoTimeout(5000);
					byte[] request = new byte[requestTemplate.length];
					InputStream in = s.getInputStream();
					readFully(in, request);
					s.getOutputStream().write(responseTemplate);
					while (in.read() >= 0) {
						// wait for the client's FIN (recv() returns 0), then close:
						// CLOSE_WAIT -> LAST_ACK -> CLOSED
					}
				}
				catch (IOException ex) {
					failures.incrementAndGet();
				}
			});
		}
	}

	private static void readFully(InputStream in, byte[] buf) throws IOException {
		int off = 0;
		while (off < buf.length) {
			int r = in.read(buf, off, buf.length - off);
			if (r < 0) {
				throw new IOException("EOF after " + off + " bytes");
			}
			off += r;
		}
	}

	/**
	 * TIME_WAIT sockets of this run from /proc/net/tcp and tcp6 (state 06): [client side
	 * (remote port = server port), server side (local port = server port)]; -1 when the
	 * file cannot be read.
	 */
	static long[] countTimeWait(int serverPort) {
		long client = 0;
		long server = 0;
		String hex = String.format(":%04X", serverPort);
		// Java's sockets are dual-stack AF_INET6, so IPv4 loopback connections show up in
		// tcp6 as ::ffff:127.0.0.1.
		for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
			Path proc = Path.of(file);
			if (!Files.isReadable(proc)) {
				continue;
			}
			try {
				List<String> lines = Files.readAllLines(proc);
				for (String line : lines.subList(1, lines.size())) {
					String[] f = line.trim().split("\\s+");
					if (f.length > 3 && f[3].equals("06")) {
						if (f[2].endsWith(hex)) {
							client++;
						}
						else if (f[1].endsWith(hex)) {
							server++;
						}
					}
				}
			}
			catch (IOException ex) {
				return new long[] { -1, -1 };
			}
		}
		return new long[] { client, server };
	}

}
