"""Plotly figure builders. Colours always come with a label and a pattern, never alone."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

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
