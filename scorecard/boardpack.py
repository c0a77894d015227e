"""The board pack: one self-contained HTML file (interactive charts, no internet needed) and a PDF of it.

The front page lists the exceptions; every section states its as-at month and the uploads its figures
came from. For publication, counts of 1 to 5 show as `c` (DfE practice). No case reference is ever
read, so none can appear.
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from . import board, charts
from .audits import ALL_STREAMS
from .periods import month_label
from .safe_text import render


class BoardPackError(Exception):
    pass


def _table(df: pd.DataFrame, numeric: tuple[str, ...] = ()) -> dict:
    """A table for the template: its columns, which are numbers (right-aligned), and its rows."""
    return {"columns": list(df.columns), "numeric": [c in numeric for c in df.columns],
            "rows": list(df.itertuples(index=False))}


def _fig(fig: go.Figure) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})


def _value(v, unit) -> str:
    if v is None:
        return ""
    return f"{v:g}%" if unit == "%" else f"{v:g}"


def build_html(plan_row: dict, data, kpi: pd.DataFrame, view: dict | None, uploads: pd.DataFrame,
               publication: bool = False, generated: dt.datetime | None = None) -> str:
    """The whole pack as one HTML string, plotly.js inlined (templates/boardpack.html, every value escaped)."""
    generated = generated or dt.datetime.now()
    now_actions = view["latest"] if view else data.actions
    as_at = pd.Timestamp(now_actions["as_at"].iloc[0]) if len(now_actions) else None
    as_at_text = month_label(as_at) if as_at is not None else "no action snapshot"
    live = uploads[(uploads["plan"] == plan_row["plan"]) & (uploads["status"] == "committed")]
    sources = ", ".join(f"upload {r['id']} ({r['file_name']}, {pd.Timestamp(r['uploaded_at']):%d/%m/%Y})"
                        for r in live.to_dict("records")) or "no uploads"
    exc = board.exceptions(kpi, data.action_rows, data.audit_rows)
    s = lambda n: board.suppress(n, publication)  # noqa: E731
    # -- front page: the exceptions
    worst_table = _table(pd.DataFrame({
        "Code": [m["code"] for m in exc.measures], "Measure": [m["measure"] for m in exc.measures],
        "Latest": [m["latest"] for m in exc.measures],
        "Value": [_value(m["value"], m["unit"]) for m in exc.measures],
        "Band": [m["band"] or "Not rated" for m in exc.measures],
        "Direction": [m["direction"] or "" for m in exc.measures],
        "Exception": [" · ".join(m["reasons"]) for m in exc.measures]})) if exc.measures else None
    acts_table = _table(pd.DataFrame({
        "Ref": [a["ref"] for a in exc.actions], "Action": [a["action"] for a in exc.actions],
        "Owner": [a["owner"] for a in exc.actions], "Rating": [a["action_rag"] for a in exc.actions],
        "Due": [a["due_text"] for a in exc.actions],
        "Days overdue": [a["days_overdue"] if a["overdue"] else "" for a in exc.actions],
        "Exception": [" · ".join(a["reasons"]) for a in exc.actions]}),
        numeric=("Days overdue",)) if exc.actions else None
    # -- one section per priority
    priorities = []
    for priority in board.priorities(kpi, now_actions):
        mine = kpi[kpi["priority"] == priority] if len(kpi) else kpi
        acts = now_actions[now_actions["priority"] == priority] if len(now_actions) else now_actions
        charts_html = []
        if len(acts):
            charts_html.append(_fig(charts.brag_bars([c for c in data.action_counts if c["priority"] == priority])))
            if view is not None:
                traj = view["trajectory"][view["trajectory"]["group"] == priority]
                if traj["as_at"].nunique() > 1:
                    charts_html.append(_fig(charts.brag_trajectory(traj)))
        priorities.append({"priority": priority, "charts": charts_html, "measures": _table(pd.DataFrame({
            "Code": mine["code"], "Measure": mine["measure"], "Latest": mine["latest"],
            "Value": [("c" if publication and d is not None and int(d) in board.SMALL else _value(v, u))
                      for v, u, d in zip(mine["value"], mine["unit"], mine["denominator"])],
            "Numerator": [s(n) for n in mine["numerator"]], "Denominator": [s(d) for d in mine["denominator"]],
            "Band": mine["band"].fillna("Not rated"), "Target": mine["target_label"],
            "Direction": mine["direction"].fillna("")}), numeric=("Value", "Numerator", "Denominator"))
            if len(mine) else None})
    # -- audits
    audits = data.audits
    audit_section = None
    if not audits.empty:
        change = [c for c in board.audit_changes(data.audit_rows) if c["stream"] == ALL_STREAMS]
        small = lambda n: publication and int(n) in board.SMALL  # noqa: E731
        audit_section = {
            "headline": change[0]["words"] if change else None,
            "chart": _fig(charts.audit_trajectory(audits[audits["stream"] == ALL_STREAMS], publication=publication)),
            "table": _table(pd.DataFrame({
                "Stream": audits["stream"], "Period": audits["period_label"], "Cases": [s(n) for n in audits["cases"]],
                **{g: [s(n) for n in audits[g]] for g in ("Outstanding", "Good", "Requires Improvement", "Inadequate")},
                "Good or better": ["c" if small(n) else f"{p:.0f}%"
                                   for p, n in zip(audits["good_or_better_pct"], audits["cases"])],
                "95% interval": ["c" if small(n) else f"{lo:.0f}%–{hi:.0f}%"
                                 for lo, hi, n in zip(audits["ci_low"], audits["ci_high"], audits["cases"])]}),
                numeric=("Cases", "Outstanding", "Good", "Requires Improvement", "Inadequate"))}
    return render("boardpack.html", plan=plan_row["plan"], authority=plan_row.get("authority"),
                  stamp=f"As at {as_at_text}. Figures from {sources}.", generated=f"{generated:%d/%m/%Y %H:%M}",
                  publication=publication, plotly_js=get_plotlyjs(), headlines=exc.headlines(), measures=worst_table,
                  actions=acts_table, streams_fell=exc.audit_streams, priorities=priorities, audits=audit_section)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def to_pdf(page: str, timeout: float = 120) -> bytes:
    """Print the pack with headless Chromium (charts drawn first), as the board papers' PDF."""
    exe = chromium()
    if exe is None:
        raise BoardPackError("making the PDF needs Chromium (sudo apt-get install chromium); the HTML pack "
                             "works without it")
    with tempfile.TemporaryDirectory() as d:
        src, out = Path(d) / "pack.html", Path(d) / "pack.pdf"
        src.write_text(page, encoding="utf-8")
        res = subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                              "--run-all-compositor-stages-before-draw", "--virtual-time-budget=20000",
                              f"--user-data-dir={d}/profile", f"--print-to-pdf={out}", src.as_uri()],
                             capture_output=True, timeout=timeout)
        if not out.is_file() or out.stat().st_size == 0:
            raise BoardPackError(f"Chromium could not print the pack (exit {res.returncode})")
        return out.read_bytes()
