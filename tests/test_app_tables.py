"""Tables a leader reads: a missing value is a blank cell, never the word "None" (Streamlit's default)."""
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


@pytest.fixture
def app(demo_copy, monkeypatch):
    monkeypatch.setenv("SCORECARD_DB", str(demo_copy))
    from scorecard import ui
    ui.get_store.clear()
    yield AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    ui.get_store.clear()


@pytest.mark.parametrize("page, plan, tables", [
    ("kpis", "Sefton 2017-18", 1),
    ("actions", "Tameside 2023-25", 8),  # what changed (4 tabs), exceptions, owners, the actions, an action's history
    ("audits", "Cheshire East progress against Ofsted recommendations 2017", 2),
    ("admin", None, 2),  # the audit trail, the plans
    ("upload", None, 1),  # the upload history
])
def test_every_table_shows_a_blank_where_a_value_is_missing(app, page, plan, tables):
    if plan:
        app.query_params["plan"] = plan
    at = app.run()
    at.switch_page(f"app_pages/{page}.py").run()
    if page == "actions":
        at.selectbox(key="act_ref").set_value(at.selectbox(key="act_ref").options[0].split(" — ")[0]).run()
    assert not at.exception
    assert len(at.dataframe) == tables
    assert [(t.proto.HasField("placeholder"), t.proto.placeholder) for t in at.dataframe] == [(True, "")] * tables
    assert any(t.value.isna().any().any() for t in at.dataframe)  # there are missing values to show as blanks


def test_a_plan_with_no_authority_is_named_alone_in_the_plan_box():
    from scorecard.ui import plan_label
    assert plan_label({"plan": "Testshire 2025", "authority": float("nan")}) == "Testshire 2025"
    assert plan_label({"plan": "Testshire 2025", "authority": None, "archived": True}) == "Testshire 2025 (archived)"
    assert plan_label({"plan": "Sefton 2017-18", "authority": "Sefton"}) == "Sefton 2017-18 — Sefton"
