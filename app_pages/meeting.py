"""Meeting mode: the improvement board's one screen, read from the back of the room.

Reached with ?plan=...&mode=board (add &interval=SECONDS, default 45); the URL also keeps the slide,
so a screen that reconnects comes back to the same view. Slides: the exceptions, one per priority,
then the audit trajectory; a strip of exceptions stays pinned above them.
"""
import time

import pandas as pd
import streamlit as st

from scorecard import board, charts, spc
from scorecard.audits import ALL_STREAMS
from scorecard.safe_text import md, md_table, render
from scorecard.ui import action_view, gate, kpi_rows, no_such_plan, plan_choices, plan_data, plans, uk_date, uk_month

BOARD_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.stApp { background: #ffffff; color: #000000; }
.block-container { padding-top: 1rem !important; max-width: 100% !important; }
.stApp p, .stApp li, .stApp td, .stApp th, .stApp label, .stApp button { font-size: 24px !important; }
.stApp td, .stApp th { color: #000000 !important; padding: 0.3rem 0.5rem !important; }
.stApp h1 { font-size: 52px !important; color: #000000; }
.stApp h2 { font-size: 40px !important; color: #000000; }
.stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricValue"] * { font-size: 64px !important; line-height: 1.1 !important;
  font-weight: 700; color: #000000; }
[data-testid="stMetricLabel"] p { font-size: 26px !important; color: #000000; }
.board-strip { background: #000000; color: #ffffff; padding: 0.4rem 1rem; font-size: 26px; border-radius: 6px; }
.board-strip b { color: #ffd54f; }
</style>
"""
BIG = dict(font=dict(family="Arial, Helvetica, sans-serif", size=22, color="#000000"))

user = gate("viewer", "Meeting mode")
st.markdown(BOARD_CSS, unsafe_allow_html=True)
plan_name = st.query_params.get("plan")
rows = plans().to_dict("records")
if not rows:
    st.title("No plans loaded yet")
    st.stop()
if plan_name is not None and plan_name not in {r["plan"] for r in rows}:
    no_such_plan(plan_name, rows)
plan_name = plan_name or plan_choices(rows, False)[0]
st.query_params["plan"] = plan_name
st.query_params["mode"] = "board"
try:
    interval = max(5, int(st.query_params.get("interval", 45)))
except ValueError:
    interval = 45
plan = plans().set_index("plan").loc[plan_name]
data = plan_data(plan_name, None)
as_at = data.latest_month()
kpi = kpi_rows(plan_name, as_at, spc.DEFAULT_RUN, False) if as_at else pd.DataFrame()
view = action_view(plan_name, as_at, "priority") if as_at and len(data.actions) else None
now_actions = view["latest"] if view else data.actions
exc = board.exceptions(kpi, data.action_rows, data.audit_rows)
slides = ["exceptions", *board.priorities(kpi, now_actions), "audits"]

state = st.session_state
if "board_slide" not in state:
    try:
        state.board_slide = int(st.query_params.get("slide", 0)) % len(slides)
    except ValueError:
        state.board_slide = 0
    state.board_shown_at = time.time()
    state.board_paused = False
state.board_slide %= len(slides)


def go(step: int) -> None:
    state.board_slide = (state.board_slide + step) % len(slides)
    state.board_shown_at = time.time()


def toggle() -> None:
    state.board_paused = not state.board_paused
    state.board_shown_at = time.time()


# -- the pinned strip and the chair's controls ------------------------------------------------------
st.html(render("meeting_strip.html", plan=plan_name, as_at=uk_month(as_at) if as_at else "—",
                last_upload=uk_date(plan["last_upload_at"]), counts=exc.counts.items()))
c1, c2, c3, c4 = st.columns([1, 1, 1, 5])
c1.button("◀ Previous", on_click=go, args=(-1,), key="board_prev")
c2.button("▶ Play" if state.board_paused else "⏸ Pause", on_click=toggle, key="board_pause")
c3.button("Next ▶", on_click=go, args=(1,), key="board_next")


def shown(rows: list[dict]) -> pd.DataFrame:
    """Measures as the board reads them: value with its unit, band and direction in words."""
    return pd.DataFrame({
        "Code": [r["code"] for r in rows], "Measure": [r["measure"] for r in rows],
        "Value": ["" if r["value"] is None else f"{r['value']:g}{'%' if r['unit'] == '%' else ''}" for r in rows],
        "Band": [r["band_label"] or "Not rated" for r in rows],
        "Direction": [r["direction"] or "" for r in rows]}).set_index("Code")


def fig_big(fig):
    fig.update_layout(**BIG, legend_font_size=20)
    return fig


def exceptions_slide() -> None:
    st.title("What needs the board's attention")
    cols = st.columns(4)
    for col, (n, what) in zip(cols * 2, exc.lines()):
        col.metric(what, n)  # "8" over "measures got worse this month"
    left, right = st.columns(2)
    if exc.measures:
        left.subheader("Measures")
        left.table(md_table(shown(exc.measures[:6])))
    if exc.actions:
        right.subheader("Actions")
        right.table(md_table(pd.DataFrame({
            "Ref": [a["ref"] for a in exc.actions[:6]], "Action": [a["action"] for a in exc.actions[:6]],
            "Owner": [a["owner"] for a in exc.actions[:6]], "Rating": [a["action_rag"] for a in exc.actions[:6]],
            "Due": [a["due_text"] for a in exc.actions[:6]]}).set_index("Ref")))
    for change in exc.audit_streams:
        st.markdown(f"- **{md(change['stream'])}** audits: {change['words']} ({change['from']} to {change['to']}).")


def priority_slide(priority: str) -> None:
    st.title(md(priority))
    mine = kpi[kpi["priority"] == priority] if len(kpi) else kpi
    acts = now_actions[now_actions["priority"] == priority] if len(now_actions) else now_actions
    worse = sum(m["priority"] == priority for m in exc.worse)
    red = sum(a["priority"] == priority for a in exc.red)
    st.header(f"{board.plural(worse, 'measure')} got worse · {board.plural(red, 'action is', 'actions are')} Red")
    left, right = st.columns(2)
    if len(mine):
        left.table(md_table(shown(mine.head(8).to_dict("records"))))
    else:
        left.write("No measures under this priority.")
    if len(acts):
        counts = [c for c in data.action_counts if c["priority"] == priority]
        right.plotly_chart(fig_big(charts.brag_bars(counts, "action_rag", "Actions by rating")), width="stretch",
                           key=f"board_brag_{state.board_slide}")
        traj = view["trajectory"][view["trajectory"]["group"] == priority] if view else None
        if traj is not None and traj["as_at"].nunique() > 1:
            right.plotly_chart(fig_big(charts.brag_trajectory(traj, 180)), width="stretch",
                               key=f"board_traj_{state.board_slide}")
    linked = mine[mine["source"].fillna("").str.lower().str.startswith("audit")] if len(mine) else mine
    for m in linked.to_dict("records")[:1]:
        stream = m["source"].split(":", 1)[1].strip()
        rows = data.audits[data.audits["stream"].str.casefold() == stream.casefold()]
        if len(rows):
            st.plotly_chart(fig_big(charts.audit_trajectory(rows, height=360)), width="stretch",
                            key=f"board_audit_{state.board_slide}")


def audit_slide() -> None:
    st.title("Case-file audits: is practice getting better?")
    rows = data.audits[data.audits["stream"] == ALL_STREAMS] if len(data.audits) else data.audits
    if rows.empty:
        st.header("No audit results loaded for this plan.")
        return
    change = [c for c in board.audit_changes(data.audit_rows) if c["stream"] == ALL_STREAMS]
    if change:
        st.header(f"All streams: {change[0]['words']}.")
    st.plotly_chart(fig_big(charts.audit_trajectory(rows, height=560)), width="stretch", key="board_audits")


@st.fragment(run_every=None if state.board_paused else interval)
def show_slide() -> None:
    if not state.board_paused and time.time() - state.board_shown_at >= interval - 0.5:
        go(1)  # the timer's turn: move on
    st.query_params["slide"] = str(state.board_slide)
    kind = slides[state.board_slide]
    st.caption(f"Slide {state.board_slide + 1} of {len(slides)} · "
               + ("paused" if state.board_paused else f"next in {interval} s"))
    if kind == "exceptions":
        exceptions_slide()
    elif kind == "audits":
        audit_slide()
    else:
        priority_slide(kind)


show_slide()
