"""Case-file audit grades: names, good-or-better %, inadequate % and Wilson intervals."""
from __future__ import annotations

import math
from dataclasses import dataclass

from .bands import GRADES

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
