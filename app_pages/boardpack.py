"""Board pack: the papers sent before the meeting, as one self-contained HTML file and a PDF."""
import streamlit as st

from scorecard import boardpack
from scorecard.safe_text import md
from scorecard.ui import action_view, gate, get_store, kpi_rows, logged, plan_data, sidebar_filters, uk_month

user = gate("viewer", "Board pack")
plan, as_at = sidebar_filters()
st.title("Board pack")
if plan is None or as_at is None:
    st.info("No plans loaded yet.")
    st.stop()
st.write("The front page lists the exceptions; a section per priority gives its measures, actions by rating and "
         "their month-by-month movement; the last section is the audit trajectory. Every section states its as-at "
         "month and the uploads its figures came from. The HTML file opens in any browser without internet, "
         "charts included; the PDF is the same content for printing (landscape A4, static charts, page headers).")
publication = st.checkbox("For publication (counts of 1 to 5 shown as c, DfE practice)", key="pack_publication",
                          help="Counts of 1 to 5 children or cases, the figures that rest on them, and enough other "
                               "counts that none can be worked out from the totals, are shown as c")
data = plan_data(plan["plan"], as_at)
view = action_view(plan["plan"], as_at, "priority") if len(data.actions) else None
stem = f"board-pack-{plan['plan']}-{as_at:%Y-%m}".replace(" ", "-") + ("-publication" if publication else "")


def page(static: bool = False) -> str:
    return boardpack.build_html(plan, data, kpi_rows(plan["plan"], as_at, 6, False), view, get_store().history(),
                                publication, static=static)


c1, c2, _ = st.columns([1, 1, 3])
c1.download_button("Download the pack (HTML)", logged(user, "export", lambda: page().encode("utf-8"),
                                                      plan=plan["plan"], detail=f"{stem}.html"),
                   f"{stem}.html", "text/html", key="pack_html", on_click="ignore")
if boardpack.chromium():
    c2.download_button("Download the pack (PDF)", logged(user, "export", lambda: boardpack.to_pdf(page(static=True)),
                                                         plan=plan["plan"], detail=f"{stem}.pdf"),
                       f"{stem}.pdf", "application/pdf", key="pack_pdf", on_click="ignore")
else:
    c2.info("The PDF needs Chromium on the server (sudo apt-get install chromium).")
st.caption(f"{md(plan['plan'])} as at {uk_month(as_at)}. No case reference is ever included.")
