"""Streamlit glue shared by app.py and the pages: the store, cached data, sidebar filters.

Query results are cached with the store's data version in the key, so a commit or a
revert shows on every session's next rerun.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from . import actions, queries
from .demo import seed_if_empty
from .kpis import kpi_table
from .periods import month_label
from .store import Store
from .summary import PlanData


@st.cache_resource(show_spinner="Opening the store…")
def get_store() -> Store:
    store = Store()
    seed_if_empty(store)
    return store


def _version() -> tuple[str, int]:
    """The cache key for the store's contents: its file and its data version (bumped by every commit
    and revert), so cached figures never outlive a change or cross from one store to another."""
    store = get_store()
    return str(store.path), store.data_version()


@st.cache_data(show_spinner=False, max_entries=64)
def _plans(version: tuple) -> pd.DataFrame:
    return queries.run(get_store(), "plans")


@st.cache_data(show_spinner=False, max_entries=256)
def _periods(plan: str, version: tuple) -> list[dt.date]:
    df = queries.run(get_store(), "periods", plan=plan)
    return [d.date() if hasattr(d, "date") else d for d in df["period"]]


@st.cache_data(show_spinner=False, max_entries=256)
def _plan_data(plan: str, as_at: dt.date, version: tuple) -> PlanData:
    return PlanData(get_store(), plan, as_at)


@st.cache_data(show_spinner=False, max_entries=256)
def _kpi_table(plan: str, as_at: dt.date, run: int, screen: bool, version: tuple) -> pd.DataFrame:
    return kpi_table(_plan_data(plan, as_at, version), run, screen)


@st.cache_data(show_spinner=False, max_entries=256)
def _action_view(plan: str, as_at: dt.date, by: str, filters: tuple, version: tuple) -> dict:
    return actions.view(get_store(), plan, as_at, by, **dict(filters))


def action_view(plan: str, as_at: dt.date, by: str, **filters) -> dict:
    """The Actions page's figures for a filter (each filter a list; empty means all), cached."""
    return _action_view(plan, as_at, by, tuple((k, tuple(v)) for k, v in sorted(filters.items())),
                        _version())


def kpi_rows(plan: str, as_at: dt.date, run: int, screen: bool) -> pd.DataFrame:
    return _kpi_table(plan, as_at, run, screen, _version())


def plans() -> pd.DataFrame:
    return _plans(_version())


def plan_data(plan: str, as_at: dt.date) -> PlanData:
    return _plan_data(plan, as_at, _version())


uk_month = month_label  # the one month format, periods.month_label ("Apr-23")


def uk_date(d) -> str:
    return "" if d is None or pd.isna(d) else pd.Timestamp(d).strftime("%d/%m/%Y")


def plan_choices(rows: list[dict], show_archived: bool, wanted: str | None = None) -> list[str]:
    """The plans a selector offers: those in use, then archived ones when asked for or linked to by name
    (and all of them when every plan is archived)."""
    names = [r["plan"] for r in rows if show_archived or not r["archived"] or r["plan"] == wanted]
    return names or [r["plan"] for r in rows]


def plan_label(row: dict) -> str:
    label = f"{row['plan']} — {row['authority']}" if row.get("authority") else row["plan"]
    return label + " (archived)" if row.get("archived") else label


def sidebar_filters() -> tuple[dict | None, dt.date | None]:
    """Plan (with authority) and as-at month, shared by every page; the plan rides in the URL."""
    df = plans()
    if df.empty:
        st.sidebar.info("No plans loaded yet. Upload a workbook to start.")
        return None, None
    rows = df.to_dict("records")
    by_name = {r["plan"]: r for r in rows}
    wanted = st.query_params.get("plan")
    selector = st.sidebar.container()
    archived = [r["plan"] for r in rows if r["archived"]]
    show_archived = bool(archived) and st.sidebar.toggle(
        f"Show archived plans ({len(archived)})", key="show_archived",
        help="An admin archives a finished plan: it keeps all its data, out of the way")
    names = plan_choices(rows, show_archived, wanted)
    if "plan" not in st.session_state or st.session_state["plan"] not in names:
        st.session_state["plan"] = wanted if wanted in names else names[0]
    plan = selector.selectbox("Plan", names, key="plan", format_func=lambda n: plan_label(by_name[n]))
    st.query_params["plan"] = plan
    months = _periods(plan, _version())
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
