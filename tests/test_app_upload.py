"""The Upload centre, driven through AppTest's file_uploader: check, errors, preview, commit, revert."""
import json

import pytest
from streamlit.testing.v1 import AppTest

from scorecard import queries
from scorecard.exports import XLSX_MEDIA_TYPE as XLSX
from scorecard.periods import EVERYTHING, month_key
from scorecard.store import Store
from scorecard.summary import PlanData
from tests.conftest import ROOT, make_workbook

PLAN = "Tameside 2023-25"


def frame(at, column: str):
    """The first table on the page with that column (the upload preview, the problems...)."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


@pytest.fixture
def app(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    monkeypatch.setenv("SCORECARD_USER", "perf.officer")
    from scorecard import ui
    ui.get_store.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("app_pages/upload.py").run()
    assert not at.exception
    yield at
    ui.get_store.clear()


def app_store() -> Store:
    """The app's own connection (one per process: a second one to the same file is refused)."""
    from scorecard import ui
    return ui.get_store()


def cin8(db, period="2024-01"):
    values = queries.rows(app_store(), "measure_values", plan=PLAN, as_at=EVERYTHING)
    return next(v["value"] for v in values if v["code"] == "CIN8" and month_key(v["period"]) == period)


def upload(at, *files):
    at.file_uploader[0].set_value(list(files)).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_bad_file_lists_every_problem_and_changes_nothing(app, demo_copy, tmp_path):
    before = cin8(demo_copy)
    bad = make_workbook(tmp_path / "bad.xlsx", {"Plan": [["Plan", PLAN]], "Values": [
        ["Code", "Period", "Value"], ["CIN8", "Jan-24", "about half"], ["NOPE", "Feb-24", 80],
        ["CIN8", "Feb-24", 140]]})
    at = upload(app, ("bad.xlsx", bad.read_bytes(), XLSX))
    assert at.error[0].value.startswith("**3 problem(s) must be fixed**")
    errors = frame(at, "Problem and what to do")
    assert errors[["Sheet", "Cell", "Value found"]].values.tolist() == [
        ["Values", "C2", "about half"], ["Values", "A3", "NOPE"], ["Values", "C4", "140"]]
    assert "unknown measure code 'NOPE'" in errors["Problem and what to do"].iloc[1]
    assert [b.proto.label for b in at.get("download_button")][0] == "Download this report (Excel)"
    assert at.get("download_button")[0].proto.ignore_rerun  # a click must not rerun: see tests/test_downloads.py
    assert not [b for b in at.button if b.key and b.key.startswith("upload_commit")]
    assert cin8(demo_copy) == before


def test_a_check_that_cannot_finish_says_so_and_changes_nothing(app, demo_copy, good_workbook, dying_checker):
    at = upload(app, ("good.xlsx", good_workbook.read_bytes(), XLSX))
    assert at.error[0].value == ("Nothing has been written: the file could not be checked\\: the checking process "
                                 "stopped (exit code -9). Try again; if it happens again, send the file to the "
                                 "Scorecard administrator.")
    assert not [b for b in at.button if b.key and b.key.startswith("upload_commit")]
    assert [s.value for s in at.subheader] == ["A plan's data as a workbook"]  # no file's, the Template tab's
    assert at.tabs[1].dataframe[0].value["id"].tolist() == [5, 4, 3, 2, 1]  # the History tab is still there
    assert len(app_store().history()) == 5


@pytest.mark.slow
def test_preview_then_commit_then_identical_reupload_then_revert(app, demo_copy, tmp_path):
    before = cin8(demo_copy)
    good = make_workbook(tmp_path / "march.xlsx", {"Plan": [["Plan", PLAN], ["As at", "Feb-24"]], "Values": [
        ["Code", "Period", "Value"], ["CIN8", "Jan-24", 84.5], ["CIN8", "Feb-24", 80]]})
    at = upload(app, ("march.xlsx", good.read_bytes(), XLSX))
    assert not at.error
    assert at.text_input(key="upload_as_at").value == "Feb-24"  # filled in from the file's Plan sheet
    assert "as at Feb-24" in at.caption[0].value
    change = frame(at, "New").set_index("Sheet")
    assert (change.loc["Values", "New"], change.loc["Values", "Changed"]) == (1, 1)
    assert f"`CIN8 2024-01: {before:.1f} -> 84.5`" in " ".join(m.value for m in at.markdown)
    assert cin8(demo_copy) == before  # nothing written by the check

    at.button(key="upload_commit_0").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Loaded **march.xlsx** into Tameside 2023-25 as upload **6**")
    assert [p.proto.label for p in at.get("page_link")] == ["See what changed on Compliance KPIs"]
    assert cin8(demo_copy) == 84.5
    history = next(df.value for df in at.dataframe if "uploaded_by" in df.value.columns)
    assert history.iloc[0][["id", "status", "file_name", "uploaded_by", "values"]].tolist() == [
        6, "committed", "march.xlsx", "perf.officer", 2]
    assert not at.file_uploader[0].value  # the dropzone is empty again, ready for the next file
    assert not [s for s in at.subheader if s.value == "march.xlsx"]
    # the same file again: detected and explained, not offered
    at = upload(at, ("march.xlsx", good.read_bytes(), XLSX))
    assert any("identical (same sha256) to upload **6**" in i.value for i in at.info)
    assert not [b for b in at.button if b.key and b.key.startswith("upload_commit")]

    at.selectbox(key="revert_id").set_value(6).run()
    at.button(key="revert_ask").click().run()
    assert at.warning[-1].value.startswith("Revert upload **6 · Tameside 2023-25 · march.xlsx**?")
    assert cin8(demo_copy) == 84.5  # asking is not doing
    at.button(key="revert_yes").click().run()
    assert not at.exception
    assert "Upload 6 reverted." in [s.value for s in at.success]
    assert cin8(demo_copy) == before
    history = next(df.value for df in at.dataframe if "uploaded_by" in df.value.columns)
    assert history.iloc[0][["id", "status", "reverted_by"]].tolist() == [6, "reverted", "perf.officer"]


@pytest.mark.slow
def test_csv_files_dropped_together_make_one_workbook_for_a_new_plan(app, demo_copy):
    measures = b"Code,Measure,Unit,Requires Improvement,Good,Outstanding\nM1,Visits on time,%,60-69,70-79,80-100\n"
    values = "Code;Period;Value\nM1;Jan-24;72\nM1;Feb-24;81\n".encode("cp1252")
    at = app
    at.selectbox(key="upload_plan").set_value("➕ New plan…").run()
    at.text_input(key="upload_new_plan").set_value("Newtown 2024").run()
    at = upload(at, ("Measures.csv", measures, "text/csv"), ("Values.csv", values, "text/csv"))
    assert at.subheader[0].value == "Measures.csv + Values.csv"
    change = frame(at, "New").set_index("Sheet")
    assert change.loc["Plan", "Note"] == "a new plan, 'Newtown 2024'"
    assert (change.loc["Measures", "New"], change.loc["Values", "New"]) == (1, 2)
    at.button(key="upload_commit_0").click().run()
    m = PlanData(app_store(), "Newtown 2024").measures.set_index("code").loc["M1"]
    assert (m["value"], m["band"]) == (81.0, "Outstanding")


@pytest.mark.slow
def test_the_as_at_month_can_be_changed_and_follows_a_new_file(app, tmp_path):
    one = make_workbook(tmp_path / "one.xlsx", {"Plan": [["Plan", PLAN], ["As at", "Feb-24"]], "Actions": [
        ["Ref", "Action", "Action RAG"], ["9.1", "A new action", "Green"]]})
    at = upload(app, ("one.xlsx", one.read_bytes(), XLSX))
    assert at.text_input(key="upload_as_at").value == "Feb-24"
    at.text_input(key="upload_as_at").set_value("Mar-24").run()
    assert "as at Mar-24" in at.caption[0].value
    change = frame(at, "New").set_index("Sheet")
    assert change.loc["Actions", "Note"] == "a new Mar-24 snapshot, compared with Jan-24"
    two = make_workbook(tmp_path / "two.xlsx", {"Plan": [["Plan", PLAN], ["As at", "Apr-24"]], "Values": [
        ["Code", "Period", "Value"], ["CIN8", "Apr-24", 70]]})
    at = upload(at, ("two.xlsx", two.read_bytes(), XLSX))
    assert at.text_input(key="upload_as_at").value == "Mar-24"  # typed by the officer: kept
    at.text_input(key="upload_as_at").set_value("").run()
    assert at.text_input(key="upload_as_at").value == "Apr-24"  # blank again: the file's month


def test_template_and_example_downloads(app):
    labels = [b.proto.label for b in app.get("download_button")]
    assert labels == ["Blank template", "Filled example", "Download the plan's workbook"]
    assert app.selectbox(key="export_plan").options[0] == "Cheshire East 2017-18"


def test_a_file_left_as_read_is_not_read_again_on_the_runs_that_follow(app, good_workbook, monkeypatch):
    """The mapping's checkboxes left as they were are no change: only a real change re-checks the file."""
    from scorecard.intake import load
    rechecks, real = [], load.recheck
    monkeypatch.setattr(load, "recheck", lambda *a, **k: rechecks.append(a) or real(*a, **k))
    at = upload(app, ("good.xlsx", good_workbook.read_bytes(), XLSX))
    assert at.checkbox(key="map_priority_0_Measures").value is False
    at.run()
    at.run()
    assert rechecks == []
    at.checkbox(key="map_priority_0_Measures").check().run()
    assert len(rechecks) == 1 and not at.exception


@pytest.mark.slow
def test_an_unknown_layout_is_mapped_in_the_upload_centre_and_next_month_loads_with_no_questions(app, demo_copy):
    from tests.test_intake_profiles import odd
    at = upload(app, ("odd.xlsx", odd(), XLSX))
    assert "no sheet we can read" in frame(at, "Problem and what to do").iloc[0]["Problem and what to do"]
    at.selectbox(key="map_sheet_0").set_value("Figures").run()
    at.selectbox(key="map_role_0_Figures").set_value("Measures").run()
    at.number_input(key="map_header_0_Figures").set_value(2).run()
    key = "map_cols_0_Figures_Measures_1"
    at.session_state[key] = {"edited_rows": {0: {"Reads as": "Code"}, 1: {"Reads as": "Measure"},
                                             2: {"Reads as": "Polarity"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception and not list(at.error)
    change = frame(at, "New").set_index("Sheet")
    assert (change.loc["Measures", "New"], change.loc["Values", "New"]) == (2, 4)
    assert any("saves how this file was read as the plan's import profile" in c.value for c in at.caption)
    at.button(key="upload_commit_0").click().run()
    assert not at.exception and at.success[0].value.startswith("Loaded **odd.xlsx** into Oddshire 2024-25")
    store = app_store()
    assert json.loads(store.profile("Oddshire 2024-25")[0])["sheets"][0]["columns"] == {
        "Ref no": "code", "Title": "measure", "Better when": "polarity", "Remarks": None}
    events = [r[0] for r in store.cursor().execute(
        "SELECT event FROM audit_log WHERE event IN ('commit', 'profile') ORDER BY id DESC LIMIT 2").fetchall()]
    assert events == ["profile", "commit"]
    # next month: the same headers and one more month load with no questions
    again = upload(app, ("odd-june.xlsx", odd(("Apr-24", "May-24", "Jun-24")), XLSX))
    assert not list(again.error)
    assert "read with the saved import profile from" in " ".join(m.value for m in again.markdown)
    change = frame(again, "New").set_index("Sheet")
    assert (change.loc["Values", "New"], change.loc["Values", "Unchanged"]) == (2, 4)


@pytest.mark.slow
def test_a_dfe_download_for_a_new_plan_is_read_for_the_authority_row_picked_in_the_mapping(app):
    from tests.test_intake_dfe_bi import THIS_YEAR, lait_download
    at = upload(app, ("lait.xlsx", lait_download(THIS_YEAR, plan=[["Plan", "Boltonshire 2024-25"]]), XLSX))
    problems = frame(at, "Problem and what to do")["Problem and what to do"].tolist()
    assert any("pick your authority's row in the Upload centre" in p for p in problems)
    sheet = at.selectbox(key="map_sheet_0").value
    names = at.selectbox(key=f"map_authority_0_{sheet}").options
    assert any(n.startswith("Bolton (row ") for n in names) and not any(n.startswith("England") for n in names)
    row = next(r for r, n in zip(at.selectbox(key=f"map_authority_0_{sheet}").options, names) if n.startswith("Bolton"))
    at.selectbox(key=f"map_authority_0_{sheet}").set_value(
        int(row.split("(row ")[1].rstrip(")")) - 1).run()
    assert not at.exception
    change = frame(at, "New").set_index("Sheet")
    assert change.loc["Values", "New"] > 0 and change.loc["Benchmarks", "New"] > 0
