"""How a sheet is read: its role, its header row, and what each of its columns feeds.

A SheetMap is worked out from the sheet (by its name and headers here; by its content, or from a saved
import profile, in layouts.py and profiles.py) and then read by the role's parser. Every column with data
under it is accounted for: a field of ours, a period (monthly values beside a measure), a benchmark
(England, region, statistical neighbours), or listed as ignored.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .. import periods
from ..periods import Period
from .cells import at, blank, text
from .format import BENCHMARK_FIELDS, REGIONS, SHEETS, field_names, normalise, sheet_kind
from .read import Sheet, cell_ref, column_letter

HEADER_SCAN = 30  # rows searched for the header
UNUSED = "not used"
WIDE_ROLES = ("Measures", "Values")  # roles whose period-headed columns are values


@dataclass
class SheetMap:
    sheet: str
    role: str                                   # a format sheet name ("Measures"...) or UNUSED
    header_row: int | None = None               # 0-based; data starts below it
    columns: dict[int, str] = field(default_factory=dict)       # column -> field
    periods: dict[int, Period] = field(default_factory=dict)    # period-headed columns -> period
    benchmarks: dict[int, str] = field(default_factory=dict)    # column -> england | region | neighbours
    column_periods: dict[int, Period] = field(default_factory=dict)  # a period named in a field's header
    ignored: dict[int, str] = field(default_factory=dict)       # columns with data we do not read -> header
    how: str = "by its name"
    options: dict = field(default_factory=dict)                 # what a layout needs besides columns
    bad_periods: list[tuple[int, str]] = field(default_factory=list)  # period headers that cannot be read

    def col(self, name: str) -> int | None:
        for j, f in self.columns.items():
            if f == name:
                return j
        return None

    @property
    def cols(self) -> dict[str, int]:
        return {f: j for j, f in self.columns.items()}


def role_by_name(sheet: Sheet) -> str | None:
    """One of our sheets by its name; a hidden sheet only when named exactly as ours."""
    kind = sheet_kind(sheet.name)
    if kind and sheet.hidden and normalise(sheet.name) != kind.lower():
        return None
    return kind


def header_labels(sheet: Sheet, h: int) -> list[str]:
    """Each column's header text at row h; a blank cell takes the heading above it (a two-row header such
    as `Thresholds` over `RI | Good | Outstanding`, or `No.` merged down over two rows)."""
    row = sheet.rows[h] if h < len(sheet.rows) else []
    above = sheet.rows[h - 1] if h > 0 else []
    out = []
    for j in range(max(len(row), len(above))):
        v = at(row, j)
        if v is None and h > 0:
            v = at(above, j)
        out.append(text(v))
    return out


_HAS_DIGIT = re.compile(r"\d")


def match_fields(labels: list[str], role: str) -> tuple[dict[int, str], dict[int, Period]]:
    """Columns whose header names one of the role's fields (first match wins), and for each such column the
    period its header names too (`Target 2024/25`, `England 2022-23`)."""
    names = field_names(role)
    found: dict[int, str] = {}
    named_period: dict[int, Period] = {}
    taken: set[str] = set()
    for j, label in enumerate(labels):
        if not label:
            continue
        n = normalise(label)
        f = names.get(n)
        p = None
        if f is None and " " in n and _HAS_DIGIT.search(n):
            f, p = _field_with_period(label, names)
        if f is not None and f not in taken:
            found[j] = f
            taken.add(f)
            if p is not None:
                named_period[j] = p
    return found, named_period


def _field_with_period(label: str, names: dict[str, str]) -> tuple[str | None, Period | None]:
    """`Target 2024/25` -> (target, 2024/25), `England (2022-23)` -> (england, 2022/23): a field's name
    before or after a period."""
    words = label.replace("(", " ").replace(")", " ").split()
    for k in range(1, len(words)):
        for name, rest in ((words[:k], words[k:]), (words[k:], words[:k])):
            f = names.get(normalise(" ".join(name)))
            if f is not None:
                p = periods.parse_period(" ".join(rest))
                if p is not None:
                    return f, p
    return None, None


def find_header(sheet: Sheet, role: str, start: int = 0) -> tuple[int, dict[int, str], dict[int, Period]] | None:
    """The first row (from `start`, within HEADER_SCAN rows) carrying the role's required headers; a row
    under it that completes the header (sub-headings) makes a two-row header."""
    required = SHEETS[role].required
    last = min(len(sheet.rows), start + HEADER_SCAN)
    for h in range(start, last):
        found, named = match_fields([v if v.__class__ is str else "" for v in sheet.rows[h]], role)
        if not all(r in found.values() for r in required):
            continue
        if h + 1 < len(sheet.rows):
            deeper, deeper_named = match_fields(header_labels(sheet, h + 1), role)
            code_col = next((j for j, f in found.items() if f in required), None)
            if len(deeper) > len(found) and at(sheet.rows[h + 1], code_col) is None:
                return h + 1, deeper, deeper_named
        return h, found, named
    return None


def missing_header_message(sheet: Sheet, role: str) -> str:
    """No header row found: name the row that looked most like one, and its headers we did not recognise
    with the nearest names we know."""
    fmt = SHEETS[role]
    wanted = " and ".join(f"'{fmt.column(r).header}'" for r in fmt.required)
    base = (f"no header row with the {wanted} column{'s' if len(fmt.required) > 1 else ''} "
            f"in the first {HEADER_SCAN} rows")
    best, best_score = None, 0
    for h, row in enumerate(sheet.rows[:HEADER_SCAN]):
        score = sum(1 for v in row if isinstance(v, str) and v.strip() and not _is_number_text(v))
        if score > best_score:
            best, best_score = h, score
    if best is None:
        return base + "; add them (see the template)"
    names = field_names(role)
    canon = {n: fmt.column(f).header for n, f in names.items()}
    known = [text(v) for v in sheet.rows[best] if normalise(v) in names]
    unknown = []
    for v in sheet.rows[best]:
        t = text(v)
        if not t or normalise(t) in names:
            continue
        near = difflib.get_close_matches(normalise(t), list(canon), n=1, cutoff=0.6)
        unknown.append(f"'{t}'" + (f" - did you mean {canon[near[0]]}?" if near else ""))
    parts = [f"row {best + 1} looks most like it"]
    if known:
        parts.append("recognised " + ", ".join(f"'{k}'" for k in known))
    if unknown:
        parts.append("not recognised " + "; ".join(unknown[:8]) + ("; ..." if len(unknown) > 8 else ""))
    return f"{base}; {', '.join(parts)}. Rename the headers (see the template) or map the columns"


def _is_number_text(v: str) -> bool:
    try:
        float(v.replace(",", "").replace("%", ""))
        return True
    except ValueError:
        return False


def benchmark_field(label: str) -> str | None:
    n = normalise(label)
    if n in REGIONS:
        return "region"
    f = field_names("Benchmarks").get(n)
    return f if f in BENCHMARK_FIELDS else None


def classify(sheet: Sheet, m: SheetMap, first_data_row: int, long: bool = False) -> list[tuple[int, str]]:
    """Fill in the map's period, benchmark and ignored columns from the header row (a long sheet, one
    value per row, has no period columns). Returns the period headers that could not be read (column,
    text) for the caller to report."""
    h = m.header_row
    labels = header_labels(sheet, h)
    bad_periods: list[tuple[int, str]] = []
    wide = m.role in WIDE_ROLES and not long
    context = _year_contexts(sheet, h, len(labels)) if wide else {}
    for j, label in enumerate(labels):
        if j in m.columns:
            continue
        if wide and label:
            p = periods.parse_period(sheet.rows[h][j] if j < len(sheet.rows[h]) and not blank(sheet.rows[h][j])
                                     else label)
            bare = _QUALIFIER.sub("", label)  # `Apr-24 (provisional)`, `Q1 2024/25 [revised]`
            if p is None and bare != label:
                p = periods.parse_period(bare)
            if p is None and j in context:
                p = periods.month_with_year(bare, context[j][1]) or periods.quarter_with_year(bare, context[j][1])
            if p is not None:
                m.periods[j] = p
                continue
            if m.role == "Measures":
                b = benchmark_field(label)
                if b is None:
                    b, bp = _benchmark_with_period(label)
                    if b is not None:
                        m.column_periods[j] = bp
                if b is not None:
                    m.benchmarks[j] = b
                    continue
            if _looks_like_period(label):
                bad_periods.append((j, label))
                continue
        if has_data(sheet, first_data_row, j):
            m.ignored[j] = label or "(no header)"
    return bad_periods


def _benchmark_with_period(label: str) -> tuple[str | None, Period | None]:
    names = {**field_names("Benchmarks"), **dict.fromkeys(REGIONS, "region")}
    f, p = _field_with_period(label, names)
    return (f, p) if f in BENCHMARK_FIELDS else (None, None)


def _year_contexts(sheet: Sheet, h: int, width: int) -> dict[int, tuple[str, str]]:
    """For each column, the nearest heading above the header row that names a year or financial year
    (a merged cell over the column, or the last heading to its left on that row): column -> (cell, text)."""
    out: dict[int, tuple[str, str]] = {}
    for r in range(h - 1, max(-1, h - 4), -1):
        row = sheet.rows[r]
        current: tuple[str, str] | None = None
        for j in range(width):
            v = at(row, j)
            merged = sheet.merged_at(r, j)
            if v is None and merged:
                (r0, c0), _ = merged
                v = at(sheet.rows[r0], c0)
                where = cell_ref(r0, c0)
            else:
                where = cell_ref(r, j)
            if v is not None:
                t = text(v)
                current = (where, t) if periods.year_context(t) else None
            if current and j not in out:
                out[j] = current
    if not out:  # a title anywhere above that names one year: "Scorecard 2024/25"
        for r in range(0, h):
            for j, v in enumerate(sheet.rows[r]):
                if v is not None and periods.year_context(text(v)):
                    return {k: (cell_ref(r, j), text(v)) for k in range(width)}
    return out


_QUALIFIER = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
# Columns that name a period but are not one period's figures: `YTD 2024/25`, `Total 2023`, `Target 2024/25`.
NOT_A_PERIOD = ("ytd", "year to date", "total", "totals", "average", "avg", "mean", "target", "targets", "forecast",
                "projection", "plan", "budget", "change", "variance", "diff", "difference", "rank", "trend", "rag")


def _looks_like_period(label: str) -> bool:
    """A header that tries to be a period (a month, perhaps misspelt, a quarter, or a year) but could not be
    read. A year beside YTD, Total, Average, Target... is that column's, not an attempt at a period."""
    words = normalise(label).split()
    text_ = " ".join(words)
    if any(text_.startswith(w + " ") or text_.endswith(" " + w) or f" {w} " in f" {text_} " for w in NOT_A_PERIOD):
        return False
    if periods._RE_BARE_QUARTER.match(" ".join(words)):
        return True
    return any(w in periods.MONTHS or (len(w) >= 4 and w.isalpha() and difflib.get_close_matches(
        w, periods.MONTHS, n=1, cutoff=0.75)) for w in words) or any(
        w.isdigit() and len(w) == 4 and 1990 <= int(w) <= 2100 for w in words)


def has_data(sheet: Sheet, start: int, j: int) -> bool:
    return any(j < len(row) and not blank(row[j]) for row in sheet.rows[start:])


def ready(ctx, m: SheetMap) -> bool:
    """Make sure the map has its header row and columns (finding them if it has none yet), and report what
    stops the sheet being read: no header row, or period headers that cannot be read. False: not read."""
    if m.header_row is None:
        found = find_header(ctx.sheet, m.role)
        if found is None:
            ctx.error(None, None, missing_header_message(ctx.sheet, m.role))
            return False
        m.header_row, m.columns, m.column_periods = found
        m.bad_periods = classify(ctx.sheet, m, m.header_row + 1, long="period" in m.cols)
    missing = [SHEETS[m.role].column(f).header for f in SHEETS[m.role].required if f not in m.cols and not (
        f == "code" and m.options.get("codes_from_names"))] if m.role in SHEETS else []
    if missing:
        ctx.error(m.header_row, None, f"no column is read as {' or '.join(missing)}: say which column holds "
                                      f"{'them' if len(missing) > 1 else 'it'} in the Upload centre's mapping")
        return False
    for j, label in m.bad_periods:
        ctx.error(m.header_row, j, f"cannot read the period header {label!r}; write the periods like Apr-24, "
                                   "Q1 2024/25 or 2024/25 (or month names under a heading such as 2024/25)", label)
    seen: dict = {}
    twice = False
    for j, p in sorted(m.periods.items()):
        if p.start in seen:
            ctx.error(m.header_row, j, f"the period {p.label} has two columns (also "
                                       f"{cell_ref(m.header_row, seen[p.start])}); keep one column per period")
            twice = True
        else:
            seen[p.start] = j
    return not (m.bad_periods or twice)


def ignored_note(m: SheetMap) -> str | None:
    if not m.ignored:
        return None
    cols = ", ".join(f"{label} ({column_letter(j)})" for j, label in sorted(m.ignored.items()))
    return f"ignored columns, not read: {cols}"
