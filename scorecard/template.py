"""The blank scorecard workbook (version 1): an instructions sheet and drop-down validation."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

HEADERS = {
    "Plan": None,
    "Measures": ["Code", "Measure", "Priority", "Focus area", "Unit", "Polarity",
                 "Requires Improvement", "Good", "Outstanding", "Target", "Source"],
    "Values": ["Code", "Period", "Value", "Numerator", "Denominator"],
    "Audits": ["Period", "Stream", "Grade", "Count"],
    "Actions": ["Ref", "Action", "Priority", "Focus area", "Owner", "Start", "Due", "Action RAG",
                "Impact RAG", "Commentary", "Source", "Children will say", "As at"],
}
LISTS = {
    "Polarity": "Higher is better,Lower is better,Increase,Decrease",
    "Unit": "%,number,days",
    "Grade": "Outstanding,Good,Requires Improvement,Inadequate",
    "Action RAG": "Blue,Green,Amber,Red",
    "Impact RAG": "Blue,Green,Amber,Red",
}
INSTRUCTIONS = [
    ("Scorecard workbook, version 1", ""),
    ("", ""),
    ("Sheet", "What goes in it"),
    ("Plan", "Optional. Rows of Authority, Plan and As at (a month such as Apr-24)."),
    ("Measures", "One row per measure. Code and Measure are required. Polarity: Higher is better, "
                 "Lower is better, Increase or Decrease (blank: worked out from the bands). Bands are "
                 "written as your plan writes them: 60-69%, 85+, >24, <14, 25-20, Increase."),
    ("Values", "Long: Code, Period, Value (+ Numerator, Denominator). Or wide: Code then one column "
               "per period. Periods: Apr-24, 2024-04, 01/04/2024, Q1 2024/25, 2024/25. Values: 65, 65% "
               "or 0.65 formatted as a percentage; '-', n/a or blank when there is no figure."),
    ("Audits", "Long: Period, Stream, Grade, Count (no Count = one case per row). Or wide: Period, "
               "Stream, then Outstanding, Good, Requires Improvement, Inadequate counts."),
    ("Actions", "Ref and Action are required. Due as plans write it: Sept 2023, Oct/Nov 2023, "
                "Quarterly, Ongoing, TBC. RAG: Blue, Green, Amber, Red or blank. As at: the month of "
                "this snapshot (or the Plan sheet's As at)."),
    ("", ""),
    ("Privacy", "Do not put children's names in any sheet. Case references in Audits are kept in the "
                "store but never shown on a page or in a board export."),
    ("Checking", "Upload the file on the Upload page, or run: python -m scorecard import FILE. Every "
                 "problem is listed with its sheet and cell; nothing is loaded until all are fixed."),
]


def write_template(path) -> None:
    wb = Workbook()
    ins = wb.active
    ins.title = "Instructions"
    for row in INSTRUCTIONS:
        ins.append(list(row))
    ins["A1"].font = Font(bold=True, size=14)
    for c in ("A3", "B3"):
        ins[c].font = Font(bold=True)
    ins.column_dimensions["A"].width = 14
    ins.column_dimensions["B"].width = 120
    plan = wb.create_sheet("Plan")
    for key in ("Authority", "Plan", "As at"):
        plan.append([key, ""])
        plan.cell(plan.max_row, 1).font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for name, headers in HEADERS.items():
        if headers is None:
            continue
        ws = wb.create_sheet(name)
        ws.append(headers)
        for j, h in enumerate(headers, start=1):
            cell = ws.cell(1, j)
            cell.font = Font(bold=True)
            cell.fill = head_fill
            ws.column_dimensions[cell.column_letter].width = max(12, len(h) + 4)
            if h in LISTS:
                dv = DataValidation(type="list", formula1=f'"{LISTS[h]}"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=f"{h}",
                                    error=f"Choose one of: {LISTS[h].replace(',', ', ')}")
                ws.add_data_validation(dv)
                dv.add(f"{cell.column_letter}2:{cell.column_letter}5000")
        ws.freeze_panes = "A2"
    wb.save(path)
