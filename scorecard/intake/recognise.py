"""Recognise: what each sheet of a file is, by its name or else by its content, and what each column feeds.

A sheet named as one of ours (Plan, Measures, Values, Audits, Actions, Benchmarks) takes that role. Any
other visible sheet is recognised by its content: every layout below looks at it and says how well it fits
(the most fields recognised wins), so a council's own scorecard sheet ("Children in Care": indicators with
month columns) reads as measures with their values whatever it is called. A saved import profile
(profiles.py) comes first of all. The result, one SheetMap per sheet, is what the Upload centre shows and
lets the officer change, and what parse.py reads.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .format import SHEETS
from .read import Sheet
from .sheetmap import (
    HEADER_SCAN,
    UNUSED,
    SheetMap,
    classify,
    find_header,
    has_data,
    header_labels,
    match_fields,
    role_by_name,
)

BY_NAME, BY_CONTENT = "by its name", "by its content"


@dataclass(frozen=True)
class Fit:
    """How one layout would read a sheet: the map, and how many things it recognised (higher wins)."""
    map: SheetMap
    score: float


# A layout: looks at a sheet, returns how it would read it, or None. Layouts of councils' own exports
# (audit blocks, audit tool exports, BI exports, DfE downloads) register here from their own modules.
Layout = Callable[[Sheet], Fit | None]
LAYOUTS: list[Layout] = []


def layout(fn: Layout) -> Layout:
    LAYOUTS.append(fn)
    return fn


def table_map(sheet: Sheet, role: str, how: str) -> SheetMap | None:
    """One of our table sheets (Measures, Values, Audits, Actions, Benchmarks): its header row found and its
    columns classified, or None when the sheet has no header row for the role."""
    found = find_header(sheet, role)
    if found is None:
        return None
    m = SheetMap(sheet.name, role, found[0], found[1], column_periods=found[2], how=how)
    m.bad_periods = classify(sheet, m, m.header_row + 1, long="period" in m.cols)
    return m


def _table_fit(role: str) -> Layout:
    def fit(sheet: Sheet) -> Fit | None:
        m = table_map(sheet, role, BY_CONTENT)
        if m is None:
            return None
        if role == "Measures" and "priority" not in m.cols:
            m.options["sheet_as_priority"] = True  # a council's sheet per service area: Early Help, CIN...
        # fields recognised, and the values beside them: a sheet of month columns is measures or values
        return Fit(m, len(m.columns) + 0.5 * bool(m.periods) + 0.25 * len(m.benchmarks))
    fit.__name__ = f"{role.lower()}_table"
    return fit


for _role in ("Measures", "Values", "Audits", "Actions", "Benchmarks"):
    layout(_table_fit(_role))


@layout
def named_measures(sheet: Sheet) -> Fit | None:
    """Measures with their month columns but no code column (`Indicator | Apr-24 | May-24`): codes are made
    from their names (or are the plan's for a measure of that name), and a note lists them."""
    for h in range(min(len(sheet.rows), HEADER_SCAN)):
        fields, named = match_fields([v if v.__class__ is str else "" for v in sheet.rows[h]], "Measures")
        if "measure" not in fields.values() or "code" in fields.values():
            continue
        m = SheetMap(sheet.name, "Measures", h, fields, column_periods=named, how=BY_CONTENT,
                     options={"codes_from_names": True})
        m.bad_periods = classify(sheet, m, h + 1)
        if len(m.periods) < 2:
            continue
        if "priority" not in m.cols:
            m.options["sheet_as_priority"] = True
        return Fit(m, len(m.columns) + 0.25)
    return None


def recognise_sheet(sheet: Sheet) -> SheetMap:
    """The map for one sheet: by its name, else the layout that recognises most of it, else not used."""
    role = role_by_name(sheet)
    if role == "Plan":
        return SheetMap(sheet.name, role, how=BY_NAME)
    if role is not None:
        named = table_map(sheet, role, BY_NAME)
        if named is None:  # "Case file audits" written as a council's layout (audits in blocks) reads as that
            fit = max((f for f in (fn(sheet) for fn in LAYOUTS) if f is not None and f.map.role not in SHEETS),
                      key=lambda f: f.score, default=None)
            named = fit.map if fit else SheetMap(sheet.name, role, how=BY_NAME)  # the parser says why
        return named
    if sheet.hidden:
        return SheetMap(sheet.name, UNUSED, how="hidden")
    fits = [f for f in (fn(sheet) for fn in LAYOUTS) if f is not None]
    if not fits:
        return SheetMap(sheet.name, UNUSED, how="not recognised")
    return max(fits, key=lambda f: f.score).map  # the first registered wins a tie


def recognise(sheets: list[Sheet]) -> list[SheetMap]:
    """A map for every sheet, in the workbook's order. A second sheet named as the same one of ours (say two
    'Values' sheets) is not read: that is said."""
    maps, named = [], set()
    for s in sheets:
        m = recognise_sheet(s)
        if m.how == BY_NAME:
            if m.role in named:
                m = SheetMap(s.name, UNUSED, how=f"another sheet is already the {m.role} sheet")
            named.add(m.role)
        maps.append(m)
    return maps



def remap(sheet: Sheet, m: SheetMap, role: str | None = None, header_row: int | None = None,
          columns: dict[int, str | None] | None = None, options: dict | None = None) -> SheetMap:
    """The officer's choices in the Upload centre applied to a sheet's map: another role (its header row and
    columns found afresh), another header row (0-based: its columns found afresh), what single columns feed
    (a field, `benchmark:england|region|neighbours`, `period` to keep a period-headed column, or None: not
    read), and the layout's options. Anything not chosen stays as recognised."""
    how = "your choice"
    if role is not None and role != m.role:
        if role == UNUSED or role == "Plan":
            return SheetMap(sheet.name, role, how=how)
        m = table_map(sheet, role, how) or _at_row(sheet, role, likely_header(sheet), how, {})
    if header_row is not None and header_row != m.header_row and m.role not in (UNUSED, "Plan"):
        m = _at_row(sheet, m.role, header_row, how, m.options)
    if columns:
        m.how = how
        for j, choice in columns.items():
            period = m.periods.get(j)
            for d in (m.columns, m.periods, m.benchmarks, m.ignored):
                d.pop(j, None)
            if choice == "period" and period is not None:
                m.periods[j] = period
            elif choice and choice.startswith("benchmark:"):
                m.benchmarks[j] = choice[10:]
            elif choice and choice != "period":
                for k in [k for k, f in m.columns.items() if f == choice]:
                    del m.columns[k]  # a field is read from one column
                m.columns[j] = choice
            elif has_data(sheet, (m.header_row or 0) + 1, j):
                m.ignored[j] = header_labels(sheet, m.header_row)[j] or "(no header)"
        m.bad_periods = [(j, t) for j, t in m.bad_periods if j not in m.columns and j not in m.ignored]
    if options is not None:
        m.options = {**m.options, **options}
    return m


def _at_row(sheet: Sheet, role: str, header_row: int, how: str, options: dict) -> SheetMap:
    """The sheet read with its header at a given row: fields matched by their headers, the rest classified."""
    fields, named = match_fields(header_labels(sheet, header_row), role)
    m = SheetMap(sheet.name, role, header_row, fields, column_periods=named, how=how, options=dict(options))
    m.bad_periods = classify(sheet, m, header_row + 1, long="period" in m.cols)
    return m


def likely_header(sheet: Sheet) -> int:
    """The row that looks most like a header (the most text cells among the first rows), for a sheet whose
    headers name none of a role's fields: the officer maps its columns from there."""
    scores = [sum(1 for v in row if isinstance(v, str) and v.strip()) for row in sheet.rows[:HEADER_SCAN]]
    return max(range(len(scores)), key=lambda r: (scores[r], -r)) if scores else 0


# Layouts whose sheets are best described from the sheet itself register a describer: role -> fn(sheet).
DESCRIBE: dict[str, Callable[[Sheet], str]] = {}


def describe(m: SheetMap, loaded: dict[str, int] | None = None, sheet: Sheet | None = None) -> str:
    """What a sheet is and what was read from it, in a line: `measures with their months: 9 measures x 11
    periods + England, SN`."""
    if m.role in DESCRIBE and sheet is not None:
        return DESCRIBE[m.role](sheet)
    if m.role == UNUSED:
        return f"not used ({m.how})"
    if m.role == "Plan":
        return "the plan's name, authority and as-at month"
    got = loaded or {}
    if m.role == "Measures" and m.periods:
        extra = sorted({BENCHMARK_SHORT[b] for b in m.benchmarks.values()})
        return (f"measures with their months: {got.get('measures', 0):,} measures x {len(m.periods)} "
                f"period{'s' if len(m.periods) != 1 else ''}" + (f" + {', '.join(extra)}" if extra else ""))
    if m.role == "Values" and m.periods:
        return f"values, a column per period: {got.get('values', 0):,} values over {len(m.periods)} periods"
    parts = [f"{n:,} {k}" for k, n in got.items() if n]
    return f"{m.role.lower()}: {', '.join(parts) or 'nothing to load'}"


BENCHMARK_SHORT = {"england": "England", "region": "region", "neighbours": "SN"}


def preview_rows(sheet: Sheet, m: SheetMap, n: int = 5) -> list[dict]:
    """The first data rows as the map reads them: {column heading as read: cell}, for the mapping step."""
    from .cells import text
    from .rows import rows_under
    if m.header_row is None or m.role in (UNUSED, "Plan"):
        return []
    names = {j: SHEETS[m.role].column(f).header if m.role in SHEETS and f in SHEETS[m.role].fields else f
             for j, f in m.columns.items()}
    names.update({j: p.label for j, p in m.periods.items()})
    names.update({j: BENCHMARK_SHORT[b] for j, b in m.benchmarks.items()})
    out = []
    for _, row, heading in rows_under(sheet, m.header_row):
        rec = {"(heading)": heading[1]} if heading else {}
        rec.update({names[j]: text(row[j]) if j < len(row) else "" for j in sorted(names)})
        out.append(rec)
        if len(out) >= n:
            break
    return out
