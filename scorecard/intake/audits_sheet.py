"""The Audits sheet: case-file audit grades per period and stream. Long (a Grade and a Count per row, or
one row per case with its case reference) or wide (a count column per grade); percentages printed beside
the counts are checked against them, never loaded."""
from __future__ import annotations

from functools import lru_cache

from ..audits import parse_grade as _parse_grade
from ..periods import parse_period, period_label
from .cells import MAX_CASES, Ctx, at, text
from .format import AUDIT_GRADE_FIELDS
from .read import column_letter
from .rows import rows_under
from .sheetmap import SheetMap, ignored_note, ready
from .words import flag

parse_grade = lru_cache(maxsize=256)(_parse_grade)


def parse(ctx: Ctx, m: SheetMap, reading) -> None:
    sheet = ctx.sheet
    parsed = reading.parsed
    if not ready(ctx, m):
        return
    cols = m.cols
    wide = [g for g in AUDIT_GRADE_FIELDS if g in cols]
    grade_cols = [cols[f] for f in ("moderated_grade", "grade") if f in cols]
    if not grade_cols and not wide:
        ctx.error(m.header_row, None, "the Audits sheet needs a Grade column, or Outstanding, Good, Requires "
                                      "Improvement and Inadequate count columns")
        return
    if len(grade_cols) == 2:
        ctx.note(None, None, f"the {sheet.rows[m.header_row][cols['moderated_grade']]} column "
                             f"({column_letter(cols['moderated_grade'])}) is used where it is filled in, and the "
                             f"{sheet.rows[m.header_row][cols['grade']]} column ({column_letter(cols['grade'])}) "
                             "where it is not: a moderated grade wins over the auditor's")
    totals: dict[tuple, int] = {}
    illustrative_keys: set[tuple] = set()
    long_pcts: list[tuple] = []  # (row, col, raw, given %, grade, (period, kind, stream)) checked at the end
    pct_cols = {f[4:]: j for f, j in cols.items() if f.startswith("pct:")}
    pcol, scol, ccol, icol = cols["period"], cols["stream"], cols.get("count"), cols.get("illustrative")
    rcol, pctcol = cols.get("case_ref"), cols.get("pct")
    issues = ctx.issues
    for i, row, _ in rows_under(sheet, m.header_row):
        mark = len(issues)
        raw_period = at(row, pcol)
        stream = ctx.name(i, scol, at(row, scol), "audit stream")  # None: too long (said)
        if raw_period is None and stream == "":
            continue
        period = parse_period(raw_period)
        if period is None:
            ctx.error(i, pcol, f"cannot read the period {text(raw_period)!r}; write it like "
                               "Apr-24, Q1 2024/25 or 2024/25", raw_period)
        if stream == "":
            ctx.error(i, scol, "the audit row has no Stream (e.g. Referrals, CP plans)")
        illustrative = icol is not None and flag(at(row, icol))
        if grade_cols:
            j = grade_cols[0] if len(grade_cols) == 1 or at(row, grade_cols[0]) is not None else grade_cols[1]
            raw_grade = at(row, j)
            grade = None
            try:
                grade = parse_grade(raw_grade)
            except ValueError as exc:
                ctx.error(i, j, str(exc), raw_grade)
            n = read_count(ctx, i, ccol, at(row, ccol)) if ccol is not None else 1
            ref = ctx.name(i, rcol, at(row, rcol), "case reference") if rcol is not None else ""
            if len(issues) > mark and ctx.first_error_since(mark):
                continue
            grades = ((grade, n),)
            if pctcol is not None and at(row, pctcol) is not None:
                ok, given = ctx.number(i, pctcol, at(row, pctcol), "percentage")
                if ok and given is not None:
                    long_pcts.append((i, pctcol, at(row, pctcol), given, grade,
                                      (period.start, period.kind, stream)))
            if ref:
                parsed.audit_case_refs.append({"period": period.start, "stream": stream, "grade": grade,
                                               "case_ref": ref})
        else:
            grades = [(g, read_count(ctx, i, cols[g], at(row, cols[g]))) for g in wide]
            if ctx.first_error_since(mark):
                continue
            for g, j in pct_cols.items():
                raw = at(row, j)
                ok, given = ctx.number(i, j, raw, "percentage")
                if ok and given is not None:
                    check_pct(ctx, i, j, raw, given, g, dict(grades))
        start, kind = period.start, period.kind
        for g, n in grades:
            key = (start, kind, stream, g)
            totals[key] = totals.get(key, 0) + n
            if illustrative:
                illustrative_keys.add(key)
    if long_pcts:
        by_key: dict[tuple, dict[str, int]] = {}
        for (start, kind, stream, g), n in totals.items():
            by_key.setdefault((start, kind, stream), {})[g] = n
        for i, j, raw, given, grade, key in long_pcts:
            check_pct(ctx, i, j, raw, given, grade, by_key.get(key, {}))
    for (start, kind, stream, g), n in totals.items():
        if n > MAX_CASES:
            ctx.error(None, None, f"{stream} {period_label(start, kind)}: the {g} counts add up to {n:,} cases, "
                                  f"more than the {MAX_CASES:,} a period can hold; check the counts")
            continue
        parsed.audits.append({"period": start, "period_kind": kind, "stream": stream, "grade": g, "cases": n,
                              "illustrative": (start, kind, stream, g) in illustrative_keys})
    note = ignored_note(m)
    if note:
        ctx.note(m.header_row, None, note)


def check_pct(ctx: Ctx, i: int, j: int, raw, given: float, grade: str, counts: dict[str, int]) -> None:
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


def read_count(ctx: Ctx, i: int, j: int, raw) -> int:
    if raw.__class__ is float and 0 <= raw <= MAX_CASES and raw.is_integer() and (i, j) not in ctx.sheet.error_cells \
            and not ctx.sheet.has_percent_styles:
        return int(raw)  # the usual count: a whole number, nothing to say
    ok, v = ctx.number(i, j, raw, "count of cases")
    if not ok:
        return 0
    if v is None:
        return 0
    if v < 0:
        ctx.error(i, j, f"the count {v:g} is negative; a count of cases cannot be below 0", raw)
        return 0
    if v > MAX_CASES:
        ctx.error(i, j, f"the count {v:,.0f} is more than the {MAX_CASES:,} cases a count can hold; check it", raw)
        return 0
    if not float(v).is_integer():
        ctx.error(i, j, f"the count {v:g} is not a whole number of cases", raw)
        return 0
    return int(v)
