"""The Values sheet: long (Code, Period, Value, Numerator, Denominator) or wide (Code, then a column per
period). Month-headed columns beside measures on the Measures sheet are read by the same take_row()."""
from __future__ import annotations

import math
from itertools import repeat
from operator import itemgetter

from ..periods import Period, parse_period
from .cells import MAX_NUMBER, Ctx, at, blank, text
from .issues import Issue, hint
from .read import cell_ref
from .rows import rows_under
from .sheetmap import SheetMap, ignored_note, ready
from .words import flag

_FLOAT_ONLY = {float}


def parse(ctx: Ctx, m: SheetMap, reading) -> None:
    if not ready(ctx, m):
        return
    cols = m.cols
    if "period" in cols and "value" in cols:
        _long(ctx, m, reading)
    elif m.periods:
        _wide(ctx, m, reading)
    else:
        ctx.error(m.header_row, cols["code"], "the Values sheet has neither Period and Value columns nor period "
                                              "columns such as Apr-24 after Code")
        return
    note = ignored_note(m)
    if note:
        ctx.note(m.header_row, None, note)


def known_code(ctx: Ctx, reading, i: int, j: int, code: str) -> bool:
    """Is the code a measure we can load figures for? Unknown codes are gathered and reported at the end; a
    measure refused on the Measures sheet is named once, not as unknown on every row."""
    if code in reading.known:
        return True
    if code in reading.refused:
        ctx.note(None, None, f"{code} was not loaded because of {reading.refused[code]}, so its figures here "
                             "are not checked")
    elif reading.measures_sheet is None and not reading.stored_codes:
        reading.unknown_codes.setdefault(code, []).append((ctx.sheet.name, cell_ref(i, j)))  # said once, at the end
    else:
        ctx.error(i, j, f"unknown measure code {code!r}: add it to the Measures sheet, or correct the code", code)
    return False


def report_unknown_codes(reading) -> None:
    """A new plan with no Measures sheet: every code is unknown, and that is said once."""
    if not reading.unknown_codes:
        return
    codes = list(reading.unknown_codes)
    sheets = sorted({s for cells in reading.unknown_codes.values() for s, _ in cells})
    shown = ", ".join(codes[:10]) + (" ..." if len(codes) > 10 else "")
    n = len(codes)
    reading.parsed.issues.append(Issue("error", "Workbook", "", (
        f"no Measures sheet, so the {n} code{'s' if n != 1 else ''} on {' and '.join(sheets)} "
        f"{'are' if n != 1 else 'is'} unknown ({shown}): add a Measures sheet, or "
        + hint("their plan", reading.audience, they="they" if n != 1 else "it", s="" if n != 1 else "s"))))


def _register(ctx: Ctx, reading, i: int, j: int, code: str, period: Period) -> bool:
    """Note where a measure's value for a period is; False (reported) when it was given already."""
    if code in reading.whole_rows:  # rows taken whole: their cells are listed only when needed
        for sheet_name, row_i, cells in reading.whole_rows.pop(code):
            reading.value_cells.update({(code, p.start): (sheet_name, cell_ref(row_i, jj)) for jj, p in cells})
    key = (code, period.start)
    if key in reading.value_cells:
        sheet, cell = reading.value_cells[key]
        also = cell if sheet == ctx.sheet.name else f"{sheet}!{cell}"
        ctx.error(i, j, f"{code} {period.label} is given twice (also at {also}); keep one value per measure "
                        "and period")
        return False
    reading.value_cells[key] = (ctx.sheet.name, cell_ref(i, j))
    reading.codes_with_values.add(code)
    return True


def add_value(ctx: Ctx, reading, i: int, j: int, code: str, period: Period, raw, unit: str | None,
              illustrative: bool, num=None, den=None, cols: dict | None = None) -> bool:
    """Check one value cell (and its numerator and denominator) in full; keep it if it is sound."""
    if ctx.sheet.is_percent_formatted(i, j):
        reading.percent_codes.add(code)
    ok, value = ctx.number(i, j, raw, "number")
    if not _register(ctx, reading, i, j, code, period):
        return False
    if ok and value is not None and unit == "%" and not 0 <= value <= 100:
        ctx.error(i, j, f"{code} {period.label}: {value:g}% is outside 0-100; percentages must be between "
                        "0 and 100", raw)
        ok = False
    counts = []
    for name, r in (("numerator", num), ("denominator", den)):
        c = (cols or {}).get(name)
        if c is None:
            counts.append(None)
            continue
        good, v = ctx.number(i, c, r, name)
        if good and v is not None and v < 0:
            ctx.error(i, c, f"the {name} {v:g} is negative; counts cannot be below 0", r)
            good = False
        ok &= good
        counts.append(v)
    if not ok or value is None:
        return False
    reading.parsed.values.append((code, period.start, period.kind, value, counts[0], counts[1], illustrative))
    if value > 1:
        reading.above_one.add(code)
    return True


class WideRows:
    """Reads a row of period-headed columns: a row of plain numbers (the bulk of every upload) is taken
    whole, anything else cell by cell."""

    def __init__(self, ctx: Ctx, reading, m: SheetMap):
        self.ctx, self.reading = ctx, reading
        self.periods = sorted(m.periods.items())
        js = [j for j, _ in self.periods]
        self.pick = itemgetter(*js) if len(js) > 1 else (lambda row: (row[js[0]],))
        self.last_col = max(js) if js else -1
        self.starts = [p.start for _, p in self.periods]
        self.kinds = [p.kind for _, p in self.periods]
        self.latest = max((p for _, p in self.periods), key=lambda p: p.start, default=None)
        self.slow_rows = {i for i, _ in ctx.sheet.error_cells} | ctx.sheet.percent_rows()

    def has_values(self, i: int, row: list) -> bool:
        errors = self.ctx.sheet.error_cells
        return any(j < len(row) and (not blank(row[j]) or (i, j) in errors) for j, _ in self.periods)

    def take(self, i: int, row: list, code: str, unit: str | None, illustrative: bool) -> Period | None:
        """Keep the row's values; returns the latest period with a value."""
        if not self.periods:
            return None
        reading = self.reading
        if i not in self.slow_rows and len(row) > self.last_col and code not in reading.codes_with_values:
            vals = self.pick(row)
            lowest, highest = (0, 100) if unit == "%" else (-MAX_NUMBER, MAX_NUMBER)
            if set(map(type, vals)) == _FLOAT_ONLY and all(map(math.isfinite, vals)) and \
                    lowest <= min(vals) and max(vals) <= highest:
                reading.parsed.values.extend(zip(repeat(code), self.starts, self.kinds, vals, repeat(None),
                                                 repeat(None), repeat(illustrative)))
                if max(vals) > 1:
                    reading.above_one.add(code)  # not fractions of 1: no percent-scale check needed
                reading.codes_with_values.add(code)
                reading.whole_rows[code] = [(self.ctx.sheet.name, i, self.periods)]
                return self.latest
        latest = None
        errors = self.ctx.sheet.error_cells
        for j, p in self.periods:
            raw = row[j] if j < len(row) else None
            if blank(raw) and (i, j) not in errors:
                continue
            if add_value(self.ctx, reading, i, j, code, p, None if blank(raw) else raw, unit, illustrative):
                latest = p if latest is None or p.start > latest.start else latest
        return latest


def _long(ctx: Ctx, m: SheetMap, reading) -> None:
    cols = m.cols
    for i, row, _ in rows_under(ctx.sheet, m.header_row):
        code = ctx.name(i, cols["code"], at(row, cols["code"]), "measure code")
        raw_period = at(row, cols["period"])
        if code is None or (not code and raw_period is None):
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
            ctx.error(i, cols["period"], f"cannot read the period {text(raw_period)!r}; write it like "
                                         "Apr-24, 2024-04, 01/04/2024, Q1 2024/25 or 2024/25", raw_period)
            continue
        if not known_code(ctx, reading, i, cols["code"], code):
            continue
        add_value(ctx, reading, i, cols["value"], code, period, at(row, cols["value"]),
                  reading.known[code].get("unit"), flag(at(row, cols.get("illustrative"))),
                  at(row, cols.get("numerator")), at(row, cols.get("denominator")), cols)


def _wide(ctx: Ctx, m: SheetMap, reading) -> None:
    cols = m.cols
    code_col = cols["code"]
    wide = WideRows(ctx, reading, m)
    first_row: dict[str, int] = {}
    for i, row, _ in rows_under(ctx.sheet, m.header_row):
        code = ctx.name(i, code_col, at(row, code_col), "measure code")
        if code is None:
            continue
        has_values = wide.has_values(i, row)
        if not code:
            if has_values:
                ctx.error(i, code_col, "the row has values but no measure Code")
            continue
        if not has_values and code not in reading.known:
            continue  # a heading or a note under the table
        if not known_code(ctx, reading, i, code_col, code):
            continue
        if code in first_row:
            ctx.error(i, code_col, f"the measure {code} has a second row (also row {first_row[code] + 1}); "
                                   "keep one row per measure")
            continue
        first_row[code] = i
        wide.take(i, row, code, reading.known[code].get("unit"), flag(at(row, cols.get("illustrative"))))
