package dev.tcplab.engine;

import java.util.Map;

/**
 * What the socket layer keeps of a connection for its application (Linux's
 * {@code struct sock}, which {@code tcp_sock} embeds first, as {@link Tcb} extends this):
 * the pending error ({@code sk_err}), shutdown ({@code sk_shutdown}), the socket options,
 * the call that blocks, and the handle's bookkeeping. The calls themselves are
 * {@link SocketCalls}.
 */
abstract class Socket extends Endpoint {

	static final int CALL_NONE = 0;

	static final int CALL_RECV = 1;

	static final int CALL_CLOSE = 2;

	static final int CALL_CONNECT = 3;

	/** Error to report to the application once (ECONNRESET, ETIMEDOUT, ECONNREFUSED). */
	Errno softError;

	/** close() was called: the socket is an orphan unless close() still blocks. */
	boolean appClosed;

	/** shutdown(SHUT_RD) / shutdown(SHUT_WR) (or close()). */
	boolean shutRd;

	boolean shutWr;

	/** SO_REUSEADDR. */
	boolean reuseAddr;

	/** SO_REUSEADDR as it was when the port was bound (port-table accounting). */
	final boolean boundReuse;

	/** TCP_NODELAY: the Nagle algorithm is off for this socket. */
	boolean noDelay;

	/** SO_LINGER. */
	int lingerOnoff;

	int lingerSeconds;

	/** The call that blocks ({@code CALL_*}), and recv()'s max. */
	int pendingCall;

	Integer pendingMax;

	/** A server child was returned by accept() (or closed before it was). */
	boolean accepted;

	/** This socket holds its local port in the host's port table. */
	boolean portHeld;

	/**
	 * The TIME_WAIT record that took over this connection while the application still
	 * holds the socket.
	 */
	TimeWaitRecord timeWait;

	/** Bytes the workload read, and whether it answered (load runs). */
	long appRead;

	boolean appResponded;

	Socket(boolean reuseAddr) {
		this.reuseAddr = reuseAddr;
		this.boundReuse = reuseAddr;
	}

	/** Closed by the application and no longer waited on by a blocking close(). */
	boolean orphan() {
		return appClosed && pendingCall != CALL_CLOSE;
	}

	/** The pending error, reported once. */
	CallResult takeError() {
		Errno err = softError;
		softError = null;
		return CallResult.failed(err);
	}

	Map<String, Object> lingerArgs() {
		return Map.of("option", "SO_LINGER", "onoff", lingerOnoff, "seconds", lingerSeconds);
	}

}
