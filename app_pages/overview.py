"""Overview: one plan at a glance - measures by band and target, audit quality, actions by BRAG, exceptions."""
from urllib.parse import quote

import pandas as pd
import streamlit as st

from scorecard import board, charts, kpis, numbers, spc
from scorecard.audits import ALL_STREAMS
from scorecard.safe_text import md
from scorecard.ui import (
    dataframe,
    exceptions,
    figure,
    gate,
    illustrative_note,
    kpi_rows,
    plan_data,
    ready_table,
    shared,
    sidebar_filters,
    uk_date,
    uk_month,
)

user = gate("viewer", "Overview")
plan, as_at = sidebar_filters()
if plan is None:
    st.title("Overview")
    st.info("No plans loaded yet.")
    st.stop()


def tiles(items: list[tuple[str, object, str]]) -> None:
    """A row of tiles (label, figure, help), each as wide as its label, so none is cut short ("Requires
    improvement"), side by side, wrapping onto a second line on a narrow screen."""
    row = st.container(horizontal=True, gap="large")
    for label, value, help_text in items:
        row.metric(label, value, help=help_text, width="content")


def rated(labels: dict, ratings: list, what: str) -> list[tuple[str, int, str]]:
    """A tile per rating (its shape and its name) with how many measures have it."""
    return [(label, sum(r == key for r in ratings), f"Measures {f'rated {key}' if key else 'not rated'} {what}")
            for key, label in labels.items()]


data = plan_data(plan["plan"], as_at)
st.title(md(plan["plan"]))
st.link_button("📺 Meeting mode for the board", f"./?mode=board&plan={quote(plan['plan'])}", type="secondary")
as_at_text = f"as at {uk_month(as_at)}" if as_at else "no dated figures yet"
st.caption(f"{md(plan.get('authority'))} · {as_at_text} · last upload {uk_date(plan['last_upload_at'])}")
illustrative_note(bool(data.measures["illustrative"].any() if len(data.measures) else False)
                  or bool(data.audits["illustrative"].any() if len(data.audits) else False)
                  or bool(data.actions["illustrative"].any() if len(data.actions) else False))

# -- Measures ----------------------------------------------------------------------------------
st.header("Measures against the plan's thresholds")
m = data.measures
kpi = kpi_rows(plan["plan"], as_at, spc.DEFAULT_RUN, False)


def measure_tiles() -> list[list[tuple[str, object, str]]]:
    """The rows of tiles: a plan with bands leads with them; every plan then shows targets met, what got worse and
    SPC signals."""
    rows = []
    if kpi["band"].notna().any():
        rows.append(rated(kpis.BAND_LABELS, [b if b in kpis.BAND_LABELS else None for b in kpi["band"]],
                          "on their latest value against the plan's bands"))
    if kpi["target_rag"].notna().any():
        rows.append(rated(kpis.TARGET_RAG_LABELS, kpi["target_rag"].tolist(),
                          "against their target, with its tolerance"))
    met = kpi["target_met"].dropna()
    rows.append(([("✓ Targets met", f"{int(met.sum())} of {len(met)}",
                   "Measures whose latest value is at or better than their target, of those with a target")]
                 if len(met) else [])
                + [("▼ Got worse", int((kpi["direction"] == "worsening").sum()),
                    "Measures whose latest value is worse than the one before"),
                   ("! SPC concern", int((kpi["variation"] == "concern").sum()),
                    "Measures whose latest point is a special cause of concern (13 points or more)"),
                   ("I SPC improvement", int((kpi["variation"] == "improvement").sum()),
                    "Measures whose latest point is a special cause of improvement (13 points or more)")])
    return rows


if kpi.empty:
    st.write("This plan has no measures loaded.")
else:
    for row in shared("overview_tiles", measure_tiles, plan["plan"], as_at):
        tiles(row)
    st.page_link("app_pages/kpis.py", label="Every measure, with SPC, on Compliance KPIs", icon="📈")

# -- Audit quality -----------------------------------------------------------------------------
st.header("Case-file audits")


def all_streams() -> tuple[pd.DataFrame, board.AuditLatest | None]:
    """The audits of all streams together, and what the tile says of the latest."""
    a = data.audits[data.audits["stream"] == ALL_STREAMS] if len(data.audits) else data.audits
    return a, board.audit_latest(a)


a, latest = shared("overview_audits", all_streams, plan["plan"], as_at)
if a.empty:
    st.write("No audit results loaded for this plan.")
else:
    c1, c2 = st.columns([1, 3])
    c1.metric(latest.label, latest.value, latest.delta, delta_color="normal" if latest.changed else "off",
              delta_arrow="auto" if latest.changed else "off")
    c1.caption(latest.detail + (" · ◇ illustrative counts" if a.iloc[-1]["illustrative"] else ""))
    c2.plotly_chart(figure("audit_trend", lambda: charts.audit_trajectory(a, height=320), plan["plan"], as_at),
                    width="stretch", key="audit_trend")
    st.page_link("app_pages/audits.py", label="Stream by stream, against the plan, on Case-file audits", icon="🔍")

# -- Actions by BRAG ---------------------------------------------------------------------------
st.header("Actions by BRAG rating")
acts = data.actions
if acts.empty:
    st.write("No actions loaded for this plan.")
else:
    snapshot = pd.Timestamp(acts["as_at"].iloc[0])
    st.caption(f"Action snapshot as at {uk_month(snapshot)} · {numbers.plural(len(acts), 'action')}"
               + (" · ◇ illustrative ratings" if acts["illustrative"].any() else ""))
    st.plotly_chart(figure("brag", lambda: charts.brag_bars(data.action_counts), plan["plan"], as_at), width="stretch",
                    key="brag")
    st.page_link("app_pages/actions.py", label="What changed, exceptions and owners, on Actions", icon="✅")

# -- Exceptions -------------------------------------------------------------------------------
st.header("Exceptions")


def also(reasons: list[str]) -> str:
    return f" · also {', '.join(r.lower() for r in reasons[1:])}" if len(reasons) > 1 else ""


def exception_table() -> pd.DataFrame:
    """One row per exception (board.exceptions), in the order of board.KINDS."""
    exc, rows = exceptions(plan["plan"], as_at), []
    for r in exc.measures:
        figure = (f"{numbers.value(r['previous_value'], r['unit'])} → {numbers.value(r['value'], r['unit'])}"
                  if r["reasons"][0] == board.WORSENING else numbers.value(r["value"], r["unit"]))
        rows.append((board.KINDS[r["reasons"][0]], r["code"], r["measure"],
                     f"{figure} ({r['latest']}){also(r['reasons'])}"))
    for r in exc.actions:
        kind = next(k for k in (board.OVERDUE, board.RED, board.RED_IMPACT) if r["reasons"][0].startswith(k))
        overdue = f", {numbers.plural(r['days_overdue'], 'day')} overdue" if r["overdue"] else ""
        rows.append((board.KINDS[kind], r["ref"], r["action"][:140],
                     f"due {r['due_text']}{overdue} · {r['action_rag']}, impact {r['impact_rag']}"))
    for c in exc.audit_streams:
        rows.append((board.KINDS["fell"], "", c["stream"], f"{c['words']} ({c['from']} to {c['to']})"))
    order = list(board.KINDS.values())
    return pd.DataFrame(rows, columns=["Exception", "Ref", "What", "Detail"]).sort_values(
        "Exception", key=lambda s: s.map(order.index), kind="stable")


table = shared("exception_table", exception_table, plan["plan"], as_at)
if table.empty:
    st.success("No exceptions: nothing rated Inadequate or Red against its target, worsening, missing its target, "
               "showing special-cause concern, Red or overdue, and no audit stream fell.")
else:
    def summary() -> str:
        counts = table["Exception"].value_counts()
        return " · ".join(board.kind_count(kind, counts[k]) for kind, k in board.KINDS.items() if k in counts)

    st.write(shared("exception_summary", summary, plan["plan"], as_at))
    dataframe(ready_table("exceptions", lambda: table, plan["plan"], as_at), width="stretch")
