"""The scorecard workbook, version 1: every sheet and column, defined once.

The importer finds columns by these headers and synonyms, the template and the plan export write
these headers in this order, the store's tables take their columns from here, and the README's
table of sheets is checked against it by a test. To add a column: add it here, add a migration for
its store column, and read it in the sheet's parser.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

VERSION = 1


@lru_cache(maxsize=65536)
def _normalise(t: str) -> str:
    t = t.replace("\u00a0", " ").replace("_", " ").lower()
    return " ".join(re.sub(r"[^a-z0-9%↑↓]+", " ", t).split())


def normalise(text) -> str:
    """A header or word as compared: lower case, punctuation and spacing ignored (`Action No.` ->
    `action no`, `KPI_ID` -> `kpi id`); % and arrows kept, since they carry meaning."""
    return _normalise(text) if text.__class__ is str else _normalise(str(text or ""))


@dataclass(frozen=True)
class Column:
    field: str                    # the record key
    header: str                   # the canonical header: template, export and messages
    also: tuple[str, ...] = ()    # other headers councils write (compared after normalise())
    required: bool = False
    choices: tuple[str, ...] = ()  # the template's drop-down
    store: tuple[str, ...] | None = None  # the store columns it fills (default: its field)
    written: bool = True          # False: read when present, never written (case references, alternatives)
    help: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(normalise(n) for n in (self.header, *self.also)))

    @property
    def store_columns(self) -> tuple[str, ...]:
        return (self.field,) if self.store is None else self.store


@dataclass(frozen=True)
class SheetFormat:
    name: str
    columns: tuple[Column, ...]
    table: str | None = None      # the store table its rows go to
    help: str = ""

    @property
    def headers(self) -> list[str]:
        """The headers the template and the plan export write, in order."""
        return [c.header for c in self.columns if c.written]

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns if c.required)

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)


CODE_NAMES = ("measure code", "kpi code", "scorecard code", "indicator code", "kpi id", "indicator id",
              "pi ref", "pi code", "kpi ref", "measure ref", "measure id", "ref", "no", "id")
MEASURE_NAMES = ("measure name", "performance measure", "indicator", "indicator name", "kpi", "kpi name",
                 "measure description", "measuring our performance", "description", "performance indicator",
                 "pi", "pi description", "kpi description")
PERIOD_NAMES = ("month", "date", "quarter", "year", "period end date", "period end", "reporting period",
                "reporting month", "period ending", "month ending")
ILLUSTRATIVE = Column("illustrative", "Illustrative", help="yes marks a figure generated for a demo")
POLARITIES = ("Higher is better", "Lower is better", "Increase", "Decrease")
RAGS = ("Blue", "Green", "Amber", "Red")
GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")

PLAN = SheetFormat("Plan", (
    Column("authority", "Authority", ("local authority", "council", "la", "authority name", "la name")),
    Column("plan", "Plan", ("plan name", "improvement plan")),
    Column("as_at", "As at", ("as at month", "as at date", "reporting month", "reporting period", "period",
                              "month")),
), help="Optional. Rows of Authority, Plan and As at (a month such as Apr-24).")

MEASURES = SheetFormat("Measures", (
    Column("code", "Code", CODE_NAMES, required=True),
    Column("measure", "Measure", MEASURE_NAMES, required=True),
    Column("priority", "Priority", ("recommendation", "pillar")),
    Column("focus_area", "Focus area", ("focus", "theme", "service area")),
    Column("unit", "Unit", ("units", "measure type", "format"), choices=("%", "number", "days")),
    Column("polarity", "Polarity", ("good is", "good performance is", "direction", "direction of good",
                                    "higher or lower is better", "is higher better", "better if"),
           choices=POLARITIES),
    Column("ri_band", "Requires Improvement", ("ri", "requires improvement to be good", "amber",
                                                "ri threshold", "ri band")),
    Column("good_band", "Good", ("good threshold", "good band")),
    Column("outstanding_band", "Outstanding", ("outstanding threshold", "outstanding band")),
    Column("target", "Target", ("targets", "target value", "annual target")),
    Column("source", "Source", ("data source",)),
    Column("tolerance", "Tolerance", ("rag tolerance", "amber tolerance", "tolerance %", "tolerance band")),
), table="measures", help=(
    "One row per measure. Code and Measure are required. Polarity: Higher is better, Lower is better, "
    "Increase or Decrease (blank: worked out from the bands). Bands are written as your plan writes them: "
    "60-69%, 85+, >24, <14, 25-20, 80% and above, Increase. Month columns (Apr-24, ...) and England, "
    "Region or Statistical neighbours columns beside a measure are read as its values and benchmarks. "
    "Tolerance (2 points, 5%, 10% of target) rates the measure Green / Amber / Red against its target."))

VALUES = SheetFormat("Values", (
    Column("code", "Code", CODE_NAMES, required=True),
    Column("period", "Period", PERIOD_NAMES, store=("period", "period_kind")),
    Column("value", "Value", ("result", "performance", "actual", "actual value", "figure")),
    Column("numerator", "Numerator", ("num",)),
    Column("denominator", "Denominator", ("den", "denom")),
    ILLUSTRATIVE,
    Column("measure", "Measure", MEASURE_NAMES, written=False, store=()),
), table="measure_values", help=(
    "Long: Code, Period, Value (+ Numerator, Denominator). Or wide: Code then one column per period. "
    "Periods: Apr-24, 2024-04, 01/04/2024, Q1 2024/25, 2024/25, 2018-19. Values: 65, 65% or 0.65 formatted "
    "as a percentage; '-', n/a or blank when there is no figure."))

AUDITS = SheetFormat("Audits", (
    Column("period", "Period", ("month", "quarter", "audit period", "audit month", "date", "audit date",
                                "month audited"), required=True, store=("period", "period_kind")),
    Column("stream", "Stream", ("audit stream", "audit type", "audit theme", "theme", "team", "service area",
                                "service"), required=True),
    Column("grade", "Grade", ("judgement", "judgment", "rating", "overall grade", "overall judgement",
                              "overall judgment", "auditor grade", "auditors grade", "auditor judgement",
                              "grade awarded"), choices=GRADES),
    Column("count", "Count", ("cases", "number", "number of cases", "no of cases", "count of cases"),
           store=("cases",)),
    ILLUSTRATIVE,
    Column("moderated_grade", "Moderated grade", ("moderated judgement", "moderated judgment",
                                                  "moderated rating", "moderation grade"),
           written=False, store=()),
    Column("case_ref", "Case ref", ("case reference", "case id", "child id", "person id", "lcs id",
                                    "child ref", "mosaic id"), written=False, store=()),
    # The wide layout: a count per grade.
    *(Column(g, g, ("ri", "requires improvement to be good") if g == "Requires Improvement" else (),
             written=False, store=()) for g in GRADES),
    # Percentages printed beside the counts: checked against them, never loaded.
    Column("pct", "%", ("percent", "percentage", "% of cases"), written=False, store=()),
    *(Column(f"pct:{g}", f"{g} %", tuple(f for w in words for f in (f"{w} %", f"% {w}", f"{w} percent",
                                                                     f"{w} percentage", f"{w} pct"))[1:],
             written=False, store=())
      for g, words in (("Outstanding", ("outstanding",)), ("Good", ("good",)),
                       ("Requires Improvement", ("requires improvement", "ri")), ("Inadequate", ("inadequate",)),
                       ("good or better", ("good or better", "good or outstanding")))),
), table="audits", help=(
    "Long: Period, Stream, Grade, Count (no Count = one case per row). Or wide: Period, Stream, then "
    "Outstanding, Good, Requires Improvement, Inadequate counts."))
AUDIT_GRADE_FIELDS = GRADES

ACTIONS = SheetFormat("Actions", (
    Column("as_at", "As at", ("as at date", "as at month", "snapshot", "snapshot month")),
    Column("ref", "Ref", ("reference", "action ref", "action reference", "action no", "action number",
                          "action id", "no", "id"), required=True),
    Column("action", "Action", ("actions", "what we will do", "action what we will do", "action description",
                                "description", "action title", "title"), required=True),
    Column("priority", "Priority", ("recommendation",)),
    Column("focus_area", "Focus area", ("focus", "theme", "area")),
    Column("owner", "Owner", ("lead", "lead officer", "who s responsible", "who is responsible", "action owner",
                              "responsible", "responsible officer", "accountable officer", "owner s")),
    Column("start", "Start", ("start date",), store=("start_text", "start_date")),
    Column("due", "Due", ("due by", "due date", "end date", "review date", "progress review date",
                          "when will we see an impact", "deadline", "timescale", "timescales", "target date",
                          "completion date", "date due"), store=("due_text", "due_kind", "due_date")),
    Column("action_rag", "Action RAG", ("action brag", "rag", "brag", "progress rag", "rag status", "status",
                                        "brag status", "progress status", "rag rating"), choices=RAGS),
    Column("impact_rag", "Impact RAG", ("impact brag", "impact rating", "impact status"), choices=RAGS),
    Column("commentary", "Commentary", ("update commentary", "progress", "progress update", "update",
                                        "latest update", "comments", "progress commentary")),
    Column("source", "Source", ("finding", "findings")),
    Column("children_will_say", "Children will say", ("what our children will say", "what children will say")),
    ILLUSTRATIVE,
), table="actions", help=(
    "Ref and Action are required. Due as plans write it: Sept 2023, Oct/Nov 2023, 31st March 2024, "
    "End of Q2, Quarterly, Ongoing, TBC. RAG: Blue, Green, Amber, Red (or On track, At risk, Complete...) "
    "or blank. As at: the month of this snapshot (or the Plan sheet's As at)."))

BENCHMARKS = SheetFormat("Benchmarks", (
    Column("code", "Code", CODE_NAMES, required=True),
    Column("period", "Period", ("year", "month", "quarter", "date"), required=True, store=("period", "period_kind")),
    Column("england", "England", ("england average", "national", "national average", "eng")),
    Column("region", "Region", ("regional", "regional average", "region average")),
    Column("neighbours", "Statistical neighbours", ("statistical neighbour", "stat neighbours",
                                                    "stat neighbour", "statistical neighbour average", "sn",
                                                    "sn average", "neighbours", "stat neighbour average")),
), table="benchmarks", help=(
    "Optional. Code, Period, then England, Region and Statistical neighbours: published comparators."))

SHEETS: dict[str, SheetFormat] = {f.name: f for f in (PLAN, MEASURES, VALUES, AUDITS, ACTIONS, BENCHMARKS)}
DATA_SHEETS = ("Measures", "Values", "Audits", "Actions", "Benchmarks")
BENCHMARK_FIELDS = {"england": "England", "region": "Region", "neighbours": "Statistical neighbours"}
# Regions of England, as benchmark column headers beside a measure (a council's own region).
REGIONS = ("north west", "north east", "yorkshire and the humber", "yorkshire and humber", "east midlands",
           "west midlands", "east of england", "eastern", "london", "inner london", "outer london",
           "south east", "south west")


def store_columns(table: str) -> list[str]:
    """A store table's columns after upload_id, in the table's own order: plan, then the columns its sheet's
    fields fill. (audit_case_refs is the one table not fed by a sheet of its own.)"""
    if table == "plans":
        return ["plan", "authority", "as_at"]
    if table == "audit_case_refs":
        return ["plan", "period", "stream", "grade", "case_ref"]
    sheet = next(f for f in SHEETS.values() if f.table == table)
    return ["plan", *(s for c in sheet.columns for s in c.store_columns)]


VALUE_FIELDS = tuple(c for c in store_columns("measure_values") if c != "plan")


def sheet_kind(name: str) -> str | None:
    """Recognise one of our sheets by its name, case and spacing ignored (CSV file names may carry a prefix,
    such as `2024-03 Values.csv`)."""
    n = re.sub(r"[^a-z]", "", name.lower())
    for kind in SHEETS:
        if n == kind.lower():
            return kind
    for kind in SHEETS:
        if n.endswith(kind.lower()):
            return kind
    return None


@cache
def field_names(sheet: str) -> dict[str, str]:
    """normalised header -> field, for one sheet (first definition wins)."""
    out: dict[str, str] = {}
    for c in SHEETS[sheet].columns:
        for n in c.names:
            out.setdefault(n, c.field)
    return out


def header_of(sheet: str, field: str) -> str:
    return SHEETS[sheet].column(field).header
