"""The built-in scenarios' situations played with real sockets on this machine's kernel (record.py runs
one of these inside a fresh network namespace while it captures and records the kernel's states).

The server listens on 127.0.0.1:8080 (or [::1]:8080), the client connects from 127.0.0.2. Losses are
made with an iptables rule in INPUT that drops only the first matching segment: the capture (taken
before INPUT) still shows it, as a capture at the sender would. Scenarios that the kernel cannot play
(no-time-wait: TIME_WAIT is fixed at 60 s; old-duplicate: needs a forged segment) are covered by the
packetdrill scripts instead, or not at all (docs/captures.md lists which).
"""
import socket
import struct
import subprocess
import time

SERVER4, CLIENT4, SERVER6, CLIENT6 = "127.0.0.1", "127.0.0.2", "::1", "::1"
PORT = 8080


def listener(v6=False, port=PORT):
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    l = socket.socket(fam, socket.SOCK_STREAM)
    l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    l.bind((SERVER6 if v6 else SERVER4, port))
    l.listen(16)
    return l


def connect(l, client_port=0, v6=False, reuse=False):
    fam = socket.AF_INET6 if v6 else socket.AF_INET
    c = socket.socket(fam, socket.SOCK_STREAM)
    if reuse:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    c.bind((CLIENT6 if v6 else CLIENT4, client_port))
    c.connect((SERVER6 if v6 else SERVER4, l.getsockname()[1]))
    s, _ = l.accept()
    time.sleep(0.01)
    return c, s


def opened():
    """A listener and one connection accepted on it: (listener, client, server). The caller keeps the
    listener for the scenario's length (dropping it would close it)."""
    l = listener()
    c, s = connect(l)
    return l, c, s


def drop_first(*match):
    """Drops the first segment matching an iptables match in INPUT (after the capture point)."""
    subprocess.run(["iptables", "-I", "INPUT", "-p", "tcp", *match, "-m", "statistic", "--mode", "nth",
                    "--every", "1000000", "--packet", "0", "-j", "DROP"], check=True)


def drop_all(*match):
    subprocess.run(["iptables", "-I", "INPUT", "-p", "tcp", *match, "-j", "DROP"], check=True)


def flush():
    subprocess.run(["iptables", "-F", "INPUT"], check=True)


def recv_all(s):
    while s.recv(65536):
        pass


def expect_eof(s):
    """Reads the peer's FIN: recv() returns 0."""
    assert s.recv(100) == b""


def absorb_reset(s):
    """Reads once; a reset (ECONNRESET) is what the scenario expects."""
    try:
        s.recv(10)
    except ConnectionResetError:
        pass


def request_response(c, s):
    """The client sends a request, the server reads it and answers."""
    c.sendall(b"request")
    s.recv(100)
    s.sendall(b"response")


def close_and_answer(first, second, wait=0.05, read=expect_eof, done=0.1):
    """`first` closes; after `wait` s its peer `second` reads (`read`) and closes too; then `done` s pass."""
    first.close()
    time.sleep(wait)
    read(second)
    second.close()
    time.sleep(done)


def active_close(v6=False):
    """The client closes first: FIN_WAIT_1, FIN_WAIT_2, TIME_WAIT on the client."""
    l = listener(v6)
    c, s = connect(l, v6=v6)
    c.sendall(b"GET / HTTP/1.0\r\n\r\n")
    s.recv(100)
    s.sendall(b"HTTP/1.0 200 OK\r\n\r\nhello")
    c.recv(100)
    time.sleep(0.05)
    close_and_answer(c, s)


def active_close_v6():
    active_close(v6=True)


def linger_default():
    """close() with the default linger: FIN, not RST, however little was sent."""
    l, c, s = opened()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 0, 0))
    c.sendall(b"x" * 10)
    s.recv(10)
    close_and_answer(c, s)


def server_active_close():
    """The server closes first: TIME_WAIT lands on the server."""
    l, c, s = opened()
    request_response(c, s)
    close_and_answer(s, c, read=recv_all)


def lost_fin():
    """The client's FIN is lost after the capture point; the retransmission timer resends it."""
    l, c, s = opened()
    cport = c.getsockname()[1]
    drop_first("--sport", str(cport), "--tcp-flags", "FIN", "FIN")
    close_and_answer(c, s, wait=1.0)
    flush()


def lost_last_ack():
    """The client's last ACK (of the server's FIN) is lost; the server resends its FIN and the client's
    TIME_WAIT answers again."""
    l, c, s = opened()
    cport = c.getsockname()[1]
    c.close()
    time.sleep(0.05)
    assert s.recv(10) == b""
    drop_first("--sport", str(cport), "--tcp-flags", "ALL", "ACK")
    s.close()
    time.sleep(1.0)
    flush()


def simultaneous_close():
    """Both sides close before either FIN arrives: FIN_WAIT_1, CLOSING, TIME_WAIT on both."""
    l, c, s = opened()
    cport = c.getsockname()[1]
    drop_first("--sport", str(cport), "--tcp-flags", "FIN", "FIN")
    drop_first("--dport", str(cport), "--tcp-flags", "FIN", "FIN")
    c.close()
    s.close()
    time.sleep(1.5)
    flush()


def three_segment_close():
    """After a request and reply (delayed ACKs), the server's FIN carries the ACK of the client's FIN."""
    l, c, s = opened()
    for _ in range(3):
        c.sendall(b"ping")
        s.recv(10)
        s.sendall(b"pong")
        c.recv(10)
    close_and_answer(c, s, wait=0, done=0.2)


def linger_abort():
    """SO_LINGER {1, 0}: close() resets the connection (RST, no TIME_WAIT)."""
    l, c, s = opened()
    c.sendall(b"x" * 10)
    s.recv(10)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    close_and_answer(c, s, read=absorb_reset)


def close_unread_data():
    """The server closes with unread data: RST instead of FIN (RFC 1122 §4.2.2.13)."""
    l, c, s = opened()
    c.sendall(b"request the server never reads")
    time.sleep(0.05)
    close_and_answer(s, c, read=absorb_reset)


def half_close():
    """shutdown(SHUT_WR): the client's FIN, then the server's reply flows the other way."""
    l, c, s = opened()
    c.sendall(b"all of the request")
    c.shutdown(socket.SHUT_WR)
    time.sleep(0.05)
    recv_all(s)
    s.sendall(b"y" * 3000)
    time.sleep(0.05)
    close_and_answer(s, c, read=recv_all)


def graceful_close():
    """shutdown(SHUT_WR), read until EOF, then close(): nothing is lost."""
    l, c, s = opened()
    request_response(c, s)
    c.shutdown(socket.SHUT_WR)
    time.sleep(0.05)
    recv_all(s)
    close_and_answer(s, c, read=recv_all)


def close_wait_leak():
    """The server never closes after read() returned 0: CLOSE_WAIT to the end of the capture."""
    l, c, s = opened()
    c.close()
    time.sleep(0.05)
    assert s.recv(10) == b""
    time.sleep(1.6)
    s.sendall(b"late")  # the client's socket is gone: RST
    time.sleep(0.1)


def fin_wait_2_timeout():
    """The client closes, the server never does: after tcp_fin_timeout (60 s) the client's orphaned
    FIN_WAIT_2 is gone, and the server's late FIN draws RST."""
    l, c, s = opened()
    c.close()
    time.sleep(0.05)
    assert s.recv(10) == b""
    time.sleep(61.5)
    s.close()
    time.sleep(0.2)


def fill(c, s):
    """The client sends until the server's receive buffer and window are full."""
    c.setblocking(False)
    sent = 0
    try:
        while True:
            sent += c.send(b"z" * 65536)
    except BlockingIOError:
        pass
    time.sleep(0.3)
    try:
        while True:
            sent += c.send(b"z" * 65536)
    except BlockingIOError:
        pass
    c.setblocking(True)
    return sent


def filled_pair():
    """A pair with small buffers whose server does not read: the client's data fills its window."""
    l = listener()
    l.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c, s = connect(l)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    fill(c, s)
    return l, c, s


def fin_wait_1_zero_window():
    """The server stops reading; the client closes behind a zero window, the FIN waits for the
    persist timer's probes; the server reads and the FIN goes out."""
    l, c, s = filled_pair()
    close_and_answer(c, s, wait=1.5, read=recv_all, done=0.2)


def linger_timeout():
    """SO_LINGER {1, 1} with data the peer does not read: close() waits 1 s, returns, and the orphan
    goes on in FIN_WAIT_1 until the server reads."""
    l, c, s = filled_pair()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 1))
    close_and_answer(c, s, wait=0.5, read=recv_all, done=0.2)


def rebind_time_wait():
    """The client's port is in TIME_WAIT; a new socket binds it with SO_REUSEADDR and connects to the
    same server (Linux tcp_tw_reuse, on loopback by default, after 1 s)."""
    l = listener()
    c, s = connect(l, reuse=True)
    cport = c.getsockname()[1]
    close_and_answer(c, s, done=1.3)
    c2, s2 = connect(l, client_port=cport, reuse=True)
    close_and_answer(c2, s2)


def busy_server_time_wait():
    """The server closes first on three connections (TIME_WAIT on the server); then the client comes
    back from the first one's port and its SYN meets the server's TIME_WAIT, which accepts it."""
    l = listener()
    ports = []
    for i in range(3):
        c, s = connect(l, reuse=True)
        ports.append(c.getsockname()[1])
        request_response(c, s)
        s.close()
        time.sleep(0.02)
        c.recv(100)
        c.recv(100)
        c.close()
        time.sleep(0.02)
    time.sleep(1.2)
    c, s = connect(l, client_port=ports[0], reuse=True)
    close_and_answer(c, s)


def closed_port():
    """A SYN to a port nobody listens on: RST,ACK, connect() fails with ECONNREFUSED."""
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.bind((CLIENT4, 0))
    try:
        c.connect((SERVER4, 9))
    except ConnectionRefusedError:
        pass
    c.close()
    time.sleep(0.1)
