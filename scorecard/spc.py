"""Statistical process control the NHS "Making Data Count" way: XmR charts, special-cause rules,
variation and assurance icons.

- Centre line: the mean. Process limits: mean +/- 2.66 x the mean moving range; 2-sigma lines at
  mean +/- 1.773 x the mean moving range. Optionally, moving ranges above 3.267 x their mean are
  screened out and the mean moving range recomputed without them (off by default).
- Special-cause rules, each marking every point that takes part:
  1. a point beyond a process limit;
  2. a shift: `run` or more consecutive points on one side of the mean (a point on the mean breaks it);
  3. a trend: `run` or more consecutive points all rising or all falling, counting both ends
     (a tie breaks it);
  4. two of three consecutive points beyond the same 2-sigma line, all three on the same side.
  `run` is a setting from 6 to 8 (default 6).
- Each marked point is "high" (above the mean, or in a rising trend) or "low". With a polarity,
  high is improvement when higher is better and concern when lower is better, and the other way
  round for low; a measure with no direction gets "neither". Where one point is both high and low
  (say, the end of a falling trend that also sits in a run above the mean), **concern takes
  precedence over improvement**: the board should see the risk first.
- Fewer than 13 points (in the series, or in the latest segment after rebasing): a run chart, with no
  limits and no icons.
- Variation icon from the latest point; assurance icon from the target against the latest segment's
  limits: pass (the target is always met), fail (never met), hit or miss.
- Rebasing: limits are computed per segment; a segment starts at each marked period.
"""
from __future__ import annotations

from dataclasses import dataclass, field

MIN_POINTS = 13
DEFAULT_RUN = 6
RUN_CHOICES = (6, 7, 8)
LIMIT_FACTOR = 2.66
SIGMA2_FACTOR = 1.773
SCREEN_FACTOR = 3.267

VARIATIONS = ("common", "improvement", "concern", "neither")
ASSURANCES = ("pass", "fail", "hit_or_miss")

# Icons carry a letter and a shape as well as a colour, so they read in black and white.
VARIATION_ICONS = {
    ("common", None): "● C  Common cause",
    ("improvement", "high"): "▲ I  Improvement (high)",
    ("improvement", "low"): "▼ I  Improvement (low)",
    ("concern", "high"): "▲ !  Concern (high)",
    ("concern", "low"): "▼ !  Concern (low)",
    ("neither", "high"): "△ H  Special cause (high)",
    ("neither", "low"): "▽ L  Special cause (low)",
}
ASSURANCE_ICONS = {"pass": "✓ P  Target always met", "fail": "✗ F  Target never met",
                   "hit_or_miss": "? H  Hit or miss"}


@dataclass
class Limits:
    mean: float
    mr_bar: float
    lower: float
    upper: float
    lower_2s: float
    upper_2s: float


@dataclass
class Segment:
    start: int  # index of the first point
    end: int  # index after the last point
    limits: Limits | None  # None: fewer than MIN_POINTS, a run chart


@dataclass
class SPC:
    values: list[float]
    segments: list[Segment]
    special: list[str | None]  # per point: "high", "low", or None for common cause
    rules: list[set[str]]  # per point: the rules that marked it (beyond, shift, trend, two_of_three)
    classes: list[str | None] = field(default_factory=list)  # improvement / concern / neither / None
    variation: str | None = None
    variation_side: str | None = None
    assurance: str | None = None

    @property
    def points(self) -> int:
        return len(self.values)

    @property
    def latest_limits(self) -> Limits | None:
        return self.segments[-1].limits if self.segments else None

    @property
    def is_run_chart(self) -> bool:
        return self.latest_limits is None

    def limits_at(self, i: int) -> Limits | None:
        for s in self.segments:
            if s.start <= i < s.end:
                return s.limits
        return None

    def as_json(self) -> dict | None:
        """The `spc` object of `summary --json`: None where the chart is a run chart."""
        lim = self.latest_limits
        if lim is None:
            return None
        return {"points": self.points, "mean": round(lim.mean, 2), "lower": round(lim.lower, 2),
                "upper": round(lim.upper, 2), "variation": self.variation, "assurance": self.assurance}

    @property
    def variation_icon(self) -> str | None:
        return VARIATION_ICONS.get((self.variation, self.variation_side)) if self.variation else None

    @property
    def assurance_icon(self) -> str | None:
        return ASSURANCE_ICONS.get(self.assurance) if self.assurance else None


def limits(values: list[float], screen: bool = False) -> Limits:
    """XmR limits of one segment (needs at least two points)."""
    if len(values) < 2:
        raise ValueError("XmR limits need at least two points")
    mean = sum(values) / len(values)
    mrs = [abs(b - a) for a, b in zip(values, values[1:])]
    mr_bar = sum(mrs) / len(mrs)
    if screen and mr_bar > 0:
        kept = [m for m in mrs if m <= SCREEN_FACTOR * mr_bar]
        mr_bar = sum(kept) / len(kept) if kept else mr_bar
    return Limits(mean, mr_bar, mean - LIMIT_FACTOR * mr_bar, mean + LIMIT_FACTOR * mr_bar,
                  mean - SIGMA2_FACTOR * mr_bar, mean + SIGMA2_FACTOR * mr_bar)


def _mark(marks: list[set[str]], sides: list[set[str]], idx, rule: str, side: str) -> None:
    for i in idx:
        marks[i].add(rule)
        sides[i].add(side)


def special_causes(values: list[float], lim: Limits, run: int = DEFAULT_RUN,
                   ) -> tuple[list[set[str]], list[set[str]]]:
    """Per point, the rules that mark it and the sides (high/low) it is marked on."""
    marks: list[set[str]] = [set() for _ in values]
    sides: list[set[str]] = [set() for _ in values]
    _rules(values, lim, run, marks, sides, 0)
    return marks, sides


def _rules(values: list[float], lim: Limits, run: int, marks: list[set[str]], sides: list[set[str]],
           offset: int) -> None:
    n = len(values)
    mean = lim.mean
    # 1. beyond a process limit
    for i, v in enumerate(values):
        if v > lim.upper:
            _mark(marks, sides, [offset + i], "beyond", "high")
        elif v < lim.lower:
            _mark(marks, sides, [offset + i], "beyond", "low")
    # 2. shift: run or more consecutive points on one side of the mean
    i = 0
    while i < n:
        side = "high" if values[i] > mean else "low" if values[i] < mean else None
        j = i
        while j < n and side and (values[j] > mean if side == "high" else values[j] < mean):
            j += 1
        if side and j - i >= run:
            _mark(marks, sides, range(offset + i, offset + j), "shift", side)
        i = max(j, i + 1)
    # 3. trend: run or more points all rising or all falling, counting both ends
    i = 0
    while i < n - 1:
        step = values[i + 1] - values[i]
        if step == 0:
            i += 1
            continue
        rising = step > 0
        j = i + 1
        while j < n - 1 and ((values[j + 1] - values[j]) > 0 if rising else (values[j + 1] - values[j]) < 0):
            j += 1
        if j - i + 1 >= run:
            _mark(marks, sides, range(offset + i, offset + j + 1), "trend", "high" if rising else "low")
        i = j
    # 4. two of three beyond the same 2-sigma line, all three on the same side of the mean
    for i in range(n - 2):
        w = values[i:i + 3]
        if all(v > mean for v in w) and sum(v > lim.upper_2s for v in w) >= 2:
            _mark(marks, sides, range(offset + i, offset + i + 3), "two_of_three", "high")
        elif all(v < mean for v in w) and sum(v < lim.lower_2s for v in w) >= 2:
            _mark(marks, sides, range(offset + i, offset + i + 3), "two_of_three", "low")


def classify(side: str | None, polarity: str | None) -> str | None:
    """high/low to improvement/concern/neither under a polarity."""
    if side is None:
        return None
    if polarity in ("higher", "increase"):
        return "improvement" if side == "high" else "concern"
    if polarity in ("lower", "decrease"):
        return "improvement" if side == "low" else "concern"
    return "neither"


def _point_class(point_sides: set[str], polarity: str | None) -> tuple[str | None, str | None]:
    """The class and side of one point; concern takes precedence where a point is both."""
    if not point_sides:
        return None, None
    found = {classify(s, polarity): s for s in sorted(point_sides)}
    for cls in ("concern", "improvement", "neither"):
        if cls in found:
            return cls, found[cls]
    return None, None


def assurance(lim: Limits | None, target: float | None, polarity: str | None) -> str | None:
    if lim is None or target is None or polarity not in ("higher", "lower", "increase", "decrease"):
        return None
    higher = polarity in ("higher", "increase")
    always = lim.lower >= target if higher else lim.upper <= target
    never = lim.upper < target if higher else lim.lower > target
    return "pass" if always else "fail" if never else "hit_or_miss"


def analyse(values: list[float], polarity: str | None = None, target: float | None = None,
            run: int = DEFAULT_RUN, screen: bool = False, rebase_at: list[int] | tuple = ()) -> SPC:
    """The whole SPC reading of a series (oldest first). rebase_at: indices where a new segment starts."""
    if run not in RUN_CHOICES:
        raise ValueError(f"the shift/trend run must be one of {RUN_CHOICES}, not {run}")
    values = [float(v) for v in values]
    n = len(values)
    cuts = sorted({i for i in rebase_at if 0 < i < n})
    bounds = list(zip([0, *cuts], [*cuts, n])) if n else []
    marks: list[set[str]] = [set() for _ in values]
    sides: list[set[str]] = [set() for _ in values]
    segments = []
    for a, b in bounds:
        seg = values[a:b]
        lim = limits(seg, screen) if len(seg) >= MIN_POINTS else None
        segments.append(Segment(a, b, lim))
        if lim is not None:
            _rules(seg, lim, run, marks, sides, a)
    result = SPC(values, segments, [None] * n, marks)
    for i in range(n):
        cls, side = _point_class(sides[i], polarity)
        result.classes.append(cls)
        result.special[i] = side
    lim = result.latest_limits
    if lim is not None:
        cls, side = result.classes[-1], result.special[-1]
        result.variation, result.variation_side = (cls, side) if cls else ("common", None)
        result.assurance = assurance(lim, target, polarity)
    return result
