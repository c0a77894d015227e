"""Habits that keep the project easy to change: the command line starts with only what a command needs,
a test run leaves the work tree as it was, and docs/architecture.md names what the code has."""
import datetime as dt
import importlib
import re
import shutil
import subprocess
import sys

import pytest

from scorecard.intake.format import VALUE_FIELDS
from scorecard.intake.parse import ParsedWorkbook
from tests.conftest import ROOT
from tests.test_browser import PAGES, SHOTS

HEAVY = ("pandas", "numpy", "pyarrow", "duckdb", "streamlit", "plotly", "openpyxl")


def imported(*args: str, cwd=ROOT) -> set[str]:
    """The top-level packages a `python -m scorecard ARGS` process imports (python -X importtime's list)."""
    res = subprocess.run([sys.executable, "-X", "importtime", "-m", "scorecard", *args], cwd=cwd,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    return {line.split("|")[-1].strip().split(".")[0] for line in res.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


def test_help_imports_no_data_library_and_no_streamlit():
    assert "scorecard" in imported("--help")  # the list is read
    assert imported("--help") & set(HEAVY) == set()
    assert imported("import", "--help") & set(HEAVY) == set()


@pytest.mark.slow
def test_an_import_from_the_command_line_loads_neither_pandas_nor_streamlit(good_workbook, tmp_path):
    """The command line's import reads, checks and commits with calamine and DuckDB (and NumPy to hand the rows
    over): no pandas, pyarrow, Streamlit, Plotly or openpyxl, half a second of start-up between them."""
    loaded = imported("import", str(good_workbook), "--db", str(tmp_path / "s.duckdb"))
    assert {"duckdb", "python_calamine"} <= loaded
    assert loaded & {"pandas", "pyarrow", "streamlit", "plotly", "openpyxl"} == set()


def test_browser_screenshots_go_to_an_ignored_folder_and_cover_the_readmes():
    """A test run never changes docs/screenshots/; `make screenshots` copies from SHOTS what the README shows."""
    assert not SHOTS.is_relative_to(ROOT / "docs")
    shown = set(re.findall(r"docs/screenshots/([\w-]+)\.png", (ROOT / "README.md").read_text()))
    taken = {shot for *_, shot in PAGES if shot} | set(
        re.findall(r'SHOTS / "([\w-]+)\.png"', (ROOT / "tests" / "test_browser.py").read_text()))
    assert shown and shown <= taken, shown - taken
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git work tree: whether SHOTS is ignored cannot be asked")
    assert subprocess.run(["git", "check-ignore", "-q", str(SHOTS / "overview.png")], cwd=ROOT).returncode == 0


DOC = ROOT / "docs" / "architecture.md"


def named_in_doc() -> list[str]:
    return re.findall(r"`([^`\s]+)`", DOC.read_text())


def test_every_file_and_name_the_architecture_doc_gives_exists():
    missing = []
    for name in named_in_doc():
        if re.fullmatch(r"scorecard(\.\w+)+", name):  # a module or a name in one
            parts = name.split(".")
            for i in range(len(parts), 0, -1):
                try:
                    obj = importlib.import_module(".".join(parts[:i]))
                    break
                except ModuleNotFoundError:
                    continue
            for attr in parts[i:]:
                obj = getattr(obj, attr, None)
            if obj is None:
                missing.append(name)
        elif "/" in name or re.search(r"\.(py|sql|md|toml|html)$", name):  # a path; <placeholder> = any name
            pattern = re.sub(r"<[^>]+>", "*", name.rstrip("/"))
            if not list(ROOT.glob(pattern)):
                missing.append(name)
    assert missing == []


def test_every_module_under_scorecard_is_in_the_architecture_doc():
    named = set(named_in_doc())
    modules = [p.relative_to(ROOT).as_posix() for p in sorted((ROOT / "scorecard").rglob("*.py"))
               if p.name != "__init__.py" or p.parent.name == "intake"]
    assert [m for m in modules if m not in named] == []


def test_a_commit_types_each_column_from_all_its_values(store):
    """The store hands a commit's rows to DuckDB as NumPy arrays, whose column types DuckDB would otherwise guess
    from a sample of 1,000 values: a decimal among 3,000 whole numbers is kept, not cut to a whole number."""
    n = 3000
    parsed = ParsedWorkbook(plan="Wholeshire 2024-25")
    parsed.values = [(f"M{i}", dt.date(2024, 1, 1), "month", 70, None, None, False) for i in range(n)]
    parsed.values[1501] = ("M1501", dt.date(2024, 1, 1), "month", 72.5, None, None, False)
    assert VALUE_FIELDS == ("code", "period", "period_kind", "value", "numerator", "denominator", "illustrative")
    store.commit(parsed, "many.xlsx", "0" * 64)
    assert store.cursor().execute("SELECT sum(value) FROM measure_values").fetchone() == (70 * (n - 1) + 72.5,)
