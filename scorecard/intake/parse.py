"""Parse: the sheets of an uploaded file, mapped, into records ready for the store, with every problem.

Errors block the import; warnings and notes do not. An import without errors has loaded every figure
the file holds, at the right scale, or has said (per sheet and cell) what it left out and why.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from . import (
    actions_sheet,
    audit_blocks,
    audits_sheet,
    benchmarks_sheet,
    bi_export,
    dfe,
    measures_sheet,
    plan_sheet,
    values_sheet,
)
from .cells import Ctx, blank
from .checks import check_percent_scale
from .format import VALUE_FIELDS
from .issues import Issue, grouped, hint
from .read import Sheet
from .recognise import DESCRIBE, recognise
from .sheetmap import UNUSED, SheetMap, role_by_name


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
    maps: list[SheetMap] = field(default_factory=list)
    status_words: dict[str, str] = field(default_factory=dict)  # status word as written -> BRAG rating
    loaded: dict[str, dict[str, int]] = field(default_factory=dict)  # sheet -> rows read from it, by kind
    profile: dict | None = None  # the saved import profile the file was read with

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "warning"]

    @property
    def notes(self) -> list[Issue]:
        return [i for i in self.issues if i.level == "note"]

    @property
    def sheets_found(self) -> dict[str, str]:
        """role -> sheet name, for the sheets read (the first of each role)."""
        out: dict[str, str] = {}
        for m in self.maps:
            if m.role != UNUSED:
                out.setdefault(m.role, m.sheet)
        return out

    def value_rows(self) -> list[dict]:
        return [dict(zip(VALUE_FIELDS, v)) for v in self.values]

    def sheet_lines(self) -> list[str]:
        """What was read from each sheet, a line each: `Values: 1,200 values`."""
        out = []
        for m in self.maps:
            if m.role == "Plan":
                out.append(f"{m.sheet}: plan {self.plan!r}" + (f" ({self.authority})" if self.authority else ""))
            elif m.role != UNUSED:
                got = self.loaded.get(m.sheet, {})
                parts = [f"{n:,} {WORDS[k][n != 1]}" + (
                    f" ({sum(a['cases'] for a in self.audits):,} cases)" if k == "audits" else "")
                    for k, n in got.items()]
                out.append(f"{m.sheet}: {', '.join(parts) or 'nothing to load'}")
        return out

    def counts(self) -> dict[str, int]:
        return {"measures": len(self.measures), "values": len(self.values),
                "audits": len(self.audits), "actions": len(self.actions)}

    def upload_counts(self) -> dict[str, int]:
        """What the upload history records, in the units its preview counts: measures, values, audits as
        periods of a stream (each is replaced whole), action rows."""
        return {**self.counts(), "audits": len({(a["period"], a["stream"]) for a in self.audits})}


WORDS = {"measures": ("measure", "measures"), "values": ("value", "values"),
         "audits": ("audit count", "audit counts"), "actions": ("action", "actions"),
         "benchmarks": ("benchmark row", "benchmark rows")}


@dataclass
class Reading:
    """What one sheet's parser tells the next: the plan's measures, those refused, values already seen."""
    parsed: ParsedWorkbook
    audience: str
    known: dict[str, dict]                     # code -> measure (the file's, else the store's)
    stored_codes: set[str]                     # the plan's measures already in the store
    measures_sheet: str | None = None          # the Measures sheet's name, when the file has one
    refused: dict[str, str] = field(default_factory=dict)    # code -> the cell that stopped it
    measure_cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # code -> (sheet, cell), all sheets
    value_cells: dict[tuple, str] = field(default_factory=dict)  # (code, period start) -> cell, across sheets
    percent_codes: set[str] = field(default_factory=set)     # measures with a percentage-formatted value
    codes_with_values: set[str] = field(default_factory=set)
    above_one: set[str] = field(default_factory=set)  # measures with a value above 1 (so not fractions of 1)
    whole_rows: dict[str, list] = field(default_factory=dict)  # code -> rows taken whole (cells listed lazily)
    unknown_codes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # code -> (sheet, cell)
    benchmark_rows: dict[tuple, tuple] = field(default_factory=dict)  # (code, period start) -> (sheet, row)
    assumed_benchmark_columns: set[int] = field(default_factory=set)
    status_words: dict[str, str] = field(default_factory=dict)  # the officer's own words: word -> rating
    stored_authority: str | None = None        # the plan's authority in the store

    def ctx(self, sheet: Sheet) -> Ctx:
        return Ctx(self.parsed.issues, sheet, self.audience)


def _unread_sheets(parsed: ParsedWorkbook, sheets: list[Sheet], maps: list[SheetMap]) -> None:
    """A sheet with data that is not read is said, never passed over in silence."""
    has_data = {s.name for s in sheets if any(any(not blank(v) for v in row) for row in s.rows)}
    for m in maps:
        if m.role == UNUSED and m.sheet in has_data:
            why = {"hidden": "it is hidden",
                   "not recognised": "its name is not one of ours (Plan, Measures, Values, Audits, Actions, "
                                     "Benchmarks) and its content is not a layout we know; map it in the Upload "
                                     "centre"}.get(m.how, m.how)
            parsed.issues.append(Issue("note", m.sheet, "", f"this sheet is not read: {why}"))


@dataclass(frozen=True)
class Role:
    parse: Callable   # (ctx, map, reading) -> None
    stage: int        # the order roles are read in: measures before the values that refer to them


# Every role a sheet can take, and its parser. Layouts of councils' own exports add theirs.
ROLES: dict[str, Role] = {
    "Measures": Role(measures_sheet.parse, 1), "Values": Role(values_sheet.parse, 2),
    "Benchmarks": Role(benchmarks_sheet.parse, 3), "Audits": Role(audits_sheet.parse, 4),
    "Actions": Role(actions_sheet.parse, 5),
    bi_export.ROLE: Role(bi_export.parse, 1),
    dfe.LAIT: Role(dfe.parse_indicator, 1), dfe.CHAT: Role(dfe.parse_chart_blocks, 1),
}
ROLES[audit_blocks.ROLE] = Role(audit_blocks.parse, 4)
DESCRIBE[audit_blocks.ROLE] = audit_blocks.describe
# roles that define measures (a file with none relies on the store's)
MEASURE_ROLES = {"Measures", bi_export.ROLE, dfe.LAIT, dfe.CHAT}


def plan_named(sheets: list[Sheet]) -> str | None:
    """The plan a file's Plan sheet names, if it has one (read quietly: the parse says what is wrong)."""
    for s in sheets:
        if role_by_name(s) == "Plan":
            parsed = ParsedWorkbook()
            plan_sheet.parse(Ctx([], s), SheetMap(s.name, "Plan"), parsed, None, None)
            return parsed.plan
    return None


def parse_workbook(sheets: list[Sheet], plan: str | None = None, as_at: dt.date | None = None,
                   known_measures: Callable[[str], dict[str, dict]] | None = None,
                   audience: str = "cli", maps: list[SheetMap] | None = None,
                   status_words: dict[str, str] | None = None,
                   known_authority: Callable[[str], str | None] | None = None) -> ParsedWorkbook:
    """Parse and validate.

    known_measures(plan) returns the plan's measures already in the store (code -> row), so that a monthly
    Values-only workbook can refer to them; known_authority(plan) the plan's authority in the store, whose row
    a DfE download's figures are read from when the file has no Plan sheet naming it. audience: "cli" or "app",
    for the words of what to do. maps: how each sheet is read (recognised when not given); status_words: the
    officer's own words for ratings.
    """
    parsed = ParsedWorkbook(plan=plan, as_at=as_at)
    parsed.maps = maps = maps if maps is not None else recognise(sheets)
    by_name = {s.name: s for s in sheets}
    used = [m for m in maps if m.role != UNUSED]
    if not any(m.role != "Plan" for m in used):
        names = ", ".join(repr(s.name) for s in sheets) or "none"
        parsed.issues.append(Issue("error", "Workbook", "", (
            f"no sheet we can read (found {names}): name the sheets Plan, Measures, Values, Audits and Actions "
            "(download the template), or map them in the Upload centre")))
        return parsed
    plan_map = next((m for m in used if m.role == "Plan"), None)
    named = plan_map is not None and plan_sheet.parse(Ctx(parsed.issues, by_name[plan_map.sheet], audience),
                                                      plan_map, parsed, plan, as_at)
    if not parsed.plan and not named:
        parsed.issues.append(Issue("error", "Plan", "", f"no plan name: add a Plan sheet with a 'Plan' row, or "
                                                         f"{hint('choose plan', audience)}"))
    stored = dict(known_measures(parsed.plan) if known_measures and parsed.plan else {})
    reading = Reading(parsed, audience, dict(stored), set(stored), status_words=dict(status_words or {}),
                      stored_authority=known_authority(parsed.plan) if known_authority and parsed.plan else None)
    measure_maps = [m for m in used if m.role in MEASURE_ROLES]
    reading.measures_sheet = measure_maps[0].sheet if measure_maps else None
    for m in sorted((m for m in used if m.role != "Plan"), key=lambda m: ROLES[m.role].stage):
        before = parsed.counts() | {"benchmarks": len(parsed.benchmarks)}
        ROLES[m.role].parse(reading.ctx(by_name[m.sheet]), m, reading)
        after = parsed.counts() | {"benchmarks": len(parsed.benchmarks)}
        parsed.loaded[m.sheet] = {k: after[k] - before[k] for k in after if after[k] > before[k]}
    _unread_sheets(parsed, sheets, maps)
    values_sheet.report_unknown_codes(reading)
    check_percent_scale(reading)
    if not measure_maps and stored and reading.parsed.values:
        parsed.issues.append(Issue("note", "Workbook", "", "no Measures sheet: the plan's stored measures are kept"))
    parsed.issues = grouped(parsed.issues)
    return parsed
