"""Case-file audits: grade trajectories stream by stream, with how sure we can be."""
import streamlit as st

from scorecard import charts, disclosure, kpis, numbers
from scorecard.audits import ALL_STREAMS, MIN_CASES, describe_change, summarise_counts, threshold_lines
from scorecard.bands import GRADES
from scorecard.exports import XLSX_MEDIA_TYPE, to_csv_bytes, to_xlsx_bytes
from scorecard.safe_text import md
from scorecard.summary import banding_for
from scorecard.ui import (
    dataframe,
    figure,
    gate,
    illustrative_note,
    logged,
    measure_series,
    plan_data,
    ready_table,
    shared,
    sidebar_filters,
    uk_month,
)

user = gate("viewer", "Case-file audits")
plan, as_at = sidebar_filters()
st.title("Case-file audits")
if plan is None or as_at is None:
    st.info("No audit results loaded yet. Upload a workbook with an Audits sheet.")
    st.stop()
data = plan_data(plan["plan"], as_at)
audits = data.audits
if audits.empty:
    st.info("This plan has no audit results loaded. Add an Audits sheet (Period, Stream and a Grade or one "
            "count column per grade) and upload it.")
    st.stop()

streams, periods = shared("audit_choices", lambda: (
    [ALL_STREAMS] + sorted({s for s in audits["stream"] if s != ALL_STREAMS}, key=str.casefold),
    audits[["period", "period_label"]].drop_duplicates().sort_values("period")["period_label"].tolist()),
    plan["plan"], as_at)
c1, c2 = st.columns([1, 2])
stream = c1.selectbox("Audit stream", streams, key="audit_stream")
first, last = (c2.select_slider("Periods", options=periods, value=(periods[0], periods[-1]), key="audit_periods")
               if len(periods) > 1 else (periods[0], periods[0]))
window = shared("audit_window", lambda: audits[audits["period_label"].isin(
    periods[periods.index(first):periods.index(last) + 1])], plan["plan"], as_at, first, last)
rows = shared("audit_rows", lambda: window[window["stream"] == stream], plan["plan"], as_at, stream, first, last)
st.caption(f"{md(plan['plan'])} · as at {uk_month(as_at)} · good or better = Outstanding + Good · every % shows "
           f"its number of cases (n) and a 95% interval; fewer than {MIN_CASES} cases are too few to judge")
illustrative_note(bool(rows["illustrative"].any()), "Some audit counts on this page")

# -- Trajectory -------------------------------------------------------------------------------
st.header(f"{md(stream)}: grades over time")
if rows.empty:
    st.info(f"No {md(stream)} audits between {first} and {last}.")
else:
    latest = rows.iloc[-1]
    result = summarise_counts({g: int(latest[g]) for g in GRADES})
    m1, m2 = st.columns([1, 3])
    m1.metric("Good or better", numbers.pct(result.good_or_better_pct),
              help="Outstanding and Good cases as a share of the cases audited")
    m1.caption(f"{latest['period_label']}: {numbers.count(result.good_or_better)} of "
               f"{numbers.plural(result.cases, 'case')} · 95% interval "
               f"{numbers.interval(latest['ci_low'], latest['ci_high'])}")
    if result.cases < MIN_CASES:
        m2.warning(f"Only {numbers.plural(result.cases, 'case was', 'cases were')} audited in "
                   f"{latest['period_label']}: too few to judge.")
    if len(rows) > 1:
        before = rows.iloc[-2]
        change = describe_change(summarise_counts({g: int(before[g]) for g in GRADES}), result)
        m2.markdown(f"**Since {before['period_label']}:** {change}.")
    def trajectory():
        """The stream's grades over time, with the plan's thresholds of the measures sourced from it."""
        linked = data.audit_sourced
        mine = linked[linked["stream"].str.casefold() == stream.casefold()] if len(linked) else linked
        lines = [line for m in mine.to_dict("records")
                 for line in threshold_lines(m["link"], banding_for(m), m.get("target"))]
        return charts.audit_trajectory(rows, lines)

    def by_period():
        return rows.assign(
            interval=[numbers.interval(lo, hi) for lo, hi in zip(rows["ci_low"], rows["ci_high"])],
            good_or_better_pct=[numbers.rounded(p, numbers.PCT_PLACES) for p in rows["good_or_better_pct"]],
            note=[", ".join(n for n in ((f"too few to judge (<{MIN_CASES})" if c < MIN_CASES else ""),
                                        ("◇ illustrative" if i else "")) if n)
                  for c, i in zip(rows["cases"], rows["illustrative"])]
        )[["period_label", "cases", *GRADES, "good_or_better_pct", "interval", "note"]]

    st.plotly_chart(figure("audit_trajectory", trajectory, plan["plan"], as_at, stream, first, last),
                    width="stretch", key="audit_trajectory")
    dataframe(ready_table("audit_table", by_period, plan["plan"], as_at, stream, first, last),
              key="audit_table", column_config={
                  "period_label": "Period", "cases": "Cases (n)",
                  "good_or_better_pct": st.column_config.NumberColumn("Good or better", format="%.0f%%"),
                  "interval": "95% interval", "note": "Note"})

# -- Downloads ---------------------------------------------------------------------------------
if len(window):
    downloads = st.container(horizontal=True, gap="medium", vertical_alignment="center")
    publication = downloads.checkbox(
        "For publication", key="audit_publication",
        help="Counts of 1 to 5 cases, the percentages resting on them, and enough other counts that none can be worked "
             "out from the totals, are shown as c (DfE practice)")
    stem = f"audits-{plan['plan']}-{as_at:%Y-%m}".replace(" ", "-") + ("-publication" if publication else "")
    title = f"{plan['plan']}: case-file audits, {first} to {last}"

    def counts():  # made only when a button is pressed, so the page stays quick
        return disclosure.audit_table(window, publication, text=False)

    downloads.download_button(
        "Download CSV", logged(user, "export", lambda: to_csv_bytes(counts()), plan=plan["plan"], detail=f"{stem}.csv"),
        f"{stem}.csv", "text/csv", key="audit_csv", on_click="ignore")
    downloads.download_button(
        "Download Excel", logged(user, "export", lambda: to_xlsx_bytes(counts(), "Audits", title), plan=plan["plan"],
                                 detail=f"{stem}.xlsx"),
        f"{stem}.xlsx", XLSX_MEDIA_TYPE, key="audit_xlsx", on_click="ignore")
    st.caption("The downloads hold every stream's counts for the periods chosen.")

# -- Against the plan --------------------------------------------------------------------------
st.header("Against the plan")
linked = data.audit_sourced
if linked.empty:
    st.write("No measure in this plan takes its values from the audits. To rate audits against the plan's "
             "thresholds, set a measure's **Source** to `audit: <stream>` (good-or-better %, e.g. "
             "`audit: All streams`) or `audit inadequate: <stream>` (inadequate %).")
else:
    dataframe(ready_table("audit_measures", lambda: linked.assign(
        band_label=[kpis.rating_label(b, r) for b, r in zip(linked["band"], linked["target_rag"])],
        measure=[kpis.short_name(m) for m in linked["measure"]])[
        ["code", "measure", "value", "band_label", "denominator", "latest_label", "stream", "figure", "target"]],
        plan["plan"], as_at), key="audit_measures", column_config={
            "code": st.column_config.TextColumn("Code", width=75),
            "measure": st.column_config.TextColumn("Measure", width=300),
            "value": st.column_config.NumberColumn("Value", format="%.1f%%", width=70),
            "band_label": st.column_config.TextColumn("Band", width=175),
            "denominator": st.column_config.NumberColumn("Cases (n)", format="%d", width=80),
            "latest_label": st.column_config.TextColumn("Latest", width=90), "stream": "Audit stream",
            "figure": "Figure", "target": st.column_config.NumberColumn("Target", format="%g%%")})
    st.caption("Rated with the same rules as the Compliance KPIs page; values are the audit figures per period.")
    for m in linked[linked["stream"].str.casefold() == stream.casefold()].to_dict("records"):
        series = measure_series(plan["plan"], as_at, m["code"])
        if len(series):
            st.subheader(f"{md(m['code'])} · {md(m['measure'])}")
            st.plotly_chart(figure("audit_measure", lambda s=series, m=m: charts.measure_chart(
                s, banding_for(m), m.get("target"), unit="%"), plan["plan"], as_at, m["code"]),
                            width="stretch", key=f"audit_measure_{m['code']}")

# -- Streams side by side ------------------------------------------------------------------------
st.header("Streams side by side")
st.plotly_chart(figure("audit_heatmap", lambda: charts.audit_heatmap(window), plan["plan"], as_at, first, last),
                width="stretch", key="audit_heatmap")
others = window[window["stream"] != ALL_STREAMS]
if others["stream"].nunique() > 1:
    st.plotly_chart(figure("audit_small_multiples", lambda: charts.audit_small_multiples(others), plan["plan"], as_at,
                           first, last), width="stretch", key="audit_small_multiples")
