"""The tcplab REST API (docs/api.md) as Python objects: :class:`Lab`, :class:`Simulation`, :class:`Pair`.

A :class:`Lab` holds one keep-alive HTTP session; everything made through it can be deleted in one go by
using it as a context manager (``with Lab(url) as lab:``, see the package's example).
"""

from __future__ import annotations

import os
from typing import (TYPE_CHECKING, Any, BinaryIO, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, TypeVar,
                    Union, cast)

try:  # Python 3.8+
    from typing import Literal
except ImportError:  # pragma: no cover
    from typing_extensions import Literal  # type: ignore

from ._transport import Transport
from .captures import Capture
from .errors import NotFound
from .ladder import ladder as _draw_ladder
from .ladder import state_sequence

if TYPE_CHECKING:  # pragma: no cover
    import pandas

    from .stream import Stream

__all__ = ["Lab", "Simulation", "Pair", "ScenarioRun", "Comparison", "PacketdrillRun", "OwnedSimulation"]

Side = Literal["client", "server"]
"""Which endpoint of a pair acts: ``"client"`` or ``"server"``."""
Endpoint = Literal["client", "server", "listener"]
Segment = Literal["FIN", "ACK", "SYN", "RST", "DATA", "ANY"]
"""Which segments a fault rule matches: ``"ACK"`` is a pure ACK, ``"DATA"`` a segment with payload."""
How = Literal["SHUT_RD", "SHUT_WR", "SHUT_RDWR"]
Result = Union[int, str]
"""What a socket call answered: ``0``, a byte count, an errno name (``"EPIPE"``), ``"pending"`` or ``"ok"``."""
Event = Dict[str, Any]
"""One trace event: ``seq``, ``timeMs``, ``type`` (state, segment, call, timer, note, census), ``pair``, …"""

_CREATE_FIELDS = {
    "latency_ms": "latencyMs", "trace_level": "traceLevel", "client_address": "clientAddress",
    "server_address": "serverAddress", "pinned_isn": "pinnedIsn", "retain_closed_pairs": "retainClosedPairs",
}


def _q(part: Any) -> str:
    from urllib.parse import quote

    return quote(str(part), safe="")


def _is_name(text: str) -> bool:
    return 0 < len(text) <= 100 and all(ch.isalnum() or ch in "-_" for ch in text)


_T = TypeVar("_T")


def _json_field(kind: Callable[[], _T], *path: str, doc: str, fresh: bool = True, empty: bool = False) -> _T:
    """A read-only property of a resource, answered from its JSON by ``path``.

    ``fresh`` reads ``data`` (fetched again after anything changed the resource); otherwise the JSON it was made
    with (what cannot change, such as the profile). With ``empty`` a missing last key reads as ``kind()``.
    """

    def read(self: Any) -> _T:
        value = self.data if fresh else self._data
        for key in path[:-1]:
            value = value[key]
        return cast(_T, value.get(path[-1], kind()) if empty else value[path[-1]])

    read.__doc__ = doc
    return cast(_T, property(read, doc=doc))


class Lab:
    """A tcplab server, e.g. ``Lab("http://localhost:8080")``.

    It talks over one keep-alive HTTP connection (a ``requests.Session``), waits and retries when the server
    says so (429 with ``Retry-After``, 503 with ``retryable``), keeps the owner key the server gives in its
    cookie jar, and remembers every simulation and capture made through it: ``with Lab(url) as lab:``
    deletes them all when the block ends (:meth:`cleanup`), and closes the connection.

    :param url: the server's base URL.
    :param timeout: seconds to wait for each answer.
    :param retries: how many times one request may be sent again after a ``Retry-After``/``retryable``
        answer or a connection that could not be opened.
    :param max_retry_wait: most seconds spent waiting between retries of one request.
    :param owner_key: an owner key to use (the ``tcplab_owner`` cookie of another client, e.g. a browser),
        so :meth:`my_simulations` lists that client's simulations too.
    :param session: a ``requests.Session`` of your own (proxies, TLS settings, extra headers).
    """

    def __init__(self, url: str = "http://localhost:8080", *, timeout: float = 60.0, retries: int = 5,
                 max_retry_wait: float = 60.0, owner_key: Optional[str] = None, session: Any = None) -> None:
        self.url = url.rstrip("/")
        self._transport = Transport(self.url, timeout=timeout, retries=retries, max_wait=max_retry_wait,
                                    session=session)
        if owner_key:
            self._transport.session.cookies.set("tcplab_owner", owner_key, path="/api")
        self._created: Dict[str, None] = {}
        self._captures: Dict[str, None] = {}

    # ---- lifecycle ----
    def __enter__(self) -> "Lab":
        return self

    def __exit__(self, *exc: Any) -> None:
        try:
            self.cleanup()
        finally:
            self.close()

    def close(self) -> None:
        """Closes the HTTP connection (the lab can still be used: the next call opens a new one)."""
        self._transport.close()

    def cleanup(self) -> int:
        """Deletes every simulation made through this lab and not deleted yet (simulations, scenario runs,
        comparisons' variants, packetdrill runs, replays of captures), then every capture it imported;
        answers how many simulations and captures were deleted. Ones already gone count as deleted."""
        count = 0
        for sid in list(self._created):
            self.delete(sid)
            count += 1
        for cid in list(self._captures):
            self.delete_capture(cid)
            count += 1
        return count

    @property
    def created(self) -> List[str]:
        """Ids of the simulations made through this lab that it has not deleted (oldest first)."""
        return list(self._created)

    @property
    def owner_key(self) -> Optional[str]:
        """The owner key the server gave this client (``tcplab_owner`` cookie), or None before the first
        creation."""
        for cookie in self._transport.session.cookies:
            if cookie.name == "tcplab_owner":
                return cookie.value
        return None

    @property
    def retried(self) -> int:
        """How many requests were sent again so far (after ``Retry-After``, ``retryable`` or a failed
        connection)."""
        return self._transport.retried

    @property
    def created_captures(self) -> List[str]:
        """Ids of the captures imported through this lab that it has not deleted (oldest first)."""
        return list(self._captures)

    def __repr__(self) -> str:
        return f"Lab({self.url!r}, {len(self._created)} simulations made here)"

    # ---- transport ----
    def request(self, method: str, path: str, body: Any = None, *, params: Optional[Mapping[str, Any]] = None,
                content_type: str = "application/json", accept: Optional[str] = None, raw: bool = False) -> Any:
        """Sends one request to ``path`` (e.g. ``"/api/scenarios"``) and answers the decoded JSON (text for
        text answers, bytes with ``raw``). Errors raise :class:`~tcplab_client.ProblemError` subclasses.
        The methods below cover every route; this is for what they do not."""
        if accept is None:
            accept = "*/*" if raw else "application/json, application/problem+json"
        return self._transport.request(method, path, body, params=params, content_type=content_type,
                                       accept=accept, raw=raw)[0]

    def _made(self, simulation_id: Optional[str]) -> None:
        if simulation_id:
            self._created[simulation_id] = None

    # ---- simulations ----
    def simulation(self, profile: str = "linux", seed: Optional[int] = None, *, clock: Optional[str] = None,
                   speed: Optional[float] = None, latency_ms: Optional[float] = None,
                   overrides: Optional[Mapping[str, Any]] = None, trace_level: Optional[str] = None,
                   client_address: Optional[str] = None, server_address: Optional[str] = None,
                   pinned_isn: Optional[bool] = None, retain_closed_pairs: Optional[bool] = None,
                   **fields: Any) -> "Simulation":
        """Creates a simulation: one virtual network with its own virtual clock.

        :param profile: ``linux``, ``rfc9293``, ``bsd`` or ``windows``.
        :param seed: the RNG seed (ISNs, ephemeral ports); random when None, and reported back.
        :param clock: ``manual`` (the default: time moves only when you move it) or ``realtime``.
        :param overrides: stack constants by name, e.g. ``{"timeWaitMs": 0}``.
        :param fields: any other field of the request, by its JSON name.
        """
        body: Dict[str, Any] = {"profile": profile}
        if seed is not None:
            body["seed"] = seed
        named = {"clock": clock, "speed": speed, "overrides": overrides, "latency_ms": latency_ms,
                 "trace_level": trace_level, "client_address": client_address, "server_address": server_address,
                 "pinned_isn": pinned_isn, "retain_closed_pairs": retain_closed_pairs}
        for key, value in named.items():
            if value is not None:
                body[_CREATE_FIELDS.get(key, key)] = value
        body.update(fields)
        data = self.request("POST", "/api/simulations", body)
        self._made(data["id"])
        return Simulation(self, data)

    def open(self, simulation_id: str) -> "Simulation":
        """An existing simulation by id (e.g. the ``simulationId`` of a scenario run, or a ``?sim=`` link's id).
        Raises :class:`~tcplab_client.NotFound` when it does not exist (any more)."""
        return Simulation(self, self.request("GET", f"/api/simulations/{_q(simulation_id)}"))

    def delete(self, simulation_id: str) -> bool:
        """Deletes a simulation; answers False when it was already gone (404), True otherwise."""
        return self._delete(f"/api/simulations/{_q(simulation_id)}", self._created, simulation_id)

    def _delete(self, path: str, held: Dict[str, Any], key: str) -> bool:
        """``DELETE path``: False when it was already gone (404). Either way this client no longer holds ``key``."""
        try:
            self.request("DELETE", path)
            return True
        except NotFound:
            return False
        finally:
            held.pop(key, None)

    def my_simulations(self) -> List["OwnedSimulation"]:
        """The simulations made with this client's owner key (``GET /api/simulations?mine=true``), newest
        first, each with ``.delete()``: what counts against your limits, so you can free what you no longer
        need. Empty before this client made any."""
        answer = self.request("GET", "/api/simulations", params={"mine": True})
        rows = answer.get("simulations", []) if isinstance(answer, dict) else list(answer or [])
        return [OwnedSimulation(self, row) for row in rows]

    def my_simulations_df(self) -> "pandas.DataFrame":
        """:meth:`my_simulations` as a pandas DataFrame (nullable dtypes)."""
        from .frames import frame

        return frame(s.data for s in self.my_simulations())

    def delete_my_simulations(self, *, keep_kept: bool = True) -> int:
        """Deletes every simulation of :meth:`my_simulations` (except kept ones, unless ``keep_kept`` is
        False); answers how many were deleted."""
        count = 0
        for s in self.my_simulations():
            if keep_kept and s.kept:
                continue
            if s.delete():
                count += 1
        return count

    # ---- scenarios ----
    def scenarios(self) -> List[Dict[str, Any]]:
        """The built-in scenarios: ``name``, ``title``, ``summary``, ``article``, ``profiles`` and ``steps``
        (English and Korean)."""
        return self.request("GET", "/api/scenarios")

    def scenario(self, name: str) -> Dict[str, Any]:
        """The document of a built-in scenario, as a dict: a starting point for your own
        (:meth:`run_scenario` takes it back, changed or not)."""
        return self.request("GET", f"/api/scenarios/{_q(name)}")

    def run_scenario(self, scenario: Union[str, Mapping[str, Any]], profile: Optional[str] = None,
                     seed: Optional[int] = None, *, until_step: Optional[int] = None,
                     **fields: Any) -> "ScenarioRun":
        """Runs a scenario to completion (or to ``until_step``) and answers its :class:`ScenarioRun`.

        ``scenario`` is a built-in's name (``"lost-last-ack"``), your own document as a dict, or its JSON or
        YAML text. A document with mistakes raises :class:`~tcplab_client.InvalidScenario` listing them all.
        """
        options = {"profile": profile, "seed": seed, "untilStep": until_step, **fields}
        options = {k: v for k, v in options.items() if v is not None}
        if isinstance(scenario, str) and _is_name(scenario):
            answer = self.request("POST", f"/api/scenarios/{_q(scenario)}/runs", options)
        elif isinstance(scenario, str):
            ctype = "application/json" if scenario.lstrip().startswith("{") else "application/yaml"
            answer = self.request("POST", "/api/scenarios/runs", scenario, params=options, content_type=ctype)
        else:
            answer = self.request("POST", "/api/scenarios/runs", dict(scenario), params=options)
        self._made(answer.get("simulationId"))
        return ScenarioRun(self, answer)

    def compare(self, scenario: Union[str, Mapping[str, Any]],
                variants: Iterable[Mapping[str, Any]]) -> "Comparison":
        """Runs one scenario under 2–4 variants and answers the :class:`Comparison`::

            lab.compare("old-duplicate", [{"label": "2MSL"},
                                          {"label": "no TIME_WAIT", "overrides": {"timeWaitMs": 0, "timestamps": False}}])

        A variant has a unique ``label`` and optional ``profile``, ``seed``, ``overrides`` and ``scenario``.
        """
        answer = self.request("POST", "/api/comparisons",
                              {"scenario": scenario, "variants": [dict(v) for v in variants]})
        for v in answer.get("variants", []):
            self._made(v.get("simulationId"))
        return Comparison(self, answer)

    def run_packetdrill(self, script: str, profile: str = "linux", seed: Optional[int] = None) -> "PacketdrillRun":
        """Runs a packetdrill script in the lab (docs/packetdrill.md) and answers the
        :class:`PacketdrillRun`: whether it passed, the first failure, each line's status and the trace.
        A syntax error raises :class:`~tcplab_client.BadRequest` whose problem names ``line`` and ``column``.
        """
        answer = self.request("POST", "/api/packetdrill/runs", script, params={"profile": profile, "seed": seed},
                              content_type="text/plain")
        self._made(answer.get("simulationId"))
        return PacketdrillRun(self, answer)


    # ---- captures ----
    def capture(self, source: Union[str, "os.PathLike[str]", bytes, BinaryIO], profile: Optional[str] = None, *,
                allow_truncated: bool = False) -> Capture:
        """Imports a pcap or pcapng file (``POST /api/captures``, docs/captures.md) and answers its
        :class:`~tcplab_client.Capture`: the TCP connections found, each with both endpoints' inferred
        states, a summary and diagnostics (:meth:`Capture.connections_df` lists them as a DataFrame).

        :param source: a path to the file, its bytes, or a binary file object.
        :param profile: the stack profile the states are inferred with (the server's default: ``linux``).
        :param allow_truncated: read the packets of a file cut short (otherwise refused).

        A file that cannot be read raises :class:`~tcplab_client.UnprocessableContent` (``kind``:
        ``truncated``, ``corrupt``, ``unsupported``); a file too large :class:`~tcplab_client.PayloadTooLarge`;
        holding too many captures :class:`~tcplab_client.RateLimited` (delete one: :meth:`delete_capture`).
        """
        if isinstance(source, (bytes, bytearray)):
            body = bytes(source)
        elif isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as f:
                body = f.read()
        else:
            body = source.read()
        answer = self.request("POST", "/api/captures", body, content_type="application/vnd.tcpdump.pcap",
                              params={"profile": profile, "allowTruncated": True if allow_truncated else None})
        self._captures[answer["id"]] = None
        return Capture(self, answer)

    def open_capture(self, capture_id: str) -> Capture:
        """An imported capture by id (``GET /api/captures/{id}``, which moves its expiry on). Raises
        :class:`~tcplab_client.NotFound` when it was deleted or expired (unread for an hour)."""
        return Capture(self, self.request("GET", f"/api/captures/{_q(capture_id)}"))

    def my_captures(self) -> List[Dict[str, Any]]:
        """The captures this client holds on the server (``GET /api/captures?mine=true``):
        ``[{id, bytes, connections, createdAt, expiresAt}]``; they count against its limits."""
        return list(self.request("GET", "/api/captures", params={"mine": True}) or [])

    def delete_capture(self, capture_id: str) -> bool:
        """Deletes a capture (its file and document); answers False when it was already gone (404)."""
        return self._delete(f"/api/captures/{_q(capture_id)}", self._captures, capture_id)


class _Fresh:
    """A simulation or one of its pairs as JSON (``data``), read again from the server when a call through
    this client changed the simulation, or when its clock runs in real time."""

    _data: Dict[str, Any]
    _data_version: int

    def _simulation(self) -> "Simulation":
        raise NotImplementedError

    def _own_path(self) -> str:
        raise NotImplementedError

    @property
    def data(self) -> Dict[str, Any]:
        """The simulation's (``GET /api/simulations/{id}``) or the pair's (``GET …/pairs/{id}``) JSON, read
        again when a call through this client changed the simulation or its clock is realtime."""
        sim = self._simulation()
        if self._data_version != sim._version or sim._data.get("clock") == "realtime":
            self.refresh()
        return self._data

    def refresh(self) -> Dict[str, Any]:
        """Reads the simulation or the pair again from the server; answers its JSON."""
        sim = self._simulation()
        version = sim._version
        self._data = sim.lab.request("GET", self._own_path())
        self._data_version = version
        return self._data


class _Calls:
    """Socket calls, network faults and pokes on one pair; each is one ``POST …/events``.

    A call the TCP state forbids is not an error: it answers the errno name (``"EPIPE"``), as the socket
    API would. The trace events a call produced are in ``last_trace`` afterwards."""

    last_trace: List[Event]

    def _event(self, type: str, side: str, fields: Mapping[str, Any]) -> Dict[str, Any]:
        raise NotImplementedError

    def event(self, type: str, side: Side, **fields: Any) -> Dict[str, Any]:
        """Sends one event of any ``type`` (docs/api.md, "Events") with its JSON fields; answers the whole
        answer ``{result, trace}``. The methods below are the same per type, with their fields named."""
        return self._event(type, side, fields)

    def _result(self, type: str, side: str, **fields: Any) -> Result:
        return self._event(type, side, {k: v for k, v in fields.items() if v is not None})["result"]

    # socket calls
    def close(self, side: Side) -> Result:
        """close(): FIN (or RST with unread data, or with SO_LINGER {1, 0}); answers 0 or an errno name."""
        return self._result("close", side)

    def shutdown(self, side: Side, how: How = "SHUT_WR") -> Result:
        """shutdown(how): ``SHUT_WR`` sends FIN and keeps reading, ``SHUT_RD`` stops reading."""
        return self._result("shutdown", side, how=how)

    def send(self, side: Side, nbytes: int) -> Result:
        """send(): queues ``nbytes`` bytes (their content is not modelled); answers the count queued or an
        errno name (``"EPIPE"`` after close)."""
        return self._result("send", side, bytes=nbytes)

    def recv(self, side: Side, max: Optional[int] = None) -> Result:
        """recv(): answers the bytes read, 0 at end of stream, ``"ECONNRESET"`` after a RST, or
        ``"pending"`` when it would block."""
        return self._result("recv", side, max=max)

    def abort(self, side: Side) -> Result:
        """SO_LINGER {1, 0} then close(): the connection ends with a RST, no TIME_WAIT."""
        return self._result("abort", side)

    def setsockopt(self, side: Side, option: str, **fields: Any) -> Result:
        """setsockopt(): ``option`` is ``"SO_LINGER"`` (``onoff``, ``seconds``) or ``"SO_REUSEADDR"``
        (``value``)."""
        return self._result("setsockopt", side, option=option, **fields)

    def linger(self, side: Side, seconds: int, onoff: int = 1) -> Result:
        """setsockopt(SO_LINGER, {onoff, seconds}): close() then waits up to ``seconds`` for the FIN's ACK
        (``seconds=0``: close() sends RST)."""
        return self.setsockopt(side, "SO_LINGER", onoff=onoff, seconds=seconds)

    def reuse_addr(self, side: Side, value: bool = True) -> Result:
        """setsockopt(SO_REUSEADDR, value)."""
        return self.setsockopt(side, "SO_REUSEADDR", value=value)

    # network faults (on the segments that `side` sends)
    def lose(self, side: Side, segment: Segment = "ACK", count: int = 1, nth: Optional[int] = None) -> Result:
        """The network drops the next ``count`` matching segments ``side`` sends (``nth``: skip to the n-th)."""
        return self._result("lose", side, segment=segment, count=count, nth=nth)

    def duplicate(self, side: Side, segment: Segment, count: int = 1, nth: Optional[int] = None) -> Result:
        """The network delivers the next ``count`` matching segments ``side`` sends twice."""
        return self._result("duplicate", side, segment=segment, count=count, nth=nth)

    def delay(self, side: Side, segment: Segment, ms: float, count: int = 1, nth: Optional[int] = None) -> Result:
        """The network delivers the next ``count`` matching segments ``side`` sends ``ms`` later."""
        return self._result("delay", side, segment=segment, ms=ms, count=count, nth=nth)

    def hold(self, side: Side, segment: Segment, count: int = 1, nth: Optional[int] = None) -> Result:
        """The network keeps the next ``count`` matching segments ``side`` sends until :meth:`release`."""
        return self._result("hold", side, segment=segment, count=count, nth=nth)

    def release(self, side: Side) -> Result:
        """Delivers every segment held from ``side`` (see :meth:`hold`), in order."""
        return self._result("release", side)

    # pokes
    def resend_fin(self, side: Side) -> Result:
        """Makes ``side`` retransmit its FIN now (as its retransmission timer would)."""
        return self._result("resend-fin", side)

    def inject(self, side: Side, flags: Sequence[str], seq: Optional[int] = None, ack: Optional[int] = None,
               length: Optional[int] = None) -> Result:
        """Puts a raw segment on the wire as if ``side`` sent it: ``flags`` such as ``["FIN", "ACK"]``, raw
        ``seq``/``ack`` (default: the sender's SND.NXT/RCV.NXT), ``length`` bytes of payload."""
        return self._result("inject", side, flags=list(flags), seq=seq, ack=ack, len=length)


class Simulation(_Fresh, _Calls):
    """One simulation on the server: a virtual network with its own virtual clock.

    Socket calls and faults (:meth:`close`, :meth:`lose`, …) act on the pair opened last (``current``);
    use a :class:`Pair` (from :meth:`pair` or :meth:`pairs`) to act on another one. ``data`` is the
    simulation's JSON, read again after anything changed it, so ``repr`` and ``now_ms`` are never stale.
    In a ``with`` block the simulation is deleted at its end.
    """

    def __init__(self, lab: Lab, data: Dict[str, Any]) -> None:
        self.lab = lab
        self.id: str = data["id"]
        self._data = data
        self._version = 0
        self._data_version = 0
        self.last_trace: List[Event] = []
        pairs = data.get("pairs") or []
        self.current: Optional[int] = pairs[-1]["id"] if pairs else None

    # ---- lifecycle ----
    def __enter__(self) -> "Simulation":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.delete()

    def __repr__(self) -> str:
        d = self.data
        return (f"Simulation(id={self.id!r}, profile={d.get('profile')!r}, seed={d.get('seed')!r}, "
                f"now_ms={d.get('nowMs')!r}, pairs={len(d.get('pairs') or [])}, clock={d.get('clock')!r})")

    def _path(self, tail: str = "") -> str:
        return f"/api/simulations/{_q(self.id)}{tail}"

    def _changed(self) -> None:
        self._version += 1

    def _simulation(self) -> "Simulation":
        return self

    def _own_path(self) -> str:
        return self._path()

    profile = _json_field(str, "profile", fresh=False,
                          doc="The stack profile (``linux``, ``rfc9293``, ``bsd``, ``windows``).")
    seed = _json_field(int, "seed", fresh=False,
                       doc="The RNG seed (chosen by the server when none was given): same seed + same calls = same trace.")
    now_ms = _json_field(float, "nowMs", doc="The virtual time now, in ms.")
    constants: Dict[str, Any] = _json_field(dict, "constants", fresh=False, empty=True,
                                            doc="Every stack constant in force (profile preset plus overrides), e.g. ``timeWaitMs``.")
    census: Dict[str, int] = _json_field(dict, "census", empty=True, doc="How many endpoints are in each TCP state now.")

    def delete(self) -> bool:
        """Deletes the simulation (its WebSocket viewers get ``closed``); False when it was already gone."""
        return self.lab.delete(self.id)

    def keep(self) -> Dict[str, Any]:
        """Marks the simulation as wanted beyond this visit (as a shared link does): it stays in the
        server's memory longest and its journal is kept for the whole retention (7 days by default)."""
        return self.lab.request("POST", self._path("/keep"))

    # ---- pairs ----
    def pair(self, server_port: Optional[int] = None, client_port: Optional[int] = None,
             reuse_addr: Optional[bool] = None, establish: Optional[bool] = None, **fields: Any) -> "Pair":
        """Opens a client/server pair and makes it the current one. With ``establish`` (default) the
        three-way handshake has already run on the virtual clock. A pinned ``client_port`` that cannot be
        bound raises :class:`~tcplab_client.Conflict` (``errno`` EADDRINUSE)."""
        body = {"serverPort": server_port, "clientPort": client_port, "clientReuseAddr": reuse_addr,
                "establish": establish, **fields}
        data = self.lab.request("POST", self._path("/pairs"), {k: v for k, v in body.items() if v is not None})
        self._changed()
        p = Pair(self, data)
        self.current = p.id
        return p

    def get_pair(self, pair_id: int) -> "Pair":
        """The pair with this id (raises :class:`~tcplab_client.NotFound` when there is none)."""
        return Pair(self, self.lab.request("GET", self._path(f"/pairs/{int(pair_id)}")))

    def pairs(self) -> List["Pair"]:
        """Every pair of the simulation (closed ones too, unless ``retainClosedPairs`` is false)."""
        return [Pair(self, p) for p in self.data.get("pairs") or []]

    def _event(self, type: str, side: str, fields: Mapping[str, Any]) -> Dict[str, Any]:
        if self.current is None:
            raise ValueError("no pair yet: call pair() first")
        return self._pair_event(self.current, type, side, fields)

    def _pair_event(self, pair_id: int, type: str, side: str, fields: Mapping[str, Any]) -> Dict[str, Any]:
        body = {"type": type, "side": side, **fields}
        answer = self.lab.request("POST", self._path(f"/pairs/{int(pair_id)}/events"), body)
        self._changed()
        self.last_trace = answer.get("trace", [])
        return answer

    # ---- clock ----
    def clock(self, **fields: Any) -> Dict[str, Any]:
        """Sends one clock command with its JSON fields (``advanceMs``, ``runUntilIdle``, ``maxMs``,
        ``step``, ``paused``, ``speed``, ``clock``); answers ``{nowMs, result, trace, clock, paused, speed,
        nextEventAtMs}``."""
        answer = self.lab.request("POST", self._path("/clock"), fields)
        self._changed()
        self.last_trace = answer.get("trace", [])
        return answer

    def advance(self, ms: float) -> float:
        """Runs every event due in the next ``ms`` virtual milliseconds; answers the new time (ms)."""
        return self.clock(advanceMs=ms)["nowMs"]

    def run_until_idle(self, max_ms: Optional[float] = None) -> float:
        """Runs until nothing is pending (every timer, TIME_WAIT included), at most ``max_ms``; answers the
        new time (ms)."""
        fields: Dict[str, Any] = {"runUntilIdle": True}
        if max_ms is not None:
            fields["maxMs"] = max_ms
        return self.clock(**fields)["nowMs"]

    def step(self) -> float:
        """Runs everything due at the next pending instant; answers the new time (ms)."""
        return self.clock(step=True)["nowMs"]

    def pause(self) -> Dict[str, Any]:
        """Pauses a realtime clock."""
        return self.clock(paused=True)

    def resume(self) -> Dict[str, Any]:
        """Resumes a paused realtime clock."""
        return self.clock(paused=False)

    def set_speed(self, speed: float) -> Dict[str, Any]:
        """Sets the realtime speed factor (virtual time = wall time × speed)."""
        return self.clock(speed=speed)

    def set_clock_mode(self, mode: Literal["manual", "realtime"]) -> Dict[str, Any]:
        """Switches between the ``manual`` and the ``realtime`` clock."""
        return self.clock(clock=mode)

    # ---- reading ----
    def trace(self, since: int = 0, *, type: Optional[str] = None, pair: Optional[int] = None) -> List[Event]:
        """Every kept trace event from ``since`` on, as dicts (follows ``nextSeq`` page by page); only events
        of one ``type`` (``state``, ``segment``, ``call``, ``timer``, ``note``, ``census``) or one ``pair``
        when given."""
        events: List[Event] = []
        while True:
            page = self.lab.request("GET", self._path("/trace"), params={"since": int(since)})
            events.extend(page["events"])
            nxt = page.get("nextSeq", since)
            if not page["events"] or nxt <= since:
                break
            since = nxt
        return [e for e in events if (type is None or e.get("type") == type)
                and (pair is None or e.get("pair") == pair)]

    def trace_df(self, since: int = 0, *, type: Optional[str] = None,
                 pair: Optional[int] = None) -> "pandas.DataFrame":
        """The trace as a pandas DataFrame, one row per event, with nullable integer columns (``Int64``:
        ``len`` is <NA> on a state event, not NaN in a float column)."""
        from .frames import frame

        return frame(self.trace(since, type=type, pair=pair))

    def states(self, endpoint: Endpoint, pair: Optional[int] = None) -> List[str]:
        """The states one endpoint went through, e.g. ``['CLOSED', 'SYN_SENT', 'ESTABLISHED', …]`` (the
        current pair unless ``pair`` says otherwise)."""
        return state_sequence(self.trace(type="state"), endpoint, pair if pair is not None else self.current)

    def segments(self, pair: Optional[int] = None, event: str = "sent") -> List[Event]:
        """The segment events of a pair (current by default): ``sent`` by default, or ``delivered``,
        ``dropped``, ``duplicated``, ``delayed``, ``held``, ``released``."""
        pid = pair if pair is not None else self.current
        return [e for e in self.trace(type="segment", pair=pid) if e.get("event") == event]

    def pcap(self) -> bytes:
        """The segments as a pcap file (bytes): open it in Wireshark or ``tshark -r``."""
        return self.lab.request("GET", self._path("/trace.pcap"), raw=True)

    def save_pcap(self, path: str) -> str:
        """Writes :meth:`pcap` to ``path``; answers the path."""
        with open(path, "wb") as f:
            f.write(self.pcap())
        return path

    def journal(self) -> List[Dict[str, Any]]:
        """What the server stored of this simulation, from which it rebuilds it after a restart:
        ``[{entry, atMs, kind, request, recordedAt}]`` (entry 0 ``create``, then ``pair``, ``event``,
        ``clock``, ``scenario``). Raises :class:`~tcplab_client.NotFound` when journaling is off."""
        return self.lab.request("GET", self._path("/journal"))

    def journal_df(self) -> "pandas.DataFrame":
        """:meth:`journal` as a pandas DataFrame (nullable dtypes)."""
        from .frames import frame

        return frame(self.journal())

    def ladder(self, pair: Optional[int] = None, ax: Any = None, title: Optional[str] = None) -> Any:
        """Draws the ladder diagram of a pair (current by default) with matplotlib. Answers a
        :class:`~tcplab_client.ladder.Ladder`, which Jupyter shows once as the cell's value; ``.savefig()``
        saves it. With ``ax``, draws on that Axes and answers it."""
        pid = pair if pair is not None else self.current
        if pid is None:
            raise ValueError("no pair yet: call pair() first")
        return _draw_ladder(self.trace(), pid, ax=ax, title=title or f"{self.profile} · pair {pid}")

    def stream(self, since: Optional[int] = 0, **options: Any) -> "Stream":
        """The live trace over the WebSocket: an iterator of trace events from ``since`` on, each once, as
        they happen (see :class:`~tcplab_client.stream.Stream` for ``idle_timeout``, ``messages``,
        ``reconnect``). Needs python3-websocket."""
        from .stream import Stream

        return Stream(self.lab, self.id, since, **options)


class Pair(_Fresh, _Calls):
    """A client/server pair of a simulation; socket calls, faults and readings on it act on this pair.

    ``data`` is the pair's JSON (both endpoints' state, TCB variables, timers), read again after anything
    changed the simulation, so ``repr`` and ``client_state`` are never stale.
    """

    def __init__(self, sim: Simulation, data: Dict[str, Any]) -> None:
        self.sim = sim
        self.id: int = data["id"]
        self._data = data
        self._data_version = sim._version
        self.last_trace: List[Event] = []

    def __repr__(self) -> str:
        d = self.data
        c, s = d.get("client") or {}, d.get("server") or {}
        return (f"Pair({self.id}: client {c.get('port')} {c.get('state')}, "
                f"server {s.get('port')} {s.get('state')})")

    def _simulation(self) -> "Simulation":
        return self.sim

    def _own_path(self) -> str:
        return self.sim._path(f"/pairs/{self.id}")

    client: Dict[str, Any] = _json_field(
        dict, "client", doc="The client endpoint: ``state``, ``port``, ``iss``, ``sndUna``, ``sndNxt``, ``rcvNxt``, ``timers``, …")
    server: Dict[str, Any] = _json_field(dict, "server", doc="The server endpoint (same fields as :attr:`client`).")
    client_state = _json_field(str, "client", "state", doc="The client's TCP state now, e.g. ``\"TIME_WAIT\"``.")
    server_state = _json_field(str, "server", "state", doc="The server's TCP state now, e.g. ``\"LAST_ACK\"``.")

    def _event(self, type: str, side: str, fields: Mapping[str, Any]) -> Dict[str, Any]:
        answer = self.sim._pair_event(self.id, type, side, fields)
        self.last_trace = self.sim.last_trace
        return answer

    def trace(self, since: int = 0, *, type: Optional[str] = None) -> List[Event]:
        """This pair's trace events (see :meth:`Simulation.trace`)."""
        return self.sim.trace(since, type=type, pair=self.id)

    def trace_df(self, since: int = 0, *, type: Optional[str] = None) -> "pandas.DataFrame":
        """This pair's trace as a DataFrame (see :meth:`Simulation.trace_df`)."""
        return self.sim.trace_df(since, type=type, pair=self.id)

    def states(self, endpoint: Endpoint) -> List[str]:
        """The states one endpoint of this pair went through."""
        return self.sim.states(endpoint, pair=self.id)

    def segments(self, event: str = "sent") -> List[Event]:
        """This pair's segment events (``sent`` by default)."""
        return self.sim.segments(pair=self.id, event=event)

    def ladder(self, ax: Any = None, title: Optional[str] = None) -> Any:
        """Draws this pair's ladder diagram (see :meth:`Simulation.ladder`)."""
        return self.sim.ladder(pair=self.id, ax=ax, title=title)

    def packetdrill(self, side: Side = "client") -> str:
        """This pair as a packetdrill script from ``side``'s point of view, for a real kernel to judge
        (docs/packetdrill.md). Raises :class:`~tcplab_client.Conflict` when no segment was traced."""
        return self.sim.lab.request("GET", self.sim._path(f"/pairs/{self.id}/packetdrill"), params={"side": side},
                                    accept="text/plain, application/problem+json")


class ScenarioRun:
    """A finished scenario run: ``trace``, ``narration`` (each step's text and checked expectations) and
    the live simulation it left behind (``simulation``, ``simulation_id``)."""

    def __init__(self, lab: Lab, data: Dict[str, Any]) -> None:
        self.lab = lab
        self.data = data
        self.name: Optional[str] = data.get("name")
        self.profile: Optional[str] = data.get("profile")
        self.seed: Optional[int] = data.get("seed")
        self.trace: List[Event] = data.get("trace", [])
        self.narration: List[Dict[str, Any]] = data.get("narration", [])
        self.simulation_id: Optional[str] = data.get("simulationId")
        if data.get("traceContinuesAt") is not None:
            # the answer carries the first events only: the rest from the simulation's trace
            rest = Simulation(lab, {"id": self.simulation_id}).trace(since=data["traceContinuesAt"])
            self.trace = self.trace + rest

    def __repr__(self) -> str:
        return (f"ScenarioRun({self.name!r}, profile={self.profile!r}, steps={len(self.narration)}, "
                f"passed={self.passed}, simulation={self.simulation_id!r})")

    @property
    def simulation(self) -> Simulation:
        """The live simulation the run left behind (keep driving it)."""
        return self.lab.open(self.simulation_id)

    @property
    def passed(self) -> bool:
        """True when every expectation of every step held."""
        if "passed" in self.data:
            return bool(self.data["passed"])
        return all(e.get("passed", True) for s in self.narration for e in s.get("expectations", []))

    def failed_expectations(self) -> List[Dict[str, Any]]:
        """The expectations that did not hold, each with its ``step``."""
        return [dict(e, step=s.get("step")) for s in self.narration for e in s.get("expectations", [])
                if not e.get("passed", True)]

    def story(self, lang: str = "en") -> str:
        """The narration as text, one paragraph per step (``lang``: ``en`` or ``ko``)."""
        return "\n".join(f"[{s['step']}] {s['title'][lang]}\n    {s['text'][lang]}" for s in self.narration)

    def step_trace(self, step: int) -> List[Event]:
        """The trace events step ``step`` (1-based) produced."""
        s = self.narration[step - 1]
        return [e for e in self.trace if s["fromSeq"] <= e["seq"] < s["toSeq"]]

    def trace_df(self) -> "pandas.DataFrame":
        """The run's trace as a pandas DataFrame (nullable dtypes)."""
        from .frames import frame

        return frame(self.trace)

    def ladder(self, pair: int = 1, ax: Any = None) -> Any:
        """Draws the ladder of one pair of the run (see :meth:`Simulation.ladder`)."""
        return _draw_ladder(self.trace, pair, ax=ax, title=self.name)

    def delete(self) -> bool:
        """Deletes the simulation the run left behind."""
        return self.lab.delete(self.simulation_id) if self.simulation_id else False


class Comparison:
    """A what-if comparison: ``variants`` (each with ``label``, ``summary``, ``narration``, ``trace`` and its
    live ``simulationId``) and ``differences`` (each aspect whose value differs between variants)."""

    def __init__(self, lab: Lab, data: Dict[str, Any]) -> None:
        self.lab = lab
        self.data = data
        self.variants: List[Dict[str, Any]] = data.get("variants", [])
        self.differences: List[Dict[str, Any]] = data.get("differences", [])

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def __repr__(self) -> str:
        return (f"Comparison({self.data.get('scenario') if isinstance(self.data.get('scenario'), str) else '…'}, "
                f"variants={[v.get('label') for v in self.variants]}, differences={len(self.differences)})")

    def variant(self, label: str) -> Dict[str, Any]:
        """The variant with this label."""
        for v in self.variants:
            if v.get("label") == label:
                return v
        raise KeyError(label)

    def simulation(self, label: str) -> Simulation:
        """The live simulation of one variant."""
        return self.lab.open(self.variant(label)["simulationId"])

    def differences_df(self) -> "pandas.DataFrame":
        """The differences as a DataFrame: one row per aspect and endpoint, one column per variant."""
        from .frames import frame

        return frame({"aspect": d.get("aspect"), "endpoint": d.get("endpoint"), **(d.get("values") or {})}
                     for d in self.differences)

    def delete(self) -> int:
        """Deletes every variant's simulation; answers how many were deleted."""
        return sum(1 for v in self.variants if v.get("simulationId") and self.lab.delete(v["simulationId"]))


class PacketdrillRun:
    """A packetdrill script run in the lab: ``passed``, the first ``failure`` (or None), ``lines`` (each
    line's status and message), the ``trace`` and the live simulation (``simulation_id``)."""

    def __init__(self, lab: Lab, data: Dict[str, Any]) -> None:
        self.lab = lab
        self.data = data
        self.passed: bool = bool(data.get("passed"))
        self.failure: Optional[Dict[str, Any]] = data.get("failure")
        self.lines: List[Dict[str, Any]] = data.get("lines", [])
        self.trace: List[Event] = data.get("trace", [])
        self.simulation_id: Optional[str] = data.get("simulationId")

    def __repr__(self) -> str:
        return f"PacketdrillRun(passed={self.passed}, lines={len(self.lines)}, failure={self.failure!r})"

    @property
    def simulation(self) -> Simulation:
        """The live simulation the script ran in."""
        return self.lab.open(self.simulation_id)

    def ladder(self, pair: int = 1, ax: Any = None) -> Any:
        """Draws the ladder of the run (see :meth:`Simulation.ladder`)."""
        return _draw_ladder(self.trace, pair, ax=ax, title="packetdrill")

    def delete(self) -> bool:
        """Deletes the simulation the script ran in."""
        return self.lab.delete(self.simulation_id) if self.simulation_id else False


class OwnedSimulation:
    """One entry of :meth:`Lab.my_simulations`: ``id``, ``kind`` (simulation, scenario, comparison,
    packetdrill, …), ``label``, ``profile``, ``kept`` and the rest of the server's fields in ``data``."""

    def __init__(self, lab: Lab, data: Dict[str, Any]) -> None:
        self.lab = lab
        self.data = data
        self.id: str = data["id"]
        self.kind: Optional[str] = data.get("kind")
        self.label: Optional[str] = data.get("label")
        self.profile: Optional[str] = data.get("profile")
        self.kept: bool = bool(data.get("kept"))

    def __repr__(self) -> str:
        return f"OwnedSimulation({self.id!r}, kind={self.kind!r}, label={self.label!r}, kept={self.kept})"

    def open(self) -> Simulation:
        """The simulation itself."""
        return self.lab.open(self.id)

    def delete(self) -> bool:
        """Deletes it (frees its place in your limits); False when it was already gone."""
        return self.lab.delete(self.id)
