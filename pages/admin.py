"""Admin: the audit trail (who did what, when) and the plans in the store."""
import pandas as pd
import streamlit as st

from scorecard import queries
from scorecard.access import gate, logged
from scorecard.exports import to_csv_bytes
from scorecard.ui import get_store, plans, uk_date, uk_month

user = gate("admin")
st.title("Admin")
store = get_store()

st.header("Audit trail")
st.caption("Every sign-in, upload, commit, revert, export and settings change, with who and when. Entries are "
           "only ever added: nothing in the app can edit or delete them.")
trail = queries.run(store, "audit_log")
f1, f2 = st.columns(2)
events = f1.multiselect("Event", sorted(trail["event"].unique()), key="audit_events", placeholder="All")
who = f2.text_input("Who", key="audit_who", placeholder="part of a name or e-mail")
shown = trail[trail["event"].isin(events)] if events else trail
if who.strip():
    shown = shown[shown["who"].str.contains(who.strip(), case=False, regex=False)]
st.dataframe(shown.assign(logged_at=[f"{uk_date(t)} {pd.Timestamp(t):%H:%M:%S}" for t in shown["logged_at"]]),
             hide_index=True, width="stretch", key="audit_table", column_config={
                 "id": "No.", "logged_at": "When", "who": "Who", "role": "Role", "event": "Event", "plan": "Plan",
                 "upload_id": "Upload", "sha256": "File sha256", "detail": st.column_config.TextColumn("What", width="large")})
st.download_button("Download the audit trail (CSV)", logged(user, "export", lambda: to_csv_bytes(shown),
                                                             detail="audit trail"),
                   "audit-trail.csv", "text/csv", key="audit_csv")

st.header("Plans")
st.caption("A plan is created by its first upload; its figures are withdrawn by reverting uploads in the "
           "Upload centre's History and undo.")
history = store.history()
counts = history.groupby("plan")["status"].value_counts().unstack(fill_value=0)
table = plans().merge(counts, left_on="plan", right_index=True, how="left").fillna(0)
st.dataframe(table.assign(as_at=[uk_month(d) if pd.notna(d) else "" for d in table["as_at"]],
                          last_upload_at=[uk_date(d) for d in table["last_upload_at"]]),
             hide_index=True, width="stretch", key="admin_plans", column_config={
                 "plan": "Plan", "authority": "Authority", "as_at": "Latest as-at", "last_upload_at": "Last upload",
                 "last_upload_id": "Last upload id", "committed": "Uploads in force", "reverted": "Reverted"})
