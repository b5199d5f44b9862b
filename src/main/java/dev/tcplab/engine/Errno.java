package dev.tcplab.engine;

/** Socket API error results, named as POSIX/Linux name them. */
public enum Errno {

	EADDRINUSE, EADDRNOTAVAIL, ENOTCONN, EPIPE, ECONNRESET, ETIMEDOUT, EWOULDBLOCK, EBADF, ECONNREFUSED, EINVAL,
	EISCONN, EALREADY, ECONNABORTED

}
