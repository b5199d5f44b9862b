"""A ladder (sequence) diagram of one pair, drawn with matplotlib from a tcplab trace.

Time runs downwards. Long idle gaps (a 60 s TIME_WAIT) are compressed, as in the web UI, and
labelled with their true length. Each segment is an arrow from the sender's line to the
receiver's; a lost segment ends in a cross half-way; a retransmission is drawn in red; each
state change is written on its endpoint's line.

The figure is made without ``pyplot``, so Jupyter shows it exactly once: as the value of the cell
(:class:`Ladder` has ``_repr_png_``), never a second time when pyplot flushes its figures.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

GAP_MS = 250.0  # a longer quiet stretch is drawn as one compressed step

Event = Mapping[str, Any]


def state_sequence(events: Iterable[Event], endpoint: str, pair: Optional[int] = 1) -> List[str]:
    """``['CLOSED', 'SYN_SENT', 'ESTABLISHED', ...]``: the states of one endpoint (``client``, ``server``
    or ``listener``) of a pair, read from the trace's state events (``pair=None``: any pair)."""
    seq: List[str] = []
    for e in events:
        if e.get("type") == "state" and (pair is None or e.get("pair") == pair) and e.get("endpoint") == endpoint:
            if not seq:
                seq.append(e["from"])
            seq.append(e["to"])
    return seq


def layout(events: Iterable[Event], pair: int = 1) -> Dict[str, Any]:
    """What :func:`ladder` draws, as plain data (so it can be tested without matplotlib).

    Answers ``{"rows": {timeMs: y}, "arrows": [...], "states": [...], "gaps": [...]}`` where an
    arrow is ``{id, from, to, t0, t1, label, lost, retransmission}`` and y grows downwards.
    """
    mine = [e for e in events if e.get("pair") == pair and e.get("type") in ("segment", "state")]
    sent: Dict[Any, Dict[str, Any]] = {}
    arrows: List[Dict[str, Any]] = []
    states: List[Dict[str, Any]] = []
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
    rows: Dict[float, float] = {}
    gaps: List[Dict[str, float]] = []
    y, prev = 0.0, None
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


class Ladder:
    """A drawn ladder diagram. In Jupyter it shows itself once as the cell's value (PNG); elsewhere
    save it with :meth:`savefig`. ``figure`` is the matplotlib Figure, ``axes`` its one Axes."""

    def __init__(self, figure: Any, title: Optional[str] = None) -> None:
        self.figure = figure
        self.title = title

    @property
    def axes(self) -> Any:
        """The matplotlib Axes the ladder is drawn on."""
        return self.figure.axes[0]

    def texts(self) -> List[str]:
        """Every text written on the diagram (endpoint names, segment labels, states, times)."""
        return [t.get_text() for t in self.axes.texts]

    def savefig(self, fname: Any, **kwargs: Any) -> None:
        """Saves the diagram (``matplotlib.figure.Figure.savefig``; e.g. ``"ladder.png"`` or ``.svg``)."""
        kwargs.setdefault("bbox_inches", "tight")
        self.figure.savefig(fname, **kwargs)

    def _repr_png_(self) -> bytes:
        import io

        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=100)
        return buf.getvalue()

    def __repr__(self) -> str:
        return f"<Ladder {self.title or ''}: {len(self.axes.texts)} labels>"


def ladder(events: Iterable[Event], pair: int = 1, ax: Any = None, title: Optional[str] = None) -> Any:
    """Draws the ladder of ``pair``. Without ``ax``, answers a :class:`Ladder` (shown once inline in
    Jupyter); with a matplotlib ``ax`` of your own, draws on it and answers that Axes."""
    data = layout(events, pair)
    rows = data["rows"]
    height = max(3.0, 0.6 * (max(rows.values(), default=0) + 2))
    own = ax is None
    if own:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(8, height))
        ax = fig.add_subplot()
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
    return Ladder(ax.figure, title) if own else ax
