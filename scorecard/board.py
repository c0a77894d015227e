"""What the improvement board looks at: the exceptions in plain words, one section per priority,
and the audit trajectory. Shared by meeting mode and the board pack, so both say the same thing."""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from .actions import natural_key
from .audits import ALL_STREAMS, describe_change, summarise_counts
from .bands import GRADES

SMALL = range(1, 6)  # DfE practice: counts of 1 to 5 are suppressed in published tables


def suppress(n, publication: bool) -> str:
    """A count as text; 'c' for 1 to 5 when the figures are for publication."""
    if n is None or (isinstance(n, float) and n != n):
        return ""
    n = int(n)
    return "c" if publication and n in SMALL else f"{n:,}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass
class Exceptions:
    worse: pd.DataFrame          # measures whose latest value is worse than the one before
    inadequate: pd.DataFrame     # measures rated Inadequate
    concern: pd.DataFrame        # measures showing special-cause concern
    red: pd.DataFrame            # actions rated Red
    overdue: pd.DataFrame        # actions overdue
    streams_fell: list[dict] = field(default_factory=list)  # audit streams whose good-or-better % fell

    def headlines(self) -> list[str]:
        """Plain English, biggest worries first: '3 measures got worse this month'."""
        return [
            f"{plural(len(self.worse), 'measure')} got worse this month",
            f"{plural(len(self.inadequate), 'measure is', 'measures are')} rated Inadequate",
            f"{plural(len(self.concern), 'measure shows', 'measures show')} special-cause concern",
            f"{plural(len(self.red), 'action is', 'actions are')} Red",
            f"{plural(len(self.overdue), 'action is', 'actions are')} overdue",
            f"{plural(len(self.streams_fell), 'audit stream')} fell",
        ]

    @property
    def counts(self) -> dict[str, int]:
        return {"Got worse": len(self.worse), "Inadequate": len(self.inadequate), "SPC concern": len(self.concern),
                "Red actions": len(self.red), "Overdue actions": len(self.overdue),
                "Audit streams fell": len(self.streams_fell)}


def audit_changes(audits: pd.DataFrame) -> list[dict]:
    """Per stream, the latest period against the one before, in plain words."""
    out = []
    if audits.empty:
        return out
    for stream, g in audits.groupby("stream", sort=False):
        g = g.sort_values("period")
        if len(g) < 2:
            continue
        before, after = g.iloc[-2], g.iloc[-1]
        a = summarise_counts({k: int(before[k]) for k in GRADES})
        b = summarise_counts({k: int(after[k]) for k in GRADES})
        if not a.cases or not b.cases:
            continue
        out.append({"stream": stream, "from": before["period_label"], "to": after["period_label"],
                    "before": a.good_or_better_pct, "after": b.good_or_better_pct, "cases": b.cases,
                    "fell": b.good_or_better_pct < a.good_or_better_pct, "words": describe_change(a, b)})
    return out


def exceptions(kpi: pd.DataFrame, actions_now: pd.DataFrame, audits: pd.DataFrame) -> Exceptions:
    empty = pd.DataFrame(columns=["code"])
    k = kpi if len(kpi) else empty.assign(direction=[], band=[], variation=[])
    a = actions_now if len(actions_now) else pd.DataFrame(columns=["ref", "action_rag", "overdue"])
    fell = [c for c in audit_changes(audits) if c["fell"] and c["stream"] != ALL_STREAMS]
    return Exceptions(worse=k[k["direction"] == "worsening"], inadequate=k[k["band"] == "Inadequate"],
                      concern=k[k["variation"] == "concern"], red=a[a["action_rag"] == "Red"],
                      overdue=a[a["overdue"].astype(bool)] if len(a) else a, streams_fell=fell)


def priorities(kpi: pd.DataFrame, actions_now: pd.DataFrame) -> list[str]:
    """Every priority named by a measure or an action, in the plan's own order (1., 2., ...)."""
    names = set(kpi["priority"].dropna()) if len(kpi) else set()
    names |= set(actions_now["priority"].dropna()) if len(actions_now) else set()
    return sorted(names, key=natural_key)
