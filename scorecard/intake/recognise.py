"""Recognise: what each sheet of a file is, by its name or else by its content, and what each column feeds.

A sheet named as one of ours (Plan, Measures, Values, Audits, Actions, Benchmarks) takes that role. Any
other visible sheet is recognised by its content: every layout below looks at it and says how well it fits
(the most fields recognised wins), so a council's own scorecard sheet ("Children in Care": indicators with
month columns) reads as measures with their values whatever it is called. A saved import profile
(profiles.py) comes first of all. The result, one SheetMap per sheet, is what the Upload centre shows and
lets the officer change, and what parse.py reads.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .format import SHEETS
from .read import Sheet
from .sheetmap import UNUSED, SheetMap, classify, find_header, role_by_name

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

