"""A plan's data as a scorecard workbook: it loads back unchanged, a corrected cell changes just that
cell, case references stay in the store, and text never becomes a formula."""
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from scorecard import queries, summary
from scorecard.cli import main
from scorecard.intake import load, preview
from scorecard.intake.export import EVERYTHING, plan_workbook_bytes, safe_file_name
from scorecard.store import Store
from tests.conftest import make_workbook

TABLES = {"measures": {}, "measure_values": {"as_at": EVERYTHING}, "audit_counts": {"as_at": EVERYTHING},
          "action_history": {"as_at": EVERYTHING}, "benchmarks": {"as_at": EVERYTHING}}


def tables(store, plan) -> dict[str, pd.DataFrame]:
    return {name: queries.run(store, name, plan=plan, **params).drop(columns="upload_id", errors="ignore")
            for name, params in TABLES.items()}


@pytest.mark.slow
def test_every_demo_plan_loads_back_into_an_empty_store_exactly(demo_copy, tmp_path):
    demo, fresh = Store(demo_copy), Store(tmp_path / "fresh.duckdb")
    for plan in demo.plan_names():
        path = tmp_path / f"{safe_file_name(plan)}.xlsx"
        path.write_bytes(plan_workbook_bytes(demo, plan))
        checked, upload_id = load.import_path(fresh, path)
        assert upload_id and checked.parsed.plan == plan and not checked.parsed.errors
        assert summary.summary(fresh, plan) == summary.summary(demo, plan)  # ratings, audits, actions, warnings
        for name, frame in tables(demo, plan).items():
            pd.testing.assert_frame_equal(tables(fresh, plan)[name], frame, check_dtype=False, obj=f"{plan}: {name}")
    demo.close()
    fresh.close()


@pytest.mark.slow
def test_loaded_back_it_changes_nothing_and_a_corrected_cell_changes_just_that(demo_copy):
    store = Store(demo_copy)
    plan = "Tameside 2023-25"
    data = plan_workbook_bytes(store, plan)
    checked = load.check_bytes(store, data, "tameside.xlsx")
    change = {c.sheet: c for c in preview.preview(store, checked.parsed)}
    assert (change["Values"].new, change["Values"].changed) == (0, 0) and change["Values"].unchanged > 0
    assert (change["Measures"].new, change["Measures"].changed) == (0, 0)
    wb = load_workbook(io.BytesIO(data))
    values = wb["Values"]
    row = next(r for r in values.iter_rows(min_row=2) if r[0].value == "CIN8")
    old, row[2].value = row[2].value, row[2].value + 1
    buf = io.BytesIO()
    wb.save(buf)
    checked = load.check_bytes(store, buf.getvalue(), "corrected.xlsx")
    change = {c.sheet: c for c in preview.preview(store, checked.parsed)}
    assert (change["Values"].new, change["Values"].changed) == (0, 1)
    detail = change["Values"].details.iloc[0]
    assert detail["change"] == "changed" and detail["key"].startswith("CIN8")
    assert (float(detail["before"]), float(detail["after"])) == (old, old + 1)
    store.close()


def test_case_references_stay_in_the_store_and_text_is_never_a_formula(store, tmp_path):
    path = make_workbook(tmp_path / "cases.xlsx", {
        "Plan": [["Plan", "Caseshire"], ["As at", "Apr-24"]],
        "Audits": [["Period", "Stream", "Grade", "Case ref"], ["Apr-24", "CP plans", "Good", "LCS-98765"],
                   ["Apr-24", "CP plans", "Good", "LCS-12345"], ["Apr-24", "CP plans", "Inadequate", "LCS-55555"]],
        "Actions": [["Ref", "Action", "Commentary", "Owner"],
                    ["1.1", "=HYPERLINK(\"http://evil\",\"click\")", "+44 call back", "@ops"]]})
    typed = load_workbook(path)  # typed as text in Excel (openpyxl would otherwise write a formula)
    typed["Actions"]["B2"].data_type = "s"
    typed.save(path)
    checked, upload_id = load.import_path(store, path)
    assert upload_id, [str(i) for i in checked.parsed.errors]
    data = plan_workbook_bytes(store, "Caseshire")
    assert b"LCS-" not in data
    wb = load_workbook(io.BytesIO(data))
    assert [[c.value for c in r] for r in wb["Audits"].iter_rows()] == [
        ["Period", "Stream", "Grade", "Count", "Illustrative"], ["Apr-24", "CP plans", "Good", 2, None],
        ["Apr-24", "CP plans", "Inadequate", 1, None]]
    action = {h.value: c for h, c in zip(wb["Actions"][1], wb["Actions"][2])}
    for header, text in (("Action", '=HYPERLINK("http://evil","click")'), ("Commentary", "+44 call back"),
                         ("Owner", "@ops")):
        assert action[header].value == text and action[header].data_type == "s" and action[header].quotePrefix
    again = Store(tmp_path / "again.duckdb")  # and the text comes back as it was written
    (tmp_path / "back.xlsx").write_bytes(data)
    load.import_path(again, tmp_path / "back.xlsx")
    got = queries.run(again, "action_history", plan="Caseshire", as_at=EVERYTHING).iloc[0]
    assert (got["action"], got["commentary"], got["owner"]) == (
        '=HYPERLINK("http://evil","click")', "+44 call back", "@ops")
    again.close()


@pytest.mark.slow
def test_cli_export_writes_the_workbook_and_records_it(demo_copy, tmp_path, capsys):
    out = tmp_path / "sefton.xlsx"
    assert main(["export", "Sefton 2017-18", str(out), "--db", str(demo_copy)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    assert load_workbook(out).sheetnames == ["Plan", "Measures", "Values", "Audits", "Actions", "Benchmarks"]
    assert main(["export", "Nowhere", str(tmp_path / "x.xlsx"), "--db", str(demo_copy)]) == 1
    assert "no plan 'Nowhere'" in capsys.readouterr().err and not (tmp_path / "x.xlsx").exists()
    store = Store(demo_copy)
    log = queries.run(store, "audit_log")
    store.close()
    assert log.iloc[0][["role", "event", "plan", "detail"]].tolist() == [
        "command line", "export", "Sefton 2017-18", "plan workbook sefton.xlsx"]


@pytest.mark.parametrize("plan, name", [("Tameside 2023-25", "Tameside 2023-25"), ("A/B: 2024?", "A-B- 2024"),
                                        ("../..", "plan")])
def test_file_names_are_safe(plan, name):
    assert safe_file_name(plan) == name
