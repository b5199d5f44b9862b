"""HTTP client for the tcplab REST API (docs/api.md). Standard library only."""

import json
import urllib.error
import urllib.parse
import urllib.request


class ProblemError(Exception):
    """An HTTP error answered by the server, with its RFC 9457 problem details.

    ``status`` is the HTTP status, ``title`` and ``detail`` come from the problem+json body
    (``detail`` says what was wrong), ``problem`` is the whole body as a dict.
    """

    def __init__(self, method, path, status, problem):
        self.method = method
        self.path = path
        self.status = status
        self.problem = problem if isinstance(problem, dict) else {"detail": str(problem)}
        self.title = self.problem.get("title")
        self.detail = self.problem.get("detail")
        super().__init__(f"{method} {path} -> {status} {self.title or ''}: {self.detail or ''}".strip())


class Lab:
    """A tcplab server, e.g. ``Lab("http://localhost:8080")``."""

    def __init__(self, url="http://localhost:8080", timeout=60):
        self.url = url.rstrip("/")
        self.timeout = timeout

    # ---- transport ----
    def request(self, method, path, body=None, content_type="application/json", raw=False):
        """Sends one request; answers the decoded JSON (or bytes with ``raw``)."""
        data = None
        if body is not None:
            data = body.encode("utf-8") if isinstance(body, str) else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        req.add_header("Accept", "*/*" if raw else "application/json, application/problem+json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                payload = resp.read()
        except urllib.error.HTTPError as err:
            text = err.read().decode("utf-8", "replace")
            try:
                problem = json.loads(text)
            except ValueError:
                problem = {"detail": text[:500]}
            raise ProblemError(method, path, err.code, problem) from None
        if raw:
            return payload
        return json.loads(payload) if payload else None

    # ---- simulations ----
    def simulation(self, profile="linux", seed=None, **fields):
        """Creates a simulation (manual clock unless ``clock="realtime"``)."""
        body = {"profile": profile, **fields}
        if seed is not None:
            body["seed"] = seed
        return Simulation(self, self.request("POST", "/api/simulations", body))

    def open(self, simulation_id):
        """An existing simulation, e.g. the ``simulationId`` of a scenario run."""
        return Simulation(self, self.request("GET", f"/api/simulations/{_q(simulation_id)}"))

    # ---- scenarios ----
    def scenarios(self):
        """The built-in scenarios: names, titles and steps in English and Korean."""
        return self.request("GET", "/api/scenarios")

    def scenario(self, name):
        """The document of a built-in scenario: a starting point for your own."""
        return self.request("GET", f"/api/scenarios/{_q(name)}")

    def run_scenario(self, scenario, profile=None, seed=None, **fields):
        """Runs a built-in scenario by name, or your own document (a dict, or JSON/YAML text)."""
        body = {k: v for k, v in {"profile": profile, "seed": seed, **fields}.items() if v is not None}
        if isinstance(scenario, str) and _is_name(scenario):
            answer = self.request("POST", f"/api/scenarios/{_q(scenario)}/runs", body)
        elif isinstance(scenario, str):
            query = urllib.parse.urlencode(body)
            ctype = "application/json" if scenario.lstrip().startswith("{") else "application/yaml"
            answer = self.request("POST", "/api/scenarios/runs" + ("?" + query if query else ""), scenario, ctype)
        else:
            query = urllib.parse.urlencode(body)
            answer = self.request("POST", "/api/scenarios/runs" + ("?" + query if query else ""), scenario)
        return ScenarioRun(self, answer)

    def compare(self, scenario, variants):
        """What-if comparison: ``compare("old-duplicate", [{"label": "2MSL"},
        {"label": "no TIME_WAIT", "overrides": {"timeWaitMs": 0}}])``."""
        return self.request("POST", "/api/comparisons", {"scenario": scenario, "variants": list(variants)})


class Simulation:
    """One simulation on the server. Socket calls and faults go to a pair (the last one opened
    unless ``pair=`` says otherwise)."""

    def __init__(self, lab, data):
        self.lab = lab
        self.data = data
        self.id = data["id"]
        self.profile = data.get("profile")
        self.seed = data.get("seed")
        pairs = data.get("pairs") or []
        self.current = pairs[-1]["id"] if pairs else None

    def __repr__(self):
        return f"Simulation(id={self.id!r}, profile={self.profile!r}, seed={self.seed!r})"

    def _path(self, tail=""):
        return f"/api/simulations/{_q(self.id)}{tail}"

    def refresh(self):
        self.data = self.lab.request("GET", self._path())
        return self.data

    def pair(self, **fields):
        """Opens a pair (by default already ESTABLISHED on the virtual clock)."""
        p = Pair(self, self.lab.request("POST", self._path("/pairs"), fields))
        self.current = p.id
        return p

    def event(self, type, side=None, pair=None, **fields):
        """Sends one event (see docs/api.md); answers ``{result, trace}``."""
        pid = pair if pair is not None else self.current
        if pid is None:
            raise ValueError("no pair yet: call pair() first")
        body = {"type": type, **fields}
        if side is not None:
            body["side"] = side
        return self.lab.request("POST", self._path(f"/pairs/{pid}/events"), body)

    # socket calls
    def close(self, side, pair=None):
        return self.event("close", side, pair)["result"]

    def shutdown(self, side, how="SHUT_WR", pair=None):
        return self.event("shutdown", side, pair, how=how)["result"]

    def send(self, side, nbytes, pair=None):
        return self.event("send", side, pair, bytes=nbytes)["result"]

    def recv(self, side, max=None, pair=None):
        fields = {} if max is None else {"max": max}
        return self.event("recv", side, pair, **fields)["result"]

    def abort(self, side, pair=None):
        return self.event("abort", side, pair)["result"]

    def linger(self, side, seconds, onoff=1, pair=None):
        return self.event("setsockopt", side, pair, option="SO_LINGER", onoff=onoff, seconds=seconds)["result"]

    # network faults
    def lose(self, side, segment="ACK", count=1, pair=None):
        return self.event("lose", side, pair, segment=segment, count=count)

    def delay(self, side, segment, ms, pair=None):
        return self.event("delay", side, pair, segment=segment, ms=ms)

    def duplicate(self, side, segment, pair=None):
        return self.event("duplicate", side, pair, segment=segment)

    # clock
    def advance(self, ms):
        """Advances the virtual clock by ``ms``; answers the new time in ms."""
        return self.lab.request("POST", self._path("/clock"), {"advanceMs": ms})["nowMs"]

    def run_until_idle(self, max_ms=None):
        body = {"runUntilIdle": True}
        if max_ms is not None:
            body["maxMs"] = max_ms
        return self.lab.request("POST", self._path("/clock"), body)["nowMs"]

    # reading
    def trace(self, since=0):
        """Every trace event since ``since`` as a list of dicts (follows ``nextSeq`` pages)."""
        events = []
        while True:
            page = self.lab.request("GET", self._path(f"/trace?since={int(since)}"))
            events.extend(page["events"])
            nxt = page.get("nextSeq", since)
            if not page["events"] or nxt <= since:
                return events
            since = nxt

    def trace_df(self, since=0):
        """The trace as a pandas DataFrame (one row per event; needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.trace(since))

    def pcap(self):
        """The segments as a pcap file (bytes), for Wireshark."""
        return self.lab.request("GET", self._path("/trace.pcap"), raw=True)

    def states(self, endpoint, pair=None):
        from .ladder import state_sequence

        return state_sequence(self.trace(), endpoint, pair if pair is not None else self.current)

    def ladder(self, pair=None, ax=None, title=None):
        """Draws the ladder diagram of a pair with matplotlib; answers the Figure."""
        from .ladder import ladder

        pid = pair if pair is not None else self.current
        return ladder(self.trace(), pid, ax=ax, title=title or f"{self.profile} · pair {pid}")

    def delete(self):
        self.lab.request("DELETE", self._path())


class Pair:
    """A client/server pair of a simulation; its methods act on this pair."""

    def __init__(self, sim, data):
        self.sim = sim
        self.data = data
        self.id = data["id"]

    def __repr__(self):
        c, s = self.data["client"], self.data["server"]
        return f"Pair({self.id}: client {c['port']} {c['state']}, server {s['port']} {s['state']})"

    def __getattr__(self, name):
        method = getattr(Simulation, name, None)
        if method is None or name.startswith("_") or name in ("pair", "refresh", "delete"):
            raise AttributeError(name)

        def bound(*args, **kwargs):
            if "pair" in method.__code__.co_varnames:
                kwargs.setdefault("pair", self.id)
            return method(self.sim, *args, **kwargs)

        return bound


class ScenarioRun:
    """A finished scenario run: ``trace``, ``narration`` (with each step's expectations) and the
    live ``simulation`` it left behind."""

    def __init__(self, lab, data):
        self.lab = lab
        self.data = data
        self.trace = data.get("trace", [])
        self.narration = data.get("narration", [])
        self.simulation_id = data.get("simulationId")
        if data.get("traceContinuesAt") is not None:
            # the answer carries the first events only: the rest from the simulation's trace
            rest = Simulation(lab, {"id": self.simulation_id}).trace(since=data["traceContinuesAt"])
            self.trace = self.trace + rest

    @property
    def simulation(self):
        return self.lab.open(self.simulation_id)

    @property
    def passed(self):
        """True when every expectation of every step held."""
        return all(e.get("passed", True) for s in self.narration for e in s.get("expectations", []))

    def story(self, lang="en"):
        """The narration as text, one paragraph per step."""
        return "\n".join(f"[{s['step']}] {s['title'][lang]}\n    {s['text'][lang]}" for s in self.narration)

    def ladder(self, pair=1, ax=None):
        from .ladder import ladder

        return ladder(self.trace, pair, ax=ax, title=self.data.get("name"))


def _q(part):
    return urllib.parse.quote(str(part), safe="")


def _is_name(text):
    return all(ch.isalnum() or ch in "-_" for ch in text) and len(text) <= 100
