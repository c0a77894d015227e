"""The Case-file audits page, rendered by AppTest against the demo store."""
import json

import pytest
from streamlit.testing.v1 import AppTest

from scorecard.intake import load
from scorecard.store import Store
from tests.conftest import ROOT, make_workbook

pytestmark = pytest.mark.slow  # every test here takes more than about half a second on its own

PAGE = str(ROOT / "app_pages" / "audits.py")
PROGRESS = "Cheshire East progress against Ofsted recommendations 2017"


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


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [df.value.to_csv() for df in at.dataframe]
    parts += [e.proto.spec for e in at.get("plotly_chart")]
    return "\n".join(parts)


def test_all_streams_first_with_the_reported_change_in_plain_words(page):
    at = open_plan(page, PROGRESS)
    assert at.selectbox(key="audit_stream").options[0] == "All streams"
    assert at.selectbox(key="audit_stream").value == "All streams"
    assert [h.value for h in at.header] == ["All streams: grades over time", "Against the plan", "Streams side by side"]
    assert at.metric[0].value == "45%"
    assert "Q1 2017/18: 70 of 154 cases · 95% interval 38%–53%" in [c.value for c in at.caption]
    assert ("**Since Q4 2016/17:** up from 34% to 45%, within the margin of error (the 95% intervals overlap)."
            in [m.value for m in at.markdown])
    table = at.dataframe[0].value
    assert table["period_label"].tolist() == ["2016/17", "Q4 2016/17", "Q1 2017/18"]
    assert table["cases"].tolist() == [320, 154, 154]
    assert len(at.get("plotly_chart")) == 4  # trajectory, CE-PR11 against its bands, heatmap, small multiples
    linked = at.dataframe[1].value
    assert linked.set_index("code").loc["CE-PR11", "band_label"].endswith("Inadequate")
    assert "Requires Improvement from 60%" in at.get("plotly_chart")[0].proto.spec


def test_stream_switch_and_period_range(page):
    at = open_plan(page, PROGRESS)
    at.selectbox(key="audit_stream").set_value("Child Protection plans").run()
    assert not at.exception
    assert at.header[0].value == "Child Protection plans: grades over time"
    assert at.metric[0].value == "50%"
    assert at.dataframe[0].value["cases"].tolist() == [30, 10, 10]
    assert "within the margin of error" in texts(at)
    assert not at.get("plotly_chart")[1].proto.spec.count("CE-PR11")  # no linked measure for this stream
    at.select_slider(key="audit_periods").set_value(("Q4 2016/17", "Q1 2017/18")).run()
    assert not at.exception
    assert at.dataframe[0].value["period_label"].tolist() == ["Q4 2016/17", "Q1 2017/18"]
    heat = json.loads(at.get("plotly_chart")[-2].proto.spec)["data"][0]
    assert heat["type"] == "heatmap" and list(heat["x"]) == ["Q4 2016/17", "Q1 2017/18"]


def test_too_few_cases_flagged_and_case_refs_never_shown(page, demo_copy, tmp_path):
    path = make_workbook(tmp_path / "tiny.xlsx", {
        "Plan": [["Plan", "Tiny audits"]],
        "Audits": [["Period", "Stream", "Grade", "Case ref"],
                   ["Q1 2024/25", "Referrals", "Good", "LL-90001"],
                   ["Q1 2024/25", "Referrals", "Inadequate", "LL-90002"],
                   ["Q1 2024/25", "Referrals", "Good", "LL-90003"],
                   *[["Q2 2024/25", "Referrals", g, f"LL-9010{i}"] for i, g in enumerate(["Good"] * 4 + ["RI"] * 4)]]})
    store = Store(demo_copy)
    try:
        load.import_path(store, path)
    finally:
        store.close()
    at = open_plan(page, "Tiny audits")
    assert at.metric[0].value == "50%"
    all_text = texts(at)
    assert "up from 67% to 50%" not in all_text and "down from 67% to 50%, but 3 cases are too few to judge" in all_text
    assert at.dataframe[0].value["note"].tolist() == ["too few to judge (<5)", ""]
    assert "(n=3) too few" in all_text
    assert "LL-9" not in all_text


def test_plan_without_audits_says_so(page):
    at = open_plan(page, "Tameside 2023-25")
    assert not at.exception
    at = open_plan(page, "Cheshire East 2023-24")
    assert at.metric[0].value == "61%"
    assert "too few" not in at.caption[-1].value
