package dev.tcplab.engine;

/**
 * A socket-level refusal that the caller asked for explicitly and cannot be expressed as
 * a call result, e.g. a pinned client port that cannot be bound when a pair is opened.
 * Carries the errno name.
 */
public class EngineException extends RuntimeException {

	private final Errno errno;

	public EngineException(Errno errno, String message) {
		super(message);
		this.errno = errno;
	}

	public Errno errno() {
		return errno;
	}

}
