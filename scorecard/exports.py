"""CSV and Excel exports that are safe to open: no cell can start a formula.

A text cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula
by Excel (CSV injection). Such text is prefixed with an apostrophe, which Excel shows as text.
Numbers stay numbers, so a negative value is not touched.
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(v):
    if isinstance(v, str) and v.startswith(FORMULA_STARTS):
        return "'" + v
    return v


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out.columns = [safe_cell(str(c)) for c in out.columns]
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):  # kept as objects: 25 stays 25, not 25.0
            out[c] = pd.Series([safe_cell(v) for v in out[c]], index=out.index, dtype=object)
    return out


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens accents and £ correctly; UK dates."""
    return safe_frame(df).to_csv(index=False, date_format="%d/%m/%Y").encode("utf-8-sig")


def _excel_value(v):
    if v is None or (isinstance(v, float) and v != v) or v is pd.NaT or v is pd.NA:
        return None
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime()
    if isinstance(v, (list, tuple, set, dict)):
        return ", ".join(str(x) for x in v)
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        return v.item()
    return safe_cell(v)


def to_xlsx_bytes(df: pd.DataFrame, sheet: str = "Export", title: str | None = None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]
    row = 1
    if title:
        ws.cell(1, 1, safe_cell(title)).font = Font(bold=True, size=13)
        row = 3
    for j, c in enumerate(df.columns, start=1):
        ws.cell(row, j, safe_cell(str(c))).font = Font(bold=True)
    for r in df.itertuples(index=False):
        row += 1
        for j, v in enumerate(r, start=1):
            cell = ws.cell(row, j, _excel_value(v))
            if isinstance(cell.value, (dt.date, dt.datetime)):
                cell.number_format = "DD/MM/YYYY"
    for j, c in enumerate(df.columns, start=1):
        ws.column_dimensions[get_column_letter(j)].width = min(60, max(10, len(str(c)) + 2))
    ws.freeze_panes = ws.cell(row=(3 if title else 1) + 1, column=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
