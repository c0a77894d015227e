"""The Measures sheet: one row per measure, with its bands and target; month-headed columns beside a
measure are its values, and England / region / statistical-neighbour columns its benchmarks (the
commonest council layout keeps all three on one sheet)."""
from __future__ import annotations

from .. import bands
from ..periods import Period
from .cells import Ctx, at, text
from .codes import code_from_title, codes_by_name
from .format import BENCHMARK_FIELDS, header_of, normalise
from .read import cell_ref, column_letter
from .rows import rows_under
from .sheetmap import SheetMap, ignored_note, ready
from .values_sheet import WideRows
from .words import UNITS_HELP, unit_of

BAND_FIELDS = ("ri_band", "good_band", "outstanding_band")
WHAT = {f: header_of("Measures", f).lower() for f in ("priority", "focus_area", "source")}


def parse(ctx: Ctx, m: SheetMap, reading) -> None:
    sheet = ctx.sheet
    if not ready(ctx, m):
        return
    cols = m.cols
    parsed = reading.parsed
    # Section rows (a name alone on a row) are the focus area of the measures under them (or their priority,
    # when the sheet has a Focus area column); a council's sheet per service area names their priority.
    headed = "focus_area" if "focus_area" not in cols else "priority" if "priority" not in cols else None
    sheet_priority = sheet.name if m.options.get("sheet_as_priority") and "priority" not in cols else None
    headings: dict[str, int] = {}
    wide = WideRows(ctx, reading, m)
    code_col = cols.get("code")
    by_name = codes_by_name(reading.known) if code_col is None else {}
    made: dict[str, str] = {}  # name -> code made for it (no code column)
    for i, row, heading in rows_under(sheet, m.header_row):
        mark = len(ctx.issues)
        name = ctx.long_text(i, cols["measure"], at(row, cols["measure"]), "measure name")
        if code_col is not None:
            code = ctx.name(i, code_col, at(row, code_col), "measure code")  # None: too long (said)
        else:  # codes from names
            code = "" if not name else by_name.get(normalise(name)) or made.setdefault(name, code_from_title(name))
        if code == "" and name == "":
            if wide.has_values(i, row):
                ctx.error(i, code_col if code_col is not None else cols["measure"],
                          "the row has values but no measure Code" if code_col is not None else
                          "the row has values but no measure name")
            continue
        if code == "":
            ctx.error(i, code_col, "the measure has no Code; give every measure a short code such as CIN8")
        if name == "":
            ctx.error(i, cols["measure"], f"measure {code} has no name in the Measure column")
        where = code_col if code_col is not None else cols["measure"]
        if code and code in reading.measure_cells:
            sheet_name, cell = reading.measure_cells[code]
            also = cell if sheet_name == sheet.name else f"{sheet_name}!{cell}"
            ctx.error(i, where, f"measure code {code} appears twice (also at {also}); each code must be unique")
            continue
        if code:
            reading.measure_cells[code] = (sheet.name, cell_ref(i, where))
        rec = {"code": code, "measure": name}
        for f in ("priority", "focus_area", "source"):
            rec[f] = ctx.name(i, cols.get(f), at(row, cols.get(f)), WHAT[f]) or None
        if headed and heading:
            rec[headed] = heading[1]
            headings.setdefault(heading[1], heading[0])
        if sheet_priority:
            rec["priority"] = sheet_priority
        rec["unit"] = _unit(ctx, i, cols.get("unit"), at(row, cols.get("unit")))
        try:
            rec["polarity"] = bands.parse_polarity(at(row, cols.get("polarity")))
        except ValueError as exc:
            rec["polarity"] = None
            ctx.error(i, cols["polarity"], str(exc), at(row, cols.get("polarity")))
        texts = {}
        for grade, f in zip(bands.BAND_COLUMNS, BAND_FIELDS):
            raw = at(row, cols.get(f))
            texts[grade] = rec[f] = text(raw) if raw is not None else None
            try:
                bands.parse_band(texts[grade])
            except ValueError as exc:
                ctx.error(i, cols[f], f"measure {code}: {exc}", raw)
        rec["target"] = _target(ctx, i, cols.get("target"), at(row, cols.get("target")), code, rec["unit"])
        rec["tolerance"] = _tolerance(ctx, i, cols.get("tolerance"), at(row, cols.get("tolerance")), code, rec["unit"])
        first_error = ctx.first_error_since(mark)
        if first_error:
            if code:
                reading.refused[code] = first_error
            continue
        for w in bands.resolve_banding(code, rec["polarity"], texts).warnings:
            ctx.warn(i, where, w)
        rec["percent_hint"] = _percent_hint(rec, row, cols)
        parsed.measures.append(rec)
        reading.known[code] = rec
        _row_values(ctx, m, reading, wide, i, row, rec)
    if headings:
        shown = "; ".join(f"'{h}' (row {r + 1})" for h, r in list(headings.items())[:6])
        ctx.note(None, None, f"section rows set the {header_of('Measures', headed)} of the measures under them: "
                             f"{shown}{' ...' if len(headings) > 6 else ''}")
    if sheet_priority:
        ctx.note(None, None, f"the sheet's name is the Priority of its measures ('{sheet_priority}')")
    if code_col is None:
        shown = "; ".join(f"{c} for '{n}'" for n, c in list(made.items())[:6]) + (" ..." if len(made) > 6 else "")
        ctx.note(None, None, "the sheet has no code column: each measure takes the plan's code for a measure of "
                             "its name, else one made from its name" + (f" ({shown})" if made else ""))
    report_assumed_periods(ctx, m, reading)
    note = ignored_note(m)
    if note:
        ctx.note(m.header_row, None, note)


def _unit(ctx: Ctx, i: int, j: int | None, raw) -> str | None:
    if raw is None:
        return None
    unit = unit_of(raw)
    if unit is None:
        ctx.error(i, j, f"unknown unit {text(raw)!r}: use {UNITS_HELP}", raw)
    return unit


def _target(ctx: Ctx, i: int, j: int | None, raw, code: str, unit: str | None) -> float | None:
    if raw is None:
        return None
    ok, v = ctx.number(i, j, raw, "target")
    if not ok:
        return None
    if v is not None and unit == "%" and not 0 <= v <= 100:
        ctx.error(i, j, f"measure {code}: a % target must be between 0 and 100", raw)
        return None
    return v


def _tolerance(ctx: Ctx, i: int, j: int | None, raw, code: str, unit: str | None) -> str | None:
    """The tolerance as written (a cell formatted as a percentage reads as one: 0.05 is 5%)."""
    if raw is None:
        return None
    written = f"{raw * 100:g}%" if isinstance(raw, float) and ctx.sheet.is_percent_formatted(i, j) else text(raw)
    try:
        bands.parse_tolerance(written, unit)
    except ValueError as exc:
        ctx.error(i, j, f"measure {code}: {exc}", raw)
        return None
    return written


def _percent_hint(rec: dict, row: list, cols: dict[str, int]) -> bool:
    """Is this a percentage measure, by its unit, or (with no unit) by a % in its bands, target or name?"""
    if rec["unit"] is not None:
        return rec["unit"] == "%"
    said = [rec.get(f) or "" for f in BAND_FIELDS] + [text(at(row, cols.get("target"))), rec["measure"] or ""]
    return any("%" in s for s in said) or any(w in (rec["measure"] or "").lower()
                                              for w in ("percentage", "proportion", "per cent"))


def _row_values(ctx: Ctx, m: SheetMap, reading, wide: WideRows, i: int, row: list, rec: dict) -> None:
    """Month-headed columns beside the measure are its values; benchmark columns its benchmarks."""
    code = rec["code"]
    latest = wide.take(i, row, code, rec["unit"], False)
    if not m.benchmarks:
        return
    by_period: dict = {}
    for j, f in m.benchmarks.items():
        raw = at(row, j)
        if raw is None:
            continue
        ok, v = ctx.number(i, j, raw, f"number for {BENCHMARK_FIELDS[f]}")
        if not ok or v is None:
            continue
        period = m.column_periods.get(j)
        if period is None:
            if latest is None:
                ctx.error(i, j, f"{code}: the {BENCHMARK_FIELDS[f]} figure has no period, and the measure has "
                                f"no values on this row to take it from; name it in the header (e.g. "
                                f"'{BENCHMARK_FIELDS[f]} 2023/24') or use a Benchmarks sheet", raw)
                continue
            period = latest
            reading.assumed_benchmark_columns.add(j)
        by_period.setdefault(period, {})[f] = v
    for period, figures in by_period.items():
        benchmark(ctx, reading, i, m.cols.get("code", m.cols["measure"]), code, period, figures)


def benchmark(ctx: Ctx, reading, i: int, code_col: int, code: str, period: Period, figures: dict) -> None:
    """Keep one measure's benchmark figures for a period, refusing a second row for the same period."""
    key = (code, period.start)
    if key in reading.benchmark_rows:
        sheet, row = reading.benchmark_rows[key]
        also = f"row {row + 1}" if sheet == ctx.sheet.name else f"{sheet} row {row + 1}"
        ctx.error(i, code_col, f"{code} {period.label} is given twice (also {also}); keep one benchmark row per "
                               "measure and period")
        return
    reading.benchmark_rows[key] = (ctx.sheet.name, i)
    reading.parsed.benchmarks.append({"code": code, "period": period.start, "period_kind": period.kind,
                                      **{f: figures.get(f) for f in BENCHMARK_FIELDS}})


def report_assumed_periods(ctx: Ctx, m: SheetMap, reading) -> None:
    for j in sorted(reading.assumed_benchmark_columns):
        label = BENCHMARK_FIELDS[m.benchmarks[j]]
        ctx.warn(None, j, f"the {label} figures in column {column_letter(j)} name no period, so each is taken "
                          f"as of its measure's latest value on the row; name the period in the header (e.g. "
                          f"'{label} 2023/24') if that is wrong")
    reading.assumed_benchmark_columns.clear()
