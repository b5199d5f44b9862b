package dev.tcplab.engine;

import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every tunable of a stack profile. All durations are in milliseconds of virtual time. A
 * profile is a named preset ({@link #forProfile(String)} defines them as differences from
 * RFC 9293, each with its source); each value can be overridden per simulation by its
 * record component name ({@link #withOverrides(Map)}), e.g. {@code timeWaitMs = 0} to
 * show what breaks without TIME_WAIT.
 *
 * @param profile preset this was derived from: rfc9293, linux, bsd or windows
 * @param mslMs maximum segment lifetime (RFC 9293 §3.4.1)
 * @param timeWaitMs TIME_WAIT duration; 2×MSL on rfc9293/bsd, fixed 60 s on Linux
 * (TCP_TIMEWAIT_LEN)
 * @param rtoInitialMs initial retransmission timeout (RFC 6298 §2.1: 1 s)
 * @param rtoMinMs lower bound of the RTO (Linux TCP_RTO_MIN 200 ms; RFC 6298 says 1 s)
 * @param rtoMaxMs upper bound of the RTO after backoff (Linux TCP_RTO_MAX 120 s)
 * @param retries2 retransmissions before a live connection gives up (Linux tcp_retries2 =
 * 15)
 * @param orphanRetries retransmissions before an orphaned socket gives up (Linux
 * tcp_orphan_retries 0 = 8)
 * @param synRetries SYN retransmissions before connect() fails with ETIMEDOUT
 * @param delayedAckMs delayed ACK timeout (RFC 1122 §4.2.3.2; Linux ~40 ms)
 * @param quickAck Linux's receive-side ACK engine: up to 16 quick ACKs on a fresh
 * connection, interactive (pingpong) mode after a reply or the peer's FIN, delayed ACK
 * then (tcp_event_data_recv, __tcp_ack_snd_check); false = RFC 1122 delayed ACK with an
 * ACK for every second segment
 * @param finWait2TimeoutMs orphaned FIN_WAIT_2 lifetime (Linux tcp_fin_timeout 60 s); 0 =
 * wait forever
 * @param rstOnUnreadClose close() with unread received data sends RST instead of FIN (RFC
 * 1122 §4.2.2.13, RFC 2525 §2.17)
 * @param lingerTimeoutErrno result of close() whose SO_LINGER {1,N} expires: 0 on Linux,
 * EWOULDBLOCK on BSD (written "0", "EWOULDBLOCK" or "ETIMEDOUT" in the constants JSON and
 * in overrides)
 * @param rfc1337 true = ignore RST in TIME_WAIT (RFC 1337 fix, Linux tcp_rfc1337=1);
 * false = RST kills it (RFC 9293)
 * @param twReuse Linux tcp_tw_reuse: whether an outgoing connect may take over a tuple in
 * TIME_WAIT; 0 = never, 1 = yes (modelled: when no ephemeral port is free, a client
 * TIME_WAIT to the same destination at least 1 s old), 2 = for loopback connections only
 * (Linux 6.18's default), which acts as 0 in the lab: its hosts are not loopback
 * @param synReopensTimeWait a new SYN with a higher ISN reopens a TIME_WAIT connection
 * (RFC 1122 §4.2.2.13, RFC 6191)
 * @param mss maximum segment size in bytes
 * @param windowBytes receive window advertised by each endpoint
 * @param ephemeralLow lowest ephemeral port (Linux ip_local_port_range 32768)
 * @param ephemeralHigh highest ephemeral port (Linux 60999)
 * @param tailLossProbe send one tail loss probe (RFC 8985 §7, Linux) before the first RTO
 * of a flight on a connection that negotiated SACK: its timeout (2·SRTT + RTO_min with
 * one segment out, + 2 ms with more) is clamped to the RTO, and the tail is resent once
 * without backing off, so with a 10 ms RTT Linux resends a lost FIN at +213, +216, +436,
 * +864 ms (without SACK: +213, +432, +880 ms; measured, docs/engine.md)
 * @param rtoFormula how an RTT sample sets the RTO: "rfc6298" = max(RTO_min, SRTT +
 * max(G, 4·RTTVAR)) with G = 1 ms (RFC 6298 §2.3, §2.4); "linux" = SRTT + max(RTO_min,
 * 4·RTTVAR) (Linux {@code tcp_set_rto}/{@code tcp_rtt_estimator}: the minimum bounds the
 * variance term, not the sum); "freebsd" = max(RTO_min, SRTT + 4·RTTVAR + 200 ms)
 * (FreeBSD {@code TCPT_RANGESET} adds {@code tcp_rexmit_slop}, 200 ms by default, so the
 * RTO stays above the peer's delayed ACK although {@code tcp_rexmit_min} is 30 ms)
 * @param timeWaitRstChallengeAck an RST inside the window but not exactly at RCV.NXT
 * reaching TIME_WAIT draws a challenge ACK (RFC 9293 §3.10.7.4 with RFC 5961 §3.2); false
 * = it is silently ignored (Linux tcp_timewait_state_process)
 * @param shutRdKeepsData shutdown(SHUT_RD) keeps the data already received and later data
 * readable: recv() returns it, then 0 (Linux); false = the receive buffer is flushed and
 * later data is ACKed and dropped (BSD sorflush)
 * @param rstOnDataAfterShutRd new data reaching FIN_WAIT_1/2 after shutdown(SHUT_RD or
 * SHUT_RDWR) resets the connection with an RST, as after close() (Linux
 * tcp_rcv_state_process checks RCV_SHUTDOWN); false = it is accepted
 * @param requestSockets an in-window SYN (not the retransmitted one) reaching a passive
 * SYN_RECEIVED connection draws RST and drops the request, as a Linux request socket does
 * (tcp_check_req); false = RFC 9293 §3.10.7.4 fourth: it returns the connection to LISTEN
 * without a reply. RSTs are handled alike on every profile: at RCV.NXT back to LISTEN,
 * elsewhere in the window a challenge ACK (RFC 5961 §3.2, measured on Linux)
 * @param timeWaitAckRestarts every segment carrying ACK that reaches TIME_WAIT restarts
 * its timer (Linux tcp_timewait_state_process: a bare ACK at RCV.NXT silently, anything
 * else with an ACK in reply); false = only a retransmitted FIN restarts it (RFC 9293
 * §3.10.7.4)
 * @param reopenIsnOffset ISS of a connection reopened from TIME_WAIT by a new SYN, as an
 * offset from the old SND.NXT (Linux tcp_timewait_state_process: 65535 + 2); 0 = the ISN
 * generator, raised above the old SND.NXT if needed (RFC 1122 §4.2.2.13)
 * @param synAckRetries SYN,ACK retransmissions of a passive SYN_RECEIVED connection
 * before the request is dropped (Linux tcp_synack_retries = 5, about 63 s in all)
 * @param challengeAckIntervalMs minimum time between two challenge or out-of-window ACKs
 * of one connection or TIME_WAIT (RFC 5961 §7; Linux tcp_invalid_ratelimit = 500 ms, per
 * socket — segments with data are exempt from the out-of-window limit); 0 = no limit
 * @param acceptFinAtZeroWindow a bare FIN exactly at RCV.NXT is accepted while the
 * receive window is 0 (Linux tcp_data_queue: "some stacks are known to send bare FIN
 * packets in a loop even if we send RWIN 0"); false = it is unacceptable like any segment
 * with length (RFC 9293 §3.10.7.4 first)
 * @param ackOfUnsentDataDropped a segment whose ACK acknowledges something not yet sent
 * (SEG.ACK &gt; SND.NXT) is dropped silently; false = RFC 9293 §3.10.7.4 fifth: "send an
 * ACK, drop the segment, and return", which Linux does as a challenge ACK under the
 * {@code challengeAckIntervalMs} limit (tcp_ack, measured with packetdrill
 * --strict_segments). No built-in profile sets it since 2026-12-07 (Linux was believed to
 * drop silently: packetdrill had merged its ACK into the next data segment)
 * @param finWaitsForWindow a FIN is sent only when the peer's window has room for it, and
 * waits behind a zero window for the persist timer's probes like data (Linux
 * tcp_snd_wnd_test, measured with packetdrill); false = the FIN goes out whatever the
 * window (BSD tcp_output)
 * @param closeWaitRstEpipe an RST reaching CLOSE_WAIT leaves EPIPE for the next write(),
 * and read() keeps returning 0 because the peer's FIN was seen (Linux tcp_reset,
 * tcp_recvmsg_locked checks SOCK_DONE before sk_err; measured with packetdrill); false =
 * the next call gets ECONNRESET (RFC 9293 §3.10.7.4 second: "reset" responses)
 * @param orphanFinWait2AsTimeWait an orphaned FIN_WAIT_2 (the application closed) is a
 * timewait mini-socket, as Linux keeps it (tcp_time_wait with TCP_FIN_WAIT2,
 * tcp_timewait_state_process): any RST in the window kills it without a challenge ACK;
 * false = it keeps RFC 5961 §3.2 like an open FIN_WAIT_2 (measured with packetdrill)
 * @param synAckCompletesSimultaneousOpen after crossed SYNs (an active open in
 * SYN_RECEIVED), the peer's SYN,ACK acknowledging our SYN completes the handshake: it is
 * ACKed and connect() returns (Linux tcp_validate_incoming lets it pass, measured with
 * packetdrill); false = it is an old SYN and draws an ACK (RFC 9293 §3.10.7.4 first), and
 * the peer's ACK completes the handshake
 * @param synSentBadAckRetryMs in SYN_SENT, a segment with an unacceptable ACK (an RST,ACK
 * or a stale FIN,ACK, which draws an RST) re-arms the SYN timer to this many ms while the
 * SYN was not retransmitted yet: Linux's TCP_TIMEOUT_MIN, two jiffies, 8 ms at
 * CONFIG_HZ=250 (tcp_rcv_synsent_state_process, measured with packetdrill); 0 = the SYN
 * waits for its RTO (RFC 9293 §3.10.7.3 only drops the segment)
 * @param windowScale the shift count a SYN offers in the Window Scale option (RFC 7323
 * §2), used when the peer's SYN offers one too: windows in other segments are sent
 * shifted right by it; −1 = the option is not offered. Linux derives it from the largest
 * receive buffer ({@code tcp_rmem[2]}, 32 MiB on the measured 6.18 kernel: 10); a
 * simulation whose {@code windowBytes} is below 65535 (a small receive buffer, as after
 * SO_RCVBUF) offers shift 0
 * @param sack offer SACK-permitted in a SYN (RFC 2018 §2; a SYN,ACK answers it only when
 * the SYN carried it). Once negotiated, ACKs sent while data or a FIN is held after a gap
 * carry SACK blocks (RFC 2018 §4), and the tail loss probe may run (it needs SACK: Linux
 * {@code tcp_schedule_loss_probe}, measured). Linux {@code tcp_sack} = 1, FreeBSD
 * {@code net.inet.tcp.sack.enable} = 1, Windows {@code SackOpts} = 1
 * @param nagle the Nagle algorithm (RFC 1122 §4.2.3.4): while data is unacknowledged, a
 * write smaller than the MSS is held until the ACK comes or a full segment accumulates; a
 * queued FIN lets it go at once (the held bytes leave with the FIN). "rfc1122" = held
 * while anything sent is unacknowledged (BSD {@code tcp_output}'s idle test, evaluated
 * when the send begins, so one write is never split by it); "minshall" = held only while
 * a short segment sent earlier is unacknowledged (Linux {@code tcp_nagle_check},
 * {@code tcp_minshall_check}, measured with packetdrill); "off" = never held (as
 * TCP_NODELAY on every socket)
 * @param timestamps offer the Timestamps option in a SYN (RFC 7323 §3; a SYN,ACK answers
 * it only when the SYN carried it). Once negotiated every segment carries TSval (the
 * sender's millisecond clock) and TSecr (TS.Recent), PAWS drops segments whose TSval is
 * older than TS.Recent (RFC 7323 §5), and a segment's payload is 12 bytes below the MSS.
 * Linux {@code tcp_timestamps} = 1, FreeBSD {@code net.inet.tcp.rfc1323} = 1; Windows
 * {@code Tcp1323Opts} leaves timestamps off by default
 */
public record StackConstants(String profile, long mslMs, long timeWaitMs, long rtoInitialMs, long rtoMinMs,
		long rtoMaxMs, int retries2, int orphanRetries, int synRetries, long delayedAckMs, boolean quickAck,
		long finWait2TimeoutMs, boolean rstOnUnreadClose, CallResult lingerTimeoutErrno, boolean rfc1337, int twReuse,
		boolean synReopensTimeWait, int mss, int windowBytes, int ephemeralLow, int ephemeralHigh,
		boolean tailLossProbe, String rtoFormula, boolean timeWaitRstChallengeAck, boolean shutRdKeepsData,
		boolean rstOnDataAfterShutRd, boolean requestSockets, boolean timeWaitAckRestarts, int reopenIsnOffset,
		int synAckRetries, long challengeAckIntervalMs, boolean acceptFinAtZeroWindow, boolean ackOfUnsentDataDropped,
		boolean finWaitsForWindow, boolean closeWaitRstEpipe, boolean orphanFinWait2AsTimeWait,
		boolean synAckCompletesSimultaneousOpen, long synSentBadAckRetryMs, int windowScale, boolean sack, String nagle,
		boolean timestamps) {

	/**
	 * {@link #rtoFormula()}: RFC 6298 §2, RTO = max(RTO_min, SRTT + max(G, 4·RTTVAR)).
	 */
	public static final String RTO_RFC6298 = "rfc6298";

	/** {@link #rtoFormula()}: Linux, RTO = SRTT + max(RTO_min, 4·RTTVAR). */
	public static final String RTO_LINUX = "linux";

	/**
	 * {@link #rtoFormula()}: FreeBSD, RTO = max(RTO_min, SRTT + 4·RTTVAR + slop), slop
	 * {@value #FREEBSD_REXMIT_SLOP_MS} ms.
	 */
	public static final String RTO_FREEBSD = "freebsd";

	/** {@link #nagle()}: RFC 1122 §4.2.3.4, held while anything is unacknowledged. */
	public static final String NAGLE_RFC1122 = "rfc1122";

	/** {@link #nagle()}: Linux, held while a short segment is unacknowledged. */
	public static final String NAGLE_MINSHALL = "minshall";

	/** {@link #nagle()}: no Nagle algorithm. */
	public static final String NAGLE_OFF = "off";

	/** FreeBSD's default {@code net.inet.tcp.rexmit_slop} (TCPTV_CPU_VAR, hz/5). */
	public static final int FREEBSD_REXMIT_SLOP_MS = 200;

	/**
	 * Smallest MSS accepted: the default send MSS of RFC 9293 §3.7.1 (RFC 1122 §4.2.2.6),
	 * so one window is at most ⌈65535 / 536⌉ = 123 segments.
	 */
	public static final int MIN_MSS = 536;

	private static final CallResult EWOULDBLOCK = CallResult.failed(Errno.EWOULDBLOCK);

	/** Names of the built-in profiles. */
	public static final List<String> PROFILES = List.of("rfc9293", "linux", "bsd", "windows");

	public StackConstants {
		requireNonNegative("mslMs", mslMs);
		requireNonNegative("timeWaitMs", timeWaitMs);
		requirePositive("rtoInitialMs", rtoInitialMs);
		requirePositive("rtoMinMs", rtoMinMs);
		requirePositive("rtoMaxMs", rtoMaxMs);
		if (rtoMinMs > rtoMaxMs) {
			throw new IllegalArgumentException(
					"rtoMinMs (" + rtoMinMs + ") must not exceed rtoMaxMs (" + rtoMaxMs + ")");
		}
		requireNonNegative("retries2", retries2);
		requireNonNegative("orphanRetries", orphanRetries);
		requireNonNegative("synRetries", synRetries);
		requireNonNegative("delayedAckMs", delayedAckMs);
		requireNonNegative("finWait2TimeoutMs", finWait2TimeoutMs);
		requireNonNegative("synSentBadAckRetryMs", synSentBadAckRetryMs);
		if (!CallResult.ZERO.equals(lingerTimeoutErrno)
				&& !CallResult.failed(Errno.EWOULDBLOCK).equals(lingerTimeoutErrno)
				&& !CallResult.failed(Errno.ETIMEDOUT).equals(lingerTimeoutErrno)) {
			throw new IllegalArgumentException("lingerTimeoutErrno must be \"0\", \"EWOULDBLOCK\" or \"ETIMEDOUT\"");
		}
		if (!RTO_RFC6298.equals(rtoFormula) && !RTO_LINUX.equals(rtoFormula) && !RTO_FREEBSD.equals(rtoFormula)) {
			throw new IllegalArgumentException("rtoFormula must be \"rfc6298\", \"linux\" or \"freebsd\"");
		}
		if (!NAGLE_RFC1122.equals(nagle) && !NAGLE_MINSHALL.equals(nagle) && !NAGLE_OFF.equals(nagle)) {
			throw new IllegalArgumentException("nagle must be \"rfc1122\", \"minshall\" or \"off\"");
		}
		if (windowScale < -1 || windowScale > 14) {
			throw new IllegalArgumentException("windowScale must be -1 (not offered) or 0 to 14 (RFC 7323 §2.3)");
		}
		if (twReuse < 0 || twReuse > 2) {
			throw new IllegalArgumentException("twReuse must be 0, 1 or 2");
		}
		// a tiny MSS multiplies the segments per window (Linux added a floor,
		// tcp_min_snd_mss, after CVE-2019-11479); 536 is RFC 9293's default send MSS
		if (mss < MIN_MSS || mss > 65495) {
			throw new IllegalArgumentException("mss must be between " + MIN_MSS + " and 65495, got " + mss);
		}
		if (windowBytes < 1 || windowBytes > 65535) {
			throw new IllegalArgumentException("windowBytes must be between 1 and 65535 (no window scaling)");
		}
		if (ephemeralLow < 1 || ephemeralHigh > 65535 || ephemeralLow > ephemeralHigh) {
			throw new IllegalArgumentException(
					"ephemeral port range must satisfy 1 <= ephemeralLow <= ephemeralHigh <= 65535");
		}
		// ten days of virtual time is absurd for any TCP timer
		long max = 10L * 24 * 3600 * 1000;
		for (long v : new long[] { mslMs, timeWaitMs, rtoInitialMs, rtoMinMs, rtoMaxMs, delayedAckMs, finWait2TimeoutMs,
				synSentBadAckRetryMs }) {
			if (v > max) {
				throw new IllegalArgumentException("timer constants must be at most " + max + " ms");
			}
		}
		if (retries2 > 100 || orphanRetries > 100 || synRetries > 100) {
			throw new IllegalArgumentException("retry counts must be at most 100");
		}
	}

	private static void requireNonNegative(String name, long v) {
		if (v < 0) {
			throw new IllegalArgumentException(name + " must not be negative, got " + v);
		}
	}

	private static void requirePositive(String name, long v) {
		if (v <= 0) {
			throw new IllegalArgumentException(name + " must be positive, got " + v);
		}
	}

	/**
	 * The preset of a profile (null = linux), defined as its differences from RFC 9293:
	 * {@link Draft} holds every constant at its RFC 9293 value, one line each with its
	 * source (the defaults live there and nowhere else), and each other profile changes
	 * only what differs, one line per constant with the sysctl, kernel symbol or vendor
	 * document it comes from.
	 * @throws IllegalArgumentException for an unknown profile name
	 */
	public static StackConstants forProfile(String name) {
		String p = name == null ? "linux" : name.trim().toLowerCase(Locale.ROOT);
		return switch (p) {
			case "rfc9293" -> new Draft().build();
			case "linux" -> linux();
			case "bsd" -> bsd();
			case "windows" -> windows();
			default -> throw new IllegalArgumentException(
					"unknown profile \"" + name + "\"; known profiles: " + String.join(", ", PROFILES));
		};
	}

	/**
	 * Linux 6.18 with its default sysctls (checked against the kernel with packetdrill,
	 * docs/tcp-facts.md). Equal to RFC 9293's: rtoInitialMs (TCP_TIMEOUT_INIT 1 s),
	 * retries2 (tcp_retries2 = 15), orphanRetries (tcp_orphan_retries = 0, which
	 * tcp_orphan_retries() reads as 8), synRetries (tcp_syn_retries = 6), rfc1337
	 * (tcp_rfc1337 = 0), rstOnUnreadClose (tcp_close), synReopensTimeWait
	 * (tcp_timewait_state_process).
	 */
	private static StackConstants linux() {
		Draft d = new Draft();
		d.profile = "linux";
		d.mslMs = 30_000; // half of TCP_TIMEWAIT_LEN
		d.timeWaitMs = 60_000; // TCP_TIMEWAIT_LEN
		d.rtoMinMs = 200; // TCP_RTO_MIN
		d.rtoMaxMs = 120_000; // TCP_RTO_MAX
		d.delayedAckMs = 40; // TCP_DELACK_MIN
		d.quickAck = true; // tcp_incr_quickack, pingpong
		d.finWait2TimeoutMs = 60_000; // tcp_fin_timeout
		d.lingerTimeoutErrno = CallResult.ZERO; // tcp_close returns 0
		d.twReuse = 2; // tcp_tw_reuse = 2 (loopback only)
		d.ephemeralLow = 32768; // ip_local_port_range
		d.ephemeralHigh = 60999;
		d.tailLossProbe = true; // tcp_early_retrans = 3
		d.rtoFormula = RTO_LINUX; // __tcp_set_rto
		d.timeWaitRstChallengeAck = false; // tcp_timewait_state_process
		d.shutRdKeepsData = true; // tcp_recvmsg, measured
		d.rstOnDataAfterShutRd = true; // tcp_rcv_state_process
		d.requestSockets = true; // tcp_check_req
		d.timeWaitAckRestarts = true; // tcp_timewait_state_process
		d.reopenIsnOffset = 65537; // tcp_timewait_state_process
		d.synAckRetries = 5; // tcp_synack_retries
		d.challengeAckIntervalMs = 500; // tcp_invalid_ratelimit
		d.acceptFinAtZeroWindow = true; // tcp_data_queue
		d.finWaitsForWindow = true; // tcp_snd_wnd_test
		d.closeWaitRstEpipe = true; // tcp_reset, tcp_recvmsg_locked
		d.orphanFinWait2AsTimeWait = true; // tcp_time_wait(TCP_FIN_WAIT2)
		d.synAckCompletesSimultaneousOpen = true; // tcp_validate_incoming
		d.synSentBadAckRetryMs = 8; // TCP_TIMEOUT_MIN, 2 jiffies at HZ=250
		d.windowScale = 10; // tcp_rmem[2] 32 MiB, measured
		d.sack = true; // tcp_sack = 1
		d.nagle = NAGLE_MINSHALL; // tcp_nagle_check, tcp_minshall_check
		d.timestamps = true; // tcp_timestamps = 1
		return d.build();
	}

	/** FreeBSD 14 with its default sysctls. */
	private static StackConstants bsd() {
		Draft d = new Draft();
		d.profile = "bsd";
		d.mslMs = 30_000; // net.inet.tcp.msl
		d.timeWaitMs = 60_000; // 2·MSL
		d.rtoMinMs = 30; // net.inet.tcp.rexmit_min
		d.rtoMaxMs = 64_000; // TCPTV_REXMTMAX
		d.retries2 = 12; // TCP_MAXRXTSHIFT
		d.delayedAckMs = 100; // net.inet.tcp.delacktime
		d.finWait2TimeoutMs = 60_000; // tcp.finwait2_timeout
		d.rtoFormula = RTO_FREEBSD; // TCPT_RANGESET, rexmit_slop
		d.windowScale = 6; // tcp_syncache, sb_max 2 MiB
		d.sack = true; // net.inet.tcp.sack.enable = 1
		d.timestamps = true; // net.inet.tcp.rfc1323 = 1
		return d.build();
	}

	/** Windows (Server 2003 onwards registry defaults, TCP chimney documentation). */
	private static StackConstants windows() {
		Draft d = new Draft();
		d.profile = "windows";
		d.mslMs = 60_000; // half of TcpTimedWaitDelay
		d.timeWaitMs = 120_000; // TcpTimedWaitDelay = 0x78
		d.rtoMinMs = 300; // Set-NetTCPSetting -MinRtoMs
		d.retries2 = 5; // TcpMaxDataRetransmissions
		d.orphanRetries = 5; // as TcpMaxDataRetransmissions
		d.synRetries = 2; // TcpMaxConnectRetransmissions
		d.finWait2TimeoutMs = 120_000; // "FIN_WAIT_2 Timer" (chimney)
		d.synReopensTimeWait = false; // ACK, the client RSTs
		d.synAckRetries = 2; // as TcpMaxConnectRetransmissions
		d.windowScale = 8; // receive window autotuning "normal"
		d.sack = true; // SackOpts = 1
		return d.build();
	}

	/**
	 * Every constant of {@link StackConstants}, initialised to its RFC 9293 value: the
	 * {@code rfc9293} profile and the starting point of every other. Where RFC 9293 and
	 * the RFCs it cites name no value, the comment says which the lab takes and why.
	 */
	private static final class Draft {

		String profile = "rfc9293";

		long mslMs = 120_000; // RFC 9293 §3.4.1: MSL 2 minutes

		long timeWaitMs = 240_000; // RFC 9293 §3.10.7.4: 2·MSL

		long rtoInitialMs = 1_000; // RFC 6298 §2.1

		long rtoMinMs = 1_000; // RFC 6298 §2.4

		long rtoMaxMs = 60_000; // RFC 6298 §2.5

		int retries2 = 15; // RFC 1122 §4.2.3.5 R2; Linux's count

		int orphanRetries = 8; // no RFC value; Linux's

		int synRetries = 6; // RFC 1122 §4.2.3.5; Linux's count

		long delayedAckMs = 200; // RFC 1122 §4.2.3.2: < 500 ms

		boolean quickAck = false; // RFC 1122 §4.2.3.2

		long finWait2TimeoutMs = 0; // RFC 9293: none

		boolean rstOnUnreadClose = true; // RFC 1122 §4.2.2.13, RFC 2525 §2.17

		CallResult lingerTimeoutErrno = EWOULDBLOCK; // 4.4BSD soclose

		boolean rfc1337 = false; // RFC 9293 §3.10.7.4 second

		int twReuse = 0; // RFC 9293 §3.6.1

		boolean synReopensTimeWait = true; // RFC 1122 §4.2.2.13, RFC 6191

		int mss = 1460; // RFC 9293 §3.7.1, Ethernet

		int windowBytes = 65535; // RFC 9293 §3.1, no scaling

		int ephemeralLow = 49152; // RFC 6335 §6

		int ephemeralHigh = 65535;

		boolean tailLossProbe = false; // RFC 8985 §7 is optional

		String rtoFormula = RTO_RFC6298; // RFC 6298 §2

		boolean timeWaitRstChallengeAck = true; // RFC 5961 §3.2

		boolean shutRdKeepsData = false; // 4.4BSD sorflush

		boolean rstOnDataAfterShutRd = false; // no RFC rule

		boolean requestSockets = false; // RFC 9293 §3.10.7.4

		boolean timeWaitAckRestarts = false; // RFC 9293 §3.10.7.4

		int reopenIsnOffset = 0; // RFC 1122 §4.2.2.13

		int synAckRetries = 6; // RFC 1122 §4.2.3.5

		long challengeAckIntervalMs = 0; // RFC 5961 §7 (optional)

		boolean acceptFinAtZeroWindow = false; // RFC 9293 §3.10.7.4 first

		boolean ackOfUnsentDataDropped = false; // RFC 9293 §3.10.7.4 fifth, Linux tcp_ack

		boolean finWaitsForWindow = false; // BSD tcp_output

		boolean closeWaitRstEpipe = false; // RFC 9293 §3.10.7.4 second

		boolean orphanFinWait2AsTimeWait = false; // RFC 5961 §3.2 in FIN-WAIT-2

		boolean synAckCompletesSimultaneousOpen = false; // RFC 9293 §3.10.7.4 first

		long synSentBadAckRetryMs = 0; // RFC 9293 §3.10.7.3: drop, the RTO resends

		int windowScale = -1; // RFC 7323 is not part of RFC 9293

		boolean sack = false; // RFC 2018 is not part of RFC 9293

		String nagle = NAGLE_RFC1122; // RFC 1122 §4.2.3.4; BSD tcp_output, Windows alike

		boolean timestamps = false; // RFC 7323 is not part of RFC 9293

		/** The constants, each taken from the field of its name. */
		StackConstants build() {
			Map<String, Object> values = new LinkedHashMap<>();
			for (RecordComponent c : StackConstants.class.getRecordComponents()) {
				try {
					values.put(c.getName(), Draft.class.getDeclaredField(c.getName()).get(this));
				}
				catch (ReflectiveOperationException ex) {
					throw new IllegalStateException("StackConstants.Draft lacks the constant " + c.getName(), ex);
				}
			}
			return construct(values);
		}

	}

	/**
	 * The constants as an ordered name → value map (the API's {@code constants} object).
	 */
	public Map<String, Object> asMap() {
		Map<String, Object> map = values();
		// a call result is written as its wire text: "0", "EWOULDBLOCK"
		map.replaceAll((name, value) -> value instanceof CallResult r ? r.toString() : value);
		return map;
	}

	/** The components by name, with their Java values. */
	private Map<String, Object> values() {
		Map<String, Object> map = new LinkedHashMap<>();
		for (RecordComponent c : StackConstants.class.getRecordComponents()) {
			try {
				map.put(c.getName(), c.getAccessor().invoke(this));
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException(ex);
			}
		}
		return map;
	}

	/**
	 * A copy with some constants replaced, by component name. Numbers may be given as any
	 * {@link Number} (must be integral) or numeric string; booleans as {@link Boolean}.
	 * {@code profile} cannot be overridden.
	 * @throws IllegalArgumentException naming the offending key for an unknown name, a
	 * wrong type or an invalid value
	 */
	public StackConstants withOverrides(Map<String, ?> overrides) {
		if (overrides == null || overrides.isEmpty()) {
			return this;
		}
		Map<String, Object> values = values();
		for (Map.Entry<String, ?> e : overrides.entrySet()) {
			String key = e.getKey();
			if (!values.containsKey(key) || "profile".equals(key)) {
				throw new IllegalArgumentException("unknown constant \"" + key + "\"; known: "
						+ String.join(", ", values.keySet().stream().filter(k -> !k.equals("profile")).toList()));
			}
			values.put(key, coerce(key, values.get(key), e.getValue()));
		}
		return construct(values);
	}

	/** A record from its components by name (the canonical constructor validates). */
	private static StackConstants construct(Map<String, Object> values) {
		RecordComponent[] comps = StackConstants.class.getRecordComponents();
		Object[] args = new Object[comps.length];
		Class<?>[] types = new Class<?>[comps.length];
		for (int i = 0; i < comps.length; i++) {
			args[i] = values.get(comps[i].getName());
			types[i] = comps[i].getType();
		}
		try {
			return StackConstants.class.getDeclaredConstructor(types).newInstance(args);
		}
		catch (java.lang.reflect.InvocationTargetException ex) {
			if (ex.getCause() instanceof IllegalArgumentException iae) {
				throw iae;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static Object coerce(String key, Object current, Object given) {
		if (given == null) {
			throw new IllegalArgumentException("constant \"" + key + "\" must not be null");
		}
		if (current instanceof Boolean) {
			if (given instanceof Boolean b) {
				return b;
			}
			throw new IllegalArgumentException("constant \"" + key + "\" must be true or false");
		}
		if (current instanceof String) {
			return String.valueOf(given);
		}
		if (current instanceof CallResult) {
			try {
				return CallResult.parse(String.valueOf(given));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"constant \"" + key + "\" must be \"0\", \"EWOULDBLOCK\" or \"ETIMEDOUT\"");
			}
		}
		long v;
		if (given instanceof Number n) {
			double d = n.doubleValue();
			if (d != Math.rint(d) || Double.isInfinite(d) || Math.abs(d) > 9.0e15) {
				throw new IllegalArgumentException("constant \"" + key + "\" must be a whole number, got " + given);
			}
			v = n.longValue();
		}
		else if (given instanceof String s) {
			try {
				v = Long.parseLong(s.trim());
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException(
						"constant \"" + key + "\" must be a whole number, got \"" + s + "\"");
			}
		}
		else {
			throw new IllegalArgumentException("constant \"" + key + "\" must be a number");
		}
		if (current instanceof Integer) {
			if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
				throw new IllegalArgumentException("constant \"" + key + "\" is out of range: " + v);
			}
			return (int) v;
		}
		return v;
	}
}
