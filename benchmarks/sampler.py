"""Where a page run's time goes under load: `streamlit run` with a sampling CPU profiler beside it.

`python -m benchmarks.sampler OUT.json <streamlit run arguments>` runs the server as `streamlit run` does, and a
thread that, every 10 ms, reads each thread's CPU time (/proc/self/task/*/stat) and charges what each one used
since the last look to the function it is in now (so time spent waiting, for the GIL, a lock or a socket,
counts for nothing). A page script's sample is put down to the first labelled frame from the inside out (the
store's queries, the rules, SPC, building figures, Streamlit turning a table into Arrow, ...); the event loop's
is the server sending what the scripts made; CPU that no Python thread showed (a page run's thread that ended
between two looks, DuckDB's own worker threads) is counted apart. The counts (in clock ticks) are written to
OUT.json every 2 s; `breakdown()` turns them into the table in docs/benchmarks.md.
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections import Counter
from pathlib import Path

INTERVAL = 0.01
UNSEEN = ("CPU no Python thread showed: DuckDB's own workers (the queries of plans made cold), a page run's "
          "thread that ended between two looks")
TICK = 1 / os.sysconf("SC_CLK_TCK")  # seconds in a clock tick, the unit of /proc CPU times
# (label, path fragment, function name or None): the first match from the innermost frame out wins.
RULES = [
    ("Streamlit's cache: copying (pickling) a cached value", "streamlit/runtime/caching/", None),
    ("store: DuckDB queries", "scorecard/store.py", None),
    ("store: DuckDB queries", "scorecard/queries.py", None),
    ("SPC", "scorecard/spc.py", None),
    ("KPI table (ratings, labels)", "scorecard/kpis.py", None),
    ("plan data: rules (bands, audits, actions)", "scorecard/summary.py", None),
    ("plan data: rules (bands, audits, actions)", "scorecard/bands.py", None),
    ("plan data: rules (bands, audits, actions)", "scorecard/audits.py", None),
    ("Actions page figures (changes, owners, trajectory)", "scorecard/actions.py", None),
    ("exceptions", "scorecard/board.py", None),
    ("building plotly figures", "scorecard/charts.py", None),
    ("st.plotly_chart: figure to JSON", "streamlit/elements/plotly_chart.py", None),
    ("st.dataframe: table to Arrow", "streamlit/elements/arrow.py", None),
    ("st.dataframe: table to Arrow", "streamlit/dataframe_util.py", None),
    ("widgets and session state", "streamlit/elements/widgets/", None),
    ("widgets and session state", "streamlit/runtime/state/", None),
    ("sign-in, audit trail, sidebar", "scorecard/ui.py", None),
    ("sign-in, audit trail, sidebar", "scorecard/access.py", None),
    ("page scripts (pandas on the page)", "app_pages/", None),
    ("app.py (menu, navigation)", "/app.py", None),
    ("Streamlit: other elements and messages", "streamlit/", None),
]


def label(frame) -> str:
    """The label for one thread's stack."""
    f = frame
    while f is not None:
        path = f.f_code.co_filename
        for name, fragment, func in RULES:
            if fragment in path and (func is None or f.f_code.co_name == func):
                return name
        f = f.f_back
    return "other (Python, the event loop)"


def _where(frame) -> str:
    """The innermost frame and the first one in a package or the app, for the detail."""
    out = [f"{Path(frame.f_code.co_filename).name}:{frame.f_code.co_name}"]
    f = frame
    while f is not None and "site-packages" not in f.f_code.co_filename and "/work/" not in f.f_code.co_filename:
        f = f.f_back
    if f is not None and f is not frame:
        out.append(f"{Path(f.f_code.co_filename).name}:{f.f_code.co_name}")
    return " < ".join(out)


def _ticks(path: str) -> int:
    """utime + stime of a /proc stat file, in clock ticks (0 once the thread has gone)."""
    try:
        with open(path) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def sample(out: Path) -> None:
    counts: dict[str, Counter] = {"script": Counter(), "server": Counter(), "frames": Counter(),
                                  "profiler": Counter()}
    seen: dict[int, int] = {}
    profiled = 0
    process = _ticks("/proc/self/stat")
    last = time.monotonic()
    me = threading.get_native_id()
    while True:
        time.sleep(INTERVAL)
        frames = sys._current_frames()
        used_by_python = 0
        for t in threading.enumerate():
            if t.native_id is None or t.native_id == me:
                continue
            now = _ticks(f"/proc/self/task/{t.native_id}/stat")
            used = now - seen.get(t.native_id, now)
            seen[t.native_id] = now
            frame = frames.get(t.ident)
            if used <= 0 or frame is None:
                continue
            used_by_python += used
            what = label(frame)
            kind = "script" if t.name.startswith("ScriptRunner") else "server"
            counts[kind][what] += used
            counts["frames"][f"{kind} · {what} · {_where(frame)}"] += used
        total, mine = _ticks("/proc/self/stat"), _ticks(f"/proc/self/task/{me}/stat")
        counts["profiler"]["itself"] += mine - seen.get(me, mine)
        seen[me] = mine
        counts["server"][UNSEEN] += max(
            0, total - process - used_by_python - counts["profiler"]["itself"] + profiled)
        profiled = counts["profiler"]["itself"]
        process = total
        if time.monotonic() - last > 2:
            out.write_text(json.dumps({"tick": TICK, **{k: dict(v) for k, v in counts.items()}}))
            last = time.monotonic()


def breakdown(path: Path) -> list[tuple[str, float, float]]:
    """(label, CPU seconds, share of the page scripts' CPU), most first; then the other threads' CPU."""
    data = json.loads(path.read_text())
    script = data["script"]
    total = sum(script.values()) or 1
    rows = [(k, n * data["tick"], n / total) for k, n in sorted(script.items(), key=lambda kv: -kv[1])]
    return rows + [(f"beside the scripts: {k}", n * data["tick"], n / total)
                   for k, n in sorted(data["server"].items(), key=lambda kv: -kv[1])]


def main() -> None:
    out = Path(sys.argv[1])
    threading.Thread(target=sample, args=(out,), daemon=True, name="sampler").start()
    from streamlit.web.cli import main as streamlit
    sys.argv = ["streamlit", "run", *sys.argv[2:]]
    streamlit()


if __name__ == "__main__":
    main()
