"""The blank scorecard workbook (version 1), from the format: an instructions sheet, then each sheet with
its headers and drop-downs."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .format import DATA_SHEETS, PLAN, SHEETS, VERSION

INSTRUCTIONS = [
    (f"Scorecard workbook, version {VERSION}", ""),
    ("", ""),
    ("Sheet", "What goes in it"),
    *((name, SHEETS[name].help) for name in ("Plan", *DATA_SHEETS)),
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
    for key in PLAN.headers:
        plan.append([key, ""])
        plan.cell(plan.max_row, 1).font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for name in DATA_SHEETS:
        fmt = SHEETS[name]
        ws = wb.create_sheet(name)
        ws.append(fmt.headers)
        for j, column in enumerate(c for c in fmt.columns if c.written):
            cell = ws.cell(1, j + 1)
            cell.font = Font(bold=True)
            cell.fill = head_fill
            ws.column_dimensions[cell.column_letter].width = max(12, len(column.header) + 4)
            if column.choices:
                choices = ",".join(column.choices)
                dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True,
                                    showErrorMessage=True, errorTitle=column.header,
                                    error=f"Choose one of: {', '.join(column.choices)}")
                ws.add_data_validation(dv)
                dv.add(f"{cell.column_letter}2:{cell.column_letter}5000")
        ws.freeze_panes = "A2"
    wb.save(path)
