"""Flat BI exports (Power BI "Export data", SSRS reports): one row per measure per period.

`KPI_ID | KPI_Name | Period_End_Date | Numerator | Denominator | Result | Target | Polarity`, or the same with
other words (`Indicator`, `Month`, `Value`, `Direction`...): the rows define the measures (code, name, target,
polarity, unit) and give their values. A long table (a period and a value per row) that names its measures or
gives their target, polarity or unit is such an export; one with codes and none of these is a Values sheet
(values of measures defined elsewhere). Power BI writes an `Applied filters:` footer under the table (`Year is
2024`...): it is said in a note, never read as data.

Also here, for every layout that defines measures from a council's or the DfE's export: define_measure (a
measure already in the plan keeps what the export does not give) and code_from_title (a code made from a
measure's name).
"""
from __future__ import annotations

import re

from .. import bands
from ..periods import Period, month_with_year, parse_period
from .cells import Ctx, at, blank, text
from .codes import code_from_title, codes_by_name
from .format import SHEETS, field_names, normalise
from .measures_sheet import BAND_FIELDS, _percent_hint, _target, _unit
from .read import Sheet, cell_ref, column_letter
from .recognise import BY_CONTENT, Fit, layout
from .rows import rows_under
from .sheetmap import HEADER_SCAN, SheetMap
from .values_sheet import add_value
from .words import flag

ROLE = "Measure values"
DEFINING = frozenset(("measure", "target", "polarity", "unit"))  # a long table with one of these defines measures
_FIELDS = (("Values", ("code", "measure", "period", "value", "numerator", "denominator", "illustrative")),
           ("Measures", ("unit", "polarity", "target", "priority", "focus_area")))
NAMES: dict[str, str] = {}  # normalised header -> field, from the format's own synonyms
for _sheet, _fields in _FIELDS:
    for _name, _field in field_names(_sheet).items():
        if _field in _fields:
            NAMES.setdefault(_name, _field)
WHAT = {"measure": "name", "target": "target", "polarity": "polarity", "unit": "unit", "priority": "priority",
        "focus_area": "focus area"}
POLARITY_SHOWN = {"higher": "Higher is better", "lower": "Lower is better", "increase": "Increase",
                  "decrease": "Decrease"}


YEAR_NAMES = frozenset(("year", "financial year", "fy"))  # beside a Month column: the year of its month names
# Power BI names a summarised column by its aggregation: `Sum of Numerator`, `Average of Result`, `First Target`.
_AGGREGATION = re.compile(r"^(?:sum|average|avg|min|max|first|last|median) (?:of )?")


def find_header(sheet: Sheet) -> tuple[int, dict[int, str]] | None:
    """The first row (within HEADER_SCAN) naming a period, a value, and a measure code or name (Power BI's
    `Sum of Numerator` is the numerator). A Year column beside a Month column gives the year of its month names
    (`Year | Month`: 2024 | April)."""
    for h, row in enumerate(sheet.rows[:HEADER_SCAN]):
        cols: dict[int, str] = {}
        for j, v in enumerate(row):
            if v.__class__ is str:
                n = normalise(v)
                f = "year" if n in YEAR_NAMES else NAMES.get(n) or NAMES.get(_AGGREGATION.sub("", n))
                if f is not None and f not in cols.values():
                    cols[j] = f
        got = set(cols.values())
        if "year" in got and "period" not in got:
            cols = {j: "period" if f == "year" else f for j, f in cols.items()}
            got = set(cols.values())
        if "period" in got and "value" in got and ("code" in got or "measure" in got):
            return h, cols
    return None


def footer_row(sheet: Sheet, header_row: int) -> int:
    """The row of Power BI's `Applied filters:` footer (everything from it down is not data), or the sheet's
    length when there is none."""
    for i in range(header_row + 1, len(sheet.rows)):
        first = next((v for v in sheet.rows[i] if not blank(v)), None)
        if first.__class__ is str and normalise(first).startswith("applied filters"):
            return i
    return len(sheet.rows)


@layout
def bi_export(sheet: Sheet) -> Fit | None:
    found = find_header(sheet)
    if found is None:
        return None
    h, cols = found
    got = set(cols.values())
    if "code" in got and not got & DEFINING:
        return None  # a long Values sheet
    m = SheetMap(sheet.name, ROLE, h, cols, how=BY_CONTENT)
    m.ignored = _ignored(sheet, h, cols, footer_row(sheet, h))
    return Fit(m, len(cols) + 0.5)


def _ignored(sheet: Sheet, h: int, cols: dict[int, str], end: int) -> dict[int, str]:
    header = sheet.rows[h]
    width = max((len(r) for r in sheet.rows[h:end]), default=0)
    return {j: text(at(header, j)) or "(no header)" for j in range(width) if j not in cols and any(
        not blank(at(r, j)) for r in sheet.rows[h + 1:end])}


def parse(ctx: Ctx, m: SheetMap, reading) -> None:
    sheet = ctx.sheet
    if m.header_row is None:
        found = find_header(sheet)
        if found is None:
            ctx.error(None, None, f"no header row with a measure code or name, a period and a value column in the "
                                  f"first {HEADER_SCAN} rows (such as KPI_ID | KPI_Name | Period_End_Date | Result); "
                                  "map the columns in the Upload centre")
            return
        m.header_row, m.columns = found
    cols = m.cols
    missing = [what for what, present in (("a period", "period" in cols), ("a value", "value" in cols),
                                          ("a measure code or name", "code" in cols or "measure" in cols))
               if not present]
    if missing:
        ctx.error(m.header_row, None, f"the export needs {' and '.join(missing)} column; map the columns in the "
                                      "Upload centre")
        return
    end = footer_row(sheet, m.header_row)
    made: dict[str, str] = {}  # name -> code made for it (no code column)
    kept = []
    for code, rows in _rows(ctx, m, reading, end, made).items():
        if _measure(ctx, m, reading, code, rows) and code in reading.stored_codes:
            kept.append(code)
    if made:
        shown = "; ".join(f"{c} for '{n}'" for n, c in list(made.items())[:6]) + (" ..." if len(made) > 6 else "")
        ctx.note(m.header_row, None, "no code column: a measure's code is the plan's code for a measure of that "
                                     f"name, else one made from its name ({shown})")
    kept_note(ctx, kept, [WHAT[f] for f in WHAT if f in cols])
    if end < len(sheet.rows):
        _footer_note(ctx, end)
    if m.ignored:
        ctx.note(m.header_row, None, "ignored columns, not read: " + ", ".join(
            f"{label} ({column_letter(j)})" for j, label in sorted(m.ignored.items())))


def _rows(ctx: Ctx, m: SheetMap, reading, end: int, made: dict[str, str]) -> dict[str, list]:
    """The data rows above the footer, by measure code: (row index, row, period, name)."""
    cols = m.cols
    cc, nc, pc = cols.get("code"), cols.get("measure"), cols["period"]
    by_name = None if cc is not None else codes_by_name(reading.known)
    out: dict[str, list] = {}
    for i, row, _ in rows_under(ctx.sheet, m.header_row):
        if i >= end:
            break
        code = ctx.name(i, cc, at(row, cc), "measure code") if cc is not None else ""
        name = ctx.long_text(i, nc, at(row, nc), "measure name") if nc is not None else ""
        if code is None or name is None:
            continue  # too long: said
        raw_period = at(row, pc)
        if not code and not name:
            if raw_period is not None or at(row, cols["value"]) is not None:
                ctx.error(i, cc if cc is not None else nc, "the row has a value but no measure code or name")
            continue
        if not code:
            code = by_name.get(normalise(name)) or made.setdefault(name, code_from_title(name))
        if raw_period is None:
            ctx.error(i, pc, f"the row for {code} has no period; give the month (e.g. Apr-24 or the period's end "
                             "date), quarter (Q1 2024/25) or year (2024/25)")
            continue
        period = parse_period(raw_period)
        year = at(row, cols.get("year"))
        if period is None and year is not None:
            period = month_with_year(text(raw_period), text(year))
        if period is None:
            also = f" (in the year {text(year)!r})" if year is not None else ""
            ctx.error(i, pc, f"cannot read the period {text(raw_period)!r}{also}; write it like Apr-24, 31/03/2024, "
                             "Q1 2024/25 or 2024/25, or a month name beside a Year column", raw_period)
            continue
        out.setdefault(code, []).append((i, row, period, name))
    return out


def _measure(ctx: Ctx, m: SheetMap, reading, code: str, rows: list) -> bool:
    """Define one measure from its rows (the latest period's target, polarity... win, with a warning when they
    differ between rows), then keep its values. False when it was refused."""
    cols = m.cols
    mark = len(ctx.issues)
    rows.sort(key=lambda r: r[2].start)
    given: dict = {"code": code}
    seen: dict[str, list[tuple[Period, object]]] = {f: [] for f in WHAT}
    for i, row, period, name in rows:
        seen["measure"].append((period, name or None))
        for f in ("priority", "focus_area"):
            if f in cols:
                seen[f].append((period, ctx.name(i, cols[f], at(row, cols[f]), WHAT[f]) or None))
        if "unit" in cols:
            seen["unit"].append((period, _unit(ctx, i, cols["unit"], at(row, cols["unit"]))))
        if "polarity" in cols:
            raw = at(row, cols["polarity"])
            try:
                seen["polarity"].append((period, bands.parse_polarity(raw)))
            except ValueError as exc:
                ctx.error(i, cols["polarity"], str(exc), raw)
    for f in ("measure", "priority", "focus_area", "unit", "polarity"):
        given[f] = _latest(ctx, code, f, cols.get(f), seen[f])
    if "target" in cols:
        unit = given["unit"] or (reading.known.get(code, {}).get("unit") if code in reading.stored_codes else None)
        for i, row, period, _ in rows:
            raw = at(row, cols["target"])
            seen["target"].append((period, _target(ctx, i, cols["target"], raw, code, unit)))
        given["target"] = _latest(ctx, code, "target", cols["target"], seen["target"])
    first_error = ctx.first_error_since(mark)
    i, row = rows[-1][:2]
    key_col = cols.get("code", cols.get("measure"))
    if first_error:
        reading.refused[code] = first_error
        return False
    if not define_measure(ctx, reading, i, key_col, given, row, cols):
        return False
    unit = reading.known[code].get("unit")
    for i, row, period, _ in rows:
        add_value(ctx, reading, i, cols["value"], code, period, at(row, cols["value"]), unit,
                  flag(at(row, cols.get("illustrative"))), at(row, cols.get("numerator")),
                  at(row, cols.get("denominator")), cols)
    return True


def _latest(ctx: Ctx, code: str, f: str, col: int | None, seen: list[tuple[Period, object]]):
    """The latest period's value of a field (blanks passed over); a warning names the values when rows differ."""
    given = [(p, v) for p, v in seen if v is not None]
    if not given:
        return None
    shown = list(dict.fromkeys(_shown(v) for _, v in given))
    period, value = given[-1]
    if len(shown) > 1:
        ctx.warn(None, col, f"{code}: the {WHAT[f]} differs between its rows ({', '.join(shown)}); the latest "
                            f"period's, {_shown(value)} ({period.label}), is used")
    return value


def _shown(v) -> str:
    if isinstance(v, float):
        return f"{v:g}"
    return POLARITY_SHOWN.get(v, str(v))


def _footer_note(ctx: Ctx, end: int) -> None:
    lines = []
    for row in ctx.sheet.rows[end:]:
        for v in row:
            for line in ([] if blank(v) else str(v).splitlines()):
                line = " ".join(line.split())
                if normalise(line).startswith("applied filters"):
                    line = line.partition(":")[2].strip()
                if line:
                    lines.append(line)
    shown = "; ".join(lines[:10]) + (" ..." if len(lines) > 10 else "")
    ctx.note(end, None, "Power BI's 'Applied filters' footer is not data" + (f": {shown}" if shown else ""))


# -- measures defined from an export (BI exports, DfE downloads) -------------------------------------------
MEASURE_FIELDS = SHEETS["Measures"].fields


def define_measure(ctx: Ctx, reading, i: int, j: int, given: dict, row: list | None = None,
                   cols: dict | None = None, banding_warnings: bool = True) -> bool:
    """Define a measure from an export that gives only some of its fields (given: code, name, and whatever
    else it has, None meaning "not given"). A measure already in the plan keeps the rest (priority, focus area,
    unit, bands, target, source); a code another sheet of this file defines is refused, as on the Measures
    sheet. banding_warnings=False: the caller has said why the measure cannot be rated. False when refused
    (reported)."""
    code = given["code"]
    if code in reading.measure_cells:
        sheet_name, cell = reading.measure_cells[code]
        also = cell if sheet_name == ctx.sheet.name else f"{sheet_name}!{cell}"
        ctx.error(i, j, f"measure code {code} appears twice (also at {also}); each code must be unique")
        return False
    reading.measure_cells[code] = (ctx.sheet.name, cell_ref(i, j))
    stored = reading.known.get(code, {}) if code in reading.stored_codes else {}
    rec = {f: stored.get(f) for f in MEASURE_FIELDS} | {f: v for f, v in given.items() if v is not None}
    rec["measure"] = rec["measure"] or code  # an export of codes only: the code is its name too
    texts = {grade: rec[f] for grade, f in zip(bands.BAND_COLUMNS, BAND_FIELDS)}
    for w in bands.resolve_banding(code, rec["polarity"], texts).warnings if banding_warnings else ():
        ctx.warn(i, j, w)
    rec["percent_hint"] = _percent_hint(rec, row or [], cols or {})
    reading.parsed.measures.append(rec)
    reading.known[code] = rec
    return True


def kept_note(ctx: Ctx, codes: list[str], gives: list[str]) -> None:
    """Say which measures already in the plan kept the fields the export does not give."""
    if codes:
        shown = ", ".join(codes[:6]) + (" ..." if len(codes) > 6 else "")
        gives = ", ".join(gives[:-1]) + " and " + gives[-1] if len(gives) > 1 else gives[0]
        ctx.note(None, None, f"{shown}: already in the plan; this sheet gives their {gives}, and they keep the "
                             "rest (bands, priority, source...) as they are")


