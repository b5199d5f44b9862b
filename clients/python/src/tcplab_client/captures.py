"""Your own captures (docs/captures.md): a pcap or pcapng file explained by the lab's TCP model.

``lab.capture("server.pcap")`` uploads the file (``POST /api/captures``) and answers a :class:`Capture`:
its connections, each a :class:`CaptureConnection` with both endpoints' inferred states, a summary and
diagnostics. A connection's trace (``GET …/connections/{n}/trace``) has the same event schema as a
simulation's, so :meth:`CaptureConnection.trace_df` and :meth:`CaptureConnection.ladder` work as they do
for simulations; :meth:`CaptureConnection.replay` turns the connection into a live :class:`Simulation`::

    with Lab("http://localhost:8080") as lab:      # deletes the capture and the replays at the end
        cap = lab.capture("server.pcap")
        print(cap.connections_df()[["client", "server", "summary", "diagnostics"]])
        conn = cap[1]                                # the connection with id 1
        conn.trace_df()
        conn.ladder()
        sim = conn.replay()                          # the same socket calls and losses, in the lab
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional

from .ladder import ladder as _draw_ladder
from .ladder import state_sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from .client import Event, Lab, Simulation

__all__ = ["Capture", "CaptureConnection"]


def _q(part: Any) -> str:
    from urllib.parse import quote

    return quote(str(part), safe="")


def _endpoint(e: Optional[Dict[str, Any]]) -> Optional[str]:
    """``{addr, port}`` as ``addr:port`` (IPv6 in brackets), as the trace's ``src``/``dst`` write it."""
    if not e:
        return None
    addr = str(e.get("addr"))
    return f"[{addr}]:{e.get('port')}" if ":" in addr else f"{addr}:{e.get('port')}"


class Capture:
    """An imported capture: ``id``, ``profile`` (the one its states were inferred with) and its
    connections in the order they start in the file. Iterating gives the :class:`CaptureConnection` objects;
    ``cap[n]`` is the connection whose ``id`` is ``n`` (1, 2, …); ``len(cap)`` counts them. ``data`` is the
    server's document (``frames``, ``tcpPackets``, ``skipped``, ``startEpochMs``, ``durationMs``,
    ``expiresAt``, …)."""

    def __init__(self, lab: "Lab", data: Dict[str, Any]) -> None:
        self.lab = lab
        self.data = data
        self.id: str = data["id"]
        self.profile: Optional[str] = data.get("profile")
        self.connections: List[CaptureConnection] = [CaptureConnection(self, c) for c in data.get("connections", [])]

    def __repr__(self) -> str:
        return (f"Capture(id={self.id!r}, profile={self.profile!r}, connections={len(self.connections)}, "
                f"packets={self.data.get('tcpPackets')!r})")

    def __iter__(self) -> Iterator["CaptureConnection"]:
        return iter(self.connections)

    def __len__(self) -> int:
        return len(self.connections)

    def __getitem__(self, n: int) -> "CaptureConnection":
        return self.connection(n)

    def connection(self, n: int) -> "CaptureConnection":
        """The connection whose ``id`` is ``n`` (1, 2, … in the order the connections start in the file);
        ``KeyError`` when there is none."""
        for c in self.connections:
            if c.id == n:
                return c
        raise KeyError(n)

    def connections_df(self) -> "pandas.DataFrame":
        """The connections as a pandas DataFrame, one row each (nullable dtypes): ``id``, ``client`` and
        ``server`` (``addr:port``), ``firstMs``, ``lastMs``, ``packets``, ``summary``, ``diagnostics`` (the
        codes, e.g. ``['FIN_RETRANSMITTED']``), ``handshake``, ``capturePoint``, ``clientState``,
        ``serverState``, ``clientBytes``, ``serverBytes``, ``previous`` (<NA> when there is none),
        ``firstPacket``, ``lastPacket``."""
        from .frames import frame

        return frame(c.row() for c in self.connections)

    def refresh(self) -> Dict[str, Any]:
        """Reads the capture's document again (``GET /api/captures/{id}``, which also moves its expiry on);
        answers it. Raises :class:`~tcplab_client.NotFound` once the capture was deleted or expired."""
        self.data = self.lab.request("GET", self._path())
        self.profile = self.data.get("profile")
        self.connections = [CaptureConnection(self, c) for c in self.data.get("connections", [])]
        return self.data

    def delete(self) -> bool:
        """Deletes the capture (its file and document) on the server; False when it was already gone."""
        return self.lab.delete_capture(self.id)

    def _path(self, tail: str = "") -> str:
        return f"/api/captures/{_q(self.id)}{tail}"


class CaptureConnection:
    """One connection of a :class:`Capture` (one incarnation of a 4-tuple): ``id``, ``client`` and
    ``server`` (``{addr, port}``; the client sent the first SYN), ``summary``, ``diagnostics`` (each
    ``{code, severity, packets, text: {en, ko}}``), ``states`` (each endpoint's inferred state at the end of
    the capture), ``capture_point`` (``client``, ``server``, ``both``, ``between``, ``unknown``) and the rest of
    the server's fields in ``data``."""

    def __init__(self, capture: Capture, data: Dict[str, Any]) -> None:
        self.capture = capture
        self.data = data
        self.id: int = data["id"]
        self.client: Dict[str, Any] = data.get("client") or {}
        self.server: Dict[str, Any] = data.get("server") or {}
        self.summary: Optional[str] = data.get("summary")
        self.diagnostics: List[Dict[str, Any]] = data.get("diagnostics") or []
        self.states: Dict[str, str] = data.get("states") or {}
        self.capture_point: Optional[str] = data.get("capturePoint")
        self.last_replay: Optional[Dict[str, Any]] = None
        self._traces: Dict[Optional[str], Dict[str, Any]] = {}

    def __repr__(self) -> str:
        return (f"CaptureConnection({self.id}: {_endpoint(self.client)} → {_endpoint(self.server)}, "
                f"{self.summary!r})")

    def row(self) -> Dict[str, Any]:
        """This connection as one flat row of :meth:`Capture.connections_df`."""
        d = self.data
        packets = d.get("packetRange") or [None, None]
        return {
            "id": self.id, "client": _endpoint(self.client), "server": _endpoint(self.server),
            "firstMs": d.get("firstMs"), "lastMs": d.get("lastMs"), "packets": d.get("packets"),
            "summary": self.summary, "diagnostics": [x.get("code") for x in self.diagnostics],
            "handshake": d.get("handshake"), "capturePoint": self.capture_point,
            "clientState": self.states.get("client"), "serverState": self.states.get("server"),
            "clientBytes": (d.get("bytes") or {}).get("client"), "serverBytes": (d.get("bytes") or {}).get("server"),
            "previous": d.get("previous"), "firstPacket": packets[0], "lastPacket": packets[-1],
        }

    def _trace_answer(self, profile: Optional[str]) -> Dict[str, Any]:
        if profile not in self._traces:
            self._traces[profile] = self.capture.lab.request(
                "GET", self.capture._path(f"/connections/{self.id}/trace"), params={"profile": profile})
        return self._traces[profile]

    def trace(self, profile: Optional[str] = None, *, type: Optional[str] = None) -> List["Event"]:
        """The connection's trace events as dicts, in the simulation trace's schema: ``segment`` events
        (``event`` ``sent``, with the capture's times, ``packet`` numbers, flags, seq/ack, window, length;
        a copy the inference says was lost appears again as ``dropped``), ``state`` events of ``client`` and
        ``server`` inferred by the model's rules, the ``timer`` events they imply and ``note`` events. What is
        an estimate carries ``"inferred": True``. ``profile``: infer with another stack profile than the
        import's; ``type``: only events of that type. Read once per profile, then kept."""
        events = self._trace_answer(profile)["events"]
        return [e for e in events if type is None or e.get("type") == type]

    def trace_df(self, profile: Optional[str] = None, *, type: Optional[str] = None) -> "pandas.DataFrame":
        """:meth:`trace` as a pandas DataFrame, one row per event, with the same nullable dtypes as
        :meth:`Simulation.trace_df` (``packet``, ``len``, ``relSeq``, … are ``Int64``)."""
        from .frames import frame

        return frame(self.trace(profile, type=type))

    def truncated(self, profile: Optional[str] = None) -> bool:
        """True when the trace lists only the first ``max-trace-packets`` segments (the inference still saw
        every packet)."""
        return bool(self._trace_answer(profile).get("truncated"))

    def state_sequence(self, endpoint: str, profile: Optional[str] = None) -> List[str]:
        """The states one endpoint (``client`` or ``server``) went through, as inferred, e.g.
        ``['CLOSED', 'SYN_SENT', 'ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'TIME_WAIT']``."""
        return state_sequence(self.trace(profile, type="state"), endpoint, self.id)

    def ladder(self, profile: Optional[str] = None, ax: Any = None, title: Optional[str] = None) -> Any:
        """Draws the connection's ladder diagram with matplotlib, as :meth:`Simulation.ladder` does: each
        captured segment at its capture time, a copy the inference says was lost ending in a cross, the
        inferred states on each endpoint's line. Answers a :class:`~tcplab_client.ladder.Ladder` (shown once
        in Jupyter), or ``ax`` when one is given."""
        title = title or f"{_endpoint(self.client)} → {_endpoint(self.server)} · connection {self.id}"
        return _draw_ladder(self.trace(profile), self.id, ax=ax, title=title, observed=True)

    def replay(self, profile: Optional[str] = None) -> "Simulation":
        """Replays the connection in the lab (``POST …/connections/{n}/replays``): a live simulation with a
        pair on the captured ports, the socket calls and losses the inference found, run until idle. Answers
        that :class:`Simulation` (deleted with the lab's ``with`` block); the replayed ``steps`` and the
        segment-by-segment ``comparison`` with the capture are in :attr:`last_replay`."""
        from .client import Simulation

        lab = self.capture.lab
        answer = lab.request("POST", self.capture._path(f"/connections/{self.id}/replays"),
                             params={"profile": profile})
        lab._made(answer.get("simulationId"))
        self.last_replay = answer
        return Simulation(lab, answer["simulation"])
