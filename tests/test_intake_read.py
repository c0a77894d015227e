"""Messy real files the importer accepts: merged cells, formulas, hidden sheets, dates in every form,
non-breaking spaces, CSV encodings and delimiters."""
import datetime as dt
import io
import re
import zipfile

from openpyxl import Workbook

from scorecard.intake import load
from tests.bad_files import xlsx

PLAN = [["Plan", "Messyshire 2024"], ["As at", "Mar-24"]]
MEASURES = [["Code", "Measure", "Unit"], ["CIN8", "Assessments in time", "%"], ["WF6", "Caseload", "number"]]


def check(store, data: bytes, name: str = "messy.xlsx"):
    c = load.check_bytes(store, data, name)
    assert c.ok, [str(e) for e in c.parsed.errors]
    return c


def values(c) -> list[tuple]:
    return sorted((v["code"], v["period"].isoformat(), v["value"]) for v in c.parsed.value_rows())


def save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def with_formulas(data: bytes, sheet_xml: str, cells: dict[str, str]) -> bytes:
    """Give cells a formula while keeping the cached value Excel stores beside it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == sheet_xml:
                xml = body.decode()
                for ref, formula in cells.items():
                    xml, n = re.subn(rf'(<c r="{ref}"[^>]*>)(<v>)', rf"\1<f>{formula}</f>\2", xml)
                    assert n == 1, ref
                body = xml.encode()
            z.writestr(item, body)
    return out.getvalue()


def test_merged_title_and_header_cells_trailing_blanks_and_notes(store):
    wb = Workbook()
    wb.active.title = "Plan"
    for row in PLAN:
        wb.active.append(row)
    ms = wb.create_sheet("Measures")
    for row in MEASURES:
        ms.append(row)
    vs = wb.create_sheet("Values")
    vs.append(["Monthly scorecard — provisional"])
    vs.merge_cells("A1:F1")
    vs.append([])
    vs.append(["Code", "Period", "Value", None, None, None])
    vs.merge_cells("C3:D3")  # a header merged across two columns
    vs.append(["CIN8", "Jan-24", 72, None])
    vs.append(["WF6", "Jan-24", 17.5, None])
    vs.append([None] * 6)
    vs.append([None] * 6)
    vs.append(["Source: case management system, extracted 02/02/2024"])
    for r in range(4, 12):
        vs.cell(r, 9).value = None  # trailing empty columns
    c = check(store, save(wb))
    assert values(c) == [("CIN8", "2024-01-01", 72.0), ("WF6", "2024-01-01", 17.5)]


def test_formula_cells_are_read_from_their_cached_values(store):
    data = xlsx({"Plan": PLAN, "Measures": MEASURES,
                 "Values": [["Code", "Period", "Value", "Numerator", "Denominator"], ["CIN8", "Jan-24", 75, 30, 40]]})
    data = with_formulas(data, "xl/worksheets/sheet3.xml", {"C2": "D2/E2*100"})
    assert b"<f>D2/E2*100</f>" in zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet3.xml")
    c = check(store, data)
    assert values(c) == [("CIN8", "2024-01-01", 75.0)]


def test_hidden_sheets_are_ignored_unless_named_as_ours(store):
    c = check(store, xlsx({"Plan": PLAN, "Measures": MEASURES,  # Measures hidden but named: used
                           "Old Values": [["Code", "Period", "Value"], ["CIN8", "Jan-23", 1]],
                           "Values": [["Code", "Period", "Value"], ["CIN8", "Jan-24", 70]]},
                          hidden=("Measures", "Old Values")))
    assert c.parsed.sheets_found == {"Plan": "Plan", "Measures": "Measures", "Values": "Values"}
    assert values(c) == [("CIN8", "2024-01-01", 70.0)]


def test_dates_as_excel_serials_text_and_uk_dates_and_non_breaking_spaces(store):
    c = check(store, xlsx({"Plan": PLAN, "Measures": MEASURES, "Values": [
        ["Code\u00a0", "\u00a0Period", "Value"],
        ["CIN8", dt.datetime(2024, 1, 1), 70],      # a real date cell
        ["CIN8", "01/02/2024", 71],                 # UK date as text: 1 February
        ["CIN8", 45352, 72],                        # Excel serial for 01/03/2024
        ["WF6\u00a0", "April\u00a02024", "18"]]}))  # non-breaking spaces, number as text
    assert values(c) == [("CIN8", "2024-01-01", 70.0), ("CIN8", "2024-02-01", 71.0), ("CIN8", "2024-03-01", 72.0),
                         ("WF6", "2024-04-01", 18.0)]


def test_csv_encodings_and_delimiters(store):
    plan = b"Plan,Messyshire 2024\n"
    measures = "Code,Measure,Unit\nCIN8,Assessments in time,%\nWF6,Caseload – per worker,number\n"
    files = [("Plan.csv", plan), ("Measures.csv", measures.encode("utf-8-sig")),
             ("Values.csv", "Code;Period;Value\nCIN8;Jan-24;72.5\nWF6;Jan-24;17\n".encode("cp1252"))]
    c = load.check_files(store, files)[0]
    assert c.ok, [str(e) for e in c.parsed.errors]
    assert values(c) == [("CIN8", "2024-01-01", 72.5), ("WF6", "2024-01-01", 17.0)]
    assert [m["measure"] for m in c.parsed.measures] == ["Assessments in time", "Caseload – per worker"]
