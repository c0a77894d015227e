"""Streamlit glue shared by app.py and the pages: the store, cached data, sidebar filters.

Query results are cached with the store's data version in the key, so a commit or a
revert shows on every session's next rerun.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from . import queries
from .demo import seed_if_empty
from .kpis import kpi_table
from .periods import period_label
from .store import Store
from .summary import PlanData


@st.cache_resource(show_spinner="Opening the store…")
def get_store() -> Store:
    store = Store()
    seed_if_empty(store)
    return store


@st.cache_data(show_spinner=False, max_entries=64)
def _plans(version: int) -> pd.DataFrame:
    return queries.run(get_store(), "plans")


@st.cache_data(show_spinner=False, max_entries=256)
def _periods(plan: str, version: int) -> list[dt.date]:
    df = queries.run(get_store(), "periods", plan=plan)
    return [d.date() if hasattr(d, "date") else d for d in df["period"]]


@st.cache_data(show_spinner=False, max_entries=256)
def _plan_data(plan: str, as_at: dt.date, version: int) -> PlanData:
    return PlanData(get_store(), plan, as_at)


@st.cache_data(show_spinner=False, max_entries=256)
def _kpi_table(plan: str, as_at: dt.date, run: int, screen: bool, version: int) -> pd.DataFrame:
    return kpi_table(_plan_data(plan, as_at, version), run, screen)


def kpi_rows(plan: str, as_at: dt.date, run: int, screen: bool) -> pd.DataFrame:
    return _kpi_table(plan, as_at, run, screen, get_store().data_version())


def plans() -> pd.DataFrame:
    return _plans(get_store().data_version())


def plan_data(plan: str, as_at: dt.date) -> PlanData:
    return _plan_data(plan, as_at, get_store().data_version())


def uk_month(d) -> str:
    return period_label(d if isinstance(d, dt.date) else d.date(), "month")


def uk_date(d) -> str:
    return "" if d is None or pd.isna(d) else pd.Timestamp(d).strftime("%d/%m/%Y")


def sidebar_filters() -> tuple[dict | None, dt.date | None]:
    """Plan (with authority) and as-at month, shared by every page; the plan rides in the URL."""
    df = plans()
    if df.empty:
        st.sidebar.info("No plans loaded yet. Upload a workbook to start.")
        return None, None
    rows = df.to_dict("records")
    names = [r["plan"] for r in rows]
    wanted = st.query_params.get("plan")
    if "plan" not in st.session_state or st.session_state["plan"] not in names:
        st.session_state["plan"] = wanted if wanted in names else names[0]
    by_name = {r["plan"]: r for r in rows}
    plan = st.sidebar.selectbox(
        "Plan", names, key="plan",
        format_func=lambda n: f"{n} — {by_name[n]['authority']}" if by_name[n].get("authority") else n)
    st.query_params["plan"] = plan
    months = _periods(plan, get_store().data_version())
    if not months:
        return by_name[plan], None
    key = f"as_at::{plan}"
    if key not in st.session_state or st.session_state[key] not in months:
        st.session_state[key] = months[0]
    as_at = st.sidebar.selectbox("As at", months, key=key, format_func=uk_month,
                                 help="Figures are shown as they stood at the end of this month")
    return by_name[plan], as_at


def illustrative_note(flagged: bool, what: str = "Some figures on this page") -> None:
    if flagged:
        st.info(f"{what} are **illustrative**: generated for the demo because the source document does "
                "not publish them. They are marked ◇ wherever they appear.", icon="ℹ️")
