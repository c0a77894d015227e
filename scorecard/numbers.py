"""One way to write a number, on every page, slide, the board pack and the downloads.

One rounding rule (half away from zero, on the figure as written in decimal: 4.35 is 4.4, 2.5 is 3): measure
values to one decimal place, audit percentages to whole numbers with their n, counts as whole numbers with
thousands separators. A change between two periods is worked out from the two figures as shown, so the
difference always adds up on the page ("45%, up 11 points from 34%").
"""
from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

SUPPRESSED = "c"  # a figure held back for publication (DfE practice)
MEASURE_PLACES, PCT_PLACES = 1, 0


def _blank(v) -> str | None:
    """What a figure that is not there shows: `c` when it is held back, "" when there is none, else None."""
    if isinstance(v, str) and v == SUPPRESSED:
        return SUPPRESSED
    if v is None or (isinstance(v, float) and math.isnan(v)) or str(v) in ("<NA>", "NaT", "nan"):
        return ""
    return None


def rounded(v: float, places: int = MEASURE_PLACES) -> float:
    """The one rounding rule: half away from zero, at `places` decimal places."""
    q = Decimal(repr(float(v))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return float(q) + 0.0  # + 0.0: never "-0.0"


def _fixed(v: float, places: int) -> str:
    return f"{rounded(v, places):,.{places}f}"


def value(v, unit: str | None = None) -> str:
    """A measure's value to one decimal place, with its unit: `81.8%`, `15.4`; blank when there is none."""
    if (blank := _blank(v)) is not None:
        return blank
    return _fixed(v, MEASURE_PLACES) + ("%" if unit == "%" else "")


def threshold(v, unit: str | None = None) -> str:
    """A target or band edge as the plan sets it, to at most one decimal place: `90%`, `17.5`."""
    if (blank := _blank(v)) is not None:
        return blank
    return f"{rounded(v, MEASURE_PLACES):g}" + ("%" if unit == "%" else "")


def pct(p) -> str:
    """An audit percentage as a whole number: `45%`."""
    if (blank := _blank(p)) is not None:
        return blank
    return _fixed(p, PCT_PLACES) + "%"


def count(n) -> str:
    """A count as a whole number: `1,234`; blank when there is none."""
    if (blank := _blank(n)) is not None:
        return blank
    return f"{int(rounded(n, 0)):,}"


def pct_n(p, n) -> str:
    """An audit percentage with its number of cases: `45% (n=33)`."""
    return f"{pct(p)} (n={count(n)})"


def interval(lo, hi) -> str:
    """A 95% interval: `38%–52%`."""
    blanks = [b for b in (_blank(lo), _blank(hi)) if b is not None]
    if blanks:
        return max(blanks)  # "c" before ""
    return f"{pct(lo)}–{pct(hi)}"


def words(n: int, one: str, many: str | None = None) -> str:
    """The word for n things: `one` for 1, else `many` (by default `one` + "s")."""
    return one if n == 1 else (many or one + "s")


def plural(n: int, one: str, many: str | None = None) -> str:
    """`1 Red action`, `23 actions overdue`: plural(23, 'action') + ' overdue'."""
    return f"{count(n)} {words(n, one, many)}"


def difference(before, after, places: int = PCT_PLACES) -> float:
    """After minus before, from the two figures as shown (each rounded first)."""
    return rounded(rounded(after, places) - rounded(before, places), places)


def change(before, after, unit: str | None = "%", places: int = PCT_PLACES) -> str:
    """The change between two figures as shown: `+11 points`, `-1 point`, `no change`; for a measure that is
    not a percentage, the change in its own units (`+0.4`)."""
    d = difference(before, after, places)
    if d == 0:
        return "no change"
    text = f"{d:+,.{places}f}"
    if unit != "%":
        return text
    return f"{text} {words(abs(d), 'point')}"
