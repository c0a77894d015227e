"""Improvement-plan actions across monthly snapshots: BRAG counts, what changed, slippage, stale commentary.

A snapshot is the plan's actions as at a month (the Actions sheet's `As at`). The latest snapshot at or
before the chosen month is "the plan now"; the one before it is what "changed" compares with. SQL does the
counting (queries/actions_now.sql, action_counts.sql, action_trajectory.sql, action_changes.sql,
stale_commentary.sql); the rules are here: a blank rating is unrated, overdue (duedates), refs in natural
order, which actions a filter picks, when commentary is stale, and the sentences.

`read` below is queries.reader(): queries/<name>.sql's rows in a snapshot where queries/plan_actions.sql,
the plan's snapshots up to a month, has been materialised (the action queries count those rows).
"""
from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from . import queries
from .duedates import Due, days_overdue
from .numbers import pct, plural
from .periods import EVERYTHING, month_label

RAG_ORDER = ("Blue", "Green", "Amber", "Red", "Unrated")
UNRATED = RAG_ORDER[-1]
STALE_SNAPSHOTS = 3  # commentary unchanged for this many snapshots in a row is stale
GROUPS = {"priority": "Priority", "focus_area": "Focus area", "owner": "Owner"}
NO_GROUP = {"priority": "(no priority)", "focus_area": "(no focus area)", "owner": "(no owner)"}
COLUMNS = ["as_at", "ref", "action", "priority", "focus_area", "owner", "start_text", "start_date", "due_text",
           "due_kind", "due_date", "action_rag", "impact_rag", "commentary", "source", "children_will_say",
           "illustrative", "rebaselines", "overdue", "days_overdue"]
KEEP = ["ref", "action", "priority", "owner", "source"]  # what the tables of changes show of each action


def natural_key(ref: str):
    """Sort refs and codes as people do: 1.2 before 1.10, FA3 before FA12."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", str(ref)) if p]


def source_tags(source: str | None) -> list[str]:
    """`ILAC, FV1` -> ['ILAC', 'FV1']: the findings an action answers, split on commas, semicolons, slashes."""
    if source is None:
        return []
    return [t for t in (" ".join(p.split()) for p in re.split(r"[,;/]|\band\b", source)) if t]


def prepare(rows: list[dict]) -> list[dict]:
    """The plan now (actions_now.sql's rows) with a blank rating named Unrated, whether each action is overdue
    and by how many days (the rule is duedates.days_overdue), in the natural order of the refs."""
    out = []
    for r in rows:
        r = {**r, "action_rag": r["action_rag"] or UNRATED, "impact_rag": r["impact_rag"] or UNRATED}
        days = days_overdue(Due(r["due_kind"], r["due_date"]), None, r["as_at"], r["action_rag"])
        out.append({**r, "overdue": days is not None, "days_overdue": days})
    return sorted(out, key=lambda r: natural_key(r["ref"]))


def frame(rows: list[dict]) -> pd.DataFrame:
    """Actions as the pages' tables and charts take them."""
    return queries.frame(rows, COLUMNS, dates=("as_at", "start_date", "due_date"), ints=("days_overdue",))


def _group(value, by: str) -> str:
    return NO_GROUP[by] if value is None else value


def _ratings(counted: dict | None, unrated: int) -> dict[str, int]:
    counted = counted or {}
    return {**{rag: counted.get(rag, 0) for rag in RAG_ORDER if rag != UNRATED}, UNRATED: unrated}


def counts(read, now: list[dict], by: str = "priority", refs: list[str] | None = None) -> list[dict]:
    """Per group of the actions now (refs: those chosen; None: all), in the order the groups first come:
    Action RAG and Impact RAG counts and the number overdue (queries/action_counts.sql)."""
    rows = read("action_counts", by=by, refs=refs, overdue=[a["ref"] for a in now if a["overdue"]])
    found = {_group(r["grp"], by): r for r in rows}
    return [{by: g, "action_rag": _ratings(r["action_rag"], r["action_unrated"]),
             "impact_rag": _ratings(r["impact_rag"], r["impact_unrated"]), "overdue": r["overdue"]}
            for g in dict.fromkeys(_group(a[by], by) for a in now) if (r := found.get(g))]


def owner_table(read, now: list[dict], refs: list[str] | None = None) -> pd.DataFrame:
    """Actions per owner by Action RAG, with totals and the number overdue, busiest owners first."""
    table = [{"owner": e["owner"], **e["action_rag"], "total": sum(e["action_rag"].values()), "overdue": e["overdue"]}
             for e in counts(read, now, "owner", refs)]
    table.sort(key=lambda r: (-r["total"], r["owner"]))
    return pd.DataFrame(table, columns=["owner", *RAG_ORDER, "total", "overdue"])


def trajectory(rows: list[dict], by: str = "priority") -> pd.DataFrame:
    """Action RAG counts and shares per group and snapshot (action_trajectory.sql's rows), every rating of
    each group present in a snapshot: as_at, group, rag, count, total, share (%). Groups in the order they
    first come: their first snapshot, then their first action in it, refs in natural order."""
    cells = {(r["as_at"], _group(r["grp"], by), r["action_rag"] or UNRATED): r for r in rows}
    totals = {(t, g): r["total"] for (t, g, _), r in cells.items()}
    first: dict[str, tuple] = {}
    for (t, g, _), r in cells.items():
        seen = (t, min(map(natural_key, r["refs"])))
        first[g] = min(first.get(g, seen), seen)
    groups = sorted(first, key=first.get)
    out = []
    for t in sorted({t for t, _ in totals}):
        for g in groups:
            total = totals.get((t, g))
            if total:
                for rag in RAG_ORDER:
                    r = cells.get((t, g, rag))
                    out.append({"as_at": t, "group": g, "rag": rag, "count": r["n"] if r else 0, "total": total,
                                "share": r["share"] if r else 0.0})
    return queries.frame(out, ["as_at", "group", "rag", "count", "total", "share"], dates=("as_at",))


def trajectory_sentences(traj: pd.DataFrame) -> list[str]:
    """Per group, the rating whose share moved most since the previous snapshot, in words:
    '1. Quality of Practice: Green fell from 70% to 58% since Oct-23 (12 actions)'."""
    times = sorted(set(traj["as_at"])) if len(traj) else []
    if len(times) < 2:
        return []
    now, before = times[-1], times[-2]
    out = []
    for group, g in traj.groupby("group", sort=False):
        cur = g[g["as_at"] == now].set_index("rag")
        prev = g[g["as_at"] == before].set_index("rag")
        if cur.empty:
            continue
        if prev.empty:
            out.append(f"{group}: new since {month_label(before)} ({plural(int(cur['total'].iloc[0]), 'action')})")
            continue
        delta = {r: cur["share"].get(r, 0.0) - prev["share"].get(r, 0.0) for r in RAG_ORDER}
        rag = max(RAG_ORDER, key=lambda r: (abs(delta[r]), -RAG_ORDER.index(r)))
        a, b = prev["share"].get(rag, 0.0), cur["share"].get(rag, 0.0)
        n = int(cur["total"].iloc[0])
        if pct(a) == pct(b):  # the change as shown
            out.append(f"{group}: no change in ratings since {month_label(before)} ({plural(n, 'action')})")
        else:
            out.append(f"{group}: {rag} {'rose' if b > a else 'fell'} from {pct(a)} to {pct(b)} since "
                       f"{month_label(before)} ({plural(n, 'action')})")
    return out


def stale_runs(read, refs: list[str] | None = None) -> list[dict]:
    """Per action now whose commentary is not blank: how many snapshots in a row, ending now, it has had the
    same words, and since when (queries/stale_commentary.sql)."""
    return read("stale_commentary", refs=refs)


def stale(read, now: list[dict], refs: list[str] | None = None) -> pd.DataFrame:
    """Stale commentary: the same words for STALE_SNAPSHOTS or more snapshots in a row, Blue actions excepted."""
    runs = {r["ref"]: r for r in stale_runs(read, refs)}
    rows = [{**{k: a[k] for k in KEEP}, "action_rag": a["action_rag"], "commentary": a["commentary"],
             "unchanged_for": run["unchanged_for"], "since": run["since"]}
            for a in now if a["action_rag"] != "Blue" and (run := runs.get(a["ref"]))
            and run["unchanged_for"] >= STALE_SNAPSHOTS]
    return queries.frame(rows, KEEP + ["action_rag", "commentary", "unchanged_for", "since"], dates=("since",))


def changes(read, now: list[dict], refs: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """What changed between the previous snapshot and the latest one (queries/action_changes.sql).

    moved: Action RAG changed (before, after); new: in the latest snapshot only; closed: in the previous
    snapshot only (dropped from the plan); slipped: due date moved later (days of slippage, and re-baselines
    over the whole history, from the actions now); stale: Blue excepted, commentary unchanged for
    STALE_SNAPSHOTS or more snapshots in a row."""
    rows = sorted(read("action_changes", refs=refs), key=lambda r: natural_key(r["ref"]))
    moved = [{"ref": r["ref"], "before": r["action_rag_before"] or UNRATED, "after": r["action_rag"] or UNRATED,
              **{k: r[k] for k in KEEP[1:]}} for r in rows if r["moved"]]
    new = [{**{k: r[k] for k in KEEP}, "action_rag": r["action_rag"] or UNRATED}
           for r in rows if r["in_now"] and not r["in_before"]]
    closed = [{**{k: r[k] for k in KEEP}, "action_rag": r["action_rag_before"] or UNRATED}
              for r in rows if r["in_before"] and not r["in_now"]]
    rebaselines = {a["ref"]: a["rebaselines"] for a in now}  # an action that slipped is in both snapshots
    slipped = [{**{k: r[k] for k in ("ref", "due_before", "due_now", "slippage_days")},
                "rebaselines": rebaselines[r["ref"]], **{k: r[k] for k in KEEP[1:]}} for r in rows if r["slipped"]]
    return {"moved": pd.DataFrame(moved, columns=["ref", "before", "after", *KEEP[1:]]),
            "new": pd.DataFrame(new, columns=[*KEEP, "action_rag"]),
            "closed": pd.DataFrame(closed, columns=[*KEEP, "action_rag"]),
            "slipped": pd.DataFrame(slipped, columns=["ref", "due_before", "due_now", "slippage_days", "rebaselines",
                                                      *KEEP[1:]]),
            "stale": stale(read, now, refs)}


def filter_actions(now: list[dict], priorities=(), focus_areas=(), owners=(), sources=(), ratings=()) -> list[dict]:
    """The actions now that match; empty filters mean all. Sources match by tag, so `FV1` finds `ILAC, FV1`."""
    chosen = {"priority": set(priorities), "focus_area": set(focus_areas), "owner": set(owners),
              "action_rag": set(ratings)}
    wanted = set(sources)
    return [a for a in now if all(not want or a[col] in want for col, want in chosen.items())
            and (not wanted or wanted & set(source_tags(a["source"])))]


def summary_counts(entries: list[dict], diff: dict[str, pd.DataFrame], now: list[dict]) -> list[dict]:
    """`summary --json` actions entries: per priority, the RAG counts and overdue of the latest snapshot,
    plus slipped (due date moved later since the previous snapshot) and changed (Action RAG changed)."""
    priority_of = {a["ref"]: _group(a["priority"], "priority") for a in now}

    def mine(changed: pd.DataFrame, priority: str) -> int:
        return sum(priority_of.get(ref) == priority for ref in changed["ref"])

    return [{**e, "slipped": mine(diff["slipped"], e["priority"]), "changed": mine(diff["moved"], e["priority"])}
            for e in entries]


def view(store, plan: str, as_at: dt.date | None, by: str = "priority", **filters) -> dict:
    """Everything the Actions page shows for a filter, read at one moment: the matching actions now (and as the
    page's table and downloads give them), the snapshots they appear in, counts per group, the trajectory and
    its sentences, changes, exceptions and owners."""
    from .board import exceptions  # board imports this module
    with store.snapshot() as cur:
        read = queries.reader(store, cur)
        queries.materialise(cur, "plan_actions", plan=plan, as_at=as_at or EVERYTHING)
        everything = prepare(read("actions_now"))
        now = filter_actions(everything, **filters)
        refs = None if len(now) == len(everything) else [a["ref"] for a in now]
        traj_rows = read("action_trajectory", by=by, refs=refs)
        found = {"counts": counts(read, now, by, refs), "changes": changes(read, now, refs),
                 "owners": owner_table(read, now, refs)}
    traj = trajectory(traj_rows, by)
    latest = frame(now)
    return {"latest": latest, "table": export_frame(latest),
            "snapshots": [pd.Timestamp(t) for t in sorted({r["as_at"] for r in traj_rows})],
            "illustrative": any(r["illustrative"] for r in traj_rows), "trajectory": traj,
            "sentences": trajectory_sentences(traj), "exceptions": exceptions(actions=now).action_table(), **found}


def timeline(store, plan: str, as_at: dt.date | None, ref: str) -> pd.DataFrame:
    """One action across the snapshots, oldest first: ratings (blank: Unrated), due date and commentary."""
    rows = queries.rows(store, "action_timeline", plan=plan, as_at=as_at or EVERYTHING, ref=ref)
    rows = [{**r, "action_rag": r["action_rag"] or UNRATED, "impact_rag": r["impact_rag"] or UNRATED} for r in rows]
    return queries.frame(rows, ["as_at", "action_rag", "impact_rag", "due_text", "commentary", "illustrative"],
                         dates=("as_at",))


EXPORT_COLUMNS = {"as_at": "As at", "ref": "Ref", "action": "Action", "priority": "Priority",
                  "focus_area": "Focus area", "owner": "Owner", "start_text": "Start", "due_text": "Due",
                  "due_date": "Due (read as)", "overdue": "Overdue", "days_overdue": "Days overdue",
                  "action_rag": "Action RAG", "impact_rag": "Impact RAG", "commentary": "Commentary",
                  "source": "Source", "children_will_say": "Children will say", "illustrative": "Illustrative"}


def export_frame(actions: pd.DataFrame) -> pd.DataFrame:
    out = actions[list(EXPORT_COLUMNS)].rename(columns=EXPORT_COLUMNS)
    out["As at"] = [month_label(d) for d in out["As at"]]
    out["Due (read as)"] = [None if pd.isna(d) else pd.Timestamp(d).date() for d in out["Due (read as)"]]
    return out
