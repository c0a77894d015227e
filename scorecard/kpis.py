"""The Compliance KPIs table: every measure's latest position, trend and SPC reading, exceptions first."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from . import bands, board, disclosure, numbers, queries, spc
from .actions import natural_key
from .periods import period_label
from .summary import PlanData, banding_for, measure_spc

BAND_LABELS = {"Outstanding": "⭐ Outstanding", "Good": "🟩 Good", "Requires Improvement": "🟧 Requires improvement",
               "Inadequate": "🟥 Inadequate", None: "⬜ Not rated"}
# The table's order: the board's reasons (board.measure_reasons), with Requires Improvement after the worst two.
EXCEPTION_ORDER = (board.INADEQUATE, board.RED_TARGET, "Requires Improvement", board.WORSENING, board.TARGET_MISSED,
                   board.CONCERN)
# A measure with a Tolerance is rated Green / Amber / Red against its target: a word and a shape, as the bands.
TARGET_RAG_LABELS = {"Green": "🟢 Green", "Amber": "🔶 Amber", "Red": "🔺 Red"}
SHORT_NAME = 48  # characters of a measure's name the table shows (the detail and the downloads show it whole)
_NUMBERED = re.compile(r"\s*((?:priority|area|theme|objective|recommendation)\s*)?([A-Z]{0,3}\d+(?:\.\d+)*)[.:)]?\s",
                       re.IGNORECASE)
SEARCHED = ("code", "measure", "priority", "focus_area", "source")


def direction_label(value, previous, direction) -> str:
    if direction is None:
        return ""
    if direction == "stable":
        return "► stable"
    arrow = "▲" if value > previous else "▼"
    return f"{arrow} {direction}"


def short_name(measure: str, limit: int = SHORT_NAME) -> str:
    """A measure's name cut to `limit` characters at a word, with "…"; "Percentage of" written "% of"."""
    text = re.sub(r"^percentage of\b", "% of", " ".join(str(measure).split()), flags=re.IGNORECASE)
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip(" ,;:-–") + "…"


def short_priority(priority: str | None) -> str | None:
    """A priority as a short label: its number (`1. Quality of practice` is `Priority 1`, `FA3 ...` is `FA3`),
    else its name cut short."""
    if priority is None:
        return None
    m = _NUMBERED.match(str(priority))
    if m:
        word, number = (m.group(1) or "").strip(), m.group(2)
        return f"{(word or 'priority').capitalize()} {number}" if number[0].isdigit() else number
    return short_name(priority, 24)


def rating_label(band: str | None, target_rag: str | None) -> str:
    """The measure's band as a label and a shape, or, for a measure with no band rated against its target by
    a tolerance, that rating."""
    if pd.isna(band):
        return BAND_LABELS[None] if pd.isna(target_rag) else TARGET_RAG_LABELS[target_rag]
    return BAND_LABELS[band]


def target_text(target, target_met, unit) -> str:
    """The target with whether it is met: `90% ✓ met`, `18 ✗ not met`, or blank with no target."""
    if target is None or target != target:
        return ""
    met = {True: " ✓ met", False: " ✗ not met"}.get(target_met, "")
    return f"{numbers.threshold(target, unit)}{met}"


def spc_label(chart: spc.SPC | None) -> str:
    """Variation and assurance as their shapes and letters (`▲ I · ✓ P`), for a column the key explains."""
    if chart is None:
        return ""
    if chart.is_run_chart:
        return "Run chart"
    return " · ".join(icon.split("  ")[0] for icon in (chart.variation_icon, chart.assurance_icon) if icon)


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
            "code": m["code"], "measure": m["measure"], "measure_short": short_name(m["measure"]),
            "priority": m.get("priority"), "priority_short": short_priority(m.get("priority")),
            "focus_area": m.get("focus_area"), "source": m.get("source"), "unit": m.get("unit"),
            "polarity": m["polarity"], "latest": m["latest_label"], "value": m["value"],
            "previous_value": m["previous_value"],
            "numerator": m["numerator"], "denominator": m["denominator"], "band": m["band"],
            "target_rag": m["target_rag"],
            "band_label": rating_label(m["band"], m["target_rag"]),  # the band, or the rating against the target
            "target": m.get("target"), "target_met": m["target_met"],
            "target_label": {True: "✓ met", False: "✗ not met"}.get(m["target_met"], ""),
            "target_text": target_text(m.get("target"), m["target_met"], m.get("unit")),
            "direction": m["direction"],
            "direction_label": direction_label(m["value"], m["previous_value"], m["direction"]),
            "trend": np.round(series["values"], 2).tolist() if series else [],
            "variation": chart.variation if chart else None,
            "variation_label": (chart.variation_icon or "Run chart (<13 points)") if chart else "",
            "assurance": chart.assurance if chart else None,
            "assurance_label": (chart.assurance_icon or "") if chart else "",
            "spc_label": spc_label(chart),
            "england": bench.get("england"), "region": bench.get("region"), "neighbours": bench.get("neighbours"),
            "illustrative": bool(m["illustrative"]),
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
                  "denominator": "Denominator", "band": "Band", "target_rag": "Against target",
                  "target": "Target", "target_label": "Target met",
                  "direction": "Direction of travel", "variation_label": "SPC variation",
                  "assurance_label": "SPC assurance", "england": "England", "region": "Region",
                  "neighbours": "Statistical neighbours", "exception": "Exception", "illustrative": "Illustrative"}


def _figure(v, places: int | None):
    """A figure for a download, a number that stays a number: rounded the one way (numbers.rounded) to
    `places`, or, for a count (places None), a whole number when it is one; None when there is none."""
    if v is None or v != v:
        return None
    if places is None:
        return int(v) if float(v).is_integer() else numbers.rounded(v, 1)
    return numbers.rounded(v, places)


def export_frame(df: pd.DataFrame, publication: bool = False) -> pd.DataFrame:
    """The KPI table as downloaded: values, targets and benchmarks to one decimal place, numerators and
    denominators whole; for publication, `c` for a numerator or denominator of 1 to 5 and the value resting on it
    (disclosure.measure_hidden)."""
    out = df[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS)
    out["Band"] = out["Band"].fillna("Not rated")
    for col in ("Value", "Target", "England", "Region", "Statistical neighbours"):
        out[col] = pd.Series([_figure(v, numbers.MEASURE_PLACES) for v in out[col]], index=out.index, dtype=object)
    for col in ("Numerator", "Denominator"):
        out[col] = pd.Series([_figure(v, None) for v in out[col]], index=out.index, dtype=object)
    if publication:
        for i, (n, d) in zip(out.index, zip(out["Numerator"], out["Denominator"])):
            for col, hide in zip(("Value", "Numerator", "Denominator"), disclosure.measure_hidden(n, d)):
                if hide:
                    out.at[i, col] = numbers.SUPPRESSED
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
