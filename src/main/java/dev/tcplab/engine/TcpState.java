package dev.tcplab.engine;

/**
 * The eleven connection states of RFC 9293 §3.3.2, named exactly as the RFC names them.
 */
public enum TcpState {

	CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK,
	TIME_WAIT

}
