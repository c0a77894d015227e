"""Everything that touches Streamlit, shared by app.py and the pages: who is signed in and what they may do
on the page (`gate`, `require`, the sign-in screen, the audit trail), the store and cached data, the sidebar's
plan and as-at selectors, and tables. The rules live in the domain (roles and the bind check in access.py,
the figures in the rest of scorecard/), which never imports Streamlit.

Every page calls `gate(role, title)` first, so a role is enforced on the server however the page is reached
(menu, URL, AppTest); handlers that write call `require(role, what)` again before acting.

When the audit trail cannot be written (a full disk, say), pages still open: the failure is logged on the
server, the page carries a banner, the entry is written when the trail works again, and until then
`require()` refuses every change.

A plan's figures (its data, ratings, SPC, tables and charts) are made once per version of that plan's data and
shared by every session (scorecard/cache.py: bounded by entries and size, one computation per key, older
versions let go); the versions are read once per page run, so a commit or a revert shows on every session's
next rerun, and an upload to one plan leaves the other plans' figures made.
"""
from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd
import plotly.graph_objects as go
import plotly.io
import pyarrow as pa
import streamlit as st
from _plotly_utils.utils import is_homogeneous_array, is_skipped_key, to_typed_array_spec

from . import access, actions, board, kpis, queries, spc
from .access import User
from .cache import SharedCache
from .demo import seed_if_empty
from .periods import month_label
from .safe_text import md
from .store import Store, open_store
from .summary import PlanData

UNRECORDED = "_audit_unrecorded"  # session state: this session's audit entries the trail could not take yet
SIGNED_IN = "_signed_in_logged"  # session state: this session's sign-in has been dealt with
logger = logging.getLogger("scorecard")


# -- who is there -------------------------------------------------------------------------------
def sign_in_configured() -> bool:
    """True when the secrets (`.streamlit/secrets.toml`, or `--secrets.files`) have an `[auth]` section."""
    try:
        return bool(st.secrets.get("auth"))
    except Exception:  # no secrets file, or one that cannot be read: local mode, kept to this computer
        return False


def bind_address() -> str:
    return str(st.get_option("server.address") or "")


def public_bind_problem(configured: bool | None = None) -> str | None:
    """access.bind_problem() for this server: its address, and whether sign-in is configured (`configured`, when
    the caller has asked already: with no secrets file, Streamlit looks for one again on every ask)."""
    return access.bind_problem(bind_address(), sign_in_configured() if configured is None else configured)


def current_user(configured: bool | None = None) -> User | None:
    """The signed-in user (None when sign-in is configured and nobody is signed in yet)."""
    if not (sign_in_configured() if configured is None else configured):
        return access.local_user()
    return access.signed_in_user(st.user.to_dict(), access.load_roles())


def preflight(options: list[str]) -> tuple[int, str | None]:
    """`python -m scorecard preflight`: the exit code, and the line to print, for a server started with these
    `streamlit run` options, read as it reads them (its options, then STREAMLIT_* environment variables,
    then .streamlit/config.toml)."""
    import click
    from streamlit.web import bootstrap
    from streamlit.web import cli as streamlit_cli
    try:
        with streamlit_cli.main_run.make_context("streamlit run", ["app.py", *options]) as ctx:
            flags = {k: v for k, v in ctx.params.items() if k not in ("target", "args")}
    except click.ClickException as exc:
        return 1, f"preflight: {exc.format_message()}"
    except click.exceptions.Exit as exc:  # --help: streamlit run's options were printed
        return exc.exit_code, None
    bootstrap.load_config_options(flags)
    problem = public_bind_problem()
    return (1, problem) if problem else (0, None)


# -- the audit trail ----------------------------------------------------------------------------
@dataclass
class Entry:
    """One audit entry and when it happened (kept in the session while the trail cannot take it)."""
    who: str
    role: str | None
    event: str
    fields: dict
    at: dt.datetime = field(default_factory=dt.datetime.now)


def log(user: User | None, event: str, **fields) -> None:
    """Append one entry to the audit trail. If the trail cannot be written the failure is logged on the
    server and the page gets the banner; the entry waits in the session and is written, marked as late, on
    a later run (gate()) once the trail works again, and until then require() refuses changes."""
    waiting = st.session_state.setdefault(UNRECORDED, [])
    waiting.append(Entry(user.who if user else "anonymous", user.role if user else None, event, fields))
    if len(waiting) == 1 and (problem := _write_waiting(late=False)):  # else this run's gate() showed the banner
        _banner(problem)


def logged(user: User, event: str, make, **fields):
    """Wrap a download's data callable so that each download is recorded in the audit trail first; a
    download whose entry cannot be written fails. Its st.download_button takes on_click="ignore": a click that
    also reran the page could lose the file (a run starts by dropping the session's unsent messages, the
    answer with the file's address among them), and the button then spun, disabled, with no file
    (tests/test_downloads.py)."""
    def run():
        _write(Entry(user.who, user.role, event, fields), late=False)
        return make()
    return run


def _write(entry: Entry, late: bool) -> None:
    fields = dict(entry.fields)
    if late:
        fields["detail"] = "; ".join(filter(None, [fields.get("detail"),
                                                   f"recorded late: it happened at {entry.at:%d/%m/%Y %H:%M:%S}"]))
    try:
        get_store().log_event(entry.who, entry.role, entry.event, **fields)
    except Exception as exc:
        logger.error("the audit trail cannot be written (%s by %s): %s", entry.event, entry.who, exc, exc_info=True)
        raise


def _write_waiting(late: bool) -> str | None:
    """Write this session's waiting entries in order; why the trail cannot be written, or None once all are in."""
    waiting = st.session_state.get(UNRECORDED) or []
    while waiting:
        try:
            _write(waiting[0], late)
        except Exception as exc:
            return (str(exc).strip().splitlines() or [type(exc).__name__])[0].rstrip(".")
        waiting.pop(0)
    return None


def _banner(problem: str) -> None:
    st.error(f"The audit trail cannot be written: {problem}. Changes are refused until this is fixed (and "
             "downloads, as each one is recorded); pages can still be read.", icon="⚠️")


_signed_in_on: dict[tuple, dt.date] = {}  # local mode: (store, who) -> the day this process knows they signed in


def _record_sign_in(user: User) -> None:
    """Once per browser session for someone signed in; in local mode once per person per day, however many
    browser tabs and sessions they open (the trail is asked once a day per person, then this process knows)."""
    if st.session_state.get(SIGNED_IN):
        return
    st.session_state[SIGNED_IN] = True
    if user.local:
        known, today = (get_store().database, user.who), dt.date.today()
        if _signed_in_on.get(known) == today:
            return
        last = queries.run(get_store(), "sign_ins").set_index("who")["last_sign_in"].get(user.who)
        if last is not None and pd.Timestamp(last).date() == today:
            _signed_in_on[known] = today  # as the trail says: the entry written, on the day it was written
            return
    log(user, "sign-in", detail="local mode" if user.local else None)


# -- roles on the page --------------------------------------------------------------------------
def gate(role: str, page: str) -> User:
    """Run first on every page (`page` is its title, as the menu names it): refuse a public bind without
    sign-in, show the sign-in screen to someone not signed in, show the local-mode banner, record the
    sign-in, and stop the page (recording the refusal) unless the user has `role`."""
    configured = sign_in_configured()
    problem = public_bind_problem(configured)
    if problem:
        st.error(problem)
        st.stop()
    user = current_user(configured)
    if user is None:
        st.title("Scorecard")
        st.write("Sign in with your council account to see the improvement board's dashboard.")
        st.button("Sign in", on_click=st.login, type="primary", key="sign_in")
        st.stop()
    store = get_store()
    store.refresh()  # PostgreSQL's store: the read model catches up (one round trip when nothing changed)
    if store.unavailable_since:
        st.warning(f"Showing the data last read: store unavailable since {store.unavailable_since:%H:%M}, retrying. "
                   "Changes are refused until it is back.", icon="⚠️")
    st.session_state[VERSION] = _read_version()
    problem = _write_waiting(late=True)
    if problem:
        _banner(problem)
    _record_sign_in(user)
    if user.local:
        st.sidebar.caption(f"🔓 **Local mode**: no sign-in is configured, so the app only listens on this "
                           f"computer (127.0.0.1) and {user.name} has every role.")
    else:
        st.sidebar.caption(f"Signed in as {user.who} · {user.role or 'no role'}")
        st.sidebar.button("Sign out", on_click=st.logout, key="sign_out")
    _role_or_stop(user, role, f"open the {page} page")
    return user


def require(user: User, role: str, what: str) -> None:
    """Before a change: stop here, and record the attempt, unless the user has the role; and refuse it while
    the audit trail cannot be written."""
    _role_or_stop(user, role, what)
    if (since := get_store().unavailable_since) is not None:
        st.error(f"Nothing was changed: store unavailable since {since:%H:%M}, so you cannot {what} until it is back.")
        st.stop()
    if st.session_state.get(UNRECORDED):
        st.error(f"Nothing was changed: the audit trail cannot be written, so you cannot {what} until this is "
                 "fixed.")
        st.stop()


def _role_or_stop(user: User, role: str, what: str) -> None:
    """Stop here, and record the attempt, unless the user has the role."""
    if user.can(role):
        return
    log(user, "denied", detail=f"tried to {what}; needs {role}")
    if user.role is None:
        st.error("Your account has not been given a role for this dashboard yet. Ask an admin to add you.")
    else:
        st.error(f"This needs the **{role}** role; you are signed in as a **{user.role}**.")
    st.stop()


# -- the store and cached data ------------------------------------------------------------------
@st.cache_resource(show_spinner="Opening the store…")
def get_store() -> Store:
    store = open_store()
    seed_if_empty(store)
    return store


SHARED = SharedCache()  # a plan's figures, made once per version of that plan's data and shared by every session
VERSION = "_data_version"  # session state: the versions this run reads (read once, by gate())


@dataclass(frozen=True)
class Versions:
    """A store's data version, and each plan's own (the data version at that plan's latest change)."""
    store: str
    data: int
    plans: dict = field(default_factory=dict)

    def of(self, plan: str | None) -> tuple:
        """The scope a cached value is made for: the whole store, or one plan at its version."""
        return (None, self.data) if plan is None else (plan, self.plans.get(plan, 0))


_seen: dict[str, Versions] = {}  # per store: the newest versions this process has read
_seen_lock = threading.Lock()


def _read_version() -> Versions:
    """The store's versions, read once per page run: the data version (from memory: DataVersions), and the
    plans' versions with it when it has moved, when the shared figures of every plan that changed are let go (a
    plan nobody changed keeps its figures through other plans' uploads)."""
    store = get_store()
    path, data = str(store.path), store.data_version()
    seen = _seen.get(path)
    if seen is not None and seen.data == data:
        return seen
    data, plans = store.plan_versions()
    with _seen_lock:
        seen = _seen.get(path)
        if seen is None or seen.data < data:  # never step back to an older read of another thread
            _seen[path] = seen = Versions(path, data, plans)
            SHARED.keep_versions(path, {None: data, **plans})
    return seen


def _version() -> Versions:
    """The versions this page run reads: read once per run by gate(), so one run never mixes two."""
    return st.session_state.get(VERSION) or _read_version()


def shared(what: str, make, plan: str | None, *key):
    """`make()`, made once for this version of `plan`'s data (None: of the whole store) and `key` (a page's
    choices: lists and dicts are fine), and shared by every session, which must only read it. Made in the
    heavy lane (heavy_work); a session waiting for another's making gives up its page-run slot meanwhile."""
    version = _version()
    full = (version.store, version.of(plan), what, *map(_hashable, key))
    found, value = SHARED.find(full)
    if found:
        return value
    with _off_page():
        return SHARED.get(full, lambda: _heavily(make))


def _heavily(make):
    with heavy_work():
        return make()


# -- fair turns at the interpreter -----------------------------------------------------------------
# Python's full garbage collection walks every object the server holds (the shared figures and tables among
# them) and stops every thread meanwhile: 0.2-0.8 s in the load benchmark, and with Python's thresholds (700,
# 10, 10) one came every 1-17 s under load, a pause in every session's page run. A young collection every
# 10,000 new objects rather than 700 makes full ones about seven times rarer (three in a run of the load
# benchmark's warm-up and four bursts, against twenty); young cyclic garbage is still collected as it comes.
GC_THRESHOLDS = (10_000, 10, 10)
gc.set_threshold(*GC_THRESHOLDS)
PAGE_RUNS = int(os.environ.get("SCORECARD_PAGE_RUNS", "1"))  # page runs executing at once; the others queue
HEAVY_RUNS = 2  # heavy jobs at once (a plan's figures made cold, an upload checked), beside the page runs
_page_runs = threading.BoundedSemaphore(PAGE_RUNS)
_heavy_runs = threading.BoundedSemaphore(HEAVY_RUNS)
_lane = threading.local()  # this thread's: .page (it holds a page-run slot), .heavy (it holds a heavy slot)


@contextmanager
def page_run():
    """Run a page in one of PAGE_RUNS slots (app.py runs every page in one), first come first served. With
    Python's one interpreter lock, sixty scripts at once only take shorter turns, starve the event loop
    that sends their output and raise the memory high-water mark: a short queue is faster for everyone. One slot
    is the fastest (load benchmark, warm bursts of 30 side by side: p95 2.0 s against 2.4 s with three): page runs
    that take turns every 5 ms all finish late, and cost more CPU, where one at a time finishes each in turn."""
    with _page_runs:
        _lane.page = True
        try:
            yield
        finally:
            _lane.page = False


@contextmanager
def _off_page():
    """Give up this page run's slot for the time being (to wait, or to do heavy work), then queue for it."""
    page = getattr(_lane, "page", False)
    if page:
        _lane.page = False
        _page_runs.release()
    try:
        yield
    finally:
        if page:
            _page_runs.acquire()
            _lane.page = True


@contextmanager
def heavy_work():
    """Heavy work (a cold plan's figures, an upload's check, preview and commit) in its own lane: it gives up
    the page run's slot while it waits and works, so it never holds up other sessions' page runs, and at
    most HEAVY_RUNS such jobs run at once."""
    if getattr(_lane, "heavy", False):  # already in the heavy lane
        yield
        return
    with _off_page(), _heavy_runs:
        _lane.heavy = True
        try:
            yield
        finally:
            _lane.heavy = False


def _hashable(part):
    if isinstance(part, dict):
        return tuple((k, _hashable(v)) for k, v in sorted(part.items()))
    if isinstance(part, (list, tuple)):
        return tuple(map(_hashable, part))
    return part


def _plan_data(store: Store, plan: str, as_at: dt.date) -> PlanData:
    data = PlanData(store, plan, as_at)
    for name, attr in list(vars(PlanData).items()):  # its DataFrames made now, once, not by each session
        if isinstance(attr, cached_property):
            getattr(data, name)
    return data


def plan_data(plan: str, as_at: dt.date) -> PlanData:
    store = get_store()
    return shared("plan", lambda: _plan_data(store, plan, as_at), plan, as_at)


def kpi_rows(plan: str, as_at: dt.date, run: int, screen: bool) -> pd.DataFrame:
    data = plan_data(plan, as_at)
    return shared("kpis", lambda: kpis.kpi_table(data, run, screen), plan, as_at, run, screen)


def exceptions(plan: str, as_at: dt.date | None) -> board.Exceptions:
    """The plan's exceptions as at a month (board.exceptions on its KPI table, actions and audits), shared."""
    data, kpi = plan_data(plan, as_at), kpi_rows(plan, as_at, spc.DEFAULT_RUN, False)
    return shared("exceptions", lambda: board.exceptions(kpi, data.action_rows, data.audit_rows), plan, as_at)


def action_view(plan: str, as_at: dt.date, by: str, **filters) -> dict:
    """The Actions page's figures for a filter (each filter a list; empty means all), shared."""
    store = get_store()
    return shared("actions", lambda: actions.view(store, plan, as_at, by, **filters), plan, as_at, by, filters)


def measure_series(plan: str, as_at: dt.date, code: str) -> pd.DataFrame:
    """One measure's values oldest first (kpis.measure_series), shared."""
    store, data = get_store(), plan_data(plan, as_at)
    return shared("series", lambda: kpis.measure_series(store, data, code), plan, as_at, code)


def figure(what: str, make, plan: str, *key):
    """A page's plotly figure for a plan, as-at month and choices (`key`): built once per version of the plan's
    data and shared, as a ReadyFigure; the page only hands it to st.plotly_chart."""
    return shared(f"figure:{what}", lambda: _ready(make()), plan, *key)


class ReadyFigure(go.Figure):
    """A finished figure whose dict is made once: st.plotly_chart asks a figure for its dict on every run (a deep
    copy of every trace, its arrays encoded: 10-30 ms a chart) and writes it as JSON, so a shared figure hands over
    the one it made, which nothing changes (plotly.io.to_json only reads it), in plain JSON types (dates, NumPy
    arrays and the like already written as JSON writes them: writing it again takes 0.1-0.3 ms, not 1-9 ms)."""
    _ready: dict

    def to_dict(self) -> dict:
        return self._ready


def _ready(fig):
    """The figure made, as a ReadyFigure: the same object, its dict made now (not a copy, which would be drawn
    with the default template rather than the figure's own)."""
    if not isinstance(fig, go.Figure):
        return fig
    ready = json.loads(plotly.io.to_json({"data": _as_sent(fig._data), "layout": _as_sent(fig._layout)},
                                         validate=False))
    fig.__class__ = ReadyFigure
    fig._ready = ready
    return fig


def _as_sent(props):
    """A figure's properties as its to_dict() gives them, NumPy arrays as Plotly's typed-array specs, without
    the deep copy of every list and number to_dict() makes first (most of the time a figure took to make): only
    what holds an array is copied, the rest is shared, and nothing is changed."""
    if isinstance(props, dict):
        return {k: to_typed_array_spec(v) if not is_skipped_key(k) and is_homogeneous_array(v) else _as_sent(v)
                for k, v in props.items()}
    if isinstance(props, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in props):
        return [_as_sent(v) for v in props]
    return props


def ready_table(what: str, make, plan: str, *key):
    """A table as a page shows it (with ui.dataframe) for a plan, as-at month and choices (`key`): made once per
    version of the plan's data and shared as Arrow, which st.dataframe sends as it is, where it converts a
    DataFrame on every run (a fifth of a warm page run). A table Arrow cannot take as it is (a column of mixed
    types) stays a DataFrame, for Streamlit to convert as before."""
    return shared(f"table:{what}", lambda: _arrow(make()), plan, *key)


def _arrow(table: pd.DataFrame):
    try:
        return pa.Table.from_pandas(table, preserve_index=False)  # pages show no index
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return table


def plans() -> pd.DataFrame:
    store = get_store()
    return shared("plans", lambda: queries.run(store, "plans"), None)


def plan_rows() -> list[dict]:
    """plans() as records (each a dict the caller must only read), shared."""
    return shared("plan_rows", lambda: plans().to_dict("records"), None)


def _periods(plan: str) -> list[dt.date]:
    store = get_store()
    return shared("periods", lambda: [d.date() if hasattr(d, "date") else d
                                      for d in queries.run(store, "periods", plan=plan)["period"]], plan)


uk_month = month_label  # the one month format, periods.month_label ("Apr-23")


def option_labels(what: str, options: list, label, plan: str | None, *key) -> dict:
    """Each option of a selector and its label (`label(option)`), made once per version of `plan`'s data and `key`
    (what `options` were made from) and shared: a selector formats every option on every run."""
    return shared(f"labels:{what}", lambda: {o: label(o) for o in options}, plan, *key)


def uk_date(d) -> str:
    return "" if d is None or pd.isna(d) else pd.Timestamp(d).strftime("%d/%m/%Y")


def plan_choices(rows: list[dict], show_archived: bool, wanted: str | None = None) -> list[str]:
    """The plans a selector offers: those in use, then archived ones when asked for or linked to by name
    (and all of them when every plan is archived)."""
    names = [r["plan"] for r in rows if show_archived or not r["archived"] or r["plan"] == wanted]
    return names or [r["plan"] for r in rows]


def plan_label(row: dict) -> str:
    authority = row.get("authority")
    label = f"{row['plan']} — {authority}" if isinstance(authority, str) and authority else row["plan"]
    return label + " (archived)" if row.get("archived") else label


def sidebar_filters() -> tuple[dict | None, dt.date | None]:
    """Plan (with authority) and as-at month, shared by every page; the plan rides in the URL."""
    rows = plan_rows()
    if not rows:
        st.sidebar.info("No plans loaded yet. Upload a workbook to start.")
        return None, None
    by_name = {r["plan"]: r for r in rows}
    wanted = st.query_params.get("plan")
    if wanted is not None and wanted not in by_name:
        no_such_plan(wanted, rows)
    selector = st.sidebar.container()
    archived = [r["plan"] for r in rows if r["archived"]]
    for kept in ("show_archived", "plan", *(k for k in st.session_state if str(k).startswith("as_at::"))):
        if kept in st.session_state:  # each page draws its own sidebar widgets: carry the choices over to them
            st.session_state[kept] = st.session_state[kept]
    show_archived = bool(archived) and st.sidebar.toggle(
        f"Show archived plans ({len(archived)})", key="show_archived",
        help="An admin archives a finished plan: it keeps all its data, out of the way")
    names = plan_choices(rows, show_archived, wanted)
    if "plan" not in st.session_state or st.session_state["plan"] not in names:
        st.session_state["plan"] = wanted if wanted in names else names[0]
    labels = shared("plan_labels", lambda: {r["plan"]: plan_label(r) for r in rows}, None)
    plan = selector.selectbox("Plan", names, key="plan", format_func=labels.__getitem__)
    st.query_params["plan"] = plan
    months = _periods(plan)
    if not months:
        return by_name[plan], None
    key = f"as_at::{plan}"
    if key not in st.session_state or st.session_state[key] not in months:
        st.session_state[key] = months[0]
    as_at = st.sidebar.selectbox("As at", months, key=key,
                                 format_func=option_labels("as_at", months, uk_month, plan).__getitem__,
                                 help="Figures are shown as they stood at the end of this month")
    return by_name[plan], as_at


def no_such_plan(wanted: str, rows: list[dict]) -> None:
    """A link naming no plan (mistyped, or a plan since withdrawn): say so and offer the plans, rather than
    show another plan under that link. Stops the page."""
    st.error(f"No plan called '{md(wanted)}'")
    by_name = {r["plan"]: r for r in rows}
    chosen = st.selectbox("Open one of these plans instead", plan_choices(rows, False), index=None, key="plan_instead",
                          format_func=lambda n: plan_label(by_name[n]), placeholder="Choose a plan")
    if chosen is not None:
        st.query_params["plan"] = chosen
        st.session_state["plan"] = chosen
        st.rerun()
    st.stop()


def dataframe(data: pd.DataFrame | pa.Table, **kwargs):
    """st.dataframe as every page shows one: no index, and a blank cell, never "None", where a value is missing."""
    return st.dataframe(data, hide_index=True, placeholder="", **kwargs)


def illustrative_note(flagged: bool, what: str = "Some figures on this page") -> None:
    if flagged:
        st.info(f"{what} are **illustrative**: generated for the demo because the source document does "
                "not publish them. They are marked ◇ wherever they appear.", icon="ℹ️")
