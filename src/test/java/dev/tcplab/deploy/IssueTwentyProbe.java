package dev.tcplab.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.tcplab.reliability.RawHttp;
import tools.jackson.databind.json.JsonMapper;

/**
 * The findings of issue 20 measured on any checkout (a probe, kept out of
 * {@code ./mvnw verify}), on the stack of its {@code deploy/compose.yaml}
 * ({@link ComposeStack}):
 * <ol>
 * <li>one reader (one address, straight to an instance) runs every built-in scenario on 2
 * profiles, then 32 packetdrill scripts: the first 429, if any;</li>
 * <li>through nginx, address A creates 40 simulations (20 on each instance), then address
 * B creates one;</li>
 * <li>straight to one instance, 20 addresses create 20 simulations each, then a newcomer
 * creates one.</li>
 * </ol>
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/cp.txt)" dev.tcplab.deploy.IssueTwentyProbe [repo=DIR classes=DIR]
 * </pre>
 */
public final class IssueTwentyProbe {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private IssueTwentyProbe() {
	}

	public static void main(String[] args) throws Exception {
		Map<String, String> opts = ComposeStack.options(args);
		String repo = opts.getOrDefault("repo", ".");
		String classes = opts.get("classes");
		String cp = ComposeStack.classpathWith(classes);
		List<String> scripts = ComposeStack.packetdrillScripts();
		try (ComposeStack stack = ComposeStack.start(Path.of(repo), cp)) {
			int direct = stack.appPorts.values().iterator().next();
			List<String> names = new ArrayList<>();
			JSON.readTree(ComposeStack.get(stack.url("/api/scenarios")).body())
				.forEach(s -> names.add(s.get("name").asString()));
			// 1
			RawHttp reader = new RawHttp("127.0.0.2", direct, false);
			int run = 0;
			String first = null;
			for (String profile : List.of("linux", "bsd")) {
				for (String name : names) {
					run++;
					RawHttp.Response r = reader.post("/api/scenarios/" + name + "/runs",
							"{\"profile\":\"" + profile + "\"}");
					if (r.status() != 201 && first == null) {
						first = "scenario run " + run + " → " + r.status() + " " + r.body();
					}
				}
			}
			int pd = 0;
			String firstPd = null;
			for (int i = 0; i < 32; i++) {
				pd++;
				RawHttp.Response r = reader.request("POST", "/api/packetdrill/runs?profile=linux", Map.of(),
						"text/plain",
						scripts.get(i % scripts.size()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
				if (r.status() != 200 && firstPd == null) {
					firstPd = "packetdrill run " + pd + " → " + r.status() + " " + r.body();
				}
			}
			System.out.println("finding 1: " + run + " scenario runs: " + (first == null ? "no refusal" : first));
			System.out.println("finding 1: 32 packetdrill runs: " + (firstPd == null ? "no refusal" : firstPd));
			// 2
			RawHttp a = new RawHttp("127.0.0.3", stack.nginxPort, false);
			int aOk = 0;
			// round robin: 20 on each instance, a client's share on both
			for (int i = 0; i < 40; i++) {
				aOk += a.post("/api/simulations", "{}").status() == 201 ? 1 : 0;
			}
			// B's creations go round robin too: four of them reach both instances
			List<String> b = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				RawHttp.Response r = new RawHttp("127.0.0.4", stack.nginxPort, false).post("/api/simulations", "{}");
				b.add(r.status() == 201 ? "201" : r.status() + " " + r.body());
			}
			System.out.println("finding 2: through nginx, A created " + aOk + " of 40; then B: " + b);
			// 3
			int filled = 0;
			long started = System.nanoTime();
			for (int n = 0; n < 20; n++) {
				RawHttp c = new RawHttp("127.0.1." + (10 + n), direct, false);
				for (int i = 0; i < 20; i++) {
					filled += c.post("/api/simulations", "{}").status() == 201 ? 1 : 0;
				}
			}
			double s = (System.nanoTime() - started) / 1e9;
			RawHttp.Response newcomer = new RawHttp("127.0.1.99", direct, false).post("/api/simulations", "{}");
			System.out.printf(java.util.Locale.ROOT,
					"finding 3: 20 addresses × 20 creations: %d created in %.1f s; a newcomer: %d %s%n", filled, s,
					newcomer.status(), newcomer.status() == 201 ? "" : newcomer.body());
		}
	}

}
