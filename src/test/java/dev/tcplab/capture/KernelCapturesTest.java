package dev.tcplab.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.tcplab.capture.CaptureAnalyzer.Limits;
import dev.tcplab.capture.CaptureAnalyzer.Tracked;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpState;

/**
 * Judged by the real kernel (docs/captures.md): for every capture made on Linux by
 * {@code src/test/captures/make-kernel-captures.sh} and kept in
 * {@code src/test/resources/captures/kernel/}, the state sequence the import infers for
 * each endpoint equals the one the kernel recorded for that socket
 * ({@code sock:inet_sock_set_state} and its time-wait mini-sockets, see
 * {@link KernelRecord}). In packetdrill captures only the kernel's endpoint has a kernel
 * record (the other end is packetdrill), so only it is compared.
 */
class KernelCapturesTest {

	static final Path DIR = Path.of("src/test/resources/captures/kernel");

	static final StackConstants LINUX = StackConstants.forProfile("linux");

	/** The endpoints compared and how many matched, over all captures (printed). */
	record Outcome(String capture, int endpoints, List<String> mismatches) {
	}

	static List<Path> captures() throws IOException {
		try (Stream<Path> files = Files.list(DIR)) {
			return files.filter(f -> f.toString().endsWith(".kernel")).sorted().toList();
		}
	}

	static Outcome judge(Path kernelFile) throws IOException {
		String name = kernelFile.getFileName().toString().replace(".kernel", "");
		Path pcap = DIR.resolve(name + ".pcap");
		if (!Files.exists(pcap)) {
			pcap = DIR.resolve(name + ".pcapng");
		}
		List<Tracked> conns = new ArrayList<>();
		try (InputStream in = Files.newInputStream(pcap)) {
			CaptureImport.run(in, LINUX, new Limits(10_000, 4096, 3_600_000), false, 0, conns::add);
		}
		conns.sort((a, b) -> Integer.compare(a.id, b.id));
		List<KernelRecord.Socket> sockets = KernelRecord.read(kernelFile);
		List<String> mismatches = new ArrayList<>();
		int compared = 0;
		// the kernel's sockets of one tuple and role, in order, meet the connections of
		// that
		// tuple in order (each incarnation has its own socket)
		java.util.Set<String> used = new java.util.HashSet<>();
		for (KernelRecord.Socket s : sockets) {
			Tracked match = null;
			int role = -1;
			for (Tracked c : conns) {
				for (int r = 0; r < 2; r++) {
					if (endpoint(c, r).equals(s.local()) && endpoint(c, 1 - r).equals(s.remote())
							&& !used.contains(c.id + "/" + r)) {
						match = c;
						role = r;
						break;
					}
				}
				if (match != null) {
					break;
				}
			}
			if (match == null) {
				mismatches.add(s.local() + " → " + s.remote() + ": no connection in the capture for kernel states "
						+ s.states());
				continue;
			}
			used.add(match.id + "/" + role);
			compared++;
			List<TcpState> inferred = match.result.sequence(role);
			if (!inferred.equals(s.states())) {
				mismatches.add("connection " + match.id + " " + (role == 0 ? "client" : "server") + " " + s.local()
						+ ": kernel " + s.states() + ", inferred " + inferred);
			}
		}
		return new Outcome(name, compared, mismatches);
	}

	private static String endpoint(Tracked c, int role) {
		boolean a = (role == 0) == c.clientIsA;
		FlowKey k = c.key;
		String addr = a ? TcpPacket.address(k.v6, k.aHi, k.aLo) : TcpPacket.address(k.v6, k.bHi, k.bLo);
		int port = a ? k.aPort : k.bPort;
		return (k.v6 ? "[" + addr + "]" : addr) + ":" + port;
	}

	// every connection socket the kernel recorded is matched to an endpoint of the
	// capture
	// and judged (none is left out), over all kept captures
	@Test
	void shouldJudgeEveryConnectionSocketTheKernelRecorded() throws IOException {
		int endpoints = 0, sockets = 0;
		List<Path> files = captures();
		for (Path f : files) {
			endpoints += judge(f).endpoints();
			sockets += KernelRecord.read(f).size();
		}
		System.out.printf("kernel-made captures: %d, endpoints judged: %d of %d kernel sockets%n", files.size(),
				endpoints, sockets);
		assertThat(endpoints).isEqualTo(sockets).isGreaterThan(80);
	}

	// RFC 9293 §3.10 as Linux implements it (tcp_rcv_state_process, tcp_fin,
	// tcp_time_wait, tcp_close): every endpoint's inferred states equal the kernel's
	@TestFactory
	Stream<DynamicTest> shouldInferEveryKernelEndpointsStatesAsTheKernelRecordedThem() throws IOException {
		List<Path> files = captures();
		assertThat(files).as("kernel-made captures in " + DIR).hasSizeGreaterThan(20);
		return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
			Outcome o = judge(f);
			assertThat(o.mismatches()).as(o.capture()).isEmpty();
			assertThat(o.endpoints()).as(o.capture() + ": endpoints compared").isPositive();
		}));
	}

}
