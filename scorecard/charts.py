"""Plotly figure builders. Colours always come with a label and a pattern, never alone."""
from __future__ import annotations

import math
import textwrap

import pandas as pd
import plotly.graph_objects as go

from . import bands, numbers, spc
from .audits import MIN_CASES
from .bands import GRADES
from .periods import month_label, period_label
from .safe_text import plot

BRAG_COLOURS = {"Blue": "#1f5fbf", "Green": "#2e7d32", "Amber": "#f0a202", "Red": "#c62828", "Unrated": "#9e9e9e"}
BRAG_PATTERNS = {"Blue": "", "Green": "/", "Amber": ".", "Red": "x", "Unrated": "-"}
GRADE_COLOURS = {"Outstanding": "#1b5e20", "Good": "#66bb6a", "Requires Improvement": "#f0a202",
                 "Inadequate": "#c62828", "Not rated": "#9e9e9e"}
GRADE_PATTERNS = {"Outstanding": "", "Good": "/", "Requires Improvement": ".", "Inadequate": "x", "Not rated": "-"}
FONT = dict(family="Arial, Helvetica, sans-serif", size=14)


def wrapped(text, width: int = 28, lines: int = 2) -> str:
    """A long name (a priority, a stream) as a chart label: wrapped at words onto at most `lines` lines of about
    `width` characters, cut with "…" beyond them, escaped (safe_text.plot)."""
    out = textwrap.wrap(" ".join(str(text).split()), width) or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][:width - 1].rstrip(" ,;:-–") + "…"
    return "<br>".join(plot(line) for line in out)


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=FONT,
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), barmode="stack")
    return fig


def for_room(fig: go.Figure, size: int = 22) -> go.Figure:
    """A chart read from the back of the room (meeting mode, 1920x1080): every text at `size` px or more
    (axes, legend, titles, labels), and a bar label that would not fit at that size left out (the counts are
    in the slide's table)."""
    fig.update_layout(font=dict(family=FONT["family"], size=size, color="#000000"), legend_font_size=size,
                      title_font_size=size + 2, uniformtext=dict(minsize=size, mode="hide"),
                      hoverlabel_font_size=size, margin=dict(l=10, r=10, t=2 * size + 20, b=10))
    fig.update_xaxes(automargin=True, title_standoff=8)
    fig.update_yaxes(automargin=True)
    fig.update_annotations(font_size=size)
    fig.update_traces(textfont_size=size, selector=lambda t: "textfont" in t)
    return fig


def brag_bars(counts: list[dict], key: str = "action_rag", title: str = "", group: str = "priority") -> go.Figure:
    """Horizontal stacked bars per group (priority, focus area, owner): Blue, Green, Amber, Red, Unrated,
    each labelled with its letter and count and patterned, so it reads in black and white."""
    priorities = [wrapped(c[group]) for c in counts]
    fig = go.Figure()
    for rag in BRAG_COLOURS:
        xs = [c[key][rag] for c in counts]
        if not any(xs):
            continue
        fig.add_bar(y=priorities, x=xs, name=rag, orientation="h",
                    marker=dict(color=BRAG_COLOURS[rag], pattern_shape=BRAG_PATTERNS[rag],
                                pattern_fgcolor="white", pattern_fillmode="overlay"),
                    text=[f"{rag[0]} {x}" if x else "" for x in xs], textposition="inside",
                    insidetextanchor="middle",
                    hovertemplate=f"%{{y}}<br>{rag}: %{{x}}<extra></extra>")
    fig.update_yaxes(autorange="reversed", automargin=True, ticklabelstandoff=6)
    fig.update_xaxes(title="actions")
    fig.update_layout(title=title, legend_traceorder="normal")
    return _layout(fig, 80 + 45 * max(1, len(priorities)))


def brag_trajectory(traj: pd.DataFrame, height_per_group: int = 150) -> go.Figure:
    """Action RAG shares per snapshot, one 100%-stacked panel per group (laid out by hand, one row each),
    counts in the hover and in the labels."""
    groups = list(dict.fromkeys(traj["group"]))
    times = sorted(set(traj["as_at"]))
    labels = [month_label(t) for t in times]
    rows = max(1, len(groups))
    gap = 0.25 / rows if rows > 1 else 0.0
    h = (1 - gap * (rows - 1)) / rows
    layout, traces = {"annotations": []}, []
    by = {(g, r): d for (g, r), d in traj.groupby(["group", "rag"], sort=False)}
    for k, group in enumerate(groups):
        n = "" if k == 0 else str(k + 1)
        y1 = 1 - k * (h + gap)
        layout[f"xaxis{n}"] = dict(anchor=f"y{n}", type="category", categoryorder="array", categoryarray=labels,
                                   showticklabels=k == rows - 1, matches="x" if k else None)
        layout[f"yaxis{n}"] = dict(domain=[max(0.0, y1 - h), y1], anchor=f"x{n}", range=[0, 100], ticksuffix="%",
                                   tickvals=[0, 50, 100])
        if rows > 1:  # one panel needs no title: the page or slide names its group
            layout["annotations"].append(dict(text=f"<b>{wrapped(group, 90, 1)}</b>", x=0, xanchor="left", y=y1,
                                              yanchor="bottom", xref="paper", yref="paper", showarrow=False,
                                              font=dict(size=13)))
        for rag in BRAG_COLOURS:
            d = by.get((group, rag))
            if d is None or not d["count"].any():
                continue
            d = d.sort_values("as_at")
            traces.append(dict(
                type="bar", x=[month_label(t) for t in d["as_at"]], y=d["share"].tolist(),
                name=rag, legendgroup=rag, showlegend=not any(t["name"] == rag for t in traces),
                marker=dict(color=BRAG_COLOURS[rag], pattern=dict(shape=BRAG_PATTERNS[rag], fgcolor="white",
                                                                  fillmode="overlay")),
                text=[f"{rag[0]} {c}" if c else "" for c in d["count"]], textposition="inside",
                customdata=list(zip(d["count"], d["total"])), xaxis=f"x{n}", yaxis=f"y{n}",
                hovertemplate=f"{plot(group)}<br>%{{x}}: {rag} %{{customdata[0]}} of %{{customdata[1]}} (%{{y:.0f}}%)"
                              "<extra></extra>"))
    fig = go.Figure(data=traces, layout=layout)
    fig.update_layout(legend_traceorder="normal")
    return _layout(fig, 70 + height_per_group * rows)


def _guides(fig: go.Figure, zones=(), lines=()) -> None:
    """Shaded horizontal zones (grade, y0, y1) and labelled horizontal lines (label, y, style) across the
    plot, set in one layout update: fig.add_hrect/add_hline cost ~15 ms each."""
    shapes, notes = [], []
    for grade, y0, y1 in zones:
        shapes.append(dict(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=y0, y1=y1, layer="below",
                           fillcolor=GRADE_COLOURS[grade], opacity=0.13, line=dict(width=0)))
        notes.append(dict(text=grade, xref="paper", x=1, xanchor="right", yref="y", y=(y0 + y1) / 2,
                          yanchor="middle", showarrow=False, font=dict(size=12)))
    for label, y, line in lines:
        shapes.append(dict(type="line", xref="paper", x0=0, x1=1, yref="y", y0=y, y1=y, line=line))
        notes.append(dict(text=label, xref="paper", x=1, xanchor="right", yref="y", y=y, yanchor="bottom",
                          showarrow=False, font=dict(size=12), bgcolor="rgba(255,255,255,0.85)"))
    fig.update_layout(shapes=shapes, annotations=notes)


THRESHOLD_LINE = dict(color="#212121", width=1.5, dash="dot")
TARGET_LINE = dict(color="#c62828", width=2, dash="dot")
GRADE_SHORT = {"Outstanding": "O", "Good": "G", "Requires Improvement": "RI", "Inadequate": "I"}
INTERVAL_FILL = "rgba(31,95,191,0.15)"
LINE_BLUE = "#1f5fbf"


def _gob_text(pct, n) -> str:
    return numbers.pct_n(pct, n) + (" too few" if n < MIN_CASES else "")


def audit_trajectory(audits: pd.DataFrame, thresholds: list[tuple[str, float]] = (), height: int = 400,
                     publication: bool = False) -> go.Figure:
    """One stream's periods: a 100%-stacked bar of grades (counts in the labels and hover), the
    good-or-better % line with its Wilson 95% interval as a band, and the plan's thresholds as lines.

    The stack runs Outstanding, Good, Requires Improvement, Inadequate from the bottom, so the line
    meets the top of the Good segment. Periods with fewer than MIN_CASES cases get hollow markers.
    For publication the grade bars (whose heights would give small counts away) are left out; the caller
    passes only the periods whose percentage is printed (disclosure.audit_table).
    """
    a = audits[audits["cases"] > 0].sort_values("period")
    labels = a["period_label"].tolist()
    cases = a["cases"].tolist()
    fig = go.Figure()
    for g in () if publication else GRADES:
        counts = a[g].tolist()
        fig.add_bar(x=labels, y=[100 * k / n for k, n in zip(counts, cases)], name=g, opacity=0.65,
                    marker=dict(color=GRADE_COLOURS[g], pattern_shape=GRADE_PATTERNS[g], pattern_fgcolor="white",
                                pattern_fillmode="overlay"),
                    text=[f"{GRADE_SHORT[g]} {k}" if k else "" for k in counts], textposition="inside",
                    insidetextanchor="middle", customdata=list(zip(counts, cases)),
                    hovertemplate=f"%{{x}}<br>{g}: %{{customdata[0]}} of %{{customdata[1]}} cases "
                                  "(%{y:.0f}%)<extra></extra>")
    fig.add_scatter(x=labels + labels[::-1], y=a["ci_high"].tolist() + a["ci_low"].tolist()[::-1],
                    fill="toself", fillcolor=INTERVAL_FILL, line=dict(width=0), mode="lines",
                    name="95% interval", hoverinfo="skip")
    few = [n < MIN_CASES for n in cases]
    fig.add_scatter(x=labels, y=a["good_or_better_pct"], mode="lines+markers+text", name="Good or better %",
                    text=[_gob_text(v, n) for v, n in zip(a["good_or_better_pct"], cases)],
                    textposition="top center", line=dict(color=LINE_BLUE, width=3),
                    textfont=dict(color="#0d3b80", size=14, weight="bold"),
                    marker=dict(size=10, color=LINE_BLUE, symbol=["circle-open" if f else "circle" for f in few],
                                line=dict(width=2, color=LINE_BLUE)),
                    customdata=list(zip(a["good_or_better"], cases, a["ci_low"], a["ci_high"])),
                    hovertemplate="%{x}: %{y:.0f}% good or better (%{customdata[0]} of %{customdata[1]})"
                                  "<br>95% interval %{customdata[2]:.0f}%–%{customdata[3]:.0f}%<extra></extra>")
    _guides(fig, lines=[(label, y, THRESHOLD_LINE) for label, y in thresholds])
    fig.update_yaxes(range=[0, 112], title="% of cases audited", ticksuffix="%", tickvals=list(range(0, 101, 20)))
    fig.update_xaxes(type="category")
    return _layout(fig, height)


def audit_heatmap(audits: pd.DataFrame) -> go.Figure:
    """Streams x periods coloured by good-or-better %, each cell labelled with its % and number of cases."""
    a = audits[audits["cases"] > 0]
    periods = a[["period", "period_label"]].drop_duplicates().sort_values("period")["period_label"].tolist()
    streams = list(dict.fromkeys(a["stream"]))
    cell = {(r["stream"], r["period_label"]): r for r in a.to_dict("records")}
    z, text = [], []
    for s in streams:
        row = [cell.get((s, p)) for p in periods]
        z.append([None if r is None else r["good_or_better_pct"] for r in row])
        text.append(["" if r is None else (f"{numbers.pct(r['good_or_better_pct'])}<br>n={numbers.count(r['cases'])}"
                                           + ("<br>too few" if r["cases"] < MIN_CASES else "")) for r in row])
    fig = go.Figure(go.Heatmap(z=z, x=periods, y=[plot(s) for s in streams], text=text, texttemplate="%{text}",
                               zmin=0, zmax=100, colorscale="Cividis", xgap=2, ygap=2,
                               colorbar=dict(title="% good<br>or better", ticksuffix="%"),
                               hovertemplate="%{y}, %{x}<br>%{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", automargin=True, type="category")
    fig.update_xaxes(type="category", side="top")
    return _layout(fig, 90 + 48 * max(1, len(streams)))


def audit_small_multiples(audits: pd.DataFrame, columns: int = 3) -> go.Figure:
    """Each stream's good-or-better % with its interval, one small panel per stream, shared axes.

    Axes and traces are laid out by hand: make_subplots costs ~50 ms more for ten panels."""
    a = audits[audits["cases"] > 0].sort_values("period")
    periods = a[["period", "period_label"]].drop_duplicates()["period_label"].tolist()
    streams = sorted(set(a["stream"]), key=str.casefold)
    cols = max(1, min(columns, len(streams)))
    rows = max(1, -(-len(streams) // cols))
    gap_x, gap_y = 0.05, 0.12 if rows > 1 else 0.0
    width, height = (1 - gap_x * (cols - 1)) / cols, (1 - gap_y * (rows - 1)) / rows
    layout, traces = {}, []
    by_stream = dict(tuple(a.groupby("stream", sort=False)))
    for k, stream in enumerate(streams):
        g = by_stream[stream]
        r, c = divmod(k, cols)
        n = "" if k == 0 else str(k + 1)
        x0, y1 = c * (width + gap_x), 1 - r * (height + gap_y)
        layout[f"xaxis{n}"] = dict(domain=[x0, min(1.0, x0 + width)], anchor=f"y{n}", type="category",
                                   categoryorder="array", categoryarray=periods)
        layout[f"yaxis{n}"] = dict(domain=[max(0.0, y1 - height), y1], anchor=f"x{n}", range=[0, 100], ticksuffix="%",
                                   dtick=25, showticklabels=c == 0)
        layout.setdefault("annotations", []).append(dict(
            text=f"<b>{plot(stream)}</b>", x=x0 + width / 2, y=y1, xref="paper", yref="paper", xanchor="center",
            yanchor="bottom", showarrow=False, font=dict(size=13)))
        x, cases = g["period_label"].tolist(), g["cases"].tolist()
        traces.append(dict(type="scatter", x=x + x[::-1], y=g["ci_high"].tolist() + g["ci_low"].tolist()[::-1],
                           fill="toself", fillcolor=INTERVAL_FILL, line=dict(width=0), mode="lines", hoverinfo="skip",
                           showlegend=k == 0, name="95% interval", legendgroup="ci", xaxis=f"x{n}", yaxis=f"y{n}"))
        traces.append(dict(type="scatter", x=x, y=g["good_or_better_pct"].tolist(), mode="lines+markers",
                           name="Good or better %", legendgroup="gob", showlegend=k == 0,
                           line=dict(color=LINE_BLUE, width=2),
                           marker=dict(color=LINE_BLUE,
                                       symbol=["circle-open" if v < MIN_CASES else "circle" for v in cases]),
                           text=[_gob_text(v, m) for v, m in zip(g["good_or_better_pct"], cases)],
                           hovertemplate=f"{plot(stream)}<br>%{{x}}: %{{text}}<extra></extra>",
                           xaxis=f"x{n}", yaxis=f"y{n}"))
    fig = go.Figure(data=traces, layout=layout)
    return _layout(fig, 60 + 210 * rows)


# -- Measure detail ---------------------------------------------------------------------------
SPC_COLOURS = {"improvement": "#1f5fbf", "concern": "#e66100", "neither": "#7b3294"}
SPC_SYMBOLS = {"improvement": "triangle-up", "concern": "x", "neither": "diamond"}
BENCHMARK_STYLES = {"england": ("England", "dot"), "region": ("Region", "dashdot"),
                    "neighbours": ("Statistical neighbours", "longdash")}


def band_zones(banding: bands.Banding, bottom: float, top: float) -> list[tuple[str, float, float]]:
    """The y-ranges that the rating rules give each grade, best first, clipped to [bottom, top].

    Higher is better: a value is rated the best grade whose lower end it reaches, so each zone runs
    from its band's lower end up to the next better band's; below Requires Improvement is Inadequate.
    Lower is better mirrors this with the upper ends (the Outstanding zone sits at the bottom).
    """
    if banding.polarity not in ("higher", "lower") or not banding.bands:
        return []
    higher = banding.polarity == "higher"
    present = [g for g in reversed(bands.BAND_COLUMNS) if g in banding.bands]  # best first
    edges = [banding.bands[g].lo if higher else banding.bands[g].hi for g in present]
    zones = []
    outer = top if higher else bottom
    for grade, edge in zip(present + ["Inadequate"], edges + [bottom if higher else top]):
        lo, hi = (edge, outer) if higher else (outer, edge)
        lo, hi = max(lo, bottom), min(hi, top)
        if hi > lo:
            zones.append((grade, lo, hi))
        outer = edge
    return zones


def measure_chart(series: pd.DataFrame, banding: bands.Banding, target: float | None = None,
                  chart: spc.SPC | None = None, benchmarks: pd.DataFrame | None = None,
                  unit: str | None = None) -> go.Figure:
    """A measure over time: the plan's bands shaded behind (polarity-aware), target, SPC and benchmarks.

    series: period, period_label, value, numerator, denominator, illustrative, band (oldest first).
    """
    s = series.reset_index(drop=True)
    monthly = (s["period_kind"] == "month").all() if "period_kind" in s else True
    x = s["period"].tolist() if monthly else s["period_label"].tolist()
    suffix = "%" if unit == "%" else ""
    ys = [v for v in s["value"].tolist() if v is not None and v == v]
    extra = [target] if target is not None else []
    extra += [e for b in banding.bands.values() for e in (b.lo, b.hi) if math.isfinite(e)]
    if chart is not None and chart.latest_limits is not None:
        extra += [seg.limits.lower for seg in chart.segments if seg.limits] + \
                 [seg.limits.upper for seg in chart.segments if seg.limits]
    if benchmarks is not None and len(benchmarks):
        extra += [v for f in BENCHMARK_STYLES for v in benchmarks[f].dropna().tolist()]
    lo, hi = min(ys + extra, default=0), max(ys + extra, default=1)
    pad = max((hi - lo) * 0.1, 1)
    bottom, top = lo - pad, hi + pad
    if unit == "%":
        bottom, top = max(bottom, 0), min(top, 100) if hi <= 100 else top
    fig = go.Figure()
    _guides(fig, band_zones(banding, bottom, top),
            [(f"Target {numbers.threshold(target, unit)}", target, TARGET_LINE)] if target is not None else [])
    hover = []
    for r in s.to_dict("records"):
        parts = [f"<b>{r['period_label']}</b>", numbers.value(r["value"], unit)]
        if r.get("numerator") is not None and r["numerator"] == r["numerator"]:
            parts.append(f"{numbers.count(r['numerator'])} of {numbers.count(r['denominator'])}"
                         if r.get("denominator") == r.get("denominator") and r.get("denominator") is not None
                         else f"numerator {numbers.count(r['numerator'])}")
        parts.append(r.get("band") or "not rated")
        if r.get("illustrative"):
            parts.append("◇ illustrative")
        hover.append("<br>".join(parts))
    symbols = ["diamond-open" if r else "circle" for r in s["illustrative"].tolist()]
    fig.add_scatter(x=x, y=s["value"], mode="lines+markers", name="Value",
                    line=dict(color="#212121", width=2), marker=dict(size=8, symbol=symbols, color="#212121"),
                    hovertext=hover, hoverinfo="text")
    if s["illustrative"].any():
        fig.add_scatter(x=[None], y=[None], mode="markers", name="◇ illustrative value",
                        marker=dict(symbol="diamond-open", size=9, color="#212121"))
    if chart is not None:
        for seg in chart.segments:
            if seg.limits is None:
                continue
            xs = x[seg.start:seg.end]
            lim = seg.limits
            first = seg is next(sg for sg in chart.segments if sg.limits)
            for y, name, dash in ((lim.mean, "Mean", "solid"), (lim.upper, "Process limits", "dash"),
                                  (lim.lower, "Process limits", "dash")):
                fig.add_scatter(x=xs, y=[y] * len(xs), mode="lines", name=name, legendgroup=name,
                                showlegend=first and y != lim.lower,
                                line=dict(color="#616161", width=1.5, dash=dash),
                                hovertemplate=f"{name}: {numbers.value(y, unit)}<extra></extra>")
        for cls in SPC_COLOURS:
            idx = [i for i, c in enumerate(chart.classes) if c == cls]
            if idx:
                fig.add_scatter(x=[x[i] for i in idx], y=[chart.values[i] for i in idx], mode="markers",
                                name=f"Special cause: {cls}", hoverinfo="skip",
                                marker=dict(size=13, symbol=SPC_SYMBOLS[cls], color=SPC_COLOURS[cls],
                                            line=dict(width=1, color="white")))
    if benchmarks is not None and len(benchmarks):
        for f, (label, dash) in BENCHMARK_STYLES.items():
            b = benchmarks[benchmarks[f].notna()]
            if len(b):
                bx = b["period"] if monthly else [period_label(p.date(), k)
                                                  for p, k in zip(b["period"], b["period_kind"])]
                fig.add_scatter(x=bx, y=b[f], mode="lines+markers", name=label, line_shape="hv",
                                line=dict(color="#455a64", width=1.5, dash=dash), marker=dict(size=6),
                                hovertemplate=f"{label}: %{{y:.1f}}{suffix}<extra></extra>")
    fig.update_yaxes(range=[bottom, top], ticksuffix=suffix)
    if monthly:
        fig.update_xaxes(tickformat="%b-%y")
    else:
        fig.update_xaxes(type="category")
    return _layout(fig, 420)
