package dev.tcplab.stream;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Limits of the live trace stream (application.yaml, prefix {@code tcplab.stream}). See
 * docs/stream.md.
 *
 * @param sendTimeLimit a viewer whose current frame has been in flight longer than this
 * is closed with 4008
 * @param bufferSizeLimit bytes of live messages queued for one viewer beyond which it is
 * closed with 4008
 * @param heartbeatInterval a {@code {"type":"heartbeat"}} message is sent after this much
 * silence (keep it well under a proxy's idle timeout, e.g. 25 s for 60 s)
 * @param senderThreads threads that hand queued messages to the container (sends are
 * asynchronous, so a few threads serve thousands of viewers)
 * @param allowedOrigins origin patterns allowed to open the WebSocket ({@code *} = any;
 * simulations are guarded by their unguessable id, not by cookies)
 * @param maxViewers viewers this instance serves at once; more are refused with 429
 * @param maxViewersPerClient viewers one client address may hold at once
 */
@ConfigurationProperties("tcplab.stream")
public record StreamProperties(Duration sendTimeLimit, int bufferSizeLimit, Duration heartbeatInterval,
		int senderThreads, List<String> allowedOrigins, int maxViewers, int maxViewersPerClient) {

	public StreamProperties {
		sendTimeLimit = sendTimeLimit == null || sendTimeLimit.isNegative() || sendTimeLimit.isZero()
				? Duration.ofSeconds(10) : sendTimeLimit;
		bufferSizeLimit = bufferSizeLimit <= 0 ? 1024 * 1024 : bufferSizeLimit;
		heartbeatInterval = heartbeatInterval == null || heartbeatInterval.isNegative() || heartbeatInterval.isZero()
				? Duration.ofSeconds(25) : heartbeatInterval;
		senderThreads = senderThreads <= 0 ? 2 : senderThreads;
		maxViewers = maxViewers <= 0 ? 2000 : maxViewers;
		maxViewersPerClient = maxViewersPerClient <= 0 ? 16 : maxViewersPerClient;
		allowedOrigins = allowedOrigins == null || allowedOrigins.isEmpty() ? List.of("*")
				: List.copyOf(allowedOrigins);
	}
}
