"""Intake II, layouts 6 and 7: flat BI exports (Power BI, SSRS) and DfE benchmark downloads (LAIT, ChAT),
recognised by their content, loaded through the loader and the command line, or refused with a message that
says what to do."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scorecard.cli import main
from scorecard.intake import load
from scorecard.intake.parse import parse_workbook
from scorecard.intake.preview import preview
from scorecard.intake.read import read_bytes
from scorecard.intake.recognise import recognise
from scorecard.store import Store
from tests.test_intake_councils import PLAN, check, ok, texts, values, xlsx

ROOT = Path(__file__).resolve().parent.parent


def roles(data: bytes) -> dict[str, str]:
    return {m.sheet: m.role for m in recognise(read_bytes(data, "file.xlsx"))}


def run_cli(capsys, path: Path, db: Path, *args: str) -> tuple[int, list[str], str]:
    code = main(["import", str(path), "--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def stored(db: Path, sql: str) -> list[tuple]:
    s = Store(db)
    try:
        return s.cursor().execute(sql).fetchall()
    finally:
        s.close()


# -- Layout 6: flat BI exports ---------------------------------------------------------------------------------
MONTH_ENDS = [dt.datetime(2024, 4, 30), dt.datetime(2024, 5, 31), dt.datetime(2024, 6, 30), dt.datetime(2024, 7, 31)]


def powerbi_export() -> bytes:
    rows = [["KPI_ID", "KPI_Name", "Period_End_Date", "Numerator", "Denominator", "Result", "Target", "Polarity",
             "KPI_Area"]]
    for k, end in enumerate(MONTH_ENDS):
        rows.append(["CIN8", "Assessments completed within 45 working days", end, 160 + k, 200, 80 + k / 2,
                     90 if k < 2 else 92, "Higher is better", "Children in need"])
        rows.append(["CP3", "Child protection plans for a second or subsequent time", end, 9, 50, 0.18,
                     20, "Lower is better", "Child protection"])
        rows.append(["WF6", "Average caseload", end, None, None, 17.5 - k / 10, 18, "Lower is better",
                     "Workforce"])
    rows += [[], ["Applied filters:"], ["Year is 2024", "Service is Children's Social Care"],
             ["KPI_Area is not Blank"]]
    return xlsx({"Plan": PLAN, "Data export": rows},
                percent={"Data export": [f"F{r}" for r in range(3, 14, 3)]})


def test_a_power_bi_export_is_recognised_by_its_content():
    assert roles(powerbi_export()) == {"Plan": "Plan", "Data export": "Measure values"}


def test_a_power_bi_export_gives_measures_and_values_and_its_footer_is_not_data(store):
    p = ok(store, powerbi_export())
    assert {m["code"]: (m["measure"], m["target"], m["polarity"]) for m in p.measures} == {
        "CIN8": ("Assessments completed within 45 working days", 92, "higher"),
        "CP3": ("Child protection plans for a second or subsequent time", 20, "lower"),
        "WF6": ("Average caseload", 18, "lower")}
    got = {(v["code"], v["period"].strftime("%b-%y")): (v["value"], v["numerator"], v["denominator"])
           for v in p.value_rows()}
    assert got == {("CIN8", "Apr-24"): (80, 160, 200), ("CIN8", "May-24"): (80.5, 161, 200),
                   ("CIN8", "Jun-24"): (81, 162, 200), ("CIN8", "Jul-24"): (81.5, 163, 200),
                   **{("CP3", m): (18, 9, 50) for m in ("Apr-24", "May-24", "Jun-24", "Jul-24")},  # 0.18 shown as 18%
                   ("WF6", "Apr-24"): (17.5, None, None), ("WF6", "May-24"): (17.4, None, None),
                   ("WF6", "Jun-24"): (17.3, None, None), ("WF6", "Jul-24"): (17.2, None, None)}
    assert {v["period_kind"] for v in p.value_rows()} == {"month"}
    assert texts(p.warnings) == [
        "Data export!G:G: CIN8: the target differs between its rows (90, 92); the latest period's, 92 (Jul-24), "
        "is used"]
    assert texts(p.notes) == [
        "Data export!15:15: Power BI's 'Applied filters' footer is not data: Year is 2024; Service is Children's "
        "Social Care; KPI_Area is not Blank",
        "Data export!1:1: ignored columns, not read: KPI_Area (I)"]
    assert not p.errors and not p.benchmarks
    assert p.sheet_lines() == ["Plan: plan 'Testshire 2024-25' (Testshire Council)",
                               "Data export: 3 measures, 12 values"]


def test_the_preview_lists_a_bi_exports_measures_and_values(store):
    c = check(store, powerbi_export())
    rows = {sc.sheet: (sc.new, sc.changed) for sc in preview(store, c.parsed)}
    assert rows == {"Plan": (1, 0), "Measures": (3, 0), "Values": (12, 0)}


def test_a_power_bi_export_through_the_command_line(tmp_path, capsys):
    path = tmp_path / "powerbi.xlsx"
    path.write_bytes(powerbi_export())
    code, lines, err = run_cli(capsys, path, tmp_path / "s.duckdb", "--plan", "Testshire 2024-25")
    assert code == 0, err
    assert lines == [
        "warning: Data export!G:G: CIN8: the target differs between its rows (90, 92); the latest period's, 92 "
        "(Jul-24), is used",
        "note: Data export!15:15: Power BI's 'Applied filters' footer is not data: Year is 2024; Service is "
        "Children's Social Care; KPI_Area is not Blank",
        "note: Data export!1:1: ignored columns, not read: KPI_Area (I)",
        "Plan: plan 'Testshire 2024-25' (Testshire Council)",
        "Data export: 3 measures, 12 values",
        "upload 1 committed"]
    assert stored(tmp_path / "s.duckdb", "SELECT code, target, polarity FROM current_measures ORDER BY code") == [
        ("CIN8", 92.0, "higher"), ("CP3", 20.0, "lower"), ("WF6", 18.0, "lower")]
    assert stored(tmp_path / "s.duckdb", "SELECT count(*), sum(numerator) FROM current_values") == [(12, 682.0)]


PLAN_MEASURES = [["Code", "Measure", "Priority", "Polarity", "Requires Improvement", "Good", "Outstanding", "Target"],
                 ["CIN8", "Assessments completed within 45 working days", "1. Practice", "Higher", "60-69%",
                  "70-79%", "80-100%", 90]]


def ssrs_export() -> bytes:
    return xlsx({"Report": [
        ["Children's Services KPI report"],
        ["Parameters: Financial year 2024/25; Service: All"],
        [],
        ["Indicator", "Month", "Value", "Num", "Denom", "Target", "Direction", "RAG"],
        ["Assessments completed within 45 working days", "April 2024", 84.0, 168, 200, 95, "Up", "G"],
        ["Assessments completed within 45 working days", "May 2024", 86.5, 173, 200, 95, "Up", "G"],
        ["Visits to children in care within timescale", "April 2024", 91.0, 91, 100, 90, "Up", "G"],
        ["Visits to children in care within timescale", "May 2024", "-", None, None, 90, "Down", None],
        ["Report run 01/06/2024 09:14"]]})


def test_an_ssrs_export_with_names_and_no_codes_lands_on_the_plans_measures(store):
    first = load.check_bytes(store, xlsx({"Plan": PLAN, "Measures": PLAN_MEASURES}), "plan.xlsx")
    load.commit(store, first)
    assert roles(ssrs_export()) == {"Report": "Measure values"}
    p = ok(store, ssrs_export(), plan="Testshire 2024-25")
    got = {m["code"]: (m["measure"], m["priority"], m["good_band"], m["target"], m["polarity"]) for m in p.measures}
    assert got == {"CIN8": ("Assessments completed within 45 working days", "1. Practice", "70-79%", 95, "higher"),
                   "VISITS-CHILDREN-CARE-9908": ("Visits to children in care within timescale", None, None, 90,
                                                 "lower")}
    assert values(p) == {("CIN8", "Apr-24", "month"): 84, ("CIN8", "May-24", "month"): 86.5,
                         ("VISITS-CHILDREN-CARE-9908", "Apr-24", "month"): 91}
    assert texts(p.warnings) == [
        "Report!G:G: VISITS-CHILDREN-CARE-9908: the polarity differs between its rows (Higher is better, Lower is "
        "better); the latest period's, Lower is better (May-24), is used"]
    assert texts(p.notes) == [
        "Report!4:4: no code column: a measure's code is the plan's code for a measure of that name, else one made "
        "from its name (VISITS-CHILDREN-CARE-9908 for 'Visits to children in care within timescale')",
        "Report: CIN8: already in the plan; this sheet gives their name, target and polarity, and they keep the "
        "rest (bands, priority, source...) as they are",
        "Report!4:4: ignored columns, not read: RAG (H)"]
    changes = {sc.sheet: sc for sc in preview(store, p)}
    assert (changes["Measures"].new, changes["Measures"].changed) == (1, 1)
    details = changes["Measures"].details
    assert details[details["key"] == "CIN8"][["before", "after", "what"]].values.tolist() == [
        ["90.0", "95.0", "Target"]]


def test_an_ssrs_export_through_the_command_line(tmp_path, capsys):
    db = tmp_path / "s.duckdb"
    (tmp_path / "plan.xlsx").write_bytes(xlsx({"Plan": PLAN, "Measures": PLAN_MEASURES}))
    assert run_cli(capsys, tmp_path / "plan.xlsx", db)[0] == 0
    (tmp_path / "ssrs.xlsx").write_bytes(ssrs_export())
    code, lines, err = run_cli(capsys, tmp_path / "ssrs.xlsx", db, "--plan", "Testshire 2024-25")
    assert code == 0, err
    assert lines[-2:] == ["Report: 2 measures, 3 values", "upload 2 committed"]
    assert stored(db, "SELECT code, priority, good_band, target FROM current_measures ORDER BY code") == [
        ("CIN8", "1. Practice", "70-79%", 95.0), ("VISITS-CHILDREN-CARE-9908", None, None, 90.0)]


def test_a_bi_export_with_year_and_month_columns(store):
    p = ok(store, xlsx({"Plan": PLAN, "KPI data": [
        ["Year", "Month", "KPI", "Value", "Target"],
        ["2024/25", "April", "Assessments in 45 days", 81, 90],
        ["2024/25", "January", "Assessments in 45 days", 84, 90],
        [2024, "Dec", "Visits in time", 95, 92]]}))
    assert values(p) == {("ASSESSMENTS-45-DAYS", "Apr-24", "month"): 81, ("ASSESSMENTS-45-DAYS", "Jan-25", "month"): 84,
                         ("VISITS-TIME", "Dec-24", "month"): 95}
    assert {m["code"]: m["target"] for m in p.measures} == {"ASSESSMENTS-45-DAYS": 90, "VISITS-TIME": 92}


def test_bi_exports_leave_long_values_sheets_alone_and_refuse_rows_they_cannot_read(store):
    assert roles(xlsx({"Monthly figures": [["Code", "Period", "Value"], ["CIN8", "Apr-24", 80]]})) == {
        "Monthly figures": "Values"}
    c = check(store, xlsx({"Plan": PLAN, "Export": [
        ["KPI_ID", "KPI_Name", "Period_End_Date", "Result", "Target", "Polarity"],
        ["CIN8", "Assessments", "Sometime", 80, 90, "Higher"],
        ["CIN9", "Visits", dt.datetime(2024, 4, 30), 80, 90, "Sideways"],
        [None, None, dt.datetime(2024, 4, 30), 75, None, None]]}))
    assert texts(c.parsed.errors) == [
        "Export!C2: cannot read the period 'Sometime'; write it like Apr-24, 31/03/2024, Q1 2024/25 or 2024/25, "
        "or a month name beside a Year column",
        "Export!A4: the row has a value but no measure code or name",
        "Export!F3: unknown polarity 'Sideways': use Higher is better, Lower is better, Increase or Decrease"]
