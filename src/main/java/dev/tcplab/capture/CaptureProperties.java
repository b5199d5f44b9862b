package dev.tcplab.capture;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Limits of capture imports (application.yaml, prefix {@code tcplab.captures}). See
 * docs/captures.md.
 *
 * @param maxUpload largest pcap/pcapng body (413 beyond)
 * @param maxConnections TCP connections one capture may hold (413 beyond)
 * @param maxCpu CPU time one import may use (413 beyond)
 * @param detailLimit packets kept per connection for the inference before plain data and
 * ACKs are only counted
 * @param maxTracePackets segments one trace answer lists (the rest is cut, and the answer
 * says so)
 * @param idleConnection an open connection silent this long (capture time) is finished
 * @param maxPerClient captures one client may hold at once (429 beyond)
 * @param maxBytesPerClient bytes of capture files one client may hold
 * @param maxTotal captures the instance holds at once
 * @param maxTotalBytes bytes of capture files the instance holds
 * @param ttl a capture untouched this long is deleted
 * @param dir where the files are kept; empty = a directory under the system temp dir
 */
@ConfigurationProperties("tcplab.captures")
public record CaptureProperties(@DefaultValue("64MB") DataSize maxUpload, @DefaultValue("20000") int maxConnections,
		@DefaultValue("PT20S") Duration maxCpu, @DefaultValue("2048") int detailLimit,
		@DefaultValue("20000") int maxTracePackets, @DefaultValue("PT1H") Duration idleConnection,
		@DefaultValue("5") int maxPerClient, @DefaultValue("256MB") DataSize maxBytesPerClient,
		@DefaultValue("50") int maxTotal, @DefaultValue("2GB") DataSize maxTotalBytes,
		@DefaultValue("PT1H") Duration ttl, @DefaultValue("") String dir) {
}
