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


def test_a_bi_export_with_names_and_no_target_or_polarity_defines_its_measures(store):
    p = ok(store, xlsx({"Plan": PLAN, "Export": [
        ["KPI_ID", "KPI_Name", "Period_End_Date", "Numerator", "Denominator", "Result"],
        ["CIN8", "Assessments in 45 days", dt.datetime(2024, 3, 31), 81, 100, 81]]}))
    assert [(m["code"], m["measure"], m["polarity"]) for m in p.measures] == [("CIN8", "Assessments in 45 days", None)]
    assert texts(p.warnings) == ["Export!A2: CIN8: fewer than two bands and no Polarity, so it cannot be rated; add "
                                 "the bands or a Polarity"]


def test_power_bis_summarised_column_names(store):
    p = ok(store, xlsx({"Plan": PLAN, "Export": [
        ["KPI_ID", "KPI_Name", "Period_End_Date", "Sum of Numerator", "Sum of Denominator", "Average of Result",
         "First Target", "Count of KPI_ID"],
        ["CIN8", "Assessments in 45 days", dt.datetime(2024, 3, 31), 81, 100, 81, 90, 1]]}))
    assert [(v["code"], v["period"].isoformat(), v["value"], v["numerator"], v["denominator"])
            for v in p.value_rows()] == [("CIN8", "2024-03-01", 81, 81, 100)]
    assert p.measures[0]["target"] == 90
    assert "Export!1:1: ignored columns, not read: Count of KPI_ID (H)" in texts(p.notes)


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


# -- Layout 7: DfE downloads, LAIT style -----------------------------------------------------------------------
AUTHORITIES = [(889, "Blackburn with Darwen"), (890, "Blackpool"), (350, "Bolton"), (351, "Bury"),
               (895, "Cheshire East"), (896, "Cheshire West and Chester"), (942, "Cumberland"), (876, "Halton"),
               (340, "Knowsley"), (888, "Lancashire"), (341, "Liverpool"), (352, "Manchester"), (353, "Oldham"),
               (354, "Rochdale"), (355, "Salford"), (343, "Sefton"), (342, "St. Helens"), (356, "Stockport"),
               (357, "Tameside"), (358, "Trafford")]
TAMESIDE_PLAN = [["Authority", "Tameside Metropolitan Borough Council"], ["Plan", "Tameside 2023-25"]]
RE_REFERRALS = "Re-referrals to children's social care within 12 months of a previous referral (%)"
CIN_RATE = "Children in need at 31 March: rate per 10,000 children"
CASELOAD = "Average caseload of children and family social workers"
CODES = {RE_REFERRALS: "DFE-RE-REFERRALS-CHILDREN-2CCE", CIN_RATE: "DFE-CHILDREN-NEED-31-MARCH-E9D7",
         CASELOAD: "DFE-AVERAGE-CASELOAD-68A3"}


def lait_sheet(title: str, polarity: str, years: list[str], base: float, suppress: dict | None = None) -> list[list]:
    """A LAIT indicator sheet: England, North West, statistical neighbours, then 20 authorities; figures grow by
    1 a year from `base` (England), base + 1 (the region), base - 1 (neighbours), base + k / 10 (authority k).
    suppress: (row name, year) -> the symbol written instead."""
    suppress = suppress or {}

    def figures(name: str, start: float) -> list:
        return [suppress.get((name, y), round(start + n, 1)) for n, y in enumerate(years)]

    rows = [[title], [polarity], [], ["LA code", "LA name", *years],
            ["E92000001", "England", *figures("England", base)],
            ["E12000002", "North West", *figures("North West", base + 1)],
            [None, "Statistical neighbours", *figures("Statistical neighbours", base - 1)]]
    rows += [[code, name, *figures(name, base + k / 10)] for k, (code, name) in enumerate(AUTHORITIES)]
    return rows + [[], ["Source: DfE, Local Authority Interactive Tool"]]


def lait_download(years: list[str], plan: list[list] | None = TAMESIDE_PLAN) -> bytes:
    bare = [y[:2] + y[-2:] for y in years]  # 2019-20 -> 2020: the CIN census at 31 March 2020
    sheets = {"Plan": plan} if plan else {}
    sheets |= {
        "Re-referrals": lait_sheet(RE_REFERRALS, "Polarity: Low is good", years, 20,
                                   {("Tameside", years[0]): "x", ("Statistical neighbours", years[1]): "c"}),
        "CIN rate": lait_sheet(CIN_RATE, "Polarity: No polarity", bare, 330, {("North West", bare[0]): ".."}),
        "Caseload": lait_sheet(CASELOAD, "Lower figures are better", years, 16, {("Tameside", years[2]): "low"})}
    return xlsx(sheets)


THIS_YEAR = ["2019-20", "2020-21", "2021-22"]
NEXT_YEAR = ["2019-20", "2020-21", "2021-22", "2022-23"]


def test_a_lait_download_is_recognised_by_its_content():
    assert roles(lait_download(THIS_YEAR)) == {"Plan": "Plan", "Re-referrals": "DfE indicator",
                                               "CIN rate": "DfE indicator", "Caseload": "DfE indicator"}


def test_a_lait_download_gives_the_authoritys_values_and_the_comparators_benchmarks(store):
    p = ok(store, lait_download(THIS_YEAR))
    assert {m["code"]: (m["measure"], m["polarity"], m["unit"]) for m in p.measures} == {
        CODES[RE_REFERRALS]: (RE_REFERRALS, "lower", "%"), CODES[CIN_RATE]: (CIN_RATE, None, None),
        CODES[CASELOAD]: (CASELOAD, "lower", None)}
    # Tameside is the 19th authority: base + 1.8; suppressed cells are no figure
    assert values(p) == {
        (CODES[RE_REFERRALS], "Apr-20", "year"): 22.8, (CODES[RE_REFERRALS], "Apr-21", "year"): 23.8,
        (CODES[CIN_RATE], "Apr-19", "year"): 331.8, (CODES[CIN_RATE], "Apr-20", "year"): 332.8,
        (CODES[CIN_RATE], "Apr-21", "year"): 333.8,
        (CODES[CASELOAD], "Apr-19", "year"): 17.8, (CODES[CASELOAD], "Apr-20", "year"): 18.8}
    bench = {(b["code"], b["period"].strftime("%Y")): (b["england"], b["region"], b["neighbours"])
             for b in p.benchmarks}
    assert bench == {
        (CODES[RE_REFERRALS], "2019"): (20, 21, 19), (CODES[RE_REFERRALS], "2020"): (21, 22, None),
        (CODES[RE_REFERRALS], "2021"): (22, 23, 21),
        (CODES[CIN_RATE], "2019"): (330, None, 329), (CODES[CIN_RATE], "2020"): (331, 332, 330),
        (CODES[CIN_RATE], "2021"): (332, 333, 331),
        (CODES[CASELOAD], "2019"): (16, 17, 15), (CODES[CASELOAD], "2020"): (17, 18, 16),
        (CODES[CASELOAD], "2021"): (18, 19, 17)}
    assert {b["period_kind"] for b in p.benchmarks} == {"year"}
    assert texts(p.warnings) == [
        f"CIN rate!A2: {CODES[CIN_RATE]}: cannot read the polarity 'Polarity: No polarity' (write it like "
        "'Polarity: Low is good'); the measure loads with no polarity"]
    assert texts(p.notes) == [
        "Re-referrals!D7, C26: suppressed (x, c, .., :, *, low, - or z): no figure, not zero (2 times)",
        f"Re-referrals: read as measures: {CODES[RE_REFERRALS]} ('{RE_REFERRALS}'). Tameside's row (26) gives the "
        "values; the England, North West and Statistical neighbours rows the benchmarks; the other 19 "
        "authorities' rows are not read",
        "CIN rate!C6: suppressed (x, c, .., :, *, low, - or z): no figure, not zero",
        f"CIN rate: read as measures: {CODES[CIN_RATE]} ('{CIN_RATE}'). Tameside's row (26) gives the values; the "
        "England, North West and Statistical neighbours rows the benchmarks; the other 19 authorities' rows are "
        "not read",
        "Caseload!E26: suppressed (x, c, .., :, *, low, - or z): no figure, not zero",
        f"Caseload: read as measures: {CODES[CASELOAD]} ('{CASELOAD}'). Tameside's row (26) gives the values; the "
        "England, North West and Statistical neighbours rows the benchmarks; the other 19 authorities' rows are "
        "not read"]
    assert p.sheet_lines()[1:] == ["Re-referrals: 1 measure, 2 values, 3 benchmark rows",
                                   "CIN rate: 1 measure, 3 values, 3 benchmark rows",
                                   "Caseload: 1 measure, 2 values, 3 benchmark rows"]


@pytest.mark.slow
def test_next_years_lait_download_lands_on_the_same_measures(tmp_path):
    """This year's download with a Plan sheet, then next year's (one more year, no Plan sheet: the plan's stored
    authority), into one store: the same three measure codes, every year's values and benchmarks."""
    db = tmp_path / "s.duckdb"
    store = Store(db)
    try:
        first = load.check_bytes(store, lait_download(THIS_YEAR), "lait-2022.xlsx")
        load.commit(store, first)
        assert store.known_authority("Tameside 2023-25") == "Tameside Metropolitan Borough Council"
        second = load.check_bytes(store, lait_download(NEXT_YEAR, plan=None), "lait-2023.xlsx",
                                  plan="Tameside 2023-25")
        assert second.ok, texts(second.parsed.errors)
        assert {m["code"] for m in second.parsed.measures} == set(CODES.values())
        changes = {sc.sheet: (sc.new, sc.changed, sc.unchanged) for sc in preview(store, second.parsed)}
        assert changes == {"Plan": (0, 0, 1), "Measures": (0, 0, 3), "Values": (3, 0, 7), "Benchmarks": (3, 0, 9)}
        load.commit(store, second)
    finally:
        store.close()
    assert [c for (c,) in stored(db, "SELECT code FROM current_measures ORDER BY code")] == sorted(CODES.values())
    got = stored(db, f"SELECT strftime(period, '%Y'), value FROM current_values WHERE code = '{CODES[CASELOAD]}' "
                     "ORDER BY period")
    assert got == [("2019", 17.8), ("2020", 18.8), ("2022", 20.8)]  # 2021-22 is suppressed ("low") in both
    assert stored(db, f"SELECT count(*) FROM current_benchmarks WHERE code = '{CODES[RE_REFERRALS]}'") == [(4,)]


@pytest.mark.slow
def test_next_years_lait_download_through_python_m_scorecard(tmp_path):
    db = tmp_path / "s.duckdb"
    for name, data in (("lait-2022.xlsx", lait_download(THIS_YEAR)), ("lait-2023.xlsx",
                                                                      lait_download(NEXT_YEAR, plan=None))):
        (tmp_path / name).write_bytes(data)
    env = {**os.environ, "SCORECARD_USER": "tester"}
    runs = [subprocess.run([sys.executable, "-m", "scorecard", "import", str(tmp_path / name), "--plan",
                            "Tameside 2023-25", "--db", str(db)], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=120) for name in ("lait-2022.xlsx", "lait-2023.xlsx")]
    assert [r.returncode for r in runs] == [0, 0], [r.stderr for r in runs]
    lines = runs[1].stdout.splitlines()
    assert lines[-4:] == ["Re-referrals: 1 measure, 3 values, 4 benchmark rows",
                          "CIN rate: 1 measure, 4 values, 4 benchmark rows",
                          "Caseload: 1 measure, 3 values, 4 benchmark rows",
                          "upload 2 committed"]
    assert f"note: Caseload: read as measures: {CODES[CASELOAD]} ('{CASELOAD}'). Tameside's row (26) gives the " \
           "values; the England, North West and Statistical neighbours rows the benchmarks; the other 19 " \
           "authorities' rows are not read" in lines
    assert stored(db, "SELECT count(DISTINCT code), count(*) FROM current_values") == [(3, 10)]


def test_a_lait_download_with_no_authority_is_refused(tmp_path, capsys):
    path = tmp_path / "lait.xlsx"
    path.write_bytes(lait_download(THIS_YEAR, plan=None))
    code, lines, err = run_cli(capsys, path, tmp_path / "s.duckdb", "--plan", "New plan")
    assert code == 1
    message = ("no authority to read this sheet's figures for: add a Plan sheet with the Authority, or pick your "
               "authority's row in the Upload centre")
    assert lines == [f"{sheet}: {message}" for sheet in ("Re-referrals", "CIN rate", "Caseload")]
    assert err.strip() == "3 errors: nothing was imported"
    assert (not (tmp_path / "s.duckdb").exists()
            or stored(tmp_path / "s.duckdb", "SELECT count(*) FROM uploads") == [(0,)])


def test_an_authority_matching_no_row_is_refused_with_the_nearest_names(tmp_path, capsys):
    path = tmp_path / "lait.xlsx"
    path.write_bytes(lait_download(THIS_YEAR, plan=[["Authority", "Tamesyde Council"], ["Plan", "T"]]))
    code, lines, err = run_cli(capsys, path, tmp_path / "s.duckdb")
    assert code == 1
    message = ("the authority 'Tamesyde Council' matches no row (the nearest names: 'Tameside', 'Manchester', "
               "'Trafford'); correct the Authority on the Plan sheet, or pick your authority's row in the Upload "
               "centre")
    assert lines == [f"{sheet}!B4: {message}" for sheet in ("Re-referrals", "CIN rate", "Caseload")]


def test_an_authority_matching_two_rows_is_refused(store):
    data = lait_download(THIS_YEAR)
    sheets = read_bytes(data, "lait.xlsx")
    sheets[1].rows.append([999, "Tameside Council", 1, 2, 3])
    p = parse_workbook(sheets, known_measures=store.known_measures)
    assert texts(p.errors) == [
        "Re-referrals!B4: the authority 'Tameside Metropolitan Borough Council' matches 2 rows ('Tameside' row 26, "
        "'Tameside Council' row 30); pick your authority's row in the Upload centre"]


def test_the_row_picked_in_the_upload_centre_is_the_authority(store):
    sheets = read_bytes(lait_download(THIS_YEAR, plan=None), "lait.xlsx")
    maps = recognise(sheets)
    maps[0].options["authority_row"] = 25  # Tameside, on the first sheet: the plan's authority from now on
    p = parse_workbook(sheets, plan="Tameside 2023-25", maps=maps)
    assert not p.errors, texts(p.errors)
    assert p.authority == "Tameside" and len(p.measures) == 3 and len(p.values) == 7
    # a Plan sheet's authority that matches no row gives way to the picked row, with a warning
    sheets = read_bytes(lait_download(THIS_YEAR, plan=[["Authority", "Tameside MB"], ["Plan", "T"]]), "lait.xlsx")
    maps = recognise(sheets)
    for m in maps[1:]:
        m.options["authority_row"] = 25
    p = parse_workbook(sheets, maps=maps)
    assert not p.errors and p.authority == "Tameside MB"
    assert "Re-referrals!B26: the authority 'Tameside MB' matches no row, so the row picked in the Upload " \
           "centre, 'Tameside', is used" in texts(p.warnings)
    # England is not an authority
    maps[1].options["authority_row"] = 4
    p = parse_workbook(sheets, maps=maps)
    assert "Re-referrals!5:5: the row picked as your authority's is 'England', not an authority; pick your " \
           "authority's row in the Upload centre" in texts(p.errors)


def test_a_mapping_names_an_indicators_code(store):
    sheets = read_bytes(lait_download(THIS_YEAR), "lait.xlsx")
    maps = recognise(sheets)
    maps[1].options["code"] = {RE_REFERRALS: "CIN12"}
    p = parse_workbook(sheets, maps=maps)
    assert sorted(m["code"] for m in p.measures) == sorted(["CIN12", CODES[CIN_RATE], CODES[CASELOAD]])
    assert values(p, "CIN12") == {("CIN12", "Apr-20", "year"): 22.8, ("CIN12", "Apr-21", "year"): 23.8}
    # a code the plan already has: the download gives its figures, and its definition stays the plan's
    plan = [["Code", "Measure", "Polarity", "Requires Improvement", "Good", "Outstanding"],
            ["CIN12", "Re-referrals within 12 months", "Lower", "25-20", "19-15", "<14"]]
    load.commit(store, load.check_bytes(store, xlsx({"Plan": TAMESIDE_PLAN, "Measures": plan}), "plan.xlsx"))
    p = parse_workbook(sheets, maps=maps, known_measures=store.known_measures)
    assert sorted(m["code"] for m in p.measures) == sorted([CODES[CIN_RATE], CODES[CASELOAD]])
    assert values(p, "CIN12") == {("CIN12", "Apr-20", "year"): 22.8, ("CIN12", "Apr-21", "year"): 23.8}
    assert sorted((b["period"].year, b["england"]) for b in p.benchmarks if b["code"] == "CIN12") == [
        (2019, 20), (2020, 21), (2021, 22)]


def test_the_authority_by_its_la_code(store):
    p = ok(store, lait_download(THIS_YEAR, plan=[["Authority", "357"], ["Plan", "T"]]))
    assert values(p, CODES[CASELOAD]) == {(CODES[CASELOAD], "Apr-19", "year"): 17.8,
                                          (CODES[CASELOAD], "Apr-20", "year"): 18.8}


def test_bare_years_need_a_title_that_says_31_march(store):
    c = check(store, xlsx({"Plan": TAMESIDE_PLAN, "Caseload": lait_sheet(CASELOAD, "Lower is better",
                                                                        ["2020", "2021"], 16)}))
    assert texts(c.parsed.errors) == [
        "Caseload!C4: cannot tell which year 2020 is: write it as the DfE writes years (2019-20 for the year to 31 "
        "March 2020), or say 'at 31 March' in the indicator's title",
        "Caseload!D4: cannot tell which year 2021 is: write it as the DfE writes years (2020-21 for the year to 31 "
        "March 2021), or say 'at 31 March' in the indicator's title"]


# -- Layout 7: DfE downloads, ChAT style -----------------------------------------------------------------------
CHAT_YEARS = ["2019-20", "2020-21", "2021-22"]


def chat_block(title: str, polarity: str, figures: dict[str, list]) -> list[list]:
    return [[title], [polarity], [None, *CHAT_YEARS], *[[name, *row] for name, row in figures.items()], [], []]


def chat_workbook() -> bytes:
    referrals = [["Contacts, referrals and assessments"], []] + chat_block(
        "Referrals: rate per 10,000 children", "Lower is better",
        {"Tameside": [612.0, 598.5, "c"], "SN": [540.2, 551.0, 560.3], "North West": [580.0, 575.1, 590.4],
         "England": [534.8, 494.3, 538.6]}) + chat_block(
        "Re-referrals within 12 months (%)", "A lower percentage is better",
        {"Tameside": [24.0, 21.5, 20.1], "SN": [22.0, 21.9, ":"], "North West": [21.3, 20.8, 21.7],
         "England": [22.6, 22.7, 21.5]})
    in_care = [["Children in care"], []] + chat_block(
        "Children looked after: rate per 10,000 children", "Higher or lower is neither better nor worse",
        {"Tameside": [125, 131, 133], "SN": [101, 104, 105], "North West": [97, 98, 99],
         "England": [67, 67, 70]}) + chat_block(
        "Care leavers in suitable accommodation (%)", "Higher figures are better",
        {"Tameside": [0.86, 0.88, 0.9], "SN": [0.85, 0.87, 0.88], "North West": [0.87, 0.88, 0.89],
         "England": [0.88, 0.88, 0.88]})
    cells = [f"{c}{r}" for c in "BCD" for r in range(15, 19)]  # the care leavers block: percentages
    return xlsx({"Plan": TAMESIDE_PLAN, "Contacts and referrals": referrals, "Children in care": in_care},
                percent={"Children in care": cells})


CHAT_CODES = {"Referrals: rate per 10,000 children": "DFE-REFERRALS-RATE-10-000-C97F",
              "Re-referrals within 12 months (%)": "DFE-RE-REFERRALS-WITHIN-12-F4DB",
              "Children looked after: rate per 10,000 children": "DFE-CHILDREN-LOOKED-AFTER-7988",
              "Care leavers in suitable accommodation (%)": "DFE-CARE-LEAVERS-SUITABLE-1544"}


def test_chat_topic_sheets_are_recognised_by_their_content():
    assert roles(chat_workbook()) == {"Plan": "Plan", "Contacts and referrals": "DfE chart blocks",
                                      "Children in care": "DfE chart blocks"}


def test_chat_chart_blocks_give_a_measure_each(store):
    p = ok(store, chat_workbook())
    assert {m["code"]: (m["measure"], m["polarity"], m["unit"]) for m in p.measures} == {
        CHAT_CODES[t]: (t, pol, unit) for t, pol, unit in (
            ("Referrals: rate per 10,000 children", "lower", None), ("Re-referrals within 12 months (%)", "lower", "%"),
            ("Children looked after: rate per 10,000 children", None, None),
            ("Care leavers in suitable accommodation (%)", "higher", "%"))}
    referrals, care_leavers = CHAT_CODES["Referrals: rate per 10,000 children"], \
        CHAT_CODES["Care leavers in suitable accommodation (%)"]
    assert values(p, referrals) == {(referrals, "Apr-19", "year"): 612, (referrals, "Apr-20", "year"): 598.5}
    assert values(p, care_leavers) == {(care_leavers, "Apr-19", "year"): 86, (care_leavers, "Apr-20", "year"): 88,
                                       (care_leavers, "Apr-21", "year"): 90}
    assert len(p.values) == 2 + 3 + 3 + 3
    bench = {(b["code"], b["period"].year): (b["england"], b["region"], b["neighbours"]) for b in p.benchmarks}
    assert bench[(referrals, 2021)] == (538.6, 590.4, 560.3)
    assert bench[(CHAT_CODES["Re-referrals within 12 months (%)"], 2021)] == (21.5, 21.7, None)
    assert bench[(care_leavers, 2019)] == (88, 87, 85)
    assert len(bench) == 12
    assert texts(p.warnings) == [
        f"Children in care!A4: {CHAT_CODES['Children looked after: rate per 10,000 children']}: cannot read the "
        "polarity 'Higher or lower is neither better nor worse' (write it like 'Polarity: Low is good'); the "
        "measure loads with no polarity"]
    assert texts(p.notes) == [
        "Contacts and referrals!D6, D16: suppressed (x, c, .., :, *, low, - or z): no figure, not zero (2 times)",
        "Contacts and referrals: read as measures: 2 indicators: DFE-REFERRALS-RATE-10-000-C97F ('Referrals: rate "
        "per 10,000 children'); DFE-RE-REFERRALS-WITHIN-12-F4DB ('Re-referrals within 12 months (%)'). Tameside's "
        "rows give the values; the England, North West and SN rows the benchmarks",
        "Children in care: read as measures: 2 indicators: DFE-CHILDREN-LOOKED-AFTER-7988 ('Children looked after: "
        "rate per 10,000 children'); DFE-CARE-LEAVERS-SUITABLE-1544 ('Care leavers in suitable accommodation (%)')"
        ". Tameside's rows give the values; the England, North West and SN rows the benchmarks"]


def test_a_chat_workbook_through_the_command_line(tmp_path, capsys):
    path = tmp_path / "chat.xlsx"
    path.write_bytes(chat_workbook())
    code, lines, err = run_cli(capsys, path, tmp_path / "s.duckdb", "--plan", "Tameside 2023-25")
    assert code == 0, err
    assert lines[-4:] == ["Plan: plan 'Tameside 2023-25' (Tameside Metropolitan Borough Council)",
                          "Contacts and referrals: 2 measures, 5 values, 6 benchmark rows",
                          "Children in care: 2 measures, 6 values, 6 benchmark rows",
                          "upload 1 committed"]
    assert stored(tmp_path / "s.duckdb", "SELECT count(*) FROM current_measures WHERE code LIKE 'DFE-%'") == [(4,)]


def test_the_row_picked_on_a_chat_sheet_is_looked_up_in_every_block():
    sheets = read_bytes(chat_workbook(), "chat.xlsx")
    del sheets[0].rows[0]  # no Authority on the Plan sheet
    maps = recognise(sheets)
    maps[1].options["authority_row"] = 5  # 'Tameside' in the first block of Contacts and referrals
    p = parse_workbook(sheets, maps=maps)
    assert not p.errors, texts(p.errors)
    assert p.authority == "Tameside" and len(p.values) == 11


def test_a_chat_workbook_whose_authority_is_not_there_is_refused(store):
    sheets = read_bytes(chat_workbook(), "chat.xlsx")
    sheets[0].rows[0][1] = "Oldham Council"
    p = parse_workbook(sheets)
    assert texts(p.errors) == [
        "Contacts and referrals!A5, A14: the authority 'Oldham Council' matches no row (the nearest names: "
        "'Tameside'); correct the Authority on the Plan sheet, or pick your authority's row in the Upload centre "
        "(2 times)",
        "Children in care!A5, A14: the authority 'Oldham Council' matches no row (the nearest names: "
        "'Tameside'); correct the Authority on the Plan sheet, or pick your authority's row in the Upload centre "
        "(2 times)"]
    assert not p.measures
