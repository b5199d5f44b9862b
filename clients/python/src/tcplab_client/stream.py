"""The live trace of a simulation over its WebSocket (docs/stream.md), as an iterator.

Needs the ``websocket-client`` package (Debian: ``apt-get install python3-websocket``); it is imported only
when a stream is opened.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, Dict, Iterator, Optional

from .errors import StreamError, TransportError, problem_error

if TYPE_CHECKING:  # pragma: no cover
    from .client import Lab

#: close codes and ``closed`` reasons after which the stream goes on from another connection
_RESUME_CODES = {1001, 1006, 1011, 1012, 4008}
_RESUME_REASONS = {"moved", "evicted"}


class Stream:
    """An iterator over a simulation's trace events as they are recorded, from ``since`` on.

    Each item is one trace event (a dict with ``seq``, ``type``, ``timeMs``, …), each exactly once and in
    ``seq`` order, whether the event comes from this client, another one, a scenario run or the realtime
    clock. The first message of the WebSocket, the snapshot of the simulation, is kept in ``snapshot``;
    the latest clock message in ``clock``. With ``messages=True`` every message is yielded instead
    (snapshot, events, clock, error, closed), heartbeats excepted.

    The stream ends when the simulation is deleted or expires (``closed_reason`` says why), when
    ``idle_timeout`` seconds pass without a message, or when you :meth:`close` it or leave its ``with``
    block. A dropped connection, a slow-viewer close (4008) or a move to another instance is resumed
    from ``last_seq + 1`` (``reconnect``), without gap or duplicate.

        >>> with sim.stream(since=0, idle_timeout=2) as events:    # doctest: +SKIP
        ...     for e in events:
        ...         print(e["seq"], e["type"])
    """

    def __init__(self, lab: "Lab", simulation_id: str, since: Optional[int] = 0, *,
                 idle_timeout: Optional[float] = None, reconnect: bool = True, max_reconnects: int = 5,
                 messages: bool = False, connect_timeout: float = 10.0) -> None:
        try:
            import websocket  # noqa: F401  (websocket-client)
        except ImportError as err:  # pragma: no cover - depends on the machine
            raise ImportError("the stream needs websocket-client: apt-get install python3-websocket "
                              "(or pip install websocket-client in a venv)") from err
        self.lab = lab
        self.simulation_id = simulation_id
        self.since = since
        self.idle_timeout = idle_timeout
        self.reconnect = reconnect
        self.max_reconnects = max_reconnects
        self.messages = messages
        self.connect_timeout = connect_timeout
        self.snapshot: Optional[Dict[str, Any]] = None
        self.clock: Optional[Dict[str, Any]] = None
        self.last_seq: Optional[int] = None
        self.truncated = False
        self.closed_reason: Optional[str] = None
        self.reconnects = 0
        self._ws: Any = None
        self._done = False

    # ---- lifecycle ----
    def __enter__(self) -> "Stream":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Closes the WebSocket (normal closure); iteration ends."""
        self._done = True
        ws, self._ws = self._ws, None
        if ws is not None:
            try:
                ws.close()
            except Exception:  # already gone
                pass

    def __repr__(self) -> str:
        state = "closed" if self._done else ("open" if self._ws is not None else "not connected")
        return f"<Stream of {self.simulation_id} {state}, last seq {self.last_seq}>"

    # ---- iteration ----
    def __iter__(self) -> Iterator[Dict[str, Any]]:
        import websocket

        quiet_since = time.monotonic()
        while not self._done:
            if self._ws is None:
                self._connect()
            ws = self._ws
            if self.idle_timeout is not None:
                left = self.idle_timeout - (time.monotonic() - quiet_since)
                if left <= 0:
                    self.close()
                    return
                ws.settimeout(left)
            else:
                ws.settimeout(None)
            try:
                opcode, data = ws.recv_data(control_frame=True)
            except websocket.WebSocketTimeoutException:
                continue  # the idle check above ends the stream
            except (websocket.WebSocketConnectionClosedException, OSError) as err:
                self._lost(f"connection lost: {err}", None)
                continue
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code = int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
                reason = data[2:].decode("utf-8", "replace")
                if code in _RESUME_CODES or reason in _RESUME_REASONS:
                    self._lost(f"closed {code} {reason}", code)
                    continue
                self.closed_reason = self.closed_reason or reason or str(code)
                self.close()
                return
            if opcode not in (websocket.ABNF.OPCODE_TEXT, websocket.ABNF.OPCODE_BINARY):
                continue
            msg = json.loads(data)
            kind = msg.get("type")
            if kind == "heartbeat":
                continue
            quiet_since = time.monotonic()
            if kind == "snapshot":
                self.snapshot = msg.get("simulation")
            elif kind == "clock":
                self.clock = msg
            elif kind == "error" and msg.get("code") == "HISTORY_TRUNCATED":
                self.truncated = True
            elif kind == "closed":
                self.closed_reason = msg.get("reason")
                if self.closed_reason in _RESUME_REASONS and self.reconnect:
                    self._lost(f"closed: {self.closed_reason}", None)
                    continue
            elif isinstance(msg.get("seq"), int) and "timeMs" in msg:
                if self.last_seq is not None and msg["seq"] <= self.last_seq:
                    continue  # already given before a reconnect
                self.last_seq = msg["seq"]
                yield msg
                continue
            if self.messages:
                yield msg
            if kind == "closed":
                self.close()
                return

    def events(self) -> Iterator[Dict[str, Any]]:
        """The trace events only (the same as iterating the stream without ``messages=True``)."""
        for msg in self:
            if "seq" in msg and "timeMs" in msg:
                yield msg

    # ---- internals ----
    def _url(self) -> str:
        base = self.lab.url
        scheme, rest = base.split("://", 1)
        ws_scheme = "wss" if scheme == "https" else "ws"
        since = self.since if self.last_seq is None else self.last_seq + 1
        query = "" if since is None else f"?since={int(since)}"
        return f"{ws_scheme}://{rest}/ws/simulations/{self.simulation_id}{query}"

    def _connect(self) -> None:
        import websocket

        cookies = self.lab._transport.session.cookies.get_dict()
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items()) or None
        try:
            self._ws = websocket.create_connection(self._url(), timeout=self.connect_timeout, cookie=cookie,
                                                   header=["User-Agent: tcplab-client-python"])
        except websocket.WebSocketBadStatusException as err:
            status = getattr(err, "status_code", 0) or 0
            headers = getattr(err, "resp_headers", None) or {}
            raise problem_error("GET", f"/ws/simulations/{self.simulation_id}", status,
                                {"status": status, "detail": str(err)}, headers) from None
        except (OSError, websocket.WebSocketException) as err:
            raise TransportError("GET", f"/ws/simulations/{self.simulation_id}", str(err)) from err

    def _lost(self, why: str, code: Optional[int]) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            try:
                ws.close()
            except Exception:
                pass
        if not self.reconnect or self.reconnects >= self.max_reconnects:
            self._done = True
            raise StreamError(f"stream of {self.simulation_id} ended: {why}", code)
        self.reconnects += 1
