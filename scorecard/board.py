"""What the improvement board looks at: the exceptions (what needs its attention), in plain words, one section
per priority, and the audit trajectory. exceptions() is the one definition of what needs attention: the
Overview, the Actions page, meeting mode, the board pack and `summary --json` all take it from here."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from . import numbers
from .actions import natural_key
from .audits import ALL_STREAMS, describe_change, summarise_counts
from .bands import GRADES
from .numbers import plural, words

# Why a measure or an action needs the board's attention, worst first.
INADEQUATE, RED_TARGET, WORSENING, TARGET_MISSED, CONCERN = (
    "Inadequate", "Red against target", "Worsening", "Target not met", "Special cause concern")
MEASURE_REASONS = (INADEQUATE, RED_TARGET, WORSENING, TARGET_MISSED, CONCERN)
OVERDUE, RED, RED_IMPACT = "Overdue", "Red", "Red impact, Green/Blue action"
ACTION_REASONS = (OVERDUE, RED, RED_IMPACT)
# Each exception by its worst reason, as the Overview lists them, in that order.
KINDS = {INADEQUATE: "Measure rated Inadequate", RED_TARGET: "Measure Red against its target",
         OVERDUE: "Action overdue", RED: "Action rated Red", WORSENING: "Measure worsening",
         "fell": "Audit stream fell", TARGET_MISSED: "Measure missing its target",
         CONCERN: "Measure showing special-cause concern", RED_IMPACT: "Action with a Red impact"}
# The same, for a count of more than one: "23 actions overdue".
KINDS_MANY = {INADEQUATE: "measures rated Inadequate", RED_TARGET: "measures Red against their target",
              OVERDUE: "actions overdue", RED: "actions rated Red", WORSENING: "measures worsening",
              "fell": "audit streams fell", TARGET_MISSED: "measures missing their target",
              CONCERN: "measures showing special-cause concern", RED_IMPACT: "actions with a Red impact"}
ACTION_COLUMNS = ["exception", "ref", "action", "owner", "source", "action_rag", "impact_rag", "due_text",
                  "days_overdue"]


def short_action(text, limit: int = 90) -> str:
    """An action's wording where room is short (a meeting slide): its first sentence, or its first 90 characters
    cut at a word with "…" (the board pack has it whole)."""
    first = " ".join(str(text or "").split()).split(". ", 1)[0]
    if len(first) <= limit:
        return first
    cut = first[:limit - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut).rstrip(" ,;:-–") + "…"


def measure_reasons(m: dict) -> list[str]:
    """Why a measure needs the board's attention, worst first: rated Inadequate, Red against its target (rating
    by tolerance: counts like Inadequate), worsening, target not met, SPC special-cause concern."""
    met = m.get("target_met")
    return [reason for reason, yes in (
        (INADEQUATE, m.get("band") == "Inadequate"), (RED_TARGET, m.get("target_rag") == "Red"),
        (WORSENING, m.get("direction") == "worsening"), (TARGET_MISSED, met is not None and not met),
        (CONCERN, m.get("variation") == "concern")) if yes]


def action_reasons(a: dict) -> list[str]:
    """Why an action needs the board's attention: overdue (with days overdue), rated Red, or a Red impact on an
    action rated Green or Blue (done, or on track, but not working)."""
    return [reason for reason, yes in (
        (f"{OVERDUE} ({plural(a['days_overdue'], 'day')})", a["overdue"]), (RED, a["action_rag"] == "Red"),
        (RED_IMPACT, a["impact_rag"] == "Red" and a["action_rag"] in ("Green", "Blue"))) if yes]


def _records(rows) -> list[dict]:
    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)


@dataclass
class Exceptions:
    measures: list[dict] = field(default_factory=list)       # measure rows worst first, each with its `reasons`
    actions: list[dict] = field(default_factory=list)        # action rows worst first, each with its `reasons`
    audit_streams: list[dict] = field(default_factory=list)  # streams whose good-or-better % fell (audit_changes)

    def _measures(self, *reasons: str) -> list[dict]:
        return [m for m in self.measures if set(reasons) & set(m["reasons"])]

    def _actions(self, reason: str) -> list[dict]:
        return [a for a in self.actions if any(r.startswith(reason) for r in a["reasons"])]

    @property
    def inadequate(self) -> list[dict]:
        return self._measures(INADEQUATE, RED_TARGET)

    @property
    def worse(self) -> list[dict]:
        return self._measures(WORSENING)

    @property
    def target_missed(self) -> list[dict]:
        return self._measures(TARGET_MISSED)

    @property
    def concern(self) -> list[dict]:
        return self._measures(CONCERN)

    @property
    def red(self) -> list[dict]:
        return [a for a in self.actions if RED in a["reasons"]]

    @property
    def overdue(self) -> list[dict]:
        return self._actions(OVERDUE)

    @property
    def red_impact(self) -> list[dict]:
        return self._actions(RED_IMPACT)

    def lines(self) -> list[tuple[int, str]]:
        """How many, and what, in plain English, biggest worries first: (3, 'measures got worse this month')."""
        worse, bad, concern, missed, red, overdue, impact, fell = (len(x) for x in (
            self.worse, self.inadequate, self.concern, self.target_missed, self.red, self.overdue, self.red_impact,
            self.audit_streams))
        rated = "rated Inadequate" + (" or Red against target" if self._measures(RED_TARGET) else "")
        return [(worse, f"{words(worse, 'measure')} got worse this month"),
                (bad, f"{words(bad, 'measure is', 'measures are')} {rated}"),
                (concern, f"{words(concern, 'measure shows', 'measures show')} special-cause concern"),
                (missed, f"{words(missed, 'measure')} missed {'its' if missed == 1 else 'their'} target"),
                (red, f"{words(red, 'action is', 'actions are')} Red"),
                (overdue, f"{words(overdue, 'action is', 'actions are')} overdue"),
                (impact, f"{words(impact, 'action is', 'actions are')} Green or Blue with a Red impact"),
                (fell, f"{words(fell, 'audit stream')} fell")]

    def headlines(self) -> list[str]:
        """Plain English, biggest worries first: '3 measures got worse this month'."""
        return [f"{n} {what}" for n, what in self.lines()]

    def strip(self) -> list[tuple[int, str]]:
        """The counts in short words, for meeting mode's pinned strip: (1, 'red action'), (24, 'overdue actions')."""
        return [(n, words(n, one, many)) for n, one, many in (
            (len(self.worse), "got worse", "got worse"), (len(self.inadequate), "inadequate", "inadequate"),
            (len(self.concern), "SPC concern", "SPC concern"), (len(self.target_missed), "target missed", None),
            (len(self.red), "red action", None), (len(self.overdue), "overdue action", None),
            (len(self.red_impact), "red impact", "red impact"),
            (len(self.audit_streams), "audit stream fell", "audit streams fell"))]

    def action_table(self) -> pd.DataFrame:
        """The actions with their reasons in words ('Overdue (60 days) · Red'), as the pages list them."""
        return pd.DataFrame([{**{c: a.get(c) for c in ACTION_COLUMNS}, "exception": " · ".join(a["reasons"])}
                             for a in self.actions], columns=ACTION_COLUMNS).astype({"days_overdue": "Int64"})

    def as_json(self) -> dict:
        return {"measures": [m["code"] for m in self.measures], "actions": [a["ref"] for a in self.actions],
                "audit_streams": [s["stream"] for s in self.audit_streams]}


def kind_count(kind: str, n: int) -> str:
    """How many exceptions of a kind (a key of KINDS), in words: "1 action overdue", "23 actions overdue"."""
    return plural(n, KINDS[kind][0].lower() + KINDS[kind][1:], KINDS_MANY[kind])


@dataclass(frozen=True)
class AuditLatest:
    """The latest period of an audit stream as the Overview and meeting mode both show it."""
    label: str          # "Good or better, Q1 2017/18"
    value: str          # "45%"
    delta: str | None   # "+11 points since Q4 2016/17", from the two percentages as shown; None for one period
    changed: bool       # False when the figures as shown are the same ("no change")
    detail: str         # "60 of 133 cases · 95% interval 37%–54%"


def audit_latest(rows: pd.DataFrame) -> AuditLatest | None:
    """One stream's periods (audit_summary rows, oldest first): the latest good-or-better % with its n and
    interval, and the change since the period before worked out from the figures as shown."""
    if rows.empty:
        return None
    last = rows.iloc[-1]
    prev = rows.iloc[-2] if len(rows) > 1 else None
    delta = changed = None
    if prev is not None:
        changed = numbers.difference(prev["good_or_better_pct"], last["good_or_better_pct"]) != 0
        delta = f"{numbers.change(prev['good_or_better_pct'], last['good_or_better_pct'])} since {prev['period_label']}"
    return AuditLatest(f"Good or better, {last['period_label']}", numbers.pct(last["good_or_better_pct"]), delta,
                       bool(changed), f"{numbers.count(last['good_or_better'])} of {plural(last['cases'], 'case')} · "
                                      f"95% interval {numbers.interval(last['ci_low'], last['ci_high'])}")


def audit_changes(audits) -> list[dict]:
    """Per stream (audit_summary rows, each stream's periods oldest first), the latest period against the one
    before, in plain words."""
    by_stream: dict[str, list[dict]] = {}
    for a in _records(audits):
        by_stream.setdefault(a["stream"], []).append(a)
    out = []
    for stream, periods in by_stream.items():
        if len(periods) < 2:
            continue
        before, after = sorted(periods, key=lambda a: a["period"])[-2:]
        a = summarise_counts({k: int(before[k]) for k in GRADES})
        b = summarise_counts({k: int(after[k]) for k in GRADES})
        if not a.cases or not b.cases:
            continue
        out.append({"stream": stream, "from": before["period_label"], "to": after["period_label"],
                    "before": a.good_or_better_pct, "after": b.good_or_better_pct, "cases": b.cases,
                    "fell": b.good_or_better_pct < a.good_or_better_pct, "words": describe_change(a, b)})
    return out


def exceptions(measures=(), actions=(), audits=()) -> Exceptions:
    """What needs the board's attention: measures rated Inadequate or Red against their target, worsening,
    missing their target or showing special-cause concern (each measure row with its SPC `variation`);
    actions overdue, Red, or Green or Blue with a Red impact (the plan now, as actions.prepare gives it);
    audit streams whose good-or-better % fell from one period to the next. Rows (dicts) or DataFrames."""
    rated = [{**m, "reasons": measure_reasons(m)} for m in _records(measures)]
    rated = sorted((m for m in rated if m["reasons"]),
                   key=lambda m: (MEASURE_REASONS.index(m["reasons"][0]), natural_key(m["code"])))
    acts = [{**a, "reasons": action_reasons(a)} for a in _records(actions)]
    acts = sorted((a for a in acts if a["reasons"]),
                  key=lambda a: (next(i for i, k in enumerate(ACTION_REASONS) if a["reasons"][0].startswith(k)),
                                 -(a["days_overdue"] if a["overdue"] else 0)))
    fell = [c for c in audit_changes(audits) if c["fell"] and c["stream"] != ALL_STREAMS]
    return Exceptions(rated, acts, fell)


def priorities(kpi: pd.DataFrame, actions_now: pd.DataFrame) -> list[str]:
    """Every priority named by a measure or an action, in the plan's own order (1., 2., ...)."""
    names = set(kpi["priority"].dropna()) if len(kpi) else set()
    names |= set(actions_now["priority"].dropna()) if len(actions_now) else set()
    return sorted(names, key=natural_key)
