import shutil
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from scorecard.demo import seed_if_empty
from scorecard.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent  # the repository (pyproject.toml puts it on sys.path for pytest)


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A store seeded with the demo plans, built once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    store = Store(path)
    seed_if_empty(store)
    store.close()
    return path


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo store that a test may change."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return path


@pytest.fixture(scope="session")
def postgres():
    """A throwaway PostgreSQL server for the session (tests/postgres.py); the test is skipped, saying why, when
    none can be started here."""
    from tests.postgres import Server, Unavailable
    try:
        server = Server()
    except Unavailable as exc:
        pytest.skip(f"PostgreSQL tests skipped: {exc}")
    yield server
    server.remove()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.slow)])
def backend(request) -> str:
    """Run the test against each store: the embedded DuckDB file and PostgreSQL (marked slow: a server, and
    `make check` runs without one)."""
    return request.param


@pytest.fixture
def store_db(request, backend, tmp_path) -> str:
    """A new empty store on the backend: a DuckDB file's path, or a new PostgreSQL database's URL."""
    if backend == "duckdb":
        return str(tmp_path / "s.duckdb")
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture(scope="session")
def demo_pg(postgres) -> str:
    """A PostgreSQL database seeded with the demo plans once per session, to copy (demo_store_db)."""
    url = postgres.new_database()
    s = open_store(url)
    seed_if_empty(s)
    s.close()
    return url


@pytest.fixture
def demo_store_db(request, backend, tmp_path) -> str:
    """A private copy of the demo store on the backend, that a test may change."""
    if backend == "duckdb":
        return str(request.getfixturevalue("demo_copy"))
    return request.getfixturevalue("postgres").new_database(template=request.getfixturevalue("demo_pg"))


@pytest.fixture
def any_store(store_db):
    """An open, empty store on each backend."""
    s = open_store(store_db)
    yield s
    s.close()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture
def dying_checker(tmp_path, monkeypatch):
    """The checking process killed as soon as it starts (as the kernel's out-of-memory killer would)."""
    script = tmp_path / "python"
    script.write_text("#!/bin/sh\nkill -9 $$\n")
    script.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(script))


def make_workbook(path: Path, sheets: dict[str, list[list]], percent_cells: dict[str, list[str]] | None = None) -> Path:
    """Write an .xlsx with the given rows per sheet; percent_cells marks cells as 0% formatted."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for ref in (percent_cells or {}).get(name, []):
            ws[ref].number_format = "0%"
    wb.save(path)
    return path


MEASURES = [
    ["Code", "Measure", "Priority", "Focus area", "Unit", "Polarity", "Requires Improvement", "Good",
     "Outstanding", "Target", "Source"],
    ["CIN8", "Assessments within 45 working days", "1. Quality of Practice", "FA5", "%", "", "60-69%",
     "70-79%", "80-100%", "90%", "Scorecard - CIN8"],
    ["CF4", "Cared for children with 3+ placements", "3. Sufficiency", "FA6", "%", "", "25-20", "19-15",
     "<14", "", "Scorecard - CF4"],
    ["WF6", "Average caseload", "4. Workforce", "", "number", "Lower is better", "", "", "", "18", ""],
]


@pytest.fixture
def good_workbook(tmp_path) -> Path:
    return make_workbook(tmp_path / "good.xlsx", {
        "Plan": [["Authority", "Testshire County Council"], ["Plan", "Testshire 2024-25"], ["As at", "Mar-24"]],
        "Measures": MEASURES,
        "Values": [["Code", "Period", "Value", "Numerator", "Denominator"],
                   ["CIN8", "Jan-24", 72, 72, 100], ["CIN8", "Feb-24", "75%", None, None],
                   ["CIN8", "2024-03", 81, None, None],
                   ["CF4", "Jan-24", 12, None, None], ["CF4", "Feb-24", 22, None, None],
                   ["WF6", "Mar-24", 21, None, None]],
        "Audits": [["Period", "Stream", "Outstanding", "Good", "Requires Improvement", "Inadequate"],
                   ["Q3 2023/24", "CP plans", 1, 10, 8, 1], ["Q4 2023/24", "CP plans", 2, 12, 5, 1],
                   ["Q4 2023/24", "Referrals", 0, 20, 11, 2]],
        "Actions": [["Ref", "Action", "Priority", "Owner", "Due", "Action RAG", "Impact RAG", "Source"],
                    ["1.1", "Review thresholds", "1. Quality of Practice", "DMT", "Jan 2024", "Amber", "Red", "FV2"],
                    ["1.2", "Front door review", "1. Quality of Practice", "AD CSC", "Weekly", "Green", "", ""],
                    ["1.10", "Life story work", "2. Partnership", "AD QA", "Oct/Nov 2023", "Blue", "Blue", "ILAC"],
                    ["2.1", "Work with police", "2. Partnership", "AD QA", "TBC", "", "", "ILAC, FV1"]],
    })


def commit_rows(store: Store, plan: str, measures=(), values=(), audits=(), actions=()) -> int:
    """Commit rows straight into a store, as the importer would have read them (one upload), for tests of what
    the queries and rules make of them. Measures and actions take the store's columns (missing ones blank);
    values are (code, period, value) or (code, period, value, numerator, denominator)."""
    from scorecard.intake.parse import ParsedWorkbook
    from scorecard.store import _TABLES

    def day(d):  # a pandas Timestamp or a datetime as the date the importer gives
        return d.date() if hasattr(d, "date") else d

    parsed = ParsedWorkbook(plan=plan)
    parsed.measures = [{c: m.get(c) for c in _TABLES["measures"]} for m in measures]
    parsed.values = [(v[0], day(v[1]), "month", *v[2:], *[None] * (5 - len(v)), False) for v in values]
    parsed.audits = [{"illustrative": False, "period_kind": "quarter", **a, "period": day(a["period"])} for a in audits]
    parsed.actions = [{**{c: a.get(c) for c in _TABLES["actions"]}, "illustrative": bool(a.get("illustrative")),
                       **{c: day(a.get(c)) for c in ("as_at", "start_date", "due_date")}} for a in actions]
    return store.commit(parsed, f"{plan}.xlsx", f"rows {len(store.history())}")
