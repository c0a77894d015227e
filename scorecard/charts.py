"""Plotly figure builders. Colours always come with a label and a pattern, never alone."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import bands, spc

BRAG_COLOURS = {"Blue": "#1f5fbf", "Green": "#2e7d32", "Amber": "#f0a202", "Red": "#c62828", "Unrated": "#9e9e9e"}
BRAG_PATTERNS = {"Blue": "", "Green": "/", "Amber": ".", "Red": "x", "Unrated": "-"}
GRADE_COLOURS = {"Outstanding": "#1b5e20", "Good": "#66bb6a", "Requires Improvement": "#f0a202",
                 "Inadequate": "#c62828", "Not rated": "#9e9e9e"}
GRADE_PATTERNS = {"Outstanding": "", "Good": "/", "Requires Improvement": ".", "Inadequate": "x", "Not rated": "-"}
FONT = dict(family="Arial, Helvetica, sans-serif", size=14)


def _layout(fig: go.Figure, height: int) -> go.Figure:
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=30, b=10), font=FONT,
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), barmode="stack")
    return fig


def brag_bars(counts: list[dict], key: str = "action_rag", title: str = "") -> go.Figure:
    """Horizontal stacked bars per priority: Blue, Green, Amber, Red, Unrated, labelled with counts."""
    priorities = [c["priority"] for c in counts]
    fig = go.Figure()
    for rag in BRAG_COLOURS:
        xs = [c[key][rag] for c in counts]
        if not any(xs):
            continue
        fig.add_bar(y=priorities, x=xs, name=rag, orientation="h",
                    marker=dict(color=BRAG_COLOURS[rag], pattern_shape=BRAG_PATTERNS[rag],
                                pattern_fgcolor="white"),
                    text=[f"{rag[0]} {x}" if x else "" for x in xs], textposition="inside",
                    insidetextanchor="middle",
                    hovertemplate=f"%{{y}}<br>{rag}: %{{x}}<extra></extra>")
    fig.update_yaxes(autorange="reversed", automargin=True, ticklabelstandoff=6)
    fig.update_xaxes(title="actions")
    fig.update_layout(title=title)
    return _layout(fig, 80 + 45 * max(1, len(priorities)))


def audit_trend(audits: pd.DataFrame) -> go.Figure:
    """Good-or-better % per period with its Wilson 95% interval as a band, n in the hover."""
    a = audits.sort_values("period")
    labels = a["period_label"].tolist()
    fig = go.Figure()
    fig.add_scatter(x=labels + labels[::-1], y=a["ci_high"].tolist() + a["ci_low"].tolist()[::-1],
                    fill="toself", fillcolor="rgba(31,95,191,0.15)", line=dict(width=0),
                    name="95% interval", hoverinfo="skip")
    fig.add_scatter(x=labels, y=a["good_or_better_pct"], mode="lines+markers+text",
                    text=[f"{v:.0f}% (n={n})" for v, n in zip(a["good_or_better_pct"], a["cases"])],
                    textposition="top center", name="Good or better",
                    line=dict(color="#1f5fbf", width=3),
                    hovertemplate="%{x}: %{y:.0f}% good or better<extra></extra>")
    fig.update_yaxes(range=[0, 105], title="% good or better", ticksuffix="%")
    fig.update_xaxes(type="category")
    return _layout(fig, 300)


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
    x = s["period"].tolist()
    suffix = "%" if unit == "%" else ""
    ys = [v for v in s["value"].tolist() if v is not None and v == v]
    extra = [target] if target is not None else []
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
    for grade, z0, z1 in band_zones(banding, bottom, top):
        fig.add_hrect(y0=z0, y1=z1, fillcolor=GRADE_COLOURS[grade], opacity=0.13, line_width=0, layer="below",
                      annotation_text=grade, annotation_position="right", annotation_font_size=12)
    hover = []
    for r in s.to_dict("records"):
        parts = [f"<b>{r['period_label']}</b>", f"{r['value']:g}{suffix}"]
        if r.get("numerator") is not None and r["numerator"] == r["numerator"]:
            parts.append(f"{r['numerator']:g} of {r['denominator']:g}" if r.get("denominator") == r.get("denominator")
                         and r.get("denominator") is not None else f"numerator {r['numerator']:g}")
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
                                hovertemplate=f"{name}: {y:.1f}{suffix}<extra></extra>")
        for cls in SPC_COLOURS:
            idx = [i for i, c in enumerate(chart.classes) if c == cls]
            if idx:
                fig.add_scatter(x=[x[i] for i in idx], y=[chart.values[i] for i in idx], mode="markers",
                                name=f"Special cause: {cls}", hoverinfo="skip",
                                marker=dict(size=13, symbol=SPC_SYMBOLS[cls], color=SPC_COLOURS[cls],
                                            line=dict(width=1, color="white")))
    if target is not None:
        fig.add_hline(y=target, line=dict(color="#c62828", width=2, dash="dot"),
                      annotation_text=f"Target {target:g}{suffix}", annotation_position="top left")
    if benchmarks is not None and len(benchmarks):
        for f, (label, dash) in BENCHMARK_STYLES.items():
            b = benchmarks[benchmarks[f].notna()]
            if len(b):
                fig.add_scatter(x=b["period"], y=b[f], mode="lines+markers", name=label, line_shape="hv",
                                line=dict(color="#455a64", width=1.5, dash=dash), marker=dict(size=6),
                                hovertemplate=f"{label}: %{{y:g}}{suffix}<extra></extra>")
    fig.update_yaxes(range=[bottom, top], ticksuffix=suffix)
    fig.update_xaxes(tickformat="%b-%y")
    return _layout(fig, 420)
