"""Run every benchmark and print medians with the baseline measured side by side in the same run."""
from __future__ import annotations

import platform
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from scorecard import workbook
from scorecard.importer import parse_workbook
from scorecard.store import Store, sha256_bytes

from .generate import actions_workbook, audit_workbook, big_workbook, council_workbook


def timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_import(tmp: Path, repeat: int = 7) -> dict:
    """Whole import (read, validate, commit) vs pandas.read_excel(engine='openpyxl') reading the file alone."""
    wb = council_workbook(tmp / "council.xlsx")
    store = Store(tmp / "bench.duckdb")  # an existing store, as each month's upload meets

    data = wb.read_bytes()
    stages: dict[str, list[float]] = {"read": [], "validate": [], "commit": []}

    def ours():  # loader.import_path, stage by stage
        t0 = time.perf_counter()
        sheets = workbook.read_bytes(data, wb.name)
        t1 = time.perf_counter()
        parsed = parse_workbook(sheets, known_measures=store.known_measures)
        store.find_upload_by_hash(sha256_bytes(data), parsed.plan)
        t2 = time.perf_counter()
        assert not parsed.errors and store.commit(parsed, wb.name, sha256_bytes(data))
        t3 = time.perf_counter()
        for name, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2)):
            stages[name].append(seconds)

    def baseline():
        pd.read_excel(wb, sheet_name=None, engine="openpyxl")

    ours()  # warm imports and caches once, outside the timing
    baseline()
    mine, base = [], []
    for _ in range(repeat):  # interleaved, so both sides meet the same machine noise
        mine.append(timed(ours))
        base.append(timed(baseline))
    mine, base = statistics.median(mine), statistics.median(base)
    store.close()
    return {"name": "Import 300 measures x 36 months + 150 actions + 1,000 audit rows",
            "ours_s": mine, "baseline_name": "pandas.read_excel(openpyxl), read only", "baseline_s": base,
            "target": "at least 5x faster", "met": base / mine >= 5,
            "size_mb": wb.stat().st_size / 1024 / 1024,
            "detail": " · ".join(f"{k} {statistics.median(v) * 1000:.0f} ms" for k, v in stages.items())}


def bench_upload(tmp: Path, repeat: int = 5) -> list[dict]:
    """The Upload centre's work on a ~5 MB workbook: check + preview against a store already holding it
    (every row compared), then the one-transaction commit."""
    from scorecard import loader, preview

    wb = big_workbook(tmp / "big.xlsx")
    data = wb.read_bytes()
    store = Store(tmp / "upload.duckdb")
    loader.commit(store, loader.check_bytes(store, data, wb.name))
    checks, commits = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        checked = loader.check_bytes(store, data, wb.name)
        preview.preview(store, checked.parsed)
        t1 = time.perf_counter()
        loader.commit(store, checked)
        commits.append(time.perf_counter() - t1)
        checks.append(t1 - t0)
    store.close()
    mb = wb.stat().st_size / 1024 / 1024
    counts = checked.parsed.counts()
    what = (f"{mb:.1f} MB: {counts['values']:,} values, {counts['actions']:,} action rows, "
            f"{len(checked.parsed.audit_case_refs):,} audited cases")
    return [{"name": f"Upload centre: check + preview of a {mb:.1f} MB workbook", "ours_s": statistics.median(checks),
             "baseline_name": None, "baseline_s": None, "target": "under 2 s",
             "met": statistics.median(checks) < 2, "size_mb": mb,
             "detail": f"{what}; min {min(checks):.2f} s, max {max(checks):.2f} s over {repeat} runs"},
            {"name": f"Upload centre: commit of the same workbook", "ours_s": statistics.median(commits),
             "baseline_name": None, "baseline_s": None, "target": "under 1 s", "met": statistics.median(commits) < 1,
             "size_mb": mb, "detail": f"min {min(commits):.2f} s, max {max(commits):.2f} s over {repeat} runs"}]


def bench_page(tmp: Path, page: str, name: str, workbooks: list[Path], plan: str, repeat: int = 7) -> dict:
    """A page's whole script run under AppTest, warm (caches filled by a first run), against a store
    holding the given workbooks."""
    import os

    from streamlit.testing.v1 import AppTest

    from scorecard import loader, ui

    db = tmp / f"{Path(page).stem}.duckdb"
    store = Store(db)
    for path in workbooks:
        checked, upload_id = loader.import_path(store, path)
        assert upload_id is not None, [str(e) for e in checked.parsed.errors[:3]]
    store.close()
    os.environ["SCORECARD_DB"] = str(db)
    ui.get_store.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "pages" / page), default_timeout=120)
    at.run()
    at.sidebar.selectbox[0].set_value(plan).run()  # selecting the plan fills the caches
    assert not at.exception, at.exception
    runs = [timed(at.run) for _ in range(repeat)]
    ui.get_store.clear()
    return {"name": name, "ours_s": statistics.median(runs), "baseline_name": None, "baseline_s": None,
            "target": "under 300 ms warm", "met": statistics.median(runs) < 0.3, "size_mb": None,
            "detail": f"min {min(runs) * 1000:.0f} ms, max {max(runs) * 1000:.0f} ms over {repeat} runs"}


def bench_meeting(tmp: Path, repeat: int = 9) -> dict:
    """Meeting mode on the demo plans: the chair presses Next; the whole script run that redraws the slide."""
    import os

    from streamlit.testing.v1 import AppTest

    from scorecard import ui
    from scorecard.demo import seed_if_empty

    db = tmp / "meeting.duckdb"
    store = Store(db)
    seed_if_empty(store)
    store.close()
    os.environ["SCORECARD_DB"] = str(db)
    ui.get_store.clear()
    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"), default_timeout=120)
    at.query_params.update({"mode": "board", "plan": "Tameside 2023-25"})
    at.run()
    for _ in range(6):  # once round every slide: caches warm
        at.button(key="board_next").click().run()
    assert not at.exception, at.exception
    runs = [timed(lambda: at.button(key="board_next").click().run()) for _ in range(repeat)]
    ui.get_store.clear()
    return {"name": "Meeting mode slide change (demo plans, Tameside)", "ours_s": statistics.median(runs),
            "baseline_name": None, "baseline_s": None, "target": "under 500 ms warm",
            "met": statistics.median(runs) < 0.5, "size_mb": None,
            "detail": f"min {min(runs) * 1000:.0f} ms, max {max(runs) * 1000:.0f} ms over {repeat} slide changes"}


def main() -> int:
    print(f"machine: {platform.machine()} · {platform.processor() or platform.platform()} · "
          f"Python {platform.python_version()}")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        results = [bench_import(tmp), *bench_upload(tmp)]
        big = council_workbook(tmp / "kpis.xlsx", measures=300, months=120, actions=0, audit_rows=0)
        results.append(bench_page(tmp, "kpis.py", "Compliance KPIs page, 300 measures x 120 months, SPC included",
                                  [big], "Benchshire 2021-24"))
        councils = [audit_workbook(tmp / f"audits{k}.xlsx", f"Council {k:02d}", seed=k) for k in range(25)]
        results.append(bench_page(tmp, "audits.py", "Audits page, 25 councils x 10 streams x 40 quarters x 50 cases",
                                  councils, "Council 07"))
        results.append(bench_meeting(tmp))
        plans = [actions_workbook(tmp / f"actions{k}.xlsx", f"Council {k:02d}", seed=k) for k in range(25)]
        results.append(bench_page(tmp, "actions.py", "Actions page, 25 councils x 150 actions x 36 snapshots",
                                  plans, "Council 07"))
    print(f"\n{'benchmark':<66} {'ours (median)':>14} {'baseline':>10} {'ratio':>7}  target")
    failed = 0
    for r in results:
        if r["baseline_s"] is None:
            print(f"{r['name']:<66} {r['ours_s'] * 1000:>11.0f} ms {'-':>10} {'-':>7}  "
                  f"{r['target']} ({'met' if r['met'] else 'MISSED'})")
        else:
            ratio = r["baseline_s"] / r["ours_s"]
            print(f"{r['name']:<66} {r['ours_s'] * 1000:>11.0f} ms {r['baseline_s'] * 1000:>7.0f} ms {ratio:>6.1f}x  "
                  f"{r['target']} ({'met' if r['met'] else 'MISSED'})")
            print(f"{'':<4}baseline: {r['baseline_name']}; workbook {r['size_mb']:.1f} MB")
        if r.get("detail"):
            print(f"{'':<4}{'ours by stage (medians): ' if r['baseline_s'] else ''}{r['detail']}")
    return 0
