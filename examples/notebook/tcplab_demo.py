#!/usr/bin/env python3
"""tcplab from a notebook: the same cells as tcplab_demo.ipynb, as a plain script.

Uses the tcplab_client package from clients/python (it needs requests: Debian's python3-requests). Run against
a tcplab server:

    python3 examples/notebook/tcplab_demo.py --base-url http://localhost:8080 --out lost-last-ack.pcap

It runs the built-in `lost-last-ack` scenario and prints its narration, then builds the same situation by hand:
create a simulation, open a pair, close the client, lose the client's last ACK, advance the virtual clock, print
the state sequence of both endpoints and save the segments as a pcap file (open it in Wireshark).
"""
import argparse
import os
import sys

try:
    import tcplab_client  # see clients/python/README.md, "Install"
except ImportError:  # not installed: use the copy in this repository
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "src"))
from tcplab_client import Lab


def ladder(events, pair=1):
    """One line per segment put on the wire, like a ladder diagram (text; sim.ladder() draws one)."""
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
    parser.add_argument("--base-url", default=os.environ.get("TCPLAB_URL", "http://localhost:8080"))
    parser.add_argument("--profile", default="linux")
    parser.add_argument("--lang", default="en", choices=["en", "ko"])
    parser.add_argument("--out", default="lost-last-ack.pcap")
    args = parser.parse_args(argv)
    with Lab(args.base_url) as lab:  # deletes what it made at the end
        # Cell 1: a built-in scenario with its narration
        run = lab.run_scenario("lost-last-ack", profile=args.profile, seed=42)
        print(f"# scenario {run.name} on {run.profile} (simulation {run.simulation_id})")
        print(run.story(args.lang))

        # Cell 2: the same situation by hand
        sim = lab.simulation(profile=args.profile, seed=42)
        print(f"\n# simulation {sim.id}: profile {sim.profile}, TIME_WAIT {sim.constants['timeWaitMs']} ms")
        pair = sim.pair()
        print(pair)

        # Cell 3: the client closes, the server reads EOF, the client's last ACK will be lost
        print("close(client) ->", pair.close("client"))
        sim.advance(100)
        print("recv(server)  ->", pair.recv("server"))
        pair.lose("client", "ACK", count=1)
        print("close(server) ->", pair.close("server"))

        # Cell 4: advance the virtual clock past the server's retransmission
        print(f"virtual time now {sim.advance(2000)} ms")

        # Cell 5: the state sequence and the ladder
        print("client:", " -> ".join(pair.states("client")))
        print("server:", " -> ".join(pair.states("server")))
        for line in ladder(sim.trace(), pair.id):
            print(line)

        # Cell 6: TIME_WAIT runs out; save the pcap for Wireshark
        sim.run_until_idle()
        print("client after TIME_WAIT:", " -> ".join(pair.states("client")))
        sim.save_pcap(args.out)
        print(f"saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
