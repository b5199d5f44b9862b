package dev.tcplab.packetdrill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The hand-written reader of packetdrill's language (grammar: parser.y). */
class ParserTest {

	@Test
	void shouldReadsOptionsTimesPacketsCallsAndComments() {
		Script s = Parser.parse("""
				--tolerance_usecs=25000
				// a comment
				`../common/defaults.sh`
				/* block
				   comment */
				    0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
				 +.01...0.011 connect(3, ..., ...) = 0
				   +0 >  S 0:0(0) <...>
				   +0 < S. 0:0(0) ack 1 win 32768 <mss 1000,nop,wscale 6,nop,nop,sackOK>
				 0.5~0.6 > P. 1:1001(1000) ack 1
				   * < F. 1:1(0) ack 1002 win 257
				   +0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0
				   +0 write(3, ..., 1000) = -1 EPIPE (Broken pipe)
				   +0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
				""");
		assertThat(Runner.tolerance(s)).isEqualTo(25_000);
		assertThat(s.statements()).hasSize(10);
		assertThat(s.statements().get(0)).isInstanceOf(Script.Shell.class);
		Script.Syscall connect = (Script.Syscall) s.statements().get(2);
		assertThat(connect.line()).isEqualTo(7);
		assertThat(connect.time()).isEqualTo(new Script.Time(false, true, 10_000, -1, 11_000));
		Script.Packet synAck = (Script.Packet) s.statements().get(4);
		assertThat(synAck.inbound()).isTrue();
		assertThat(synAck.flags()).isEqualTo("S.");
		assertThat(synAck.ack()).isEqualTo(1L);
		assertThat(synAck.win()).isEqualTo(32768L);
		assertThat(synAck.options()).isEqualTo("mss 1000, nop, wscale 6, nop, nop, sackOK");
		Script.Packet data = (Script.Packet) s.statements().get(5);
		assertThat(data.time()).isEqualTo(new Script.Time(false, false, 500_000, 600_000, -1));
		assertThat(data.len()).isEqualTo(1000);
		assertThat(((Script.Packet) s.statements().get(6)).time().any()).isTrue();
		Script.Syscall linger = (Script.Syscall) s.statements().get(7);
		assertThat(linger.args().get(3).member("linger").number()).isZero();
		Script.Syscall write = (Script.Syscall) s.statements().get(8);
		assertThat(write.result()).isEqualTo("-1");
		assertThat(write.errno()).isEqualTo("EPIPE");
		assertThat(((Script.Syscall) s.statements().get(9)).args().get(2).mentions("O_NONBLOCK")).isTrue();
	}

	@Test
	void shouldUnsupportedPacketsAndCodeBlocksAreReadNotRejected() {
		Script s = Parser.parse("0 < udp (1000)\n+0 %{ print(tcpi_rto) }%\n");
		assertThat(s.statements()).allMatch(st -> st instanceof Script.Unsupported);
	}

	@Test
	void shouldSyntaxErrorsNameLineAndColumn() {
		assertThatThrownBy(() -> Parser.parse("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > S 0:0(0\n"))
			.isInstanceOfSatisfying(Parser.SyntaxException.class, e -> {
				assertThat(e.line()).isEqualTo(2);
				assertThat(e.column()).isEqualTo(11);
				assertThat(e.getMessage()).contains("'(' is never closed");
			});
		assertThatThrownBy(() -> Parser.parse("+0 > S. 0:5(0)\n")).isInstanceOf(Parser.SyntaxException.class)
			.hasMessageContaining("inconsistent sequence range");
		assertThatThrownBy(() -> Parser.parse("// nothing\n")).isInstanceOf(Parser.SyntaxException.class)
			.hasMessageContaining("no events");
		assertThatThrownBy(() -> Parser.parse("hello world\n")).isInstanceOfSatisfying(Parser.SyntaxException.class,
				e -> assertThat(e.column()).isEqualTo(1));
		assertThatThrownBy(() -> Parser.parse("0 write(3, ..., 10) = 10 $\n"))
			.isInstanceOfSatisfying(Parser.SyntaxException.class, e -> assertThat(e.column()).isEqualTo(26));
	}

}
