"""Intake II layout 3: audit summaries in blocks, one block per quarter or month, whatever the sheet is called.
Counts are loaded per theme and period; totals and percentages are checked, never loaded; titles that are not
periods, themes without whole-number counts and blocks of percentages alone are refused."""
from __future__ import annotations

import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from scorecard.intake import audit_blocks
from scorecard.intake.read import column_letter, read_bytes
from scorecard.intake.recognise import recognise
from scorecard.periods import parse_period, period_label
from tests.conftest import ROOT
from tests.test_intake_councils import PLAN, check, ok, texts, xlsx
from tests.test_intake_layouts import scorecard_sheet

THEMES = ["Referrals", "Assessments", "CIN plans", "CP plans", "Cared for plans", "Pathway plans"]
GRADES = ("Outstanding", "Good", "Requires Improvement", "Inadequate")


def audits(parsed) -> dict:
    return {(period_label(a["period"], a["period_kind"]), a["stream"], a["grade"]): a["cases"] for a in parsed.audits}


def expected(period: str, counts: dict[str, tuple]) -> dict:
    return {(period, s, g): n for s, c in counts.items() for g, n in zip(GRADES, c)}


def stacked(blocks: list[tuple[str, dict[str, tuple]]], total: dict | None = None):
    """Quarters one under another: a title, grade headings merged over `No.` / `%` sub-headings, Total and
    Good or better % merged down over both header rows, a row per theme, a Total row. Percentages are
    fractions formatted as percentages, as Excel keeps them. Returns (rows, percent cells, merged ranges)."""
    rows, pct, merged = [], [], []
    for title, counts in blocks:
        h = len(rows) + 2  # the 1-based row of the grade headings
        rows += [[title],
                 ["Theme", "Outstanding", None, "Good", None, "Requires Improvement (RI)", None, "Inadequate", None,
                  "Total", "Good or better %"],
                 [None, "No.", "%", "No.", "%", "No.", "%", "No.", "%"]]
        merged += [f"A{h}:A{h + 1}", f"B{h}:C{h}", f"D{h}:E{h}", f"F{h}:G{h}", f"H{h}:I{h}", f"J{h}:J{h + 1}",
                   f"K{h}:K{h + 1}"]
        sums = [0, 0, 0, 0]
        for name, c in [*counts.items(), ("Total", None)]:
            c = c or tuple(sums)
            n = sum(c)
            row = [name]
            for k, v in enumerate(c):
                row += [v, v / n]
                sums[k] += v if name != "Total" else 0
            row += [n, (c[0] + c[1]) / n]
            rows.append(row)
            r = len(rows)
            pct += [f"{column_letter(j)}{r}" for j in (2, 4, 6, 8, 10)]
        rows.append([])
    return rows, pct, merged


Q1 = {"Referrals": (1, 6, 2, 1), "Assessments": (0, 4, 5, 1), "CIN plans": (1, 4, 4, 1), "CP plans": (0, 5, 4, 1),
      "Cared for plans": (2, 5, 3, 0), "Pathway plans": (0, 3, 5, 2)}
Q2 = {k: (o, g + 1, max(ri - 1, 0), i) for k, (o, g, ri, i) in Q1.items()}
Q3 = {k: (o + 1, g + 1, ri, max(i - 1, 0)) for k, (o, g, ri, i) in Q1.items()}


def stacked_workbook() -> bytes:
    rows, pct, merged = stacked([("Quarter 1 2024/25 (Apr - Jun)", Q1), ("Q2 2024/25", Q2),
                                 ("Quarter 3 (Oct - Dec) 2024/25", Q3)])
    return xlsx({"Plan": PLAN, "QA summary": rows}, percent={"QA summary": pct}, merged={"QA summary": merged})


# -- Loaded as they are --------------------------------------------------------------------------------------
def test_quarters_stacked_with_no_and_pct_under_merged_headings(store):
    data = stacked_workbook()
    sheets = read_bytes(data, "qa.xlsx")
    m = recognise(sheets)[1]
    assert (m.sheet, m.role, m.how, m.header_row) == ("QA summary", "Audit blocks", "by its content", 1)
    assert m.columns == {0: "stream", 1: "Outstanding", 2: "pct:Outstanding", 3: "Good", 4: "pct:Good",
                         5: "Requires Improvement", 6: "pct:Requires Improvement", 7: "Inadequate",
                         8: "pct:Inadequate", 9: "total", 10: "pct:good or better"}
    assert audit_blocks.describe(sheets[1]) == "audit summary in blocks: 3 quarters x 6 themes"
    p = ok(store, data)
    assert audits(p) == expected("Q1 2024/25", Q1) | expected("Q2 2024/25", Q2) | expected("Q3 2024/25", Q3)
    assert {a["period"].isoformat() for a in p.audits} == {"2024-04-01", "2024-07-01", "2024-10-01"}
    assert all(a["period_kind"] == "quarter" and a["illustrative"] is False for a in p.audits)
    assert "Total" not in {a["stream"] for a in p.audits}
    assert p.issues == []
    n = sum(sum(c) for q in (Q1, Q2, Q3) for c in q.values())
    assert p.sheet_lines()[1] == f"QA summary: 72 audit counts ({n} cases)"


def side_by_side() -> tuple[list[list], list[str]]:
    """Three months side by side sharing one theme column, each month's title merged over its columns, one header
    row with `Good %` style percentages typed as text."""
    months = {"July 2024": {"Referrals": (1, 4, 2, 0), "CIN plans": (0, 3, 3, 1), "Supervision": (2, 5, 1, 0)},
              "Audits completed in August 2024": {"Referrals": (0, 5, 2, 1), "CIN plans": (1, 2, 4, 0),
                                                  "Supervision": (1, 6, 0, 0)},
              "Sep-24": {"Referrals": (2, 3, 2, 0), "CIN plans": (0, 4, 2, 1), "Supervision": (0, 6, 1, 1)}}
    title = ["Case file audit grades by month"]
    heads, merged = ["Audit theme"], []
    for k in range(len(months)):
        first = 1 + 7 * k
        heads += ["Outstanding", "Good", "RI", "Inadequate", "Total", "Good %", "Good or better %"]
        merged.append(f"{column_letter(first)}2:{column_letter(first + 6)}2")
    tops = [None] + [x for name in months for x in [name] + [None] * 6]
    rows = [title, tops, heads]
    for theme in ["Referrals", "CIN plans", "Supervision", "All themes"]:
        row = [theme]
        for counts in months.values():
            c = counts[theme] if theme in counts else tuple(map(sum, zip(*counts.values())))
            n = sum(c)
            row += [*c, n, f"{round(100 * c[1] / n)}%", f"{round(100 * (c[0] + c[1]) / n)}%"]
        rows.append(row)
    return rows, merged, months


def test_months_side_by_side_sharing_one_theme_column(store):
    rows, merged, months = side_by_side()
    p = ok(store, xlsx({"Plan": PLAN, "Monthly audits": rows}, merged={"Monthly audits": merged}))
    assert audits(p) == (expected("Jul-24", months["July 2024"])
                         | expected("Aug-24", months["Audits completed in August 2024"])
                         | expected("Sep-24", months["Sep-24"]))
    assert p.issues == []
    assert (p.maps[1].role, p.maps[1].how) == ("Audit blocks", "by its content")  # named like our Audits sheet
    sheet = read_bytes(xlsx({"Monthly audits": rows}, merged={"Monthly audits": merged}), "m.xlsx")[0]
    assert audit_blocks.describe(sheet) == "audit summary in blocks: 3 months x 3 themes"


def test_blocks_side_by_side_each_with_its_theme_column_and_the_period_in_the_corner(store):
    left = [["Q1 2024/25", "Outstanding", "Good", "Requires improvement", "Inadequate"],
            ["Referrals", 1, 4, 2, 1], ["CP plans", 0, 3, 3, 0], ["Total", 1, 7, 5, 1]]
    right = [["Q2 2024/25", "Outstanding", "Good", "Requires improvement", "Inadequate"],
             ["Referrals", 2, 4, 1, 0], ["CP plans", 1, 3, 2, 0], ["Total", 3, 7, 3, 0]]
    rows = [a + [None] + b for a, b in zip(left, right)] + [[], ["Source: audit tool, extracted 03/10/2024"]]
    p = ok(store, xlsx({"Plan": PLAN, "Audits by quarter": rows}))
    assert audits(p) == (expected("Q1 2024/25", {"Referrals": (1, 4, 2, 1), "CP plans": (0, 3, 3, 0)})
                         | expected("Q2 2024/25", {"Referrals": (2, 4, 1, 0), "CP plans": (1, 3, 2, 0)}))
    assert p.issues == []


def test_a_quarter_named_without_its_year_takes_the_year_of_the_heading_above(store):
    rows = [["Case file audits 2024/25"], [],
            ["Quarter 1 (Apr - Jun)"], ["Theme", "Outstanding", "Good", "RI", "Inadequate"], ["Referrals", 1, 2, 3, 4],
            [], ["Quarter 4"], ["Theme", "Outstanding", "Good", "RI", "Inadequate"], ["Referrals", 0, 5, 3, 1]]
    p = ok(store, xlsx({"Plan": PLAN, "Audit": rows}))
    assert {(a["period"].isoformat(), a["grade"]): a["cases"] for a in p.audits} == {
        ("2024-04-01", "Outstanding"): 1, ("2024-04-01", "Good"): 2, ("2024-04-01", "Requires Improvement"): 3,
        ("2024-04-01", "Inadequate"): 4, ("2025-01-01", "Outstanding"): 0, ("2025-01-01", "Good"): 5,
        ("2025-01-01", "Requires Improvement"): 3, ("2025-01-01", "Inadequate"): 1}
    assert texts(p.notes) == [
        "Audit!A3: the title 'Quarter 1 (Apr - Jun)' names no year: read as Q1 2024/25, from the heading at A1",
        "Audit!A7: the title 'Quarter 4' names no year: read as Q4 2024/25, from the heading at A1"]


def test_a_bare_percent_beside_each_count_and_a_column_numbering_the_rows(store):
    rows = [["Sep-24"], ["No.", "Theme", "Outstanding", "%", "Good", "%", "RI", "%", "Inadequate", "%"],
            [1, "Referrals", 1, "10%", 4, "40%", 4, "40%", 1, "15%"],
            [2, "CP plans", 0, "0%", 3, "60%", 2, "40%", 0, "0%"]]
    p = ok(store, xlsx({"Plan": PLAN, "Audit": rows}))
    assert audits(p) == expected("Sep-24", {"Referrals": (1, 4, 4, 1), "CP plans": (0, 3, 2, 0)})
    assert texts(p.warnings) == ["Audit!J3: 15% inadequate is given but the counts give 10.0% (1 of 10 cases); the "
                                 "dashboard uses the counts, so check which is right"]
    assert texts(p.notes) == ["Audit: figures outside the audit blocks are not read: A3:A4"]


# -- Checked, never loaded ------------------------------------------------------------------------------------
def test_a_total_that_does_not_add_up_is_a_warning_and_the_counts_are_used(store):
    rows = [["Q2 2024/25"], ["Theme", "Outstanding", "Good", "RI", "Inadequate", "Total"],
            ["Referrals", 1, 5, 3, 1, 14],          # the counts make 10
            ["CP plans", 0, 4, 4, 2, 11],           # one case out: within what rounding and late audits explain
            ["Total", 1, 12, 7, 3, 25]]             # the themes make 1, 9, 7, 3 = 20
    p = ok(store, xlsx({"Plan": PLAN, "Audits Q2": rows}))
    assert audits(p) == expected("Q2 2024/25", {"Referrals": (1, 5, 3, 1), "CP plans": (0, 4, 4, 2)})
    assert texts(p.warnings) == [
        "Audits Q2!F3: the total given is 14 but the counts on the row add up to 10; the dashboard uses the counts, "
        "so check which is right",
        "Audits Q2!F5: the total given is 25 but the themes above add up to 20; the dashboard uses the counts, so "
        "check which is right",
        "Audits Q2!C5: the Good count given is 12 but the themes above add up to 9; the dashboard uses the counts, "
        "so check which is right"]


def test_inconsistent_percentages_as_seed_001_prints_them_warn_and_the_counts_are_used(store):
    # "68% cases (20 cases) were good, 36% required improvement (11 cases), 6% were inadequate (2 cases)"
    rows = [["Audits completed in August 2023"],
            ["Theme", "Good", "Good %", "RI", "RI %", "Inadequate", "Inadequate %", "Total", "Good or better %"],
            ["Children's social care", 20, "68%", 11, "36%", 2, "6%", 33, "68%"]]
    p = ok(store, xlsx({"Plan": PLAN, "Audit findings": rows}))
    assert audits(p) == {("Aug-23", "Children's social care", "Good"): 20,
                         ("Aug-23", "Children's social care", "Requires Improvement"): 11,
                         ("Aug-23", "Children's social care", "Inadequate"): 2}
    assert texts(p.warnings) == [
        "Audit findings!C3: 68% good is given but the counts give 60.6% (20 of 33 cases); the dashboard uses the "
        "counts, so check which is right",
        "Audit findings!E3: 36% requires improvement is given but the counts give 33.3% (11 of 33 cases); the "
        "dashboard uses the counts, so check which is right",
        "Audit findings!I3: 68% good or better is given but the counts give 60.6% (20 of 33 cases); the dashboard "
        "uses the counts, so check which is right"]
    assert texts(p.notes) == ["Audit findings!2:2: the block has no Outstanding column: no cases are loaded as "
                              "Outstanding"]


def test_a_row_of_percentages_under_the_total_row_is_checked_against_the_block(store):
    rows = [["July 2024"], ["Theme", "Outstanding", "Good", "RI", "Inadequate"],
            ["Referrals", 1, 3, 1, 0], ["CIN plans", 1, 1, 2, 1], ["Total", 2, 4, 3, 1],
            ["%", "20%", "40%", "20%", "10%"]]
    p = ok(store, xlsx({"Plan": PLAN, "July": rows}))
    assert len(p.audits) == 8
    assert texts(p.warnings) == ["July!D6: 20% requires improvement is given but the counts give 30.0% (3 of 10 "
                                 "cases); the dashboard uses the counts, so check which is right"]


def test_good_or_outstanding_is_checked_beside_its_grades_and_refused_in_their_place(store):
    rows = [["Q1 2024/25"], ["Theme", "Outstanding", "Good", "Good or outstanding", "RI", "Inadequate"],
            ["Referrals", 1, 4, 7, 2, 1]]
    p = ok(store, xlsx({"Plan": PLAN, "Audit": rows}))
    assert texts(p.warnings) == ["Audit!D3: the good or better count given is 7 but the counts on the row add up "
                                 "to 5; the dashboard uses the counts, so check which is right"]
    c = check(store, xlsx({"Plan": PLAN, "Audit": [["Q1 2024/25"], ["Theme", "Good or outstanding", "RI", "Inadequate"],
                                                   ["Referrals", 5, 2, 1]]}))
    assert texts(c.parsed.errors) == ["Audit!B2: the 'Good or outstanding' column counts Outstanding and Good cases "
                                      "together; the dashboard needs them apart: give Outstanding and Good a column "
                                      "each"]
    assert c.parsed.audits == []


def test_figures_beside_the_blocks_that_nothing_reads_are_said(store):
    rows = [["Q1 2024/25"], ["Theme", "Outstanding", "Good", "RI", "Inadequate", "Total %", None, "Target"],
            ["Referrals", 1, 4, 2, 1, "100%", None, 60], ["CP plans", 0, 3, 3, 0, "100%", None, 60]]
    p = ok(store, xlsx({"Plan": PLAN, "Audit": rows}))
    assert len(p.audits) == 8
    assert texts(p.notes) == ["Audit: figures outside the audit blocks are not read: F3:F4, H3:H4"]


# -- Refused, with what to fix -------------------------------------------------------------------------------
@pytest.mark.parametrize("title", ["Case file audit summary", "Quarter 1 2024/25 (Jul - Sep)", "Audits to March 2024",
                                   "Year to date 2024/25", "Quarter 2", "Q1 and Q2 2024/25"])
def test_a_title_that_is_not_a_period_is_refused_naming_the_cell(store, title):
    c = check(store, xlsx({"Plan": PLAN, "Audit": [[title], ["Theme", "Outstanding", "Good", "RI", "Inadequate"],
                                                   ["Referrals", 1, 4, 2, 1]]}))
    assert texts(c.parsed.errors) == [f"Audit!A1: cannot read the block title {title!r} as a period; write it like "
                                      "Quarter 1 2024/25, Q1 2024/25, July 2024 or Jul-24"]
    assert not c.ok


def test_a_block_without_a_title_is_refused():
    c = check_sheet([["Theme", "Outstanding", "Good", "RI", "Inadequate"], ["Referrals", 1, 4, 2, 1]])
    assert texts(c.errors) == ["Audit!A1: the block of grades on row 1 has no title naming its period; write one on "
                               "the row above it (write it like Quarter 1 2024/25, Q1 2024/25, July 2024 or Jul-24)"]


def check_sheet(rows, **kw):
    from scorecard.intake.parse import parse_workbook
    return parse_workbook(read_bytes(xlsx({"Plan": PLAN, "Audit": rows}, **kw), "a.xlsx"))


def test_theme_rows_without_whole_number_counts_are_errors_with_their_cells():
    p = check_sheet([["Q3 2024/25"], ["Theme", "Outstanding", "Good", "RI", "Inadequate"],
                     ["Referrals", 1, 4.5, 2, 1], ["CIN plans", None, "-", None, None], ["CP plans", 0, 3, "three", 0],
                     ["Cared for plans", 0, 3, -1, 0], ["Pathway plans", None, 3, 2, None], [None, 1, 1, 1, 1]])
    assert texts(p.errors) == [
        "Audit!C3: the count 4.5 is not a whole number of cases",
        "Audit!B4: the theme 'CIN plans' has no counts: type the number of cases for each grade (0 where there "
        "were none), or delete the row if it was not audited",
        "Audit!D5: 'three' is not a count of cases; type a number (e.g. 65 or 65%), or leave it blank or '-' if "
        "there is no figure",
        "Audit!D6: the count -1 is negative; a count of cases cannot be below 0",
        "Audit!A8: a row of counts with no theme: write its theme (e.g. Referrals), or Total for a total row"]
    # blank counts beside others are 0 cases, as on the Audits sheet
    assert {(a["stream"], a["grade"]): a["cases"] for a in p.audits} == {
        ("Pathway plans", "Outstanding"): 0, ("Pathway plans", "Good"): 3,
        ("Pathway plans", "Requires Improvement"): 2, ("Pathway plans", "Inadequate"): 0}


def test_periods_down_the_side_are_not_themes():
    p = check_sheet([["Audit judgements 2017/18"], [None, "Outstanding", "Good", "RI", "Inadequate"],
                     ["Q4 2016/17", 2, 30, 50, 20]])
    assert texts(p.errors) == ["Audit!A3: the row is headed by a period (Q4 2016/17), not a theme: a block gives one "
                               "period, in its title, and a row per theme; for periods down the side use an Audits "
                               "sheet (Period, Stream, then a count column per grade)"]
    assert p.audits == []


@pytest.mark.parametrize("rows,percent", [
    ([["Q1 2024/25"], ["Theme", "Outstanding %", "Good %", "RI %", "Inadequate %", "Good or better %"],
      ["Referrals", 10, 50, 30, 10, 60]], {}),
    ([["Q1 2024/25"], ["Theme", "Outstanding", "Good", "RI", "Inadequate"], ["Referrals", 0.1, 0.5, 0.3, 0.1],
      ["CP plans", 0, 0.6, 0.4, 0]], {"Audit": ["B3", "C3", "D3", "E3", "B4", "C4", "D4", "E4"]}),
])
def test_a_block_of_percentages_without_counts_is_refused(rows, percent):
    p = check_sheet(rows, percent=percent)
    assert texts(p.errors) == [
        "Audit!A1: this block gives percentages but no counts of cases; counts are needed, since percentages alone "
        "cannot be loaded honestly (they do not say how many cases were audited): add the number of cases for each "
        "grade (a No. column beside each %)"]
    assert p.audits == []


def test_a_total_row_is_not_a_theme_and_a_theme_twice_is_refused():
    p = check_sheet([["Q1 2024/25"], ["Theme", "Outstanding", "Good", "RI", "Inadequate"], ["Overall", 1, 4, 2, 1]])
    assert texts(p.errors) == ["Audit!A1: the block has no theme rows: audit counts are loaded per theme (Referrals, "
                               "CIN plans...), so give a row of counts per theme; a Total row alone is not a theme"]
    p = check_sheet([["Q1 2024/25", None, None, None, None, None, "Quarter 1 2024/25"],
                     ["Theme", "Outstanding", "Good", "RI", "Inadequate", None, "Theme", "Outstanding",
                                      "Good", "RI", "Inadequate"],
                     ["Referrals", 1, 4, 2, 1, None, "referrals", 0, 1, 1, 1]])
    assert texts(p.errors) == ["Audit!G3: Referrals Q1 2024/25 is given twice (also at A3); give each theme one row "
                               "per period"]


def test_a_theme_given_on_the_audits_sheet_too_is_refused_and_one_spelling_is_kept(store):
    blocks = [["Q1 2024/25"], ["Theme", "Outstanding", "Good", "RI", "Inadequate"], ["Referrals", 1, 4, 2, 1],
              ["CIN plans", 0, 2, 2, 1], [], ["Q2 2024/25"], ["Theme", "Outstanding", "Good", "RI", "Inadequate"],
              ["CIN Plans", 1, 2, 2, 0]]
    p = ok(store, xlsx({"Plan": PLAN, "QA": blocks}))
    assert {(a["period"].isoformat(), a["stream"]) for a in p.audits} == {
        ("2024-04-01", "Referrals"), ("2024-04-01", "CIN plans"), ("2024-07-01", "CIN plans")}
    long = [["Period", "Stream", "Grade", "Count"], ["Q1 2024/25", "Referrals", "Good", 4]]
    c = check(store, xlsx({"Plan": PLAN, "Audits": long, "QA": blocks}))
    assert texts(c.parsed.errors) == ["QA!A3: Referrals Q1 2024/25 is given twice (also on another sheet); give "
                                      "each theme one row per period"]


# -- Not stealing other layouts -------------------------------------------------------------------------------
@pytest.mark.parametrize("rows,role", [
    ([["Period", "Stream", "Grade", "Count"], ["Q1 2024/25", "Referrals", "Good", 4]], "Audits"),
    ([["Quarter", "Theme", "Outstanding", "Good", "RI", "Inadequate"], ["Q1 2024/25", "Referrals", 1, 4, 2, 1]],
     "Audits"),
    ([["No.", "Performance measure", "What does it show?", "Thresholds", None, None, "Apr-17"],
      [None, None, None, "RI", "Good", "Outstanding"], ["SEF06", "Assessments in 45 days", "x", "60-69%", "70-79%",
                                                        "80-100%", 71]], "Measures"),
    ([["Ref", "Indicator", "Inadequate", "RI", "Good", "Outstanding", "Apr-24", "May-24"],
      ["CIN8", "Visits in time", 50, 60, 70, 80, 71, 74]], "Measures"),
    ([["Indicator", "Inadequate", "Requires improvement", "Good", "Outstanding", "Apr-24", "May-24"],
      ["Visits in time", 50, 60, 70, 80, 71, 74]], "Measures"),  # a scorecard with names and no codes
    ([["Overall effectiveness, 31 March 2024"], ["Area", "Outstanding", "Good", "Requires improvement", "Inadequate"],
      ["North West", 4, 12, 6, 1], ["England", 25, 80, 33, 15]], "not used"),
])
def test_other_layouts_with_grade_headings_are_not_taken(rows, role):
    sheet = read_bytes(xlsx({"Data": rows}), "d.xlsx")[0]
    assert recognise([sheet])[0].role == role


# -- The whole way: import, then the Case-file audits page ----------------------------------------------------
@pytest.mark.slow
def test_a_mixed_workbook_imports_through_the_command_line_and_the_page_shows_its_streams(tmp_path, monkeypatch):
    rows, pct, merged = stacked([
        ("Quarter 4 2023/24 (Jan - Mar)", {"Referrals": (1, 5, 3, 1), "CP plans": (0, 4, 4, 2)}),
        ("Quarter 1 2024/25 (Apr - Jun)", {"Referrals": (2, 6, 2, 0), "CP plans": (1, 5, 3, 1)})])
    rows[4][9] = 13  # Referrals' Total in Q4: the counts make 10
    path = tmp_path / "board pack.xlsx"
    path.write_bytes(xlsx({"Plan": PLAN, "Children in Care": scorecard_sheet([("CLA1", "Visits in time")]),
                           "QA": rows}, percent={"QA": pct}, merged={"QA": merged}))
    db = tmp_path / "s.duckdb"
    res = subprocess.run([sys.executable, "-m", "scorecard", "import", str(path), "--db", str(db)],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    out = res.stdout.splitlines()
    assert "warning: QA!J5: the total given is 13 but the counts on the row add up to 10; the dashboard uses the " \
           "counts, so check which is right" in out
    assert "Children in Care: 1 measure, 3 values, 1 benchmark row" in out
    assert "QA: 16 audit counts (40 cases)" in out
    monkeypatch.setenv("SCORECARD_DB", str(db))
    from scorecard import ui
    ui.get_store.clear()
    try:
        at = AppTest.from_file(str(ROOT / "app_pages" / "audits.py"), default_timeout=60).run()
        assert not at.exception, at.exception
        assert at.selectbox(key="audit_stream").options == ["All streams", "CP plans", "Referrals"]
        assert at.dataframe[0].value["period_label"].tolist() == ["Q4 2023/24", "Q1 2024/25"]
        assert at.dataframe[0].value["cases"].tolist() == [20, 20]
        at.selectbox(key="audit_stream").set_value("Referrals").run()
        assert at.metric[0].value == "80%"  # Q1 2024/25: 2 + 6 of 10
    finally:
        ui.get_store.clear()


def test_a_quarter_title_with_its_months_in_brackets_is_read():
    assert parse_period("Quarter 1 2024/25 (Apr - Jun)").label == "Q1 2024/25"
