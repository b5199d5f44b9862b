package dev.tcplab.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.tcplab.capture.CaptureAnalyzer.Predecessor;
import dev.tcplab.capture.CaptureAnalyzer.Tracked;
import dev.tcplab.capture.Inference.Change;
import dev.tcplab.capture.Inference.Result;
import dev.tcplab.capture.PacketLog.Seq;
import dev.tcplab.engine.StackConstants;
import dev.tcplab.engine.TcpState;

/**
 * What a TCP expert would say about one connection, each finding with its evidence
 * (packet numbers) and a sentence in English and Korean. The codes are stable keys; see
 * docs/captures.md for the list.
 */
final class Diagnoser {

	/** A finding. {@code severity}: info, warning or error. */
	record Diagnostic(String code, String severity, List<Long> packets, Text text) {
	}

	/** A sentence in English and Korean. */
	record Text(String en, String ko) {
	}

	/** CLOSE_WAIT this long (or longer to the end of the capture) is reported. */
	static final double LONG_CLOSE_WAIT_MS = 1000;

	private final Tracked c;

	private final Result r;

	private final PacketLog l;

	private final StackConstants constants;

	private final List<Diagnostic> out = new ArrayList<>();

	private Diagnoser(Tracked c, StackConstants constants) {
		this.c = c;
		this.r = c.result;
		this.l = c.log;
		this.constants = constants;
	}

	static List<Diagnostic> diagnose(Tracked c, StackConstants constants) {
		Diagnoser d = new Diagnoser(c, constants);
		d.run();
		return List.copyOf(d.out);
	}

	private static String who(int e) {
		return e == 0 ? "client" : "server";
	}

	private static String whoKo(int e) {
		return e == 0 ? "클라이언트" : "서버";
	}

	private static String ms(double v) {
		if (v >= 10_000) {
			return String.format(Locale.ROOT, "%.1f s", v / 1000);
		}
		return String.format(Locale.ROOT, "%.1f ms", v);
	}

	private void add(String code, String severity, List<Long> packets, String en, String ko) {
		this.out.add(new Diagnostic(code, severity, List.copyOf(packets), new Text(en, ko)));
	}

	private void run() {
		if (!this.r.handshake() && this.l.n > 0) {
			add("NO_HANDSHAKE", "info", List.of(this.l.number[0]),
					"The handshake is not in the capture: the states before packet " + this.l.number[0]
							+ " are assumed ESTABLISHED, and the client is guessed from the ports.",
					"캡처에 핸드셰이크가 없습니다. 패킷 " + this.l.number[0] + " 이전은 ESTABLISHED로 가정하고, 클라이언트는 포트 번호로 추정했습니다.");
		}
		closedPort();
		rstOnClose();
		finRetransmissions();
		longCloseWait();
		halfClose();
		zeroWindowFin();
		assassination();
		predecessor();
		serverClosedFirst();
	}

	private void closedPort() {
		if (!this.r.noListener()) {
			return;
		}
		int rst = this.r.rstFrom()[1];
		add("CLOSED_PORT", "error", List.of(this.l.number[0], this.l.number[rst]),
				"Connection to a closed port: the SYN (packet " + this.l.number[0] + ") was answered with RST (packet "
						+ this.l.number[rst] + "): nothing listened on port " + serverPort() + ".",
				"닫힌 포트로의 연결: SYN(패킷 " + this.l.number[0] + ")에 RST(패킷 " + this.l.number[rst] + ")가 돌아왔습니다. 포트 "
						+ serverPort() + "에서 listen하는 소켓이 없었습니다.");
	}

	private int serverPort() {
		return this.c.clientIsA ? this.c.key.bPort : this.c.key.aPort;
	}

	/**
	 * What a close-time RST says, by the cause the inference gave it: {@code %1$s} is who
	 * sent it, {@code %2$d} its packet number.
	 */
	private record RstText(String code, String en, String ko) {
	}

	private static final Map<String, RstText> RST_TEXTS = Map.of("close() with unread data", new RstText("RST_ON_CLOSE",
			"RST on close: the %1$s closed with data it had not read (the peer's last data before packet %2$d), so its TCP sent RST instead of FIN (RFC 1122 §4.2.2.13). The peer sees ECONNRESET and may lose data it sent.",
			"close 시 RST: %1$s가 읽지 않은 데이터를 남긴 채 close()해서 FIN 대신 RST(패킷 %2$d)를 보냈습니다(RFC 1122 §4.2.2.13). 상대는 ECONNRESET을 받고, 보낸 데이터를 잃을 수 있습니다."),
			"linger {1,0}",
			new RstText("RST_ON_CLOSE",
					"RST on close: the %1$s aborted the connection with RST (packet %2$d) while nothing was left unread — SO_LINGER {1, 0} (abortive close): no FIN, no TIME_WAIT, and data in flight is lost.",
					"close 시 RST: 읽지 않은 데이터가 없는데 %1$s가 RST(패킷 %2$d)로 연결을 끊었습니다. SO_LINGER {1, 0}(abortive close)입니다. FIN도 TIME_WAIT도 없고, 전송 중인 데이터는 버려집니다."),
			"rcv data after close()",
			new RstText("RST_AFTER_CLOSE",
					"RST after close: data reached the %1$s after it had closed its socket, so its TCP answered with RST (packet %2$d): the peer was still sending after the close.",
					"close 이후 RST: %1$s가 소켓을 닫은 뒤에도 데이터가 도착해 RST(패킷 %2$d)로 응답했습니다. 상대가 close 이후에도 데이터를 보내고 있었습니다."));

	private void rstOnClose() {
		for (Change ch : this.r.changes()) {
			RstText t = ch.cause() == null ? null : RST_TEXTS.get(ch.cause());
			if (ch.to() != TcpState.CLOSED || ch.packet() < 0 || t == null) {
				continue;
			}
			int e = ch.endpoint();
			add(t.code(), "warning", List.of(ch.packet()), String.format(Locale.ROOT, t.en(), who(e), ch.packet()),
					String.format(Locale.ROOT, t.ko(), whoKo(e), ch.packet()));
		}
	}

	private void finRetransmissions() {
		for (int e = 0; e < 2; e++) {
			if (this.r.finCopies()[e] < 2) {
				continue;
			}
			List<Long> copies = new ArrayList<>();
			int finEnd = -1;
			for (int i = 0; i < this.l.n; i++) {
				if (this.l.dir[i] == e && this.l.has(i, TcpPacket.FIN) && !this.l.has(i, TcpPacket.RST)) {
					copies.add(this.l.number[i]);
					finEnd = this.l.seq[i] + this.l.len[i] + 1;
				}
			}
			int peer = 1 - e;
			List<Long> acks = new ArrayList<>();
			long rst = -1;
			for (int i = 0; i < this.l.n; i++) {
				if (this.l.dir[i] != peer) {
					continue;
				}
				if (this.l.has(i, TcpPacket.RST)) {
					rst = this.l.number[i];
				}
				else if (this.l.has(i, TcpPacket.ACK) && Seq.ge(this.l.ack[i], finEnd)) {
					acks.add(this.l.number[i]);
				}
			}
			List<Long> evidence = new ArrayList<>(copies);
			String en, ko;
			String list = copies.toString().replaceAll("[\\[\\]]", "");
			if (rst >= 0) {
				evidence.add(rst);
				en = "The " + who(e) + "'s FIN was sent " + copies.size() + " times (packets " + list
						+ "): the peer was gone — it answered with RST (packet " + rst + ").";
				ko = whoKo(e) + "의 FIN이 " + copies.size() + "번 전송되었습니다(패킷 " + list + "). 상대는 이미 사라져 RST(패킷 " + rst
						+ ")로 응답했습니다.";
			}
			else if (!acks.isEmpty() && acks.get(0) < copies.get(copies.size() - 1)) {
				evidence.add(acks.get(0));
				en = "The " + who(e) + "'s FIN was sent " + copies.size() + " times (packets " + list
						+ "): the peer's ACK (packet " + acks.get(0) + ") was lost before it reached the " + who(e)
						+ " — the lost last ACK that TIME_WAIT exists for; the peer "
						+ (!Double.isNaN(this.r.timeWaitAtMs()[peer]) ? "answered again from TIME_WAIT."
								: "answered again.");
				ko = whoKo(e) + "의 FIN이 " + copies.size() + "번 전송되었습니다(패킷 " + list + "). 상대의 ACK(패킷 " + acks.get(0)
						+ ")가 도중에 유실되었습니다. TIME_WAIT가 존재하는 이유인 '마지막 ACK 유실'이며, 상대는 다시 ACK로 응답했습니다.";
			}
			else if (!acks.isEmpty()) {
				evidence.add(acks.get(0));
				en = "The " + who(e) + "'s FIN was sent " + copies.size() + " times (packets " + list
						+ ") before the peer acknowledged it (packet " + acks.get(0)
						+ "): the FIN or its ACK was lost on the way, and the retransmission timer resent it.";
				ko = whoKo(e) + "의 FIN이 상대의 ACK(패킷 " + acks.get(0) + ") 전까지 " + copies.size() + "번 전송되었습니다(패킷 " + list
						+ "). FIN 또는 그 ACK가 유실되어 재전송 타이머가 다시 보냈습니다.";
			}
			else {
				en = "The " + who(e) + "'s FIN was sent " + copies.size() + " times (packets " + list
						+ ") and never acknowledged in the capture: the peer is gone or unreachable (or every ACK was lost).";
				ko = whoKo(e) + "의 FIN이 " + copies.size() + "번 전송되었지만(패킷 " + list
						+ ") 캡처 안에서 ACK가 한 번도 없었습니다. 상대가 사라졌거나 도달할 수 없습니다(또는 ACK가 모두 유실).";
			}
			add("FIN_RETRANSMITTED", "warning", evidence, en, ko);
		}
	}

	private void longCloseWait() {
		for (Change ch : this.r.changes()) {
			if (ch.to() != TcpState.CLOSE_WAIT) {
				continue;
			}
			int e = ch.endpoint();
			double until = this.c.endMs;
			long closed = -1;
			for (Change next : this.r.changes()) {
				if (next.endpoint() == e && next.from() == TcpState.CLOSE_WAIT) {
					until = next.timeMs();
					closed = next.packet();
					break;
				}
			}
			double held = until - ch.timeMs();
			if (held < LONG_CLOSE_WAIT_MS) {
				continue;
			}
			List<Long> ev = new ArrayList<>(List.of(ch.packet()));
			if (closed >= 0) {
				ev.add(closed);
			}
			String en = closed >= 0
					? "Long CLOSE_WAIT: the " + who(e) + " stayed in CLOSE_WAIT for " + ms(held)
							+ " after the peer's FIN (packet " + ch.packet() + ") until its own FIN (packet " + closed
							+ "): the application was slow to call close()."
					: "Long CLOSE_WAIT: the " + who(e) + " is still in CLOSE_WAIT " + ms(held)
							+ " after the peer's FIN (packet " + ch.packet()
							+ ") at the end of the capture: the application did not call close() (a socket leak when it never does).";
			String ko = closed >= 0
					? "긴 CLOSE_WAIT: " + whoKo(e) + "가 상대의 FIN(패킷 " + ch.packet() + ") 이후 자신의 FIN(패킷 " + closed + ")까지 "
							+ ms(held) + " 동안 CLOSE_WAIT에 있었습니다. 애플리케이션이 close()를 늦게 호출했습니다."
					: "긴 CLOSE_WAIT: 상대의 FIN(패킷 " + ch.packet() + ") 이후 " + ms(held) + "가 지난 캡처 끝까지 " + whoKo(e)
							+ "가 CLOSE_WAIT에 있습니다. 애플리케이션이 close()를 호출하지 않았습니다(계속 안 하면 소켓 누수).";
			add("LONG_CLOSE_WAIT", "warning", ev, en, ko);
		}
	}

	private void halfClose() {
		for (Change ch : this.r.changes()) {
			if (!"shutdown(SHUT_WR)".equals(ch.cause())) {
				continue;
			}
			int e = ch.endpoint();
			long data = -1;
			for (int i = 0; i < this.l.n; i++) {
				if (this.l.dir[i] != e && (this.l.marks[i] & PacketLog.MARK_DATA_AFTER_PEER_FIN) != 0) {
					data = this.l.number[i];
					break;
				}
			}
			List<Long> ev = new ArrayList<>(List.of(ch.packet()));
			if (data >= 0) {
				ev.add(data);
			}
			add("HALF_CLOSE", "info", ev,
					"Half-close: the " + who(e) + " sent its FIN (packet " + ch.packet()
							+ ") with shutdown(SHUT_WR) and went on receiving"
							+ (data >= 0 ? " the peer's data (packet " + data + ")" : "")
							+ ": the connection was closed in one direction only.",
					"하프 클로즈: " + whoKo(e) + "가 shutdown(SHUT_WR)으로 FIN(패킷 " + ch.packet() + ")을 보낸 뒤에도"
							+ (data >= 0 ? " 상대의 데이터(패킷 " + data + ")를" : "") + " 계속 받았습니다. 한 방향만 닫힌 연결입니다.");
		}
	}

	private void zeroWindowFin() {
		for (int e = 0; e < 2; e++) {
			int finIdx = -1;
			for (int i = 0; i < this.l.n; i++) {
				if (this.l.dir[i] == e && this.l.has(i, TcpPacket.FIN)) {
					finIdx = i;
					break;
				}
			}
			if (finIdx < 0) {
				continue;
			}
			// the peer's window was zero, this side only
			// probed, and the FIN left once it reopened
			int zero = -1, reopen = -1;
			List<Long> probes = new ArrayList<>();
			for (int i = 0; i < finIdx; i++) {
				if (this.l.dir[i] != e && !this.l.has(i, TcpPacket.SYN | TcpPacket.RST)) {
					if (this.l.win[i] == 0) {
						if (zero < 0 || reopen >= 0) {
							zero = i;
							reopen = -1;
							probes.clear();
						}
					}
					else if (zero >= 0 && reopen < 0) {
						reopen = i;
					}
				}
				else if (this.l.dir[i] == e && zero >= 0 && reopen < 0
						&& (this.l.marks[i] & PacketLog.MARK_PEER_WINDOW_ZERO) != 0) {
					probes.add(this.l.number[i]);
				}
			}
			if (zero < 0 || reopen < 0 || probes.isEmpty()) {
				continue;
			}
			double held = (this.l.timeNs[finIdx] - this.l.timeNs[zero]) / 1e6;
			List<Long> ev = new ArrayList<>();
			ev.add(this.l.number[zero]);
			ev.addAll(probes);
			ev.add(this.l.number[reopen]);
			ev.add(this.l.number[finIdx]);
			add("ZERO_WINDOW_FIN", "warning", ev,
					"A zero window held the " + who(e) + "'s FIN: the peer advertised window 0 (packet "
							+ this.l.number[zero] + "), the " + who(e) + " could only send window probes ("
							+ probes.size() + ") and its FIN (packet " + this.l.number[finIdx] + ") left " + ms(held)
							+ " later, when the window reopened (packet " + this.l.number[reopen]
							+ "). Meanwhile it sat in FIN_WAIT_1 with the FIN unsent.",
					"제로 윈도가 " + whoKo(e) + "의 FIN을 붙잡았습니다. 상대가 윈도 0(패킷 " + this.l.number[zero] + ")을 알린 동안 " + whoKo(e)
							+ "는 윈도 프로브(" + probes.size() + "개)만 보낼 수 있었고, FIN(패킷 " + this.l.number[finIdx]
							+ ")은 윈도가 다시 열린 뒤(패킷 " + this.l.number[reopen] + ") " + ms(held)
							+ " 만에 나갔습니다. 그동안 FIN을 보내지 못한 채 FIN_WAIT_1에 있었습니다.");
		}
	}

	private void assassination() {
		for (Change ch : this.r.changes()) {
			if (ch.from() == TcpState.TIME_WAIT && "rcv RST".equals(ch.cause())) {
				int e = ch.endpoint();
				add("TIME_WAIT_ASSASSINATION", "warning", List.of(ch
					.packet()), "TIME_WAIT assassination: a RST (packet " + ch.packet() + ") ended the " + who(e)
							+ "'s TIME_WAIT early (RFC 1337). Linux accepts it unless net.ipv4.tcp_rfc1337=1; old duplicates of this connection can now reach a new one.",
						"TIME_WAIT 암살: RST(패킷 " + ch.packet() + ")가 " + whoKo(e)
								+ "의 TIME_WAIT를 일찍 끝냈습니다(RFC 1337). Linux는 net.ipv4.tcp_rfc1337=1이 아니면 이를 받아들이며, 이 연결의 오래된 중복 세그먼트가 새 연결에 닿을 수 있습니다.");
			}
		}
	}

	private void predecessor() {
		Predecessor p = this.c.predecessor;
		if (p == null || p.timeWaitHolder() < 0) {
			return;
		}
		double inTw = this.r.changes().isEmpty() ? 0 : (this.l.timeNs[0] / 1e6 - p.timeWaitSinceMs());
		List<Long> ev = List.of(p.previousLastPacket(), this.l.number[0]);
		if (p.timeWaitHolder() != p.synFrom()) {
			boolean ok = p.accepted();
			add("SYN_INTO_TIME_WAIT", ok ? "info" : "warning", ev, "SYN into TIME_WAIT: this connection's SYN (packet "
					+ this.l.number[0] + ") reused the 4-tuple of connection " + p.id()
					+ " while the receiving side held it in TIME_WAIT (" + ms(inTw) + " of "
					+ ms(this.constants.timeWaitMs()) + "); it was "
					+ (ok ? "accepted: a SYN with a higher sequence number reopens TIME_WAIT (RFC 1122 §4.2.2.13, RFC 6191)."
							: "not accepted: TIME_WAIT answered with an ACK or RST, and the client must retry."),
					"TIME_WAIT로 들어온 SYN: 이 연결의 SYN(패킷 " + this.l.number[0] + ")이 연결 " + p.id()
							+ "의 4-튜플을 다시 썼는데, 받는 쪽은 아직 TIME_WAIT(" + ms(inTw) + " / " + ms(this.constants.timeWaitMs())
							+ ")였습니다. "
							+ (ok ? "받아들여졌습니다. 더 큰 시퀀스 번호의 SYN은 TIME_WAIT를 다시 열 수 있습니다(RFC 1122 §4.2.2.13, RFC 6191)."
									: "거절되었습니다. TIME_WAIT가 ACK나 RST로 응답했고 클라이언트는 다시 시도해야 합니다."));
		}
		else {
			add("PORT_REUSE_IN_TIME_WAIT", "warning", ev,
					"Ephemeral port reuse within TIME_WAIT: the client opened this connection (packet "
							+ this.l.number[0] + ") from the same port to the same server " + ms(inTw)
							+ " after its previous connection " + p.id()
							+ " on this 4-tuple entered TIME_WAIT (which lasts " + ms(this.constants.timeWaitMs())
							+ "): its port range is running out, or net.ipv4.tcp_tw_reuse let it take the tuple back.",
					"TIME_WAIT 중 임시 포트 재사용: 같은 4-튜플의 이전 연결 " + p.id() + "이 TIME_WAIT에 들어간 지 " + ms(inTw)
							+ " 만에(TIME_WAIT는 " + ms(this.constants.timeWaitMs()) + ") 같은 포트로 같은 서버에 다시 연결했습니다(패킷 "
							+ this.l.number[0] + "). 포트 범위가 바닥나고 있거나 net.ipv4.tcp_tw_reuse가 튜플을 되찾게 했습니다.");
		}
	}

	private void serverClosedFirst() {
		if (this.r.firstFin() != 1 || this.r.noListener()) {
			return;
		}
		int fin = -1;
		for (int i = 0; i < this.l.n; i++) {
			if (this.l.dir[i] == 1 && this.l.has(i, TcpPacket.FIN)) {
				fin = i;
				break;
			}
		}
		boolean tw = !Double.isNaN(this.r.timeWaitAtMs()[1]);
		add("SERVER_CLOSED_FIRST", "info", List.of(this.l.number[fin]), "The server closed first (FIN, packet "
				+ this.l.number[fin] + "), so "
				+ (tw ? "TIME_WAIT landed on the server" : "TIME_WAIT will land on the server")
				+ " — the busy side, where thousands of them pile up under load. The article's advice 1: let the client close first (e.g. HTTP keep-alive ended by the client).",
				"서버가 먼저 닫았습니다(FIN, 패킷 " + this.l.number[fin] + "). 그래서 TIME_WAIT가 바쁜 쪽인 서버에 " + (tw ? "생겼고" : "생기며")
						+ ", 부하가 걸리면 수천 개씩 쌓입니다. 글의 첫 번째 조언: 클라이언트가 먼저 닫게 하십시오.");
	}

	/** One line: who closed and how, and where both ends ended. */
	static String summary(Tracked c) {
		Result r = c.result;
		StringBuilder b = new StringBuilder();
		if (r.noListener()) {
			return "refused: closed port (RST to SYN)";
		}
		if (!r.handshake()) {
			b.append("no handshake seen; ");
		}
		int rst0 = r.rstFrom()[0], rst1 = r.rstFrom()[1];
		int ff = r.firstFin();
		if (ff >= 0) {
			b.append(ff == 0 ? "client" : "server").append(" closed first");
		}
		else if (rst0 >= 0 || rst1 >= 0) {
			int e = rst0 >= 0 && (rst1 < 0 || rst0 < rst1) ? 0 : 1;
			b.append("reset by the ").append(e == 0 ? "client" : "server");
		}
		else {
			b.append(c.log.bytes[0] + c.log.bytes[1] > 0 || c.log.n > 3 ? "open" : "handshake only");
		}
		if (ff >= 0 && (rst0 >= 0 || rst1 >= 0)) {
			b.append(", then reset");
		}
		b.append(" · client ").append(r.finalStates()[0]).append(", server ").append(r.finalStates()[1]);
		return b.toString();
	}

}
