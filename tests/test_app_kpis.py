"""The Compliance KPIs page, rendered by AppTest against the demo store."""
import pytest
from streamlit.testing.v1 import AppTest

from scorecard.kpis import EXCEPTION_ORDER
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # every test here takes more than about half a second on its own

PAGE = str(ROOT / "app_pages" / "kpis.py")


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


def table(at):
    return at.dataframe[0].value


def test_exceptions_come_first_in_the_page_order(page):
    at = open_plan(page, "Sefton 2017-18")
    df = table(at)
    assert len(df) == 46
    ranks = [EXCEPTION_ORDER.index(e) if e in EXCEPTION_ORDER else len(EXCEPTION_ORDER) for e in df["exception"]]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1]
    first_band = df["band_label"].iloc[0]
    assert first_band.endswith(("Inadequate", "Requires improvement"))
    assert {"trend", "variation_label", "assurance_label", "england"} <= set(df.columns)
    assert df["exception"].isna().iloc[-1] and at.dataframe[0].proto.HasField("placeholder")  # blank, not "None"
    assert at.dataframe[0].proto.placeholder == ""


def test_filters_and_search_change_the_table(page):
    at = open_plan(page, "Sefton 2017-18")
    full = table(at)
    priority = sorted(full["priority"].dropna().unique())[0]
    at.multiselect(key="kpi_priority").set_value([priority]).run()
    df = table(at)
    assert 0 < len(df) < len(full) and set(df["priority"]) == {priority}
    at.multiselect(key="kpi_priority").set_value([]).run()
    at.text_input(key="kpi_search").set_value("re-referrals").run()
    df = table(at)
    assert list(df["code"]) == ["SEF41"]
    at.text_input(key="kpi_search").set_value("no such measure at all").run()
    assert table(at).empty and "No measure matches the filters." in [m.value for m in at.markdown]


def test_band_filter_keeps_only_that_band(page):
    at = open_plan(page, "Sefton 2017-18")
    band = table(at)["band_label"].iloc[0]
    at.multiselect(key="kpi_band").set_value([band]).run()
    assert set(table(at)["band_label"]) == {band}


def test_measure_detail_renders_with_its_metrics(page):
    at = open_plan(page, "Tameside 2023-25")
    at.selectbox(key="kpi_measure").set_value("CF4").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Latest (Jan-24)"].endswith("%")
    assert "SPC variation" in metrics and "SPC assurance" in metrics
    assert at.get("plotly_chart") or any(e.type == "plotly_chart" for e in at.main)


def test_marking_a_process_change_rebases_and_can_be_removed(page):
    at = open_plan(page, "Cheshire East 2023-24")
    code = at.selectbox(key="kpi_measure").value
    period = at.selectbox(key="rebase_period").options[12]
    at.selectbox(key="rebase_period").set_value(at.selectbox(key="rebase_period").options[12])
    at.text_input(key="rebase_reason").set_value("New front door")
    at.button(key="rebase_add").click().run()
    assert not at.exception
    assert any("New front door" in m.value for m in at.markdown)
    removes = [b for b in at.button if b.label == "Remove"]
    assert len(removes) == 1
    removes[0].click().run()
    assert not any("New front door" in m.value for m in at.markdown), (code, period)


def test_spc_settings_feed_the_table(page):
    at = open_plan(page, "Sefton 2017-18")
    six = table(at)["variation_label"].tolist()
    at.selectbox(key="spc_run").set_value(8).run()
    eight = table(at)["variation_label"].tolist()
    assert not at.exception and len(six) == len(eight)
    assert sum("C " in v for v in eight) >= sum("C " in v for v in six)  # fewer signals with a longer run


@pytest.mark.parametrize("plan", ["Cheshire East 2017-18", "Cheshire East 2023-24",
                                  "Cheshire East progress against Ofsted recommendations 2017", "Tameside 2023-25"])
def test_every_demo_plan_renders(page, plan):
    at = open_plan(page, plan)
    assert at.title[0].value == "Compliance KPIs"
    assert len(table(at)) > 0
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download Excel"]


def test_a_measure_sourced_from_audits_is_listed_like_any_other(page):
    at = open_plan(page, "Cheshire East progress against Ofsted recommendations 2017")
    row = table(at).set_index("code").loc["CE-PR11"]
    assert (round(row["value"], 1), row["denominator"], row["latest"]) == (45.5, 154, "Q1 2017/18")
    assert row["band_label"].endswith("Inadequate") and row["source"] == "audit: All streams"


def test_the_table_leads_with_what_a_leader_scans_and_priority_as_a_short_label(page):
    at = open_plan(page, "Sefton 2017-18")
    shown = at.dataframe[0].proto
    assert list(shown.column_order)[:10] == ["code", "measure_short", "value", "latest", "band_label", "target_text",
                                             "direction_label", "trend", "spc_label", "priority_short"]
    df = table(at).set_index("code")
    assert set(df["priority_short"]) == {"Priority 1", "Priority 2"}  # not the priorities' full 120-character names
    assert df["measure_short"].str.len().max() <= 48 and df.loc["SEF41", "measure_short"] == (
        "% of re-referrals within 12 months")
    assert df["spc_label"].str.fullmatch(r"Run chart|[●▲▼△▽] [CI!HL]( · [✓✗?] [PFH])?|").all()  # key below


TOLERANCE = [["Code", "Measure", "Priority", "Unit", "Polarity", "Target", "Tolerance", "Requires Improvement", "Good",
              "Outstanding"],
             ["V1", "Statutory visits in timescale", "1. Practice", "%", "Higher is better", 90, "5 points"],
             ["V2", "Assessments within 45 days", "1. Practice", "%", "Higher is better", 90, "2 points"],
             ["V3", "Children seen within 5 days", "1. Practice", "%", "Higher is better", 90, "5%"],
             ["V4", "Plans reviewed on time", "1. Practice", "%", "Higher is better", 90, "", "60-69", "70-79",
              "80-100"]]


@pytest.fixture
def tolerance_store(tmp_path, monkeypatch):
    """A plan whose measures are rated against their target with a tolerance: V1 Amber (88 against 90, 5 points
    allowed), V2 Red (80, 2 points allowed), V3 Green (92); V4 has bands and no tolerance."""
    from scorecard import ui
    from scorecard.intake import load
    from scorecard.store import Store
    from tests.conftest import make_workbook
    store = Store(tmp_path / "tolerance.duckdb")
    series = {"V1": (85, 88), "V2": (84, 80), "V3": (90, 92), "V4": (72, 75)}
    values = [["Code", "Period", "Value"]] + [[c, p, v] for c, vs in series.items()
                                              for p, v in zip(("Jan-24", "Feb-24"), vs)]
    _, upload_id = load.import_path(store, make_workbook(tmp_path / "t.xlsx", {
        "Plan": [["Plan", "Tolerance plan"]], "Measures": TOLERANCE, "Values": values}))
    store.close()
    assert upload_id is not None
    monkeypatch.setenv("SCORECARD_DB", str(tmp_path / "tolerance.duckdb"))
    ui.get_store.clear()
    yield
    ui.get_store.clear()


def test_a_measure_with_a_tolerance_is_rated_against_its_target_on_every_page(tolerance_store):
    from scorecard.kpis import TARGET_RAG_LABELS
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    df = table(at).set_index("code")
    assert df["band_label"].to_dict() == {"V1": "🔶 Amber", "V2": "🔺 Red", "V3": "🟢 Green", "V4": "🟩 Good"}
    assert df["target_text"].to_dict() == {"V1": "90% ✗ not met", "V2": "90% ✗ not met", "V3": "90% ✓ met",
                                           "V4": "90% ✗ not met"}
    assert at.multiselect(key="kpi_band").options == ["🟩 Good", *TARGET_RAG_LABELS.values()]
    at.selectbox(key="kpi_measure").set_value("V2").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Against its target"] == "🔺 Red" and metrics["Target"] == "90% ✗ not met"

    overview = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    tiles = {m.label: m.value for m in overview.metric}
    assert {label: tiles[label] for label in TARGET_RAG_LABELS.values()} == {
        "🟢 Green": "1", "🔶 Amber": "1", "🔺 Red": "1"}

    board = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    board.query_params.update({"mode": "board", "plan": "Tolerance plan", "slide": "1"})
    board.run()
    assert not board.exception and board.title[0].value == "1\\. Practice"
    rated = board.table[0].value["Band"].to_dict()
    assert rated == {"V1": "🔶 Amber", "V2": "🔺 Red", "V3": "🟢 Green", "V4": "🟩 Good"}
