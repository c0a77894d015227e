"""The app shell and the Overview page, rendered by Streamlit's AppTest against the demo store."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture
def app(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    from scorecard import ui
    ui.get_store.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    yield at
    ui.get_store.clear()


def test_overview_renders_a_plan_with_its_authority(app):
    at = app.run()
    assert not at.exception
    plan_box, as_at_box = at.sidebar.selectbox
    assert plan_box.label == "Plan" and len(plan_box.options) == 5
    assert "Tameside 2023-25 — Tameside Metropolitan Borough Council" in plan_box.options
    assert [h.value for h in at.header] == ["Measures against the plan's thresholds", "Case-file audits",
                                            "Actions by BRAG rating", "Exceptions"]
    assert at.title[0].value == plan_box.value
    assert [(p.proto.label, p.proto.page) for p in at.get("page_link")] == [
        ("Every measure, with SPC, on Compliance KPIs", "kpis"),
        ("Stream by stream, against the plan, on Case-file audits", "audits"),
        ("What changed, exceptions and owners, on Actions", "actions")]


@pytest.mark.slow
def test_switching_plan_and_as_at_changes_the_figures(app):
    at = app.run()
    at.sidebar.selectbox[0].set_value("Cheshire East 2023-24").run()
    assert not at.exception
    assert at.title[0].value == "Cheshire East 2023-24"
    assert at.query_params["plan"] in ("Cheshire East 2023-24", ["Cheshire East 2023-24"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Good or better, Aug-23"] == "61%"   # 20 Good of 33 cases (seed 001)
    assert "20 of 33 cases" in " ".join(c.value for c in at.caption)
    assert int(metrics["Outstanding"]) + int(metrics["Good"]) + int(metrics["Requires Improvement"]) \
        + int(metrics["Inadequate"]) + int(metrics["Not rated"]) == 9
    latest = at.sidebar.selectbox[1].value
    at.sidebar.selectbox[1].set_value(at.sidebar.selectbox[1].options[-1]).run()
    assert not at.exception
    assert at.sidebar.selectbox[1].value != latest
    assert "as at" in at.caption[0].value


@pytest.mark.slow
def test_exceptions_list_overdue_actions_first_after_inadequate(app):
    at = app.run()
    at.sidebar.selectbox[0].set_value("Sefton 2017-18").run()
    assert not at.exception
    table = at.dataframe[0].value
    kinds = table["Exception"].tolist()
    order = {"Measure rated Inadequate": 0, "Action overdue": 1, "Measure worsening": 2}
    assert kinds == sorted(kinds, key=order.get)
    assert "Action overdue" in kinds


def test_plan_in_the_url_is_selected(app):
    app.query_params["plan"] = "Tameside 2023-25"
    at = app.run()
    assert at.sidebar.selectbox[0].value == "Tameside 2023-25"
    assert any("illustrative" in i.value for i in at.info)


@pytest.mark.slow
def test_cached_figures_never_cross_from_one_store_to_another(tmp_path, monkeypatch):
    from scorecard import ui
    from scorecard.intake import load
    from scorecard.store import Store
    from tests.conftest import make_workbook
    for name in ("a", "b"):  # two stores, each at data version 1
        store = Store(tmp_path / f"{name}.duckdb")
        load.import_path(store, make_workbook(tmp_path / f"{name}.xlsx", {
            "Plan": [["Plan", f"Plan {name.upper()}"]], "Measures": [["Code", "Measure"], ["M1", "A measure"]]}))
        store.close()
    titles = []
    for name in ("a", "b"):
        monkeypatch.setenv("SCORECARD_DB", str(tmp_path / f"{name}.duckdb"))
        ui.get_store.clear()
        at = AppTest.from_file(APP, default_timeout=60).run()
        assert not at.exception
        titles.append(at.title[0].value)
    ui.get_store.clear()
    assert titles == ["Plan A", "Plan B"]
