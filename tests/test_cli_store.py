"""The CLI contract (commands, output, exit codes) and the versioned store behind it."""
import json
import os
import subprocess
import sys
import time

import pytest
from openpyxl import load_workbook

from scorecard import queries
from scorecard.cli import main
from scorecard.store import Store, open_store, sha256_bytes
from tests.conftest import MEASURES, ROOT, make_workbook


def run_cli(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def summary(capsys, db) -> dict:
    code, out, _ = run_cli(capsys, "summary", "--json", "--db", db)
    assert code == 0
    return json.loads(out)


@pytest.mark.slow
def test_import_summary_history_revert(store_db, tmp_path, capsys, good_workbook):
    db = store_db
    code, out, _ = run_cli(capsys, "import", good_workbook, "--db", db)
    assert code == 0
    assert out.splitlines() == [
        "Plan: plan 'Testshire 2024-25' (Testshire County Council)",
        "Measures: 3 measures", "Values: 6 values", "Audits: 12 audit counts (73 cases)",
        "Actions: 4 actions", "upload 1 committed"]
    s = summary(capsys, db)["plans"][0]
    assert (s["plan"], s["authority"], s["as_at"]) == ("Testshire 2024-25", "Testshire County Council", "2024-03")
    m = {x["code"]: x for x in s["measures"]}
    assert m["CIN8"] == {"code": "CIN8", "measure": "Assessments within 45 working days",
                         "priority": "1. Quality of Practice", "unit": "%", "polarity": "higher",
                         "latest_period": "2024-03", "value": 81.0, "band": "Outstanding", "target": 90.0,
                         "target_met": False, "target_rag": None, "direction": "improving",
                         "illustrative": False, "spc": None}
    assert (m["CF4"]["polarity"], m["CF4"]["band"],
            m["CF4"]["direction"]) == ("lower", "Requires Improvement", "worsening")
    assert (m["WF6"]["polarity"], m["WF6"]["band"], m["WF6"]["target_met"]) == ("lower", None, False)
    total = [a for a in s["audits"] if a["stream"] == "All streams" and a["period"] == "2024-01"][0]
    assert total == {"stream": "All streams", "period": "2024-01", "period_label": "Q4 2023/24", "cases": 53,
                     "good_or_better_pct": 64.2, "inadequate_pct": 5.7, "ci_low": 50.7, "ci_high": 75.7}
    acts = {a["priority"]: a for a in s["actions"]}
    assert acts["1. Quality of Practice"] == {
        "priority": "1. Quality of Practice",
        "action_rag": {"Blue": 0, "Green": 1, "Amber": 1, "Red": 0, "Unrated": 0},
        "impact_rag": {"Blue": 0, "Green": 0, "Amber": 0, "Red": 1, "Unrated": 1}, "overdue": 1,
        "slipped": 0, "changed": 0}
    assert acts["2. Partnership"]["overdue"] == 0  # 1.10 is Blue, 2.1 is TBC

    code, out, _ = run_cli(capsys, "history", "--db", db)
    assert code == 0 and "Testshire 2024-25" in out and "good.xlsx" in out and "committed" in out

    # A second upload changes one value; reverting it brings the first one back.
    second = make_workbook(tmp_path / "march.xlsx", {"Values": [["Code", "Period", "Value"], ["CIN8", "Mar-24", 65]]})
    code, out, _ = run_cli(capsys, "import", second, "--plan", "Testshire 2024-25", "--db", db)
    assert code == 0 and out.endswith("upload 2 committed\n")
    cin8 = lambda: [x for x in summary(capsys, db)["plans"][0]["measures"] if x["code"] == "CIN8"][0]  # noqa: E731
    assert (cin8()["value"], cin8()["band"], cin8()["direction"]) == (65.0, "Requires Improvement", "worsening")
    code, out, _ = run_cli(capsys, "revert", 2, "--db", db)
    assert code == 0 and out.startswith("reverted upload 2")
    assert (cin8()["value"], cin8()["band"]) == (81.0, "Outstanding")
    code, out, _ = run_cli(capsys, "revert", 2, "--db", db)
    assert code == 0 and "already reverted" in out
    code, _, err = run_cli(capsys, "revert", 99, "--db", db)
    assert code == 1 and "no upload 99" in err
    store = open_store(db)  # the commits and the one revert that changed something are in the audit trail
    log = queries.run(store, "audit_log").iloc[::-1]
    store.close()
    assert log[["role", "event", "upload_id"]].values.tolist() == [
        ["command line", "commit", 1], ["command line", "commit", 2], ["command line", "revert", 2]]
    assert log["detail"].iloc[:2].tolist() == ["good.xlsx", "march.xlsx"]
    assert log["who"].nunique() == 1 and log["sha256"].iloc[0] == sha256_bytes(good_workbook.read_bytes())


def test_revert_in_any_order_falls_back_to_what_was_there(any_store, tmp_path):
    store = any_store
    from scorecard.intake import load
    def upload(value):
        p = make_workbook(tmp_path / f"v{value}.xlsx", {"Measures": MEASURES[:2],
                                                        "Values": [["Code", "Period", "Value"],
                                                                   ["CIN8", "Apr-24", value]]})
        return load.import_path(store, p, plan="P")[1]
    def current():
        df = queries.run(store, "measure_values", plan="P", as_at="2030-01-01")
        return df["value"].tolist()
    first, second, third = upload(50), upload(60), upload(70)
    assert current() == [70]
    store.revert(second)
    assert current() == [70]
    store.revert(third)
    assert current() == [50]
    store.revert(first)
    assert current() == []
    assert store.data_version() == 6


BAD = {
    "unknown-code": {"Measures": MEASURES, "Values": [["Code", "Period", "Value"], ["NOPE", "Apr-24", 1]]},
    "non-numeric": {"Measures": MEASURES, "Values": [["Code", "Period", "Value"], ["CIN8", "Apr-24", "lots"]]},
    "percent-range": {"Measures": MEASURES, "Values": [["Code", "Period", "Value"], ["CIN8", "Apr-24", 101]]},
    "duplicate": {"Measures": MEASURES, "Values": [["Code", "Period", "Value"], ["CIN8", "Apr-24", 1],
                                                   ["CIN8", "Apr-24", 2]]},
    "grade": {"Audits": [["Period", "Stream", "Grade"], ["Apr-24", "CP", "Satisfactory"]]},
    "rag": {"Actions": [["Ref", "Action", "Action RAG", "As at"], ["1", "x", "Purple", "Apr-24"]]},
    "negative": {"Audits": [["Period", "Stream", "Good"], ["Apr-24", "CP", -1]]},
    "no-sheet": {"Sheet1": [["hello"]]},
}
MESSAGES = {
    "unknown-code": "Values!A2: unknown measure code 'NOPE'", "non-numeric": "Values!C2: 'lots' is not a number",
    "percent-range": "Values!C2: CIN8 Apr-24: 101% is outside 0-100",
    "duplicate": "Values!C3: CIN8 Apr-24 is given twice",
    "grade": "Audits!C2: unknown grade 'Satisfactory'", "rag": "Actions!C2: unknown Action RAG 'Purple'",
    "negative": "Audits!C2: the count -1 is negative", "no-sheet": "Workbook: no sheet we can read",
    "not-a-workbook": "notes.xlsx: this is not an Excel workbook",
}


@pytest.mark.slow
@pytest.mark.parametrize("case, backend", [*((c, "duckdb") for c in [*BAD, "not-a-workbook"]),
                                           ("duplicate", "postgres"), ("not-a-workbook", "postgres")],
                         indirect=["backend"])  # the refusals are the importer's; on PostgreSQL, two of them
def test_bad_input_exits_1_and_changes_nothing(case, demo_store_db, tmp_path, capsys):
    demo_copy = demo_store_db
    before = summary(capsys, demo_copy)
    history_before = run_cli(capsys, "history", "--db", demo_copy)[1]
    if case == "not-a-workbook":
        path = tmp_path / "notes.xlsx"
        path.write_text("minutes of the board meeting")
    else:
        path = make_workbook(tmp_path / f"{case}.xlsx", BAD[case])
    code, out, err = run_cli(capsys, "import", path, "--plan", "Tameside 2023-25",
                             "--as-at", "2024-04", "--db", demo_copy)
    assert code == 1
    assert MESSAGES[case] in out
    assert "nothing was imported" in err
    assert summary(capsys, demo_copy) == before
    assert run_cli(capsys, "history", "--db", demo_copy)[1] == history_before


@pytest.mark.slow
def test_locked_store_exits_2_with_one_line(tmp_path, good_workbook):
    db = tmp_path / "locked.duckdb"
    holder = Store(db)  # another process holding the store, as the running app does
    holder.close()
    script = ("import time; from scorecard.store import Store; "
              f"s = Store({str(db)!r}); print('ready', flush=True); time.sleep(30)")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout.readline().strip() == "ready"
        started = time.monotonic()
        res = subprocess.run([sys.executable, "-m", "scorecard", "import", str(good_workbook), "--db", str(db)],
                             capture_output=True, text=True, cwd=ROOT, timeout=60,
                             env={**os.environ, "SCORECARD_LOCK_WAIT": "1"})
        waited = time.monotonic() - started
    finally:
        proc.kill()
        proc.wait()
    assert res.returncode == 2 and waited >= 1
    assert res.stderr.count("\n") == 1 and "in use by another process" in res.stderr
    assert "Traceback" not in res.stderr


def test_template_has_instructions_and_dropdowns(tmp_path, capsys):
    path = tmp_path / "t.xlsx"
    code, out, _ = run_cli(capsys, "template", path)
    assert code == 0
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Plan", "Measures", "Values", "Audits", "Actions", "Benchmarks"]
    lists = {ws.title: sorted(dv.formula1 for dv in ws.data_validations.dataValidation) for ws in wb.worksheets}
    assert '"Higher is better,Lower is better,Increase,Decrease"' in lists["Measures"]
    assert lists["Audits"] == ['"Outstanding,Good,Requires Improvement,Inadequate"']
    assert lists["Actions"] == ['"Blue,Green,Amber,Red"', '"Blue,Green,Amber,Red"']


def test_every_query_runs_against_a_fixture_store(demo_store_db, tmp_path, monkeypatch):
    """Every .sql file under queries/ runs against a fixture store (on PostgreSQL, its read model): the pages'
    queries one by one, the upload preview's by previewing a plan's own workbook, and the migrations by building
    a store from nothing."""
    import datetime as dt

    from scorecard import pgstore
    from scorecard.intake import load
    from scorecard.intake.export import plan_workbook_bytes
    from scorecard.intake.preview import preview
    from scorecard.store import MIGRATIONS
    ran = []
    execute = queries.execute
    monkeypatch.setattr(queries, "execute", lambda cur, name, params, **kw: ran.append(name) or execute(
        cur, name, params, **kw))
    s = open_store(demo_store_db)
    s.mark_rebase("Tameside 2023-25", "CF4", dt.date(2023, 9, 1), "new panel")
    s.log_event("test@example.gov.uk", "admin", "sign-in")
    try:
        params = {"plan": "Tameside 2023-25", "as_at": dt.date(2024, 1, 1), "all_streams": "All streams",
                  "by": "priority", "refs": None, "overdue": ["1.1"], "linked": [], "linked_codes": [], "ref": "1.1",
                  "code": "CF4"}
        with s.snapshot() as cur:
            queries.materialise(cur, "plan_actions", **params)  # what the action queries count
            for name in queries.names():
                assert len(queries.rows(s, name, cur, **params)) > 0, f"{name} returned nothing for the demo plan"
                assert len(queries.run(s, name, cur, **params)) > 0
        checked = load.check_bytes(s, plan_workbook_bytes(s, "Tameside 2023-25"), "tameside.xlsx")
        assert checked.ok and sum(sc.unchanged for sc in preview(s, checked.parsed)) > 0
    finally:
        s.close()
    files = {str(p.relative_to(queries.QUERIES_DIR).with_suffix("")) for p in queries.QUERIES_DIR.rglob("*.sql")}
    migrations = {f for f in files if f.startswith("migrations/")}
    assert files - migrations == set(ran)
    assert migrations == {f"migrations/{p.stem}" for p in {*MIGRATIONS, *pgstore.migrations()}}
    fresh = Store(tmp_path / "fresh.duckdb")
    assert fresh.schema_version() == len(MIGRATIONS)
    fresh.close()
    assert set(queries.names()) >= {"plans", "measures", "measure_values", "audit_counts", "action_history",
                                    "periods", "uploads", "benchmarks", "spc_rebases", "audit_log",
                                    "measure_series", "audit_summary", "actions_now", "action_counts",
                                    "action_trajectory", "action_changes", "stale_commentary", "plan_uploads"}


@pytest.mark.slow
def test_summary_spc_fields_settings_and_rebase(demo_copy, capsys):
    def tameside(*extra):
        code, out, _ = run_cli(capsys, "summary", "--json", "--plan", "Tameside 2023-25", "--db", demo_copy, *extra)
        assert code == 0
        return {m["code"]: m for m in json.loads(out)["plans"][0]["measures"]}

    plain = tameside()
    cf4 = plain["CF4"]["spc"]
    assert set(cf4) == {"points", "mean", "lower", "upper", "variation", "assurance"}
    assert cf4["points"] >= 13 and cf4["lower"] < cf4["mean"] < cf4["upper"]
    assert (cf4["variation"] in ("common", "improvement", "concern")
            and cf4["assurance"] in ("pass", "fail", "hit_or_miss", None))
    assert all(m["spc"] is None or m["spc"]["points"] >= 13 for m in plain.values())
    screened = tameside("--spc-screen")
    assert all(screened[c]["spc"]["mean"] == plain[c]["spc"]["mean"] for c in plain if plain[c]["spc"])
    assert any(screened[c]["spc"]["upper"] <= plain[c]["spc"]["upper"] for c in plain if plain[c]["spc"])
    assert tameside("--spc-points", "8")["CF4"]["spc"]["mean"] == cf4["mean"]
    with pytest.raises(SystemExit) as refused:  # argparse: a usage error, exit 2, nothing printed to stdout
        run_cli(capsys, "summary", "--spc-points", "5", "--db", demo_copy)
    assert refused.value.code == 2 and "invalid choice: 5" in capsys.readouterr().err
    store = Store(demo_copy)
    first = store.query("SELECT min(period) AS p FROM current_values WHERE code = 'CF4'")["p"].iloc[0]
    store.mark_rebase("Tameside 2023-25", "CF4",
                      (first + __import__("pandas").DateOffset(months=12)).date(), "new panel")
    store.close()
    assert tameside()["CF4"]["spc"] is None  # the latest segment now has fewer than 13 points


def test_every_loaded_table_has_its_columns_in_the_order_the_loader_writes_them(any_store):
    """Store._insert appends columns by position, so the order in _TABLES must be the table's own (on PostgreSQL,
    in the database and in the read model)."""
    from scorecard.store import _TABLES
    for table, columns in _TABLES.items():
        sql = "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position"
        assert [r[0] for r in any_store.cursor().execute(sql, [table]).fetchall()] == ["upload_id", *columns], table
        with any_store.transaction() as cur:  # the system of record
            assert [r[0] for r in cur.execute(sql, [table]).fetchall()] == ["upload_id", *columns], table


def strict_json(text: str):
    """json.loads that refuses NaN, Infinity and -Infinity (Python's own json accepts them)."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.slow
def test_summary_json_of_the_demo_store_is_strict_json_with_null_for_what_is_missing(demo_db, capsys):
    code, out, _ = run_cli(capsys, "summary", "--json", "--db", demo_db)
    assert code == 0
    plans = {p["plan"]: p for p in strict_json(out)["plans"]}
    assert len(plans) == 5
    sef20 = next(m for m in plans["Sefton 2017-18"]["measures"] if m["code"] == "SEF20")
    assert (sef20["polarity"], sef20["band"], sef20["direction"]) == (None, None, None)  # printed NaN before

    def floats(x):
        if isinstance(x, dict):
            return [f for v in x.values() for f in floats(v)]
        if isinstance(x, list):
            return [f for v in x for f in floats(v)]
        return [x] if isinstance(x, float) else []
    assert all(f == f and abs(f) != float("inf") for f in floats(plans))


def test_summary_refuses_an_unreadable_month_and_an_unknown_plan_in_one_line(demo_copy, capsys):
    code, out, err = run_cli(capsys, "summary", "--json", "--as-at", "13/2024", "--db", demo_copy)
    assert (code, out) == (1, "")
    assert err == "--as-at: cannot read the month '13/2024': write it as YYYY-MM, e.g. 2024-03\n"
    code, out, err = run_cli(capsys, "summary", "--json", "--plan", "Nowhere 2024-25", "--db", demo_copy)
    assert (code, out) == (1, "")
    assert err == "error: there is no plan 'Nowhere 2024-25'; see 'plans' for the names\n"
    code, out, _ = run_cli(capsys, "summary", "--json", "--plan", "Tameside 2023-25", "--as-at", "2024-01",
                           "--db", demo_copy)
    assert code == 0 and [p["plan"] for p in strict_json(out)["plans"]] == ["Tameside 2023-25"]


def refuse_audit_entries(db, events: str) -> None:
    """Make the store refuse to write audit entries for these events (a CHECK constraint on the table)."""
    s = Store(db)
    s.cursor().execute(f"""
        CREATE OR REPLACE TABLE audit_log (id BIGINT PRIMARY KEY, logged_at TIMESTAMP NOT NULL, who TEXT NOT NULL,
            role TEXT, event TEXT NOT NULL CHECK (event NOT IN ({events})), plan TEXT, upload_id INTEGER,
            sha256 TEXT, detail TEXT)""")
    s.close()


@pytest.mark.slow
def test_a_cli_change_whose_audit_entry_cannot_be_written_is_not_made(demo_copy, tmp_path, capsys):
    """The change and its audit-trail entry are one transaction: no entry, no change."""
    import duckdb
    before = summary(capsys, demo_copy), run_cli(capsys, "history", "--db", demo_copy)[1]
    refuse_audit_entries(demo_copy, "'commit', 'revert', 'settings'")
    path = make_workbook(tmp_path / "march.xlsx", {"Values": [["Code", "Period", "Value"], ["CIN8", "Mar-24", 65]]})
    for args in (["import", path, "--plan", "Tameside 2023-25"], ["revert", 1], ["withdraw", "Sefton 2017-18"],
                 ["archive", "Sefton 2017-18"]):
        with pytest.raises(duckdb.ConstraintException):
            run_cli(capsys, *args, "--db", demo_copy)
        capsys.readouterr()
        assert (summary(capsys, demo_copy), run_cli(capsys, "history", "--db", demo_copy)[1]) == before, args
    s = Store(demo_copy, read_only=True)
    assert s.query("SELECT count(*) AS n FROM plan_status")["n"].iloc[0] == 0
    s.close()
