"""Disclosure control for what is published (For publication): no count of 1 to 5 children or cases can be
read, or worked out, from a published table.

Primary suppression: counts of 1 to 5 show as `c` (DfE practice), and so does every figure that rests on one
(a percentage, its interval, a measure's value whose numerator or denominator is held back). Secondary
suppression: where a row or a column has a total, one held-back cell is never alone in it: the smallest other
count goes too (zeros stay shown, DfE practice), and cells are held back until none can be worked out from
the totals, however the sums are combined (checked exactly, by linear algebra, not only sum by sum).

Applied to the board pack (HTML and PDF) and to the CSV / Excel downloads when For publication is ticked.
Counts of actions are not counts of children and are never suppressed.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable

import numpy as np
import pandas as pd

from . import numbers
from .audits import ALL_STREAMS
from .bands import GRADES

SMALL = range(1, 6)  # DfE practice: counts of 1 to 5 are suppressed in published tables
C = numbers.SUPPRESSED


def small(n) -> bool:
    return n is not None and n == n and int(n) in SMALL


def _matrix(sums: list[tuple[Hashable, list]], hidden: set) -> tuple[list, np.ndarray]:
    """The held-back cells and the sums over them (one row per sum touching one: +1 total, -1 parts)."""
    cells = sorted(hidden, key=repr)
    index = {c: i for i, c in enumerate(cells)}
    rows = []
    for total, parts in sums:
        if total in index or any(p in index for p in parts):
            row = np.zeros(len(cells))
            for c, sign in ((total, 1.0), *((p, -1.0) for p in parts)):
                if c in index:
                    row[index[c]] += sign
            rows.append(row)
    return cells, np.array(rows).reshape(len(rows), len(cells))


def _determined(sums: list[tuple[Hashable, list]], hidden: set) -> list:
    """The held-back cells that the published totals still pin down: cell j is pinned when every solution of
    the sums, over the held-back cells, gives it the same value (the null space of the sums is zero at j)."""
    cells, m = _matrix(sums, hidden)
    if not len(m):
        return []
    _, s, vt = np.linalg.svd(m)
    null = vt[int((s > 1e-9 * max(1.0, s.max(initial=0))).sum()):]  # rows spanning the null space
    pinned = np.abs(null).max(axis=0, initial=0) < 1e-9 if len(null) else np.ones(len(cells), bool)
    return [c for c, p in zip(cells, pinned) if p]


def _bounded(values: dict, sums: list[tuple[Hashable, list]], hidden: set, lower: dict) -> list:
    """The held-back cells that only one value fits once each is at least its lower bound (a printed `c` is at
    least 1, since zeros are printed). From the true figures, a cell can change when some move d along the
    sums (M d = 0) changes it without taking a cell at its bound below it (d >= 0 there): found by linear
    programming, each solution freeing every cell it moves."""
    if all(values[c] > lower[c] for c in hidden):
        return []  # no cell at its bound: any move along the sums, made small enough, stays within them
    from scipy.optimize import linprog  # loaded only when a held-back cell is at its bound

    cells, m = _matrix(sums, hidden)
    if not len(m):
        return []
    bounds = [(0.0 if values[c] <= lower[c] else -1.0, 1.0) for c in cells]
    free = np.zeros(len(cells), bool)
    for j in range(len(cells)):
        for sign in (-1.0, 1.0):
            if free[j]:
                break
            cost = np.zeros(len(cells))
            cost[j] = sign
            res = linprog(cost, A_eq=m, b_eq=np.zeros(len(m)), bounds=bounds, method="highs")
            if res.status == 0:
                free |= np.abs(res.x) > 1e-7
    return [c for c, f in zip(cells, free) if not f]


def protect(values: dict, sums: Iterable[tuple[Hashable, list]] = (), rests_on: dict | None = None,
            unprinted: Iterable = ()) -> set:
    """The cells to show as `c`. values: cell -> count; sums: (total, parts) where total = sum(parts), as
    published; rests_on: a figure -> the cells it is worked out from (it is held back with any of them);
    unprinted: figures a reader works out from printed ones (rests_on gives which), never chosen themselves:
    to hide one, the smallest printed cell it rests on goes."""
    sums = [(t, list(p)) for t, p in sums]
    rests_on = rests_on or {}
    unprinted = set(unprinted)
    hidden = {k for k, v in values.items() if small(v) and k not in unprinted}

    def printed(c):
        return [b for b in rests_on[c] if b not in hidden] if c in unprinted else [c]

    def shown_nonzero(cells) -> list:
        cells = {b for c in cells if c not in hidden and values[c] for b in printed(c) if values[b]}
        return sorted(cells, key=lambda c: (values[c], repr(c)))

    while True:
        grew = {d for d, bases in rests_on.items() if d not in hidden and any(b in hidden for b in bases)}
        for total, parts in sums:
            held = [c for c in parts if c in hidden]
            alone = len(held) + (total in hidden) == 1  # one held-back cell alone in a sum
            # held-back parts of a shown total that are all 1s: each is at least 1 (zeros are shown), so known
            ones = total not in hidden and held and sum(values[c] for c in held) <= len(held)
            if alone or ones:  # the smallest other count goes too
                other = shown_nonzero(parts) or shown_nonzero([total])
                grew |= set(other[:1])
        if grew:
            hidden |= grew
            continue
        # a held-back zero (a % resting on a held-back n) may be known: it gives no count away
        pinned = [c for c in _determined(sums, hidden) if values[c] and c not in unprinted] if hidden else []
        if not pinned:  # no sum pins a cell: may the bounds (a printed c is at least 1) still pin one?
            lower = {c: 0 if c in rests_on or not values[c] else 1 for c in hidden}
            pinned = [c for c in _bounded(values, sums, hidden, lower) if values[c] and c not in unprinted]
        if not pinned:
            return hidden
        cell = pinned[0]
        near = shown_nonzero({c for t, p in sums if cell in (t, *p) for c in (t, *p)})
        if not near:  # nothing left beside it: widen to every sum touching a held-back cell
            near = shown_nonzero({c for t, p in sums if hidden & {t, *p} for c in (t, *p)})
        if not near:
            raise ValueError(f"cannot protect {cell!r}: every other count beside it is already held back")
        frees = [c for c in near if cell not in _determined(sums, hidden | {c})]
        hidden.add((frees or near)[0])


# -- the tables that are published ----------------------------------------------------------------------
AUDIT_COUNTS = ("cases", *GRADES)


def audit_hidden(audits: pd.DataFrame) -> set[tuple[int, str]]:
    """For an audit table (audit_summary rows: stream, period, cases and the four grades, with All streams
    as the sum of the streams per period when it is there), the cells to hold back: (row position, column),
    the columns being cases, the grades and good_or_better (the percentage and its interval). Sums never
    cross periods, so each period is protected on its own."""
    rows = audits.reset_index(drop=True)
    hidden = set()
    for _, period in rows.groupby("period", sort=False):
        values, sums, rests_on = {}, [], {}
        for i, r in period.iterrows():
            for c in AUDIT_COUNTS:
                values[(i, c)] = int(r[c])
            values[(i, "good_or_better")] = int(r["Outstanding"]) + int(r["Good"])
            values[(i, "below_good")] = int(r["Requires Improvement"]) + int(r["Inadequate"])  # n minus the %'s
            sums += [((i, "cases"), [(i, g) for g in GRADES]),
                     ((i, "good_or_better"), [(i, "Outstanding"), (i, "Good")]),
                     ((i, "below_good"), [(i, "Requires Improvement"), (i, "Inadequate")]),
                     ((i, "cases"), [(i, "good_or_better"), (i, "below_good")])]
            # the percentage rests on its numerator (a count itself) and on n: without n it would give n back
            rests_on[(i, "good_or_better")] = [(i, "cases")]
            rests_on[(i, "below_good")] = [(i, "cases"), (i, "good_or_better")]
        total = period.index[period["stream"] == ALL_STREAMS]
        parts = period.index[period["stream"] != ALL_STREAMS]
        if len(total) and len(parts):
            for c in (*AUDIT_COUNTS, "good_or_better", "below_good"):
                sums.append(((total[0], c), [(j, c) for j in parts]))
        hidden |= protect(values, sums, rests_on, [(i, "below_good") for i in period.index])
    return hidden


def audit_table(audits: pd.DataFrame, publication: bool, text: bool = True) -> pd.DataFrame:
    """The audit counts as published: stream, period, cases, the four grades, good or better % and its 95%
    interval, every figure written the one way (numbers.py), `c` where held back for publication. text=False, for
    a download: counts and percentages as whole numbers that stay numbers."""
    rows = audits.reset_index(drop=True)
    hidden = audit_hidden(rows) if publication else set()
    count = numbers.count if text else int
    pct = numbers.pct if text else (lambda p: int(numbers.rounded(p, numbers.PCT_PLACES)))
    shown = lambda i, c, figure: C if (i, c) in hidden else figure  # noqa: E731
    return pd.DataFrame({
        "Stream": rows["stream"], "Period": rows["period_label"],
        "Cases": [shown(i, "cases", count(n)) for i, n in enumerate(rows["cases"])],
        **{g: [shown(i, g, count(n)) for i, n in enumerate(rows[g])] for g in GRADES},
        "Good or better" + ("" if text else " %"): [shown(i, "good_or_better", pct(p))
                                                     for i, p in enumerate(rows["good_or_better_pct"])],
        "95% interval": [shown(i, "good_or_better", numbers.interval(lo, hi))
                         for i, (lo, hi) in enumerate(zip(rows["ci_low"], rows["ci_high"]))]})


def measure_hidden(numerator, denominator) -> tuple[bool, bool, bool]:
    """Whether a measure's value, numerator and denominator are held back: a numerator or denominator of 1 to
    5, and the value that rests on it (with the denominator shown, the value would give the numerator back)."""
    num, den = small(numerator), small(denominator)
    return num or den, num, den


def measure_figures(value, unit, numerator, denominator, publication: bool) -> tuple[str, str, str]:
    """A measure's value, numerator and denominator as published."""
    hide_value, hide_num, hide_den = measure_hidden(numerator, denominator) if publication else (False,) * 3
    return (C if hide_value else numbers.value(value, unit), C if hide_num else numbers.count(numerator),
            C if hide_den else numbers.count(denominator))
