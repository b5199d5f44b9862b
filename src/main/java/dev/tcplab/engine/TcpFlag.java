package dev.tcplab.engine;

/**
 * TCP control bits used by the model (RFC 9293 §3.1). Trace events name them in upper
 * case.
 */
public enum TcpFlag {

	SYN, ACK, FIN, RST, PSH

}
