// English/Korean strings. Pure module: no DOM access except applyTranslations(root).

export const LANGS = ['en', 'ko'];

const STRINGS = {
	en: {
		'app.title': 'tcplab — TCP teardown laboratory',
		'app.tagline': 'Watch a TCP connection close, segment by segment, and break it on purpose.',
		'lang.toggle': '한국어',
		'lang.toggle.aria': 'Switch language to Korean',
		'profile.label': 'Stack profile',
		'sim.new': 'New simulation',
		'sim.new.aria': 'Reset: start a new simulation with the chosen profile',
		'sim.id': 'Simulation',
		'sim.share': 'Share link: it opens this simulation until 7 days after its last change (the server keeps a journal that long by default), then it is gone',
		'sim.loading': 'Connecting to the simulator…',
		'sim.closed': 'This simulation is gone ({reason}). Start a new one.',
		'sim.notfound': 'Simulation {id} does not exist (deleted or evicted after being idle). A new one was started.',
		'pair.label': 'Connection',
		'pair.new': 'Open new pair',
		'pair.clientPort': 'Client port',
		'pair.clientPort.hint': 'ephemeral',
		'pair.serverPort': 'Server port',
		'pair.option': 'pair {id}: {client} ↔ {server}',
		'pair.all': 'all pairs (pN = pair N)',
		'side.client': 'Client',
		'side.server': 'Server',
		'ladder.title': 'Segments (ladder diagram)',
		'ladder.empty': 'No segments yet.',
		'ladder.legend': 'Solid arrow: segment delivered · dashed: retransmission/duplicate/delayed · ✕: segment lost on the way · boxes on the lines: state changes · text beside the lines: socket calls and their results. Time flows downwards; ⋯ marks a gap in time.',
		'ladder.aria': 'Ladder diagram of the segments between client and server',
		'ladder.details': 'Segment details',
		'ladder.details.hint': 'Hover or focus (Tab) a segment to see its raw fields and the segment it acknowledges.',
		'ladder.lost': 'lost',
		'ladder.retrans': 'retransmission',
		'ladder.dup': 'duplicate',
		'ladder.delayed': 'delayed',
		'ladder.held': 'held',
		'ladder.gap': '⋯ {dt} later',
		'ladder.answers': 'acknowledges segment #{id}',
		'states.title': 'State machines (RFC 9293)',
		'states.current': 'Current state: {state}',
		'states.last': 'Last transition: {from} → {to} ({cause}) at {time}',
		'states.none': 'No transition yet.',
		'states.aria': 'RFC 9293 state diagram of the {side}; current state {state}',
		'timers.title': 'Timers (virtual clock)',
		'timers.none': 'No timer running.',
		'timers.census': 'Sockets per state:',
		'timers.censusChart': 'Sockets per state over virtual time (all hosts)',
		'timers.left': '{left} left',
		'timers.expires': 'expires at {at}',
		'clock.title': 'Clock',
		'clock.now': 'Virtual time: {now}',
		'clock.play': '▶ Play',
		'clock.pause': '▮▮ Pause',
		'clock.step': '▶| Step to next event',
		'clock.idle': '▶▶ Run until idle',
		'clock.speed': 'Speed',
		'clock.paused': 'paused',
		'clock.running': 'running at {speed}×',
		'clock.manual': 'manual clock',
		'controls.title': 'Drive it',
		'controls.try': 'Try: Client close() → Server recv() (returns 0 = EOF) → Server close(), then ▶▶ to see TIME_WAIT end. Or first “lose next ACK” on the client and watch the server retransmit its FIN.',
		'result.empty': 'Results of your calls appear here; an illegal call shows the errno a real socket would return.',
		'controls.calls': 'Socket calls by the {side} application',
		'controls.close': 'close()',
		'controls.shutdown': 'shutdown()',
		'controls.how': 'how',
		'controls.abort': 'abort (linger 0)',
		'controls.linger': 'set SO_LINGER',
		'controls.lingerSeconds': 'linger seconds',
		'controls.send': 'send()',
		'controls.bytes': 'bytes',
		'controls.recv': 'recv()',
		'controls.network': 'Network: segments the {side} sends',
		'controls.segment': 'which segment',
		'controls.lose': 'Lose next',
		'controls.duplicate': 'Duplicate next',
		'controls.delay': 'Delay next',
		'controls.delayMs': 'delay ms',
		'controls.hold': 'Hold next',
		'controls.release': 'Release held',
		'controls.resendFin': 'Resend FIN',
		'controls.pokes': 'Protocol poke',
		'result.title': 'Results',
		'result.ok': '{call} → {result}',
		'result.errno': '{call} → {result} ({meaning})',
		'result.httpError': '{call} failed: {message}',
		'scenarios.title': 'Guided scenarios',
		'scenarios.intro': 'Pick a situation from the article; the simulator runs it and you walk through it step by step.',
		'scenarios.run': 'Run scenario',
		'scenarios.step': 'Step {n} of {total}',
		'scenarios.next': 'Next step ▶',
		'scenarios.prev': '◀ Previous',
		'scenarios.all': 'Show everything',
		'scenarios.replay': 'Replay slowly',
		'scenarios.stop': 'Stop replay',
		'scenarios.article': 'What the article says',
		'scenarios.article.ko': 'Korean original',
		'scenarios.article.en': 'English',
		'scenarios.none': 'No scenarios available.',
		'scenarios.exit': 'Leave scenario',
		'export.title': 'Export & reproduce',
		'export.pcap': 'Download pcap',
		'export.json': 'Download JSON trace',
		'export.curl': 'curl',
		'export.python': 'Python',
		'export.copy': 'Copy',
		'export.copied': 'Copied.',
		'export.hint': 'This script replays what you did on a fresh simulation with the same seed (manual clock, same virtual delays).',
		'embed.open': 'Open in tcplab',
		'errno.EPIPE': 'broken pipe: this side already shut down writing',
		'errno.ENOTCONN': 'socket is not connected',
		'errno.EBADF': 'bad file descriptor: the socket was already closed',
		'errno.ECONNRESET': 'connection reset by peer (an RST arrived)',
		'errno.EADDRINUSE': 'address already in use (a TIME_WAIT holds the tuple)',
		'errno.EADDRNOTAVAIL': 'no free local port',
		'errno.ETIMEDOUT': 'timed out',
		'errno.EWOULDBLOCK': 'would block (linger time ran out)',
		'errno.ECONNREFUSED': 'connection refused',
		'errno.EINVAL': 'invalid argument',
		'errno.EISCONN': 'already connected',
		'errno.EALREADY': 'operation already in progress',
		'bar.linger': 'close() blocked',
		'yes': 'yes',
		'no': 'no',
		'bar.lasted': 'lasted {dt}',
		'bar.2msl': '2MSL = {dt}',
		'bar.timer': 'timer {dt}',
		'bar.waiting': 'waiting for the app',
		'bar.left': '{dt} left',
		'bar.sofar': '{dt} so far',
		'bar.restarted': '↻ 2MSL restarted',
		'note.TIME_WAIT_REUSED': 'tcp_tw_reuse: a new connection takes over this TIME_WAIT tuple',
		'note.RFC1337_RST_IGNORED': 'RST in TIME_WAIT ignored (RFC 1337 protection)',
		'note.FIN_WAIT_2_TIMEOUT': 'orphaned FIN_WAIT_2 timed out (tcp_fin_timeout); later segments draw RST',
		'errno.EPIPE.rst': 'broken pipe: the connection was reset by an RST',
		'pending.done': 'blocked, then returned {result}',
		'act.lose': 'lose next {segment}',
		'act.duplicate': 'duplicate next {segment}',
		'act.hold': 'hold next {segment}',
		'act.delay': 'delay next {segment} by {ms} ms',
		'act.release': 'release held segments',
		'act.resendFin': 'resend FIN',
		'act.pair': 'pair {id}, port {port}',
		'pair.sample': 'sample connection {id} of {total}',
		'pair.loadHint': 'A load run: the census chart shows every socket; the ladder shows one sample connection ({n} in total).',
		'branch.done': 'New simulation branched from step {n} of “{title}” (steps 1–{n} replayed with the same seed); your action applies to it.',
		'branch.failed': 'Could not branch from step {n}: {message}',
		'branch.hint': 'Controls act on a new simulation branched from the step shown.',
		'quiz.toggle': 'Quiz me',
		'quiz.question': 'Before step {n}, predict',
		'quiz.q.state': 'Which state does the {side} enter in this step?',
		'quiz.q.state.from': 'The {side} is in {from}. Which state does it enter next?',
		'quiz.q.call': 'What does {side} {call}() return?',
		'quiz.q.segment': 'Which segment does the {side} send next?',
		'quiz.q.segment.retrans': 'Is the {side}\'s next segment ({flags}) new or a retransmission?',
		'quiz.new': 'new',
		'quiz.retrans': 'retransmission',
		'quiz.check': 'Check and reveal',
		'quiz.right': '✓ Right: {answer}.',
		'quiz.wrong': '✗ Not quite: the answer is {answer}.',
		'quiz.score': 'Quiz score: {right} of {total} right.',
		'quiz.none': 'No question for this step: just read it.',
		'quiz.restart': 'Start the quiz again',
		'now.states': '{client} · {server}',
		'pending': 'pending (blocks)',
		'note.CHALLENGE_ACK': 'challenge ACK sent in answer to a suspicious segment (RFC 5961)',
		'note.CONNECTION_REFUSED': 'connection refused: no listener, RST answered the SYN',
		'note.FAULT_RULE': 'network fault rule installed',
		'note.INJECT': 'raw segment injected',
		'note.LINGER_TIMEOUT': 'SO_LINGER time ran out while close() was blocked',
		'note.RELEASE': 'held segments released',
		'note.RESEND_FIN': 'FIN retransmitted on request',
		'note.RETRANSMISSION_LIMIT': 'retransmission limit reached: the connection is dropped',
		'note.RST_DATA_AFTER_CLOSE': 'data arrived for a closed socket: RST',
		'note.RST_LINGER_ZERO': 'SO_LINGER {1, 0}: RST instead of FIN, no TIME_WAIT',
		'note.RST_NO_CONNECTION': 'segment for a connection that does not exist: RST (RFC 9293 §3.10.7.1)',
		'note.RST_UNREAD_DATA': 'close() with unread data: RST instead of FIN (RFC 1122 §4.2.2.13)',
		'note.SYN_DROPPED_BACKLOG': 'SYN dropped: the listen backlog is full',
		'note.TIME_WAIT_ACK_RESENT_FIN': 'TIME_WAIT ACKs the retransmitted FIN and restarts its 2MSL timer',
		'note.TAIL_LOSS_PROBE': 'tail loss probe: the unacknowledged tail is sent again once, without backing off the RTO (Linux, RFC 8985)',
		'note.TIME_WAIT_ASSASSINATED': 'an RST ended TIME_WAIT early (TIME-WAIT assassination, RFC 1337)',
		'note.TIME_WAIT_REOPENED': 'a new SYN reopened the connection from TIME_WAIT (RFC 6191)',
		'note.OUT_OF_ORDER_DATA': 'data after a gap is held for later; a duplicate ACK asks for the missing bytes',
		'note.WINDOW_PROBE': 'zero-window probe: the persist timer asks the peer for its window (RFC 9293 §3.8.6.1)',
		'note.ZERO_WINDOW_DROP': 'no room in the receive window: the data is dropped, its ACK field still counts',
		'note.PERSIST_LIMIT': 'window probes went unanswered: the connection is dropped',
	},
	ko: {
		'app.title': 'tcplab — TCP 연결 종료 실험실',
		'app.tagline': 'TCP 연결이 닫히는 과정을 세그먼트 단위로 살펴보고, 일부러 망가뜨려 보세요.',
		'lang.toggle': 'English',
		'lang.toggle.aria': '영어로 언어 전환',
		'profile.label': '스택 프로파일',
		'sim.new': '새 시뮬레이션',
		'sim.new.aria': '초기화: 선택한 프로파일로 새 시뮬레이션 시작',
		'sim.id': '시뮬레이션',
		'sim.share': '공유 링크: 마지막 변경 후 7일 동안 이 시뮬레이션을 엽니다 (서버가 기본으로 기록을 보관하는 기간). 그 뒤에는 사라집니다',
		'sim.loading': '시뮬레이터에 연결하는 중…',
		'sim.closed': '이 시뮬레이션은 없어졌습니다 ({reason}). 새로 시작하세요.',
		'sim.notfound': '시뮬레이션 {id} 이(가) 없습니다 (삭제되었거나 오래 사용하지 않아 정리됨). 새 시뮬레이션을 시작했습니다.',
		'pair.label': '연결',
		'pair.new': '새 연결 쌍 열기',
		'pair.clientPort': '클라이언트 포트',
		'pair.clientPort.hint': '임시 포트',
		'pair.serverPort': '서버 포트',
		'pair.option': '연결 {id}: {client} ↔ {server}',
		'pair.all': '모든 연결 (pN = 연결 N)',
		'side.client': '클라이언트',
		'side.server': '서버',
		'ladder.title': '세그먼트 (래더 다이어그램)',
		'ladder.empty': '아직 세그먼트가 없습니다.',
		'ladder.legend': '실선 화살표: 전달된 세그먼트 · 점선: 재전송/중복/지연 · ✕: 도중에 손실된 세그먼트 · 선 위의 상자: 상태 변화 · 선 옆의 글자: 소켓 호출과 결과. 시간은 위에서 아래로 흐르고, ⋯ 는 시간 간격을 뜻합니다.',
		'ladder.aria': '클라이언트와 서버 사이 세그먼트의 래더 다이어그램',
		'ladder.details': '세그먼트 상세',
		'ladder.details.hint': '세그먼트에 마우스를 올리거나 Tab 으로 선택하면 원시 필드와 그 세그먼트가 확인(ACK)하는 세그먼트가 표시됩니다.',
		'ladder.lost': '손실',
		'ladder.retrans': '재전송',
		'ladder.dup': '중복',
		'ladder.delayed': '지연',
		'ladder.held': '보류',
		'ladder.gap': '⋯ {dt} 후',
		'ladder.answers': '세그먼트 #{id} 에 대한 확인',
		'states.title': '상태 머신 (RFC 9293)',
		'states.current': '현재 상태: {state}',
		'states.last': '마지막 전이: {from} → {to} ({cause}), 시각 {time}',
		'states.none': '아직 상태 전이가 없습니다.',
		'states.aria': '{side} 의 RFC 9293 상태 다이어그램, 현재 상태 {state}',
		'timers.title': '타이머 (가상 시계)',
		'timers.none': '동작 중인 타이머가 없습니다.',
		'timers.census': '상태별 소켓 수:',
		'timers.censusChart': '가상 시간에 따른 상태별 소켓 수 (모든 호스트)',
		'timers.left': '{left} 남음',
		'timers.expires': '{at} 에 만료',
		'clock.title': '시계',
		'clock.now': '가상 시각: {now}',
		'clock.play': '▶ 재생',
		'clock.pause': '▮▮ 일시정지',
		'clock.step': '▶| 다음 이벤트로',
		'clock.idle': '▶▶ 끝까지 실행',
		'clock.speed': '속도',
		'clock.paused': '일시정지됨',
		'clock.running': '{speed}× 속도로 진행 중',
		'clock.manual': '수동 시계',
		'controls.title': '직접 조작',
		'controls.try': '해 보기: 클라이언트 close() → 서버 recv() (0 = EOF) → 서버 close(), 그다음 ▶▶ 로 TIME_WAIT 가 끝나는 것을 보세요. 또는 먼저 클라이언트의 “다음 것 손실”(ACK)을 누르고 서버가 FIN 을 재전송하는 것을 보세요.',
		'result.empty': '호출 결과가 여기에 나타납니다. 허용되지 않는 호출은 실제 소켓과 같은 errno 를 보여 줍니다.',
		'controls.calls': '{side} 애플리케이션의 소켓 호출',
		'controls.close': 'close()',
		'controls.shutdown': 'shutdown()',
		'controls.how': '방식',
		'controls.abort': '강제 종료 (linger 0)',
		'controls.linger': 'SO_LINGER 설정',
		'controls.lingerSeconds': 'linger 초',
		'controls.send': 'send()',
		'controls.bytes': '바이트',
		'controls.recv': 'recv()',
		'controls.network': '네트워크: {side} 가 보내는 세그먼트',
		'controls.segment': '대상 세그먼트',
		'controls.lose': '다음 것 손실',
		'controls.duplicate': '다음 것 중복',
		'controls.delay': '다음 것 지연',
		'controls.delayMs': '지연 ms',
		'controls.hold': '다음 것 보류',
		'controls.release': '보류 해제',
		'controls.resendFin': 'FIN 재전송',
		'controls.pokes': '프로토콜 조작',
		'result.title': '결과',
		'result.ok': '{call} → {result}',
		'result.errno': '{call} → {result} ({meaning})',
		'result.httpError': '{call} 실패: {message}',
		'scenarios.title': '안내 시나리오',
		'scenarios.intro': '글에 나오는 상황을 고르면 시뮬레이터가 실행하고, 한 단계씩 따라가며 볼 수 있습니다.',
		'scenarios.run': '시나리오 실행',
		'scenarios.step': '{total} 단계 중 {n} 단계',
		'scenarios.next': '다음 단계 ▶',
		'scenarios.prev': '◀ 이전',
		'scenarios.all': '전체 보기',
		'scenarios.replay': '천천히 다시 보기',
		'scenarios.stop': '다시 보기 멈춤',
		'scenarios.article': '글의 설명',
		'scenarios.article.ko': '한국어 원문',
		'scenarios.article.en': '영어',
		'scenarios.none': '사용할 수 있는 시나리오가 없습니다.',
		'scenarios.exit': '시나리오 나가기',
		'export.title': '내보내기 및 재현',
		'export.pcap': 'pcap 다운로드',
		'export.json': 'JSON 트레이스 다운로드',
		'export.curl': 'curl',
		'export.python': 'Python',
		'export.copy': '복사',
		'export.copied': '복사했습니다.',
		'export.hint': '이 스크립트는 같은 시드의 새 시뮬레이션(수동 시계, 같은 가상 지연)에서 여러분이 한 일을 그대로 재현합니다.',
		'embed.open': 'tcplab 에서 열기',
		'errno.EPIPE': '파이프가 끊김: 이 쪽은 이미 쓰기를 종료함',
		'errno.ENOTCONN': '소켓이 연결되어 있지 않음',
		'errno.EBADF': '잘못된 파일 디스크립터: 소켓이 이미 닫힘',
		'errno.ECONNRESET': '상대가 연결을 리셋함 (RST 수신)',
		'errno.EADDRINUSE': '주소가 이미 사용 중 (TIME_WAIT 가 튜플을 잡고 있음)',
		'errno.EADDRNOTAVAIL': '사용 가능한 로컬 포트 없음',
		'errno.ETIMEDOUT': '시간 초과',
		'errno.EWOULDBLOCK': '블록될 상황 (linger 시간 만료)',
		'errno.ECONNREFUSED': '연결 거부됨',
		'errno.EINVAL': '잘못된 인자',
		'errno.EISCONN': '이미 연결됨',
		'errno.EALREADY': '이미 진행 중',
		'bar.linger': 'close() 블록됨',
		'yes': '예',
		'no': '아니요',
		'bar.lasted': '{dt} 동안 지속',
		'bar.2msl': '2MSL = {dt}',
		'bar.timer': '타이머 {dt}',
		'bar.waiting': '애플리케이션을 기다리는 중',
		'bar.left': '{dt} 남음',
		'bar.sofar': '지금까지 {dt}',
		'bar.restarted': '↻ 2MSL 다시 시작',
		'note.TIME_WAIT_REUSED': 'tcp_tw_reuse: 새 연결이 이 TIME_WAIT 튜플을 넘겨받음',
		'note.RFC1337_RST_IGNORED': 'TIME_WAIT 에서 받은 RST 를 무시함 (RFC 1337 보호)',
		'note.FIN_WAIT_2_TIMEOUT': '고아 FIN_WAIT_2 가 시간 초과됨 (tcp_fin_timeout); 이후 세그먼트에는 RST 로 응답',
		'errno.EPIPE.rst': '파이프가 끊김: 연결이 RST 로 리셋됨',
		'pending.done': '블록되었다가 {result} 반환',
		'act.lose': '다음 {segment} 손실',
		'act.duplicate': '다음 {segment} 중복',
		'act.hold': '다음 {segment} 보류',
		'act.delay': '다음 {segment} 를 {ms} ms 지연',
		'act.release': '보류된 세그먼트 내보내기',
		'act.resendFin': 'FIN 재전송',
		'act.pair': '연결 {id}, 포트 {port}',
		'pair.sample': '표본 연결 {id} / 전체 {total}',
		'pair.loadHint': '부하 실행: 소켓 수 그래프는 모든 소켓을, 래더는 표본 연결 하나를 보여 줍니다 (전체 {n} 개).',
		'branch.done': '“{title}” 의 {n} 단계에서 새 시뮬레이션을 분기했습니다 (같은 시드로 1–{n} 단계를 재실행). 여러분의 조작은 이 시뮬레이션에 적용됩니다.',
		'branch.failed': '{n} 단계에서 분기하지 못했습니다: {message}',
		'branch.hint': '조작하면 지금 보이는 단계에서 분기한 새 시뮬레이션에 적용됩니다.',
		'quiz.toggle': '퀴즈',
		'quiz.question': '{n} 단계를 보기 전에 예측해 보세요',
		'quiz.q.state': '이 단계에서 {side} 는 어떤 상태가 될까요?',
		'quiz.q.state.from': '{side} 는 {from} 상태입니다. 다음에는 어떤 상태가 될까요?',
		'quiz.q.call': '{side} 의 {call}() 은 무엇을 반환할까요?',
		'quiz.q.segment': '{side} 가 다음에 보내는 세그먼트는 무엇일까요?',
		'quiz.q.segment.retrans': '{side} 의 다음 세그먼트({flags})는 새 세그먼트일까요, 재전송일까요?',
		'quiz.new': '새 세그먼트',
		'quiz.retrans': '재전송',
		'quiz.check': '확인하고 보기',
		'quiz.right': '✓ 정답: {answer}.',
		'quiz.wrong': '✗ 아쉽네요. 정답은 {answer} 입니다.',
		'quiz.score': '퀴즈 점수: {total} 문제 중 {right} 개 정답.',
		'quiz.none': '이 단계에는 문제가 없습니다. 읽어 보세요.',
		'quiz.restart': '퀴즈 다시 시작',
		'now.states': '{client} · {server}',
		'pending': '대기 중 (블록됨)',
		'note.CHALLENGE_ACK': '의심스러운 세그먼트에 챌린지 ACK 로 응답 (RFC 5961)',
		'note.CONNECTION_REFUSED': '연결 거부: 리스너가 없어 SYN 에 RST 로 응답',
		'note.FAULT_RULE': '네트워크 장애 규칙을 설정함',
		'note.INJECT': '원시 세그먼트를 주입함',
		'note.LINGER_TIMEOUT': 'close() 가 블록된 동안 SO_LINGER 시간이 만료됨',
		'note.RELEASE': '보류된 세그먼트를 내보냄',
		'note.RESEND_FIN': '요청에 따라 FIN 을 재전송함',
		'note.RETRANSMISSION_LIMIT': '재전송 한도 도달: 연결을 끊음',
		'note.RST_DATA_AFTER_CLOSE': '닫힌 소켓에 데이터가 도착하여 RST 를 보냄',
		'note.RST_LINGER_ZERO': 'SO_LINGER {1, 0}: FIN 대신 RST, TIME_WAIT 없음',
		'note.RST_NO_CONNECTION': '존재하지 않는 연결에 대한 세그먼트: RST 로 응답 (RFC 9293 §3.10.7.1)',
		'note.RST_UNREAD_DATA': '읽지 않은 데이터가 있는 상태의 close(): FIN 대신 RST (RFC 1122 §4.2.2.13)',
		'note.SYN_DROPPED_BACKLOG': 'SYN 버림: listen 백로그가 가득 참',
		'note.TIME_WAIT_ACK_RESENT_FIN': 'TIME_WAIT 가 재전송된 FIN 에 ACK 로 응답하고 2MSL 타이머를 다시 시작함',
		'note.TAIL_LOSS_PROBE': '꼬리 손실 탐지(TLP): 확인 응답을 받지 못한 마지막 세그먼트를 RTO 를 늘리지 않고 한 번 더 보냄 (Linux, RFC 8985)',
		'note.TIME_WAIT_ASSASSINATED': 'RST 가 TIME_WAIT 를 일찍 끝냄 (TIME-WAIT 암살, RFC 1337)',
		'note.TIME_WAIT_REOPENED': '새 SYN 이 TIME_WAIT 상태의 연결을 다시 엶 (RFC 6191)',
		'note.OUT_OF_ORDER_DATA': '빈틈 뒤에 온 데이터는 나중을 위해 보관하고, 중복 ACK로 빠진 바이트를 요청합니다',
		'note.WINDOW_PROBE': '제로 윈도 프로브: 영속(persist) 타이머가 상대에게 윈도 크기를 묻습니다 (RFC 9293 §3.8.6.1)',
		'note.ZERO_WINDOW_DROP': '수신 윈도에 자리가 없음: 데이터는 버리지만 ACK 필드는 처리합니다',
		'note.PERSIST_LIMIT': '윈도 프로브에 응답이 없음: 연결을 끊음',
	},
};

/** A trace note in the UI language: the engine's English text, or the translation of its code. */
export function noteText(lang, note) {
	const key = `note.${note.code}`;
	if (lang === 'en' || !note.code || !(key in STRINGS[lang])) {
		return note.text;
	}
	return STRINGS[lang][key];
}

/** Picks the UI language: explicit choice, then ?lang=, then the browser's languages; English otherwise. */
export function detectLanguage({ search = '', stored = null, languages = [] } = {}) {
	const q = new URLSearchParams(search).get('lang');
	for (const cand of [q, stored]) {
		if (cand && LANGS.includes(cand)) {
			return cand;
		}
	}
	for (const l of languages || []) {
		const base = String(l).toLowerCase().split('-')[0];
		if (LANGS.includes(base)) {
			return base;
		}
	}
	return 'en';
}

/** Translates a key, replacing {name} placeholders; falls back to English, then to the key itself. */
export function translate(lang, key, params = {}) {
	const table = STRINGS[lang] || STRINGS.en;
	let s = table[key] ?? STRINGS.en[key] ?? key;
	return s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Keys present in one language but missing from another (for tests). */
export function missingKeys(from, to) {
	return Object.keys(STRINGS[from]).filter((k) => !(k in STRINGS[to]));
}

/** Picks the {en, ko} variant of a localised value from the API, falling back to the other language. */
export function pick(localised, lang) {
	if (localised == null) {
		return '';
	}
	if (typeof localised === 'string') {
		return localised;
	}
	return localised[lang] ?? localised.en ?? localised.ko ?? '';
}

/** Formats a virtual time in ms for people: 12.3 ms, 1.50 s, 2 min 5 s. */
export function formatMs(ms) {
	if (ms == null || Number.isNaN(ms)) {
		return '–';
	}
	const a = Math.abs(ms);
	if (a < 1000) {
		return `${trim(ms, a < 10 ? 2 : 1)} ms`;
	}
	if (a < 120_000) {
		return `${trim(ms / 1000, 2)} s`;
	}
	const min = Math.floor(a / 60_000);
	const s = Math.round((a - min * 60_000) / 1000);
	return `${ms < 0 ? '-' : ''}${min} min${s ? ` ${s} s` : ''}`;
}

function trim(v, digits) {
	return String(Number(v.toFixed(digits)));
}

/** Sets textContent/aria-label/title/placeholder of every element marked with data-i18n* attributes. */
export function applyTranslations(root, lang) {
	for (const el of root.querySelectorAll('[data-i18n]')) {
		el.textContent = translate(lang, el.dataset.i18n);
	}
	for (const el of root.querySelectorAll('[data-i18n-aria]')) {
		el.setAttribute('aria-label', translate(lang, el.dataset.i18nAria));
	}
	for (const el of root.querySelectorAll('[data-i18n-title]')) {
		el.setAttribute('title', translate(lang, el.dataset.i18nTitle));
	}
	for (const el of root.querySelectorAll('[data-i18n-placeholder]')) {
		el.setAttribute('placeholder', translate(lang, el.dataset.i18nPlaceholder));
	}
}
