package dev.tcplab.engine;

/**
 * The four timers of a TCB (RFC 9293 §3.8.1, §3.10.8), each a slot of the engine's timer
 * table ({@code internal/TimerTable}, indexed by {@link #ordinal()}). The TIME-WAIT timer
 * belongs to the compact TIME_WAIT record ({@link TimeWait}), not to a TCB.
 */
enum Timer {

	/**
	 * Retransmission (RFC 6298), also the tail loss probe (RFC 8985 §7); while the peer's
	 * window is zero it runs as the persist timer (RFC 9293 §3.8.6.1; Linux's
	 * ICSK_TIME_PROBE0 shares the slot too) and is traced as PERSIST.
	 */
	RETRANSMIT,

	/** Delayed ACK (RFC 1122 §4.2.3.2). */
	DELAYED_ACK,

	/** The orphaned FIN-WAIT-2 timeout (Linux {@code tcp_fin_timeout}). */
	FIN_WAIT_2,

	/** SO_LINGER {1,N}: how long close() blocks. */
	LINGER;

	/** Every timer, by slot (no array copy per use). */
	static final Timer[] ALL = values();

}
