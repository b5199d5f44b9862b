package dev.tcplab.engine.tcb;

/**
 * Modular 32-bit sequence number comparisons (RFC 9293 §3.4: "arithmetic modulo 2**32").
 */
public final class Seq {

	private Seq() {
	}

	public static boolean lt(int a, int b) {
		return a - b < 0;
	}

	public static boolean le(int a, int b) {
		return a - b <= 0;
	}

	public static boolean gt(int a, int b) {
		return a - b > 0;
	}

	public static boolean ge(int a, int b) {
		return a - b >= 0;
	}

	/** The unsigned value of a sequence number, as traces and views show it. */
	public static long u32(int v) {
		return v & 0xFFFFFFFFL;
	}

}
