"""Actions across snapshots: overdue, what changed, slippage, stale commentary, exceptions, owners.
The snapshots are committed to a store and read back through the queries, as the pages read them."""
import datetime as dt
import itertools

import pandas as pd
import pytest

from scorecard import actions, board, queries
from scorecard.duedates import is_overdue, parse_due
from scorecard.store import Store
from tests.conftest import commit_rows


def act(as_at, ref, rag="Green", impact=None, due="Mar 2024", owner="DMT", priority="1. Quality", source="FV1",
        commentary=None, focus="FA1"):
    d, _ = parse_due(due)
    return {"as_at": pd.Timestamp(as_at), "ref": ref, "action": f"Action {ref}", "priority": priority,
            "focus_area": focus, "owner": owner, "start_text": "Sep 23", "start_date": pd.Timestamp("2023-09-30"),
            "due_text": due, "due_kind": d.kind, "due_date": pd.Timestamp(d.date) if d.date else None,
            "action_rag": rag, "impact_rag": impact, "commentary": commentary, "source": source,
            "children_will_say": None, "illustrative": False}


_plans = itertools.count()


class History:
    """Action snapshots in a store of their own: read(name, **more) runs a query on them, now is the plan now."""

    def __init__(self, store: Store, rows):
        self.plan = f"Plan {next(_plans)}"
        commit_rows(store, self.plan, actions=rows)
        cur = store.cursor()  # its own connection, where the plan's snapshots are materialised for the queries
        queries.materialise(cur, "plan_actions", plan=self.plan, as_at=dt.date(9999, 12, 31))
        self.read = queries.reader(store, cur)
        self.now = actions.prepare(self.read("actions_now"))


@pytest.fixture
def history(store):
    return lambda *rows: History(store, rows)


def test_overdue_and_days_overdue_follow_the_foundation_rules(history):
    h = history(act("2024-04-01", "1", due="Mar 2024"), act("2024-04-01", "2", due="Mar 2024", rag="Blue"),
                act("2024-04-01", "3", due="Apr 2024"), act("2024-04-01", "4", due="Weekly"),
                act("2024-04-01", "5", due="TBC"), act("2024-04-01", "6", due="Oct/Nov 2023", rag=None)).now
    assert [r["overdue"] for r in h] == [True, False, False, False, False, True]
    assert h[0]["days_overdue"] == 30 and h[5]["days_overdue"] == 152
    assert h[5]["action_rag"] == "Unrated"
    for r in h:  # the same answer as the foundation's rule, action by action
        expected = r["due_kind"] == "date" and is_overdue(None, r["due_date"], dt.date(2024, 4, 1), r["action_rag"])
        assert r["overdue"] == expected


def test_refs_in_natural_order_and_source_tags(history):
    h = history(act("2024-01-01", "1.10"), act("2024-01-01", "1.2"), act("2024-01-01", "FA12"),
                act("2024-01-01", "FA3")).now
    assert [r["ref"] for r in h] == ["1.2", "1.10", "FA3", "FA12"]
    assert actions.source_tags("ILAC, FV1") == ["ILAC", "FV1"]
    assert actions.source_tags("FV1/FV2; Ofsted ILACS 2015") == ["FV1", "FV2", "Ofsted ILACS 2015"]
    assert actions.source_tags(None) == []


THREE = (
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


@pytest.fixture
def three(history):
    return history(*THREE)


def test_what_changed_since_the_previous_snapshot(three):
    ch = actions.changes(three.read, three.now)
    assert ch["moved"][["ref", "before", "after"]].values.tolist() == [["1.1", "Green", "Red"]]
    assert ch["new"]["ref"].tolist() == ["2.1"] and ch["closed"]["ref"].tolist() == ["1.5"]
    slipped = ch["slipped"]
    assert slipped[["ref", "due_before", "due_now", "slippage_days", "rebaselines"]].values.tolist() == [
        ["1.2", "Mar 2024", "Jun 2024", 91, 2]]  # 31/03 -> 30/06; moved later twice (Jan -> Mar -> Jun)
    stale = ch["stale"]
    assert stale[["ref", "unchanged_for"]].values.tolist() == [["1.1", 3], ["1.3", 3]]  # 1.4 is Blue: not stale
    assert stale["since"].tolist() == [pd.Timestamp("2024-01-01")] * 2


def test_commentary_unchanged_for_two_snapshots_is_not_yet_stale(history):
    h = history(act("2024-02-01", "1", commentary="x"), act("2024-03-01", "1", commentary="x"))
    assert actions.changes(h.read, h.now)["stale"].empty
    runs = actions.stale_runs(h.read)
    assert [r["unchanged_for"] for r in runs] == [2]
    blank = history(*[act(f"2024-0{m}-01", "1", commentary=None) for m in (1, 2, 3)])
    assert actions.stale_runs(blank.read) == []


def test_a_single_snapshot_has_no_changes(history):
    h = history(act("2024-01-01", "1"))
    ch = actions.changes(h.read, h.now)
    assert all(ch[k].empty for k in ("moved", "new", "closed", "slipped", "stale"))
    assert actions.trajectory_sentences(actions.trajectory(h.read("action_trajectory", by="priority", refs=None))) == []


def test_trajectory_says_green_fell_from_70_to_58_percent(history):
    before = [act("2024-01-01", f"1.{i}", "Green" if i < 7 else "Amber") for i in range(10)]
    now = [act("2024-02-01", f"1.{i}", "Green" if i < 7 else "Amber") for i in range(12)]
    traj = actions.trajectory(history(*before, *now).read("action_trajectory", by="priority", refs=None))
    feb = traj[traj["as_at"] == pd.Timestamp("2024-02-01")].set_index("rag")
    assert feb.loc["Green", "count"] == 7 and feb.loc["Green", "total"] == 12
    assert actions.trajectory_sentences(traj) == ["1. Quality: Green fell from 70% to 58% since Jan-24 (12 actions)"]


def test_exceptions_owners_and_filters(three, history):
    now = three.now
    exc = board.exceptions(actions=now).action_table()
    assert exc[["ref", "exception"]].values.tolist() == [["1.3", "Overdue (60 days)"], ["1.1", "Red"],
                                                        ["1.2", "Red"]]
    done_not_working = board.exceptions(actions=history(act("2024-01-01", "9", "Blue", impact="Red")).now)
    assert done_not_working.action_table()["exception"].tolist() == ["Red impact, Green/Blue action"]
    owners = actions.owner_table(three.read, now)
    # 1.3 overdue
    assert owners.iloc[0][["owner", "Blue", "Green", "Red", "total", "overdue"]].tolist() == ["DMT", 1, 1, 2, 4, 1]
    refs = lambda **f: [a["ref"] for a in actions.filter_actions(now, **f)]  # noqa: E731
    assert refs(owners=["AD QA"]) == ["2.1"]
    assert set(refs(sources=["FV1"])) == {"1.1", "1.2", "1.3", "1.4", "2.1"}
    assert refs(sources=["ILAC"]) == ["2.1"]
    assert set(refs(ratings=["Red"])) == {"1.1", "1.2"}


def test_summary_counts_gain_slipped_and_changed(three):
    entries = {e["priority"]: e for e in actions.summary_counts(
        actions.counts(three.read, three.now), actions.changes(three.read, three.now), three.now)}
    assert entries["1. Quality"]["slipped"] == 1 and entries["1. Quality"]["changed"] == 1
    assert entries["1. Quality"]["overdue"] == 1
    assert entries["2. Partnership"]["slipped"] == 0 and entries["2. Partnership"]["changed"] == 0


def test_exports_are_formula_safe(history):
    from scorecard.exports import to_csv_bytes
    h = history(act("2024-01-01", "1", commentary="=HYPERLINK(\"http://x\")", owner="@evil"))
    csv = to_csv_bytes(actions.export_frame(actions.frame(h.now))).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and ",'@evil," in csv


@pytest.mark.slow
def test_demo_summary_json_has_slipped_and_changed(demo_db):
    from scorecard.summary import summary
    s = Store(demo_db, read_only=True)
    try:
        out = {p["plan"]: p for p in summary(s)["plans"]}
        ch = actions.view(s, "Sefton 2017-18", None)["changes"]
        tameside = queries.rows(s, "action_history", plan="Tameside 2023-25", as_at=dt.date(9999, 12, 31))
        tameside_moved = actions.view(s, "Tameside 2023-25", None)["changes"]["moved"]
    finally:
        s.close()
    for p in out.values():
        for e in p["actions"]:
            assert isinstance(e["slipped"], int) and isinstance(e["changed"], int)
    assert sum(e["changed"] for e in out["Sefton 2017-18"]["actions"]) == len(ch["moved"]) > 0
    assert sum(e["slipped"] for e in out["Sefton 2017-18"]["actions"]) == len(ch["slipped"]) > 0
    first = min(r["as_at"] for r in tameside)
    later = [r for r in tameside if r["as_at"] > first]
    assert len({r["as_at"] for r in later}) >= 3 and all(r["illustrative"] for r in later)  # flagged as illustrative
    assert not any(r["illustrative"] for r in tameside if r["as_at"] == first)  # as published
    assert len(tameside_moved) > 0
