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

from . import board, charts, disclosure, numbers
from .audits import ALL_STREAMS
from .bands import GRADES
from .periods import month_label
from .safe_text import render


class BoardPackError(Exception):
    pass


PRINT_WIDTH = 980  # px across a landscape A4 page inside its margins (277 mm is 1,047 px; room for the page)


def _table(df: pd.DataFrame, numeric: tuple[str, ...] = (), wide: tuple[str, ...] = ()) -> dict:
    """A table for the template: its columns, which are numbers (right-aligned) and which take the width (the
    measure's name, an action's wording), and its rows."""
    return {"columns": list(df.columns), "numeric": [c in numeric for c in df.columns],
            "wide": [c in wide for c in df.columns], "rows": list(df.itertuples(index=False))}


def _fig(fig: go.Figure, static: bool) -> str:
    """A chart: interactive in the HTML pack; for print, drawn once at the page's width with no toolbar and
    nothing that needs a hover (every figure is in its labels or the tables)."""
    if static:  # at the page's width, with room for every axis's labels and title (nothing clipped)
        fig.update_layout(width=PRINT_WIDTH, margin=dict(l=10, r=10, t=40, b=10))
        fig.update_xaxes(automargin=True, title_standoff=6)
        fig.update_yaxes(automargin=True)
    return fig.to_html(full_html=False, include_plotlyjs=False,
                       config={"staticPlot": True} if static else {"displaylogo": False, "responsive": True})


def _css_string(text: str) -> str:
    """Text as a CSS string, every character escaped (`\\00004a `), so nothing in it can end the string."""
    return '"' + "".join(f"\\{ord(ch):06x}" for ch in str(text)) + '"'


def _halves(table: pd.DataFrame) -> list[pd.DataFrame]:
    """A long table as two, side by side on the page, split between streams nearest the middle."""
    if len(table) < 24:
        return [_first_only(table)]
    starts = [i for i in range(1, len(table)) if table["Stream"].iloc[i] != table["Stream"].iloc[i - 1]]
    cut = min(starts, key=lambda i: abs(i - len(table) / 2), default=len(table) // 2)
    return [_first_only(table.iloc[:cut]), _first_only(table.iloc[cut:])]


def _first_only(table: pd.DataFrame) -> pd.DataFrame:
    """Each stream's name on its first row only, so every row takes one line."""
    stream = table["Stream"]
    return table.assign(Stream=stream.where(stream.ne(stream.shift()), ""))


def build_html(plan_row: dict, data, kpi: pd.DataFrame, view: dict | None, uploads: pd.DataFrame,
               publication: bool = False, generated: dt.datetime | None = None, static: bool = False) -> str:
    """The whole pack as one HTML string, plotly.js inlined (templates/boardpack.html, every value escaped).
    static: for printing (the PDF): charts drawn once, no toolbar, at the width of a landscape A4 page."""
    generated = generated or dt.datetime.now()
    now_actions = view["latest"] if view else data.actions
    as_at = pd.Timestamp(now_actions["as_at"].iloc[0]) if len(now_actions) else None
    as_at_text = month_label(as_at) if as_at is not None else "no action snapshot"
    live = uploads[(uploads["plan"] == plan_row["plan"]) & (uploads["status"] == "committed")]
    sources = ", ".join(f"upload {r['id']} ({r['file_name']}, {pd.Timestamp(r['uploaded_at']):%d/%m/%Y})"
                        for r in live.to_dict("records")) or "no uploads"
    exc = board.exceptions(kpi, data.action_rows, data.audit_rows)
    measure_figures = lambda rows: [disclosure.measure_figures(  # noqa: E731 - value, numerator, denominator
        m["value"], m["unit"], m["numerator"], m["denominator"], publication) for m in rows]
    # -- front page: the exceptions
    worst_table = _table(pd.DataFrame({
        "Code": [m["code"] for m in exc.measures], "Measure": [m["measure"] for m in exc.measures],
        "Latest": [m["latest"] for m in exc.measures],
        "Value": [v for v, _, _ in measure_figures(exc.measures)],
        "Band": [m["band"] or "Not rated" for m in exc.measures],
        "Direction": [m["direction"] or "" for m in exc.measures],
        "Exception": [" · ".join(m["reasons"]) for m in exc.measures]}), numeric=("Value",),
        wide=("Measure",)) if exc.measures else None
    acts_table = _table(pd.DataFrame({
        "Ref": [a["ref"] for a in exc.actions], "Action": [a["action"] for a in exc.actions],
        "Owner": [a["owner"] for a in exc.actions], "Rating": [a["action_rag"] for a in exc.actions],
        "Due": [a["due_text"] for a in exc.actions],
        "Days overdue": [numbers.count(a["days_overdue"]) if a["overdue"] else "" for a in exc.actions],
        "Exception": [" · ".join(a["reasons"]) for a in exc.actions]}),
        numeric=("Days overdue",), wide=("Action",)) if exc.actions else None
    # -- one section per priority
    priorities = []
    for priority in board.priorities(kpi, now_actions):
        mine = kpi[kpi["priority"] == priority] if len(kpi) else kpi
        acts = now_actions[now_actions["priority"] == priority] if len(now_actions) else now_actions
        charts_html = []
        if len(acts):
            charts_html.append(_fig(charts.brag_bars([c for c in data.action_counts if c["priority"] == priority]),
                                    static))
            if view is not None:
                traj = view["trajectory"][view["trajectory"]["group"] == priority]
                if traj["as_at"].nunique() > 1:
                    charts_html.append(_fig(charts.brag_trajectory(traj), static))
        figures = measure_figures(mine.to_dict("records"))
        priorities.append({"priority": priority, "charts": charts_html, "measures": _table(pd.DataFrame({
            "Code": mine["code"], "Measure": mine["measure"], "Latest": mine["latest"],
            "Value": [v for v, _, _ in figures], "Numerator": [n for _, n, _ in figures],
            "Denominator": [d for _, _, d in figures],
            "Band": mine["band"].fillna("Not rated"), "Target": mine["target_label"],
            "Direction": mine["direction"].fillna("")}), numeric=("Value", "Numerator", "Denominator"),
            wide=("Measure",)) if len(mine) else None})
    # -- audits: every figure as published; the chart and the sentences only where the % is printed
    audits = data.audits.reset_index(drop=True)
    audit_section, streams_fell = None, exc.audit_streams
    if not audits.empty:
        table = disclosure.audit_table(audits, publication)
        shown = table[table["Good or better"] != numbers.SUPPRESSED]
        printed = set(zip(shown["Stream"], shown["Period"]))
        said = lambda c: (c["stream"], c["from"]) in printed and (c["stream"], c["to"]) in printed  # noqa: E731
        streams_fell = [c if said(c) else {**c, "words": "fell (the figures are held back: small numbers)"}
                        for c in exc.audit_streams]
        change = [c for c in board.audit_changes(data.audit_rows) if c["stream"] == ALL_STREAMS and said(c)]
        everything = audits[[(s, p) in printed and s == ALL_STREAMS
                             for s, p in zip(audits["stream"], audits["period_label"])]]
        audit_section = {
            "headline": change[0]["words"] if change else None,
            "chart": _fig(charts.audit_trajectory(everything, publication=publication), static)
            if len(everything) else None,
            "tables": [_table(half, numeric=("Cases", *GRADES)) for half in _halves(table)]}
    return render("boardpack.html", plan=plan_row["plan"], authority=plan_row.get("authority"),
                  stamp=f"As at {as_at_text}. Figures from {sources}.", generated=f"{generated:%d/%m/%Y %H:%M}",
                  page_header=_css_string(f"{plan_row['plan']} · as at {as_at_text}"),
                  publication=publication, plotly_js=get_plotlyjs(), headlines=exc.headlines(), measures=worst_table,
                  actions=acts_table, streams_fell=streams_fell, priorities=priorities, audits=audit_section)


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
