package dev.tcplab.engine;

/**
 * Modular 32-bit sequence number comparisons (RFC 9293 §3.4: "arithmetic modulo 2**32").
 */
final class Seq {

	private Seq() {
	}

	static boolean lt(int a, int b) {
		return a - b < 0;
	}

	static boolean le(int a, int b) {
		return a - b <= 0;
	}

	static boolean gt(int a, int b) {
		return a - b > 0;
	}

	static boolean ge(int a, int b) {
		return a - b >= 0;
	}

	static long u32(int v) {
		return v & 0xFFFFFFFFL;
	}

}
