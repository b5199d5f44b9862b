package dev.tcplab.engine;

import static dev.tcplab.engine.Segment.ACK;
import static dev.tcplab.engine.Segment.FIN;
import static dev.tcplab.engine.Segment.SYN;

/**
 * The application interface, RFC 9293 §3.10.1–3.10.6 as the socket calls of Linux
 * ({@code tcp_v4_connect}, {@code tcp_sendmsg}, {@code tcp_recvmsg}, {@code tcp_close},
 * {@code tcp_shutdown}, {@code tcp_disconnect}): what each call does to the TCB and which
 * result or errno it returns. A call that must wait returns {@link CallResult#PENDING}
 * and completes later ({@link Tcb#complete}).
 */
final class SocketCalls {

	private SocketCalls() {
	}

	/** OPEN (active), §3.10.1: choose ISS, send SYN, enter SYN_SENT. */
	static void connect(Tcb t) {
		Context cx = t.cx;
		t.iss = cx.isn.next(cx.now, t.host, t.client, t.localPort, t.remotePort);
		t.sndUna = t.iss;
		t.sndNxt = t.iss;
		t.sndWnd = t.c.windowBytes();
		t.synchronizedVars = true;
		t.pendingCall = Socket.CALL_CONNECT;
		cx.setState(t, TcpState.SYN_SENT, "connect()");
		t.emit(SYN, t.iss, 0, false);
		t.sndNxt = t.iss + 1;
	}

	/** SEND, §3.10.2. */
	static CallResult send(Tcb t, int bytes) {
		if (t.appClosed) {
			return CallResult.failed(Errno.EBADF);
		}
		if (t.softError != null) {
			return t.takeError();
		}
		switch (t.state) {
			case CLOSED:
				return CallResult.failed(t.synchronizedVars ? Errno.EPIPE : Errno.ENOTCONN);
			case SYN_SENT, SYN_RECEIVED:
				// §3.10.2: queue the data for transmission after entering ESTABLISHED
				return enqueue(t, bytes);
			case ESTABLISHED, CLOSE_WAIT:
				if (t.shutWr) {
					return CallResult.failed(Errno.EPIPE);
				}
				CallResult queued = enqueue(t, bytes);
				t.output();
				return queued;
			default:
				// FIN_WAIT_1/2, CLOSING, LAST_ACK, TIME_WAIT: "error: connection closing"
				return CallResult.failed(Errno.EPIPE);
		}
	}

	/**
	 * Takes as much of a SEND as the send buffer has room for (§3.10.2 "if there is
	 * insufficient space to remember this buffer, simply return 'error: insufficient
	 * resources'"; a non-blocking socket answers EWOULDBLOCK or a partial count).
	 */
	private static CallResult enqueue(Tcb t, int bytes) {
		if (bytes == 0) {
			return CallResult.ZERO;
		}
		long room = Tcb.SEND_BUFFER_BYTES - t.sendBuffered();
		if (room <= 0) {
			return CallResult.failed(Errno.EWOULDBLOCK);
		}
		int n = (int) Math.min(bytes, room);
		t.sendQueue += n;
		return CallResult.returned(n);
	}

	/** RECEIVE, §3.10.3. */
	static CallResult recv(Tcb t, Integer max) {
		if (t.appClosed) {
			return CallResult.failed(Errno.EBADF);
		}
		if (t.pendingCall == Socket.CALL_RECV) {
			return CallResult.failed(Errno.EALREADY);
		}
		if (t.recvBuffered > 0) {
			// after shutdown(SHUT_RD) only a Linux buffer still holds data: it is read
			return CallResult.returned(t.consume(max));
		}
		if (t.peerFin && t.c.closeWaitRstEpipe()) {
			// Linux tcp_recvmsg_locked: the EOF was seen (SOCK_DONE) before any error
			return CallResult.ZERO;
		}
		if (t.softError != null) {
			return t.takeError();
		}
		if (t.peerFin || t.shutRd) {
			return CallResult.ZERO;
		}
		if (max != null && max == 0) {
			return CallResult.ZERO;
		}
		switch (t.state) {
			case CLOSED:
				return t.synchronizedVars ? CallResult.ZERO : CallResult.failed(Errno.ENOTCONN);
			case SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2:
				t.pendingCall = Socket.CALL_RECV;
				t.pendingMax = max;
				return CallResult.PENDING;
			default:
				return CallResult.ZERO;
		}
	}

	/**
	 * close() on the socket: the CLOSE call, then the engine lets go of the socket handle
	 * ({@link Context#released}: a TIME_WAIT record the handle still mirrored lives on
	 * alone).
	 */
	static CallResult close(Tcb t) {
		if (t.appClosed) {
			return CallResult.failed(Errno.EBADF);
		}
		CallResult result = closeCall(t);
		t.cx.released(t);
		return result;
	}

	/**
	 * CLOSE, §3.10.4, with SO_LINGER (Stevens UNP §7.5) and RST on unread data (RFC 1122
	 * §4.2.2.13).
	 */
	private static CallResult closeCall(Tcb t) {
		Context cx = t.cx;
		if (t.pendingCall == Socket.CALL_RECV) {
			t.complete(CallResult.failed(Errno.EBADF));
		}
		t.appClosed = true;
		if (t.lingerOnoff == 1 && t.lingerSeconds == 0) {
			return abort(t);
		}
		switch (t.state) {
			case CLOSED:
				// §3.10.4 CLOSED: "error: connection does not exist"; a socket whose
				// connection ended returns 0 (Linux)
				return CallResult.ZERO;
			case SYN_SENT:
				// §3.10.4 SYN-SENT: delete the TCB
				t.abortConnect(Errno.ECONNABORTED);
				cx.setState(t, TcpState.CLOSED, "close()");
				return CallResult.ZERO;
			case SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, FIN_WAIT_2:
				if (t.recvBuffered > 0 && t.c.rstOnUnreadClose() && t.state != TcpState.SYN_RECEIVED) {
					// RFC 1122 §4.2.2.13, RFC 2525 §2.17: data was unread at close ->
					// RST, not FIN
					cx.note(t, "RST_UNREAD_DATA", t.recvBuffered + " unread byte(s) at close(): RST instead of FIN");
					t.sendReset();
					t.softError = null;
					cx.setState(t, TcpState.CLOSED, "close() with unread data");
					return CallResult.ZERO;
				}
				if (t.state == TcpState.CLOSE_WAIT) {
					// §3.10.4 CLOSE-WAIT: queue FIN, enter LAST-ACK
					t.shutWr = true;
					t.finQueued = true;
					cx.setState(t, TcpState.LAST_ACK, "close()");
					t.output();
				}
				else if (t.state == TcpState.SYN_RECEIVED || t.state == TcpState.ESTABLISHED) {
					// §3.10.4 ESTABLISHED: queue FIN after pending sends, enter
					// FIN-WAIT-1
					t.shutWr = true;
					t.finQueued = true;
					cx.setState(t, TcpState.FIN_WAIT_1, "close()");
					t.output();
				}
				else if (t.state == TcpState.FIN_WAIT_2) {
					t.armFinWait2();
				}
				break;
			case TIME_WAIT:
				// §3.10.4 TIME-WAIT: "respond with error: connection closing"; Linux
				// returns 0 (the connection lives on as a TIME_WAIT record)
				return CallResult.ZERO;
			default:
				// CLOSING, LAST_ACK: the FIN is already out ("error: connection closing";
				// Linux: 0)
				break;
		}
		if (t.lingerOnoff == 1 && t.lingerSeconds > 0 && t.finQueued && !t.finAcked() && t.state != TcpState.CLOSED) {
			// SO_LINGER {1,N}: close() blocks until the FIN is ACKed or N seconds pass
			t.pendingCall = Socket.CALL_CLOSE;
			t.arm(Timer.LINGER, t.lingerSeconds * 1_000_000L);
			return CallResult.PENDING;
		}
		return CallResult.ZERO;
	}

	/**
	 * ABORT, §3.10.5 (SO_LINGER {1,0} + close()): RST, no TIME_WAIT, buffers discarded.
	 */
	private static CallResult abort(Tcb t) {
		Context cx = t.cx;
		t.appClosed = true;
		switch (t.state) {
			case CLOSING, LAST_ACK:
				if (t.sendQueue == 0) {
					// §3.10.5 CLOSING, LAST-ACK: "respond with ok and delete the TCB";
					// Linux tcp_disconnect resets here only if data is still unsent
					// (tcp_need_reset: ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1/2, SYN_RECV)
					cx.note(t, "LINGER_ZERO_NO_RST",
							"SO_LINGER {1,0} in " + t.state + ": the connection is deleted without RST");
					cx.setState(t, TcpState.CLOSED, "linger {1,0}");
					return CallResult.ZERO;
				}
				// fall through: unsent data left, RST as from ESTABLISHED
			case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT:
				t.sendQueue = 0;
				t.recvBuffered = 0;
				t.sendReset();
				cx.note(t, "RST_LINGER_ZERO", "SO_LINGER {1,0}: close() sends RST and skips TIME_WAIT");
				cx.setState(t, TcpState.CLOSED, "linger {1,0}");
				return CallResult.ZERO;
			case SYN_SENT:
				t.abortConnect(Errno.ECONNABORTED);
				cx.setState(t, TcpState.CLOSED, "linger {1,0}");
				return CallResult.ZERO;
			default:
				// TIME_WAIT: §3.10.5 "respond with ok and delete the TCB" — the record
				// stays (Linux); CLOSED: nothing to abort
				return CallResult.ZERO;
		}
	}

	/**
	 * A child of a listener that is being closed and that the application never took with
	 * accept() (Linux {@code inet_csk_listen_stop}): a request still in SYN_RECEIVED is
	 * dropped without a word (Linux drops the request socket at its next SYN,ACK timer or
	 * when the ACK comes, which then finds no socket and draws RST); a completed
	 * connection is disconnected ({@code inet_child_forget} → {@code tcp_disconnect}):
	 * RST,ACK from SND.NXT with ACK = RCV.NXT ({@code tcp_send_active_reset}) from
	 * ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1/2 ({@code tcp_need_reset}), measured with
	 * packetdrill (docs/engine.md).
	 */
	static void listenerClosed(Tcb t) {
		Context cx = t.cx;
		t.appClosed = true;
		if (t.state == TcpState.CLOSED || t.state == TcpState.TIME_WAIT) {
			return;
		}
		if (t.state == TcpState.SYN_RECEIVED) {
			cx.note(t, "REQUEST_DROPPED",
					"the listener was closed: the request is dropped without a reply (Linux inet_csk_listen_stop)");
		}
		else {
			t.sendQueue = 0;
			t.recvBuffered = 0;
			t.sendReset();
			cx.note(t, "RST_LISTENER_CLOSED", "the listener was closed before accept() took this connection: RST"
					+ " (Linux inet_csk_listen_stop, tcp_disconnect)");
		}
		cx.setState(t, TcpState.CLOSED, "listener closed");
	}

	/** shutdown(how), RFC 1122 §4.2.2.13 half-duplex close. */
	static CallResult shutdown(Tcb t, boolean rd, boolean wr) {
		Context cx = t.cx;
		if (t.appClosed) {
			return CallResult.failed(Errno.EBADF);
		}
		if (t.state == TcpState.CLOSED || t.state == TcpState.LISTEN) {
			return CallResult.failed(Errno.ENOTCONN);
		}
		if (t.state == TcpState.SYN_SENT) {
			// Linux inet_shutdown: a connecting socket is disconnected (tcp_disconnect
			// sets ECONNRESET for the blocked connect()); BSD tcp_usrclosed closes it
			// too. No segment is sent; a later SYN,ACK finds no connection and draws RST
			// (measured on Linux 6.18)
			t.shutRd |= rd;
			t.shutWr |= wr;
			t.abortConnect(Errno.ECONNRESET);
			cx.setState(t, TcpState.CLOSED, "shutdown() in SYN_SENT");
			return CallResult.ZERO;
		}
		if (rd && !t.shutRd) {
			t.shutRd = true;
			if (!t.c.shutRdKeepsData() && t.recvBuffered > 0) {
				// BSD sorflush: what was received and not read is thrown away
				cx.note(t, "SHUT_RD_FLUSH", "shutdown(SHUT_RD) discards " + t.recvBuffered + " unread byte(s)");
				t.recvBuffered = 0;
			}
			if (t.pendingCall == Socket.CALL_RECV) {
				t.complete(CallResult.ZERO);
			}
		}
		if (wr && !t.shutWr) {
			t.shutWr = true;
			switch (t.state) {
				case SYN_RECEIVED, ESTABLISHED:
					t.finQueued = true;
					cx.setState(t, TcpState.FIN_WAIT_1, "shutdown(SHUT_WR)");
					t.output();
					break;
				case CLOSE_WAIT:
					t.finQueued = true;
					cx.setState(t, TcpState.LAST_ACK, "shutdown(SHUT_WR)");
					t.output();
					break;
				default:
					break;
			}
		}
		return CallResult.ZERO;
	}

	/**
	 * Retransmits this side's FIN now, as its retransmission timer would (a lab poke).
	 */
	static String resendFin(Tcb t) {
		if (!t.finSent || t.state == TcpState.CLOSED) {
			return "ENOTCONN";
		}
		t.emit(FIN | ACK, t.finSeq, 0, true);
		return "ok";
	}

}
