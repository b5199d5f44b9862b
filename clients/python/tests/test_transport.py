"""The HTTP session: one kept-alive connection, retries that honour Retry-After and retryable 503s.

The rate limit and the connection count are tested against the real server (TCPLAB_URL). A 503 cannot be
provoked there on purpose, so the 503 rules are tested against a small scripted HTTP server in this process."""

import http.client
import json
import shutil
import subprocess
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import URL, needs_server
from tcplab_client import Lab, RateLimited, ServiceUnavailable, TransportError


def time_wait_to(port):
    """The client-side sockets in TIME_WAIT towards ``port`` on this machine, as (local, peer) pairs."""
    out = subprocess.run(["ss", "-Htan", "state", "time-wait", f"( dport = :{port} )"], check=True,
                         capture_output=True, text=True).stdout
    return {tuple(line.split()[-2:]) for line in out.splitlines() if line.strip()}


@needs_server
def test_hundred_calls_reuse_their_connection():
    if not shutil.which("ss"):
        pytest.skip("ss (iproute2) is not installed")
    port = urllib.parse.urlsplit(URL).port
    before = time_wait_to(port)
    with Lab(URL) as lab:
        sim = lab.simulation(profile="linux", seed=1)
        for _ in range(99):
            sim.refresh()
    new = time_wait_to(port) - before
    # 101 requests or more (create, 99 refreshes, the delete on leaving): Tomcat ends a keep-alive connection after
    # 100 requests (server.tomcat.max-keep-alive-requests), so one connection is replaced once, never one per call
    assert len(new) <= 2, f"{len(new)} client sockets in TIME_WAIT after 100 calls: {sorted(new)}"
    # the measurement sees them when they are there: a connection per call, closed by the client
    before = time_wait_to(port)
    for _ in range(20):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/api/scenarios")
        conn.getresponse().read()
        conn.close()
    assert len(time_wait_to(port) - before) >= 18


@needs_server
def test_rate_limited_calls_wait_for_retry_after_and_succeed():
    with Lab(URL) as lab:
        sim = lab.simulation(profile="linux", seed=1)
        calls = 0
        while lab.retried == 0 and calls < 3000:  # faster than the default 50/s after a burst of 200
            sim.refresh()
            calls += 1
        assert lab.retried > 0, "the server answered 429 + Retry-After and the client waited"
        for _ in range(20):
            sim.refresh()  # each waits its turn instead of failing
    with Lab(URL, retries=0) as impatient:
        with pytest.raises(RateLimited) as err:
            for _ in range(3000):
                impatient.scenario("active-close")
    assert err.value.limit == "requestsPerSecond"
    assert err.value.retry_after is not None and err.value.retry_after >= 1


class Scripted(BaseHTTPRequestHandler):
    """Answers from a list of (status, headers, body); records each request."""

    protocol_version = "HTTP/1.1"
    answers = []
    seen = []

    def do_GET(self):
        self._answer()

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self._answer()

    def _answer(self):
        type(self).seen.append((self.command, self.path, self.client_address[1]))
        status, headers, body = type(self).answers.pop(0)
        data = json.dumps(body).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/problem+json" if status >= 400 else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def scripted():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    Scripted.answers, Scripted.seen = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_retryable_503_is_sent_again_after_retry_after(scripted):
    _, url = scripted
    unavailable = {"status": 503, "title": "Journal unavailable", "detail": "not applied", "retryable": True}
    Scripted.answers = [(503, {"Retry-After": "0"}, unavailable), (503, {"Retry-After": "0"}, unavailable),
                        (201, {}, {"id": "s1", "profile": "linux", "seed": 1, "pairs": []})]
    with Lab(url) as lab:
        sim = lab.simulation()
        assert sim.id == "s1" and lab.retried == 2
        assert [s[0] for s in Scripted.seen] == ["POST", "POST", "POST"]
        assert len({s[2] for s in Scripted.seen}) == 1, "all three on one kept-alive connection"
        lab._created.clear()


def test_503_without_retryable_is_not_sent_again_for_a_post(scripted):
    _, url = scripted
    Scripted.answers = [(503, {"Retry-After": "0"}, {"status": 503, "title": "Down", "detail": "maintenance"})]
    with Lab(url) as lab:
        with pytest.raises(ServiceUnavailable) as err:
            lab.simulation()
    assert not err.value.retryable and len(Scripted.seen) == 1


def test_retries_stop_after_their_budget(scripted):
    _, url = scripted
    limited = {"status": 429, "title": "Limit exceeded", "detail": "slow down", "limit": "requestsPerSecond",
               "retryAfterSeconds": 0}
    Scripted.answers = [(429, {"Retry-After": "0"}, limited)] * 4
    with Lab(url, retries=3) as lab:
        with pytest.raises(RateLimited) as err:
            lab.scenarios()
    assert len(Scripted.seen) == 4 and err.value.limit == "requestsPerSecond"
    # a count limit has no Retry-After: waiting would not help, so it is raised at once
    Scripted.answers, Scripted.seen = [(429, {}, {"status": 429, "limit": "maxSimulationsPerClient"})], []
    with Lab(url) as lab:
        with pytest.raises(RateLimited) as err:
            lab.simulation()
    assert len(Scripted.seen) == 1 and err.value.retry_after is None


def test_an_unreachable_server_is_a_transport_error():
    with Lab("http://127.0.0.1:9", retries=1, max_retry_wait=1) as lab:
        with pytest.raises(TransportError):
            lab.scenarios()
