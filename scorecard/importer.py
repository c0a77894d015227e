"""The scorecard workbook, version 1: recognise sheets and columns, validate every cell.

`parse_workbook` turns the sheets of an uploaded file into records ready for the
store, plus a list of issues. Errors block the import; warnings do not. Each
issue names the sheet and the cell as Excel shows them (`Values!C7`).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from itertools import repeat
from operator import itemgetter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from . import bands
from .audits import parse_grade as _parse_grade
from .duedates import parse_due as _parse_due
from .periods import Period, parse_period as _parse_period, period_label
from .workbook import Sheet, cell_ref

_FLOAT_ONLY = {float}
MISSING = {"", "-", "n/a", "na", "n.a.", "..", "x", "not available", "none"}
RAGS = {"blue": "Blue", "b": "Blue", "green": "Green", "g": "Green", "amber": "Amber",
        "a": "Amber", "red": "Red", "r": "Red"}
UNITS = {"%": "%", "percent": "%", "percentage": "%", "pct": "%", "number": "number", "no": "number",
         "no.": "number", "count": "number", "rate": "number", "days": "days", "day": "days",
         "weeks": "weeks", "average": "number"}
TRUE_WORDS = {"yes", "y", "true", "1", "illustrative"}

# Text taken from a file: names, codes, refs and other short fields up to SHORT_TEXT characters; the
# fields in LONG_FIELDS (prose, and owners, which plans write as several people with their job titles)
# up to LONG_TEXT. Zero-width and bidirectional-control characters are removed from every cell read.
SHORT_TEXT, LONG_TEXT = 200, 5000
LONG_FIELDS = {"measure", "action", "commentary", "children_will_say", "owner"}
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# Numbers beyond these make infinities in the statistics (or overflow the store's counts), so a cell
# holding one is refused like one holding `inf`.
MAX_NUMBER, MAX_CASES = 1e12, 1_000_000

SHEETS = {"plan": "Plan", "measures": "Measures", "values": "Values", "audits": "Audits",
          "actions": "Actions", "benchmarks": "Benchmarks"}

# Column synonyms, as councils write them (compared after normalise()).
COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "Measures": {
        "code": ("code", "measure code", "kpi code", "scorecard code", "indicator code", "ref"),
        "measure": ("measure", "measure name", "performance measure", "indicator", "kpi",
                    "measuring our performance", "description"),
        "priority": ("priority", "recommendation", "pillar"),
        "focus_area": ("focus area", "focus", "theme"),
        "unit": ("unit", "units"),
        "polarity": ("polarity", "good is", "direction of good"),
        "ri_band": ("requires improvement", "ri", "requires improvement to be good"),
        "good_band": ("good",),
        "outstanding_band": ("outstanding",),
        "target": ("target",),
        "source": ("source", "data source"),
    },
    "Values": {
        "code": ("code", "measure code", "kpi code", "scorecard code", "indicator code"),
        "period": ("period", "month", "date", "quarter", "year"),
        "value": ("value", "result", "performance", "actual"),
        "numerator": ("numerator", "num"),
        "denominator": ("denominator", "den", "denom"),
        "illustrative": ("illustrative",),
        "measure": ("measure", "measure name", "indicator", "description"),
    },
    "Audits": {
        "period": ("period", "month", "quarter", "audit period", "date"),
        "stream": ("stream", "audit stream", "audit type", "theme"),
        "grade": ("grade", "judgement", "judgment", "rating", "overall grade"),
        "count": ("count", "cases", "number", "number of cases", "no of cases"),
        "case_ref": ("case ref", "case reference", "case id", "child id", "person id", "lcs id"),
        "illustrative": ("illustrative",),
        "Outstanding": ("outstanding",),
        "Good": ("good",),
        "Requires Improvement": ("requires improvement", "ri", "requires improvement to be good"),
        "Inadequate": ("inadequate",),
        # Percentages as councils' reports give them beside the counts: checked against the counts.
        "pct": ("%", "percent", "percentage", "% of cases"),
        **{f"pct:{g}": tuple(f for w in words for f in (f"{w} %", f"% {w}", f"{w} percent", f"{w} percentage"))
           for g, words in (("Outstanding", ("outstanding",)), ("Good", ("good",)),
                            ("Requires Improvement", ("requires improvement", "ri")),
                            ("Inadequate", ("inadequate",)), ("good or better", ("good or better",)))},
    },
    "Actions": {
        "ref": ("ref", "reference", "action ref", "action reference", "no"),
        "action": ("action", "actions", "what we will do", "action what we will do", "action description"),
        "priority": ("priority", "recommendation"),
        "focus_area": ("focus area", "focus", "theme"),
        "owner": ("owner", "lead", "who s responsible", "who is responsible", "action owner",
                  "responsible", "responsible officer"),
        "start": ("start", "start date"),
        "due": ("due", "due by", "due date", "end date", "review date", "progress review date",
                "when will we see an impact", "deadline", "timescale"),
        "action_rag": ("action rag", "action brag", "rag", "brag", "progress rag"),
        "impact_rag": ("impact rag", "impact brag"),
        "commentary": ("commentary", "update commentary", "progress", "progress update", "update"),
        "source": ("source", "finding", "findings"),
        "children_will_say": ("children will say", "what our children will say",
                              "what children will say"),
        "as_at": ("as at", "as at date", "snapshot"),
        "illustrative": ("illustrative",),
    },
    "Benchmarks": {
        "code": ("code", "measure code", "kpi code", "scorecard code", "indicator code"),
        "period": ("period", "year", "month", "quarter", "date"),
        "england": ("england", "england average", "national", "national average"),
        "region": ("region", "regional", "regional average", "north west", "region average"),
        "neighbours": ("statistical neighbours", "statistical neighbour", "stat neighbours",
                       "statistical neighbour average", "sn", "sn average", "neighbours"),
    },
}
REQUIRED = {
    "Benchmarks": ("code", "period"),
    "Measures": ("code", "measure"),
    "Values": ("code",),
    "Audits": ("period", "stream"),
    "Actions": ("ref", "action"),
}
AUDIT_GRADE_FIELDS = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


def normalise(text) -> str:
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", str(text or "").replace("\u00a0", " ").lower()).split())


def sheet_kind(name: str) -> str | None:
    """Recognise a sheet by name, case- and space-insensitive (CSV file stems may carry a prefix)."""
    n = re.sub(r"[^a-z]", "", name.lower())
    if n in SHEETS:
        return SHEETS[n]
    for key, kind in SHEETS.items():
        if n.endswith(key):
            return kind
    return None


@dataclass
class Issue:
    level: str  # error | warning
    sheet: str
    cell: str
    message: str
    value: object = None

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where}: {self.message}"


VALUE_FIELDS = ("code", "period", "period_kind", "value", "numerator", "denominator", "illustrative")


@dataclass
class ParsedWorkbook:
    plan: str | None = None
    authority: str | None = None
    as_at: dt.date | None = None
    measures: list[dict] = field(default_factory=list)
    values: list[tuple] = field(default_factory=list)  # VALUE_FIELDS tuples: the bulk of every upload
    audits: list[dict] = field(default_factory=list)
    audit_case_refs: list[dict] = field(default_factory=list)
    benchmarks: list[dict] = field(default_factory=list)
    actions: list[dict] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sheets_found: dict[str, str] = field(default_factory=dict)  # kind -> sheet name

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    def value_rows(self) -> list[dict]:
        return [dict(zip(VALUE_FIELDS, v)) for v in self.values]

    def counts(self) -> dict[str, int]:
        return {"measures": len(self.measures), "values": len(self.values),
                "audits": len(self.audits), "actions": len(self.actions)}


class _Ctx:
    def __init__(self, parsed: ParsedWorkbook, sheet: Sheet):
        self.parsed, self.sheet = parsed, sheet

    def error(self, row: int | None, col: int | None, message: str, value=None) -> None:
        self._add("error", row, col, message, value)

    def warn(self, row: int | None, col: int | None, message: str, value=None) -> None:
        self._add("warning", row, col, message, value)

    def _add(self, level, row, col, message, value):
        cell = cell_ref(row, col) if row is not None and col is not None else (
            f"{row + 1}:{row + 1}" if row is not None else "")
        self.parsed.issues.append(Issue(level, self.sheet.name, cell, message, value))


# A big file repeats the same periods and due dates thousands of times; both parsers are pure.
parse_period = lru_cache(maxsize=16384)(_parse_period)
parse_due = lru_cache(maxsize=16384)(_parse_due)
parse_grade = lru_cache(maxsize=256)(_parse_grade)


def _text(v) -> str:
    if v.__class__ is str:
        return " ".join(v.split())  # str.split() also splits on non-breaking spaces
    if v is None:
        return ""
    if isinstance(v, float):  # as Excel shows it: 140 not 140.0, 1e+300 not 300 digits
        return str(int(v)) if v.is_integer() and abs(v) <= MAX_NUMBER else format(v, "g")
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y")
    return " ".join(str(v).split())  # str.split() also splits on non-breaking spaces


def _is_blank(v) -> bool:
    return v is None or (v.__class__ is str and not v.strip())  # strip() removes non-breaking spaces too


def _match_headers(row: list, synonyms: dict[str, tuple[str, ...]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for j, cell in enumerate(row):
        n = normalise(cell)
        if not n:
            continue
        for fieldname, names in synonyms.items():
            if fieldname not in found and n in names:
                found[fieldname] = j
                break
    return found


def _find_header(sheet: Sheet, kind: str, max_scan: int = 30) -> tuple[int, dict[str, int]] | None:
    """The first row, among the first rows, that carries the sheet's required headers."""
    synonyms, required = COLUMNS[kind], REQUIRED[kind]
    for i, row in enumerate(sheet.rows[:max_scan]):
        found = _match_headers(row, synonyms)
        if all(r in found for r in required):
            return i, found
    return None


def _data_rows(ctx: _Ctx, header_row: int, cols: dict[str, int]):
    """Rows under the header, skipping blank rows and notes (a line of text on its own, such as
    'Source: Liquidlogic, extracted 02/02/2024' under the table), with the text of the columns read
    (cols) taken as _read_text takes it."""
    sheet = ctx.sheet
    limits = [(j, LONG_TEXT if f in LONG_FIELDS else SHORT_TEXT) for f, j in cols.items()]
    for i in range(header_row + 1, len(sheet.rows)):
        row = sheet.rows[i]
        filled, first = 0, None
        for v in row:
            if not _is_blank(v):
                filled += 1
                if filled > 1:
                    break
                first = v
        if filled == 0 or (filled == 1 and isinstance(first, str) and " " in first.strip()):
            continue
        yield i, _read_text(ctx, i, row, limits)


def _read_text(ctx: _Ctx, i: int, row: list, limits: list[tuple[int, int]]) -> list:
    """The row with each text cell of the given columns as the importer takes it: zero-width and
    bidirectional-control characters removed (so 'CIN8' followed by a zero-width space is CIN8), and an
    error naming the cell when the text is longer than its column's limit (the characters kept after
    spaces are tidied)."""
    out, width = row, len(row)
    for j, limit in limits:
        if j >= width:
            continue
        v = row[j]
        if v.__class__ is not str or (v.isascii() and len(v) <= limit):  # most cells: both checks are instant
            continue
        t = _INVISIBLE.sub("", v)
        if len(t) > limit and (n := len(" ".join(t.split()))) > limit:
            kind = "long text such as an action or commentary" if limit == LONG_TEXT else \
                "names, codes and other short fields"
            ctx.error(i, j, f"the text is {n:,} characters long, over the {limit:,}-character limit for {kind}; "
                            "shorten it", t[:100] + "…")
        if len(t) != len(v):
            if out is row:
                out = list(row)
            out[j] = t
    return out


def _cell(row: list, col: int | None):
    if col is None or col >= len(row):
        return None
    v = row[col]
    return None if v.__class__ is str and not v.strip() else v


def _flag(v) -> bool:
    return normalise(v) in TRUE_WORDS if v is not None else False


def parse_workbook(sheets: list[Sheet], plan: str | None = None, as_at: dt.date | None = None,
                   known_measures: Callable[[str], dict[str, dict]] | None = None) -> ParsedWorkbook:
    """Parse and validate.

    known_measures(plan) returns the plan's measures already in the store (code -> row), so that
    a monthly Values-only workbook can refer to them.
    """
    parsed = ParsedWorkbook(plan=plan, as_at=as_at)
    by_kind: dict[str, Sheet] = {}
    for s in sheets:
        kind = sheet_kind(s.name)
        if kind and kind not in by_kind and not (s.hidden and normalise(s.name) != kind.lower()):
            by_kind[kind] = s
    parsed.sheets_found = {k: s.name for k, s in by_kind.items()}
    if not any(k in by_kind for k in ("Measures", "Values", "Audits", "Actions")):
        names = ", ".join(repr(s.name) for s in sheets) or "none"
        parsed.issues.append(Issue("error", "Workbook", "", (
            f"no recognised sheet (found {names}); name the sheets Plan, Measures, Values, "
            "Audits and Actions, or download the template")))
        return parsed
    if "Plan" in by_kind:
        _parse_plan(_Ctx(parsed, by_kind["Plan"]), plan, as_at)
    if not parsed.plan:
        parsed.issues.append(Issue("error", "Plan", "", (
            "no plan name: add a Plan sheet with a 'Plan' row, or choose the plan when importing "
            "(--plan NAME)")))
    known = dict(known_measures(parsed.plan) if known_measures and parsed.plan else {})
    if "Measures" in by_kind:
        _parse_measures(_Ctx(parsed, by_kind["Measures"]))
        known.update({m["code"]: m for m in parsed.measures})
    if "Values" in by_kind:
        _parse_values(_Ctx(parsed, by_kind["Values"]), known)
    if "Audits" in by_kind:
        _parse_audits(_Ctx(parsed, by_kind["Audits"]))
    if "Actions" in by_kind:
        _parse_actions(_Ctx(parsed, by_kind["Actions"]))
    if "Benchmarks" in by_kind:
        _parse_benchmarks(_Ctx(parsed, by_kind["Benchmarks"]), known)
    return parsed


def _parse_plan(ctx: _Ctx, plan_arg: str | None, as_at_arg: dt.date | None) -> None:
    parsed = ctx.parsed
    for i, row in enumerate(ctx.sheet.rows):
        cells = [(j, v) for j, v in enumerate(row) if not _is_blank(v)]
        if len(cells) < 2:
            continue
        (kj, key), (vj, value) = cells[0], cells[1]
        k = normalise(key)
        if k in ("authority", "plan", "plan name"):
            value = _read_text(ctx, i, row, [(vj, SHORT_TEXT)])[vj]
        if k == "authority":
            parsed.authority = _text(value)
        elif k in ("plan", "plan name"):
            if not plan_arg:
                parsed.plan = _text(value)
        elif k in ("as at", "as at month", "as at date"):
            p = parse_period(value)
            if p is None:
                ctx.error(i, vj, f"cannot read the As at month {_text(value)!r}; write it like Apr-24 or 2024-04", value)
            elif as_at_arg is None:
                parsed.as_at = p.start


def _parse_measures(ctx: _Ctx) -> None:
    found = _find_header(ctx.sheet, "Measures")
    if found is None:
        ctx.error(None, None, "no header row with 'Code' and 'Measure' columns in the first 30 rows; "
                              "add them (see the template)")
        return
    h, cols = found
    seen: dict[str, str] = {}
    for i, row in _data_rows(ctx, h, cols):
        code = _text(_cell(row, cols["code"]))
        name = _text(_cell(row, cols["measure"]))
        if not code and not name:
            continue
        if not code:
            ctx.error(i, cols["code"], "the measure has no Code; give every measure a short code such as CIN8")
            continue
        if not name:
            ctx.error(i, cols["measure"], f"measure {code} has no name in the Measure column")
            continue
        here = cell_ref(i, cols["code"])
        if code in seen:
            ctx.error(i, cols["code"], f"measure code {code} appears twice (also at {seen[code]}); "
                                       "each code must be unique")
            continue
        seen[code] = here
        m = {"code": code, "measure": name}
        for f in ("priority", "focus_area", "source"):
            m[f] = _text(_cell(row, cols.get(f))) or None
        unit_raw = _cell(row, cols.get("unit"))
        unit = None
        if unit_raw is not None:
            unit = UNITS.get(_text(unit_raw).lower())
            if unit is None:
                ctx.error(i, cols["unit"], f"unknown unit {_text(unit_raw)!r}: use %, number or days", unit_raw)
                continue
        m["unit"] = unit
        try:
            polarity = bands.parse_polarity(_cell(row, cols.get("polarity")))
        except ValueError as exc:
            ctx.error(i, cols["polarity"], str(exc), _cell(row, cols.get("polarity")))
            continue
        texts = {}
        ok = True
        for grade, f in zip(bands.BAND_COLUMNS, ("ri_band", "good_band", "outstanding_band")):
            raw = _cell(row, cols.get(f))
            texts[grade] = _text(raw) if raw is not None else None
            m[f] = texts[grade]
            try:
                bands.parse_band(texts[grade])
            except ValueError as exc:
                ctx.error(i, cols[f], f"measure {code}: {exc}", raw)
                ok = False
        if not ok:
            continue
        banding = bands.resolve_banding(code, polarity, texts)
        for w in banding.warnings:
            ctx.warn(i, cols["code"], w)
        m["polarity"] = polarity  # as written; None means inferred from the bands
        try:
            m["target"] = bands.parse_number(_cell(row, cols.get("target")))
        except ValueError:
            ctx.error(i, cols["target"], f"measure {code}: the target {_text(_cell(row, cols['target']))!r} "
                                         "is not a number", _cell(row, cols["target"]))
            continue
        if unit == "%" and m["target"] is not None and not 0 <= m["target"] <= 100:
            ctx.error(i, cols["target"], f"measure {code}: a % target must be between 0 and 100")
            continue
        ctx.parsed.measures.append(m)


def _number(ctx: _Ctx, i: int, j: int, raw, what: str, percent_scale: bool = False):
    """Parse a numeric cell. Returns (ok, value); value None means missing."""
    if (i, j) in ctx.sheet.error_cells:
        err = ctx.sheet.error_cells[(i, j)]
        ctx.error(i, j, f"the cell holds the Excel error {err} instead of a {what}; fix the formula "
                        "or type the value", err)
        return False, None
    if raw is None:
        return True, None
    if isinstance(raw, bool):
        ctx.error(i, j, f"{raw} is not a {what}", raw)
        return False, None
    t = _text(raw)
    if isinstance(raw, (int, float)):
        v = float(raw)
        if percent_scale and ctx.sheet.is_percent_formatted(i, j):
            v *= 100
    else:
        if t.lower() in MISSING:
            return True, None
        if t.startswith("#") and t.endswith(("!", "?", "A")):
            ctx.error(i, j, f"the cell holds the Excel error {t} instead of a {what}; fix the formula "
                            "or type the value", raw)
            return False, None
        try:
            v = float(t.replace(",", "").replace("£", "").strip().rstrip("%").strip())
        except ValueError:
            v = math.nan
    if not math.isfinite(v):  # also `nan`, `inf`, `-Infinity` and `1e999`, which float() reads
        ctx.error(i, j, f"{t!r} is not a {what}; type a number (e.g. 65 or 65%), or leave it blank "
                        "or '-' if there is no figure", raw)
        return False, None
    if abs(v) > MAX_NUMBER:
        ctx.error(i, j, f"{t!r} is too large; a {what} must lie within {MAX_NUMBER:,.0f} either side of 0", raw)
        return False, None
    return True, v


def _parse_values(ctx: _Ctx, known: dict[str, dict]) -> None:
    found = _find_header(ctx.sheet, "Values")
    if found is None:
        ctx.error(None, None, "no header row with a 'Code' column in the first 30 rows; "
                              "add Code, Period and Value columns (or Code then one column per period)")
        return
    h, cols = found
    units = {code: m.get("unit") for code, m in known.items()}
    if "period" in cols and "value" in cols:
        _values_long(ctx, h, cols, units)
    else:
        _values_wide(ctx, h, cols, units)


def _unknown_code(ctx: _Ctx, i: int, j: int, code: str) -> None:
    ctx.error(i, j, f"unknown measure code {code!r}: add it to the Measures sheet, or correct the code", code)


def _add_value(ctx: _Ctx, seen: dict, i: int, code_col: int, value_col: int, code: str, period: Period,
               raw, unit: str | None, illustrative: bool, num=None, den=None, cols: dict | None = None) -> None:
    """Check one value cell (and its numerator/denominator) in full and keep it if it is sound."""
    ok, value = _number(ctx, i, value_col, raw, "number", percent_scale=(unit == "%"))
    if not ok:
        return
    key = (code, period.start)
    if key in seen:
        ctx.error(i, value_col, f"{code} {period.label} is given twice (also at {cell_ref(*seen[key])}); "
                                "keep one value per measure and period")
        return
    seen[key] = (i, value_col)
    if value is None:
        return
    if unit == "%" and not 0 <= value <= 100:
        ctx.error(i, value_col, f"{code} {period.label}: {value:g}% is outside 0-100; "
                                "percentages must be between 0 and 100", raw)
        return
    counts = []
    for name, r in (("numerator", num), ("denominator", den)):
        c = (cols or {}).get(name)
        if c is None:
            counts.append(None)
            continue
        ok, v = _number(ctx, i, c, r, name)
        if not ok:
            return
        if v is not None and v < 0:
            ctx.error(i, c, f"the {name} {v:g} is negative; counts cannot be below 0", r)
            return
        counts.append(v)
    ctx.parsed.values.append((code, period.start, period.kind, value, counts[0], counts[1], illustrative))


def _values_long(ctx: _Ctx, h: int, cols: dict[str, int], units: dict[str, str | None]) -> None:
    seen: dict = {}
    for i, row in _data_rows(ctx, h, cols):
        code = _text(_cell(row, cols["code"]))
        raw_period = _cell(row, cols["period"])
        if not code and raw_period is None:
            continue
        if not code:
            ctx.error(i, cols["code"], "the row has a value but no measure Code")
            continue
        if raw_period is None:
            ctx.error(i, cols["period"], f"the row for {code} has no Period; give the month (e.g. Apr-24), "
                                         "quarter (Q1 2024/25) or year (2024/25)")
            continue
        period = parse_period(raw_period)
        if period is None:
            ctx.error(i, cols["period"], f"cannot read the period {_text(raw_period)!r}; write it like "
                                         "Apr-24, 2024-04, 01/04/2024, Q1 2024/25 or 2024/25", raw_period)
            continue
        if code not in units:
            _unknown_code(ctx, i, cols["code"], code)
            continue
        _add_value(ctx, seen, i, cols["code"], cols["value"], code, period, _cell(row, cols["value"]),
                   units[code], _flag(_cell(row, cols.get("illustrative"))),
                   _cell(row, cols.get("numerator")), _cell(row, cols.get("denominator")), cols)


def _values_wide(ctx: _Ctx, h: int, cols: dict[str, int], units: dict[str, str | None]) -> None:
    """Code, then one column per period."""
    sheet = ctx.sheet
    header = sheet.rows[h]
    named = set(cols.values())
    periods: list[tuple[int, Period]] = []
    columns_of: dict[dt.date, int] = {}
    bad = False
    for j, cell in enumerate(header):
        if j in named or _is_blank(cell):
            continue
        p = parse_period(cell)
        if p is None:
            ctx.error(h, j, f"cannot read the period header {_text(cell)!r}; in the wide layout every "
                            "column after Code is a period such as Apr-24 or Q1 2024/25", cell)
            bad = True
        elif p.start in columns_of:
            ctx.error(h, j, f"the period {p.label} has two columns (also {cell_ref(h, columns_of[p.start])}); "
                            "keep one column per period", cell)
            bad = True
        else:
            columns_of[p.start] = j
            periods.append((j, p))
    if bad:
        return
    if not periods:
        ctx.error(h, cols["code"], "the Values sheet has neither Period and Value columns nor period "
                                   "columns such as Apr-24 after Code")
        return
    code_col = cols["code"]
    error_cells = sheet.error_cells
    rows_with_errors = {i for i, _ in error_cells}
    # A row of plain numbers, the bulk of every upload, is taken whole; anything else cell by cell.
    pick = itemgetter(*(j for j, _ in periods)) if len(periods) > 1 else (lambda row: (row[periods[0][0]],))
    last_col = max(j for j, _ in periods)
    starts = [p.start for _, p in periods]
    kinds = [p.kind for _, p in periods]
    out = ctx.parsed.values
    seen: dict = {}  # (code, period) -> cell, filled only when a code repeats on another row
    first_row: dict[str, int] = {}
    for i, row in _data_rows(ctx, h, cols):
        code = _text(_cell(row, code_col))
        width = len(row)
        if not code or code not in units:
            if any(not _is_blank(row[j]) or (i, j) in error_cells for j, _ in periods if j < width):
                if code:
                    _unknown_code(ctx, i, code_col, code)
                else:
                    ctx.error(i, code_col, "the row has values but no measure Code")
            continue  # otherwise a note or a heading under the table
        if code in first_row:
            ctx.error(i, code_col, f"the measure {code} has a second row (also row {first_row[code] + 1}); "
                                   "keep one row per measure")
            continue
        first_row[code] = i
        unit = units[code]
        lowest, highest = (0, 100) if unit == "%" else (-MAX_NUMBER, MAX_NUMBER)
        illustrative = _flag(_cell(row, cols.get("illustrative")))
        short_path = not (unit == "%" and sheet.has_percent_styles) and i not in rows_with_errors
        if short_path and width > last_col:
            vals = pick(row)
            if set(map(type, vals)) == _FLOAT_ONLY and all(map(math.isfinite, vals)) and \
                    lowest <= min(vals) and max(vals) <= highest:
                out.extend(zip(repeat(code), starts, kinds, vals, repeat(None), repeat(None), repeat(illustrative)))
                continue
        for j, p in periods:
            raw = row[j] if j < width else None
            if (raw is None or raw == "") and (i, j) not in error_cells:
                continue
            _add_value(ctx, seen, i, code_col, j, code, p, None if _is_blank(raw) else raw, unit, illustrative)


BENCHMARK_FIELDS = {"england": "England", "region": "Region", "neighbours": "Statistical neighbours"}


def _parse_benchmarks(ctx: _Ctx, known: dict[str, dict]) -> None:
    """Published comparators for a measure: England, region and statistical neighbours."""
    found = _find_header(ctx.sheet, "Benchmarks")
    if found is None:
        ctx.error(None, None, "no header row with 'Code' and 'Period' columns in the first 30 rows; "
                              "add Code, Period, England, Region and Statistical neighbours")
        return
    h, cols = found
    if not any(f in cols for f in BENCHMARK_FIELDS):
        ctx.error(h, None, "the Benchmarks sheet needs at least one of the England, Region or "
                           "Statistical neighbours columns")
        return
    seen: dict[tuple, int] = {}
    for i, row in _data_rows(ctx, h, cols):
        code, raw_period = _text(_cell(row, cols["code"])), _cell(row, cols["period"])
        if not code and raw_period is None:
            continue
        if code not in known:
            _unknown_code(ctx, i, cols["code"], code)
            continue
        period = parse_period(raw_period)
        if period is None:
            ctx.error(i, cols["period"], f"cannot read the period {_text(raw_period)!r}; write it like "
                                         "Apr-24, Q1 2024/25 or 2024/25", raw_period)
            continue
        if (code, period.start) in seen:
            ctx.error(i, cols["code"], f"{code} {period.label} is given twice (also row {seen[code, period.start] + 1}); "
                                       "keep one benchmark row per measure and period")
            continue
        seen[code, period.start] = i
        rec = {"code": code, "period": period.start, "period_kind": period.kind}
        ok = True
        for f, label in BENCHMARK_FIELDS.items():
            good, v = (True, None) if f not in cols else _number(
                ctx, i, cols[f], _cell(row, cols[f]), f"number for {label}",
                percent_scale=known[code].get("unit") == "%")
            ok &= good
            rec[f] = v
        if ok and any(rec[f] is not None for f in BENCHMARK_FIELDS):
            ctx.parsed.benchmarks.append(rec)


def _parse_audits(ctx: _Ctx) -> None:
    found = _find_header(ctx.sheet, "Audits")
    if found is None:
        ctx.error(None, None, "no header row with 'Period' and 'Stream' columns in the first 30 rows; "
                              "add Period, Stream and Grade (or one column per grade)")
        return
    h, cols = found
    wide = [g for g in AUDIT_GRADE_FIELDS if g in cols]
    if "grade" not in cols and not wide:
        ctx.error(h, None, "the Audits sheet needs a Grade column, or Outstanding, Good, Requires "
                           "Improvement and Inadequate count columns")
        return
    totals: dict[tuple, int] = {}
    illustrative_keys: set[tuple] = set()
    long_pcts: list[tuple] = []  # (row, col, raw, given %, grade, (period, kind, stream)) checked at the end
    pct_cols = {f[4:]: j for f, j in cols.items() if f.startswith("pct:")}
    for i, row in _data_rows(ctx, h, cols):
        raw_period, stream = _cell(row, cols["period"]), _text(_cell(row, cols["stream"]))
        if raw_period is None and not stream:
            continue
        period = parse_period(raw_period)
        if period is None:
            ctx.error(i, cols["period"], f"cannot read the period {_text(raw_period)!r}; write it like "
                                         "Apr-24, Q1 2024/25 or 2024/25", raw_period)
            continue
        if not stream:
            ctx.error(i, cols["stream"], "the audit row has no Stream (e.g. Referrals, CP plans)")
            continue
        illustrative = _flag(_cell(row, cols.get("illustrative")))
        if "grade" in cols:
            raw_grade = _cell(row, cols["grade"])
            try:
                grade = parse_grade(raw_grade)
            except ValueError as exc:
                ctx.error(i, cols["grade"], str(exc), raw_grade)
                continue
            if "count" in cols:
                n = _count(ctx, i, cols["count"], _cell(row, cols["count"]))
                if n is None:
                    continue
            else:
                n = 1
            grades = [(grade, n)]
            if "pct" in cols and _cell(row, cols["pct"]) is not None:
                ok, given = _number(ctx, i, cols["pct"], _cell(row, cols["pct"]), "percentage", percent_scale=True)
                if ok and given is not None:
                    long_pcts.append((i, cols["pct"], _cell(row, cols["pct"]), given, grade,
                                      (period.start, period.kind, stream)))
            ref = _text(_cell(row, cols.get("case_ref")))
            if ref:
                ctx.parsed.audit_case_refs.append({"period": period.start, "stream": stream,
                                                   "grade": grade, "case_ref": ref})
        else:
            grades = []
            for g in wide:
                n = _count(ctx, i, cols[g], _cell(row, cols[g]))
                if n is None:
                    grades = None
                    break
                grades.append((g, n))
            if grades is None:
                continue
            for g, j in pct_cols.items():
                raw = _cell(row, j)
                ok, given = _number(ctx, i, j, raw, "percentage", percent_scale=True)
                if ok and given is not None:
                    _check_pct(ctx, i, j, raw, given, g, dict(grades))
        for g, n in grades:
            key = (period.start, period.kind, stream, g)
            totals[key] = totals.get(key, 0) + n
            if illustrative:
                illustrative_keys.add(key)
    if long_pcts:
        by_key: dict[tuple, dict[str, int]] = {}
        for (start, kind, stream, g), n in totals.items():
            by_key.setdefault((start, kind, stream), {})[g] = n
        for i, j, raw, given, grade, key in long_pcts:
            _check_pct(ctx, i, j, raw, given, grade, by_key.get(key, {}))
    for (start, kind, stream, g), n in totals.items():
        if n > MAX_CASES:
            ctx.error(None, None, f"{stream} {period_label(start, kind)}: the {g} counts add up to {n:,} cases, "
                                  f"more than the {MAX_CASES:,} a period can hold; check the counts")
            continue
        ctx.parsed.audits.append({"period": start, "period_kind": kind, "stream": stream, "grade": g,
                                  "cases": n,
                                  "illustrative": (start, kind, stream, g) in illustrative_keys})


def _check_pct(ctx: _Ctx, i: int, j: int, raw, given: float, grade: str, counts: dict[str, int]) -> None:
    """Warn when a percentage the file gives is more than one point from what its counts give."""
    total = sum(counts.values())
    k = counts.get("Outstanding", 0) + counts.get("Good", 0) if grade == "good or better" else counts.get(grade, 0)
    what = grade if grade == "good or better" else grade.lower()
    if not total:
        ctx.warn(i, j, f"{given:g}% {what} is given but there are no cases counted; the counts are used", raw)
        return
    calc = 100 * k / total
    if abs(calc - given) > 1:
        ctx.warn(i, j, f"{given:g}% {what} is given but the counts give {calc:.1f}% ({k} of {total} cases); "
                       "the dashboard uses the counts, so check which is right", raw)


def _count(ctx: _Ctx, i: int, j: int, raw) -> int | None:
    ok, v = _number(ctx, i, j, raw, "count of cases")
    if not ok:
        return None
    if v is None:
        return 0
    if v < 0:
        ctx.error(i, j, f"the count {v:g} is negative; a count of cases cannot be below 0", raw)
        return None
    if v > MAX_CASES:
        ctx.error(i, j, f"the count {v:,.0f} is more than the {MAX_CASES:,} cases a count can hold; check it", raw)
        return None
    if not float(v).is_integer():
        ctx.error(i, j, f"the count {v:g} is not a whole number of cases", raw)
        return None
    return int(v)


def _rag(ctx: _Ctx, i: int, j: int | None, raw, what: str):
    if raw is None:
        return True, None
    t = normalise(raw)
    if t in RAGS:
        return True, RAGS[t]
    ctx.error(i, j, f"unknown {what} {_text(raw)!r}: use Blue, Green, Amber, Red or leave it blank", raw)
    return False, None


def _parse_actions(ctx: _Ctx) -> None:
    found = _find_header(ctx.sheet, "Actions")
    if found is None:
        ctx.error(None, None, "no header row with 'Ref' and 'Action' columns in the first 30 rows; "
                              "add them (see the template)")
        return
    h, cols = found
    seen: dict[tuple, str] = {}
    for i, row in _data_rows(ctx, h, cols):
        ref = _text(_cell(row, cols["ref"]))
        text = _text(_cell(row, cols["action"]))
        if not ref and not text:
            continue
        if not ref:
            ctx.error(i, cols["ref"], "the action has no Ref; give every action a reference such as 1.1")
            continue
        if not text:
            ctx.error(i, cols["action"], f"action {ref} has no wording in the Action column")
            continue
        as_at = ctx.parsed.as_at
        if "as_at" in cols and _cell(row, cols["as_at"]) is not None:
            p = parse_period(_cell(row, cols["as_at"]))
            if p is None:
                ctx.error(i, cols["as_at"], f"cannot read the As at month {_text(_cell(row, cols['as_at']))!r}; "
                                            "write it like Apr-24 or 2024-04", _cell(row, cols["as_at"]))
                continue
            as_at = p.start
        if as_at is None:
            ctx.error(i, cols["ref"], f"action {ref} has no As at month: add an 'As at' column, an "
                                      "'As at' row on the Plan sheet, or choose the month when importing")
            continue
        ok1, action_rag = _rag(ctx, i, cols.get("action_rag"), _cell(row, cols.get("action_rag")), "Action RAG")
        ok2, impact_rag = _rag(ctx, i, cols.get("impact_rag"), _cell(row, cols.get("impact_rag")), "Impact RAG")
        if not (ok1 and ok2):
            continue
        key = (as_at, ref)
        if key in seen:
            ctx.error(i, cols["ref"], f"action {ref} appears twice in the {as_at:%b-%y} snapshot "
                                      f"(also at {seen[key]}); refs must be unique")
            continue
        seen[key] = cell_ref(i, cols["ref"])
        due_raw = _cell(row, cols.get("due"))
        due, warning = parse_due(due_raw)
        if warning:
            ctx.warn(i, cols["due"], f"action {ref}: {warning}", due_raw)
        start_raw = _cell(row, cols.get("start"))
        start, _ = parse_due(start_raw)
        ctx.parsed.actions.append({
            "as_at": as_at, "ref": ref, "action": text,
            "priority": _text(_cell(row, cols.get("priority"))) or None,
            "focus_area": _text(_cell(row, cols.get("focus_area"))) or None,
            "owner": _text(_cell(row, cols.get("owner"))) or None,
            "start_text": start.text or None,
            "start_date": start.date,
            "due_text": due.text or None, "due_kind": due.kind, "due_date": due.date,
            "action_rag": action_rag, "impact_rag": impact_rag,
            "commentary": _text(_cell(row, cols.get("commentary"))) or None,
            "source": _text(_cell(row, cols.get("source"))) or None,
            "children_will_say": _text(_cell(row, cols.get("children_will_say"))) or None,
            "illustrative": _flag(_cell(row, cols.get("illustrative"))),
        })
