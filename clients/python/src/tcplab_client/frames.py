"""pandas DataFrames from tcplab answers, with nullable dtypes (needs pandas; imported when called)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

# Columns that are whole numbers whenever present: trace events (seq, pair, segment id, TCP numbers, lengths,
# windows) and journal entries. A column that is missing on some rows (e.g. "len" on state events) stays an
# integer column with <NA> there, never float64.
INTEGER_COLUMNS = frozenset({
    "seq", "pair", "id", "tcpSeq", "ack", "relSeq", "relAck", "len", "window", "answers", "count", "nth",
    "entry", "recordedAt", "fromSeq", "toSeq", "step", "createdAt", "viewers",
})


def frame(rows: Iterable[Mapping[str, Any]]):
    """A DataFrame of ``rows`` (dicts) with nullable dtypes: pandas ``Int64`` for integer columns (also
    where some rows lack the field), ``boolean`` for true/false columns, float64 for times in ms, object for
    the rest (strings, lists such as ``flags``, nested dicts such as ``args``)."""
    import pandas as pd

    rows = [dict(r) for r in rows]
    df = pd.DataFrame(rows)
    for name in df.columns:
        # judge by the JSON values, not by the column pandas made of them (ints with gaps become floats)
        values = [r[name] for r in rows if r.get(name) is not None]
        if not values:
            continue
        if all(isinstance(v, bool) for v in values):
            df[name] = pd.array([r.get(name) for r in rows], dtype="boolean")
        elif all(_whole(v) for v in values) and (name in INTEGER_COLUMNS
                                                  or all(isinstance(v, int) for v in values)):
            df[name] = pd.array([None if r.get(name) is None else int(r[name]) for r in rows], dtype="Int64")
    return df


def _whole(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer())
