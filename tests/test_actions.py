"""Actions across snapshots: overdue, what changed, slippage, stale commentary, exceptions, owners."""
import datetime as dt

import pandas as pd
import pytest

from scorecard import actions
from scorecard.duedates import is_overdue, parse_due


def act(as_at, ref, rag="Green", impact=None, due="Mar 2024", owner="DMT", priority="1. Quality", source="FV1",
        commentary=None, focus="FA1"):
    d, _ = parse_due(due)
    return {"as_at": pd.Timestamp(as_at), "ref": ref, "action": f"Action {ref}", "priority": priority,
            "focus_area": focus, "owner": owner, "start_text": "Sep 23", "start_date": pd.Timestamp("2023-09-30"),
            "due_text": due, "due_kind": d.kind, "due_date": pd.Timestamp(d.date) if d.date else None,
            "action_rag": rag, "impact_rag": impact, "commentary": commentary, "source": source,
            "children_will_say": None, "illustrative": False}


def history(*rows):
    return actions.prepare(pd.DataFrame(list(rows)))


def test_overdue_and_days_overdue_follow_the_foundation_rules():
    h = history(act("2024-04-01", "1", due="Mar 2024"), act("2024-04-01", "2", due="Mar 2024", rag="Blue"),
                act("2024-04-01", "3", due="Apr 2024"), act("2024-04-01", "4", due="Weekly"),
                act("2024-04-01", "5", due="TBC"), act("2024-04-01", "6", due="Oct/Nov 2023", rag=None))
    assert h["overdue"].tolist() == [True, False, False, False, False, True]
    assert h["days_overdue"].tolist()[0] == 30 and h["days_overdue"].tolist()[5] == 152
    assert h["action_rag"].tolist()[5] == "Unrated"
    for r in h.to_dict("records"):  # the same answer as the foundation's rule, action by action
        due = r["due_date"].date() if pd.notna(r["due_date"]) else None
        expected = r["due_kind"] == "date" and is_overdue(None, due, dt.date(2024, 4, 1), r["action_rag"])
        assert r["overdue"] == expected


def test_refs_in_natural_order_and_source_tags():
    h = history(act("2024-01-01", "1.10"), act("2024-01-01", "1.2"), act("2024-01-01", "FA12"), act("2024-01-01", "FA3"))
    assert h["ref"].tolist() == ["1.2", "1.10", "FA3", "FA12"]
    assert actions.source_tags("ILAC, FV1") == ["ILAC", "FV1"]
    assert actions.source_tags("FV1/FV2; Ofsted ILACS 2015") == ["FV1", "FV2", "Ofsted ILACS 2015"]
    assert actions.source_tags(None) == [] and actions.source_tags(float("nan")) == []


THREE = history(
    act("2024-01-01", "1.1", "Green", due="Mar 2024", commentary="On track"),
    act("2024-01-01", "1.2", "Amber", due="Jan 2024", commentary="Slipping"),
    act("2024-01-01", "1.3", "Green", commentary="Same words"),
    act("2024-01-01", "1.4", "Blue", commentary="Done"),
    act("2024-02-01", "1.1", "Green", due="Mar 2024", commentary="On track"),
    act("2024-02-01", "1.2", "Red", due="Mar 2024", commentary="Slipping"),
    act("2024-02-01", "1.3", "Green", commentary="Same words"),
    act("2024-02-01", "1.4", "Blue", commentary="Done"),
    act("2024-02-01", "1.5", "Green", commentary="Gone next month"),
    act("2024-03-01", "1.1", "Red", due="Mar 2024", commentary="On track"),
    act("2024-03-01", "1.2", "Red", due="Jun 2024", commentary="New plan agreed"),
    act("2024-03-01", "1.3", "Green", due="Jan 2024", commentary="Same words"),
    act("2024-03-01", "1.4", "Blue", commentary="Done"),
    act("2024-03-01", "2.1", "Amber", priority="2. Partnership", owner="AD QA", source="ILAC, FV1"),
)


def test_what_changed_since_the_previous_snapshot():
    ch = actions.changes(THREE)
    assert ch["moved"][["ref", "before", "after"]].values.tolist() == [["1.1", "Green", "Red"]]
    assert ch["new"]["ref"].tolist() == ["2.1"] and ch["closed"]["ref"].tolist() == ["1.5"]
    slipped = ch["slipped"]
    assert slipped[["ref", "due_before", "due_now", "slippage_days", "rebaselines"]].values.tolist() == [
        ["1.2", "Mar 2024", "Jun 2024", 91, 2]]  # 31/03 -> 30/06; moved later twice (Jan -> Mar -> Jun)
    stale = ch["stale"]
    assert stale[["ref", "unchanged_for"]].values.tolist() == [["1.1", 3], ["1.3", 3]]  # 1.4 is Blue: not stale
    assert stale["since"].tolist() == [pd.Timestamp("2024-01-01")] * 2


def test_commentary_unchanged_for_two_snapshots_is_not_yet_stale():
    h = history(act("2024-02-01", "1", commentary="x"), act("2024-03-01", "1", commentary="x"))
    assert actions.changes(h)["stale"].empty
    runs = actions.stale_runs(h)
    assert runs["unchanged_for"].tolist() == [2]
    blank = history(*[act(f"2024-0{m}-01", "1", commentary=None) for m in (1, 2, 3)])
    assert actions.stale_runs(blank).empty


def test_a_single_snapshot_has_no_changes():
    ch = actions.changes(history(act("2024-01-01", "1")))
    assert all(ch[k].empty for k in ("moved", "new", "closed", "slipped", "stale"))
    assert actions.trajectory_sentences(actions.trajectory(history(act("2024-01-01", "1")))) == []


def test_trajectory_says_green_fell_from_70_to_58_percent():
    before = [act("2024-01-01", f"1.{i}", "Green" if i < 7 else "Amber") for i in range(10)]
    now = [act("2024-02-01", f"1.{i}", "Green" if i < 7 else "Amber") for i in range(12)]
    traj = actions.trajectory(history(*before, *now))
    feb = traj[traj["as_at"] == pd.Timestamp("2024-02-01")].set_index("rag")
    assert feb.loc["Green", "count"] == 7 and feb.loc["Green", "total"] == 12
    assert actions.trajectory_sentences(traj) == ["1. Quality: Green fell from 70% to 58% since Jan-24 (12 actions)"]


def test_exceptions_owners_and_filters():
    now = actions.latest(THREE)
    exc = actions.exceptions(now)
    assert exc[["ref", "exception"]].values.tolist() == [["1.3", "Overdue (60 days)"], ["1.1", "Red"],
                                                        ["1.2", "Red"]]
    done_not_working = actions.exceptions(history(act("2024-01-01", "9", "Blue", impact="Red")))
    assert done_not_working["exception"].tolist() == ["Red impact, Green/Blue action"]
    owners = actions.owner_table(now)
    assert owners.iloc[0][["owner", "Blue", "Green", "Red", "total", "overdue"]].tolist() == ["DMT", 1, 1, 2, 4, 1]  # 1.3 overdue
    assert actions.filter_actions(THREE, owners=["AD QA"])["ref"].unique().tolist() == ["2.1"]
    assert set(actions.filter_actions(THREE, sources=["FV1"])["ref"]) == {"1.1", "1.2", "1.3", "1.4", "2.1"}
    assert actions.filter_actions(THREE, sources=["ILAC"])["ref"].unique().tolist() == ["2.1"]
    assert set(actions.filter_actions(THREE, ratings=["Red"])["ref"]) == {"1.1", "1.2"}


def test_summary_counts_gain_slipped_and_changed():
    entries = {e["priority"]: e for e in actions.summary_counts(THREE)}
    assert entries["1. Quality"]["slipped"] == 1 and entries["1. Quality"]["changed"] == 1
    assert entries["1. Quality"]["overdue"] == 1
    assert entries["2. Partnership"]["slipped"] == 0 and entries["2. Partnership"]["changed"] == 0


def test_exports_are_formula_safe():
    from scorecard.exports import to_csv_bytes
    h = history(act("2024-01-01", "1", commentary="=HYPERLINK(\"http://x\")", owner="@evil"))
    csv = to_csv_bytes(actions.export_frame(actions.latest(h))).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and ",'@evil," in csv


@pytest.mark.slow
def test_demo_summary_json_has_slipped_and_changed(demo_db):
    from scorecard.store import Store
    from scorecard.summary import PlanData, summary
    s = Store(demo_db, read_only=True)
    try:
        out = {p["plan"]: p for p in summary(s)["plans"]}
        sefton = PlanData(s, "Sefton 2017-18").action_history
        tameside = PlanData(s, "Tameside 2023-25").action_history
    finally:
        s.close()
    for p in out.values():
        for e in p["actions"]:
            assert isinstance(e["slipped"], int) and isinstance(e["changed"], int)
    ch = actions.changes(sefton)
    assert sum(e["changed"] for e in out["Sefton 2017-18"]["actions"]) == len(ch["moved"]) > 0
    assert sum(e["slipped"] for e in out["Sefton 2017-18"]["actions"]) == len(ch["slipped"]) > 0
    later = tameside[tameside["as_at"] > tameside["as_at"].min()]
    assert len(actions.snapshots(later)) >= 3 and later["illustrative"].all()  # flagged as illustrative
    assert not tameside[tameside["as_at"] == tameside["as_at"].min()]["illustrative"].any()  # as published
    assert len(actions.changes(tameside)["moved"]) > 0
