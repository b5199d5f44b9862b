/**
 * The sub-machines of one connection's TCB that need nothing of the engine, each a seam
 * that smoltcp and Linux draw too: {@link dev.tcplab.engine.tcb.RttEstimator} (RFC 6298,
 * Linux {@code tcp_rtt_estimator}), {@link dev.tcplab.engine.tcb.AckPolicy} (RFC 1122
 * §4.2.3.2 delayed ACK, Linux {@code icsk_ack}),
 * {@link dev.tcplab.engine.tcb.ReassemblyQueue} (RFC 9293 §3.10.7.4 seventh, Linux
 * {@code tcp_data_queue_ofo}) and the sequence number arithmetic
 * {@link dev.tcplab.engine.tcb.Seq} (RFC 9293 §3.4). They depend only on the JDK and each
 * other (checked by {@code EngineArchitectureTest}); the TCB
 * ({@code dev.tcplab.engine.Tcb}) asks them and acts on their answers.
 */
package dev.tcplab.engine.tcb;
