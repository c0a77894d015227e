"""Intake II: councils' own layouts recognised by their content, whatever the sheets are called."""
from __future__ import annotations

from scorecard.intake import load
from scorecard.intake.read import read_bytes
from scorecard.intake.recognise import recognise
from tests.test_intake_councils import PLAN, ok, texts, values, xlsx

MONTHS = ["Apr-24", "May-24", "Jun-24"]


def scorecard_sheet(codes: list[tuple[str, str]], section: str | None = None) -> list[list]:
    rows = [["Monthly performance scorecard 2024/25"], [],
            ["KPI ID", "KPI name", "Good is", "Target", *MONTHS, "YTD", "England", "SN", "RAG", "Comments"]]
    if section:
        rows.append([section])
    for k, (code, name) in enumerate(codes):
        rows.append([code, name, "High", 80, 70 + k, 72 + k, 74 + k, 72 + k, 75, 76, "A", "see note"])
    return rows


def test_a_sheet_per_service_is_read_as_measures_with_their_values_and_benchmarks():
    data = xlsx({"Plan": PLAN, "Early Help": scorecard_sheet([("EH1", "EH assessments in time")], "Assessments"),
                 "Children in Care": scorecard_sheet([("CLA1", "Visits in time"), ("CLA2", "PEPs in time")])})
    maps = {m.sheet: m for m in recognise(read_bytes(data, "scorecard.xlsx"))}
    assert (maps["Early Help"].role, maps["Early Help"].how) == ("Measures", "by its content")
    assert sorted(p.label for p in maps["Children in Care"].periods.values()) == ["Apr-24", "Jun-24", "May-24"]
    assert sorted(maps["Children in Care"].benchmarks.values()) == ["england", "neighbours"]


def test_one_sheet_scorecards_load_every_figure(store):
    p = ok(store, xlsx({"Plan": PLAN, "Early Help": scorecard_sheet([("EH1", "EH assessments")], "Assessments"),
                        "Children in Care": scorecard_sheet([("CLA1", "Visits"), ("CLA2", "PEPs")])}))
    got = {m["code"]: (m["priority"], m["focus_area"], m["polarity"], m["target"]) for m in p.measures}
    assert got == {"EH1": ("Early Help", "Assessments", "higher", 80), "CLA1": ("Children in Care", None, "higher", 80),
                   "CLA2": ("Children in Care", None, "higher", 80)}
    assert len(p.values) == 9 and values(p, "CLA2")[("CLA2", "Jun-24", "month")] == 75
    assert {(b["code"], b["england"], b["neighbours"]) for b in p.benchmarks} == {
        ("EH1", 75, 76), ("CLA1", 75, 76), ("CLA2", 75, 76)}
    assert "Children in Care!1:1" not in texts(p.notes)  # header is row 3
    assert "Children in Care!3:3: ignored columns, not read: YTD (H), RAG (K), Comments (L)" in texts(p.notes)
    assert p.sheet_lines()[1:] == ["Early Help: 1 measure, 3 values, 1 benchmark row",
                                   "Children in Care: 2 measures, 6 values, 2 benchmark rows"]


def test_the_same_code_on_two_service_sheets_is_refused(store):
    c = load.check_bytes(store, xlsx({"Plan": PLAN, "CIN": scorecard_sheet([("X1", "a")]),
                                      "CP": scorecard_sheet([("X1", "b")])}), "s.xlsx")
    assert "CP!A4: measure code X1 appears twice (also at CIN!A4); each code must be unique" in texts(c.parsed.errors)


def test_thresholds_and_values_on_one_sheet_sefton_style(store):
    p = ok(store, xlsx({"Plan": PLAN, "Performance": [
        ["No.", "Performance measure", "What does it show?", "Thresholds", None, None, "Apr-17", "May-17"],
        [None, None, None, "RI", "Good", "Outstanding"],
        ["SEF41", "Re-referrals within 12 months", "Repeat demand", "25-20", "19-15", "<14", 22.1, 18.4],
        ["SEF06", "Assessments in 45 days", "Timeliness", "60-69%", "70-79%", "80-100%", 71, 83]]},
        merged={"Performance": ["D1:F1", "A1:A2", "B1:B2", "C1:C2", "G1:G2", "H1:H2"]}))
    got = {m["code"]: (m["ri_band"], m["good_band"], m["outstanding_band"]) for m in p.measures}
    assert got == {"SEF41": ("25-20", "19-15", "<14"), "SEF06": ("60-69%", "70-79%", "80-100%")}
    assert values(p) == {("SEF41", "Apr-17", "month"): 22.1, ("SEF41", "May-17", "month"): 18.4,
                         ("SEF06", "Apr-17", "month"): 71, ("SEF06", "May-17", "month"): 83}
    assert "Performance!2:2: ignored columns, not read: What does it show? (C)" in texts(p.notes)


def test_an_audit_tool_export_one_row_per_case(store):
    p = ok(store, xlsx({"Plan": PLAN, "Export 2024-07-31": [
        ["Audit ID", "Child ID", "Team", "Audit month", "Auditor", "Auditor grade", "Moderated grade",
         "Date completed"],
        ["A-1", "LCS123", "Assessment team", "Jul-24", "J Smith", "Good", "Good", "12/07/2024"],
        ["A-2", "LCS124", "Assessment team", "Jul-24", "J Smith", "Good", "Requires improvement", "13/07/2024"],
        ["A-3", "LCS125", "Child protection", "Jul-24", "K Jones", "Inadequate", None, "14/07/2024"]]}))
    assert {(a["stream"], a["grade"]): a["cases"] for a in p.audits} == {
        ("Assessment team", "Good"): 1, ("Assessment team", "Requires Improvement"): 1,
        ("Child protection", "Inadequate"): 1}
    assert len(p.audit_case_refs) == 3
    assert "Export 2024-07-31!1:1: ignored columns, not read: Audit ID (A), Auditor (E), Date completed (H)" \
           in texts(p.notes)


def test_a_sharepoint_action_tracker(store):
    p = ok(store, xlsx({"Plan": PLAN, "Improvement tracker": [
        ["ID", "Title", "Lead officer", "Target date", "RAG status", "Item Type", "Path", "Evidence", "Modified"],
        ["1.1", "Embed the practice model", "AD Safeguarding", "31/03/2025", "On track", "Item", "/sites/x", "doc",
         "01/09/2024"]]}))
    a = p.actions[0]
    assert (a["ref"], a["action"], a["owner"], a["action_rag"], a["due_date"].isoformat()) == (
        "1.1", "Embed the practice model", "AD Safeguarding", "Green", "2025-03-31")
    assert "Improvement tracker!1:1: ignored columns, not read: Item Type (F), Path (G), Evidence (H), " \
           "Modified (I)" in texts(p.notes)


def test_rating_by_tolerance_from_a_rag_tolerance_column(tmp_path, capsys):
    import json

    from scorecard.cli import main
    path = tmp_path / "tolerance.xlsx"
    path.write_bytes(xlsx({"Plan": PLAN, "Children in Need": [
        ["KPI ID", "KPI name", "Good is", "Target", "RAG tolerance", "Apr-24", "May-24"],
        ["CIN1", "Visits in time", "High", 90, "5%", 88, 86], ["CIN2", "Caseload", "Low", 18, "10% of target", 19, 20],
        ["CIN3", "Plans reviewed", "High", 95, "2 points", 96, 97]]}, percent={}))
    db = str(tmp_path / "s.duckdb")
    assert main(["import", str(path), "--db", db]) == 0
    capsys.readouterr()
    assert main(["summary", "--json", "--db", db]) == 0
    got = {m["code"]: (m["value"], m["target"], m["target_rag"], m["band"])
           for m in json.loads(capsys.readouterr().out)["plans"][0]["measures"]}
    assert got == {"CIN1": (86.0, 90.0, "Amber", None), "CIN2": (20.0, 18.0, "Red", None),
                   "CIN3": (97.0, 95.0, "Green", None)}


def test_a_scorecard_with_names_and_no_codes_gets_codes_from_its_names_stable_next_month(store):
    from scorecard.intake import load as intake_load
    def sheet(months):
        return xlsx({"Plan": PLAN, "Early help": [
            ["Indicator", "Good is", *months],
            ["Early help assessments completed within 45 days", "High", *range(70, 70 + len(months))],
            ["Re-referrals to early help within 12 months", "Low", *range(20, 20 + len(months))]]})
    p = ok(store, sheet(["Apr-24", "May-24"]))
    from scorecard.intake.codes import code_from_title
    codes = sorted(m["code"] for m in p.measures)
    assert codes == sorted(code_from_title(n) for n in ("Early help assessments completed within 45 days",
                                                         "Re-referrals to early help within 12 months"))
    assert any("the sheet has no code column" in n for n in texts(p.notes))
    intake_load.commit(store, intake_load.Checked("apr.xlsx", "x", p))
    again = ok(store, sheet(["Apr-24", "May-24", "Jun-24"]))
    assert sorted(m["code"] for m in again.measures) == codes and len(again.values) == 6
