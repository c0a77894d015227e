"""Disclosure control (For publication): no held-back count can be read or worked out from what is printed.

The property-based tests play the attacker: from the printed table alone (totals, row sums, All streams as the
sum of the streams, each percentage times its n, rounded), they solve for every `c` with integer programming
(scipy's HiGHS) and require at least two possible values."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from scorecard import disclosure, numbers
from scorecard.audits import ALL_STREAMS, wilson
from scorecard.bands import GRADES

C = numbers.SUPPRESSED


def audit_rows(counts: dict[tuple[str, str], list[int]], with_total: bool = True) -> pd.DataFrame:
    """audit_summary rows from (stream, period) -> grade counts, with All streams per period as their sum."""
    rows = []
    periods = sorted({p for _, p in counts})
    for p in periods:
        mine = {s: c for (s, q), c in counts.items() if q == p}
        if with_total:
            mine = {ALL_STREAMS: [sum(c[g] for c in mine.values()) for g in range(4)], **mine}
        for stream, c in mine.items():
            n, gob = sum(c), c[0] + c[1]
            lo, hi = wilson(gob, n)
            rows.append({"stream": stream, "period": p, "period_label": p, "cases": n, **dict(zip(GRADES, c)),
                         "good_or_better_pct": 100 * gob / n if n else None, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def ranges(printed: pd.DataFrame) -> dict[tuple[int, str], tuple[float, float]]:
    """Every `c` in a printed audit table, with the least and the most it can be given everything printed."""
    cols = ["Cases", *GRADES]
    var, known = {}, {}
    for i, r in printed.iterrows():
        for c in cols:
            if r[c] == C:
                var[(i, c)] = len(var)
            else:
                known[(i, c)] = int(r[c].replace(",", ""))
        var[(i, "gob")] = len(var)  # the good-or-better count is never printed, only its %
    rows, lo, hi = [], [], []

    def equal(terms: list[tuple[float, tuple]], rhs: float = 0.0, slack: float = 0.0) -> None:
        a, b = np.zeros(len(var)), rhs
        for coef, cell in terms:
            if cell in var:
                a[var[cell]] += coef
            else:
                b -= coef * known[cell]
        rows.append(a), lo.append(b - slack), hi.append(b + slack)

    for i, r in printed.iterrows():
        equal([(1, (i, "Cases")), *((-1, (i, g)) for g in GRADES)])
        equal([(1, (i, "gob")), (-1, (i, "Outstanding")), (-1, (i, "Good"))])
        if r["Good or better"] != C:
            assert r["Cases"] != C, "a percentage is printed beside a held-back n"
            n, p = known[(i, "Cases")], int(r["Good or better"].rstrip("%"))
            equal([(100, (i, "gob"))], p * n, 0.5 * n)  # p% of n, rounded: within half a point
    for _, period in printed.groupby("Period"):
        total = period.index[period["Stream"] == ALL_STREAMS]
        parts = period.index[period["Stream"] != ALL_STREAMS]
        if len(total) and len(parts):
            for c in [*cols, "gob"]:
                equal([(1, (total[0], c)), *((-1, (j, c)) for j in parts)])
    a = np.array(rows) if rows else np.zeros((0, len(var)))
    low = np.array([1 if cell[1] != "gob" else 0 for cell in var])  # zeros are printed: a c is at least 1
    out = {}
    for cell, j in var.items():
        if cell[1] == "gob":
            continue
        found = []
        for sign in (1, -1):
            cost = np.zeros(len(var))
            cost[j] = sign
            res = milp(cost, constraints=LinearConstraint(a, lo, hi), integrality=np.ones(len(var)),
                       bounds=Bounds(low, np.full(len(var), 10_000)))
            assert res.success, res.message
            found.append(res.x[j])
        out[cell] = (round(found[0]), round(found[1]))
    return out


def test_the_issue_row_cannot_be_worked_back():
    """73 cases, Outstanding 3, Good 31, RI 31, Inadequate 8 printed `c, 31, 31, 8` gave Outstanding = 3."""
    printed = disclosure.audit_table(audit_rows({("Front door", "Q1"): [3, 31, 31, 8]}, with_total=False), True)
    row = printed.iloc[0]
    assert row["Outstanding"] == C and row["Inadequate"] == C  # the smallest other count goes with it
    assert row["Cases"] == "73"
    assert all(lo < hi for lo, hi in ranges(printed).values())


def test_zeros_stay_printed_and_unticked_nothing_changes():
    rows = audit_rows({("A", "Q1"): [0, 20, 11, 2], ("B", "Q1"): [0, 9, 6, 7]})
    public, plain = disclosure.audit_table(rows, True), disclosure.audit_table(rows, False)
    assert (public["Outstanding"] == "0").all()
    assert C not in plain.to_numpy() and plain.loc[1].tolist()[2:7] == ["33", "0", "20", "11", "2"]
    assert public.loc[1, "Inadequate"] == C and public.loc[1, "Requires Improvement"] == C
    assert all(lo < hi for lo, hi in ranges(public).values())


def test_a_measure_value_resting_on_a_small_numerator_is_held_back():
    """SEF27 printed numerator c beside 4.3% of 92."""
    assert disclosure.measure_figures(100 * 4 / 92, "%", 4, 92, True) == (C, C, "92")
    assert disclosure.measure_figures(100 * 4 / 92, "%", 4, 92, False) == ("4.3%", "4", "92")
    assert disclosure.measure_figures(60.0, "%", 3, 5, True) == (C, C, C)
    assert disclosure.measure_figures(0.0, "%", 0, 40, True) == ("0.0%", "0", "40")


grade_counts = st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20, 31]), min_size=4, max_size=4)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(grade_counts, min_size=1, max_size=4), st.integers(1, 2), st.booleans())
def test_no_held_back_audit_count_can_be_worked_out(streams, periods, with_total):
    counts = {(f"S{k}", f"Q{p}"): c for p in range(1, periods + 1) for k, c in enumerate(streams)
              if sum(c) or k == 0}
    counts = {k: c if sum(c) else [0, 1, 0, 0] for k, c in counts.items()}  # every row has cases
    rows = audit_rows(counts, with_total)
    printed = disclosure.audit_table(rows, True)
    for i, r in rows.iterrows():  # every count of 1 to 5 is held back, and every % resting on n of 1 to 5
        for col, c in (("cases", "Cases"), *((g, g) for g in GRADES)):
            assert printed.loc[i, c] == C or not disclosure.small(r[col])
        if disclosure.small(r["cases"]) or disclosure.small(r["Outstanding"] + r["Good"]):
            assert printed.loc[i, "Good or better"] == C and printed.loc[i, "95% interval"] == C
    assert all(lo < hi for lo, hi in ranges(printed).values()), ranges(printed)


@given(st.integers(0, 400), st.integers(1, 400))
def test_no_held_back_numerator_can_be_worked_out_from_the_value(num, den):
    den = max(num, den)
    value, n, d = disclosure.measure_figures(100 * num / den, "%", num, den, True)
    if n == C and value != C:  # the value shown with its denominator must leave several numerators possible
        assert d != C
        fits = [k for k in range(0, den + 1) if numbers.value(100 * k / den, "%") == value]
        assert len(fits) > 1
    assert (n == C) == disclosure.small(num) and (n != C or value == C)
