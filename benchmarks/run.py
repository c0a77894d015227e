"""Run every benchmark and print medians with the baseline measured side by side in the same run."""
from __future__ import annotations

import gc
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from scorecard.intake import load
from scorecard.intake import read as workbook
from scorecard.intake.parse import parse_workbook
from scorecard.store import Store, open_store, sha256_bytes

from .generate import big_workbook, council_workbook, synthetic_store

ROOT = Path(__file__).resolve().parent.parent


def timed(fn) -> float:
    """Seconds for one call, starting from a collected heap so that no side pays for the other's garbage."""
    gc.collect()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_import(tmp: Path, repeat: int = 7) -> dict:
    """Whole import (read, validate, commit) vs pandas.read_excel(engine='openpyxl') reading the file alone."""
    wb = council_workbook(tmp / "council.xlsx")
    store = Store(tmp / "bench.duckdb")  # an existing store, as each month's upload meets

    data = wb.read_bytes()
    stages: dict[str, list[float]] = {"read": [], "validate": [], "commit": []}

    def ours():  # load.import_path, stage by stage
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


def _process_seconds(args: list[str], cwd: Path | None = None) -> float:
    """Wall-clock seconds for a fresh Python process, start-up and imports included."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, *args], cwd=cwd or ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def bench_cli_start(repeat: int = 15) -> dict:
    """`python -m scorecard --help` as a whole process: each command imports what it needs, so the parser
    answers before pandas, DuckDB or Streamlit would have loaded. A bare interpreter is timed alongside."""
    helps, bare = [], []
    for _ in range(repeat):
        helps.append(_process_seconds(["-m", "scorecard", "--help"]))
        bare.append(_process_seconds(["-c", "pass"]))
    ours = statistics.median(helps)
    return {"name": "Command line start-up: python -m scorecard --help", "ours_s": ours, "baseline_name": None,
            "baseline_s": None, "target": "under 300 ms", "met": ours < 0.3, "size_mb": None,
            "detail": f"a bare `python -c pass` takes {statistics.median(bare) * 1000:.0f} ms; "
                      f"min {min(helps) * 1000:.0f} ms, max {max(helps) * 1000:.0f} ms over {repeat} runs"}


def bench_import_process(tmp: Path, repeat: int = 7) -> dict:
    """`python -m scorecard import` of the 300-measure workbook as a whole process (start-up, read, validate,
    commit into a store holding last month's upload) against a process that only reads the file with pandas and
    openpyxl, interleaved."""
    wb = council_workbook(tmp / "council-process.xlsx")
    last_month = tmp / "process-last-month.duckdb"
    store = Store(last_month)
    load.import_path(store, wb)
    store.close()
    db = tmp / "process.duckdb"
    ours_args = ["-m", "scorecard", "import", str(wb), "--db", str(db)]
    base_args = ["-c", f"import pandas; pandas.read_excel({str(wb)!r}, sheet_name=None, engine='openpyxl')"]
    mine, base = [], []
    for _ in range(repeat):
        shutil.copy(last_month, db)
        mine.append(_process_seconds(ours_args))
        base.append(_process_seconds(base_args))
    mine, base = statistics.median(mine), statistics.median(base)
    return {"name": "Import 300 x 36 (as above) as a whole process: python -m scorecard import", "ours_s": mine,
            "baseline_name": "a process reading it with pandas.read_excel(openpyxl), imports included",
            "baseline_s": base, "target": "at least 2x faster", "met": base / mine >= 2, "size_mb": None,
            "detail": f"medians of {repeat} interleaved runs, each into a copy of a store holding last month's upload"}


def bench_import_vs_baseline(tmp: Path) -> list[dict]:
    """The same import, this tree against the commits before the intake work: Intake I (issue 18) within 1.2x
    of the import before it, recognition and profiles (issue 19) adding under 20% to the import before them."""
    from .baseline import BEFORE, INTAKE_I, INTAKE_II, against_baseline
    wb = council_workbook(tmp / "council-baseline.xlsx")
    return [against_baseline(tmp, wb, "Import 300 x 36 (as above) against the import before Intake I", 1.2, INTAKE_I),
            against_baseline(tmp, wb, "Import 300 x 36 (as above) against the import before Intake II", 1.2,
                             INTAKE_II),
            against_baseline(tmp, wb, "Import 300 x 36 (as above) against the import before issues 16-19", None,
                             BEFORE)]


def bench_service_scorecard(tmp: Path, repeat: int = 5) -> dict:
    """Intake II: a ~5 MB one-sheet-per-service scorecard (recognised by its content) checked and previewed
    against a store already holding it."""
    from scorecard.intake import preview

    from .generate import service_scorecard
    wb = service_scorecard(tmp / "services.xlsx")
    data = wb.read_bytes()
    store = Store(tmp / "services.duckdb")
    load.commit(store, load.check_bytes(store, data, wb.name))
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        checked = load.check_bytes(store, data, wb.name, audience="app")
        preview.preview(store, checked.parsed)
        runs.append(time.perf_counter() - t0)
    store.close()
    mb = wb.stat().st_size / 1024 / 1024
    return {"name": f"Upload centre: check + preview of a {mb:.1f} MB one-sheet-per-service scorecard",
            "ours_s": statistics.median(runs), "baseline_name": None, "baseline_s": None, "target": "under 2 s",
            "met": statistics.median(runs) < 2, "size_mb": mb,
            "detail": f"{len(checked.parsed.values):,} values on {len(checked.parsed.maps) - 1} service sheets; "
                      f"min {min(runs):.2f} s, max {max(runs):.2f} s over {repeat} runs"}


def bench_upload(tmp: Path, repeat: int = 5) -> list[dict]:
    """The Upload centre's work on a ~5 MB workbook: check + preview against a store already holding it
    (every row compared), then the one-transaction commit."""
    from scorecard.intake import preview

    wb = big_workbook(tmp / "big.xlsx")
    data = wb.read_bytes()
    store = Store(tmp / "upload.duckdb")
    load.commit(store, load.check_bytes(store, data, wb.name))
    checks, commits = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        checked = load.check_bytes(store, data, wb.name)
        preview.preview(store, checked.parsed)
        t1 = time.perf_counter()
        load.commit(store, checked)
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
            {"name": "Upload centre: commit of the same workbook", "ours_s": statistics.median(commits),
             "baseline_name": None, "baseline_s": None, "target": "under 1 s", "met": statistics.median(commits) < 1,
             "size_mb": mb, "detail": f"min {min(commits):.2f} s, max {max(commits):.2f} s over {repeat} runs"}]


SCALE_PAGES = [("overview.py", "Overview"), ("kpis.py", "Compliance KPIs (SPC included)"),
               ("audits.py", "Case-file audits"), ("actions.py", "Actions")]
PAGE_TARGET = {25: 0.3, 153: 1.0}  # seconds, warm


def _use_store(db: Path | None) -> None:
    """Point this process's app code at a store (None: let go of the current one, closing it)."""
    import os

    from scorecard import ui
    if os.environ.get("SCORECARD_DB"):
        try:
            ui.get_store().close()
        except Exception:
            pass
    ui.get_store.clear()
    ui.SHARED.clear()
    if db is not None:
        os.environ["SCORECARD_DB"] = str(db)


def bench_pages(db: Path, n: int, repeat: int = 5) -> list[dict]:
    """Every page's whole script run under AppTest for the first council, cold (caches emptied) and warm."""
    from streamlit.testing.v1 import AppTest

    from scorecard import ui

    _use_store(db)
    out = []
    for page, title in SCALE_PAGES:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
        at.switch_page(f"app_pages/{page}").run()
        assert not at.exception, (page, at.exception)
        ui.SHARED.clear()
        cold = timed(at.run)
        warm = [timed(at.run) for _ in range(repeat)]
        target = PAGE_TARGET.get(n)
        out.append({"name": f"{title} page, N = {n}", "ours_s": statistics.median(warm), "baseline_name": None,
                    "baseline_s": None, "target": f"under {target * 1000:.0f} ms warm" if target else "(scale point)",
                    "met": statistics.median(warm) < target if target else None, "size_mb": None,
                    "detail": f"cold {cold * 1000:.0f} ms; warm min {min(warm) * 1000:.0f} ms, "
                              f"max {max(warm) * 1000:.0f} ms"})
    return out


def pandas_page_work(tables: dict[str, pd.DataFrame], plan: str) -> dict:
    """The same work in pandas on the whole tables already in memory: the newest committed upload for each key
    (what the current_* views do), the council's rows, then the same counting, vectorised."""
    uploads = tables["uploads"]
    live = set(uploads.loc[uploads["status"] == "committed", "id"])

    def current(df: pd.DataFrame, key: list[str], whole: bool = False) -> pd.DataFrame:
        df = df[df["upload_id"].isin(live)]
        if whole:  # an audit period of a stream, or an action snapshot, is replaced whole
            df = df[df["upload_id"] == df.groupby(key)["upload_id"].transform("max")]
        else:
            df = df.sort_values("upload_id").drop_duplicates(key, keep="last")
        return df[df["plan"] == plan]

    out = {"measures": current(tables["measures"], ["plan", "code"]).sort_values("code")}
    v = current(tables["measure_values"], ["plan", "code", "period"])
    v = v[v["value"].notna()].sort_values(["code", "period"])
    g = v.groupby("code", sort=False)
    previous = g["value"].nth(-2)
    previous.index = v.loc[previous.index, "code"]
    out["series"] = pd.DataFrame({"value": g["value"].last(), "previous_value": previous, "points": g.size(),
                                  "values": g["value"].agg(list)})
    a = current(tables["audits"], ["plan", "period", "stream"], whole=True)
    key = ["stream", "period", "period_kind", "grade"]
    out["audits"] = pd.concat([a.assign(stream="All streams").groupby(key)["cases"].sum(),
                               a.groupby(key)["cases"].sum()])
    out["benchmarks"] = current(tables["benchmarks"], ["plan", "code", "period"]).sort_values(["code", "period"])
    h = current(tables["actions"], ["plan", "as_at"], whole=True).sort_values(["ref", "as_at"])
    moved_later = h["due_date"] > h.groupby("ref")["due_date"].shift()
    now = h[h["as_at"] == h["as_at"].max()].merge(moved_later.groupby(h["ref"]).sum().rename("rebaselines"), on="ref")
    now["overdue"] = ((now["due_kind"] == "date") & (now["due_date"] < now["as_at"] + pd.offsets.MonthEnd(0))
                      & (now["action_rag"] != "Blue"))
    out["now"] = now
    groups = now.groupby("priority")
    out["by_priority"] = (groups["action_rag"].value_counts(dropna=False),
                          groups["impact_rag"].value_counts(dropna=False), groups["overdue"].sum())
    return out


def bench_queries_vs_pandas(db: Path, n: int, repeat: int = 7) -> dict:
    """The page queries: what every page reads for one council (PlanData: its queries in one read snapshot,
    counting in DuckDB, and its rules) against the same work in pandas on the whole tables already in memory."""
    from scorecard import ui
    from scorecard.summary import PlanData

    _use_store(db)
    store = ui.get_store()  # the process's one connection to this store
    tables = {t: store.query(f"SELECT * FROM {t}") for t in ("uploads", "measures", "measure_values", "audits",
                                                                "actions", "benchmarks")}
    plan = "Council 000"
    ours, theirs = PlanData(store, plan), pandas_page_work(tables, plan)
    series = [ours.series[code] for code in theirs["series"].index]  # the same answers, first
    assert [s["value"] for s in series] == theirs["series"]["value"].tolist()
    assert [s["points"] for s in series] == theirs["series"]["points"].tolist()
    assert [s["values"] for s in series] == theirs["series"]["values"].tolist()
    assert len(ours.action_rows) == len(theirs["now"])
    assert [e["overdue"] for e in ours.action_counts] == theirs["by_priority"][2].tolist()
    mine, base = [], []
    for _ in range(repeat):
        mine.append(timed(lambda: PlanData(store, plan)))
        base.append(timed(lambda: pandas_page_work(tables, plan)))
    mine, base = statistics.median(mine), statistics.median(base)
    return {"name": f"Page queries (what every page reads for one council), N = {n}", "ours_s": mine,
            "baseline_name": "the same work in pandas on the tables already in memory", "baseline_s": base,
            "target": "at least 3x faster" if n == 25 else "(scale point)",
            "met": base / mine >= 3 if n == 25 else None,
            "size_mb": db.stat().st_size / 1024 / 1024,
            "detail": f"{len(tables['measure_values']):,} values and {len(tables['actions']):,} action rows "
                      "in the store; "
                      "ours includes the rating rules, which pandas is not asked to do"}


STARTUP = """
import sys, time
t0 = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file(sys.argv[1], default_timeout=300).run()
first = time.perf_counter() - t0
assert not at.exception, at.exception
for page in ("kpis.py", "audits.py", "actions.py"):
    at.switch_page("app_pages/" + page).run()
    assert not at.exception, at.exception
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(first, hwm / 1024)
"""


def bench_process(db: Path, n: int) -> list[dict]:
    """A fresh app process: time from start to the first page drawn, and peak memory (RSS) after every page."""
    import os
    import subprocess
    import sys

    app = str(ROOT / "app.py")
    _use_store(None)  # the store allows one process at a time
    res = subprocess.run([sys.executable, "-c", STARTUP, app], capture_output=True, text=True, timeout=900,
                         env={**os.environ, "SCORECARD_DB": str(db)})
    assert res.returncode == 0, res.stderr[-2000:]
    first, rss_mb = map(float, res.stdout.split())
    return [{"name": f"App start-up to first page, N = {n}", "ours_s": first, "baseline_name": None, "baseline_s": None,
             "target": "(measured)", "met": None, "size_mb": None, "detail": "fresh process, imports included"},
            {"name": f"Peak memory (RSS) after every page, N = {n}", "ours_s": None, "rss_mb": rss_mb,
             "baseline_name": None, "baseline_s": None, "target": "under 1 GB" if n == 153 else "(measured)",
             "met": rss_mb < 1024 if n == 153 else None, "size_mb": None, "detail": ""}]


def bench_scale(tmp: Path, ns=(1, 25, 153), pg=None) -> list[dict]:
    """N councils x 300 measures x 120 months, 150 actions x 36 snapshots, 10 audit streams x 40 quarters x 50
    cases: every page cold and warm, the queries against pandas, start-up and memory; with pg (a throwaway
    PostgreSQL server) at 25 and 153 councils, the same pages on the PostgreSQL store and its read model's syncs."""
    from . import postgres
    out = []
    for n in ns:
        t0 = time.perf_counter()
        db = synthetic_store(tmp / f"scale{n}.duckdb", n)
        print(f"  N = {n}: store generated in {time.perf_counter() - t0:.0f} s", flush=True)
        out += bench_pages(db, n)
        if pg is not None and n in (25, 153):
            url = postgres.to_postgres(db, pg.new_database())
            out += postgres.compare_pages(db, url, n)
            out += postgres.bench_sync(url, n)
        out.append(bench_queries_vs_pandas(db, n))
        out += bench_process(db, n)
    warm = {r["name"]: r["ours_s"] for r in out if "page, N" in r["name"]}
    for _, title in SCALE_PAGES:
        lo, hi = warm.get(f"{title} page, N = {ns[0]}"), warm.get(f"{title} page, N = {ns[-1]}")
        if lo and hi:
            growth = hi / lo
            out.append({"name": f"{title} page, cost from N = {ns[0]} to {ns[-1]}", "ours_s": None, "ratio": growth,
                        "baseline_name": None, "baseline_s": None,
                        "target": f"no worse than linear ({ns[-1] // ns[0]}x)", "met": growth <= ns[-1] / ns[0],
                        "size_mb": None, "detail": f"warm run grew {growth:.1f}x for {ns[-1] // ns[0]}x the councils"})
    return out


def bench_replicas(pg) -> dict:
    """60 sessions over 3 replicas on the demo plans in PostgreSQL while two uploads commit."""
    from scorecard.demo import seed_if_empty

    from . import postgres
    url = pg.new_database()
    store = open_store(url)
    seed_if_empty(store)
    store.close()
    return postgres.bench_replicas(url)


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
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params.update({"mode": "board", "plan": "Tameside 2023-25"})
    at.run()
    for _ in range(8):  # once round every slide: caches warm
        at.button(key="board_next").click().run()
    assert not at.exception, at.exception
    runs = [timed(lambda: at.button(key="board_next").click().run()) for _ in range(repeat)]
    ui.get_store.clear()
    return {"name": "Meeting mode slide change (demo plans, Tameside)", "ours_s": statistics.median(runs),
            "baseline_name": None, "baseline_s": None, "target": "under 500 ms warm",
            "met": statistics.median(runs) < 0.5, "size_mb": None,
            "detail": f"min {min(runs) * 1000:.0f} ms, max {max(runs) * 1000:.0f} ms over {repeat} slide changes"}


def bench_board_pack_pdf(tmp: Path, repeat: int = 3) -> dict:
    """The board pack's PDF of the largest demo plan (Sefton: 46 measures, 96 audit rows), For publication (the
    disclosure control included), from the store's figures to the printed PDF."""
    from scorecard import actions, boardpack, queries
    from scorecard.demo import seed_if_empty
    from scorecard.kpis import kpi_table
    from scorecard.summary import PlanData

    if boardpack.chromium() is None:
        return {"name": "Board pack PDF (Sefton, for publication)", "ours_s": None, "baseline_name": None,
                "baseline_s": None, "target": "under 10 s", "met": None, "size_mb": None,
                "detail": "not measured: Chromium is not installed (make chromium)"}
    db = tmp / "pack.duckdb"
    store = Store(db)
    seed_if_empty(store)
    plan = "Sefton 2017-18"

    def pdf() -> bytes:
        row = queries.run(store, "plans").set_index("plan").loc[plan].to_dict() | {"plan": plan}
        data = PlanData(store, plan)
        return boardpack.to_pdf(boardpack.build_html(row, data, kpi_table(data), actions.view(store, plan, None),
                                                     store.history(), publication=True, static=True))

    try:
        runs = [timed(pdf) for _ in range(repeat)]
    finally:
        store.close()
    return {"name": "Board pack PDF (Sefton, for publication)", "ours_s": statistics.median(runs),
            "baseline_name": None, "baseline_s": None, "target": "under 10 s", "met": statistics.median(runs) < 10,
            "size_mb": None, "detail": f"min {min(runs):.1f} s, max {max(runs):.1f} s over {repeat} packs "
                                       "(headless Chromium's start and print included)"}


def row(r: dict) -> tuple[str, str, str, str, str]:
    """name, ours, baseline, ratio, target (met/MISSED) as printed and written to docs/benchmarks.md."""
    if r.get("rss_mb") is not None:
        ours = f"{r['rss_mb']:.0f} MB"
    elif r.get("ours_s") is None:
        ours = "-"
    else:
        ours = f"{r['ours_s'] * 1000:.0f} ms" if r["ours_s"] < 10 else f"{r['ours_s']:.1f} s"
    base = f"{r['baseline_s'] * 1000:.0f} ms" if r.get("baseline_s") else "-"
    ratio = f"{r['baseline_s'] / r['ours_s']:.1f}x" if r.get("baseline_s") else (
        f"{r['ratio']:.1f}x" if r.get("ratio") else "-")
    verdict = "" if r["met"] is None else (" (met)" if r["met"] else " (MISSED)")
    return r["name"], ours, base, ratio, r["target"] + verdict


def write_report(results: list[dict], machine: str, path: Path, sections: list[str] = ()) -> None:
    lines = ["# Benchmarks", "", f"Written by `make bench` on {time.strftime('%d/%m/%Y %H:%M')}.", "",
             f"Machine: {machine}.", "",
             "Medians of repeated runs; baselines are measured in the same run, interleaved where it applies. "
             "These machines are noisy: compare within one run.", "",
             "| benchmark | ours (median) | baseline | ratio | target |", "|---|---|---|---|---|"]
    for r in results:
        lines.append("| " + " | ".join(row(r)) + " |")
    lines += ["", "Details:", ""]
    lines += [f"- {r['name']}: {r['detail']}" + (f" (baseline: {r['baseline_name']})" if r.get("baseline_name") else "")
              for r in results if r.get("detail") or r.get("baseline_name")]
    if sections:
        lines += ["", *sections]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")


def main() -> int:
    import os

    machine = (f"{platform.machine()} · {platform.processor() or platform.platform()} · {os.cpu_count()} cores · "
               f"Python {platform.python_version()}")
    print(f"machine: {machine}")
    from .load import bench_load
    scale = tuple(int(n) for n in os.environ.get("SCORECARD_BENCH_N", "1,25,153").split(","))
    from tests.postgres import Server, Unavailable
    try:
        pg = Server()  # a throwaway PostgreSQL for the shared store's figures
    except Unavailable as exc:
        pg = None
        print(f"the PostgreSQL store's figures are left out: {exc}")
    try:
        with tempfile.TemporaryDirectory() as d:
            tmp = Path(d)
            results = [bench_import(tmp), bench_import_process(tmp), bench_cli_start(), *bench_import_vs_baseline(tmp),
                       *bench_upload(tmp), bench_service_scorecard(tmp),
                       bench_meeting(tmp), bench_board_pack_pdf(tmp),
                       *bench_scale(tmp, scale, pg), *([bench_replicas(pg)] if pg else [])]
            _use_store(None)  # the load benchmark's servers open their stores themselves
            load_section = bench_load(tmp)
    finally:
        if pg is not None:
            pg.remove()
    print(f"\n{'benchmark':<70} {'ours (median)':>14} {'baseline':>10} {'ratio':>7}  target")
    for r in results:
        name, ours, base, ratio, target = row(r)
        print(f"{name:<70} {ours:>14} {base:>10} {ratio:>7}  {target}")
        if r.get("detail"):
            print(f"{'':<4}{r['detail']}")
    report = ROOT / "docs" / "benchmarks.md"
    write_report(results, machine, report, load_section)
    print(f"\nwritten to {report.relative_to(report.parent.parent)}")
    return 0
