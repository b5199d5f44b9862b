#!/usr/bin/env python3
"""tcplab from a notebook: the same cells as tcplab_demo.ipynb, as a plain script.

Uses only the Python standard library (urllib, json). Run against a tcplab server:

    python3 examples/notebook/tcplab_demo.py --base-url http://localhost:8080 --out lost-last-ack.pcap

It runs the built-in `lost-last-ack` scenario and prints its narration, then builds the same situation by hand:
create a simulation, open a pair, close the client, lose the client's last ACK, advance the virtual clock, print
the state sequence of both endpoints and save the segments as a pcap file (open it in Wireshark).
"""
import argparse
import json
import sys
import urllib.error
import urllib.request


class Tcplab:
    """A tiny client for the tcplab REST API (see docs/api.md)."""

    def __init__(self, base_url):
        self.base = base_url.rstrip("/")

    def call(self, method, path, body=None, raw=False):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                payload = resp.read()
        except urllib.error.HTTPError as err:
            problem = err.read().decode("utf-8", "replace")
            raise RuntimeError(f"{method} {path} -> {err.code}: {problem}") from None
        if raw:
            return payload
        return json.loads(payload) if payload else None

    def create(self, **fields):
        return self.call("POST", "/api/simulations", fields)

    def pair(self, sim_id, **fields):
        return self.call("POST", f"/api/simulations/{sim_id}/pairs", fields)

    def event(self, sim_id, pair_id, **event):
        return self.call("POST", f"/api/simulations/{sim_id}/pairs/{pair_id}/events", event)

    def clock(self, sim_id, **fields):
        return self.call("POST", f"/api/simulations/{sim_id}/clock", fields)

    def trace(self, sim_id, since=0):
        return self.call("GET", f"/api/simulations/{sim_id}/trace?since={since}")

    def pcap(self, sim_id):
        return self.call("GET", f"/api/simulations/{sim_id}/trace.pcap", raw=True)

    def run_scenario(self, name, **fields):
        return self.call("POST", f"/api/scenarios/{name}/runs", fields)


def state_sequence(events, endpoint, pair=1):
    """['ESTABLISHED', 'FIN_WAIT_1', ...] for one endpoint of a pair."""
    seq = []
    for e in events:
        if e["type"] == "state" and e.get("pair") == pair and e["endpoint"] == endpoint:
            if not seq:
                seq.append(e["from"])
            seq.append(e["to"])
    return seq


def ladder(events, pair=1):
    """One line per segment put on the wire, like a ladder diagram."""
    lines = []
    for e in events:
        if e["type"] == "segment" and e.get("pair") == pair and e["event"] in ("sent", "dropped"):
            arrow = "-->" if e["from"] == "client" else "<--"
            flags = ",".join(e["flags"])
            extra = " (RETRANSMISSION)" if e["retransmission"] else ""
            if e["event"] == "dropped":
                lines.append(f"{e['timeMs']:>10.1f} ms        {arrow} x  {flags} lost")
            else:
                lines.append(f"{e['timeMs']:>10.1f} ms  client {arrow} server  {flags:<8} seq={e['relSeq']} ack={e['relAck']}{extra}")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://localhost:8080")
    parser.add_argument("--profile", default="linux")
    parser.add_argument("--lang", default="en", choices=["en", "ko"])
    parser.add_argument("--out", default="lost-last-ack.pcap")
    args = parser.parse_args(argv)
    lab = Tcplab(args.base_url)

    # Cell 1: a built-in scenario with its narration
    run = lab.run_scenario("lost-last-ack", profile=args.profile, seed=42)
    print(f"# scenario {run['name']} on {run['profile']} (simulation {run['simulationId']})")
    for step in run["narration"]:
        print(f"[{step['step']}] {step['title'][args.lang]}  (trace seq {step['fromSeq']}..{step['toSeq'] - 1})")
        print(f"    {step['text'][args.lang]}")

    # Cell 2: the same situation by hand
    sim = lab.create(profile=args.profile, seed=42)
    sim_id = sim["id"]
    print(f"\n# simulation {sim_id}: profile {sim['profile']}, TIME_WAIT {sim['constants']['timeWaitMs']} ms")
    pair = lab.pair(sim_id)
    p = pair["id"]
    print(f"pair {p}: client {pair['client']['address']}:{pair['client']['port']} {pair['client']['state']}, "
          f"server {pair['server']['address']}:{pair['server']['port']} {pair['server']['state']}")

    # Cell 3: the client closes, the server reads EOF, the client's last ACK will be lost
    print("close(client) ->", lab.event(sim_id, p, type="close", side="client")["result"])
    lab.clock(sim_id, advanceMs=100)
    print("recv(server)  ->", lab.event(sim_id, p, type="recv", side="server")["result"])
    lab.event(sim_id, p, type="lose", side="client", segment="ACK", count=1)
    print("close(server) ->", lab.event(sim_id, p, type="close", side="server")["result"])

    # Cell 4: advance the virtual clock past the server's retransmission
    now = lab.clock(sim_id, advanceMs=2000)["nowMs"]
    print(f"virtual time now {now} ms")

    # Cell 5: the state sequence and the ladder
    events = lab.trace(sim_id)["events"]
    print("client:", " -> ".join(state_sequence(events, "client", p)))
    print("server:", " -> ".join(state_sequence(events, "server", p)))
    for line in ladder(events, p):
        print(line)

    # Cell 6: TIME_WAIT runs out; save the pcap for Wireshark
    lab.clock(sim_id, runUntilIdle=True)
    events = lab.trace(sim_id)["events"]
    print("client after TIME_WAIT:", " -> ".join(state_sequence(events, "client", p)))
    with open(args.out, "wb") as f:
        f.write(lab.pcap(sim_id))
    print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
