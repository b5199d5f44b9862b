package dev.tcplab.simulation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refused request, answered as an RFC 9457 problem detail (docs/api.md): its HTTP
 * status, its title (the same for every problem of a kind), the message as its detail,
 * and members of its own (which limit was hit, where in a file reading stopped, how far a
 * partial run got) that the problem handlers copy into the answer as they are.
 */
public abstract class ProblemException extends RuntimeException {

	private final int status;

	private final String title;

	private final Map<String, Object> members = new LinkedHashMap<>();

	protected ProblemException(int status, String title, String message) {
		super(message);
		this.status = status;
		this.title = title;
	}

	/** Sets a member of the problem detail (kept in the order first set). */
	protected final void member(String name, Object value) {
		this.members.put(name, value);
	}

	public int status() {
		return this.status;
	}

	public String title() {
		return this.title;
	}

	/** The problem detail's own members, in the order they were set. */
	public Map<String, Object> members() {
		return Collections.unmodifiableMap(this.members);
	}

}
