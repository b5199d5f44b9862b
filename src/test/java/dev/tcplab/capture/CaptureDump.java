package dev.tcplab.capture;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.tcplab.capture.CaptureAnalyzer.Limits;
import dev.tcplab.engine.StackConstants;

/**
 * Prints what the import infers for a capture file (a debugging aid, not a test):
 * {@code java -cp … dev.tcplab.capture.CaptureDump FILE [profile]}.
 */
public final class CaptureDump {

	private CaptureDump() {
	}

	public static void main(String[] args) throws Exception {
		StackConstants k = StackConstants.forProfile(args.length > 1 ? args[1] : "linux");
		try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
			var stats = CaptureImport.run(in, k, new Limits(1_000_000, 2048, 3_600_000), true, 0, c -> {
				System.out.println("#" + c.id + " " + c.result.capturePoint() + " shift=" + c.result.shiftMs()[0] + "/"
						+ c.result.shiftMs()[1] + " " + Diagnoser.summary(c));
				System.out.println("  client " + c.result.sequence(0));
				System.out.println("  server " + c.result.sequence(1));
				c.result.changes().forEach(ch -> System.out.println("    " + ch));
				c.result.notes().forEach(n -> System.out.println("    note " + n));
				Diagnoser.diagnose(c, k)
					.forEach(d -> System.out.println("  diag " + d.code() + " " + d.packets() + " " + d.text().en()));
			});
			System.out.println(stats);
		}
	}

}
