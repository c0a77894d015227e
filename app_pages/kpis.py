"""Compliance KPIs: every measure against the plan's thresholds, with SPC that tells signal from noise."""
import pandas as pd
import streamlit as st

from scorecard import charts, kpis, numbers, spc
from scorecard.exports import XLSX_MEDIA_TYPE, to_csv_bytes, to_xlsx_bytes
from scorecard.safe_text import md
from scorecard.summary import banding_for
from scorecard.ui import (
    dataframe,
    figure,
    gate,
    get_store,
    illustrative_note,
    kpi_rows,
    log,
    logged,
    measure_series,
    option_labels,
    plan_data,
    ready_table,
    require,
    shared,
    sidebar_filters,
    uk_date,
    uk_month,
)

user = gate("viewer", "Compliance KPIs")
plan, as_at = sidebar_filters()
st.title("Compliance KPIs")
if plan is None or as_at is None:
    st.info("No measures loaded yet. Upload a workbook with Measures and Values sheets.")
    st.stop()

with st.sidebar:
    st.subheader("SPC settings")
    run = st.selectbox("Points in a shift or trend", spc.RUN_CHOICES, key="spc_run",
                       help="How many points in a row on one side of the mean, or all rising or all "
                            "falling, count as a signal (NHS Making Data Count uses 6 to 8)")
    screen = st.checkbox("Screen out very large moving ranges", key="spc_screen",
                         help="Leave out moving ranges above 3.267 × their mean when setting the limits")

table = kpi_rows(plan["plan"], as_at, run, screen)
st.caption(f"{md(plan['plan'])} · as at {uk_month(as_at)} · {len(table)} measures · exceptions first: "
           "Inadequate, Requires improvement, worsening, target not met, special-cause concern")
if table.empty:
    st.info("This plan has no measures loaded.")
    st.stop()
illustrative_note(bool(table["illustrative"].any()), "Some values on this page")


def filter_options() -> dict[str, list[str]]:
    """What each filter offers: the values in the table, and the bands and ratings given, in their order."""
    ratings = [*kpis.BAND_LABELS.values(), *kpis.TARGET_RAG_LABELS.values()]
    return {**{col: sorted(v for v in table[col].dropna().unique()) for col in ("priority", "focus_area", "source")},
            "band_label": [r for r in ratings if r in set(table["band_label"])]}


offered = shared("kpi_options", filter_options, plan["plan"], as_at, run, screen)
f1, f2, f3, f4 = st.columns(4)
chosen = dict(
    priorities=f1.multiselect("Priority", offered["priority"], key="kpi_priority", placeholder="All"),
    focus_areas=f2.multiselect("Focus area", offered["focus_area"], key="kpi_focus", placeholder="All"),
    band_labels=f3.multiselect("Band or rating", offered["band_label"], key="kpi_band", placeholder="All"),
    sources=f4.multiselect("Source", offered["source"], key="kpi_source", placeholder="All"),
)
search = st.text_input("Search measures", key="kpi_search", placeholder="code, words in the measure, priority…")
choices = (plan["plan"], as_at, run, screen, search, chosen)
shown = shared("kpi_shown", lambda: kpis.filter_table(table, search=search, **chosen), *choices)


def rounded(shown: pd.DataFrame) -> pd.DataFrame:
    """The table with the one rounding rule (numbers.rounded), not the grid's."""
    return shown.assign(**{c: [None if pd.isna(v) else numbers.rounded(v) for v in shown[c]]
                           for c in ("value", "england", "region", "neighbours")})


# What a leader scans first (code, measure, value and band stay in view at 1366 px wide, the lot at 1920), then
# the detail to scroll to. The whole row is in the downloads.
dataframe(ready_table("kpi_table", lambda: rounded(shown), *choices), key="kpi_table",
          height=min(35 * (len(shown) + 1) + 3, 560), column_order=[
    "code", "measure_short", "value", "latest", "band_label", "target_text", "direction_label", "trend",
    "spc_label", "priority_short", "exception", "numerator", "denominator", "england", "region", "neighbours",
    "focus_area", "source"], column_config={
        "code": st.column_config.TextColumn("Code", width=75),
        "measure_short": st.column_config.TextColumn("Measure", width=300,
                                                     help="The full name is in the measure's detail below"),
        "value": st.column_config.NumberColumn("Value", format="%.1f", width=70),
        "latest": st.column_config.TextColumn("Latest", width=85, help="The period of the latest value"),
        "band_label": st.column_config.TextColumn(
            "Band", width=175, help="Against the plan's thresholds; a measure with a tolerance and no bands is "
                                    "rated 🟢 Green, 🔶 Amber or 🔺 Red against its target"),
        "target_text": st.column_config.TextColumn("Target", width=110),
        "direction_label": st.column_config.TextColumn("Direction", width=115),
        "trend": st.column_config.LineChartColumn("Trend", width=100),
        "spc_label": st.column_config.TextColumn("SPC", width=90, help="Variation · assurance (key below)"),
        "priority_short": st.column_config.TextColumn("Priority", width=90),
        "exception": st.column_config.TextColumn("Exception", width=160),
        "numerator": st.column_config.NumberColumn("Num.", format="%g", width=70),
        "denominator": st.column_config.NumberColumn("Den.", format="%g", width=70),
        "england": st.column_config.NumberColumn("England", format="%.1f", width=75),
        "region": st.column_config.NumberColumn("Region", format="%.1f", width=75),
        "neighbours": st.column_config.NumberColumn("Stat. neighbours", format="%.1f", width=120),
        "focus_area": st.column_config.TextColumn("Focus area", width=200),
        "source": st.column_config.TextColumn("Source", width=200)})
st.caption(f"Showing {len(shown)} of {len(table)} measures. SPC: variation · assurance, each a shape and a "
           "letter: ● C common cause, ▲ I / ▼ I improvement, ▲ ! / ▼ ! concern, △ H / ▽ L special cause high/low "
           "on a measure with no direction; assurance ✓ P target always met, ✗ F never met, ? H hit or miss; a run "
           "chart (fewer than 13 points) has neither.")

downloads = st.container(horizontal=True, gap="medium", vertical_alignment="center")
publication = downloads.checkbox("For publication", key="kpi_publication",
                                 help="In the downloads, a numerator or denominator of 1 to 5 and the value resting "
                                      "on it are shown as c (DfE practice)")
stem = f"kpis-{plan['plan']}-{as_at:%Y-%m}".replace(" ", "-") + ("-publication" if publication else "")
title = f"{plan['plan']}: measures as at {uk_month(as_at)}"
# The files, and the table they hold, are made only when a button is pressed (a callable): the page stays quick.
downloads.download_button(
    "Download CSV", logged(user, "export", lambda: to_csv_bytes(kpis.export_frame(shown, publication)),
                           plan=plan["plan"], detail=f"{stem}.csv"),
    f"{stem}.csv", "text/csv", key="kpi_csv", on_click="ignore")
downloads.download_button(
    "Download Excel", logged(user, "export", lambda: to_xlsx_bytes(kpis.export_frame(shown, publication), "Measures",
                                                                   title), plan=plan["plan"], detail=f"{stem}.xlsx"),
    f"{stem}.xlsx", XLSX_MEDIA_TYPE, key="kpi_xlsx", on_click="ignore")

# -- Measure detail ---------------------------------------------------------------------------
st.header("Measure detail")
if shown.empty:
    st.write("No measure matches the filters.")
    st.stop()
labels = shared("kpi_labels", lambda: dict(zip(shown["code"], shown["code"] + " — " + shown["measure"].str[:90])),
                *choices)
code = st.selectbox("Measure", list(labels), format_func=labels.__getitem__, key="kpi_measure")
data = plan_data(plan["plan"], as_at)
series = measure_series(plan["plan"], as_at, code)


def measure_detail() -> dict:
    """The chosen measure's row of the table (as a dict), its definition, process changes and benchmarks."""
    rebases = data.rebases[data.rebases["code"] == code]
    return dict(row=table[table["code"] == code].iloc[0].to_dict(),
                measure=data.measures_raw[data.measures_raw["code"] == code].iloc[0].to_dict(), rebases=rebases,
                cuts=[next((i for i, p in enumerate(series["period"]) if p >= r), len(series))
                      for r in rebases["period"]],
                bench=data.benchmarks[data.benchmarks["code"] == code])


detail = shared("kpi_detail", measure_detail, plan["plan"], as_at, code, run, screen)
row, measure, rebases, bench, cuts = (detail[k] for k in ("row", "measure", "rebases", "bench", "cuts"))
target = None if pd.isna(row["target"]) else float(row["target"])
chart = shared("spc", lambda: spc.analyse(series["value"].tolist(), row["polarity"], target, run, screen, cuts)
               if len(series) else None, plan["plan"], as_at, code, run, screen)

st.caption(md(row["measure"]))
tiles = st.container(horizontal=True, gap="medium")
tiles.metric(f"Latest ({row['latest'] or 'no value'})", numbers.value(row["value"], row["unit"]) or "—")
rated_by_target = pd.notna(row["target_rag"])
tiles.metric("Against its target" if pd.isna(row["band"]) and rated_by_target else "Band", row["band_label"])
tiles.metric("Target", row["target_text"] or "—",
             help=f"Rated {kpis.TARGET_RAG_LABELS[row['target_rag']]} against the target, with the tolerance "
                  f"{md(measure['tolerance'])}" if rated_by_target else None)
tiles.metric("SPC variation", row["variation_label"] or "—")
tiles.metric("SPC assurance", row["assurance_label"] or "—")
if series.empty:
    st.write("No values loaded for this measure yet.")
    st.stop()
st.plotly_chart(figure("measure", lambda: charts.measure_chart(series, banding_for(measure), target, chart, bench,
                                                               row["unit"]), plan["plan"], as_at, code, run, screen),
                width="stretch", key="kpi_chart")
if chart is not None and chart.is_run_chart:
    st.caption("Fewer than 13 points since the last process change: shown as a run chart, with no limits or icons.")
if series["illustrative"].any():
    st.caption("◇ hollow diamonds are illustrative values, generated for the demo.")

if not user.can("uploader"):
    st.stop()
with st.expander("Mark a process change (rebase the SPC limits)"):
    st.write("When the way the work is done changed (a new process, system or definition), the limits "
             "should restart from that period.")
    r1, r2, r3 = st.columns([1, 2, 1])
    periods = shared("rebase_periods", lambda: series["period"].tolist()[1:], plan["plan"], as_at, code)
    period = r1.selectbox("From period", periods, key="rebase_period",
                          format_func=option_labels("rebase", periods, uk_month, plan["plan"], as_at, code).__getitem__)
    reason = r2.text_input("Reason", key="rebase_reason", max_chars=200)
    if r3.button("Mark process change", key="rebase_add") and period is not None:
        require(user, "uploader", "mark a process change")
        get_store().mark_rebase(plan["plan"], code, period.date(), reason or None, user.email or user.name)
        log(user, "settings", plan=plan["plan"], detail=f"{code}: SPC limits restart from {uk_month(period)}")
        st.rerun()
    for r in rebases.to_dict("records"):
        a, b = st.columns([4, 1])
        a.write(f"From **{uk_month(r['period'])}**: {md(r['reason'] or 'no reason given')} "
                f"(marked by {md(r['marked_by'])} on {uk_date(r['marked_at'])})")
        if b.button("Remove", key=f"rebase_clear_{r['period']:%Y%m}"):
            require(user, "uploader", "remove a process change")
            get_store().clear_rebase(plan["plan"], code, r["period"].date())
            log(user, "settings", plan=plan["plan"],
                detail=f"{code}: process change at {uk_month(r['period'])} removed")
            st.rerun()
