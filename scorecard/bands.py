"""Threshold bands, polarity and ratings, exactly as plans write them.

Band text such as `60-69%`, `85+`, `>24`, `<14`, a reversed `25-20`, or the words
councils use (`80% and above`, `no more than 8`, `Below 85%`, `between 50 and 64`)
becomes an interval; `Increase` / `Decrease` make a direction-only measure. A measure
is then rated Outstanding / Good / Requires Improvement / Inadequate against those bands.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")
BAND_COLUMNS = ("Requires Improvement", "Good", "Outstanding")  # worst to best
POLARITIES = ("higher", "lower", "increase", "decrease")
# One word (or arrow) per polarity; `Higher is better`, `High is good`, `Bigger = better.`
# and `↑ Higher` are read by dropping the filler words around it (see parse_polarity).
POLARITY_WORDS = {
    "higher": "higher", "high": "higher", "bigger": "higher", "greater": "higher", "more": "higher",
    "up": "higher", "↑": "higher", "⬆": "higher", "▲": "higher",
    "lower": "lower", "low": "lower", "smaller": "lower", "less": "lower", "fewer": "lower",
    "down": "lower", "↓": "lower", "⬇": "lower", "▼": "lower",
    "increase": "increase", "decrease": "decrease",
}
_POLARITY_FILLER = frozenset(("is", "are", "the", "better", "best", "good"))
_RE_POLARITY_TOKEN = re.compile(r"[a-z]+|[↑↓⬆⬇▲▼]")
INF = math.inf


@dataclass(frozen=True)
class Interval:
    lo: float = -INF
    hi: float = INF
    lo_closed: bool = True
    hi_closed: bool = True

    @property
    def anchor(self) -> float:
        """Midpoint, or the finite end of an open band (used to order bands)."""
        if math.isinf(self.lo) and math.isinf(self.hi):
            return 0.0
        if math.isinf(self.lo):
            return self.hi
        if math.isinf(self.hi):
            return self.lo
        return (self.lo + self.hi) / 2

    def reaches_lower_end(self, v: float) -> bool:
        return v >= self.lo if self.lo_closed else v > self.lo

    def within_upper_end(self, v: float) -> bool:
        return v <= self.hi if self.hi_closed else v < self.hi


_NUM = r"(\d+(?:\.\d+)?)"
# The four kinds of open-ended band, by the words before or after the number.
_AT_LEAST, _ABOVE, _AT_MOST, _BELOW = ">=", ">", "<=", "<"
_BAND_PREFIXES = {
    ">=": _AT_LEAST, "=>": _AT_LEAST, "≥": _AT_LEAST, "at least": _AT_LEAST,
    "greater than or equal to": _AT_LEAST, "more than or equal to": _AT_LEAST,
    ">": _ABOVE, "above": _ABOVE, "over": _ABOVE, "more than": _ABOVE, "greater than": _ABOVE,
    "<=": _AT_MOST, "=<": _AT_MOST, "≤": _AT_MOST, "no more than": _AT_MOST, "up to": _AT_MOST,
    "at most": _AT_MOST, "less than or equal to": _AT_MOST,
    "<": _BELOW, "below": _BELOW, "under": _BELOW, "less than": _BELOW, "fewer than": _BELOW,
}
_BAND_SUFFIXES = {
    "+": _AT_LEAST, "and above": _AT_LEAST, "or above": _AT_LEAST, "or more": _AT_LEAST,
    "and over": _AT_LEAST, "or over": _AT_LEAST, "or higher": _AT_LEAST, "or greater": _AT_LEAST,
    "or less": _AT_MOST, "or below": _AT_MOST, "and below": _AT_MOST, "and under": _AT_MOST,
    "or lower": _AT_MOST, "or fewer": _AT_MOST,
}


def _alternatives(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_RE_RANGE = re.compile(rf"^(?:between\s*)?{_NUM}\s*(?:-|–|—|to|and)\s*{_NUM}$")
_RE_SUFFIX = re.compile(rf"^{_NUM}\s*({_alternatives(_BAND_SUFFIXES)})$")
_RE_PREFIX = re.compile(rf"^({_alternatives(_BAND_PREFIXES)})\s*{_NUM}$")
_BAND_HELP = "write it like 70-79%, 85+, 80% and above, >24, below 85%, no more than 8, or Increase"


@lru_cache(maxsize=1024)
def parse_band(text) -> Interval | str | None:
    """Band text to an Interval, 'increase'/'decrease', or None if blank.

    `below 85` / `under` / `less than` / `<` leave 85 out, `85 or less` / `no more than` /
    `up to` / `<=` take it in; `above 24` / `over` / `more than` / `>` leave 24 out,
    `at least` / `or more` / `and above` / `+` / `>=` take it in.
    Raises ValueError when the text is not blank and cannot be read.
    """
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        raise ValueError(f"a band needs a range such as 70-79 or 85+, not the single number {text:g}")
    t = " ".join(str(text).replace("\u00a0", " ").split()).lower().replace("%", "").rstrip(". ")
    if not t:
        return None
    if t in ("increase", "decrease"):
        return t
    if m := _RE_RANGE.match(t):
        a, b = _finite(m.group(1), text), _finite(m.group(2), text)
        return Interval(min(a, b), max(a, b))
    if m := _RE_SUFFIX.match(t):
        return _open_band(_BAND_SUFFIXES[m.group(2)], _finite(m.group(1), text))
    if m := _RE_PREFIX.match(t):
        return _open_band(_BAND_PREFIXES[m.group(1)], _finite(m.group(2), text))
    raise ValueError(f"cannot read the band {text!r}: {_BAND_HELP}")


def _finite(number: str, text) -> float:
    a = float(number)
    if math.isinf(a):  # hundreds of digits
        raise ValueError(f"cannot read the band {text!r}: the number is too large")
    return a


def _open_band(kind: str, a: float) -> Interval:
    if kind == _AT_LEAST:
        return Interval(a, INF)
    if kind == _ABOVE:
        return Interval(a, INF, lo_closed=False)
    if kind == _AT_MOST:
        return Interval(-INF, a)
    return Interval(-INF, a, hi_closed=False)


@lru_cache(maxsize=256)
def parse_polarity(text) -> str | None:
    """`Higher is better`, `High`, `Bigger is better`, `↑`, `Lower = better.`, `Down`, `Increase`...

    Case, spacing and punctuation are ignored, and so are the words is / the / better / good;
    what is left must name one polarity.
    """
    if text is None or not str(text).strip():
        return None
    words = _RE_POLARITY_TOKEN.findall(str(text).lower())
    found = {POLARITY_WORDS.get(w) for w in words if w not in _POLARITY_FILLER}
    if len(found) == 1 and None not in found:
        return found.pop()
    raise ValueError(
        f"unknown polarity {text!r}: use Higher is better, Lower is better, Increase or Decrease")


@dataclass
class Banding:
    """A measure's polarity and its usable bands (grade -> Interval)."""
    polarity: str | None
    bands: dict[str, Interval] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def resolve_banding(code: str, polarity: str | None, band_texts: dict[str, object]) -> Banding:
    """Apply the polarity and band rules to one measure.

    band_texts maps 'Requires Improvement' / 'Good' / 'Outstanding' to the raw text.
    Raises ValueError for unreadable band text (a workbook error).
    """
    polarity, bands, warnings = _resolve(polarity, *(band_texts.get(g) for g in BAND_COLUMNS))
    return Banding(polarity, dict(bands), [f"{code}: {w}" for w in warnings])


@lru_cache(maxsize=4096)  # plans repeat the same few band texts across many measures
def _resolve(polarity: str | None, *texts) -> tuple[str | None, tuple[tuple[str, Interval], ...], tuple[str, ...]]:
    band_texts = dict(zip(BAND_COLUMNS, texts))
    parsed = {g: parse_band(band_texts[g]) for g in BAND_COLUMNS}
    directions = {v for v in parsed.values() if isinstance(v, str)}
    intervals = {g: v for g, v in parsed.items() if isinstance(v, Interval)}
    if polarity is None and directions:
        polarity = sorted(directions)[0]
    if polarity in ("increase", "decrease"):
        return polarity, (), ()
    if polarity is None:
        if len(intervals) < 2:
            return None, (), ("fewer than two bands and no Polarity, so it cannot be rated; "
                              "add the bands or a Polarity",)
        present = [g for g in BAND_COLUMNS if g in intervals]  # worst..best
        worst, best = intervals[present[0]], intervals[present[-1]]
        polarity = "lower" if best.anchor < worst.anchor else "higher"
    bands: list[tuple[str, Interval]] = []
    warnings: list[str] = []
    ri = intervals.get("Requires Improvement")
    for grade in BAND_COLUMNS:
        iv = intervals.get(grade)
        if iv is None:
            continue
        if grade != "Requires Improvement" and _contradicts(iv, ri, polarity):
            warnings.append(
                f"the {grade} band {str(band_texts[grade]).strip()!r} contradicts "
                f"{'lower' if polarity == 'lower' else 'higher'} is better, so it is ignored")
            continue
        bands.append((grade, iv))
    return polarity, tuple(bands), tuple(warnings)


def _contradicts(iv: Interval, ri: Interval | None, polarity: str) -> bool:
    """A better band that is open towards the bad side, or lies on the wrong side of RI."""
    if polarity == "higher":
        if math.isinf(iv.lo):
            return True
        return ri is not None and iv.anchor < ri.anchor
    if math.isinf(iv.hi):
        return True
    return ri is not None and iv.anchor > ri.anchor


def rate(value: float | None, banding: Banding) -> str | None:
    """Outstanding / Good / Requires Improvement / Inadequate, or None if it cannot be rated."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if banding.polarity not in ("higher", "lower") or not banding.bands:
        return None
    for grade in reversed(BAND_COLUMNS):  # best first
        iv = banding.bands.get(grade)
        if iv is None:
            continue
        ok = iv.reaches_lower_end(value) if banding.polarity == "higher" else iv.within_upper_end(value)
        if ok:
            return grade
    return "Inadequate"


def is_better(a: float, b: float, polarity: str | None) -> bool | None:
    """Is a better than b under this polarity? None when it has no direction."""
    if polarity in ("higher", "increase"):
        return a > b
    if polarity in ("lower", "decrease"):
        return a < b
    return None


def direction(latest: float | None, previous: float | None, polarity: str | None) -> str | None:
    """improving / worsening / stable from the latest value against the previous one."""
    if latest is None or previous is None or polarity is None:
        return None
    if latest == previous:
        return "stable"
    return "improving" if is_better(latest, previous, polarity) else "worsening"


def target_met(value: float | None, target: float | None, polarity: str | None) -> bool | None:
    if value is None or target is None or polarity is None:
        return None
    return value == target or bool(is_better(value, target, polarity))


TARGET_RAGS = ("Green", "Amber", "Red")


@dataclass(frozen=True)
class Tolerance:
    """How far short of its target a measure may be and still be Amber: `amount` in the measure's own units
    ("points"), or as a fraction of the target ("relative")."""
    amount: float
    kind: str  # points | relative


_RE_TOLERANCE = re.compile(
    r"^(?:[+±-]|\+/-)?\s*(\d+(?:\.\d+)?)\s*(%|pp|pts?|points?|percentage points?)?\s*(of (?:the )?target)?$")


@lru_cache(maxsize=1024)
def parse_tolerance(text, unit: str | None = None) -> Tolerance | None:
    """`2 points`, `2`, `2pp` (in the measure's units), `10% of target` (a fraction of the target), `5%`
    (points for a % measure, a fraction of the target for any other); blank -> None. ValueError otherwise."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = format(text, "g")
    t = " ".join(str(text).replace("\u00a0", " ").split()).lower()
    if not t:
        return None
    m = _RE_TOLERANCE.match(t)
    if not m or not math.isfinite(float(m.group(1))):
        raise ValueError(f"cannot read the tolerance {text!r}: write it like 2 points, 5% or 10% of target")
    amount, sign, of_target = float(m.group(1)), m.group(2) or "", m.group(3)
    if of_target or (sign == "%" and unit != "%"):
        if sign != "%":
            raise ValueError(f"cannot read the tolerance {text!r}: a share of the target is a percentage, such as "
                             "10% of target")
        return Tolerance(amount / 100, "relative")
    return Tolerance(amount, "points")


def target_rag(value: float | None, target: float | None, tolerance: Tolerance | None,
               polarity: str | None) -> str | None:
    """Rating by tolerance: Green at or better than the target, Amber short of it by no more than the
    tolerance, Red beyond; None without a value, target, tolerance or a higher/lower polarity."""
    if value is None or target is None or tolerance is None or polarity not in ("higher", "lower"):
        return None
    if target_met(value, target, polarity):
        return "Green"
    allowed = tolerance.amount if tolerance.kind == "points" else tolerance.amount * abs(target)
    return "Amber" if abs(value - target) <= allowed + 1e-9 else "Red"


def parse_number(text) -> float | None:
    """A target or threshold number: `90`, `90%`, blank -> None; ValueError if unreadable or not finite
    (`nan`, `inf`, `1e999`)."""
    if text is None:
        return None
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        v = float(text)
    else:
        t = str(text).replace("\u00a0", " ").replace("%", "").replace(",", "").strip()
        if not t or t.lower() in ("-", "n/a", "na"):
            return None
        v = float(t)
    if not math.isfinite(v):
        raise ValueError(f"{text!r} is not a number")
    return v
