"""The PostgreSQL store's figures in make bench, beside the embedded store's, on a throwaway server
(tests/postgres.py): warm pages, the read model's start-up and incremental syncs, and many sessions over three
replicas while uploads commit."""
from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from scorecard.store import _TABLES, open_store

ROOT = Path(__file__).resolve().parent.parent
COPIED = ("uploads", *_TABLES, "plan_status", "plan_versions", "spc_rebases", "import_profiles", "audit_log")


def to_postgres(db: Path, url: str) -> str:
    """Copy a DuckDB store into an empty PostgreSQL database (created by the store's migrations) as CSV
    through COPY: a generated store as the shared one would hold it. Returns url."""
    import psycopg
    open_store(url).close()  # the schema
    con = duckdb.connect(str(db), read_only=True)
    with psycopg.connect(url) as pg, tempfile.TemporaryDirectory() as d:
        for table in COPIED:
            columns = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE "
                                                 "table_name = ? ORDER BY ordinal_position", [table]).fetchall()]
            names = ", ".join(f'"{c}"' for c in columns)
            csv = Path(d) / f"{table}.csv"
            con.execute(f"COPY (SELECT {names} FROM {table}) TO '{csv}' (FORMAT csv, HEADER false)")
            with pg.cursor().copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy, csv.open("rb") as f:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        data_version = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()[0]
        pg.execute("UPDATE meta SET value = %s WHERE key = 'data_version'", [data_version])
        pg.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'sync_version'")
        pg.execute("SELECT setval('upload_ids', (SELECT max(id) FROM uploads))")
        pg.execute("SELECT setval('audit_ids', coalesce((SELECT max(id) FROM audit_log), 0) + 1, false)")
        pg.execute("ANALYZE")
    con.close()
    return url


class _Chosen:
    """Stands in for ui.get_store (a cached resource: one store per process) so that one process can run the
    same page on both stores in turn."""
    store = None

    def __call__(self):
        return self.store

    def clear(self) -> None:
        pass


def compare_pages(db: Path, url: str, n: int, repeat: int = 7) -> list[dict]:
    """Every page's warm script run on the PostgreSQL store against the same page on the DuckDB file, in one
    process, interleaved run by run, so that both meet the same machine (these machines are noisy)."""
    from streamlit.testing.v1 import AppTest

    from scorecard import ui
    from scorecard.store import Store

    from .run import SCALE_PAGES, _use_store, timed
    _use_store(None)
    stores = {"duckdb": Store(db), "postgres": open_store(url, read_only=True)}
    chosen, real = _Chosen(), ui.get_store
    ui.get_store = chosen  # page data is cached per store (its path is in the key), so both stay warm
    out = []
    try:
        for page, title in SCALE_PAGES:
            apps = {}
            for name, store in stores.items():
                chosen.store = store
                at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
                at.switch_page(f"app_pages/{page}").run()
                at.run()
                assert not at.exception, (name, page, at.exception)
                apps[name] = at
            times = {name: [] for name in stores}
            for _ in range(repeat):
                for name, at in apps.items():
                    chosen.store = stores[name]
                    times[name].append(timed(at.run))
            ours, embedded = statistics.median(times["postgres"]), statistics.median(times["duckdb"])
            out.append({"name": f"{title} page on PostgreSQL, N = {n}", "ours_s": ours,
                        "baseline_name": "the same page on the embedded store, interleaved", "baseline_s": embedded,
                        "target": "within 1.2x of the embedded store", "met": ours <= 1.2 * embedded,
                        "size_mb": None,
                        "detail": f"warm, medians of {repeat} runs each; on PostgreSQL min "
                                  f"{min(times['postgres']) * 1000:.0f} ms, "
                                  f"max {max(times['postgres']) * 1000:.0f} ms"})
    finally:
        ui.get_store = real
        for store in stores.values():
            store.close()
    return out


def monthly_upload(store, plan: str, month: dt.date):
    """One council's next month: a value for each of its measures and an action snapshot."""
    from scorecard.intake.parse import ParsedWorkbook
    known = store.known_measures(plan)
    parsed = ParsedWorkbook(plan=plan, as_at=month)
    parsed.values = [(code, month, "month", 55.5, None, None, False) for code in known]
    parsed.actions = [dict.fromkeys(_TABLES["actions"]) | {"as_at": month, "ref": f"{k // 10 + 1}.{k % 10 + 1}",
                                                                "action": f"Action {k}", "action_rag": "Green",
                                                                "illustrative": False} for k in range(150)]
    return parsed


def bench_sync(url: str, n: int, repeat: int = 5) -> list[dict]:
    """The read model: a replica's start-up (the full load) and its sync after one council's monthly upload."""
    starts = []
    for _ in range(3):
        t0 = time.perf_counter()
        replica = open_store(url, read_only=True)
        starts.append(time.perf_counter() - t0)
        rows = sum(replica.row_counts().values())
        replica.close()
    replica, writer = open_store(url, read_only=True), open_store(url)
    syncs = []
    month = dt.date(2030, 1, 1)
    for k in range(repeat):
        writer.commit(monthly_upload(writer, "Council 000", month.replace(year=2030 + k)), f"month-{k}.xlsx",
                      f"month-{k}", "bench")
        syncs.append(timed_refresh(replica))
    replica.close()
    writer.close()
    full, step = statistics.median(starts), statistics.median(syncs)
    return [{"name": f"PostgreSQL read model: start-up full sync, N = {n}", "ours_s": full, "baseline_name": None,
             "baseline_s": None, "target": "under 30 s" if n == 153 else "(scale point)",
             "met": full < 30 if n == 153 else None, "size_mb": None,
             "detail": f"{rows:,} rows fetched as Arrow over ADBC into DuckDB; min {min(starts):.1f} s, "
                       f"max {max(starts):.1f} s over {len(starts)} start-ups"},
            {"name": f"PostgreSQL read model: sync after one monthly upload, N = {n}", "ours_s": step,
             "baseline_name": None, "baseline_s": None, "target": "under 300 ms" if n == 153 else "(scale point)",
             "met": step < 0.3 if n == 153 else None, "size_mb": None,
             "detail": f"300 values and 150 action rows of one council; min {min(syncs) * 1000:.0f} ms, "
                       f"max {max(syncs) * 1000:.0f} ms over {repeat} uploads"}]


def timed_refresh(store) -> float:
    t0 = time.perf_counter()
    store.refresh()
    return time.perf_counter() - t0


# -- many sessions over three replicas --------------------------------------------------------------------------
PLAN = "Tameside 2023-25"


def kpi_values(session) -> tuple[float, float] | None:
    """CIN8 and WF6 as a websocket session's last run of Compliance KPIs showed them, read from the KPI table's
    Arrow bytes; None when that run showed another plan."""
    import pyarrow as pa
    if not any(e.WhichOneof("type") == "markdown" and e.markdown.body.startswith(f"{PLAN} · as at")
               for e in session.elements):
        return None
    table = next(e.dataframe for e in session.elements if e.WhichOneof("type") == "dataframe")
    rows = pa.ipc.open_stream(table.arrow_data.data).read_all().to_pandas().set_index("code")
    return float(rows.loc["CIN8", "value"]), float(rows.loc["WF6", "value"])


def bench_replicas(url: str, replicas: int = 3, sessions: int = 60, rounds: int = 2) -> dict:
    """`replicas` `streamlit run` servers on loopback against the store at url (each with its own read model),
    warmed by a session running the four pages of the plan once, then `sessions` websocket sessions (session k
    on replica k mod `replicas`, benchmarks/load.py's viewers) each opening the plan and running the four pages
    `rounds` times, while this process commits two uploads through the store: after a third and after two
    thirds of the page runs. Every KPI table of the plan must show the figures from before, between or after
    the uploads, never a mix."""
    import asyncio
    import contextlib

    from scorecard.intake import load
    from tests.conftest import make_workbook

    from .load import PAGES, Server, _burst, burst
    with tempfile.TemporaryDirectory() as d, contextlib.ExitStack() as servers:
        replica = [servers.enter_context(Server(url, log=Path(d) / f"replica{k}.log")) for k in range(replicas)]
        for server in replica:  # the replicas' modules loaded and the plan's figures made, so the figures are
            warm = burst(server, 1, [PLAN], rounds=1)  # about serving
            assert not warm.errors, f"a replica did not warm up: {warm.errors}"
        writer = open_store(url)
        before = tuple(writer.cursor().execute(
            "SELECT value FROM current_values WHERE plan = ? AND code IN ('CIN8', 'WF6') AND value IS NOT NULL "
            "QUALIFY row_number() OVER (PARTITION BY code ORDER BY period DESC) = 1 ORDER BY code",
            [PLAN]).fetchall())
        before = (before[0][0], before[1][0])  # CIN8, WF6 as the KPI table shows them
        uploads = []
        for k, (cin8, wf6) in enumerate(((55.5, 31.0), (66.5, 27.0))):
            wb = make_workbook(Path(d) / f"u{k}.xlsx", {"Plan": [["Plan", PLAN]], "Values": [
                ["Code", "Period", "Value"], ["CIN8", "Jan-24", cin8], ["WF6", "Jan-24", wf6]]})
            uploads.append((load.check_bytes(writer, wb.read_bytes(), wb.name), (cin8, wf6)))
        shown, unreadable = [], []  # per KPI page run: CIN8 and WF6, or None for another plan

        def after(page, session):
            if page == "Compliance KPIs":
                try:
                    shown.append(kpi_values(session))
                except (StopIteration, KeyError, ValueError) as exc:
                    unreadable.append(f"the KPI table could not be read: {exc!r}")

        async def commits(start, run):
            await start.wait()
            total = sessions * len(PAGES) * rounds
            try:
                for k, (checked, _) in enumerate(uploads):
                    while len(run.runs) < total * (k + 1) / 3 and not run.errors:
                        await asyncio.sleep(0.05)
                    await asyncio.to_thread(load.commit, writer, checked)
            except Exception as exc:  # counted, not lost with the task
                run.errors.append(f"commit: {exc!r}"[:300])

        cpu = sum(s.cpu_s() for s in replica)
        try:
            run = asyncio.run(_burst([s.url for s in replica], sessions, [PLAN], rounds, None, after, commits))
        finally:
            writer.close()
        run.cpu_s = sum(s.cpu_s() for s in replica) - cpu
        time.sleep(2.0)  # the sessions' disconnects reach the servers
        memory = [s.rss_mb() for s in replica]
    f = run.figures()
    errors = run.errors + unreadable
    kinds = sorted({e.splitlines()[0][:80] for e in errors})
    allowed = {before, *(v for _, v in uploads)}  # before, after the first, after the second: never a mix
    seen = [v for v in shown if v is not None]
    mixed = [v for v in seen if v not in allowed]
    states = [sum(v == state for v in seen) for state in (before, *(v for _, v in uploads))]
    return {"name": f"{sessions} sessions over {replicas} replica{'s' * (replicas > 1)} on PostgreSQL while two "
                    "uploads commit",
            "ours_s": f["p95"], "baseline_name": None, "baseline_s": None,
            "target": "p95 page under 1.5 s, no errors, old or new data, never a mix",
            "met": f["p95"] < 1.5 and not errors and not mixed and bool(seen), "size_mb": None,
            "detail": f"websocket sessions against `streamlit run` replicas, each warmed first by the four pages of "
                      f"the plan once; p95 of {f['runs']} page runs (demo plans, {PLAN}: each session runs the four "
                      f"pages {rounds} times); {f['per_s']:.1f} page runs a "
                      f"second (CPU a page run: the replicas {f['cpu_ms']:.0f} ms, this client "
                      f"{f['client_cpu_ms']:.0f} ms, on {os.cpu_count()} cores); p50 {f['p50'] * 1000:.0f} ms, "
                      f"max {f['max']:.1f} s; {len(errors)} errors"
                      f"{' (' + '; '.join(kinds) + ')' if kinds else ''}; memory per replica after: "
                      f"{', '.join(f'{m:.0f}' for m in memory)} MB; KPI tables of {PLAN} seen before, after the "
                      f"first and after the second upload: {', '.join(map(str, states))}, mixing them: {len(mixed)}; "
                      f"{len(shown) - len(seen)} of the {len(shown)} KPI page runs showed another plan"}
