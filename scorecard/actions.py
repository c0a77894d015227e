"""Improvement-plan actions across monthly snapshots: BRAG counts, what changed, slippage, exceptions.

A snapshot is the plan's actions as at a month (the Actions sheet's `As at`). The latest snapshot
at or before the chosen month is "the plan now"; the one before it is what "changed" compares with.
"""
from __future__ import annotations

import re

import pandas as pd

from .periods import period_label

RAG_ORDER = ("Blue", "Green", "Amber", "Red", "Unrated")
STALE_SNAPSHOTS = 3  # commentary unchanged for this many snapshots in a row is stale
GROUPS = {"priority": "Priority", "focus_area": "Focus area", "owner": "Owner"}
NO_GROUP = {"priority": "(no priority)", "focus_area": "(no focus area)", "owner": "(no owner)"}


def natural_key(ref: str):
    """Sort refs and codes as people do: 1.2 before 1.10, FA3 before FA12."""
    return [(0, int(p), "") if p.isdigit() else (1, 0, p.lower()) for p in re.split(r"(\d+)", str(ref)) if p]


def source_tags(source) -> list[str]:
    """`ILAC, FV1` -> ['ILAC', 'FV1']: the findings an action answers, split on commas, semicolons, slashes."""
    if source is None or (isinstance(source, float) and source != source):
        return []
    return [t for t in (" ".join(p.split()) for p in re.split(r"[,;/]|\band\b", str(source))) if t]


def month_label(d) -> str:
    return period_label(pd.Timestamp(d).date(), "month")


def prepare(history: pd.DataFrame) -> pd.DataFrame:
    """Every snapshot's actions with unrated ratings named, overdue flags and days overdue, refs in
    natural order within each snapshot.

    Overdue: a due date (not recurring, not text) before the last day of the snapshot's as-at month,
    and not Blue; days overdue count from the due date to that last day."""
    df = history.copy()
    for col in ("action_rag", "impact_rag"):
        df[col] = df[col].fillna("Unrated")
    as_at = pd.to_datetime(df["as_at"])
    df["as_at"] = as_at
    month_end = as_at + pd.offsets.MonthEnd(0)
    due = pd.to_datetime(df["due_date"])
    df["due_date"] = due
    late = (df["due_kind"] == "date") & due.notna() & (due < month_end) & (df["action_rag"] != "Blue")
    df["overdue"] = late.astype(bool)
    df["days_overdue"] = pd.array([d.days if ok else None for ok, d in zip(late, month_end - due)], dtype="Int64")
    if len(df):
        order = sorted(range(len(df)), key=lambda i: (df["as_at"].iat[i], natural_key(df["ref"].iat[i])))
        df = df.iloc[order]
    return df.reset_index(drop=True)


def snapshots(history: pd.DataFrame) -> list[pd.Timestamp]:
    return sorted(pd.to_datetime(history["as_at"].unique())) if len(history) else []


def latest(history: pd.DataFrame) -> pd.DataFrame:
    if history.empty:
        return history
    return history[history["as_at"] == history["as_at"].max()].reset_index(drop=True)


def _group(df: pd.DataFrame, by: str) -> pd.Series:
    return df[by].fillna(NO_GROUP[by])


def counts(actions: pd.DataFrame, by: str = "priority") -> list[dict]:
    """Per group (in first-seen order): Action RAG and Impact RAG counts and the number overdue."""
    out = []
    if actions.empty:
        return out
    for group, g in actions.groupby(_group(actions, by), sort=False):
        out.append({
            by: group,
            "action_rag": {k: int((g["action_rag"] == k).sum()) for k in RAG_ORDER},
            "impact_rag": {k: int((g["impact_rag"] == k).sum()) for k in RAG_ORDER},
            "overdue": int(g["overdue"].sum()),
        })
    return out


def trajectory(history: pd.DataFrame, by: str = "priority") -> pd.DataFrame:
    """Action RAG counts and shares per group and snapshot: as_at, group, rag, count, total, share (%)."""
    cols = ["as_at", "group", "rag", "count", "total", "share"]
    if history.empty:
        return pd.DataFrame(columns=cols)
    df = history.assign(group=_group(history, by))
    n = df.groupby(["as_at", "group", "action_rag"], sort=False).size()
    full = pd.MultiIndex.from_product([snapshots(df), list(dict.fromkeys(df["group"])), RAG_ORDER],
                                      names=["as_at", "group", "rag"])
    out = n.rename_axis(["as_at", "group", "rag"]).reindex(full, fill_value=0).rename("count").reset_index()
    out["total"] = out.groupby(["as_at", "group"])["count"].transform("sum")
    out = out[out["total"] > 0].copy()
    out["share"] = 100 * out["count"] / out["total"]
    return out[cols].reset_index(drop=True)


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
            out.append(f"{group}: new since {month_label(before)} ({int(cur['total'].iloc[0])} actions)")
            continue
        delta = {r: cur["share"].get(r, 0.0) - prev["share"].get(r, 0.0) for r in RAG_ORDER}
        rag = max(RAG_ORDER, key=lambda r: (abs(delta[r]), -RAG_ORDER.index(r)))
        a, b = prev["share"].get(rag, 0.0), cur["share"].get(rag, 0.0)
        n = int(cur["total"].iloc[0])
        if round(a) == round(b):
            out.append(f"{group}: no change in ratings since {month_label(before)} ({n} actions)")
        else:
            out.append(f"{group}: {rag} {'rose' if b > a else 'fell'} from {a:.0f}% to {b:.0f}% since "
                       f"{month_label(before)} ({n} actions)")
    return out


def rebaselines(history: pd.DataFrame) -> pd.Series:
    """Per ref: how many times its due date moved later from one snapshot to the next."""
    if history.empty:
        return pd.Series(dtype=int)
    h = history[["ref", "as_at", "due_date"]].sort_values(["ref", "as_at"], kind="stable")
    later = h["due_date"] > h.groupby("ref", sort=False)["due_date"].shift()
    return later.groupby(h["ref"]).sum().astype(int)


def stale_runs(history: pd.DataFrame) -> pd.DataFrame:
    """Per ref in the latest snapshot: how many snapshots in a row, ending now, the commentary has not
    changed (blank commentary never counts), and the first snapshot of that run."""
    cols = ["ref", "unchanged_for", "since"]
    if history.empty:
        return pd.DataFrame(columns=cols)
    now = history["as_at"].max()
    h = history[["ref", "as_at", "commentary"]].sort_values(["ref", "as_at"], kind="stable").reset_index(drop=True)
    same = (h["ref"] == h["ref"].shift()) & (h["commentary"] == h["commentary"].shift())
    run = (~same).cumsum()  # one id per stretch of identical commentary within a ref
    last = h.groupby("ref", sort=False).tail(1)
    text = last["commentary"].fillna("").astype(str).str.strip()
    last = last[(last["as_at"] == now) & (text != "")]
    return pd.DataFrame({"ref": last["ref"].to_numpy(),
                         "unchanged_for": run.map(run.value_counts())[last.index].to_numpy(),
                         "since": h.groupby(run)["as_at"].transform("first")[last.index].to_numpy()},
                        columns=cols).reset_index(drop=True)


def changes(history: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """What changed between the previous snapshot and the latest one.

    moved: Action RAG changed (before, after); new: in the latest snapshot only; closed: in the
    previous snapshot only (dropped from the plan); slipped: due date moved later (days of slippage,
    and re-baselines over the whole history); stale: Blue excepted, commentary unchanged for
    STALE_SNAPSHOTS or more snapshots in a row."""
    times = snapshots(history)
    now = latest(history)
    keep = ["ref", "action", "priority", "owner", "source"]
    empty = {k: pd.DataFrame(columns=keep) for k in ("moved", "new", "closed", "slipped", "stale")}
    if len(times) < 2:
        stale = _stale(history, now, keep)
        return {**empty, "stale": stale}
    prev = history[history["as_at"] == times[-2]]
    both = now.merge(prev[["ref", "action_rag", "impact_rag", "due_text", "due_date"]], on="ref",
                     suffixes=("", "_before"))
    moved = both[both["action_rag"] != both["action_rag_before"]]
    moved = moved[["ref", "action_rag_before", "action_rag"] + keep[1:]].rename(
        columns={"action_rag_before": "before", "action_rag": "after"})
    slip = both[(both["due_date"] > both["due_date_before"]) & both["due_date_before"].notna()].copy()
    slip["slippage_days"] = (slip["due_date"] - slip["due_date_before"]).dt.days.astype(int)
    slip["rebaselines"] = slip["ref"].map(rebaselines(history)).fillna(0).astype(int)
    slipped = slip[["ref", "due_text_before", "due_text", "slippage_days", "rebaselines"] + keep[1:]].rename(
        columns={"due_text_before": "due_before", "due_text": "due_now"})
    new = now[~now["ref"].isin(set(prev["ref"]))][keep + ["action_rag"]]
    closed = prev[~prev["ref"].isin(set(now["ref"]))][keep + ["action_rag"]]
    return {"moved": moved.reset_index(drop=True), "new": new.reset_index(drop=True),
            "closed": closed.reset_index(drop=True), "slipped": slipped.reset_index(drop=True),
            "stale": _stale(history, now, keep)}


def _stale(history: pd.DataFrame, now: pd.DataFrame, keep: list[str]) -> pd.DataFrame:
    runs = stale_runs(history)
    runs = runs[runs["unchanged_for"] >= STALE_SNAPSHOTS]
    out = now[now["action_rag"] != "Blue"].merge(runs, on="ref")
    return out[keep + ["action_rag", "commentary", "unchanged_for", "since"]].reset_index(drop=True)


EXCEPTION_REASONS = ("Overdue", "Red", "Red impact, Green/Blue action")


def exceptions(actions: pd.DataFrame) -> pd.DataFrame:
    """Overdue actions (with days overdue), Red actions, and Red impact where the action is rated Green
    or Blue (done but not working): one row per action, worst reason first."""
    cols = ["exception", "ref", "action", "owner", "source", "action_rag", "impact_rag", "due_text", "days_overdue"]
    if actions.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for r in actions.to_dict("records"):
        reasons = []
        if r["overdue"]:
            reasons.append(f"Overdue ({r['days_overdue']} days)")
        if r["action_rag"] == "Red":
            reasons.append("Red")
        if r["impact_rag"] == "Red" and r["action_rag"] in ("Green", "Blue"):
            reasons.append(EXCEPTION_REASONS[2])
        if reasons:
            rows.append({**{c: r.get(c) for c in cols}, "exception": " · ".join(reasons)})
    out = pd.DataFrame(rows, columns=cols)
    rank = [next(i for i, k in enumerate(EXCEPTION_REASONS) if e.startswith(k)) for e in out["exception"]]
    days = [0 if pd.isna(d) else int(d) for d in out["days_overdue"]]
    order = sorted(range(len(out)), key=lambda i: (rank[i], -days[i]))
    return out.iloc[order].reset_index(drop=True)


def owner_table(actions: pd.DataFrame) -> pd.DataFrame:
    """Actions per owner by Action RAG, with totals and the number overdue, busiest owners first."""
    cols = ["owner", *RAG_ORDER, "total", "overdue"]
    if actions.empty:
        return pd.DataFrame(columns=cols)
    df = actions.assign(owner=_group(actions, "owner"))
    table = pd.crosstab(df["owner"], df["action_rag"]).reindex(columns=list(RAG_ORDER), fill_value=0)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    table["overdue"] = df.groupby("owner")["overdue"].sum().astype(int)
    table = table.reset_index().sort_values(["total", "owner"], ascending=[False, True], kind="stable")
    return table[cols].reset_index(drop=True)


def filter_actions(history: pd.DataFrame, priorities=(), focus_areas=(), owners=(), sources=(),
                   ratings=()) -> pd.DataFrame:
    """The history of the actions that match, judged on the latest snapshot; empty filters mean all.
    Sources match by tag, so `FV1` finds `ILAC, FV1`."""
    now = latest(history)
    keep = pd.Series(True, index=now.index)
    for col, chosen in (("priority", priorities), ("focus_area", focus_areas), ("owner", owners),
                        ("action_rag", ratings)):
        if chosen:
            keep &= now[col].isin(list(chosen))
    if sources:
        wanted = set(sources)
        keep &= now["source"].map(lambda s: bool(wanted & set(source_tags(s))))
    return history[history["ref"].isin(set(now.loc[keep, "ref"]))]


def summary_counts(history: pd.DataFrame) -> list[dict]:
    """`summary --json` actions entries: per priority, the RAG counts and overdue of the latest snapshot,
    plus slipped (due date moved later since the previous snapshot) and changed (Action RAG changed)."""
    entries = counts(latest(history))
    diff = changes(history)
    by_ref = latest(history).set_index("ref")["priority"].fillna(NO_GROUP["priority"]) if len(history) else {}
    for e in entries:
        for key, frame in (("slipped", diff["slipped"]), ("changed", diff["moved"])):
            e[key] = int(sum(by_ref.get(ref) == e["priority"] for ref in frame["ref"]))
    return entries


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


def view(history: pd.DataFrame, by: str = "priority", **filters) -> dict:
    """Everything the Actions page shows for a filter: the matching history and latest snapshot, counts
    per group, the trajectory and its sentences, changes, exceptions and owners."""
    h = filter_actions(history, **filters)
    now = latest(h)
    traj = trajectory(h, by)
    times = snapshots(h)
    return {"history": h, "latest": now, "snapshots": times, "counts": counts(now, by),
            "trajectory": traj, "sentences": trajectory_sentences(traj), "changes": changes(h),
            "exceptions": exceptions(now), "owners": owner_table(now)}
