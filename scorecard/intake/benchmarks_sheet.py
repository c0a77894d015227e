"""The Benchmarks sheet: published comparators for a measure (England, region, statistical neighbours)."""
from __future__ import annotations

from ..periods import parse_period
from .cells import Ctx, at, text
from .format import BENCHMARK_FIELDS
from .measures_sheet import benchmark
from .rows import rows_under
from .sheetmap import SheetMap, ignored_note, ready
from .values_sheet import known_code


def parse(ctx: Ctx, m: SheetMap, reading) -> None:
    sheet = ctx.sheet
    if not ready(ctx, m):
        return
    cols = m.cols
    if not any(f in cols for f in BENCHMARK_FIELDS):
        ctx.error(m.header_row, None, "the Benchmarks sheet needs at least one of the England, Region or "
                                      "Statistical neighbours columns")
        return
    for i, row, _ in rows_under(sheet, m.header_row):
        code = ctx.name(i, cols["code"], at(row, cols["code"]), "measure code")
        raw_period = at(row, cols["period"])
        if code is None or (not code and raw_period is None):
            continue
        period = parse_period(raw_period)
        if period is None:
            ctx.error(i, cols["period"], f"cannot read the period {text(raw_period)!r}; write it like "
                                         "Apr-24, Q1 2024/25 or 2024/25", raw_period)
        figures, ok = {}, True
        for f, label in BENCHMARK_FIELDS.items():
            if f in cols:
                good, v = ctx.number(i, cols[f], at(row, cols[f]), f"number for {label}")
                ok &= good
                figures[f] = v
        if not known_code(ctx, reading, i, cols["code"], code) or period is None or not ok:
            continue
        if any(v is not None for v in figures.values()):
            benchmark(ctx, reading, i, cols["code"], code, period, figures)
    note = ignored_note(m)
    if note:
        ctx.note(m.header_row, None, note)
