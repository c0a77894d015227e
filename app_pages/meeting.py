"""Meeting mode: the improvement board's one screen, read from the back of the room.

Reached with ?plan=...&mode=board (add &interval=SECONDS, default 45); the URL also keeps the slide and whether
the show is paused (&paused=1), so a screen that reconnects comes back to the same view. Slides: the exceptions
(measures, then actions and audit streams), one per priority (and its audit stream, when one of its measures is
sourced from the audits), then the audit trajectory; a strip of exceptions stays pinned above them. Every slide
fits one 1920x1080 screen: tables show their first rows by severity ("and 14 more"; the pack has them all). A
presentation clicker works: ArrowRight / PageDown next, ArrowLeft / PageUp previous, `.` or `b` pause.
"""
import time

import pandas as pd
import streamlit as st

from scorecard import board, charts, kpis, numbers, spc
from scorecard.audits import ALL_STREAMS, audit_link, same_stream
from scorecard.safe_text import md, md_table, render
from scorecard.ui import action_view, gate, kpi_rows, no_such_plan, plan_choices, plan_data, plans, uk_date, uk_month

BOARD_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], footer { display: none !important; }
.stApp { background: #ffffff; color: #000000; }
.block-container { padding-top: 0.8rem !important; padding-bottom: 0 !important; max-width: 100% !important; }
.stApp [data-testid="stVerticalBlock"] { gap: 0.6rem; }
.stApp p, .stApp li, .stApp td, .stApp th, .stApp label, .stApp button { font-size: 24px !important; }
.stApp td, .stApp th { color: #000000 !important; padding: 0.2rem 0.5rem !important; }
.stApp h1 { font-size: 52px !important; color: #000000; padding: 0.2rem 0 !important; line-height: 1.15 !important; }
.stApp h2 { font-size: 36px !important; color: #000000; padding: 0.2rem 0 !important; }
.stApp h3 { font-size: 30px !important; color: #000000; padding: 0.1rem 0 !important; }
.stApp [data-testid="stMetricValue"], .stApp [data-testid="stMetricValue"] * { font-size: 64px !important;
  line-height: 1.1 !important; font-weight: 700; color: #000000; }
[data-testid="stMetricLabel"] p { font-size: 26px !important; color: #000000; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * { white-space: normal !important;
  overflow: visible !important; text-overflow: clip !important; height: auto !important; }
.stApp [data-testid="stTable"] td, .stApp [data-testid="stTable"] td * { white-space: nowrap !important;
  max-width: none !important; }
.board-strip { background: #000000; color: #ffffff; padding: 0.3rem 1rem; font-size: 26px; border-radius: 6px; }
.board-strip b { color: #ffd54f; }
.board-status { font-size: 22px; color: #333333; margin: 0; }
</style>
"""
# The clicker: a presentation remote sends PageDown / PageUp (or the arrows) and `.` or `b` (blank screen), which
# press the chair's buttons; and the countdown to the next slide, ticking in the browser.
BOARD_KEYS = """
<script>
if (!window.boardKeys) {
  window.boardKeys = true;
  const keys = {ArrowRight: "board_next", PageDown: "board_next", ArrowLeft: "board_prev", PageUp: "board_prev",
                ".": "board_pause", b: "board_pause", B: "board_pause"};
  document.addEventListener("keydown", (e) => {
    const key = keys[e.key];
    if (!key || e.altKey || e.ctrlKey || e.metaKey || (e.target.closest && e.target.closest("input, textarea"))) return;
    const button = document.querySelector(".st-key-" + key + " button");
    if (button) { e.preventDefault(); button.click(); }
  });
  setInterval(() => {
    for (const el of document.querySelectorAll(".board-countdown")) {
      if (!el.dataset.due) el.dataset.due = Date.now() + 1000 * Number(el.dataset.left);
      const left = Math.max(0, Math.ceil((Number(el.dataset.due) - Date.now()) / 1000));
      el.textContent = "next in " + left + " s";
    }
  }, 250);
}
</script>
"""
ROWS = 6       # table rows a slide shows, worst first; "and N more" says what the pack has besides
MEASURE = 48   # characters of a measure's name on a slide (kpis.short_name)

user = gate("viewer", "Meeting mode")
st.markdown(BOARD_CSS, unsafe_allow_html=True)
st.html(BOARD_KEYS, unsafe_allow_javascript=True)
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


def linked_audits(priority: str) -> pd.DataFrame:
    """The audit stream of the priority's first measure sourced from the audits (`audit: <stream>`), or none."""
    mine = kpi[kpi["priority"] == priority].to_dict("records") if len(kpi) else []
    link = next((link for m in mine if (link := audit_link(m["source"]))), None)
    if link is None or data.audits.empty:
        return data.audits.iloc[0:0]
    return data.audits[[same_stream(s, link.stream) for s in data.audits["stream"]]]


slides = [("exceptions", None)] + ([("actions", None)] if exc.actions or exc.audit_streams else [])
for p in board.priorities(kpi, now_actions):
    slides += [("priority", p)] + ([("priority audits", p)] if len(linked_audits(p)) else [])
slides.append(("audits", None))

state = st.session_state
if "board_slide" not in state:
    try:
        state.board_slide = int(st.query_params.get("slide", 0)) % len(slides)
    except ValueError:
        state.board_slide = 0
    state.board_shown_at = time.time()
    state.board_paused = st.query_params.get("paused") == "1"
state.board_slide %= len(slides)


def go(step: int) -> None:
    state.board_slide = (state.board_slide + step) % len(slides)
    state.board_shown_at = time.time()


def toggle() -> None:
    state.board_paused = not state.board_paused
    state.board_shown_at = time.time()


# -- the pinned strip and the chair's controls ------------------------------------------------------
st.html(render("meeting_strip.html", plan=plan_name, as_at=uk_month(as_at) if as_at else "—",
                last_upload=uk_date(plan["last_upload_at"]), counts=exc.strip()))
controls = st.container(horizontal=True, gap="small")
controls.button("◀ Previous", on_click=go, args=(-1,), key="board_prev", help="ArrowLeft or PageUp")
controls.button("▶ Play" if state.board_paused else "⏸ Pause", on_click=toggle, key="board_pause",
                help="`.` or `b`")
controls.button("Next ▶", on_click=go, args=(1,), key="board_next", help="ArrowRight or PageDown")


def more(shown: int, total: int, what: str) -> None:
    if total > shown:
        st.markdown(f"*and {total - shown} more {numbers.words(total - shown, what)} (all of them in the board pack)*")


def measures_table(rows: list[dict]) -> pd.DataFrame:
    """Measures as the board reads them: a short name, the value with its unit, band and direction in words."""
    return pd.DataFrame({
        "Code": [r["code"] for r in rows], "Measure": [kpis.short_name(r["measure"], MEASURE) for r in rows],
        "Value": [numbers.value(r["value"], r["unit"]) for r in rows],
        "Band": [r["band_label"] or "Not rated" for r in rows],
        "Direction": [r["direction"] or "" for r in rows]}).set_index("Code")


def chart(fig, key: str, container=st, height: int | None = None) -> None:
    if height:
        fig.update_layout(height=height)
    container.plotly_chart(charts.for_room(fig), width="stretch", key=f"{key}_{state.board_slide}", theme=None,
                           config={"displayModeBar": False})


def exceptions_slide() -> None:
    st.title("What needs the board's attention")
    row = st.container(horizontal=True, gap="small")
    for n, what in exc.lines():
        row.metric(what, n, width=205)  # "8" over "measures got worse this month"
    if exc.measures:
        st.subheader("Measures, worst first")
        st.table(md_table(measures_table(exc.measures[:ROWS])))
        more(min(ROWS, len(exc.measures)), len(exc.measures), "measure")


def actions_slide() -> None:
    st.title("Actions and audits that need attention")
    if exc.actions:
        top = exc.actions[:ROWS]
        st.table(md_table(pd.DataFrame({
            "Ref": [a["ref"] for a in top], "Action": [board.short_action(a["action"]) for a in top],
            "Owner": [kpis.short_name(a["owner"] or "", 30) for a in top], "Rating": [a["action_rag"] for a in top],
            "Why": [a["reasons"][0] for a in top]}).set_index("Ref")))
        more(len(top), len(exc.actions), "action")
    for change in exc.audit_streams:
        st.markdown(f"- **{md(change['stream'])}** audits: {change['words']} ({change['from']} to {change['to']}).")


def priority_slide(priority: str) -> None:
    st.title(md(priority))
    mine = kpi[kpi["priority"] == priority] if len(kpi) else kpi
    acts = now_actions[now_actions["priority"] == priority] if len(now_actions) else now_actions
    worse = sum(m["priority"] == priority for m in exc.worse)
    red = sum(a["priority"] == priority for a in exc.red)
    st.header(f"{numbers.plural(worse, 'measure')} got worse · {numbers.plural(red, 'action is', 'actions are')} Red")
    left, right = st.columns([11, 9])
    if len(mine):
        with left:
            st.table(md_table(measures_table(mine.head(ROWS).to_dict("records")).drop(columns="Direction")))
            more(min(ROWS, len(mine)), len(mine), "measure")
    else:
        left.write("No measures under this priority.")
    if len(acts):
        counts = [c for c in data.action_counts if c["priority"] == priority]
        right.subheader("Actions by rating")
        chart(charts.brag_bars(counts, "action_rag", group="priority"), "board_brag", right, 230)
        traj = view["trajectory"][view["trajectory"]["group"] == priority] if view else None
        if traj is not None and traj["as_at"].nunique() > 1:
            chart(charts.brag_trajectory(traj), "board_traj", right, 380)


def audit_figure(rows: pd.DataFrame, height: int, key: str) -> None:
    """A stream's trajectory; a single period as a figure, not one bar across the screen. The latest figure and
    its change since the period before, as the Overview says it (board.audit_latest)."""
    latest = board.audit_latest(rows)
    left, right = st.columns([1, 3]) if len(rows) > 1 else (st.container(), None)
    left.metric(latest.label, latest.value, latest.delta, delta_color="normal" if latest.changed else "off",
                delta_arrow="auto" if latest.changed else "off")
    left.markdown(latest.detail)
    if right is not None:
        chart(charts.audit_trajectory(rows, height=height), key, right)


def priority_audit_slide(priority: str) -> None:
    rows = linked_audits(priority)
    st.title(f"{md(priority)}: {md(rows['stream'].iloc[0])} audits")
    audit_figure(rows, 640, "board_audit")


def audit_slide() -> None:
    st.title("Case-file audits: is practice getting better?")
    rows = data.audits[data.audits["stream"] == ALL_STREAMS] if len(data.audits) else data.audits
    if rows.empty:
        st.header("No audit results loaded for this plan.")
        return
    change = [c for c in board.audit_changes(data.audit_rows) if c["stream"] == ALL_STREAMS]
    if change:
        st.header(f"All streams: {change[0]['words']}.")
    audit_figure(rows, 640, "board_audits")


@st.fragment(run_every=None if state.board_paused else interval)
def show_slide() -> None:
    if not state.board_paused and time.time() - state.board_shown_at >= interval - 0.5:
        go(1)  # the timer's turn: move on
    st.query_params["slide"] = str(state.board_slide)
    if state.board_paused:
        st.query_params["paused"] = "1"
    elif "paused" in st.query_params:
        del st.query_params["paused"]
    kind, priority = slides[state.board_slide]
    left = max(0, round(interval - (time.time() - state.board_shown_at)))
    st.html(f'<p class="board-status">Slide {state.board_slide + 1} of {len(slides)} · '
            + ("paused" if state.board_paused else
               f'<span class="board-countdown" data-left="{left}">next in {left} s</span>') + "</p>")
    show = {"exceptions": exceptions_slide, "actions": actions_slide, "priority": priority_slide,
            "priority audits": priority_audit_slide, "audits": audit_slide}[kind]
    if priority is None:
        show()
    else:
        show(priority)


show_slide()
