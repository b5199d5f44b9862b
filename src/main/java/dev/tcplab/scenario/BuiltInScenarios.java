package dev.tcplab.scenario;

import static dev.tcplab.scenario.ScenarioScript.C;
import static dev.tcplab.scenario.ScenarioScript.S;
import static dev.tcplab.scenario.ScenarioScript.secs;

import java.util.List;
import java.util.Map;

import dev.tcplab.engine.LoadSpec;
import dev.tcplab.engine.SegmentMatch;
import dev.tcplab.engine.Side;
import dev.tcplab.engine.TcpState;
import dev.tcplab.scenario.Scenario.Setup;
import dev.tcplab.scenario.ScenarioStep.Action;

/**
 * The built-in scenarios: the article's situations (tcp-facts.md) and the teardown cases
 * around them. Each script uses only the engine's public facade; narration is English and
 * Korean, tied to the trace by the runner.
 */
final class BuiltInScenarios {

	private BuiltInScenarios() {
	}

	static List<Scenario> all() {
		return List.of(activeClose(), serverActiveClose(), lostLastAck(), noTimeWait(), oldDuplicate(), lostFin(),
				simultaneousClose(), threeSegmentClose(), lingerDefault(), lingerAbort(), lingerTimeout(),
				closeUnreadData(), halfClose(), gracefulClose(), closeWaitLeak(), finWait2Timeout(), rebindTimeWait(),
				busyServerTimeWait());
	}

	// ---- shared steps ----

	private static ScenarioStep step(String titleEn, String titleKo, String textEn, String textKo, Action action) {
		return new ScenarioStep(Text.of(titleEn, titleKo), Text.of(textEn, textKo), action);
	}

	private static ScenarioStep connect() {
		return step("Connection established", "연결 수립",
				"The client connects to port 80. The three-way handshake (SYN, SYN-ACK, ACK) runs on the virtual clock; both ends "
						+ "are ESTABLISHED.",
				"클라이언트가 서버의 80번 포트로 연결합니다. 3-way handshake(SYN, SYN-ACK, ACK)가 가상 시계 위에서 진행되고, 양쪽 "
						+ "모두 ESTABLISHED 상태가 됩니다.",
				s -> {
					s.open();
					s.set("tw", secs(s.constants().timeWaitMs()));
				});
	}

	private static ScenarioStep timeWaitEnds(String who, String whoKo) {
		return step("TIME_WAIT runs out", "TIME_WAIT 만료", "The " + who
				+ " stays in TIME_WAIT for {tw} s on this profile (2×MSL; Linux uses a fixed 60 s), then deletes the "
				+ "connection's state: CLOSED.",
				whoKo + "는 이 프로파일에서 {tw}초 동안 TIME_WAIT 상태를 유지한 뒤(2×MSL, 리눅스는 60초로 고정) 연결 정보를 지우고 " + "CLOSED 상태가 됩니다.",
				ScenarioScript::idle);
	}

	private static ScenarioStep idleStep() {
		return step("Timers run out", "타이머 만료",
				"We let the virtual clock run until no timer is left; every endpoint that can close does.",
				"남은 타이머가 없을 때까지 가상 시계를 진행합니다. 닫힐 수 있는 소켓은 모두 닫힙니다.", ScenarioScript::idle);
	}

	private static void recvInto(ScenarioScript s, Side side, String var) {
		s.set(var, s.recv(side));
	}

	// ---- the article's situation 1 and its mirror ----

	static Scenario activeClose() {
		return new Scenario("active-close", Text.of("Active close by the client", "클라이언트의 능동 종료"), Text.of(
				"The normal four-way close: the client closes first and ends in TIME_WAIT; the server passes through "
						+ "CLOSE_WAIT and LAST_ACK.",
				"정상적인 4단계 연결 종료입니다. 클라이언트가 먼저 닫고 TIME_WAIT 상태로 끝나며, 서버는 CLOSE_WAIT와 LAST_ACK를 " + "거칩니다."),
				ArticleQuotes.FOUR_WAY_CLOSE, Setup.standard(),
				List.of(connect(), step("The client calls close()", "클라이언트가 close() 호출",
						"close() returns at once and the client sends FIN: FIN_WAIT_1. The server's TCP acknowledges the FIN and "
								+ "moves to CLOSE_WAIT; when that ACK arrives the client moves to FIN_WAIT_2. The server "
								+ "application has not closed yet.",
						"close()는 곧바로 리턴하고, 클라이언트는 FIN 세그먼트를 보내며 FIN_WAIT_1 상태가 됩니다. 서버의 TCP는 이 FIN에 "
								+ "ACK로 응답하고 CLOSE_WAIT 상태로 넘어갑니다. 그 ACK를 받은 클라이언트는 FIN_WAIT_2 상태가 됩니다. 서버 "
								+ "애플리케이션은 아직 소켓을 닫지 않았습니다.",
						s -> {
							s.close(C);
							s.settle();
						}),
						step("The server reads end of file", "서버가 EOF를 읽음",
								"The server application calls recv() and gets {eof}: end of file, the client will send nothing more. "
										+ "The server is still in CLOSE_WAIT because its application has not called close().",
								"서버 애플리케이션이 recv()를 호출하면 {eof}이 돌아옵니다. 파일의 끝(EOF), 즉 클라이언트가 더 보낼 데이터가 없다는 "
										+ "뜻입니다. 서버 애플리케이션이 아직 close()를 호출하지 않았으므로 서버는 여전히 CLOSE_WAIT 상태입니다.",
								s -> recvInto(s, S, "eof")),
						step("The server calls close()", "서버가 close() 호출",
								"The server sends its own FIN and moves to LAST_ACK. The client answers with the last ACK and enters "
										+ "TIME_WAIT; when that ACK arrives the server is CLOSED.",
								"서버도 FIN 세그먼트를 보내고 LAST_ACK 상태가 됩니다. 클라이언트는 마지막 ACK로 응답하면서 TIME_WAIT 상태에 "
										+ "들어가고, 그 ACK를 받은 서버는 CLOSED 상태가 됩니다.",
								s -> {
									s.close(S);
									s.settle();
								}),
						timeWaitEnds("client", "클라이언트")));
	}

	static Scenario serverActiveClose() {
		return new Scenario("server-active-close", Text.of("Active close by the server", "서버의 능동 종료"), Text.of(
				"The same four-way close with the roles swapped: the server closes first, so the TIME_WAIT lands on the "
						+ "server — one per connection on a busy server.",
				"역할을 바꾼 4단계 종료입니다. 서버가 먼저 닫으므로 TIME_WAIT가 서버 쪽에 생깁니다. 바쁜 서버라면 연결마다 하나씩 " + "쌓입니다."),
				ArticleQuotes.SERVER_SHOULD_NOT_CLOSE_FIRST, Setup.standard(),
				List.of(connect(), step("The server calls close()", "서버가 close() 호출",
						"This time the server closes first: it sends FIN and moves to FIN_WAIT_1. The client's TCP acknowledges "
								+ "and moves to CLOSE_WAIT; the server moves to FIN_WAIT_2.",
						"이번에는 서버가 먼저 닫습니다. 서버는 FIN 세그먼트를 보내고 FIN_WAIT_1 상태가 됩니다. 클라이언트의 TCP가 ACK로 "
								+ "응답하며 CLOSE_WAIT 상태가 되고, 서버는 FIN_WAIT_2 상태로 넘어갑니다.",
						s -> {
							s.close(S);
							s.settle();
						}),
						step("The client reads end of file", "클라이언트가 EOF를 읽음",
								"The client's recv() returns {eof}: the server is done. The client sits in CLOSE_WAIT until its "
										+ "application calls close().",
								"클라이언트의 recv()가 {eof}을 돌려줍니다. 서버가 더 보낼 것이 없다는 뜻입니다. 클라이언트 애플리케이션이 "
										+ "close()를 호출할 때까지 클라이언트는 CLOSE_WAIT 상태에 머뭅니다.",
								s -> recvInto(s, C, "eof")),
						step("The client calls close()", "클라이언트가 close() 호출",
								"The client sends FIN and moves to LAST_ACK; the server answers with the last ACK and enters TIME_WAIT. "
										+ "The client is CLOSED.",
								"클라이언트가 FIN 세그먼트를 보내고 LAST_ACK 상태가 됩니다. 서버는 마지막 ACK로 응답하면서 TIME_WAIT 상태에 "
										+ "들어가고, 클라이언트는 CLOSED 상태가 됩니다.",
								s -> {
									s.close(C);
									s.settle();
								}),
						step("TIME_WAIT on the server", "서버 쪽의 TIME_WAIT",
								"Now the server holds TIME_WAIT, for {tw} s on this profile. A server that closes first collects one "
										+ "TIME_WAIT per connection; the article's advice is to let the client close first.",
								"이제 TIME_WAIT는 서버가 가지고 있으며, 이 프로파일에서는 {tw}초 동안 유지됩니다. 먼저 닫는 서버는 연결마다 "
										+ "TIME_WAIT를 하나씩 떠안게 됩니다. 그래서 글은 클라이언트가 먼저 닫도록 하라고 권합니다.",
								ScenarioScript::idle)));
	}

	// ---- the article's situation 2 ----

	private static ScenarioStep closeAndLoseLastAck(String extraEn, String extraKo) {
		return step("The last ACK is lost", "마지막 ACK 유실",
				"We tell the network to drop the next pure ACK the client sends. The server reads end of file and closes: FIN, "
						+ "LAST_ACK. The client answers with the last ACK and enters TIME_WAIT — but the ACK is lost, and the "
						+ "server cannot know whether its FIN arrived." + extraEn,
				"네트워크가 클라이언트의 다음 순수 ACK 세그먼트를 버리도록 설정합니다. 서버는 EOF를 읽고 소켓을 닫습니다(FIN 전송, "
						+ "LAST_ACK). 클라이언트는 마지막 ACK로 응답하고 TIME_WAIT 상태가 되지만, 이 ACK는 사라집니다. 서버는 자신의 "
						+ "FIN이 도착했는지 알 수 없습니다." + extraKo,
				s -> {
					s.lose(C, SegmentMatch.ACK, 1);
					s.recv(S);
					s.close(S);
					s.settle();
				});
	}

	private static ScenarioStep clientCloses() {
		return step("The client calls close()", "클라이언트가 close() 호출",
				"The client sends FIN (FIN_WAIT_1); the server's TCP acknowledges it (CLOSE_WAIT) and the client moves to "
						+ "FIN_WAIT_2.",
				"클라이언트가 FIN 세그먼트를 보내고(FIN_WAIT_1), 서버의 TCP가 ACK로 응답하면(CLOSE_WAIT) 클라이언트는 FIN_WAIT_2 상태가 " + "됩니다.",
				s -> {
					s.close(C);
					s.settle();
				});
	}

	static Scenario lostLastAck() {
		return new Scenario("lost-last-ack",
				Text.of("Why TIME_WAIT (1): the last ACK is lost", "TIME_WAIT가 필요한 이유 1: 마지막 ACK 유실"),
				Text.of("The client's last ACK is lost. The server retransmits its FIN, and the client — still in TIME_WAIT — can "
						+ "answer it properly.",
						"클라이언트의 마지막 ACK가 유실됩니다. 서버는 FIN을 재전송하고, 아직 TIME_WAIT 상태인 클라이언트는 이에 제대로 " + "응답할 수 있습니다."),
				ArticleQuotes.LOST_LAST_ACK, Setup.standard(),
				List.of(connect(), clientCloses(), closeAndLoseLastAck("", ""), step("The server retransmits its FIN",
						"서버의 FIN 재전송",
						"The server's retransmission timer fires and the FIN goes out again. The client is still in TIME_WAIT, "
								+ "so it still knows the connection: it acknowledges the FIN again and restarts its 2MSL timer "
								+ "(RFC 9293 §3.10.7.4). This ACK arrives and the server is CLOSED.",
						"서버의 재전송 타이머가 만료되어 FIN이 다시 전송됩니다. 클라이언트는 아직 TIME_WAIT 상태라서 이 연결을 기억하고 "
								+ "있습니다. 그래서 FIN에 다시 ACK로 응답하고 2MSL 타이머를 재시작합니다(RFC 9293 §3.10.7.4). 이번 ACK는 "
								+ "무사히 도착하고 서버는 CLOSED 상태가 됩니다.",
						s -> s.runUntil(() -> s.state(S) == TcpState.CLOSED, 300_000)),
						timeWaitEnds("client", "클라이언트")));
	}

	static Scenario noTimeWait() {
		return new Scenario("no-time-wait",
				Text.of("Without TIME_WAIT: RST instead of ACK", "TIME_WAIT가 없다면: ACK 대신 RST"),
				Text.of("The same lost last ACK on a stack whose TIME_WAIT lasts 0 ms: the client has forgotten the connection and "
						+ "answers the retransmitted FIN with RST.",
						"TIME_WAIT가 0ms인 스택에서 마지막 ACK가 유실되는 경우입니다. 클라이언트는 이미 연결을 잊어버렸기 때문에 재전송된 " + "FIN에 RST로 응답합니다."),
				ArticleQuotes.LOST_LAST_ACK, Setup.standard().withOverrides(Map.of("timeWaitMs", 0)),
				List.of(connect(), clientCloses(), closeAndLoseLastAck(
						" This simulation overrides timeWaitMs to 0, so the client leaves TIME_WAIT at once and forgets the "
								+ "connection.",
						" 이 시뮬레이션은 timeWaitMs를 0으로 바꿔 두었으므로, 클라이언트는 곧바로 TIME_WAIT를 벗어나 연결 정보를 " + "지워 버립니다."),
						step("The retransmitted FIN draws RST", "재전송된 FIN에 RST로 응답",
								"The server retransmits its FIN. The client has no state for this connection any more, so the FIN is a "
										+ "segment for a connection that does not exist: the client's host answers with RST (RFC 9293 "
										+ "§3.10.7.1). The server's connection ends in a reset instead of an orderly close — exactly what "
										+ "TIME_WAIT is there to prevent.",
								"서버가 FIN을 재전송합니다. 클라이언트에는 더 이상 이 연결의 정보가 없으므로, 이 FIN은 존재하지 않는 연결로 온 "
										+ "세그먼트가 됩니다. 클라이언트 호스트는 RST로 응답합니다(RFC 9293 §3.10.7.1). 서버의 연결은 정상 종료가 "
										+ "아니라 리셋으로 끝납니다. 바로 이런 일을 막으려고 TIME_WAIT가 있는 것입니다.",
								s -> s.runUntil(() -> s.state(S) == TcpState.CLOSED, 300_000)),
						idleStep()));
	}

	// ---- the article's situation 3 ----

	static Scenario oldDuplicate() {
		return new Scenario("old-duplicate",
				Text.of("Why TIME_WAIT (2): old duplicate segments", "TIME_WAIT가 필요한 이유 2: 오래된 중복 세그먼트"),
				Text.of("111.111.111.112:1500 talks to 111.111.111.111:23, closes, and tries to reconnect on the same 4-tuple while "
						+ "a delayed segment of the old connection is still in the network. TIME_WAIT refuses port 1500, the new "
						+ "connection uses 1501, and the old segment is absorbed harmlessly.",
						"111.111.111.112:1500과 111.111.111.111:23이 통신하다가 연결을 끊고, 이전 연결의 세그먼트 하나가 아직 네트워크를 떠도는 "
								+ "동안 같은 4-tuple로 다시 연결하려 합니다. TIME_WAIT 때문에 1500번 포트는 거부되고 새 연결은 1501번을 "
								+ "쓰며, 오래된 세그먼트는 아무 해도 끼치지 못합니다."),
				ArticleQuotes.OLD_DUPLICATE, Setup.standard().withAddresses("111.111.111.112", "111.111.111.111"),
				List.of(step("Connected 111.111.111.112:1500 ↔ 111.111.111.111:23",
						"111.111.111.112:1500 ↔ 111.111.111.111:23 연결",
						"The client binds port 1500 and connects to the server's port 23, as in the article.",
						"글의 예처럼 클라이언트가 1500번 포트에 바인드하고 서버의 23번 포트로 연결합니다.", s -> s.open(23, 1500, false)),
						step("A data segment goes astray", "길을 잃은 데이터 세그먼트",
								"The server (111.111.111.111) sends 100 bytes. The network holds on to the first copy — the article's "
										+ "router loop — so the server's retransmission timer sends the data again; that copy arrives and "
										+ "the client reads {data} bytes. The original copy is still wandering in the network.",
								"서버(111.111.111.111)가 100바이트를 보냅니다. 네트워크가 첫 번째 복사본을 붙잡아 둡니다(글에서 말한 라우터 "
										+ "루프). 서버의 재전송 타이머가 데이터를 다시 보내고, 이 복사본이 도착해 클라이언트는 {data}바이트를 "
										+ "읽습니다. 원래 세그먼트는 아직 네트워크 어딘가를 떠돌고 있습니다.",
								s -> {
									s.hold(S, SegmentMatch.DATA);
									s.send(S, 100);
									s.runUntil(() -> s.endpoint(C).recvBuffered() >= 100, 10_000);
									recvInto(s, C, "data");
									s.settle();
								}),
						step("The connection closes normally", "연결이 정상적으로 종료됨",
								"The client closes first, the server follows. The client's port 1500 is now in TIME_WAIT.",
								"클라이언트가 먼저 닫고 서버가 뒤따릅니다. 이제 클라이언트의 1500번 포트는 TIME_WAIT 상태입니다.", s -> {
									s.close(C);
									s.settle();
									s.recv(S);
									s.close(S);
									s.settle();
									s.set("old", s.pair());
								}),
						step("Reconnecting: port 1500 refused, 1501 used", "재연결: 1500번은 거부되고 1501번 사용",
								"A new client socket tries to bind port 1500 again: {rebind}. While TIME_WAIT holds the old 4-tuple, the "
										+ "same connection cannot be made again, so the new connection uses port 1501 ({next}) — exactly as "
										+ "the article says.",
								"새 클라이언트 소켓이 다시 1500번 포트에 바인드하려 하지만 결과는 {rebind}입니다. TIME_WAIT가 이전 4-tuple을 "
										+ "붙잡고 있는 동안에는 같은 연결을 다시 만들 수 없습니다. 그래서 글에서 말한 그대로 새 연결은 1501번 포트를 "
										+ "사용합니다({next}).",
								s -> {
									int old = s.pair();
									s.tryOpen("rebind", 23, 1500, false);
									s.use(old);
									s.tryOpen("next", 23, 1501, false);
									s.use(old);
								}),
						step("The old duplicate arrives", "오래된 중복 세그먼트 도착",
								"The held segment of the old connection is finally delivered to port 1500. TIME_WAIT still holds the old "
										+ "connection's state, so the segment is recognised as an old duplicate (its sequence number is "
										+ "below RCV.NXT) and only acknowledged. The new connection on port 1501 never sees it.",
								"붙잡혀 있던 이전 연결의 세그먼트가 마침내 1500번 포트에 도착합니다. TIME_WAIT가 이전 연결의 정보를 아직 "
										+ "가지고 있으므로, 이 세그먼트는 오래된 중복 세그먼트(순서 번호가 RCV.NXT보다 작음)로 인식되어 ACK만 "
										+ "받고 버려집니다. 1501번 포트의 새 연결은 이 세그먼트를 보지 못합니다.",
								s -> {
									s.release(S);
									s.settle();
								}),
						step("TIME_WAIT ends", "TIME_WAIT 종료",
								"After 2×MSL every segment of the old connection has expired in the network; port 1500 is free again.",
								"2×MSL이 지나면 이전 연결의 세그먼트는 네트워크에서 모두 사라집니다. 이제 1500번 포트를 다시 쓸 수 있습니다.",
								ScenarioScript::idle)));
	}

	// ---- lost FIN, simultaneous close, three-segment close ----

	static Scenario lostFin() {
		return new Scenario("lost-fin", Text.of("The first FIN is lost", "첫 번째 FIN 유실"), Text.of(
				"The client's FIN is dropped; its retransmission timer sends it again and the close completes normally.",
				"클라이언트의 FIN이 유실됩니다. 재전송 타이머가 FIN을 다시 보내고, 연결 종료는 정상적으로 마무리됩니다."), null, Setup.standard(),
				List.of(connect(), step("The client's FIN is lost", "클라이언트의 FIN 유실",
						"We drop the client's next FIN. The client calls close(), sends FIN and moves to FIN_WAIT_1 — but the FIN "
								+ "never arrives: the server is still ESTABLISHED and knows nothing.",
						"클라이언트의 다음 FIN을 버리도록 설정합니다. 클라이언트는 close()를 호출하고 FIN을 보내며 FIN_WAIT_1 상태가 "
								+ "되지만, FIN은 도착하지 않습니다. 서버는 여전히 ESTABLISHED 상태이고 아무것도 모릅니다.",
						s -> {
							s.lose(C, SegmentMatch.FIN, 1);
							s.close(C);
							s.settle();
						}),
						step("The FIN is retransmitted", "FIN 재전송",
								"The client's retransmission timer fires (RTO, at least {rtoMin} ms on this profile) and the FIN is sent "
										+ "again. This time it arrives: the server acknowledges and moves to CLOSE_WAIT, the client to "
										+ "FIN_WAIT_2.",
								"클라이언트의 재전송 타이머(RTO, 이 프로파일에서 최소 {rtoMin}ms)가 만료되어 FIN이 다시 전송됩니다. 이번에는 "
										+ "도착합니다. 서버는 ACK로 응답하고 CLOSE_WAIT 상태가 되며, 클라이언트는 FIN_WAIT_2 상태가 됩니다.",
								s -> {
									s.set("rtoMin", s.constants().rtoMinMs());
									s.runUntil(() -> s.state(S) == TcpState.CLOSE_WAIT, 300_000);
									s.settle();
								}),
						step("The server closes", "서버가 연결을 닫음",
								"The server reads end of file and closes; the client enters TIME_WAIT, the server is CLOSED.",
								"서버가 EOF를 읽고 소켓을 닫습니다. 클라이언트는 TIME_WAIT 상태가 되고 서버는 CLOSED 상태가 됩니다.", s -> {
									s.recv(S);
									s.close(S);
									s.settle();
								}),
						timeWaitEnds("client", "클라이언트")));
	}

	static Scenario simultaneousClose() {
		return new Scenario("simultaneous-close", Text.of("Simultaneous close", "동시 종료"), Text.of(
				"Both ends call close() at the same instant: both pass through CLOSING and both end in TIME_WAIT.",
				"양쪽이 같은 순간에 close()를 호출합니다. 둘 다 CLOSING 상태를 거쳐 둘 다 TIME_WAIT 상태로 끝납니다."), null, Setup.standard(),
				List.of(connect(), step("Both call close()", "양쪽 모두 close() 호출",
						"Both applications call close() at the same instant: both send FIN and enter FIN_WAIT_1. Each FIN reaches "
								+ "an endpoint that is itself waiting for the ACK of its own FIN, so both move to CLOSING and "
								+ "acknowledge; when those ACKs arrive, both move to TIME_WAIT (RFC 9293 §3.6, case 2).",
						"두 애플리케이션이 같은 순간에 close()를 호출합니다. 양쪽 모두 FIN을 보내고 FIN_WAIT_1 상태가 됩니다. 각 FIN은 "
								+ "자기 FIN에 대한 ACK를 기다리던 상대에게 도착하므로, 양쪽 모두 CLOSING 상태가 되어 ACK를 보냅니다. 그 ACK가 "
								+ "도착하면 양쪽 모두 TIME_WAIT 상태가 됩니다(RFC 9293 §3.6, 두 번째 경우).",
						s -> {
							s.close(C);
							s.close(S);
							s.settle();
						}),
						step("Two TIME_WAITs run out", "두 개의 TIME_WAIT 만료",
								"Both ends hold TIME_WAIT for {tw} s, then both are CLOSED.",
								"양쪽 모두 {tw}초 동안 TIME_WAIT 상태를 유지한 뒤 CLOSED 상태가 됩니다.", ScenarioScript::idle)));
	}

	static Scenario threeSegmentClose() {
		return new Scenario("three-segment-close",
				Text.of("Three-segment close (FIN+ACK together)", "세그먼트 3개로 끝나는 종료 (FIN과 ACK를 함께)"),
				Text.of("The server closes before its delayed ACK goes out, so the ACK rides on its FIN: FIN, FIN+ACK, ACK.",
						"서버가 지연 ACK를 보내기 전에 소켓을 닫아서 ACK가 FIN에 실려 갑니다. FIN, FIN+ACK, ACK 세 개로 끝납니다."),
				null, Setup.standard(),
				List.of(connect(), step("Data flows", "데이터 전송",
						"The client sends a 100-byte request and the server reads it. Now that data has flowed, the server's TCP "
								+ "no longer acknowledges at once: it waits up to {dack} ms to piggyback the ACK (delayed ACK, RFC "
								+ "1122 §4.2.3.2).",
						"클라이언트가 100바이트 요청을 보내고 서버가 읽습니다. 데이터가 오간 뒤에는 서버의 TCP가 곧바로 ACK를 보내지 않고, "
								+ "다른 세그먼트에 실어 보내려고 최대 {dack}ms 동안 기다립니다(지연 ACK, RFC 1122 §4.2.3.2).",
						s -> {
							s.set("dack", s.constants().delayedAckMs());
							s.send(C, 100);
							s.settle();
							s.recv(S);
							s.settle();
						}),
						step("The client closes", "클라이언트가 연결을 닫음",
								"The client sends FIN (FIN_WAIT_1). The server's TCP takes it and moves to CLOSE_WAIT, but the ACK of the "
										+ "FIN waits for the delayed-ACK timer.",
								"클라이언트가 FIN을 보냅니다(FIN_WAIT_1). 서버의 TCP는 이를 받고 CLOSE_WAIT 상태가 되지만, FIN에 대한 ACK는 지연 "
										+ "ACK 타이머를 기다립니다.",
								s -> {
									s.close(C);
									s.runUntil(() -> s.state(S) == TcpState.CLOSE_WAIT, 10_000);
								}),
						step("The server closes at once", "서버가 곧바로 닫음",
								"The server application reads end of file and closes at once, before the delayed ACK is sent. One FIN+ACK "
										+ "segment does both jobs, so the close takes three segments. The client processes the ACK bit "
										+ "before the FIN bit (RFC 9293 §3.10.7.4): it passes through FIN_WAIT_2 and into TIME_WAIT in the "
										+ "same instant.",
								"서버 애플리케이션이 EOF를 읽고 지연 ACK가 나가기 전에 곧바로 소켓을 닫습니다. FIN+ACK 세그먼트 하나가 두 가지 "
										+ "역할을 하므로 종료는 세그먼트 3개로 끝납니다. 클라이언트는 ACK 비트를 FIN 비트보다 먼저 처리하므로(RFC 9293 "
										+ "§3.10.7.4) 같은 순간에 FIN_WAIT_2를 거쳐 TIME_WAIT 상태가 됩니다.",
								s -> {
									s.recv(S);
									s.close(S);
									s.settle();
								}),
						timeWaitEnds("client", "클라이언트")));
	}

	// ---- the article's situation 5: SO_LINGER ----

	static Scenario lingerDefault() {
		return new Scenario("linger-default",
				Text.of("SO_LINGER off (default): close() returns at once", "SO_LINGER 끔(기본값): close()는 바로 리턴"),
				Text.of("With the default l_onoff = 0, close() returns immediately and the kernel delivers the queued data and the "
						+ "FIN in the background.",
						"기본값 l_onoff = 0에서는 close()가 바로 리턴하고, 커널이 남은 데이터와 FIN을 백그라운드에서 전송합니다."),
				ArticleQuotes.LINGER_DEFAULT, Setup.standard(),
				List.of(connect(), step("send() then close() at once", "send() 직후 close()",
						"The client queues 4000 bytes and calls close() right away with the default SO_LINGER (l_onoff = 0). "
								+ "close() returns {close} immediately; the kernel sends the remaining data and then the FIN in the "
								+ "background.",
						"클라이언트가 4000바이트를 보내도록 요청하고, 기본 SO_LINGER(l_onoff = 0) 상태에서 곧바로 close()를 호출합니다. "
								+ "close()는 즉시 {close}을 리턴하고, 커널이 남은 데이터와 FIN을 백그라운드에서 보냅니다.",
						s -> {
							s.send(C, 4000);
							s.set("close", s.close(C));
							s.settle();
						}),
						step("Nothing was lost", "잃어버린 데이터 없음",
								"The server reads {data} bytes, then {eof} (end of file): every byte arrived before the FIN.",
								"서버는 {data}바이트를 읽고, 이어서 {eof}(EOF)을 받습니다. 모든 데이터가 FIN보다 먼저 도착했습니다.", s -> {
									recvInto(s, S, "data");
									recvInto(s, S, "eof");
								}),
						step("The server closes", "서버가 연결을 닫음", "The server closes; the client enters TIME_WAIT.",
								"서버가 소켓을 닫고, 클라이언트는 TIME_WAIT 상태가 됩니다.", s -> {
									s.close(S);
									s.settle();
								}),
						timeWaitEnds("client", "클라이언트")));
	}

	static Scenario lingerAbort() {
		return new Scenario("linger-abort",
				Text.of("SO_LINGER {1, 0}: abortive close with RST", "SO_LINGER {1, 0}: RST로 강제 종료"),
				Text.of("close() with l_onoff = 1, l_linger = 0 sends RST instead of FIN: no FIN_WAIT, no TIME_WAIT, and the peer "
						+ "sees ECONNRESET.",
						"l_onoff = 1, l_linger = 0으로 close()하면 FIN 대신 RST를 보냅니다. FIN_WAIT도 TIME_WAIT도 없고, 상대는 "
								+ "ECONNRESET을 받습니다."),
				ArticleQuotes.LINGER_ABORT, Setup.standard(),
				List.of(connect(), step("Data, then SO_LINGER {1, 0}", "데이터 전송 후 SO_LINGER {1, 0} 설정",
						"The client sends 1000 bytes, which wait unread in the server's receive buffer, and sets "
								+ "setsockopt(SO_LINGER, {l_onoff = 1, l_linger = 0}).",
						"클라이언트가 1000바이트를 보내고(서버는 아직 읽지 않아 수신 버퍼에 남아 있습니다), setsockopt(SO_LINGER, "
								+ "{l_onoff = 1, l_linger = 0})를 설정합니다.",
						s -> {
							s.send(C, 1000);
							s.settle();
							s.linger(C, 1, 0);
						}),
						step("close() sends RST", "close()가 RST를 보냄",
								"close() returns {close} immediately. Instead of FIN the client sends RST — a hard, abortive close. The "
										+ "client goes straight to CLOSED: no FIN_WAIT, no TIME_WAIT. The server's TCP takes the RST and "
										+ "drops the connection.",
								"close()는 즉시 {close}을 리턴합니다. 클라이언트는 FIN 대신 RST를 보냅니다. 이른바 hard(abortive) 종료입니다. "
										+ "클라이언트는 FIN_WAIT도 TIME_WAIT도 거치지 않고 곧바로 CLOSED 상태가 됩니다. 서버의 TCP는 RST를 받고 연결을 "
										+ "끊습니다.",
								s -> {
									s.set("close", s.close(C));
									s.settle();
								}),
						step("The server's recv() after the reset", "리셋 이후 서버의 recv()",
								"The server application calls recv(): first {recv1}, then {recv2}. The peer reset the connection.",
								"서버 애플리케이션이 recv()를 호출합니다. 처음에는 {recv1}, 다음에는 {recv2}이 돌아옵니다. 상대가 연결을 리셋한 " + "것입니다.",
								s -> {
									recvInto(s, S, "recv1");
									recvInto(s, S, "recv2");
								}),
						idleStep()));
	}

	static Scenario lingerTimeout() {
		return new Scenario("linger-timeout",
				Text.of("SO_LINGER {1, N}: close() blocks, the FIN is never ACKed",
						"SO_LINGER {1, N}: close()가 블록되고 FIN에 ACK가 오지 않음"),
				Text.of("close() with l_linger = 2 s blocks until the FIN is acknowledged or the time is up. Here the ACK never "
						+ "comes; what close() returns then depends on the stack.",
						"l_linger = 2초로 close()하면 FIN에 대한 ACK를 받거나 시간이 다 될 때까지 블록됩니다. 여기서는 ACK가 끝내 오지 "
								+ "않으며, 이때 close()가 무엇을 리턴하는지는 스택마다 다릅니다."),
				ArticleQuotes.LINGER_TIMEOUT, Setup.standard(),
				List.of(connect(), step("SO_LINGER {1, 2}; the server's ACKs are lost",
						"SO_LINGER {1, 2} 설정, 서버의 ACK 유실",
						"The client sets SO_LINGER {l_onoff = 1, l_linger = 2}: close() will wait up to 2 s for its FIN to be "
								+ "acknowledged. We make the network drop every pure ACK the server sends.",
						"클라이언트가 SO_LINGER {l_onoff = 1, l_linger = 2}를 설정합니다. close()는 FIN에 대한 ACK를 최대 2초까지 "
								+ "기다리게 됩니다. 네트워크는 서버가 보내는 순수 ACK를 모두 버리도록 설정합니다.",
						s -> {
							s.linger(C, 1, 2);
							s.lose(S, SegmentMatch.ACK, 1000);
						}),
						step("close() blocks", "close()가 블록됨",
								"close() blocks (result so far: {close}). The FIN reaches the server, which moves to CLOSE_WAIT, but its "
										+ "ACK is lost; the client stays in FIN_WAIT_1.",
								"close()가 블록됩니다(현재 결과: {close}). FIN은 서버에 도착해 서버는 CLOSE_WAIT 상태가 되지만, 서버의 ACK는 "
										+ "사라지므로 클라이언트는 FIN_WAIT_1 상태에 머뭅니다.",
								s -> {
									s.set("close", s.close(C));
									s.settle();
								}),
						step("The linger time runs out", "LINGER 시간 초과",
								"Meanwhile the client retransmits its FIN with exponential backoff. After 2 s the linger time is up and "
										+ "close() returns {lingerResult}. {lingerExplain}",
								"그동안 클라이언트는 지수 백오프로 FIN을 재전송합니다. 2초가 지나 LINGER 시간이 끝나면 close()는 "
										+ "{lingerResult}을 리턴합니다. {lingerExplain}",
								s -> {
									s.runUntil(() -> s.endpoint(C).pendingCall() == null, 10_000);
									Object r = s.completedResult(C, "close");
									s.set("lingerResult", r);
									if ("0".equals(String.valueOf(r))) {
										s.set("lingerExplain",
												"Linux reports no error although the FIN was never acknowledged; the socket lives on, orphaned, "
														+ "in FIN_WAIT_1 and keeps retransmitting.",
												"리눅스는 FIN이 확인되지 않았는데도 오류를 알리지 않습니다. 소켓은 애플리케이션과 분리된(orphan) 채 "
														+ "FIN_WAIT_1 상태로 남아 재전송을 계속합니다.");
									}
									else {
										s.set("lingerExplain",
												"BSD-derived stacks return an error here, as the article says: the application learns that "
														+ "the close was not confirmed. The socket stays in FIN_WAIT_1 and keeps retransmitting.",
												"BSD 계열 스택은 글에서 말한 대로 여기서 에러를 리턴합니다. 애플리케이션은 연결 종료가 확인되지 않았음을 "
														+ "알게 됩니다. 소켓은 FIN_WAIT_1 상태로 남아 재전송을 계속합니다.");
									}
								}),
						step("The server closes too", "서버도 연결을 닫음",
								"The server reads end of file and closes. Its FIN carries an ACK — not a pure ACK, so the fault rule lets "
										+ "it through — and that finally acknowledges the client's FIN: the client moves on to TIME_WAIT.",
								"서버가 EOF를 읽고 소켓을 닫습니다. 서버의 FIN에는 ACK가 함께 실려 있는데, 순수 ACK가 아니므로 유실 규칙에 걸리지 "
										+ "않습니다. 이 ACK가 마침내 클라이언트의 FIN을 확인해 주고, 클라이언트는 TIME_WAIT 상태로 넘어갑니다.",
								s -> {
									s.recv(S);
									s.close(S);
									s.settle();
								}),
						idleStep()));
	}

	// ---- RST on unread data ----

	static Scenario closeUnreadData() {
		return new Scenario("close-unread-data",
				Text.of("close() with unread data sends RST", "읽지 않은 데이터가 있을 때 close()는 RST를 보냄"),
				Text.of("The server closes while received data is still unread: TCP sends RST instead of FIN (RFC 1122 §4.2.2.13), "
						+ "and the client's recv() fails with ECONNRESET.",
						"서버가 받은 데이터를 읽지 않은 채 소켓을 닫습니다. TCP는 FIN 대신 RST를 보내고(RFC 1122 §4.2.2.13), 클라이언트의 "
								+ "recv()는 ECONNRESET으로 실패합니다."),
				null, Setup.standard(),
				List.of(connect(), step("Data nobody reads", "아무도 읽지 않는 데이터",
						"The client sends 100 bytes. They arrive and wait in the server's receive buffer; the server application "
								+ "never reads them.",
						"클라이언트가 100바이트를 보냅니다. 데이터는 서버의 수신 버퍼에 도착해 기다리지만, 서버 애플리케이션은 끝내 읽지 " + "않습니다.", s -> {
							s.send(C, 100);
							s.settle();
						}),
						step("The server closes: RST", "서버가 닫음: RST 전송",
								"The server calls close() with unread data in its receive buffer. That data can never be delivered, so "
										+ "instead of an orderly FIN the server sends RST (RFC 1122 §4.2.2.13, RFC 2525 §2.17). The server is "
										+ "CLOSED at once and the client's TCP drops the connection; nobody holds TIME_WAIT.",
								"서버가 수신 버퍼에 읽지 않은 데이터가 남은 채로 close()를 호출합니다. 이 데이터는 이제 아무에게도 전달될 수 없으므로, "
										+ "서버는 정상적인 FIN 대신 RST를 보냅니다(RFC 1122 §4.2.2.13, RFC 2525 §2.17). 서버는 곧바로 CLOSED 상태가 "
										+ "되고 클라이언트의 TCP도 연결을 끊습니다. 어느 쪽에도 TIME_WAIT는 남지 않습니다.",
								s -> {
									s.close(S);
									s.settle();
								}),
						step("The client's recv()", "클라이언트의 recv()", "The client's recv() fails with {recv}.",
								"클라이언트의 recv()는 {recv} 오류로 실패합니다.", s -> recvInto(s, C, "recv"))));
	}

	// ---- the article's situation 6: shutdown ----

	static Scenario halfClose() {
		return new Scenario("half-close",
				Text.of("Half-close with shutdown(SHUT_WR)", "shutdown(SHUT_WR)을 이용한 half-close"),
				Text.of("The client shuts down its sending direction only; the server can still send, and the client still "
						+ "receives, until the server closes too.",
						"클라이언트는 송신 방향만 닫습니다. 서버가 닫을 때까지 서버는 여전히 데이터를 보낼 수 있고 클라이언트도 계속 받을 " + "수 있습니다."),
				ArticleQuotes.SHUTDOWN, Setup.standard(),
				List.of(connect(), step("The client calls shutdown(SHUT_WR)", "클라이언트가 shutdown(SHUT_WR) 호출",
						"The client sends FIN (FIN_WAIT_1, then FIN_WAIT_2 once it is acknowledged) but keeps its receiving "
								+ "direction open. The server moves to CLOSE_WAIT.",
						"클라이언트는 FIN을 보내지만(FIN_WAIT_1, ACK를 받으면 FIN_WAIT_2) 수신 방향은 열어 둡니다. 서버는 CLOSE_WAIT " + "상태가 됩니다.",
						s -> {
							s.shutdownWrite(C);
							s.settle();
						}),
						step("The server still sends", "서버는 여전히 전송 가능",
								"The server reads end of file ({eof}), yet it may still send: in CLOSE_WAIT it sends a 500-byte response.",
								"서버는 EOF({eof})를 읽지만, 여전히 데이터를 보낼 수 있습니다. CLOSE_WAIT 상태에서 500바이트 응답을 보냅니다.", s -> {
									recvInto(s, S, "eof");
									s.send(S, 500);
									s.settle();
								}),
						step("The client still receives", "클라이언트는 여전히 수신 가능",
								"The client, in FIN_WAIT_2, reads {data} bytes: data still flows from server to client after the "
										+ "client's FIN.",
								"FIN_WAIT_2 상태의 클라이언트가 {data}바이트를 읽습니다. 클라이언트가 FIN을 보낸 뒤에도 서버에서 클라이언트로 "
										+ "데이터가 계속 흐릅니다.",
								s -> recvInto(s, C, "data")),
						step("The server closes", "서버가 연결을 닫음",
								"The server closes: FIN, LAST_ACK. The client acknowledges and enters TIME_WAIT, the server is CLOSED; "
										+ "the client's recv() now returns {eof2}.",
								"서버가 소켓을 닫습니다(FIN 전송, LAST_ACK). 클라이언트는 ACK로 응답하고 TIME_WAIT 상태가 되며, 서버는 CLOSED "
										+ "상태가 됩니다. 이제 클라이언트의 recv()는 {eof2}을 돌려줍니다.",
								s -> {
									s.close(S);
									s.settle();
									recvInto(s, C, "eof2");
								}),
						step("The client releases the socket", "클라이언트가 소켓 해제",
								"The client application calls close() to release the descriptor ({close}); TIME_WAIT runs its course "
										+ "({tw} s).",
								"클라이언트 애플리케이션이 close()를 호출해 디스크립터를 해제합니다({close}). TIME_WAIT는 정해진 시간({tw}초)이 "
										+ "지나면 끝납니다.",
								s -> {
									s.set("close", s.close(C));
									s.idle();
								})));
	}

	static Scenario gracefulClose() {
		return new Scenario("graceful-close", Text.of("Graceful close in three steps", "우아한 종료 3단계"), Text.of(
				"The article's recipe: 1) shutdown(SHUT_WR), 2) recv() until it returns 0, 3) close() — no data is lost in "
						+ "either direction.",
				"글에서 소개한 방법입니다. 1) shutdown(SHUT_WR), 2) recv()가 0을 리턴할 때까지 읽기, 3) close(). 어느 방향의 데이터도 " + "잃지 않습니다."),
				ArticleQuotes.GRACEFUL_CLOSE, Setup.standard(),
				List.of(connect(), step("1) shutdown(SHUT_WR)", "1) shutdown(SHUT_WR)",
						"The client has sent everything and calls shutdown(SHUT_WR): FIN goes out, the client moves to FIN_WAIT_1 "
								+ "and then FIN_WAIT_2; its receiving direction stays open.",
						"클라이언트는 보낼 데이터를 모두 보냈으므로 shutdown(SHUT_WR)을 호출합니다. FIN이 전송되고 클라이언트는 FIN_WAIT_1을 "
								+ "거쳐 FIN_WAIT_2 상태가 됩니다. 수신 방향은 열려 있습니다.",
						s -> {
							s.shutdownWrite(C);
							s.settle();
						}),
						step("The server finishes", "서버가 마무리함",
								"The server sees end of file, sends its last 300 bytes and closes: data, then FIN (LAST_ACK).",
								"서버는 EOF를 확인하고 마지막 300바이트를 보낸 뒤 소켓을 닫습니다. 데이터 다음에 FIN이 갑니다(LAST_ACK).", s -> {
									s.recv(S);
									s.send(S, 300);
									s.close(S);
									s.settle();
								}),
						step("2) recv() until it returns 0", "2) recv()가 0을 리턴할 때까지 읽기",
								"The client calls recv() until it returns 0: first {data} bytes, then {eof} — the peer's FIN has arrived "
										+ "and nothing was lost. The client is in TIME_WAIT.",
								"클라이언트는 recv()가 0을 리턴할 때까지 읽습니다. 먼저 {data}바이트, 그다음 {eof}이 돌아옵니다. 상대의 FIN이 "
										+ "도착했고 잃어버린 데이터는 없습니다. 클라이언트는 TIME_WAIT 상태입니다.",
								s -> {
									recvInto(s, C, "data");
									recvInto(s, C, "eof");
								}),
						step("3) close()", "3) close()",
								"Only now does the client call close() ({close}); TIME_WAIT ends after {tw} s.",
								"이제야 클라이언트가 close()를 호출합니다({close}). TIME_WAIT는 {tw}초 뒤에 끝납니다.", s -> {
									s.set("close", s.close(C));
									s.idle();
								})));
	}

	// ---- the article's situation 7: CLOSE_WAIT leak and FIN_WAIT_2 ----

	private static void describeFinWait2(ScenarioScript s) {
		long fw2 = s.constants().finWait2TimeoutMs();
		if (fw2 > 0 && s.state(C) == TcpState.CLOSED) {
			s.set("fw2",
					"The client, orphaned in FIN_WAIT_2, gave up after the FIN_WAIT_2 timeout (" + secs(fw2)
							+ " s on this profile, " + "Linux tcp_fin_timeout) and is CLOSED.",
					"애플리케이션이 이미 닫아 버린(orphan) FIN_WAIT_2 상태의 클라이언트는 FIN_WAIT_2 타임아웃(이 프로파일에서 " + secs(fw2)
							+ "초, 리눅스의 tcp_fin_timeout)이 지나자 포기하고 CLOSED 상태가 되었습니다.");
		}
		else {
			s.set("fw2",
					"This profile has no FIN_WAIT_2 timeout, so the client is still waiting in " + s.state(C) + " too.",
					"이 프로파일에는 FIN_WAIT_2 타임아웃이 없어서 클라이언트도 여전히 " + s.state(C) + " 상태로 기다리고 있습니다.");
		}
	}

	static Scenario closeWaitLeak() {
		return new Scenario("close-wait-leak",
				Text.of("CLOSE_WAIT leak: the server never calls close()", "CLOSE_WAIT 누수: 서버가 close()를 호출하지 않음"),
				Text.of("The server reads end of file but its code never calls close(): it stays in CLOSE_WAIT for good, while its "
						+ "peer waits in FIN_WAIT_2 until the orphan timeout (if the stack has one).",
						"서버가 EOF를 읽었지만 코드가 close()를 호출하지 않습니다. 서버는 영원히 CLOSE_WAIT 상태에 머물고, 상대는 (스택에 "
								+ "타임아웃이 있다면) 그 시간이 될 때까지 FIN_WAIT_2 상태로 기다립니다."),
				null, Setup.standard(),
				List.of(connect(), clientCloses(),
						step("The server reads EOF and forgets to close", "서버가 EOF를 읽고도 닫지 않음",
								"The server's recv() returns {eof} — and then its code forgets to call close().",
								"서버의 recv()는 {eof}을 돌려주지만, 서버 코드는 close()를 호출하는 것을 잊어버립니다.",
								s -> recvInto(s, S, "eof")),
						step("Five minutes later", "5분 후",
								"Five minutes of virtual time pass. The server still sits in {serverState} because its application has "
										+ "not called close(); no timer will ever take it out of there. {fw2}",
								"가상 시간으로 5분이 흐릅니다. 서버 애플리케이션이 close()를 호출하지 않았기 때문에 서버는 여전히 {serverState} "
										+ "상태입니다. 이 상태에서 빠져나오게 해 줄 타이머는 없습니다. {fw2}",
								s -> {
									s.advance(300_000);
									s.set("serverState", s.state(S));
									describeFinWait2(s);
								}),
						step("Why it leaks", "누수가 되는 이유",
								"Each such connection keeps a socket, a file descriptor and buffers until the process closes it or "
										+ "exits — the classic CLOSE_WAIT leak; `ss -tan state close-wait` shows them piling up on a real "
										+ "server. The fix is in the application: call close() once recv() has returned 0.",
								"이런 연결은 프로세스가 닫거나 종료될 때까지 소켓과 파일 디스크립터, 버퍼를 계속 붙잡고 있습니다. 이것이 흔히 "
										+ "말하는 CLOSE_WAIT 누수이며, 실제 서버에서는 `ss -tan state close-wait`로 쌓여 가는 모습을 볼 수 있습니다. "
										+ "해결책은 애플리케이션에 있습니다. recv()가 0을 리턴하면 close()를 호출해야 합니다.",
								s -> {
								})));
	}

	static Scenario finWait2Timeout() {
		return new Scenario("fin-wait-2-timeout", Text.of("Orphaned FIN_WAIT_2 timeout", "고아 FIN_WAIT_2 타임아웃"), Text.of(
				"The client closed and was acknowledged, but the server never sends its FIN. An orphaned FIN_WAIT_2 socket "
						+ "is killed after the FIN_WAIT_2 timeout; data that arrives afterwards draws RST.",
				"클라이언트는 연결을 닫고 ACK도 받았지만 서버는 FIN을 보내지 않습니다. 애플리케이션이 떠난(orphan) FIN_WAIT_2 소켓은 "
						+ "FIN_WAIT_2 타임아웃 뒤에 제거되고, 그 뒤에 도착하는 데이터에는 RST가 돌아갑니다."),
				null, Setup.standard(),
				List.of(connect(), clientCloses(), step("Waiting in FIN_WAIT_2", "FIN_WAIT_2 상태로 대기",
						"The client application has closed its socket, so nobody will ever read from it: the socket is orphaned. "
								+ "We let {waited} s of virtual time pass. {fw2}",
						"클라이언트 애플리케이션은 이미 소켓을 닫았으므로 이 소켓에서 데이터를 읽을 주체가 없습니다(orphan 소켓). 가상 "
								+ "시간으로 {waited}초를 흘려보냅니다. {fw2}",
						s -> {
							long fw2 = s.constants().finWait2TimeoutMs();
							long wait = fw2 > 0 ? fw2 + 1_000 : 120_000;
							s.set("waited", secs(wait));
							s.advance(wait);
							describeFinWait2(s);
						}),
						step("The server sends data", "서버가 데이터를 보냄",
								"The server, still in CLOSE_WAIT, sends 100 bytes. {answer}",
								"아직 CLOSE_WAIT 상태인 서버가 100바이트를 보냅니다. {answer}", s -> {
									boolean clientGone = s.state(C) == TcpState.CLOSED;
									s.send(S, 100);
									s.settle();
									if (s.state(S) == TcpState.CLOSED && !clientGone) {
										s.set("answer",
												"The client socket still exists, but its application has closed it, so nobody can ever read "
														+ "this data: the client answers with RST and both ends are CLOSED.",
												"클라이언트 소켓은 아직 남아 있지만 애플리케이션이 이미 닫았기 때문에 이 데이터를 읽을 주체가 없습니다. "
														+ "클라이언트는 RST로 응답하고 양쪽 모두 CLOSED 상태가 됩니다.");
									}
									else if (s.state(S) == TcpState.CLOSED) {
										s.set("answer",
												"Nobody is there to receive it: the client host answers with RST (RFC 9293 §3.10.7.1) and the "
														+ "server's connection is reset, CLOSE_WAIT → CLOSED.",
												"받을 주체가 없으므로 클라이언트 호스트는 RST로 응답하고(RFC 9293 §3.10.7.1), 서버의 연결은 리셋되어 "
														+ "CLOSE_WAIT에서 CLOSED 상태가 됩니다.");
									}
									else {
										s.set("answer",
												"The server is still " + s.state(S) + "; the client is " + s.state(C)
														+ ".",
												"서버는 여전히 " + s.state(S) + " 상태이고, 클라이언트는 " + s.state(C) + " 상태입니다.");
									}
								}),
						idleStep()));
	}

	// ---- rebinding a port held by TIME_WAIT ----

	static Scenario rebindTimeWait() {
		return new Scenario("rebind-time-wait",
				Text.of("bind() to a port in TIME_WAIT: EADDRINUSE vs SO_REUSEADDR",
						"TIME_WAIT 포트에 bind(): EADDRINUSE와 SO_REUSEADDR"),
				Text.of("A port whose connection is in TIME_WAIT cannot be bound again — unless both the old and the new socket set "
						+ "SO_REUSEADDR.",
						"TIME_WAIT 상태의 연결이 쓰는 포트에는 다시 bind할 수 없습니다. 단, 이전 소켓과 새 소켓이 모두 SO_REUSEADDR를 "
								+ "설정했다면 가능합니다."),
				ArticleQuotes.OLD_DUPLICATE, Setup.standard(),
				List.of(step("Connected from port 40000 with SO_REUSEADDR", "SO_REUSEADDR를 켜고 40000번 포트에서 연결",
						"The client sets SO_REUSEADDR, binds port 40000 and connects to the server's port 80.",
						"클라이언트가 SO_REUSEADDR를 설정하고 40000번 포트에 바인드한 뒤 서버의 80번 포트로 연결합니다.", s -> {
							s.open(80, 40000, true);
							s.set("tw", secs(s.constants().timeWaitMs()));
						}),
						step("Active close: TIME_WAIT on port 40000", "능동 종료: 40000번 포트가 TIME_WAIT",
								"The client closes first and the server follows; the connection from port 40000 is now in TIME_WAIT on "
										+ "the client host for {tw} s.",
								"클라이언트가 먼저 닫고 서버가 뒤따릅니다. 이제 40000번 포트의 연결은 클라이언트 호스트에서 {tw}초 동안 TIME_WAIT " + "상태입니다.",
								s -> {
									s.close(C);
									s.settle();
									s.recv(S);
									s.close(S);
									s.settle();
								}),
						step("bind() without SO_REUSEADDR", "SO_REUSEADDR 없이 bind()",
								"A new socket without SO_REUSEADDR binds port 40000: {plain}. bind() refuses a local port that a TIME_WAIT "
										+ "connection still holds.",
								"SO_REUSEADDR를 설정하지 않은 새 소켓이 40000번 포트에 바인드하면 결과는 {plain}입니다. bind()는 TIME_WAIT "
										+ "연결이 아직 쓰고 있는 로컬 포트를 거부합니다.",
								s -> {
									int old = s.pair();
									s.tryOpen("plain", 80, 40000, false);
									s.use(old);
								}),
						step("bind() with SO_REUSEADDR", "SO_REUSEADDR를 켜고 bind()",
								"With SO_REUSEADDR on both the old and the new socket, bind() succeeds ({reuse}) and the new socket "
										+ "connects to port 81: a different 4-tuple, so TIME_WAIT still protects the old one. (Had the old "
										+ "socket not set SO_REUSEADDR, Linux would refuse the bind even with it.)",
								"이전 소켓과 새 소켓 모두 SO_REUSEADDR를 설정했으므로 bind()가 성공하고({reuse}), 새 소켓은 81번 포트로 "
										+ "연결합니다. 4-tuple이 다르므로 TIME_WAIT는 여전히 이전 연결을 보호합니다. (이전 소켓이 SO_REUSEADDR를 "
										+ "설정하지 않았다면 리눅스는 새 소켓에 이 옵션이 있어도 bind를 거부합니다.)",
								s -> {
									int old = s.pair();
									s.tryOpen("reuse", 81, 40000, true);
									s.use(old);
								}),
						timeWaitEnds("client", "클라이언트")));
	}

	// ---- the article's situation 4: a busy server ----

	static Scenario busyServerTimeWait() {
		return new Scenario("busy-server-time-wait", Text.of("A busy server that closes first", "먼저 닫는 바쁜 서버"), Text
			.of("At 200 connections per second a server that closes first collects a TIME_WAIT per connection; when the "
					+ "client closes first instead, the TIME_WAITs pin the client's ephemeral ports until they run out.",
					"초당 200개의 연결을 처리하면서 서버가 먼저 닫으면 연결마다 TIME_WAIT가 서버에 쌓입니다. 반대로 클라이언트가 먼저 "
							+ "닫으면 TIME_WAIT가 클라이언트의 임시(ephemeral) 포트를 붙잡아 결국 포트가 바닥납니다."),
				ArticleQuotes.SERVER_SHOULD_NOT_CLOSE_FIRST,
				Setup.standard().withOverrides(Map.of("ephemeralLow", 40000, "ephemeralHigh", 40299)).forLoad(),
				List.of(step("The server closes first", "서버가 먼저 닫음",
						"For 1 s, 200 clients per second connect, send a 100-byte request and read a 1000-byte response; the "
								+ "server closes first. A census of states is taken every 100 ms: after the burst {tw1} endpoints are "
								+ "in TIME_WAIT, all of them on the server.",
						"1초 동안 초당 200개의 클라이언트가 접속해 100바이트 요청을 보내고 1000바이트 응답을 읽습니다. 서버가 먼저 닫습니다. "
								+ "100ms마다 상태별 개수(census)를 기록합니다. 이 부하가 끝나면 TIME_WAIT 상태가 {tw1}개이며, 모두 서버 "
								+ "쪽에 있습니다.",
						s -> {
							s.startLoad(new LoadSpec(200, 1_000, Side.SERVER, 100, 1000, 100, 80, 0, 0));
							s.advance(1_500);
							s.set("tw1", s.engine().census().getOrDefault(TcpState.TIME_WAIT, 0));
						}),
						step("TIME_WAIT drains", "TIME_WAIT가 빠져나감",
								"{tw} s later every one of them has expired. A real Linux server at 10 000 connections per second holds "
										+ "60 s × 10 000 = 600 000 of them at any moment (Linux keeps them as 168-byte mini-sockets).",
								"{tw}초 뒤에는 모두 만료됩니다. 초당 10 000개의 연결을 처리하는 실제 리눅스 서버라면 언제나 60초 × 10 000 = "
										+ "600 000개의 TIME_WAIT를 가지고 있는 셈입니다(리눅스는 이를 168바이트짜리 작은 소켓으로 보관합니다).",
								s -> {
									s.set("tw", secs(s.constants().timeWaitMs()));
									s.advance(s.constants().timeWaitMs() + 5_000);
								}),
						step("The client closes first: ports run out", "클라이언트가 먼저 닫음: 포트 고갈",
								"Now the roles are swapped: the client opens connection after connection and closes first each time. "
										+ "The TIME_WAITs sit on the client host and each pins an ephemeral port. This simulation's range "
										+ "has only 300 ports (40000–40299): after {made} connections, {elapsed} s later, connect() fails "
										+ "with {errno} — every port is held by a TIME_WAIT ({tw2} endpoints in TIME_WAIT).",
								"이번에는 역할을 바꿔 클라이언트가 연결을 잇달아 열고 매번 먼저 닫습니다. TIME_WAIT가 클라이언트 호스트에 생기고, "
										+ "하나하나가 임시 포트를 붙잡습니다. 이 시뮬레이션의 포트 범위는 300개(40000–40299)뿐이어서, {made}개의 연결을 "
										+ "만든 뒤({elapsed}초 후) connect()가 {errno}로 실패합니다. 모든 포트를 TIME_WAIT가 차지하고 있기 "
										+ "때문입니다(TIME_WAIT 상태 {tw2}개).",
								s -> {
									double start = s.engine().nowMs();
									int made = 0;
									String errno = "none";
									for (int i = 0; i < 400; i++) {
										Integer id = s.tryOpen("connect", 80, null, false);
										if (id == null) {
											errno = s.vars().get("connect");
											break;
										}
										made++;
										s.close(C);
										s.settle();
										s.recv(S);
										s.close(S);
									}
									s.settle();
									s.set("made", made);
									s.set("errno", errno);
									s.set("elapsed", secs(Math.round((s.engine().nowMs() - start) / 100.0) * 100.0));
									s.set("tw2", s.engine().census().getOrDefault(TcpState.TIME_WAIT, 0));
								}),
						step("Everything drains", "모두 정리됨",
								"The virtual clock runs until every TIME_WAIT has expired; the ports are free again.",
								"모든 TIME_WAIT가 만료될 때까지 가상 시계를 진행합니다. 포트를 다시 쓸 수 있게 됩니다.", ScenarioScript::idle)));
	}

}
