package dev.tcplab.scenario;

/**
 * The article's own Korean sentences for each of its situations
 * ({@code shared/reference/time-wait-article-ko.txt}, quoted verbatim, " … " marks an
 * omission) with a faithful English translation.
 */
final class ArticleQuotes {

	private ArticleQuotes() {
	}

	static final Text FOUR_WAY_CLOSE = Text
		.of("Suppose the client wants to end the connection; it calls close. Calling it sends a FIN segment to the server. "
				+ "The server receives this message and learns that the client wants to disconnect. So the server enters the "
				+ "CLOSE_WAIT state and sends an ack segment to the client. That is, it means \"I received your signal that you "
				+ "are disconnecting\". On receiving this message the client enters the FIN_WAIT_2 state. In this state the server "
				+ "closes its own socket and sends a FIN segment to the client again. That is, it signals to the client that it "
				+ "has closed the connection too. On receiving this message the client sends an ack segment and enters the "
				+ "TIME_WAIT state.",
				"이때 클라이언트가 연결을 끊으려면 close함수를 호출합니다. 이 함수를 호출하면 서버에 FIN segment를 보내게 됩니다. "
						+ "그러면 서버는 이 메시지를 받고 클라이언트가 접속을 끊으려고 하는 것을 알게됩니다. 따라서 서버가 CLOSE_WAIT 상태가 "
						+ "되면서 클라이언트에게 ack segment를 보냅니다. 즉 \"네가 접속을 끊는 다는 신호를 받았다\" 이런 의미입니다. 이 메시지를 "
						+ "받으면 클라이언트는 FIN_WAIT_2 상태가 됩니다. 이 상태에서 서버는 자신의 socket을 close하고 다시 클라이언트에게 FIN "
						+ "segment를 보냅니다. 즉 자신도 연결을 닫았다는 신호를 클라이언트에게 보내는 것입니다. 이 메시지를 받으면 클라이언트는 "
						+ "ack segment를 보내면서 TIME_WAIT 상태가 됩니다.");

	static final Text LOST_LAST_ACK = Text
		.of("But this ack segment may fail to reach the server because of a network error. In that case the server sends the "
				+ "FIN segment to the client again after a certain time. It means: I got no answer, so send it again. What happens "
				+ "if the client is in the CLOSED state, that is, with the connection already closed, when it receives this FIN "
				+ "segment that the server sent again? In that case it sends a segment called RST instead of an ack. … To prevent "
				+ "this situation the TIME_WAIT state is kept for a certain time, so that the client can answer when the server "
				+ "sends the FIN again.",
				"하지만 이 ack segment가 네트워 크의 오류로 인해 서버에 도착하지 못할수도 있습니다. 그런 경우라면 서버에서는 일정시간 "
						+ "이후에 다시 클라이언트에게 FIN segment를 보냅니다. 자신이 응답을 못받았으니 다시 보내달라는 의미지요. 만약 클라이언트가 "
						+ "CLOSED 상태 즉 연결이 닫혀 있는 상태에서 서버가 다시 보낸 이 FIN segment를 받으면 어떻게 될까요? 그런 경우라면 ack대신 "
						+ "RST라는 segment를 보내게됩니다. … 이런 상황을 방지하기 위하여 일정시간 동안 TIME_WAIT라는 상태를 유지하여 서버가 다시 "
						+ "FIN을 보냈을때 대답할수 있게 해줍니다.");

	static final Text OLD_DUPLICATE = Text
		.of("First, suppose 111.111.111.111:23 and 111.111.111.112:1500 are connected. … To prevent this, there is the TIME_WAIT "
				+ "state. While in the TIME_WAIT state, the same connection is prevented from being made. That is, if the port I was "
				+ "connected on before is 1500, the next connection is made on 1501, because 1500 is currently in TIME_WAIT.",
				"우선 현재 111.111.111.111:23 번하고 111.111.111.112:1500번이 연결되어 있다고 합시다. … 이것을 방지하기 위하여 TIME_WAIT "
						+ "상태를 둡니다. TIME_WAIT상태에 있는 동안은 같은 연결이 발생하지 못하도록 방지합니다. 즉 이전에 내가 연결되었던 포트가 "
						+ "1500번이라면 다음 연결은 현재 1500번이 TIME_WAIT이므로 1501번으로 연결되게 됩니다.");

	static final Text SERVER_SHOULD_NOT_CLOSE_FIRST = Text.of(
			"1. Make sure the server side does not end the connection-termination protocol first. : Avoid having the TIME_WAIT "
					+ "state arise on the server side, which handles a great many sessions.",
			"1. 통신 종료 프로토콜을 서버쪽에서 먼저 종료하지 않도록 한다. : TIME_WAIT 상태가 수 많은 세션을 처리하는 서버쪽에 생기는 것을 지양한다.");

	static final Text LINGER_DEFAULT = Text.of(
			"l_onoff == 0 : in this case l_linger has no effect. As the socket's default, all data remaining in the socket "
					+ "buffer is sent. Since close() returns immediately, this happens in the background.",
			"l_onoff == 0 : 이 경우 l_linger의 영향을 받지 않는다. 소켓의 기본설정으로 소켓버퍼에 남아 있는 모든 데이터를 보낸다. "
					+ "이 때 close()는 바로 리턴을 하게 되므로 백그라운드에서 이러한 일이 일어나게 된다.");

	static final Text LINGER_ABORT = Text
		.of("l_onoff > 0 and l_linger == 0 : close() returns immediately and the data still left in the socket buffer is thrown "
				+ "away. If the TCP connection is established, an RST packet is sent to the peer host to reset it. This is called "
				+ "a hard or abortive close.",
				"l_onoff > 0 이고 l_linger == 0 : close()는 바로 리턴을 하며, 소켓버퍼에 아직 남아있는 데이터는 버려 버린다. TCP 연결상태일 "
						+ "경우에는 상대편 호스트에 리셋을 위한 RST 패킷을 보낸다. hard 혹은 abortive 종료라고 부른다.");

	static final Text LINGER_TIMEOUT = Text
		.of("l_onoff > 0 and l_linger > 0 : a graceful close that sends all data remaining in the buffer. Here close() waits "
				+ "in the blocked state for the time given in l_linger. If, within that time, it has sent all the data and "
				+ "received the ACK for its FIN, it returns; if the time runs out, it returns with an error",
				"l_onoff > 0 이고 l_linger > 0 : 버퍼에 남아있는 데이터를 모두 보내는 우아한 연결 종료를 행한다. 이때 close()에서는 "
						+ "l_linger에 지정된 시간만큼 블럭상태에서 대기한다. 만약 지정된 시간내에 데이터를 모두 보낸 후 FIN에 대한 ACK를 받으면 "
						+ "리턴이 되고, 시간이 초과되었다면 에러와 함께 리턴");

	static final Text SHUTDOWN = Text
		.of("By default the close function destroys the socket descriptor. The shutdown function, however, tells the peer that "
				+ "the TCP session is ending. It can also declare the end separately for READ and for WRITE of the socket stream. "
				+ "… shutting down SEND declares that the data in the send socket buffer will all be sent and that nothing more "
				+ "will be sent.",
				"기본적으로 close 함수는 socket descriptor를 파괴시킨다. 그러나 shutdown 함수는 TCP 세션 종료를 상대에게 알린다. 또한 소켓 "
						+ "stream의 READ/WRITE 각각에 대해 종료를 명시할 수 있다. … SEND에 대해 shutdown 시키면 send 소켓 버퍼에 있는 데이터를 모두 "
						+ "보내고 더 이상 send 하지 않겠다라는 것을 명시한다.");

	static final Text GRACEFUL_CLOSE = Text
		.of("* How to close a socket gracefully 1) call the shutdown function on the socket's SEND stream 2) check that the "
				+ "recv function returns 0 (when the FIN from the peer has arrived) 3) close the socket with the close function",
				"* 우아하게 소켓 닫는 법 1) 소켓의 SEND 스트리밍에 대해서 shutdown 함수 호출 2) recv 함수를 통해 0을 리턴함을 확인 "
						+ "(상대방으로부터 FIN을 받았을 때) 3) close 함수를 통해 소켓 close");

}
