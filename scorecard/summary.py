"""What a plan looks like as at a month: measures rated, audits summarised, actions counted.

Shared by the CLI's `summary --json` and the pages, so both say the same thing.
"""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd

from . import actions, bands, queries, spc
from .audits import ALL_STREAMS, audit_link, same_stream, summarise_counts
from .bands import GRADES
from .periods import period_label
from .store import PlanNotFound, Store

FAR_FUTURE = dt.date(9999, 12, 1)


def _none(v):
    """A missing figure or text as None: pandas reads a NULL as NaN (in text columns too) or NaT."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def records(df: pd.DataFrame) -> list[dict]:
    """A frame's rows as dicts with every missing value None, never NaN: what JSON and the ratings need."""
    return [{k: _none(v) for k, v in r.items()} for r in df.to_dict("records")]


def banding_for(m: dict) -> bands.Banding:
    return bands.resolve_banding(
        m["code"], _none(m.get("polarity")),
        {"Requires Improvement": _none(m.get("ri_band")), "Good": _none(m.get("good_band")),
         "Outstanding": _none(m.get("outstanding_band"))})


def tolerance_for(m: dict) -> bands.Tolerance | None:
    """The measure's tolerance (read when it was loaded, so it parses)."""
    return bands.parse_tolerance(m.get("tolerance"), m.get("unit"))


def measure_status(measures: pd.DataFrame, values: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """One row per measure: latest value, band, target met and direction of travel."""
    rows, warnings = [], []
    by_code = {code: g for code, g in values.groupby("code", sort=False)} if len(values) else {}
    for m in records(measures):
        banding = banding_for(m)
        warnings.extend(banding.warnings)
        series = by_code.get(m["code"])
        latest = previous = None
        if series is not None:
            s = series[series["value"].notna()]
            if len(s):
                latest = s.iloc[-1]
                previous = s.iloc[-2] if len(s) > 1 else None
        value = float(latest["value"]) if latest is not None else None
        prev_value = float(previous["value"]) if previous is not None else None
        rows.append({
            **m,
            "polarity": banding.polarity,
            "latest_period": latest["period"] if latest is not None else None,
            "latest_label": period_label(latest["period"], latest["period_kind"]) if latest is not None else None,
            "value": value,
            "numerator": _none(latest["numerator"]) if latest is not None else None,
            "denominator": _none(latest["denominator"]) if latest is not None else None,
            "illustrative": bool(series["illustrative"].any()) if series is not None else False,
            "previous_value": prev_value,
            "band": bands.rate(value, banding),
            "target_met": bands.target_met(value, m.get("target"), banding.polarity),
            "target_rag": bands.target_rag(value, m.get("target"), tolerance_for(m), banding.polarity),
            "direction": bands.direction(value, prev_value, banding.polarity),
            "points": int(series["value"].notna().sum()) if series is not None else 0,
        })
    return pd.DataFrame(rows), warnings


def measure_spc(measures: pd.DataFrame, values: pd.DataFrame, rebases: pd.DataFrame,
                run: int = spc.DEFAULT_RUN, screen: bool = False) -> dict[str, spc.SPC]:
    """SPC for every measure with values, oldest first, limits restarting at each marked rebase."""
    if measures.empty or values.empty:
        return {}
    info = {m["code"]: m for m in measures[["code", "polarity", "target"]].to_dict("records")}
    cuts_at = {code: list(g["period"]) for code, g in rebases.groupby("code")} if len(rebases) else {}
    out = {}
    vals = values[values["value"].notna()]
    for code, g in vals.groupby("code", sort=False):
        m = info.get(code)
        if m is None:
            continue
        periods = g["period"].tolist()
        cuts = [next((i for i, p in enumerate(periods) if p >= pd.Timestamp(c)), len(periods))
                for c in cuts_at.get(code, [])]
        out[code] = spc.analyse(g["value"].tolist(), _none(m["polarity"]), _none(m["target"]), run, screen, cuts)
    return out


def audit_summary(counts: pd.DataFrame) -> pd.DataFrame:
    """Per stream and period, plus 'All streams': cases, good-or-better %, inadequate %, interval."""
    cols = ["stream", "period", "period_kind", "period_label", "cases", "good_or_better",
            "good_or_better_pct", "inadequate_pct", "ci_low", "ci_high", "illustrative", *GRADES]
    if counts.empty:
        return pd.DataFrame(columns=cols)
    total = counts.assign(stream=ALL_STREAMS)
    both = pd.concat([counts, total], ignore_index=True)
    wide = both.pivot_table(index=["stream", "period", "period_kind"], columns="grade", values="cases",
                            aggfunc="sum", fill_value=0).reset_index()
    illustrative = both.groupby(["stream", "period"])["illustrative"].any()
    rows = []
    for r in wide.to_dict("records"):
        res = summarise_counts({g: int(r.get(g, 0)) for g in GRADES})
        lo, hi = res.interval
        rows.append({
            "stream": r["stream"], "period": r["period"], "period_kind": r["period_kind"],
            "period_label": period_label(r["period"], r["period_kind"]),
            "cases": res.cases, "good_or_better": res.good_or_better,
            "good_or_better_pct": res.good_or_better_pct, "inadequate_pct": res.inadequate_pct,
            "ci_low": lo, "ci_high": hi,
            "illustrative": bool(illustrative.get((r["stream"], r["period"]), False)),
            **{g: int(r.get(g, 0)) for g in GRADES},
        })
    out = pd.DataFrame(rows, columns=cols)
    out["_all"] = out["stream"] != ALL_STREAMS
    return out.sort_values(["_all", "stream", "period"]).drop(columns="_all").reset_index(drop=True)


def with_audit_values(measures: pd.DataFrame, values: pd.DataFrame,
                      audits: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Measures whose Source names an audit stream take their values from the audits (good-or-better
    or inadequate % per period, cases as the denominator), not from the Values sheet."""
    linked = {m["code"]: audit_link(m["source"]) for m in measures[["code", "source"]].to_dict("records")}
    linked = {code: link for code, link in linked.items() if link is not None}
    if not linked:
        return values, []
    warnings, parts = [], [values[~values["code"].isin(list(linked))]]
    given = set(values["code"]) & set(linked)
    streams = list(dict.fromkeys(audits["stream"])) if len(audits) else []
    for code, link in linked.items():
        if code in given:
            warnings.append(f"{code}: its Source names the audit stream '{link.stream}', so its values come "
                            "from the audits and the Values sheet's figures for it are not used")
        stream = next((s for s in streams if same_stream(s, link.stream)), None)
        if stream is None:
            warnings.append(f"{code}: its Source names the audit stream '{link.stream}', but the plan has no "
                            f"audits for it (streams: {', '.join(streams) or 'none'})")
            continue
        a = audits[audits["stream"] == stream]
        parts.append(pd.DataFrame({
            "code": code, "period": a["period"], "period_kind": a["period_kind"],
            "value": a[f"{link.figure}_pct"].astype(float),
            "numerator": (a["good_or_better"] if link.figure == "good_or_better" else a["Inadequate"]).astype(float),
            "denominator": a["cases"].astype(float), "illustrative": a["illustrative"], "upload_id": pd.NA}))
    out = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else values
    return out.sort_values(["code", "period"], kind="stable").reset_index(drop=True), warnings


def audit_measures(measures: pd.DataFrame) -> pd.DataFrame:
    """The measures whose Source names an audit stream, with the stream, the figure and the link."""
    if measures.empty:
        return measures.assign(stream=[], figure=[], link=[])
    links = [audit_link(s) for s in measures["source"]]
    keep = [link is not None for link in links]
    out = measures[keep].copy()
    kept = [link for link in links if link is not None]
    out["link"] = kept
    out["stream"] = [link.stream for link in kept]
    out["figure"] = ["Good or better %" if link.figure == "good_or_better" else "Inadequate %" for link in kept]
    return out.reset_index(drop=True)


class PlanData:
    """Everything the pages and the CLI need for one plan as at a month, from the queries."""

    def __init__(self, store: Store, plan: str, as_at: dt.date | None = None):
        self.plan = plan
        self.as_at = as_at or FAR_FUTURE
        p = {"plan": plan, "as_at": self.as_at}
        with store.snapshot() as cur:  # every query sees the same moment, even while an upload commits
            self.measures_raw = queries.run(store, "measures", cur, plan=plan)
            self.audit_counts = queries.run(store, "audit_counts", cur, **p)
            values = queries.run(store, "measure_values", cur, **p)
            self.benchmarks = queries.run(store, "benchmarks", cur, **p)
            self.rebases = queries.run(store, "spc_rebases", cur, plan=plan)
            history = queries.run(store, "action_history", cur, **p)
        self.audits = audit_summary(self.audit_counts)
        self.values, linked_warnings = with_audit_values(self.measures_raw, values, self.audits)
        self.measures, self.warnings = measure_status(self.measures_raw, self.values)
        self.warnings += linked_warnings
        self.action_history = actions.prepare(history)
        self.actions = actions.latest(self.action_history)


def _r1(v):
    v = _none(v)
    return None if v is None else round(float(v), 1)


def _month(v) -> str | None:
    v = _none(v)
    return None if v is None else f"{v.year:04d}-{v.month:02d}"


def plan_summary(store: Store, plan_row: dict, as_at: dt.date | None = None,
                 spc_run: int = spc.DEFAULT_RUN, spc_screen: bool = False) -> dict:
    data = PlanData(store, plan_row["plan"], as_at)
    charts = measure_spc(data.measures, data.values, data.rebases, spc_run, spc_screen)
    snapshot = data.actions["as_at"].max() if len(data.actions) else None
    measures = [{
        "code": m["code"], "measure": m["measure"], "priority": m.get("priority"), "unit": m.get("unit"),
        "polarity": m["polarity"], "latest_period": _month(m["latest_period"]), "value": _r1(m["value"]),
        "band": m["band"], "target_rag": m["target_rag"], "target": _r1(m.get("target")),
        "target_met": None if m["target_met"] is None else bool(m["target_met"]),
        "direction": m["direction"], "illustrative": bool(m["illustrative"]),
        "spc": charts[m["code"]].as_json() if m["code"] in charts else None,
    } for m in records(data.measures)]
    audits = [{
        "stream": a["stream"], "period": _month(a["period"]), "period_label": a["period_label"],
        "cases": int(a["cases"]), "good_or_better_pct": _r1(a["good_or_better_pct"]),
        "inadequate_pct": _r1(a["inadequate_pct"]), "ci_low": _r1(a["ci_low"]), "ci_high": _r1(a["ci_high"]),
    } for a in records(data.audits)]
    return {
        "plan": plan_row["plan"],
        "authority": plan_row.get("authority"),
        "archived": bool(plan_row.get("archived", False)),
        "as_at": _month(snapshot if snapshot is not None else plan_row.get("as_at")),
        "measures": measures,
        "audits": audits,
        "actions": actions.summary_counts(data.action_history),
        "warnings": data.warnings,
    }


def summary(store: Store, plan: str | None = None, as_at: dt.date | None = None,
            spc_run: int = spc.DEFAULT_RUN, spc_screen: bool = False) -> dict:
    plans = queries.run(store, "plans")
    if plan is not None:
        plans = plans[plans["plan"] == plan]
        if plans.empty:
            raise PlanNotFound(f"there is no plan {plan!r}; see 'plans' for the names")
    return {"plans": [plan_summary(store, r, as_at, spc_run, spc_screen) for r in records(plans)]}
