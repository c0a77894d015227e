"""The board pack: one self-contained HTML file (interactive charts, no internet needed) and a PDF of it.

The front page lists the exceptions; every section states its as-at month and the uploads its figures
came from. For publication, counts of 1 to 5 show as `c` (DfE practice). No case reference is ever
read, so none can appear.
"""
from __future__ import annotations

import datetime as dt
import html
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from . import actions, board, charts
from .audits import ALL_STREAMS
from .periods import period_label

CSS = """
body { font-family: Arial, Helvetica, sans-serif; color: #111; margin: 2rem auto; max-width: 1100px; line-height: 1.45; }
h1 { font-size: 2rem; margin-bottom: .2rem; } h2 { border-bottom: 3px solid #111; padding-bottom: .2rem; margin-top: 2.5rem; }
.meta { color: #444; } .section { page-break-before: always; } .front { page-break-after: always; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0; font-size: .95rem; }
th, td { border: 1px solid #999; padding: .3rem .45rem; text-align: left; vertical-align: top; }
th { background: #eee; } td.num { text-align: right; }
.headline { font-size: 1.25rem; } .note { font-size: .85rem; color: #444; }
@media print { body { margin: 0; max-width: none; } }
"""


class BoardPackError(Exception):
    pass


def _e(v) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return html.escape(str(v))


def _table(df: pd.DataFrame, numeric: tuple[str, ...] = ()) -> str:
    if df.empty:
        return "<p class='note'>None.</p>"
    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td class='num'>{_e(v)}</td>" if c in numeric else f"<td>{_e(v)}</td>"
                                    for c, v in zip(df.columns, r)) + "</tr>" for r in df.itertuples(index=False))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _fig(fig: go.Figure) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})


def _value(v, unit) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return f"{v:g}%" if unit == "%" else f"{v:g}"


def build_html(plan_row: dict, data, kpi: pd.DataFrame, view: dict | None, uploads: pd.DataFrame,
               publication: bool = False, generated: dt.datetime | None = None) -> str:
    """The whole pack as one HTML string, plotly.js inlined."""
    generated = generated or dt.datetime.now()
    now_actions = view["latest"] if view else data.actions
    as_at = pd.Timestamp(now_actions["as_at"].iloc[0]) if len(now_actions) else None
    as_at_text = period_label(as_at.date(), "month") if as_at is not None else "no action snapshot"
    live = uploads[(uploads["plan"] == plan_row["plan"]) & (uploads["status"] == "committed")]
    sources = ", ".join(f"upload {r['id']} ({r['file_name']}, {pd.Timestamp(r['uploaded_at']):%d/%m/%Y})"
                        for r in live.to_dict("records")) or "no uploads"
    stamp = f"As at {as_at_text}. Figures from {sources}."
    exc = board.exceptions(kpi, now_actions, data.audits)
    s = lambda n: board.suppress(n, publication)  # noqa: E731
    parts = [f"<!doctype html><html lang='en-GB'><head><meta charset='utf-8'><title>{_e(plan_row['plan'])} board pack"
             f"</title><style>{CSS}</style><script>{get_plotlyjs()}</script></head><body>"]
    # -- front page
    parts.append(f"<div class='front'><h1>{_e(plan_row['plan'])}: improvement board pack</h1>"
                 f"<p class='meta'>{_e(plan_row.get('authority'))} · {_e(stamp)} Generated "
                 f"{generated:%d/%m/%Y %H:%M}." + (" <b>For publication: counts of 1 to 5 are shown as c.</b>"
                                                    if publication else "") + "</p><h2>Exceptions</h2><ul>")
    parts += [f"<li class='headline'>{_e(line)}</li>" for line in exc.headlines()]
    parts.append("</ul>")
    worst = pd.concat([exc.inadequate, exc.worse, exc.concern]).drop_duplicates("code") if len(kpi) else kpi
    if len(worst):
        parts.append("<h3>Measures</h3>" + _table(pd.DataFrame({
            "Code": worst["code"], "Measure": worst["measure"], "Latest": worst["latest"],
            "Value": [_value(v, u) for v, u in zip(worst["value"], worst["unit"])], "Band": worst["band"].fillna("Not rated"),
            "Direction": worst["direction"].fillna(""), "Exception": worst["exception"].fillna("")})))
    acts = pd.concat([exc.red, exc.overdue]).drop_duplicates("ref") if len(now_actions) else now_actions
    if len(acts):
        parts.append("<h3>Actions</h3>" + _table(pd.DataFrame({
            "Ref": acts["ref"], "Action": acts["action"], "Owner": acts["owner"], "Rating": acts["action_rag"],
            "Due": acts["due_text"], "Days overdue": acts["days_overdue"].astype(object).where(acts["overdue"], "")}),
            numeric=("Days overdue",)))
    if exc.streams_fell:
        parts.append("<h3>Audit streams that fell</h3><ul>" + "".join(
            f"<li>{_e(c['stream'])}: {_e(c['words'])} ({_e(c['from'])} to {_e(c['to'])})</li>"
            for c in exc.streams_fell) + "</ul>")
    parts.append("</div>")
    # -- one section per priority
    for priority in board.priorities(kpi, now_actions):
        mine = kpi[kpi["priority"] == priority] if len(kpi) else kpi
        acts = now_actions[now_actions["priority"] == priority] if len(now_actions) else now_actions
        parts.append(f"<div class='section'><h2>{_e(priority)}</h2><p class='meta'>{_e(stamp)}</p>")
        if len(mine):
            parts.append("<h3>Measures</h3>" + _table(pd.DataFrame({
                "Code": mine["code"], "Measure": mine["measure"], "Latest": mine["latest"],
                "Value": [("c" if publication and d == d and d is not None and int(d) in board.SMALL else _value(v, u))
                          for v, u, d in zip(mine["value"], mine["unit"], mine["denominator"])],
                "Numerator": [s(n) for n in mine["numerator"]], "Denominator": [s(d) for d in mine["denominator"]],
                "Band": mine["band"].fillna("Not rated"), "Target": mine["target_label"],
                "Direction": mine["direction"].fillna("")}), numeric=("Value", "Numerator", "Denominator")))
        if len(acts):
            parts.append("<h3>Actions by rating</h3>" + _fig(charts.brag_bars(actions.counts(acts))))
            if view is not None:
                traj = view["trajectory"][view["trajectory"]["group"] == priority]
                if traj["as_at"].nunique() > 1:
                    parts.append(_fig(charts.brag_trajectory(traj)))
        parts.append("</div>")
    # -- audits
    parts.append(f"<div class='section'><h2>Case-file audits</h2><p class='meta'>{_e(stamp)}</p>")
    audits = data.audits
    if audits.empty:
        parts.append("<p>No audit results loaded for this plan.</p>")
    else:
        total = audits[audits["stream"] == ALL_STREAMS]
        change = [c for c in board.audit_changes(audits) if c["stream"] == ALL_STREAMS]
        if change:
            parts.append(f"<p class='headline'>All streams: {_e(change[0]['words'])}.</p>")
        parts.append(_fig(charts.audit_trajectory(total, publication=publication)))
        small = lambda n: publication and int(n) in board.SMALL  # noqa: E731
        parts.append(_table(pd.DataFrame({
            "Stream": audits["stream"], "Period": audits["period_label"], "Cases": [s(n) for n in audits["cases"]],
            **{g: [s(n) for n in audits[g]] for g in ("Outstanding", "Good", "Requires Improvement", "Inadequate")},
            "Good or better": ["c" if small(n) else f"{p:.0f}%" for p, n in zip(audits["good_or_better_pct"], audits["cases"])],
            "95% interval": ["c" if small(n) else f"{lo:.0f}%–{hi:.0f}%"
                             for lo, hi, n in zip(audits["ci_low"], audits["ci_high"], audits["cases"])]}),
            numeric=("Cases", "Outstanding", "Good", "Requires Improvement", "Inadequate")))
    parts.append("</div></body></html>")
    return "".join(parts)


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
