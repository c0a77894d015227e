"""The Actions page, rendered by AppTest against the demo store."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # every test here takes more than about half a second on its own

PAGE = str(ROOT / "app_pages" / "actions.py")


@pytest.fixture
def page(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    from scorecard import ui
    ui.get_store.clear()
    at = AppTest.from_file(PAGE, default_timeout=60)
    yield at
    ui.get_store.clear()


def open_plan(at, plan):
    at.run()
    at.sidebar.selectbox[0].set_value(plan).run()
    assert not at.exception, at.exception
    return at


def frame(at, *columns):
    """The first dataframe on the page that has the given columns."""
    return next(df.value for df in at.dataframe if set(columns) <= set(df.value.columns))


def test_tameside_snapshots_distribution_trajectory_and_changes(page):
    at = open_plan(page, "Tameside 2023-25")
    assert [h.value for h in at.header] == ["Ratings by priority", "Month by month", "What changed since Dec-23",
                                            "Exceptions", "Owners", "The actions", "Action detail"]
    assert "31 of 31 actions · 5 monthly snapshots up to Jan-24" in at.caption[0].value
    sentences = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(sentences) == 4 and all(" since Dec-23 (" in s for s in sentences)
    assert any(" rose from " in s or " fell from " in s for s in sentences)
    metrics = {m.label: int(m.value) for m in at.metric}
    assert metrics["Rating moved"] > 0 and set(metrics) == {"Rating moved", "New", "Closed", "Due date slipped",
                                                            "Stale commentary"}
    assert len(at.get("plotly_chart")) == 3  # Action RAG, Impact RAG, trajectory
    assert any(info.value.startswith("Some ratings on this page are **illustrative**") for info in at.info)


def test_filter_by_owner_then_open_an_action(page):
    at = open_plan(page, "Tameside 2023-25")
    at.multiselect(key="act_owner").set_value(["DMT"]).run()
    assert not at.exception
    table = frame(at, "Ref")
    assert len(table) > 0 and set(table["Owner"]) == {"DMT"}
    assert f"{len(table)} of 31 actions" in at.caption[0].value
    owners = frame(at, "total")
    assert owners["owner"].tolist() == ["DMT"]
    assert at.selectbox(key="act_ref").value is None
    at.selectbox(key="act_ref").set_value("1.1").run()
    assert not at.exception
    assert at.subheader[0].value.startswith("1.1 · Review threshold document")
    detail = " ".join(m.value for m in at.markdown)
    assert "**Owner:** DMT" in detail and "**Start:** Sep 23 (read as 30/09/2023)" in detail
    assert "**Due:** Mar 24 (read as 31/03/2024)" in detail and "`FV2`" in detail
    assert any("What our children will say" in i.value for i in at.info)
    rating_history = frame(at, "as_at", "impact_rag")
    assert rating_history["as_at"].tolist() == ["Sep-23", "Oct-23", "Nov-23", "Dec-23", "Jan-24"]
    timeline = [m.value for m in at.markdown if m.value.startswith("- **")]
    assert len(timeline) == 5 and timeline[0].startswith("- **Sep-23**")


def test_rating_and_source_filters_and_group_by_focus_area(page):
    at = open_plan(page, "Tameside 2023-25")
    at.multiselect(key="act_source").set_value(["ILAC"]).run()
    sources = frame(at, "Ref")["Source"]
    assert len(sources) > 0 and all("ILAC" in s for s in sources)
    at.multiselect(key="act_source").set_value([]).run()
    at.multiselect(key="act_rating").set_value(["Blue"]).run()
    assert set(frame(at, "Ref")["Action RAG"]) == {"Blue"}
    at.segmented_control(key="act_group").set_value("focus_area").run()
    assert not at.exception
    assert at.header[0].value == "Ratings by focus area"
    assert "FA" in at.get("plotly_chart")[0].proto.spec


def test_exceptions_list_overdue_red_and_downloads(page):
    at = open_plan(page, "Sefton 2017-18")
    exc = frame(at, "exception")
    assert len(exc) > 0
    assert all(e.startswith(("Overdue (", "Red", "Red impact")) for e in exc["exception"])
    overdue = exc[exc["exception"].str.startswith("Overdue")]
    assert (overdue["days_overdue"] > 0).all()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel"]


def test_plan_without_later_snapshots_still_renders(page):
    at = open_plan(page, "Cheshire East progress against Ofsted recommendations 2017")
    assert "Only one snapshot so far" in " ".join(m.value for m in at.markdown)
    assert [m.value for m in at.metric] == ["0"] * 5
