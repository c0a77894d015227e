"""The app shell and the Overview page, rendered by Streamlit's AppTest against the demo store."""
import pytest
from streamlit.testing.v1 import AppTest

from scorecard import board
from scorecard.kpis import BAND_LABELS
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
    assert metrics["✓ Targets met"] == "7 of 9"  # the seed's 90% target, on the latest values
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
    order = {k: i for i, k in enumerate(board.KINDS.values())}  # issue 17: every exception, not only these three
    assert order["Measure rated Inadequate"] < order["Action overdue"] < order["Measure worsening"]
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


def test_a_plan_without_bands_leads_with_targets_met_what_got_worse_and_spc(app):
    """Cheshire East 2023-24 and Tameside set targets (or none) but no bands: no row of empty band tiles."""
    at = app.run()
    for plan, targets in (("Cheshire East 2023-24", "7 of 9"), ("Tameside 2023-25", None)):
        at.sidebar.selectbox[0].set_value(plan).run()
        assert not at.exception
        labels = [m.label for m in at.metric]
        assert not set(BAND_LABELS.values()) & set(labels), labels
        lead = ["▼ Got worse", "! SPC concern", "I SPC improvement"]
        assert labels[:4] == ["✓ Targets met", *lead] if targets else labels[:3] == lead
        metrics = {m.label: m.value for m in at.metric}
        assert metrics.get("✓ Targets met") == targets and int(metrics["▼ Got worse"]) >= 0


def test_a_plan_with_bands_leads_with_a_tile_per_band(app):
    at = app.run()
    at.sidebar.selectbox[0].set_value("Sefton 2017-18").run()
    tiles = at.metric[:5]
    assert [t.label for t in tiles] == list(BAND_LABELS.values())
    assert sum(int(t.value) for t in tiles) == 46
    assert [m.label for m in at.metric[5:8]] == ["▼ Got worse", "! SPC concern", "I SPC improvement"]  # no target


@pytest.mark.parametrize("page", [None, "kpis", "audits", "actions", "boardpack"])
def test_a_link_naming_no_plan_says_so_and_offers_the_plans(app, page):
    app.query_params["plan"] = "Nowhere"
    at = app.run()
    if page:
        at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["No plan called 'Nowhere'"]
    offer = at.selectbox(key="plan_instead")
    assert offer.value is None and len(offer.options) == 5
    assert any(o.startswith("Tameside 2023-25 — ") for o in offer.options)
    assert not at.title and not at.dataframe and not at.metric  # no other plan shown under that link
    offer.set_value("Tameside 2023-25").run()
    assert not at.exception and not at.error
    assert at.sidebar.selectbox[0].value == "Tameside 2023-25"
    assert at.query_params["plan"] in ("Tameside 2023-25", ["Tameside 2023-25"])


def test_meeting_mode_linked_to_no_plan_says_so_and_offers_the_plans(app):
    app.query_params.update({"mode": "board", "plan": "Nowhere"})
    at = app.run()
    assert not at.exception and [e.value for e in at.error] == ["No plan called 'Nowhere'"]
    assert not at.metric and not at.title
    at.selectbox(key="plan_instead").set_value("Tameside 2023-25").run()
    assert not at.exception and at.title[0].value == "What needs the board's attention"
    strip = next(h.value for h in at.html if 'class="board-strip"' in h.value)
    assert "Tameside 2023-25" in strip


@pytest.mark.slow
def test_the_plan_and_month_chosen_stay_chosen_from_page_to_page(app):
    """Each page draws its own plan and as-at selectors: the choice made on one carries over to the next (it
    went back to the first plan and the latest month on every page change)."""
    at = app.run()
    at.sidebar.selectbox[0].set_value("Tameside 2023-25").run()
    months = at.sidebar.selectbox[1].options
    at.sidebar.selectbox[1].set_value(months[3]).run()
    month = at.sidebar.selectbox[1].value
    assert at.sidebar.selectbox[1].format_func(month) == months[3]
    for page in ("kpis", "audits", "actions", "overview"):
        at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, page
        assert (at.sidebar.selectbox[0].value, at.sidebar.selectbox[1].value) == ("Tameside 2023-25", month), page
        assert at.query_params["plan"] in ("Tameside 2023-25", ["Tameside 2023-25"])
