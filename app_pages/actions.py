"""Actions: where the improvement plan is slipping, per priority, month by month."""
import pandas as pd
import streamlit as st

from scorecard import actions, charts, numbers
from scorecard.exports import XLSX_MEDIA_TYPE, to_csv_bytes, to_xlsx_bytes
from scorecard.periods import month_key
from scorecard.safe_text import md, md_code
from scorecard.ui import (
    action_view,
    dataframe,
    figure,
    gate,
    get_store,
    illustrative_note,
    logged,
    plan_data,
    ready_table,
    shared,
    sidebar_filters,
    uk_date,
    uk_month,
)

user = gate("viewer", "Actions")
plan, as_at = sidebar_filters()
st.title("Actions")
if plan is None or as_at is None:
    st.info("No actions loaded yet. Upload a workbook with an Actions sheet.")
    st.stop()
now_all = plan_data(plan["plan"], as_at).actions
if now_all.empty:
    st.info("This plan has no actions loaded. Add an Actions sheet (Ref, Action, Owner, Due, Action RAG, "
            "Impact RAG...) with an As at month and upload it.")
    st.stop()


def filter_options() -> dict[str, list[str]]:
    """What each filter offers: the values in the snapshot, in their natural order, and each source's findings."""
    return {**{col: sorted(set(now_all[col].dropna()), key=actions.natural_key)
               for col in ("priority", "focus_area", "owner")},
            "source": sorted({t for s in now_all["source"] for t in actions.source_tags(s)})}


offered = shared("act_options", filter_options, plan["plan"], as_at)
f1, f2, f3, f4, f5 = st.columns(5)
filters = dict(
    priorities=f1.multiselect("Priority", offered["priority"], key="act_priority", placeholder="All"),
    focus_areas=f2.multiselect("Focus area", offered["focus_area"], key="act_focus", placeholder="All"),
    owners=f3.multiselect("Owner", offered["owner"], key="act_owner", placeholder="All"),
    sources=f4.multiselect("Source", offered["source"], key="act_source", placeholder="All",
                           help="The finding an action answers (ILAC, FV1...)"),
    ratings=f5.multiselect("Action RAG", list(actions.RAG_ORDER), key="act_rating", placeholder="All"),
)
by = st.segmented_control("Group by", list(actions.GROUPS)[:2], format_func=actions.GROUPS.get,
                          key="act_group", default="priority") or "priority"
v = action_view(plan["plan"], as_at, by, **filters)
now = v["latest"]


def shown(what: str, make):
    """One of the view's tables as the page shows it, made once for these filters (ui.ready_table)."""
    return ready_table(what, make, plan["plan"], as_at, by, filters)


snapshot = pd.Timestamp(now_all["as_at"].iloc[0])
st.caption(f"{md(plan['plan'])} · snapshot as at {uk_month(snapshot)} · {len(now)} of {len(now_all)} actions · "
           f"{numbers.plural(len(v['snapshots']), 'monthly snapshot')} up to {uk_month(as_at)}")
illustrative_note(v["illustrative"], "Some ratings on this page")
if now.empty:
    st.info("No action matches the filters.")
    st.stop()

# -- Distribution ------------------------------------------------------------------------------
st.header(f"Ratings by {actions.GROUPS[by].lower()}")
c1, c2 = st.columns(2)
c1.plotly_chart(figure("act_action_rag", lambda: charts.brag_bars(v["counts"], "action_rag", "Action RAG (progress)",
                                                                  by), plan["plan"], as_at, by, filters),
                width="stretch", key="act_action_rag")
c2.plotly_chart(figure("act_impact_rag", lambda: charts.brag_bars(v["counts"], "impact_rag",
                                                                  "Impact RAG (difference made)", by),
                       plan["plan"], as_at, by, filters), width="stretch", key="act_impact_rag")
st.caption("B Blue = complete, G Green = on track, A Amber = some slippage, R Red = off track, U = unrated. "
           "Each rating has its own pattern as well as its colour.")

# -- Trajectory --------------------------------------------------------------------------------
st.header("Month by month")
if len(v["snapshots"]) < 2:
    st.write("Only one snapshot so far: the trajectory starts with the next month's upload.")
else:
    for sentence in v["sentences"]:
        st.markdown("- " + md(sentence))
    st.plotly_chart(figure("act_trajectory", lambda: charts.brag_trajectory(v["trajectory"]), plan["plan"], as_at, by,
                           filters), width="stretch", key="act_trajectory")

# -- What changed -------------------------------------------------------------------------------
ch = v["changes"]
previous = uk_month(v["snapshots"][-2]) if len(v["snapshots"]) > 1 else None
st.header(f"What changed since {previous}" if previous else "What changed")
tiles = st.container(horizontal=True, gap="medium")
for key, label in (("moved", "Rating moved"), ("new", "New"), ("closed", "Closed"), ("slipped", "Due date slipped"),
                   ("stale", "Stale commentary")):
    tiles.metric(label, len(ch[key]))
tabs = st.tabs(["Rating moved", "New and closed", "Slipped", "Stale commentary"])
with tabs[0]:
    dataframe(shown("moved", lambda: ch["moved"]), column_config={
        "ref": "Ref", "action": st.column_config.TextColumn("Action", width="large"), "priority": "Priority",
        "owner": "Owner", "source": "Source", "before": "Before", "after": "Now"})
with tabs[1]:
    dataframe(shown("new_and_closed", lambda: pd.concat([
        ch["new"].assign(change="New"), ch["closed"].assign(change="Closed (no longer in the plan)")])), column_config={
        "change": "Change", "ref": "Ref", "action": st.column_config.TextColumn("Action", width="large"),
        "action_rag": "Action RAG"})
with tabs[2]:
    dataframe(shown("slipped", lambda: ch["slipped"]), column_config={
        "ref": "Ref", "action": st.column_config.TextColumn("Action", width="large"), "due_before": "Was due",
        "due_now": "Now due", "slippage_days": st.column_config.NumberColumn("Slipped (days)", format="%d"),
        "rebaselines": st.column_config.NumberColumn("Times re-baselined", format="%d")})
with tabs[3]:
    dataframe(shown("stale", lambda: ch["stale"].assign(since=[uk_month(d) for d in ch["stale"]["since"]])),
              column_config={
        "ref": "Ref", "action": st.column_config.TextColumn("Action", width="medium"),
        "commentary": st.column_config.TextColumn("Commentary", width="large"),
        "unchanged_for": st.column_config.NumberColumn("Unchanged for (snapshots)", format="%d"),
        "since": "Same since"})

# -- Exceptions ---------------------------------------------------------------------------------
st.header("Exceptions")
exc = v["exceptions"]
if exc.empty:
    st.success("Nothing overdue, nothing Red, no Red impact on a Green or Blue action.")
else:
    dataframe(shown("exceptions", lambda: exc), key="act_exceptions", column_config={
        "exception": "Exception", "ref": "Ref", "action": st.column_config.TextColumn("Action", width="large"),
        "owner": "Owner", "source": "Source", "action_rag": "Action RAG", "impact_rag": "Impact RAG",
        "due_text": "Due", "days_overdue": st.column_config.NumberColumn("Days overdue", format="%d")})

# -- Owners -------------------------------------------------------------------------------------
st.header("Owners")
dataframe(shown("owners", lambda: v["owners"]), key="act_owners", column_config={
    "owner": st.column_config.TextColumn("Owner", width="large"), "total": "Actions", "overdue": "Overdue"})

# -- The actions --------------------------------------------------------------------------------
st.header("The actions")
table = v["table"]
dataframe(shown("actions", lambda: table.drop(columns=["As at", "Children will say"])), key="act_table", column_config={
    "Action": st.column_config.TextColumn(width="large"),
    "Due (read as)": st.column_config.DateColumn(format="DD/MM/YYYY")})
stem = f"actions-{plan['plan']}-{month_key(snapshot)}".replace(" ", "-")
downloads = st.container(horizontal=True, gap="medium")
downloads.download_button(
    "Download CSV", logged(user, "export", lambda: to_csv_bytes(table), plan=plan["plan"], detail=f"{stem}.csv"),
    f"{stem}.csv", "text/csv", key="act_csv", on_click="ignore")
downloads.download_button(
    "Download Excel", logged(user, "export", lambda: to_xlsx_bytes(
        table, "Actions", f"{plan['plan']}: actions as at {uk_month(snapshot)}"), plan=plan["plan"],
                             detail=f"{stem}.xlsx"),
    f"{stem}.xlsx", XLSX_MEDIA_TYPE, key="act_xlsx", on_click="ignore")

# -- Action detail ------------------------------------------------------------------------------
st.header("Action detail")
wording = dict(zip(now["ref"], now["action"]))
ref = st.selectbox("Action", list(wording), index=None, key="act_ref", placeholder="Choose an action",
                   format_func=lambda r: f"{r} — {str(wording[r])[:90]}")
if ref is not None:
    a = now[now["ref"] == ref].iloc[0]
    st.subheader(f"{md(ref)} · {md(a['action'])}")
    d1, d2, d3 = st.columns(3)
    d1.markdown(f"**Owner:** {md(a['owner'] or '—')}  \n**Priority:** {md(a['priority'] or '—')}  \n"
                f"**Focus area:** {md(a['focus_area'] or '—')}")
    d2.markdown(f"**Start:** {md(a['start_text'] or '—')}"
                + (f" (read as {uk_date(a['start_date'])})" if pd.notna(a["start_date"]) else "") +
                f"  \n**Due:** {md(a['due_text'] or '—')}"
                + (f" (read as {uk_date(a['due_date'])})" if pd.notna(a["due_date"]) else
                   {"recurring": " (recurring: never overdue)"}.get(a["due_kind"], ""))
                + (f"  \n**Overdue:** {numbers.plural(a['days_overdue'], 'day')}" if a["overdue"] else ""))
    d3.markdown("**Source:** " + (", ".join(md_code(t) for t in actions.source_tags(a["source"])) or "—")
                + f"  \n**Re-baselined:** {numbers.plural(a['rebaselines'], 'time')}")
    if a["children_will_say"]:
        st.info(f"**What our children will say:** {md(a['children_will_say'])}")
    rows = actions.timeline(get_store(), plan["plan"], as_at, ref)
    history = rows.assign(as_at=[uk_month(d) for d in rows["as_at"]])
    dataframe(history[["as_at", "action_rag", "impact_rag", "due_text", "commentary"]], key="act_history",
              column_config={
                  "as_at": "As at", "action_rag": "Action RAG", "impact_rag": "Impact RAG", "due_text": "Due",
                  "commentary": st.column_config.TextColumn("Commentary", width="large")})
    st.markdown("**Commentary timeline**")
    last = None
    for r in history.to_dict("records"):
        text = r["commentary"] if r["commentary"] and r["commentary"].strip() else None
        st.markdown(f"- **{r['as_at']}** · {r['action_rag']}: "
                    + ("*no commentary*" if text is None else "*unchanged*" if text == last else md(text)))
        last = text
