"""Exports neutralise formulas in text cells and keep numbers and dates intact."""
import csv
import io

import pandas as pd
from openpyxl import load_workbook

from scorecard.exports import safe_cell, to_csv_bytes, to_xlsx_bytes

DF = pd.DataFrame({"Measure": ["=HYPERLINK(\"http://x\")", "+1", "-cmd", "@SUM(A1)", "plain", "\tTab"],
                   "Value": [1.5, -2.0, 3.0, None, 5.0, 6.0],
                   "As at": pd.to_datetime(["2024-01-01"] * 6)})


def test_safe_cell():
    assert [safe_cell(v)
            for v in ["=1", "+1", "-1", "@x", "ok", -1, None]] == ["'=1", "'+1", "'-1", "'@x", "ok", -1, None]


def test_csv_export_is_formula_safe():
    rows = list(csv.reader(io.StringIO(to_csv_bytes(DF).decode("utf-8-sig"))))
    assert rows[0] == ["Measure", "Value", "As at"]
    assert [r[0] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-cmd", "'@SUM(A1)", "plain", "'\tTab"]
    assert rows[2][1] == "-2.0" and rows[1][2] == "01/01/2024"


def test_xlsx_export_is_formula_safe():
    ws = load_workbook(io.BytesIO(to_xlsx_bytes(DF, "Measures", title="=Board pack"))).active
    assert ws["A1"].value == "'=Board pack"
    assert [ws.cell(r, 1).value for r in range(4, 10)] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-cmd",
                                                           "'@SUM(A1)", "plain", "'\tTab"]
    assert ws["B5"].value == -2.0 and ws["B7"].value is None and ws["C4"].number_format == "DD/MM/YYYY"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
