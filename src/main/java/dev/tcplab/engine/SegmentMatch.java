package dev.tcplab.engine;

/**
 * Which segments a fault rule matches. ACK means a pure ACK (ACK set, no SYN/FIN/RST, no
 * payload); DATA means a segment with payload; FIN, SYN and RST match segments carrying
 * that bit; ANY matches everything.
 */
public enum SegmentMatch {

	FIN, ACK, SYN, RST, DATA, ANY

}
