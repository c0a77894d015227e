"""The workbook format: sheets and headers found as councils write them, every bad input refused."""
import io
import json
import re
import zipfile

import pytest

from scorecard.intake import load
from scorecard.intake.read import WorkbookError, read_bytes
from tests.conftest import MEASURES, make_workbook


def check(store, path, **kw):
    return load.check_bytes(store, path.read_bytes(), path.name, **kw)


def test_good_workbook_parses(store, good_workbook):
    c = check(store, good_workbook)
    p = c.parsed
    assert c.ok, [str(e) for e in p.errors]
    assert (p.plan, p.authority, p.as_at.isoformat()) == ("Testshire 2024-25", "Testshire County Council", "2024-03-01")
    assert p.counts() == {"measures": 3, "values": 6, "audits": 12, "actions": 4}
    feb = next(v for v in p.value_rows() if v["code"] == "CIN8" and v["period"].month == 2)
    assert feb["value"] == 75.0
    jan = next(v for v in p.value_rows() if v["code"] == "CIN8" and v["period"].month == 1)
    assert (jan["numerator"], jan["denominator"]) == (72, 100)
    a = {x["ref"]: x for x in p.actions}
    assert a["1.1"]["due_date"].isoformat() == "2024-01-31" and a["1.2"]["due_kind"] == "recurring"
    assert a["2.1"]["due_kind"] == "none" and a["1.10"]["due_date"].isoformat() == "2023-11-30"


def test_headers_not_on_row_one_synonyms_and_title_rows(store, tmp_path):
    path = make_workbook(tmp_path / "messy.xlsx", {
        "  measures ": [["Cheshire East scorecard"], [],
                        ["Code", "Measure", "Requires Improvement", "Good", "Outstanding"],
                        ["A1", "Audit good or better", "60-69%", "70-79%", "80-100%"]],
        "VALUES": [["Exported from Liquidlogic"], ["Code", "Apr-23", "May 2023", "01/06/2023", "Q2 2023/24"],
                   ["A1", 61, "65%", "-", 70], [], ["Note: provisional"]],
        "Actions": [["Ref.", "What we will do:", "Who's responsible:", "When will we see an impact?",
                     "Update Commentary", "As at"],
                    ["1", "Introduce Signs of Safety", "Lauren Conway", "September 2017", "On track", "Oct-17"]],
    })
    c = check(store, path, plan="Cheshire East 2017-18")
    assert c.ok, [str(e) for e in c.parsed.errors]
    vals = sorted((v["period"].isoformat(), v["period_kind"], v["value"]) for v in c.parsed.value_rows())
    assert vals == [("2023-04-01", "month", 61.0), ("2023-05-01", "month", 65.0), ("2023-07-01", "quarter", 70.0)]
    act = c.parsed.actions[0]
    assert (act["owner"], act["due_text"], act["commentary"], act["as_at"].isoformat()) == (
        "Lauren Conway", "September 2017", "On track", "2017-10-01")


def test_percent_formatted_fraction_becomes_percentage(store, tmp_path):
    path = make_workbook(tmp_path / "pct.xlsx", {
        "Measures": MEASURES[:2],
        "Values": [["Code", "Period", "Value"], ["CIN8", "Apr-24", 0.65], ["CIN8", "May-24", 66]],
    }, percent_cells={"Values": ["C2"]})
    c = check(store, path, plan="P")
    assert c.ok, [str(e) for e in c.parsed.errors]
    assert sorted(v["value"] for v in c.parsed.value_rows()) == [65.0, 66.0]


def test_long_audits_one_case_per_row_and_case_refs_kept_apart(store, tmp_path):
    path = make_workbook(tmp_path / "aud.xlsx", {"Audits": [
        ["Period", "Stream", "Grade", "Case ref"],
        ["Q1 2023/24", "CP plans", "Good", "LL-1001"], ["Q1 2023/24", "CP plans", "RI", "LL-1002"],
        ["Q1 2023/24", "CP plans", "Good", "LL-1003"]]})
    c = check(store, path, plan="P")
    assert c.ok
    assert {(a["grade"], a["cases"]) for a in c.parsed.audits} == {("Good", 2), ("Requires Improvement", 1)}
    assert all("case_ref" not in a for a in c.parsed.audits)
    assert [r["case_ref"] for r in c.parsed.audit_case_refs] == ["LL-1001", "LL-1002", "LL-1003"]


def test_csv_and_zip_of_csvs(store, tmp_path):
    measures = "Code;Measure;Unit\nCIN8;Assessments in 45 days;%\n".encode("cp1252")
    values = "\ufeffCode,Period,Value\nCIN8,Apr-24,71\nCIN8,May-24,74\n".encode("utf-8")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("Measures.csv", measures)
        z.writestr("Values.csv", values)
    c = load.check_bytes(store, buf.getvalue(), "scorecard.zip", plan="P")
    assert c.ok, [str(e) for e in c.parsed.errors]
    assert c.parsed.counts()["values"] == 2
    single = load.check_bytes(store, values, "Values.csv", plan="P")
    assert [str(e) for e in single.parsed.errors] == [  # a new plan: the missing sheet is named, once
        "Workbook: no Measures sheet, so the 1 code on Values is unknown (CIN8): add a Measures sheet, or import "
        "the file into the plan it belongs to (--plan NAME)"]


def errors_of(store, tmp_path, sheets, **kw):
    path = make_workbook(tmp_path / "bad.xlsx", sheets)
    return [str(e) for e in check(store, path, plan="P", **kw).parsed.errors]


VALUES_HEAD = ["Code", "Period", "Value"]


@pytest.mark.parametrize("rows,expected", [
    ([["XX9", "Apr-24", 50]],
     "Values!A2: unknown measure code 'XX9': add it to the Measures sheet, or correct the code"),
    ([["CIN8", "Apr-24", "about half"]],
     "Values!C2: 'about half' is not a number; type a number (e.g. 65 or 65%), or leave it blank or '-' if there is "
     "no figure"),
    ([["CIN8", "Apr-24", 120]], "Values!C2: CIN8 Apr-24: 120% is outside 0-100; percentages must be between 0 and 100"),
    ([["CIN8", "Apr-24", 50], ["CIN8", "2024-04", 51]],
     "Values!C3: CIN8 Apr-24 is given twice (also at C2); keep one value per measure and period"),
    ([["CIN8", "Spring 24", 50]],
     "Values!B2: cannot read the period 'Spring 24'; write it like Apr-24, 2024-04, 01/04/2024, Q1 2024/25 or 2024/25"),
    ([["CIN8", "Apr-24", "#DIV/0!"]],
     "Values!C2: the cell holds the Excel error #DIV/0! instead of a number; fix the formula or type the value"),
])
def test_bad_values(store, tmp_path, rows, expected):
    assert errors_of(store, tmp_path, {"Measures": MEASURES, "Values": [VALUES_HEAD, *rows]}) == [expected]


def test_bad_audits_and_actions(store, tmp_path):
    errs = errors_of(store, tmp_path, {
        "Audits": [["Period", "Stream", "Grade", "Count"], ["Q1 2023/24", "CP plans", "Satisfactory", 3],
                   ["Q1 2023/24", "CP plans", "Good", -2]],
        "Actions": [["Ref", "Action", "Action RAG", "As at"], ["1.1", "Do it", "Purple", "Apr-24"],
                    ["1.2", "Do that", "Green", ""]],
    })
    assert errs == [
        "Audits!C2: unknown grade 'Satisfactory': use Outstanding, Good, Requires Improvement (or RI) or Inadequate",
        "Audits!D3: the count -2 is negative; a count of cases cannot be below 0",
        "Actions!C2: unknown Action RAG 'Purple': use Blue, Green, Amber, Red or leave it blank (status words "
        "such as On track, At risk, Complete or Not started are read too)",
        "Actions!A3: the action has no As at month: add an 'As at' column, an 'As at' row on the Plan sheet, "
        "or choose the month when importing (--as-at YYYY-MM)",
    ]


def test_wide_values_with_unreadable_period_header(store, tmp_path):
    errs = errors_of(store, tmp_path, {"Measures": MEASURES,
                                       "Values": [["Code", "Apr-24", "Janury 24"], ["CIN8", 50, 50]]})
    assert errs == ["Values!C1: cannot read the period header 'Janury 24'; write the periods like Apr-24, "
                    "Q1 2024/25 or 2024/25 (or month names under a heading such as 2024/25)"]


def test_wide_values_column_that_is_not_a_period_is_listed_not_read(store, tmp_path):
    path = make_workbook(tmp_path / "total.xlsx", {"Measures": MEASURES,
                                                   "Values": [["Code", "Apr-24", "Total"], ["CIN8", 50, 50]]})
    c = check(store, path, plan="P")
    assert c.ok and [v["value"] for v in c.parsed.value_rows()] == [50.0]
    assert [str(n) for n in c.parsed.notes] == ["Values!1:1: ignored columns, not read: Total (C)"]


WIDE_HEAD = ["Code", "Apr-24", "May-24"]


@pytest.mark.parametrize("rows,expected", [
    ([["XX9", 50, 51]], "Values!A2: unknown measure code 'XX9': add it to the Measures sheet, or correct the code"),
    ([["CIN8", 50, 51], ["CIN8", 52, 53]],
     "Values!A3: the measure CIN8 has a second row (also row 2); keep one row per measure"),
    ([["CIN8", 50, 101.5]], "Values!C2: CIN8 May-24: 101.5% is outside 0-100; percentages must be between 0 and 100"),
    ([["CIN8", 50, "lots"]],
     "Values!C2: 'lots' is not a number; type a number (e.g. 65 or 65%), or leave it blank or '-' if there is no "
     "figure"),
    ([["", 50, 51]], "Values!A2: the row has values but no measure Code"),
])
def test_bad_wide_values(store, tmp_path, rows, expected):
    assert errors_of(store, tmp_path, {"Measures": MEASURES, "Values": [WIDE_HEAD, *rows]}) == [expected]


def test_wide_values_with_a_period_twice(store, tmp_path):
    errs = errors_of(store, tmp_path, {"Measures": MEASURES,
                                       "Values": [["Code", "Apr-24", "2024-04"], ["CIN8", 50, 50]]})
    assert errs == ["Values!C1: the period Apr-24 has two columns (also B1); keep one column per period"]


def test_wide_values_mixing_numbers_blanks_and_text(store, tmp_path):
    path = make_workbook(tmp_path / "mixed.xlsx", {"Measures": MEASURES, "Values": [
        ["Code", "Apr-24", "May-24", "Jun-24", "Jul-24"], ["CIN8", 50, None, "61%", "-"], ["WF6", 1.5, 2, 3, 4]]})
    c = check(store, path, plan="P")
    assert c.ok, [str(e) for e in c.parsed.errors]
    assert sorted((v["code"], v["period"].month, v["value"]) for v in c.parsed.value_rows()) == [
        ("CIN8", 4, 50.0), ("CIN8", 6, 61.0), ("WF6", 4, 1.5), ("WF6", 5, 2.0), ("WF6", 6, 3.0), ("WF6", 7, 4.0)]


def test_benchmarks_sheet(store, tmp_path):
    path = make_workbook(tmp_path / "bench.xlsx", {"Measures": MEASURES, "Benchmarks": [
        ["Code", "Period", "England", "Region", "Stat neighbours"], ["CIN8", "2023/24", 82.5, "80%", None],
        ["WF6", "Sep-23", 16.3, None, 17.1]]})
    c = check(store, path, plan="P")
    assert c.ok, [str(e) for e in c.parsed.errors]
    got = {(b["code"], b["period"].isoformat(), b["period_kind"]): (b["england"], b["region"], b["neighbours"])
           for b in c.parsed.benchmarks}
    assert got == {("CIN8", "2023-04-01", "year"): (82.5, 80.0, None),
                   ("WF6", "2023-09-01", "month"): (16.3, None, 17.1)}


def test_bad_benchmarks(store, tmp_path):
    errs = errors_of(store, tmp_path, {"Measures": MEASURES, "Benchmarks": [
        ["Code", "Period", "England"], ["XX1", "2023/24", 5], ["CIN8", "someday", 5], ["CIN8", "2023/24", "high"],
        ["WF6", "2023/24", 16], ["WF6", "2023/2024", 17]]})
    assert errs == [
        "Benchmarks!A2: unknown measure code 'XX1': add it to the Measures sheet, or correct the code",
        "Benchmarks!B3: cannot read the period 'someday'; write it like Apr-24, Q1 2024/25 or 2024/25",
        "Benchmarks!C4: 'high' is not a number for England; type a number (e.g. 65 or 65%), or leave it blank or '-' "
        "if there is no figure",
        "Benchmarks!A6: WF6 2023/24 is given twice (also row 5); keep one benchmark row per measure and period",
    ]


def test_no_recognised_sheet(store, tmp_path):
    errs = errors_of(store, tmp_path, {"Sheet1": [["a", "b"]], "Notes": [["x"]]})
    assert errs == ["Workbook: no sheet we can read (found 'Sheet1', 'Notes'): name the sheets Plan, Measures, "
                    "Values, Audits and Actions (download the template), or map them in the Upload centre"]


@pytest.mark.parametrize("data,name,message", [
    (b"", "empty.xlsx", "the file is empty"),
    (b"hello, this is not a workbook", "notes.xlsx", "this is not an Excel workbook or zip file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "old.xls", "old Excel 97-2003 (.xls) file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600,
     "locked.xlsx", "password-protected"),
])
def test_files_that_are_not_workbooks(data, name, message):
    with pytest.raises(WorkbookError, match=re.escape(message)):
        read_bytes(data, name)


@pytest.mark.slow
def test_sheets_read_on_two_threads_come_back_whole_and_in_workbook_order(tmp_path):
    big = [[f"r{i}c{j}" if j % 2 else i * 10 + j for j in range(30)] for i in range(2000)]
    path = make_workbook(tmp_path / "order.xlsx", {
        "Notes": [["About this file"]], "Values": big, "Plan": [["Plan", "P"]], "Actions": [["Ref", "Action"]],
        "Audits": [["Period", "Stream", "Grade"], ["Apr-24", "Referrals", "Good"]]})
    sheets = read_bytes(path.read_bytes(), path.name)
    assert [s.name for s in sheets] == ["Notes", "Values", "Plan", "Actions", "Audits"]
    assert sheets[1].rows == [[float(c) if isinstance(c, int) else c for c in row] for row in big]
    assert sheets[2].rows == [["Plan", "P"]]


def test_cell_cap_counts_every_sheet_together(tmp_path, monkeypatch):
    from scorecard.intake import read as workbook
    path = make_workbook(tmp_path / "cells.xlsx", {f"S{k}": [[1] * 10] * 10 for k in range(4)})
    monkeypatch.setattr(workbook, "MAX_CELLS", 350)  # 400 cells across the four sheets, 100 in each
    with pytest.raises(WorkbookError, match="more than 350 cells, over the safety limit") as err:
        read_bytes(path.read_bytes(), path.name)
    assert err.value.where == "cells.xlsx"


def test_a_colon_in_the_file_name_stays_out_of_the_message(store):
    checked = load.check_bytes(store, b"", "March: scorecard.xlsx")
    assert [(i.sheet, i.message) for i in checked.parsed.issues] == [("March: scorecard.xlsx", "the file is empty")]


@pytest.mark.slow
def test_size_cap_and_zip_bomb():
    with pytest.raises(WorkbookError, match="over the 0.001 MB limit"):
        read_bytes(b"x" * 5000, "big.csv", max_mb=0.001)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("Values.csv", b"0" * (101 * 1024 * 1024))
    with pytest.raises(WorkbookError, match="safety limit"):
        read_bytes(buf.getvalue(), "bomb.zip")


@pytest.mark.slow
def test_demo_workbooks_import_cleanly(demo_db):
    from scorecard.store import Store
    from scorecard.summary import summary
    s = Store(demo_db, read_only=True)
    try:
        out = summary(s)
    finally:
        s.close()
    plans = {p["plan"]: p for p in out["plans"]}
    assert len(plans) == 5
    ce = plans["Cheshire East 2023-24"]
    real = [a for a in ce["audits"] if a["period"] == "2023-08" and a["stream"] == "All streams"][0]
    assert (real["cases"], real["good_or_better_pct"], real["inadequate_pct"]) == (33, 60.6, 6.1)
    progress = plans["Cheshire East progress against Ofsted recommendations 2017"]
    q1 = [a for a in progress["audits"] if a["period_label"] == "Q1 2017/18"]
    by_stream = {a["stream"]: a["good_or_better_pct"] for a in q1}
    published = {"All streams": 45, "Referrals": 78, "Child in Need plans": 56, "Child Protection plans": 50,
                         "Cared for plans": 65, "Combined assessments": 34, "Cared for assessments": 37,
                 "Strategy discussions and S47s": 58}
    assert by_stream.keys() == published.keys()
    assert all(abs(by_stream[k] - v) <= 0.5 for k, v in published.items()), by_stream
    assert json.dumps(out)  # serialisable
