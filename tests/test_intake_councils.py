"""Intake I: workbooks written the way councils write them, each loaded with the expected figures and the
expected warnings, or refused with a message that says what to fix. Never loaded silently wrong."""
from __future__ import annotations

import pytest

from scorecard.cli import main
from scorecard.intake import load
from scorecard.store import Store
from tests.bad_files import xlsx

PLAN = [["Local authority", "Testshire Council"], ["Plan name", "Testshire 2024-25"], ["Reporting month", "Sep-24"]]


def check(store, data: bytes, name: str = "council.xlsx", **kw):
    return load.check_bytes(store, data, name, **kw)


def ok(store, data: bytes, **kw):
    c = check(store, data, **kw)
    assert c.ok, [str(e) for e in c.parsed.errors]
    return c.parsed


def values(parsed, code: str | None = None) -> dict:
    return {(v["code"], v["period"].strftime("%b-%y"), v["period_kind"]): v["value"] for v in parsed.value_rows()
            if code is None or v["code"] == code}


def texts(issues) -> list[str]:
    return [str(i) for i in issues]


# -- 1. Never silently wrong ------------------------------------------------------------------------------
def test_month_columns_beside_measures_are_their_values_and_benchmark_columns_their_benchmarks(store):
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [
        ["KPI ID", "KPI name", "Good is", "Target", "Apr-24", "May-24", "Jun-24", "YTD", "England", "Stat neighbours",
         "RAG", "Comments"],
        ["CIN8", "Assessments in 45 working days", "High", 90, 81.5, 84, 86.2, 84, 82.1, 85.0, "G", "Improving"],
        ["CF4", "Children looked after with 3+ placements", "Low", 10, 11, 10.5, None, 10.7, 10, 9.5, "A", ""],
    ]}))
    assert values(p) == {("CIN8", "Apr-24", "month"): 81.5, ("CIN8", "May-24", "month"): 84.0,
                         ("CIN8", "Jun-24", "month"): 86.2, ("CF4", "Apr-24", "month"): 11.0,
                         ("CF4", "May-24", "month"): 10.5}
    bench = {(b["code"], b["period"].strftime("%b-%y")): (b["england"], b["neighbours"]) for b in p.benchmarks}
    assert bench == {("CIN8", "Jun-24"): (82.1, 85.0), ("CF4", "May-24"): (10.0, 9.5)}  # each row's latest period
    assert {m["code"]: (m["polarity"], m["target"]) for m in p.measures} == {
        "CIN8": ("higher", 90), "CF4": ("lower", 10)}
    assert "Measures!I:I: the England figures in column I name no period, so each is taken as of its measure's " \
           "latest value on the row; name the period in the header (e.g. 'England 2023/24') if that is wrong" \
           in texts(p.warnings)
    assert "Measures!1:1: ignored columns, not read: YTD (H), RAG (K), Comments (L)" in texts(p.notes)
    assert p.sheet_lines()[1] == "Measures: 2 measures, 5 values, 2 benchmark rows"


def test_benchmark_column_naming_its_period_and_a_region_by_name(store):
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [
        ["Ref", "Performance measure", "Polarity", "2024-25 Q1", "England 2023-24", "North West (2023-24)"],
        ["SEF41", "Re-referrals within 12 months", "Lower is better", 19.8, 21.9, 22.4]]}))
    assert values(p) == {("SEF41", "Apr-24", "quarter"): 19.8}
    assert [(b["period"].isoformat(), b["period_kind"], b["england"], b["region"]) for b in p.benchmarks] == [
        ("2023-04-01", "year", 21.9, 22.4)]
    assert not p.warnings


def test_bare_month_names_under_a_merged_financial_year_heading(store):
    months = ["April", "May", "June", "July", "August", "September", "October", "November", "December",
              "January", "February", "March"]
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [
        ["", "", "2024/25"],
        ["Code", "Measure", *months],
        ["EH1", "Early help assessments in 45 days", *range(60, 72)]]}, merged={"Measures": ["C1:N1"]}))
    got = values(p)
    assert got[("EH1", "Apr-24", "month")] == 60 and got[("EH1", "Dec-24", "month")] == 68
    assert got[("EH1", "Jan-25", "month")] == 69 and got[("EH1", "Mar-25", "month")] == 71


def test_bare_month_names_with_no_year_anywhere_are_refused(store):
    c = check(store, xlsx({"Plan": PLAN, "Measures": [["Code", "Measure", "April", "May"], ["EH1", "EH", 1, 2]]}))
    assert texts(c.parsed.errors) == [
        "Measures!C1: cannot read the period header 'April'; write the periods like Apr-24, Q1 2024/25 or 2024/25 "
        "(or month names under a heading such as 2024/25)",
        "Measures!D1: cannot read the period header 'May'; write the periods like Apr-24, Q1 2024/25 or 2024/25 "
        "(or month names under a heading such as 2024/25)"]


def test_a_cell_formatted_as_a_percentage_is_a_percentage_whatever_the_unit(store):
    p = ok(store, xlsx({"Plan": PLAN,
                        "Measures": [["Code", "Measure", "Polarity"], ["CIN8", "Assessments in time", "Higher"],
                                     ["WF1", "Staff in post", "Higher"]],
                        "Values": [["Code", "Apr-24", "May-24"], ["CIN8", 0.82, 0.845], ["WF1", 0.9, 12]]},
                       percent={"Values": ["B2", "C2", "B3"]}))
    assert values(p) == {("CIN8", "Apr-24", "month"): 82.0, ("CIN8", "May-24", "month"): 84.5,
                         ("WF1", "Apr-24", "month"): 90.0, ("WF1", "May-24", "month"): 12.0}
    assert not p.warnings


@pytest.mark.parametrize("measure,extra,scaled,warning", [
    (["CIN8", "Assessments in 45 days", "%", "Higher", "", "", ""], [[0.62, 62, 100], [0.705, 141, 200]], True,
     "its numerator / denominator give the same fraction (62 / 100 = 0.62)"),
    (["CIN8", "Assessments in 45 days", "%", "", "60-69%", "70-79%", "80-100%"],
     [[0.62, None, None], [0.7, None, None]], True, "its bands go up to 100"),
    (["CIN8", "Assessments in 45 days", "%", "Higher", "", "", ""], [[0.62, None, None], [0.7, None, None]], False,
     "CIN8 (0.62 to 0.7): every value lies between 0 and 1 for a % measure; if these are fractions (0.82 for 82%), "
     "format the cells as percentages or type 82; as they stand they are read as under 1%"),
    (["CIN8", "Repeat CP plans", "%", "Lower", "", "", ""], [[0.5, 1, 200], [0.4, 1, 250]], False, None),
])
def test_fractions_typed_for_percentages(store, measure, extra, scaled, warning):
    rows = [["Code", "Period", "Value", "Numerator", "Denominator"],
            *[["CIN8", month, *r] for month, r in zip(("Apr-24", "May-24"), extra)]]
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [
        ["Code", "Measure", "Unit", "Polarity", "Requires Improvement", "Good", "Outstanding"], measure],
        "Values": rows}))
    got = sorted(values(p).values())
    expected = sorted(r[0] for r in extra)
    assert got == ([round(v * 100, 6) for v in expected] if scaled else expected)
    if warning is None:
        assert not p.warnings
    else:
        assert len(p.warnings) == 1 and warning in str(p.warnings[0])
        assert ("loaded x100" in str(p.warnings[0])) == scaled


def test_colour_only_ratings_are_read_from_the_fill_with_one_warning(store):
    p = ok(store, xlsx({"Plan": PLAN, "Actions": [
        ["Ref", "Action", "RAG status", "Impact RAG"],
        ["1.1", "Review thresholds", None, None], ["1.2", "Front door", None, None],
        ["1.3", "Audit programme", None, None], ["1.4", "Supervision", None, None],
        ["1.5", "Training", None, "Red"], ["1.6", "Not started yet", None, None]]},
        fills={"Actions": {"C2": "FF00B050", "C3": "FFFFC000", "C4": "FFFF0000", "C5": "FF0070C0",
                           "C6": "FFFFEB9C", "C7": "FFD9D9D9"}}))
    assert {a["ref"]: (a["action_rag"], a["impact_rag"]) for a in p.actions} == {
        "1.1": ("Green", None), "1.2": ("Amber", None), "1.3": ("Red", None), "1.4": ("Blue", None),
        "1.5": ("Amber", "Red"), "1.6": (None, None)}
    assert texts(p.warnings) == ["Actions: 5 Action RAG ratings were read from the cell's fill colour, as the cell "
                                 "has no text: C2, C3, C4, C5, C6; check them"]


def test_a_fill_that_is_no_rating_colour_is_an_error_naming_the_cell(store):
    c = check(store, xlsx({"Plan": PLAN, "Actions": [["Ref", "Action", "RAG"], ["1.1", "Review", None]]},
                          fills={"Actions": {"C2": "FF7030A0"}}))
    assert texts(c.parsed.errors) == ["Actions!C2: the Action RAG cell has no text and its fill colour (#7030A0) is "
                                      "not a BRAG colour; type Blue, Green, Amber or Red, or clear the fill"]


def test_group_heading_rows_set_the_priority_of_the_actions_under_them(store):
    p = ok(store, xlsx({"Plan": PLAN, "Actions": [
        ["Action No.", "Action", "Lead officer", "Target date", "Status"],
        ["Priority 1: Quality of practice"],
        ["1.1", "Embed the practice model", "Head of Service", "31st March 2025", "On track"],
        ["1.2", "Audit programme", "QA lead", "End of March 2025", "Complete"],
        ["Priority 2: Workforce stability"],
        ["2.1", "Recruit social workers", "HR lead", "Q3 2024/25", "Some slippage"],
        [], ["Note: ratings agreed at the board on 12/09/2024"]]}, merged={"Actions": ["A2:E2", "A5:E5"]}))
    got = {a["ref"]: (a["priority"], a["owner"], a["due_date"].isoformat(), a["action_rag"]) for a in p.actions}
    assert got == {"1.1": ("Priority 1: Quality of practice", "Head of Service", "2025-03-31", "Green"),
                   "1.2": ("Priority 1: Quality of practice", "QA lead", "2025-03-31", "Blue"),
                   "2.1": ("Priority 2: Workforce stability", "HR lead", "2024-12-31", "Amber")}
    assert "Actions: heading rows set the Priority of the actions under them: 'Priority 1: Quality of practice' " \
           "(row 2); 'Priority 2: Workforce stability' (row 5)" in texts(p.notes)
    assert p.status_words == {"On track": "Green", "Complete": "Blue", "Some slippage": "Amber"}


def test_group_headings_set_the_focus_area_when_the_sheet_has_a_priority_column(store):
    p = ok(store, xlsx({"Plan": PLAN, "Actions": [
        ["Ref", "Action", "Priority"], ["Area 2: Front door"], ["2.1", "MASH review", "1. Safety"]]}))
    assert [(a["priority"], a["focus_area"]) for a in p.actions] == [("1. Safety", "Area 2: Front door")]


# -- 2. The words councils use ---------------------------------------------------------------------------------
def test_council_headers_polarity_words_and_band_words(store):
    p = ok(store, xlsx({
        "Plan": [["Council", "Testshire"], ["Plan", "Testshire 2024-25"], ["Period", "Sep-24"]],
        "Measures": [
            ["PI ref", "Measure description", "Higher or lower is better", "RI", "Good", "Outstanding", "Target"],
            ["CP2", "Repeat child protection plans", "↓", "Below 25%", "Under 20", "15% or less", "18%"],
            ["CIN1", "Visits in timescale", "Higher is better", "50% to 64%", "65%-79%", "80% and above", "90"]],
        "Values": [["Indicator ID", "Reporting period", "Result", "Num", "Denom"],
                   ["CP2", "Aug-24", 17, 17, 100], ["CIN1", "Aug-24", 81, 81, 100]]}))
    assert (p.authority, p.plan, p.as_at.isoformat()) == ("Testshire", "Testshire 2024-25", "2024-09-01")
    assert {m["code"]: m["polarity"] for m in p.measures} == {"CP2": "lower", "CIN1": "higher"}
    assert values(p) == {("CP2", "Aug-24", "month"): 17.0, ("CIN1", "Aug-24", "month"): 81.0}


def test_financial_years_and_quarters_as_the_dfe_and_councils_write_them(store):
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [["Code", "Measure"], ["A", "a"]], "Values": [
        ["Code", "Period", "Value"], ["A", "2018-19", 1], ["A", "2011-12", 2], ["A", "FY 2023/24", 3],
        ["A", "Q1 24/25", 4], ["A", "Quarter 2 2024/25", 5]]}))
    assert values(p) == {("A", "Apr-18", "year"): 1, ("A", "Apr-11", "year"): 2, ("A", "Apr-23", "year"): 3,
                         ("A", "Apr-24", "quarter"): 4, ("A", "Jul-24", "quarter"): 5}


def test_due_dates_as_plans_write_them_with_the_year_assumed_said(store):
    p = ok(store, xlsx({"Plan": PLAN, "Actions": [
        ["Ref", "Action", "Deadline"], ["1", "a", "31 March 2025"], ["2", "b", "End of Q2"],
        ["3", "c", "Spring 2025"]]}))
    assert {a["ref"]: a["due_date"].isoformat() for a in p.actions} == {
        "1": "2025-03-31", "2": "2024-09-30", "3": "2025-05-31"}
    assert texts(p.warnings) == [
        "Actions!C3: action 2: 'End of Q2' read as 30/09/2024 (Q2 of 2024/25, the plan's financial year)",
        "Actions!C4: action 3: 'Spring 2025' read as 31/05/2025 (the end of spring)"]


def test_a_moderated_grade_wins_over_the_auditors_and_the_child_id_is_kept_apart(store):
    p = ok(store, xlsx({"Plan": PLAN, "Audits": [
        ["Audit ID", "Child ID", "Team", "Audit month", "Auditor grade", "Moderated grade"],
        ["A1", "C001", "CP", "Jul-24", "Good", "Requires improvement"], ["A2", "C002", "CP", "Jul-24", "Good", None],
        ["A3", "C003", "CIN", "Jul-24", "Inadequate", "Inadequate"]]}))
    got = {(a["stream"], a["grade"]): a["cases"] for a in p.audits}
    assert got == {("CP", "Requires Improvement"): 1, ("CP", "Good"): 1, ("CIN", "Inadequate"): 1}
    assert sorted(r["case_ref"] for r in p.audit_case_refs) == ["C001", "C002", "C003"]
    assert "Audits: the Moderated grade column (F) is used where it is filled in, and the Auditor grade column (E) " \
           "where it is not: a moderated grade wins over the auditor's" in texts(p.notes)
    assert "Audits!1:1: ignored columns, not read: Audit ID (A)" in texts(p.notes)


def test_invisible_characters_are_stripped_from_codes_and_refs(store):
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [["Code", "Measure"], ["CIN8\u200b", "Visits"]],
                        "Values": [["Code", "Period", "Value"], ["\u202aCIN8", "Apr-24", 5]]}))
    assert [m["code"] for m in p.measures] == ["CIN8"] and values(p) == {("CIN8", "Apr-24", "month"): 5}


# -- 3. Messages that get the file in at the first try ---------------------------------------------------------
def test_every_error_on_a_row_and_no_cascade_onto_values(store):
    c = check(store, xlsx({"Plan": PLAN, "Measures": [
        ["Code", "Measure", "Unit", "Polarity", "Good"], ["CF22", "Placements", "litres", "sideways", "lots"]],
        "Values": [["Code", "Apr-24", "May-24"], ["CF22", 1, 2]]}))
    assert texts(c.parsed.errors) == [
        "Measures!C2: unknown unit 'litres': use %, number or days",
        "Measures!D2: unknown polarity 'sideways': use Higher is better, Lower is better, Increase or Decrease",
        "Measures!E2: measure CF22: cannot read the band 'lots': write it like 70-79%, 85+, 80% and above, >24, "
        "below 85%, no more than 8, or Increase"]
    assert texts(c.parsed.notes) == ["Values: CF22 was not loaded because of Measures!C2, so its figures here are "
                                     "not checked"]


def test_headers_not_found_name_the_row_most_like_a_header_and_the_nearest_names(store):
    c = check(store, xlsx({"Plan": PLAN, "Actions": [["Improvement plan tracker"], [],
                                                      ["Actoin ref", "Descripton", "Owner", "Statsu"]]}))
    assert texts(c.parsed.errors) == [
        "Actions: no header row with the 'Ref' and 'Action' columns in the first 30 rows; row 3 looks most like it, "
        "recognised 'Owner', not recognised 'Actoin ref' - did you mean Ref?; 'Descripton' - did you mean "
        "Action?; 'Statsu' - did you mean Action RAG?. Rename the headers (see the template) or map the columns"]


def test_the_same_problem_repeated_is_one_line_with_its_count_and_cells(store):
    rows = [["As at", "Ref", "Action", "Due"]] + [[m, "1.1", "Review", "Dec 202017"] for m in
                                                  ("Jun-24", "Jul-24", "Aug-24", "Sep-24")]
    p = ok(store, xlsx({"Plan": PLAN, "Actions": rows}))
    assert texts(p.warnings) == ["Actions!D2, D3, D4, D5: action 1.1: cannot read the due date 'Dec 202017'; it is "
                                 "kept as text (4 times)"]


def test_a_missing_measures_sheet_for_an_existing_plan_keeps_its_measures(store):
    first = ok(store, xlsx({"Plan": PLAN, "Measures": [["Code", "Measure"], ["CIN8", "Visits"]]}))
    load.commit(store, load.Checked("m.xlsx", "x", first))
    p = ok(store, xlsx({"Plan": PLAN, "Values": [["Code", "Period", "Value"], ["CIN8", "Sep-24", 5]]}))
    assert texts(p.notes) == ["Workbook: no Measures sheet: the plan's stored measures are kept"]
    c = check(store, xlsx({"Plan": PLAN, "Values": [["Code", "Period", "Value"], ["XX1", "Sep-24", 5]]}))
    assert texts(c.parsed.errors) == ["Values!A2: unknown measure code 'XX1': add it to the Measures sheet, or "
                                      "correct the code"]


def test_a_blank_plan_name_is_named_and_the_app_speaks_the_browsers_language(store):
    data = xlsx({"Plan": [["Plan", None]], "Values": [["Code", "Period", "Value"], ["A", "Apr-24", 1]]})
    assert texts(check(store, data).parsed.errors)[0] == (
        "Plan!B1: the plan's name is empty: type it here, or choose the plan when importing (--plan NAME)")
    assert texts(check(store, data, audience="app").parsed.errors)[0] == (
        "Plan!B1: the plan's name is empty: type it here, or pick a plan in the Plan box above")


def test_a_sheet_that_is_not_read_is_said(store):
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [["Code", "Measure"], ["A", "a"]],
                        "Children in care": [["Indicator", "Apr-24"], ["CLA rate", 61]]}))
    assert "Children in care: this sheet is not read: its name is not one of ours (Plan, Measures, Values, Audits, " \
           "Actions, Benchmarks) and its content is not a layout we know; map it in the Upload centre" in texts(p.notes)


def test_import_prints_a_line_for_every_sheet_it_loaded(tmp_path, capsys):
    path = tmp_path / "council.xlsx"
    path.write_bytes(xlsx({"Plan": PLAN,
                           "Measures": [["Code", "Measure", "Apr-24"], ["A", "a", 5]],
                           "Benchmarks": [["Code", "Period", "England"], ["A", "2023/24", 7]]}))
    assert main(["import", str(path), "--db", str(tmp_path / "s.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "Plan: plan 'Testshire 2024-25' (Testshire Council)\nMeasures: 1 measure, 1 value\n" \
           "Benchmarks: 1 benchmark row\n" in out
    store = Store(tmp_path / "s.duckdb")
    try:
        assert store.cursor().execute("SELECT count(*) FROM benchmarks").fetchone()[0] == 1
    finally:
        store.close()


def test_bare_quarters_under_a_financial_year_heading_and_refused_without_one(store):
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [["", "", "2024/25"], ["Code", "Measure", "Q1", "Q2", "Q3"],
                                                   ["CP1", "Repeat plans", 18, 17, 16]]},
                       merged={"Measures": ["C1:E1"]}))
    assert values(p) == {("CP1", "Apr-24", "quarter"): 18, ("CP1", "Jul-24", "quarter"): 17,
                         ("CP1", "Oct-24", "quarter"): 16}
    c = check(store, xlsx({"Plan": PLAN, "Measures": [["", "", "2024"], ["Code", "Measure", "Q1"], ["CP1", "x", 1]]}))
    assert texts(c.parsed.errors) == ["Measures!C2: cannot read the period header 'Q1'; write the periods like Apr-24, "
                                      "Q1 2024/25 or 2024/25 (or month names under a heading such as 2024/25)"]


def test_units_written_as_phrases_qualified_period_headers_and_ytd_columns(store):
    p = ok(store, xlsx({"Plan": PLAN, "Measures": [
        ["Code", "Measure", "Unit", "Polarity", "Apr-24 (provisional)", "May-24 [revised]", "YTD 2024/25",
         "Target 2024/25"],
        ["CIN1", "Children in need", "Rate per 10,000", "Lower", 330, 331, 330.5, 320],
        ["CIN2", "Seen in time", "% of children", "Higher", 81, 84, 82.5, 90]]}))
    assert {m["code"]: (m["unit"], m["target"]) for m in p.measures} == {"CIN1": ("number", 320), "CIN2": ("%", 90)}
    assert values(p) == {("CIN1", "Apr-24", "month"): 330, ("CIN1", "May-24", "month"): 331,
                         ("CIN2", "Apr-24", "month"): 81, ("CIN2", "May-24", "month"): 84}
    assert "Measures!1:1: ignored columns, not read: YTD 2024/25 (G)" in texts(p.notes)
    c = check(store, xlsx({"Plan": PLAN, "Measures": [["Code", "Measure", "Unit"], ["M1", "Visits", "litres"]]}))
    assert texts(c.parsed.errors) == ["Measures!C2: unknown unit 'litres': use %, number or days"]
