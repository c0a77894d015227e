"""A plan's data in force, as a scorecard workbook (version 1) to correct and upload again.

Everything current for the plan, in the format the importer reads: the Plan sheet, Measures with
their bands as the plan writes them, Values (long, with numerators and denominators), Audits as
counts per period, stream and grade (case references never leave the store), every action
snapshot, and Benchmarks. Loading the file back changes nothing; correcting a cell and loading it
changes just that. Text is written as text: no cell can run as a formula, and text that starts
like one keeps Excel's quote prefix, so it stays text even when edited.
"""
from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font

from .. import queries
from ..exports import FORMULA_STARTS
from ..exports import XLSX_MEDIA_TYPE as MEDIA_TYPE  # noqa: F401 - the pages' name for it
from ..periods import EVERYTHING, period_label
from ..store import PlanNotFound, Store
from .format import SHEETS

POLARITY_TEXT = {"higher": "Higher is better", "lower": "Lower is better", "increase": "Increase",
                 "decrease": "Decrease"}


def safe_file_name(plan: str) -> str:
    """A plan name as a download's file name: letters, digits, spaces, dots and dashes only."""
    return "".join(c if c.isalnum() or c in " .-" else "-" for c in plan).strip(" .-") or "plan"


def _label(d, kind: str = "month") -> str | None:
    return None if d is None or pd.isna(d) else period_label(pd.Timestamp(d).date(), kind)


def _illustrative(flag) -> str | None:
    return "Illustrative" if flag else None


def plan_sheets(store: Store, plan: str) -> dict[str, list[list]]:
    """Each sheet's rows, headers first; sheets with no data are left out."""
    with store.snapshot() as cur:
        info = queries.run(store, "plans", cur).set_index("plan")
        if plan not in info.index:
            raise PlanNotFound(f"there is no plan {plan!r}; see 'plans' for the names")
        measures = queries.run(store, "measures", cur, plan=plan)
        values = queries.run(store, "measure_values", cur, plan=plan, as_at=EVERYTHING)
        audits = queries.run(store, "audit_counts", cur, plan=plan, as_at=EVERYTHING)
        actions = queries.run(store, "action_history", cur, plan=plan, as_at=EVERYTHING)
        benchmarks = queries.run(store, "benchmarks", cur, plan=plan, as_at=EVERYTHING)
    row = info.loc[plan]
    sheets = {"Plan": [["Authority", row["authority"]], ["Plan", plan], ["As at", _label(row["as_at"])]]}
    for name, frame in (("Measures", measures), ("Values", values), ("Audits", audits), ("Actions", actions),
                        ("Benchmarks", benchmarks)):
        fields = [c.field for c in SHEETS[name].columns if c.written]
        sheets[name] = [SHEETS[name].headers] + [[_cell(f, r) for f in fields] for r in frame.to_dict("records")]
    return {name: rows for name, rows in sheets.items() if name == "Plan" or len(rows) > 1}


def _cell(field: str, r: dict):
    """A stored row's value for a workbook column, written as the importer reads it back."""
    if field == "period":
        return _label(r["period"], r["period_kind"])
    if field == "as_at":
        return _label(r["as_at"])
    if field == "polarity":
        return POLARITY_TEXT.get(r["polarity"])
    if field == "illustrative":
        return _illustrative(r["illustrative"])
    return r[{"count": "cases", "start": "start_text", "due": "due_text"}.get(field, field)]


def _value(v):
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if hasattr(v, "item") and not isinstance(v, (str, bytes)) else v


def plan_workbook_bytes(store: Store, plan: str) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in plan_sheets(store, plan).items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row, start=1):
                cell = ws.cell(i, j, _value(v))
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    cell.data_type, cell.quotePrefix = "s", True  # text, never a formula
        if name != "Plan":
            for cell in ws[1]:
                cell.font = Font(bold=True)
            ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
