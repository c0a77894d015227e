"""Many viewers at once while an upload commits: no errors, no DuckDB 'connection is busy', and every
session sees either the data before the upload or after it, never a mix; cached figures never outlive it."""
import threading

import pytest
from streamlit.testing.v1 import AppTest

from scorecard.intake import load
from tests.conftest import ROOT, make_workbook

pytestmark = pytest.mark.slow  # every test here takes more than about half a second on its own

PLAN = "Tameside 2023-25"
SESSIONS = 20


def kpi_values(at) -> tuple:
    table = at.dataframe[0].value.set_index("code")
    return float(table.loc["CIN8", "value"]), float(table.loc["WF6", "value"])


def one_compiler_at_a_time(monkeypatch) -> None:
    """The server has one script cache, whose lock serialises compiling the pages; every AppTest has its own,
    and CPython 3.11's compiler is not safe in parallel threads ("AST constructor recursion depth mismatch").
    Give the AppTest sessions the server's behaviour: one compile at a time, process-wide."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    lock = threading.Lock()
    original = ScriptCache.get_bytecode

    def get_bytecode(self, script_path):
        with lock:
            return original(self, script_path)

    monkeypatch.setattr(ScriptCache, "get_bytecode", get_bytecode)


def test_twenty_sessions_render_while_an_upload_commits(demo_copy, monkeypatch, tmp_path):
    one_compiler_at_a_time(monkeypatch)
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    from scorecard import ui
    ui.get_store.clear()
    first = AppTest.from_file(str(ROOT / "app_pages" / "kpis.py"), default_timeout=120).run()
    first.sidebar.selectbox[0].set_value(PLAN).run()
    before = kpi_values(first)
    # one upload that moves two measures at once: a session must show both old or both new
    upload = make_workbook(tmp_path / "feb.xlsx", {"Plan": [["Plan", PLAN]], "Values": [
        ["Code", "Period", "Value"], ["CIN8", "Jan-24", 55.5], ["WF6", "Jan-24", 31]]})
    checked = load.check_bytes(ui.get_store(), upload.read_bytes(), upload.name)
    assert checked.ok
    after = (55.5, 31.0)

    seen, errors = [], []
    start = threading.Barrier(SESSIONS + 1)

    pages = ["kpis.py", "overview.py", "audits.py", "actions.py"]
    apps = []
    for k in range(SESSIONS):  # each session opens the app and its page before the rush
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
        apps.append(at.switch_page(f"app_pages/{pages[k % 4]}").run())

    def viewer(k: int) -> None:
        page, at = pages[k % 4], apps[k]
        try:
            start.wait()
            at.sidebar.selectbox[0].set_value(PLAN).run()
            if at.exception:
                errors.append((page, [e.value for e in at.exception]))
            elif page == "kpis.py":
                seen.append(kpi_values(at))
        except Exception as exc:
            errors.append((k, repr(exc)))

    threads = [threading.Thread(target=viewer, args=(k,)) for k in range(SESSIONS)]
    for t in threads:
        t.start()
    start.wait()
    upload_id = load.commit(ui.get_store(), checked)
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert "busy" not in repr(errors)
    assert len(seen) == SESSIONS // 4 and all(v in (before, after) for v in seen), (before, after, seen)
    # the session that rendered before the upload shows the new figures on its next rerun (no stale cache)
    first.run()
    assert kpi_values(first) == after and upload_id == 6
    ui.get_store.clear()


def test_browserless_sessions_run_every_page_of_a_real_server(demo_copy, tmp_path):
    """The load benchmark's client (benchmarks/load.py) against `streamlit run` on loopback: two sessions at
    once run the four pages to their end with no exception, and the server's memory is read."""
    from benchmarks.load import PAGES, Server, burst

    with Server(demo_copy, log=tmp_path / "server.log") as server:
        b = burst(server, 2, [PLAN], rounds=1)
    assert b.errors == [] and len(b.runs) == 2 * len(PAGES) and b.rss_mb > 50
