package dev.tcplab.engine;

import java.util.HashMap;
import java.util.Map;

/**
 * Initial sequence numbers, RFC 6528: ISN = M + F(localip, localport, remoteip,
 * remoteport, secretkey), M a 4 µs clock and F a keyed hash; or, with {@code pinnedIsn},
 * client 1000 / server 5000 + 100,000 per reincarnation of the same 4-tuple (readable
 * traces).
 * <p>
 * Teaching ISNs have no clock: what remembers an earlier incarnation of a 4-tuple is its
 * TIME_WAIT (RFC 6191 and Linux take the reopened connection's ISN from it). On a stack
 * without TIME_WAIT ({@code timeWaitMs = 0}) nothing remembers it, so every incarnation
 * starts again at 1000 / 5000, and an old duplicate of the previous incarnation carries
 * exactly the sequence numbers the new one expects: the hazard TIME_WAIT exists to
 * prevent (RFC 9293 §3.4.1 "Knowing When to Keep Quiet"). Real ISNs (RFC 6528) keep
 * moving with their clock, which makes the collision rarer, not impossible.
 */
final class Isn {

	private final boolean pinned;

	/** The secret key of F, drawn from the simulation's RNG. */
	private final long secret;

	/** Reincarnations per 4-tuple (pinned ISNs only). */
	private Map<Long, Integer> incarnations;

	/** Whether pinned ISNs move up per incarnation (only while TIME_WAIT exists). */
	private final boolean stepPerIncarnation;

	Isn(boolean pinned, boolean stepPerIncarnation, long secret) {
		this.pinned = pinned;
		this.stepPerIncarnation = stepPerIncarnation;
		this.secret = secret;
	}

	/** The ISN of a connection of {@code host} opened at {@code nowUs}. */
	int next(long nowUs, int host, int client, int localPort, int remotePort) {
		if (pinned) {
			int clientPort = host == Host.CLIENT ? localPort : remotePort;
			int serverPort = host == Host.CLIENT ? remotePort : localPort;
			long tuple = ((long) client << 32) | ((long) clientPort << 16) | serverPort;
			if (incarnations == null) {
				incarnations = new HashMap<>();
			}
			int inc;
			if (host == Host.CLIENT) {
				inc = incarnations.getOrDefault(tuple, -1) + 1;
				incarnations.put(tuple, inc);
			}
			else {
				inc = incarnations.getOrDefault(tuple, 0);
			}
			return (host == Host.CLIENT ? 1000 : 5000) + (stepPerIncarnation ? 100_000 * inc : 0);
		}
		long f = mix64(secret ^ Host.key(host, client, localPort, remotePort) * 0x9E3779B97F4A7C15L);
		return (int) (nowUs / 4 + f);
	}

	/** A keyed hash of {@code x} (also seeds further client hosts' ephemeral cursors). */
	long keyedHash(long x) {
		return mix64(secret + x);
	}

	private static long mix64(long z) {
		z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
		z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
		return z ^ (z >>> 33);
	}

}
