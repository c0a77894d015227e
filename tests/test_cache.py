"""Work done once and shared (scorecard/cache.py): one computation per key however many sessions ask at once,
the same object for everyone, bounded by entries and by size, older data versions let go."""
import os
import subprocess
import sys
import threading
import time
import tomllib

import pytest

from scorecard.cache import SharedCache, footprint
from tests.conftest import ROOT


def test_sessions_asking_at_once_share_one_computation_and_one_object():
    cache, calls = SharedCache(), []
    start = threading.Barrier(8)

    def make():
        calls.append(1)
        time.sleep(0.05)  # long enough for every other session to arrive while it is being made
        return {"figures": list(range(1000))}

    got = []

    def session():
        start.wait()
        got.append(cache.get(("db", 1, "plan", "A"), make))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and cache.computed == 1
    assert all(g is got[0] for g in got)  # the same object, not a copy per session


def test_bounded_by_entries_and_by_size_least_recently_used_first_out():
    cache = SharedCache(max_entries=3, max_bytes=10**9)
    for k in "abcd":
        cache.get(("db", 1, k), lambda k=k: k)
    assert len(cache) == 3 and cache.get(("db", 1, "a"), lambda: "made again") == "made again"

    one = footprint(b"x" * 1000)
    cache = SharedCache(max_entries=100, max_bytes=3 * one)
    for k in "abc":
        cache.get(("db", 1, k), lambda: b"x" * 1000)
    cache.get(("db", 1, "a"), lambda: pytest.fail("a is cached"))  # a is now the most recently used
    cache.get(("db", 1, "d"), lambda: b"x" * 1000)  # over the size: b, the least recently used, goes
    assert cache.bytes <= 3 * one and len(cache) == 3
    assert cache.get(("db", 1, "b"), lambda: "made again") == "made again"
    cache.get(("db", 1, "huge"), lambda: b"x" * 10 * one)  # bigger than the whole budget: handed out, not kept
    assert cache.bytes <= 3 * one and cache.get(("db", 1, "huge"), lambda: "not kept") == "not kept"


def test_a_newer_version_lets_the_older_ones_go_for_that_store_and_plan_only():
    cache = SharedCache()
    cache.get(("db", ("A", 1), "plan"), lambda: "A old")
    cache.get(("db", ("B", 1), "plan"), lambda: "B")
    cache.get(("db", ("C", 0), "plan"), lambda: "C, not changed since plan versions were kept")
    cache.get(("db", (None, 1), "plans"), lambda: "plans old")
    cache.get(("other", ("A", 1), "plan"), lambda: "other store")
    cache.keep_versions("db", {None: 2, "A": 2, "B": 1})  # an upload to A
    assert sorted(v for v, _ in cache._values.values()) == [
        "B", "C, not changed since plan versions were kept", "other store"]
    assert cache.bytes == sum(footprint(v) for v, _ in cache._values.values())
    assert cache.get(("db", ("A", 2), "plan"), lambda: "A new") == "A new"


def test_a_failure_is_not_cached_and_a_stopped_maker_leaves_the_work_to_the_next_session():
    cache = SharedCache()
    with pytest.raises(ValueError):
        cache.get(("db", 1, "x"), lambda: (_ for _ in ()).throw(ValueError("bad query")))
    assert cache.get(("db", 1, "x"), lambda: "fine") == "fine"

    class Stopped(BaseException):  # what Streamlit raises in a script stopped for a rerun
        pass

    started, release = threading.Event(), threading.Event()

    def stopped():
        started.set()
        release.wait()
        raise Stopped

    def first():
        with pytest.raises(Stopped):
            cache.get(("db", 1, "y"), stopped)

    t = threading.Thread(target=first)
    t.start()
    started.wait()
    got = []
    waiter = threading.Thread(target=lambda: got.append(cache.get(("db", 1, "y"), lambda: "made by the waiter")))
    waiter.start()
    time.sleep(0.05)
    release.set()
    t.join()
    waiter.join()
    assert got == ["made by the waiter"]


def test_the_server_runs_no_full_garbage_collection_watches_no_source_files_and_lets_closed_tabs_go():
    """The first two cost more CPU than a warm page run itself under load (docs/benchmarks.md); a closed tab's
    session is let go in seconds, not kept two minutes for a reconnect."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["fileWatcherType"] == "none"
    assert config["server"]["disconnectedSessionTTL"] <= 30


def test_the_app_process_runs_one_page_at_a_time_and_rarely_collects_all_its_garbage():
    """Both measured in the load benchmark (README, Fair turns): three page runs taking turns all finished late,
    and full collections every few seconds paused every session for up to 0.8 s. A fresh process, as the server."""
    env = {k: v for k, v in os.environ.items() if k != "SCORECARD_PAGE_RUNS"}
    out = subprocess.run([sys.executable, "-c", "import gc; from scorecard import ui; "
                          "print(ui.PAGE_RUNS, *gc.get_threshold())"], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[0] == "1" and int(out[1]) >= 10_000  # Python's own young-generation threshold is 700


@pytest.mark.slow  # Streamlit and the demo store: a few seconds
def test_every_session_is_handed_the_same_plan_data_and_a_commit_lets_it_go(demo_copy, monkeypatch):
    """No per-session copies of plan data (st.cache_data pickled one for every session); after a change to a
    plan its figures are made again from the new data, and the old version's are dropped; the other plans'
    figures stay made (one upload does not make every plan cold)."""
    import datetime as dt

    from scorecard import ui
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    ui.get_store.clear()
    try:
        plan, as_at = "Tameside 2023-25", dt.date(2024, 1, 1)
        first = ui.plan_data(plan, as_at)
        assert ui.plan_data(plan, as_at) is first
        assert ui.kpi_rows(plan, as_at, 6, False) is ui.kpi_rows(plan, as_at, 6, False)
        other, plans = ui.plan_data("Sefton 2017-18", dt.date(2018, 3, 1)), ui.plans()
        ui.get_store().mark_rebase(plan, "CIN8", dt.date(2023, 6, 1), "new process", "tester")  # a new version
        after = ui.plan_data(plan, as_at)
        assert after is not first and len(after.rebases) == len(first.rebases) + 1
        assert ui.plan_data("Sefton 2017-18", dt.date(2018, 3, 1)) is other  # not changed: still made
        assert ui.plans() is not plans  # the store's list of plans is made again after any change
        assert not any(key[:2] == (str(demo_copy), (plan, ui.get_store().data_version() - 1))
                       for key in ui.SHARED._values)
    finally:
        ui.get_store().close()
        ui.get_store.clear()


@pytest.mark.slow  # imports Streamlit
def test_page_runs_queue_for_a_few_slots_and_heavy_work_never_holds_one(monkeypatch):
    """One page-run slot and one heavy slot: a viewer's page runs while an upload is being checked in another
    session's page, and a second page run waits for the slot rather than crowd the interpreter."""
    from scorecard import ui
    monkeypatch.setattr(ui, "_page_runs", threading.BoundedSemaphore(1))
    monkeypatch.setattr(ui, "_heavy_runs", threading.BoundedSemaphore(1))
    checking, checked, viewing, viewed = threading.Event(), threading.Event(), threading.Event(), threading.Event()
    order = []

    def uploader():
        with ui.page_run():
            with ui.heavy_work():  # the upload's check
                checking.set()
                checked.wait(5)
            order.append("upload checked")

    def viewer(name, hold=None):
        with ui.page_run():
            order.append(name)
            if hold:
                viewing.set()
                hold.wait(5)

    up = threading.Thread(target=uploader)
    up.start()
    checking.wait(5)
    first = threading.Thread(target=viewer, args=("viewer ran during the check", viewed))
    first.start()
    viewing.wait(5)
    second = threading.Thread(target=viewer, args=("second viewer, after the first",))
    second.start()
    time.sleep(0.1)
    assert order == ["viewer ran during the check"]  # the second waits for the one slot
    viewed.set()
    second.join(5)
    checked.set()
    up.join(5)
    first.join(5)
    assert order == ["viewer ran during the check", "second viewer, after the first", "upload checked"]


@pytest.mark.slow  # imports Streamlit and plotly
def test_a_shared_figure_hands_st_plotly_chart_the_dict_it_made_once_and_draws_the_same():
    import copy

    import plotly.graph_objects as go
    import plotly.io
    import plotly.tools

    from scorecard import charts, ui
    bars = charts.brag_bars([{"priority": p, "action_rag": {"Blue": 0, "Green": g, "Amber": 1, "Red": r, "Unrated": 0}}
                            for p, g, r in (("1. Front door", 3, 1), ("2. Permanence", 5, 0))])
    import datetime as dt

    import numpy as np
    dated = go.Figure(go.Scatter(x=[dt.date(2024, m, 1) for m in (1, 2, 3)], y=np.array([50.5, 61.0, np.nan]),
                                 customdata=np.array([[1, 2], [3, 4], [5, 6]])))  # dates, NumPy arrays, NaN
    for fig in (bars, dated):
        drawn = plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True),
                                  validate=False)  # the spec st.plotly_chart sends for the figure as made
        ready = ui._ready(fig)
        given = plotly.tools.return_figure_from_figure_or_data(ready, validate_figure=True)  # as st.plotly_chart asks
        assert given is plotly.tools.return_figure_from_figure_or_data(ready, validate_figure=True)  # made once
        before = copy.deepcopy(given)
        assert plotly.io.to_json(given, validate=False) == drawn
        assert given == before  # nothing changed it
    assert ui._ready(None) is None and not isinstance(ui._ready("text"), go.Figure)
