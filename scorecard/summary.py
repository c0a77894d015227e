"""What a plan looks like as at a month: measures rated, audits summarised, actions counted.

Shared by the CLI's `summary --json` and the pages, so both say the same thing. SQL does the counting
(queries/: measure_series, audit_summary, actions_now, action_counts, action_changes); the rules are Python
(bands and targets, direction, SPC, the audit figures, overdue, what needs the board's attention).
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property

import pandas as pd

from . import actions, bands, board, queries, spc
from .audits import ALL_STREAMS, audit_link, same_stream, summarise_counts
from .bands import GRADES
from .periods import EVERYTHING, month_key, period_label
from .store import PlanNotFound, Store

AUDIT_COLUMNS = ["stream", "period", "period_kind", "period_label", "cases", "good_or_better", "good_or_better_pct",
                 "inadequate_pct", "ci_low", "ci_high", "illustrative", *GRADES]


def banding_for(m: dict) -> bands.Banding:
    return bands.resolve_banding(
        m["code"], m.get("polarity"),
        {"Requires Improvement": m.get("ri_band"), "Good": m.get("good_band"),
         "Outstanding": m.get("outstanding_band")})


def tolerance_for(m: dict) -> bands.Tolerance | None:
    """The measure's tolerance (read when it was loaded, so it parses)."""
    return bands.parse_tolerance(m.get("tolerance"), m.get("unit"))


def measure_status(measures: list[dict], series: dict[str, dict]) -> tuple[list[dict], list[str]]:
    """One row per measure: latest value (from measure_series.sql), band, target met and direction of travel."""
    rows, warnings = [], []
    for m in measures:
        banding = banding_for(m)
        warnings.extend(banding.warnings)
        s = series.get(m["code"], {})
        value, previous = s.get("value"), s.get("previous_value")
        rows.append({
            **m,
            "polarity": banding.polarity,
            "latest_period": s.get("latest_period"),
            "latest_label": period_label(s["latest_period"], s["latest_kind"]) if s.get("latest_period") else None,
            "value": value,
            "numerator": s.get("numerator"),
            "denominator": s.get("denominator"),
            "illustrative": bool(s.get("illustrative", False)),
            "previous_value": previous,
            "band": bands.rate(value, banding),
            "target_met": bands.target_met(value, m.get("target"), banding.polarity),
            "target_rag": bands.target_rag(value, m.get("target"), tolerance_for(m), banding.polarity),
            "direction": bands.direction(value, previous, banding.polarity),
            "points": s.get("points", 0),
        })
    return rows, warnings


def audit_summary(counts: list[dict]) -> list[dict]:
    """Per stream and period, 'All streams' first (queries/audit_summary.sql's counts per grade): cases, good
    or better, good-or-better % and inadequate % with the 95% interval, and each grade's count."""
    grouped: dict[tuple, dict] = {}
    for r in counts:
        a = grouped.setdefault((r["stream"], r["period"], r["period_kind"]), {"illustrative": False, "grades": {}})
        a["grades"][r["grade"]] = r["cases"]
        a["illustrative"] = a["illustrative"] or bool(r["illustrative"])
    out = []
    for (stream, period, kind), a in grouped.items():
        grades = {g: a["grades"].get(g, 0) for g in GRADES}
        res = summarise_counts(grades)
        lo, hi = res.interval
        out.append({"stream": stream, "period": period, "period_kind": kind, "period_label": period_label(period, kind),
                    "cases": res.cases, "good_or_better": res.good_or_better,
                    "good_or_better_pct": res.good_or_better_pct, "inadequate_pct": res.inadequate_pct,
                    "ci_low": lo, "ci_high": hi, "illustrative": a["illustrative"], **grades})
    return out


def audit_values(measures: list[dict], audits: list[dict]) -> tuple[dict, list[dict]]:
    """Measures whose Source names an audit stream take their values from the audits: good-or-better % or
    inadequate % per period, cases as the denominator. Returns code -> (link, the stream it names or None
    when the plan has no audits for it), and those values (measure_series.sql's $linked)."""
    streams = list(dict.fromkeys(a["stream"] for a in audits))
    links = {}
    for m in measures:
        link = audit_link(m["source"])
        if link is not None:
            links[m["code"]] = (link, next((s for s in streams if same_stream(s, link.stream)), None))
    values = [{"code": code, "period": a["period"], "period_kind": a["period_kind"], "value": a[f"{link.figure}_pct"],
               "numerator": float(a["good_or_better"] if link.figure == "good_or_better" else a["Inadequate"]),
               "denominator": float(a["cases"]), "illustrative": a["illustrative"]}
              for code, (link, stream) in links.items() for a in audits if a["stream"] == stream]
    return links, values


def audit_value_warnings(links: dict, series: dict[str, dict], audits: list[dict]) -> list[str]:
    streams = ", ".join(dict.fromkeys(a["stream"] for a in audits)) or "none"
    warnings = []
    for code, (link, stream) in links.items():
        if series.get(code, {}).get("values_ignored"):
            warnings.append(f"{code}: its Source names the audit stream '{link.stream}', so its values come "
                            "from the audits and the Values sheet's figures for it are not used")
        if stream is None:
            warnings.append(f"{code}: its Source names the audit stream '{link.stream}', but the plan has no "
                            f"audits for it (streams: {streams})")
    return warnings


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
    """Everything the pages and the CLI need for one plan as at a month, read at one moment.

    The *_rows attributes are the rows as the queries and rules give them (dicts, a missing value None); the
    DataFrames the pages draw from are made from them when first asked for."""

    def __init__(self, store: Store, plan: str, as_at: dt.date | None = None, cur=None):
        """cur: a cursor from store.snapshot() to read in (the caller's snapshot); else one of its own."""
        self.plan = plan
        self.as_at = as_at or EVERYTHING
        if cur is None:
            with store.snapshot() as cur:
                self._read(store, cur)
        else:
            self._read(store, cur)

    def _read(self, store: Store, cur) -> None:
        read = queries.reader(store, cur, plan=self.plan, as_at=self.as_at)
        self.measure_defs = read("measures")
        self.audit_rows = audit_summary(read("audit_summary", all_streams=ALL_STREAMS))
        links, linked = audit_values(self.measure_defs, self.audit_rows)
        self.series = {s["code"]: s for s in read("measure_series", linked=linked, linked_codes=list(links))}
        self.linked_values = {code: [v for v in linked if v["code"] == code] for code in links}
        self.benchmark_rows = read("benchmarks")
        self.rebase_rows = read("spc_rebases")
        queries.materialise(cur, "plan_actions", plan=self.plan, as_at=self.as_at)
        self.action_rows = actions.prepare(read("actions_now"))
        self.action_counts = actions.counts(read, self.action_rows)
        self.measure_rows, self.warnings = measure_status(self.measure_defs, self.series)
        self.warnings += audit_value_warnings(links, self.series, self.audit_rows)

    # -- the same rows as DataFrames, for the pages and the charts -------------------------------------------
    @cached_property
    def measures_raw(self) -> pd.DataFrame:
        return queries.frame(self.measure_defs)

    @cached_property
    def measures(self) -> pd.DataFrame:
        return queries.frame(self.measure_rows, dates=("latest_period",))

    @cached_property
    def audit_sourced(self) -> pd.DataFrame:
        """audit_measures(): the measures whose Source names an audit stream."""
        return audit_measures(self.measures)

    @cached_property
    def audits(self) -> pd.DataFrame:
        return queries.frame(self.audit_rows, AUDIT_COLUMNS, dates=("period",))

    @cached_property
    def actions(self) -> pd.DataFrame:
        return actions.frame(self.action_rows)

    @cached_property
    def benchmarks(self) -> pd.DataFrame:
        return queries.frame(self.benchmark_rows, ["code", "period", "period_kind", "england", "region", "neighbours"],
                             dates=("period",))

    @cached_property
    def rebases(self) -> pd.DataFrame:
        return queries.frame(self.rebase_rows, ["code", "period", "reason", "marked_by", "marked_at"],
                             dates=("period",))

    def latest_month(self) -> dt.date | None:
        """The month the plan's figures run to: its latest action snapshot, else its latest value or audit."""
        if self.action_rows:
            return self.action_rows[0]["as_at"]
        months = [s["latest_period"] for s in self.series.values() if s["latest_period"]]
        months += [a["period"] for a in self.audit_rows]
        return max(months, default=None)


def measure_spc(data: PlanData, run: int = spc.DEFAULT_RUN, screen: bool = False) -> dict[str, spc.SPC]:
    """SPC for every measure with values, oldest first, limits restarting at each marked process change."""
    out = {}
    for m in data.measure_rows:
        s = data.series.get(m["code"])
        if s and s["values"]:
            out[m["code"]] = spc.analyse(s["values"], m["polarity"], m["target"], run, screen, s["cuts"])
    return out


def _r1(v):
    return None if v is None else round(float(v), 1)


def _month(v) -> str | None:
    return None if v is None else month_key(v)


def plan_summary(store: Store, plan_row: dict, as_at: dt.date | None = None,
                 spc_run: int = spc.DEFAULT_RUN, spc_screen: bool = False) -> dict:
    with store.snapshot() as cur:
        data = PlanData(store, plan_row["plan"], as_at, cur)
        changes = actions.changes(queries.reader(store, cur, plan=data.plan, as_at=data.as_at), data.action_rows)
    charts = measure_spc(data, spc_run, spc_screen)
    rated = [{**m, "variation": charts[m["code"]].variation if m["code"] in charts else None}
             for m in data.measure_rows]
    snapshot = data.action_rows[0]["as_at"] if data.action_rows else None
    measures = [{
        "code": m["code"], "measure": m["measure"], "priority": m.get("priority"), "unit": m.get("unit"),
        "polarity": m["polarity"], "latest_period": _month(m["latest_period"]), "value": _r1(m["value"]),
        "band": m["band"], "target_rag": m["target_rag"], "target": _r1(m.get("target")),
        "target_met": m["target_met"], "direction": m["direction"], "illustrative": m["illustrative"],
        "spc": charts[m["code"]].as_json() if m["code"] in charts else None,
    } for m in rated]
    audits = [{
        "stream": a["stream"], "period": _month(a["period"]), "period_label": a["period_label"],
        "cases": a["cases"], "good_or_better_pct": _r1(a["good_or_better_pct"]),
        "inadequate_pct": _r1(a["inadequate_pct"]), "ci_low": _r1(a["ci_low"]), "ci_high": _r1(a["ci_high"]),
    } for a in data.audit_rows]
    exceptions = board.exceptions(rated, data.action_rows, data.audit_rows)
    return {
        "plan": plan_row["plan"],
        "authority": plan_row.get("authority"),
        "archived": bool(plan_row.get("archived", False)),
        "as_at": _month(snapshot if snapshot is not None else plan_row.get("as_at")),
        "measures": measures,
        "audits": audits,
        "actions": actions.summary_counts(data.action_counts, changes, data.action_rows),
        "warnings": data.warnings,
        "exceptions": exceptions.as_json(),
    }


def summary(store: Store, plan: str | None = None, as_at: dt.date | None = None,
            spc_run: int = spc.DEFAULT_RUN, spc_screen: bool = False) -> dict:
    plans = queries.rows(store, "plans")
    if plan is not None:
        plans = [p for p in plans if p["plan"] == plan]
        if not plans:
            raise PlanNotFound(f"there is no plan {plan!r}; see 'plans' for the names")
    return {"plans": [plan_summary(store, r, as_at, spc_run, spc_screen) for r in plans]}
