"""One definition of what needs the board's attention (board.exceptions): the same plan gives the same
exceptions, in the same order, on every surface: `summary --json`, the Overview, the Actions page, meeting
mode and the board pack."""
import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from scorecard import actions, board, boardpack, queries
from scorecard.cli import main
from scorecard.kpis import kpi_table
from scorecard.summary import PlanData
from tests.conftest import ROOT, commit_rows

PLANS = ("Sefton 2017-18", "Tameside 2023-25", "Cheshire East 2017-18")


@pytest.fixture
def app(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    from scorecard import ui
    ui.get_store.clear()
    yield lambda page="app.py": AppTest.from_file(str(ROOT / page), default_timeout=60)
    ui.get_store.clear()


def from_json(capsys, db, plan) -> dict:
    assert main(["summary", "--json", "--plan", plan, "--db", str(db)]) == 0
    return json.loads(capsys.readouterr().out)["plans"][0]["exceptions"]


@pytest.mark.parametrize("plan", PLANS)
def test_every_surface_gives_the_same_exceptions(plan, app, demo_copy, capsys):
    want = from_json(capsys, demo_copy, plan)
    assert want["measures"] and want["actions"]

    # the Overview: one row per measure, action and audit stream, under its worst reason
    overview = app()
    overview.query_params["plan"] = plan
    overview.run()
    assert not overview.exception
    table = overview.dataframe[0].value
    kind = table["Exception"]
    assert table[kind.str.startswith("Measure")]["Ref"].tolist() == want["measures"]
    assert table[kind.str.startswith("Action")]["Ref"].tolist() == want["actions"]
    assert table[kind == "Audit stream fell"]["What"].tolist() == want["audit_streams"]

    # the Actions page, no filter
    page = app("app_pages/actions.py")
    page.query_params["plan"] = plan
    page.run()
    assert not page.exception
    exc = next(df.value for df in page.dataframe if "exception" in df.value.columns)
    assert exc["ref"].tolist() == want["actions"]

    # meeting mode: the counts on the exceptions slide and in the strip, and the first six of each list
    meeting = app()
    meeting.query_params.update({"mode": "board", "plan": plan})
    meeting.run()
    assert not meeting.exception
    from scorecard import ui
    s = ui.get_store()  # the app's connection: one per process
    data = PlanData(s, plan)
    exc_now = board.exceptions(kpi_table(data), data.action_rows, data.audit_rows)
    row = next(p for p in queries.rows(s, "plans") if p["plan"] == plan)
    pack = boardpack.build_html(row, data, kpi_table(data), actions.view(s, plan, None), s.history())
    assert exc_now.as_json() == want
    assert {m.label: int(m.value) for m in meeting.metric} == {what: n for n, what in exc_now.lines()}
    strip = next(h.value for h in meeting.html if 'class="board-strip"' in h.value)
    assert all(f"<b>{n}</b> {label}" in strip for n, label in exc_now.strip())
    shown = [t.value for t in meeting.table]
    assert (shown[0].index.tolist() if shown else []) == want["measures"][:6]
    if want["actions"] or want["audit_streams"]:  # the actions and the audit streams are on the second slide
        meeting.button(key="board_next").click().run()
        shown = [t.value for t in meeting.table]
        assert (shown[0].index.tolist() if shown else []) == want["actions"][:6]
        for stream in want["audit_streams"]:
            assert any(m.value.startswith(f"- **{stream}** audits:") for m in meeting.markdown)

    # the board pack's front page
    front = pack.split("<div class='section'>")[0]
    firsts = lambda html: re.findall(r"<tr><td>([^<]*)</td>", html)  # noqa: E731
    measures, acts = front.split("<h3>Measures</h3>")[1].split("<h3>Actions</h3>")
    assert firsts(measures) == want["measures"] and firsts(acts.split("</table>")[0]) == want["actions"]
    assert re.findall(r"<li>([^<:]*): ", front) == want["audit_streams"]
    assert all(line in front for line in exc_now.headlines())


def test_red_against_target_counts_like_inadequate_and_red_actions_and_falling_streams_are_exceptions(store):
    """Rating by tolerance: a measure Red against its target is an exception with the Inadequate ones; the
    Overview now lists Red actions and audit streams that fell, as meeting mode did."""
    commit_rows(store, "P", measures=[
        {"code": "M1", "measure": "Red by tolerance", "unit": "%", "polarity": "higher", "target": 90.0,
         "tolerance": "5"},
        {"code": "M2", "measure": "Within tolerance", "unit": "%", "polarity": "higher", "target": 90.0,
         "tolerance": "5"}],
        values=[("M1", "2024-02-01", 80.0), ("M1", "2024-03-01", 80.0), ("M2", "2024-02-01", 87.0),
                ("M2", "2024-03-01", 87.0)],
        audits=[{"period": "2024-01-01", "stream": "CP", "grade": "Good", "cases": 8},
                {"period": "2024-01-01", "stream": "CP", "grade": "Inadequate", "cases": 2},
                {"period": "2024-04-01", "stream": "CP", "grade": "Good", "cases": 4},
                {"period": "2024-04-01", "stream": "CP", "grade": "Inadequate", "cases": 6}],
        actions=[{"as_at": "2024-03-01", "ref": "1", "action": "On track", "action_rag": "Green", "due_kind": "none"},
                 {"as_at": "2024-03-01", "ref": "2", "action": "Off track", "action_rag": "Red", "due_kind": "none"}])
    data = PlanData(store, "P")
    exc = board.exceptions(kpi_table(data), data.action_rows, data.audit_rows)
    assert [(m["code"], m["reasons"]) for m in exc.measures] == [("M1", ["Red against target", "Target not met"]),
                                                                ("M2", ["Target not met"])]
    assert [m["code"] for m in exc.inadequate] == ["M1"]
    assert exc.lines()[1] == (1, "measure is rated Inadequate or Red against target")
    assert exc.as_json() == {"measures": ["M1", "M2"], "actions": ["2"], "audit_streams": ["CP"]}
