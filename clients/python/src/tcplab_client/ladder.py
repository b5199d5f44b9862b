"""A ladder (sequence) diagram of one pair, drawn with matplotlib from a tcplab trace.

Time runs downwards. Long idle gaps (a 60 s TIME_WAIT) are compressed, as in the web UI, and
labelled with their true length. Each segment is an arrow from the sender's line to the
receiver's; a lost segment ends in a cross half-way; a retransmission is drawn in red; each
state change is written on its endpoint's line.
"""

GAP_MS = 250.0  # a longer quiet stretch is drawn as one compressed step


def state_sequence(events, endpoint, pair=1):
    """``['CLOSED', 'SYN_SENT', 'ESTABLISHED', ...]`` for one endpoint of a pair."""
    seq = []
    for e in events:
        if e.get("type") == "state" and e.get("pair") == pair and e.get("endpoint") == endpoint:
            if not seq:
                seq.append(e["from"])
            seq.append(e["to"])
    return seq


def layout(events, pair=1):
    """What :func:`ladder` draws, as plain data (so it can be tested without matplotlib).

    Answers ``{"rows": {timeMs: y}, "arrows": [...], "states": [...], "gaps": [...]}`` where an
    arrow is ``{id, from, to, t0, t1, label, lost, retransmission}`` and y grows downwards.
    """
    mine = [e for e in events if e.get("pair") == pair and e.get("type") in ("segment", "state")]
    sent, arrows, states = {}, [], []
    for e in mine:
        if e["type"] == "state":
            if e.get("endpoint") in ("client", "server"):
                states.append({"endpoint": e["endpoint"], "t": e["timeMs"], "state": e["to"]})
            continue
        kind = e.get("event")
        if kind == "sent":
            label = ",".join(e.get("flags", []))
            if e.get("len"):
                label += f" len={e['len']}"
            label += f" seq={e.get('relSeq')}"
            if "ACK" in e.get("flags", []):
                label += f" ack={e.get('relAck')}"
            sent[e["id"]] = {"id": e["id"], "from": e["from"], "to": e["to"], "t0": e["timeMs"], "t1": None,
                             "label": label, "lost": False, "retransmission": bool(e.get("retransmission"))}
        elif kind in ("delivered", "dropped") and e.get("id") in sent:
            a = dict(sent[e["id"]])
            a["t1"] = e["timeMs"]
            a["lost"] = kind == "dropped"
            arrows.append(a)
    times = sorted({a["t0"] for a in arrows} | {a["t1"] for a in arrows} | {s["t"] for s in states})
    rows, gaps, y, prev = {}, [], 0.0, None
    for t in times:
        if prev is not None:
            dt = t - prev
            step = 1.0 if dt > GAP_MS else max(0.6, dt / GAP_MS)
            if dt > GAP_MS:
                gaps.append({"y": y + step / 2, "ms": dt})
            y += step
        rows[t] = y
        prev = t
    return {"rows": rows, "arrows": arrows, "states": states, "gaps": gaps}


def ladder(events, pair=1, ax=None, title=None):
    """Draws the ladder of ``pair``; answers the matplotlib Figure (shown inline in Jupyter)."""
    import matplotlib.pyplot as plt

    data = layout(events, pair)
    rows = data["rows"]
    height = max(3.0, 0.6 * (max(rows.values(), default=0) + 2))
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, height))
    else:
        fig = ax.figure
    x = {"client": 0.0, "server": 1.0}
    bottom = max(rows.values(), default=0) + 1
    for name, xv in x.items():
        ax.plot([xv, xv], [-0.5, bottom], color="#555", lw=1.5)
        ax.text(xv, -0.8, name, ha="center", va="bottom", fontsize=11, fontweight="bold")
    for a in data["arrows"]:
        y0, y1 = rows[a["t0"]], rows[a["t1"]]
        x0, x1 = x[a["from"]], x[a["to"]]
        colour = "#c62828" if a["retransmission"] else "#1565c0"
        if a["lost"]:
            xm, ym = (x0 + x1) / 2, (y0 + y1) / 2
            ax.annotate("", xy=(xm, ym), xytext=(x0, y0),
                        arrowprops=dict(arrowstyle="-", color=colour, lw=1.2, ls="--"))
            ax.plot([xm], [ym], marker="x", color="#c62828", markersize=10, mew=2)
            label = a["label"] + " (lost)"
        else:
            ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                        arrowprops=dict(arrowstyle="->", color=colour, lw=1.4))
            label = a["label"]
        if a["retransmission"]:
            label += " (retx)"
        # the label sits near the sender's end, so crossing arrows keep their labels apart
        lx, ly = x0 + 0.3 * (x1 - x0), y0 + 0.3 * (y1 - y0)
        ax.text(lx, ly - 0.05, label, ha="center", va="bottom", fontsize=8,
                color=colour, bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    for s in data["states"]:
        xv = x[s["endpoint"]]
        ax.text(xv + (-0.04 if s["endpoint"] == "client" else 0.04), rows[s["t"]], s["state"],
                ha="right" if s["endpoint"] == "client" else "left", va="center", fontsize=8,
                color="#2e7d32")
    for g in data["gaps"]:
        ax.text(0.5, g["y"], f"… {g['ms'] / 1000:.3g} s …", ha="center", va="center", fontsize=8,
                color="#777", style="italic")
    for t, y in rows.items():
        ax.text(-0.42, y, f"{t:.1f} ms", ha="right", va="center", fontsize=7, color="#777")
    ax.set_xlim(-0.75, 1.45)
    ax.set_ylim(bottom + 0.2, -1.2)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return fig
