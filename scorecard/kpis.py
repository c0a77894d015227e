"""The Compliance KPIs table: every measure's latest position, trend and SPC reading, exceptions first."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import bands, board, queries, spc
from .actions import natural_key
from .periods import period_label
from .summary import PlanData, banding_for, measure_spc

BAND_LABELS = {"Outstanding": "⭐ Outstanding", "Good": "🟩 Good", "Requires Improvement": "🟧 Requires improvement",
               "Inadequate": "🟥 Inadequate", None: "⬜ Not rated"}
# The table's order: the board's reasons (board.measure_reasons), with Requires Improvement after the worst two.
EXCEPTION_ORDER = (board.INADEQUATE, board.RED_TARGET, "Requires Improvement", board.WORSENING, board.TARGET_MISSED,
                   board.CONCERN)
SEARCHED = ("code", "measure", "priority", "focus_area", "source")


def direction_label(value, previous, direction) -> str:
    if direction is None:
        return ""
    if direction == "stable":
        return "► stable"
    arrow = "▲" if value > previous else "▼"
    return f"{arrow} {direction}"


def exception(r: dict) -> str | None:
    """The first reason a measure needs attention, in the table's order (EXCEPTION_ORDER), or None."""
    reasons = board.measure_reasons(r)
    if r["band"] == "Requires Improvement":
        reasons.append("Requires Improvement")
    return min(reasons, key=EXCEPTION_ORDER.index, default=None)


def kpi_table(data: PlanData, run: int = spc.DEFAULT_RUN, screen: bool = False) -> pd.DataFrame:
    """One row per measure, sorted exceptions first (Inadequate, Red against target, Requires Improvement,
    worsening, target not met, special-cause concern), then by code as people sort it. Figures that are
    missing are None, never NaN."""
    charts = measure_spc(data, run, screen)
    latest_bench = {b["code"]: b for b in data.benchmark_rows}  # oldest first: the last of each code stays
    rows = []
    for m in data.measure_rows:
        chart = charts.get(m["code"])
        bench = latest_bench.get(m["code"], {})
        series = data.series.get(m["code"])
        r = {
            "code": m["code"], "measure": m["measure"], "priority": m.get("priority"),
            "focus_area": m.get("focus_area"), "source": m.get("source"), "unit": m.get("unit"),
            "polarity": m["polarity"], "latest": m["latest_label"], "value": m["value"],
            "previous_value": m["previous_value"],
            "numerator": m["numerator"], "denominator": m["denominator"], "band": m["band"],
            "band_label": BAND_LABELS.get(m["band"], m["band"]), "target": m.get("target"),
            "target_met": m["target_met"], "target_rag": m["target_rag"],
            "target_label": {True: "✓ met", False: "✗ not met"}.get(m["target_met"], ""),
            "direction": m["direction"],
            "direction_label": direction_label(m["value"], m["previous_value"], m["direction"]),
            "trend": np.round(series["values"], 2).tolist() if series else [],
            "variation": chart.variation if chart else None,
            "variation_label": (chart.variation_icon or "Run chart (<13 points)") if chart else "",
            "assurance": chart.assurance if chart else None,
            "assurance_label": (chart.assurance_icon or "") if chart else "",
            "england": bench.get("england"), "region": bench.get("region"), "neighbours": bench.get("neighbours"),
            "illustrative": m["illustrative"],
        }
        r["exception"] = exception(r)
        rows.append(r)
    rank = {e: i for i, e in enumerate(EXCEPTION_ORDER)}
    rows.sort(key=lambda r: (rank.get(r["exception"], len(rank)), natural_key(r["code"])))
    return queries.frame(rows, list(rows[0]) if rows else ["code", "exception"])


def filter_table(df: pd.DataFrame, priorities=(), focus_areas=(), band_labels=(), sources=(),
                 search: str = "") -> pd.DataFrame:
    """Each filter left empty means 'all'; search matches code, measure, priority, focus area or source."""
    keep = pd.Series(True, index=df.index)
    for col, chosen in (("priority", priorities), ("focus_area", focus_areas), ("band_label", band_labels),
                        ("source", sources)):
        if chosen:
            keep &= df[col].isin(list(chosen))
    text = " ".join(search.split()).lower()
    if text:
        hay = df[list(SEARCHED)].fillna("").astype(str).agg(" ".join, axis=1).str.lower()
        keep &= hay.str.contains(text, regex=False)
    return df[keep]


EXPORT_COLUMNS = {"code": "Code", "measure": "Measure", "priority": "Priority", "focus_area": "Focus area",
                  "source": "Source", "latest": "Latest period", "value": "Value", "numerator": "Numerator",
                  "denominator": "Denominator", "band": "Band", "target": "Target", "target_label": "Target met",
                  "direction": "Direction of travel", "variation_label": "SPC variation",
                  "assurance_label": "SPC assurance", "england": "England", "region": "Region",
                  "neighbours": "Statistical neighbours", "exception": "Exception", "illustrative": "Illustrative"}


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    out = df[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS)
    out["Band"] = out["Band"].fillna("Not rated")
    return out


def measure_series(store, data: PlanData, code: str) -> pd.DataFrame:
    """One measure's values oldest first (blank ones left out), with labels and the band each value is rated:
    from the audits for a measure sourced from them, else queries/measure_points.sql."""
    m = next((m for m in data.measure_defs if m["code"] == code), None)
    banding = banding_for(m) if m else bands.Banding(None)
    points = ([v for v in data.linked_values[code] if v["value"] is not None] if code in data.linked_values else
              queries.rows(store, "measure_points", plan=data.plan, as_at=data.as_at, code=code))
    rows = [{"code": code, **{k: p[k] for k in ("period", "period_kind", "value", "numerator", "denominator",
                                                 "illustrative")},
             "period_label": period_label(p["period"], p["period_kind"]), "band": bands.rate(p["value"], banding)}
            for p in points]
    return queries.frame(rows, ["code", "period", "period_kind", "value", "numerator", "denominator", "illustrative",
                                "period_label", "band"], dates=("period",))
