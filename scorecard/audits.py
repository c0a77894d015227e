"""Case-file audit grades: names, good-or-better %, inadequate % and Wilson intervals."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

from . import numbers
from .bands import BAND_COLUMNS, GRADES

GRADE_WORDS = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires improvement": "Requires Improvement",
    "requires improvement to be good": "Requires Improvement",
    "ri": "Requires Improvement",
    "inadequate": "Inadequate",
}
ALL_STREAMS = "All streams"


def parse_grade(text) -> str:
    t = " ".join(str(text or "").replace("\u00a0", " ").split()).lower()
    if t in GRADE_WORDS:
        return GRADE_WORDS[t]
    raise ValueError(f"unknown grade {str(text).strip()!r}: use Outstanding, Good, "
                     "Requires Improvement (or RI) or Inadequate")


def wilson(successes: int, n: int, z: float = 1.96) -> tuple[float, float] | tuple[None, None]:
    """Wilson score 95% interval for a proportion, as percentages."""
    if n <= 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


@dataclass(frozen=True)
class AuditResult:
    cases: int
    good_or_better: int
    inadequate: int

    @property
    def good_or_better_pct(self) -> float | None:
        return 100 * self.good_or_better / self.cases if self.cases else None

    @property
    def inadequate_pct(self) -> float | None:
        return 100 * self.inadequate / self.cases if self.cases else None

    @property
    def interval(self) -> tuple[float, float] | tuple[None, None]:
        return wilson(self.good_or_better, self.cases)


def summarise_counts(counts: dict[str, int]) -> AuditResult:
    """counts maps grade -> number of cases."""
    cases = sum(counts.get(g, 0) for g in GRADES)
    gob = counts.get("Outstanding", 0) + counts.get("Good", 0)
    return AuditResult(cases, gob, counts.get("Inadequate", 0))


# -- Measures that take their values from the audits -------------------------------------------
MIN_CASES = 5  # fewer cases than this in a period are too few to judge
AUDIT_SOURCE = re.compile(r"^\s*audit(?:\s+(inadequate|good or better))?\s*:\s*(.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class AuditLink:
    """A measure whose Source names an audit stream: `audit: <stream>` (good-or-better %) or
    `audit inadequate: <stream>` (inadequate %). `audit: All streams` uses every stream."""
    stream: str
    figure: str  # "good_or_better" | "inadequate"


def audit_link(source) -> AuditLink | None:
    m = AUDIT_SOURCE.match(str(source or ""))
    if not m:
        return None
    figure = "inadequate" if (m.group(1) or "").lower() == "inadequate" else "good_or_better"
    return AuditLink(" ".join(m.group(2).split()), figure)


def same_stream(a: str, b: str) -> bool:
    return " ".join(str(a).split()).casefold() == " ".join(str(b).split()).casefold()


# -- Saying what changed, honestly --------------------------------------------------------------
def pct_n(result: AuditResult) -> str:
    if not result.cases:
        return "no cases"
    return numbers.pct_n(result.good_or_better_pct, result.cases)


def describe_change(before: AuditResult, after: AuditResult) -> str:
    """Good-or-better % between two periods in plain words; significant only when the 95% intervals
    do not overlap, and never judged on fewer than MIN_CASES cases."""
    if not before.cases or not after.cases:
        return "no cases to compare"
    a, b = before.good_or_better_pct, after.good_or_better_pct
    few = [r.cases for r in (before, after) if r.cases < MIN_CASES]
    same = numbers.pct(a) == numbers.pct(b)  # the change as shown
    if same:
        words = f"unchanged at {numbers.pct(b)}"
    else:
        words = f"{'up' if b > a else 'down'} from {numbers.pct(a)} to {numbers.pct(b)}"
    if few:
        return f"{words}, but {min(few)} cases are too few to judge"
    (lo1, hi1), (lo2, hi2) = before.interval, after.interval
    if hi1 < lo2 or hi2 < lo1:
        return f"{words}, a significant change (the 95% intervals do not overlap)"
    if same:
        return words
    return f"{words}, within the margin of error (the 95% intervals overlap)"


def threshold_lines(link: AuditLink, banding, target: float | None) -> list[tuple[str, float]]:
    """The plan's bands and target for an audit measure as labelled lines on the grade-stack chart.

    Good-or-better thresholds sit where they are. Inadequate % is the top segment of the stack, so
    "no more than 10% inadequate" is the line at 90%: the Inadequate segment should stay above it.
    """
    lines = []
    if link.figure == "good_or_better":
        if banding.polarity == "higher":
            lines += [(f"{g} from {numbers.threshold(banding.bands[g].lo, '%')}", banding.bands[g].lo)
                      for g in BAND_COLUMNS if g in banding.bands and math.isfinite(banding.bands[g].lo)]
        if target is not None:
            lines.append((f"Target {numbers.threshold(target, '%')}", target))
    else:
        if banding.polarity == "lower":
            lines += [(f"{g}: at most {numbers.threshold(banding.bands[g].hi, '%')} inadequate",
                       100 - banding.bands[g].hi)
                      for g in BAND_COLUMNS if g in banding.bands and math.isfinite(banding.bands[g].hi)]
        if target is not None:
            lines.append((f"Target: at most {numbers.threshold(target, '%')} inadequate (keep the Inadequate "
                          "segment above this line)", 100 - target))
    return lines
